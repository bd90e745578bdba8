from datetime import date, datetime

import xlsxwriter

from relais.sources.page_export import read_page_posts
from tests.builders import write_page_export

POST = "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000001001"


def test_all_posts_sheet_with_note_row(tmp_path):
    path = write_page_export(
        tmp_path / "content.xlsx",
        [
            ("Budget", POST, "1/10/2026", 1000, 10, 20, 2, 3),
            ("Lien cassé", "https://www.example.org/x", "1/11/2026", 5, 0, 0, 0, 0),
            ("Date fausse", POST + "9", "13/45/2026", 5, 0, 0, 0, 0),
            ("Profil", "https://www.linkedin.com/company/ville/", "1/12/2026", 5, 0, 0, 0, 0),
        ],
    )
    read = read_page_posts(path, "content.xlsx")
    assert read.rows_read == 4
    [row] = read.rows
    assert row["post_key"] == "activity:7100000000000001001"
    assert (
        row["created_on"],
        row["impressions"],
        row["clicks"],
        row["likes"],
        row["comments"],
        row["reposts"],
    ) == (date(2026, 1, 10), 1000, 10, 20, 2, 3)
    assert row["_source_row"] == 3 and row["title"] == "Budget"
    assert "Posted by" not in row and "Camille" not in str(row)
    assert [(p.source_row, p.source_file) for p in read.problems] == [
        (4, "content.xlsx"),
        (5, "content.xlsx"),
        (6, "content.xlsx"),
    ]
    assert "not a link to a LinkedIn post" in read.problems[0].reason
    assert "'https://www.linkedin.com/company/ville/' is not a link to a LinkedIn post or article" in (
        read.problems[2].reason
    )
    assert "sheet 'All posts'" in read.problems[1].reason and "13/45/2026" in read.problems[1].reason


def test_older_update_layout(tmp_path):
    path = write_page_export(
        tmp_path / "old.xlsx", [("Ancien", POST, "9/3/2025", 300, 3, 4, 1, 2)], legacy=True
    )
    [row] = read_page_posts(path, "old.xlsx").rows
    assert row["post_key"] == "activity:7100000000000001001"
    assert row["created_on"] == date(2025, 9, 3) and row["reposts"] == 2


def test_real_date_cells_and_header_found_by_scanning(tmp_path):
    path = tmp_path / "dates.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("All posts")
    sheet.write(0, 0, "Note")
    sheet.write(1, 0, "Second note line")
    sheet.write_row(2, 0, ["Created date", "Impressions", "Post link"])
    sheet.write_datetime(3, 0, datetime(2026, 2, 5), workbook.add_format({"num_format": "m/d/yyyy"}))
    sheet.write_number(3, 1, 800)
    sheet.write(3, 2, POST)
    workbook.close()
    [row] = read_page_posts(path, "dates.xlsx").rows
    assert (row["created_on"], row["impressions"], row["_source_row"]) == (date(2026, 2, 5), 800, 4)
