"""Page exports: daily metrics (today's, older and French headers), new followers and visitors."""

from datetime import date

import pytest

from relais.ledger import FileRejected
from relais.sources.page_audience import (
    parse_rate,
    read_page_followers,
    read_page_metrics,
    read_page_visitors,
)
from relais.synthetic.workbooks import write_workbook

NOTE = "Aggregated metrics for the selected range. Metrics are recorded daily."
METRICS_HEADER = [
    "Date",
    "Impressions (organic)",
    "Impressions (sponsored)",
    "Impressions (total)",
    "Unique impressions (organic)",
    "Clicks (organic)",
    "Clicks (sponsored)",
    "Clicks (total)",
    "Reactions (organic)",
    "Reactions (sponsored)",
    "Reactions (total)",
    "Comments (organic)",
    "Comments (sponsored)",
    "Comments (total)",
    "Reposts (organic)",
    "Reposts (sponsored)",
    "Reposts (total)",
    "Engagement rate (organic)",
    "Engagement rate (sponsored)",
    "Engagement rate (total)",
]


def _content_export(tmp_path, name, metrics_sheet, rows):
    return write_workbook(
        tmp_path / name, {metrics_sheet: rows, "All posts": [["All posts"], ["Post title", "Post link"]]}
    )


def test_todays_metrics_sheet(tmp_path):
    path = _content_export(
        tmp_path,
        "content.xlsx",
        "Metrics",
        [
            [NOTE],
            METRICS_HEADER,
            ["1/10/2026", 1000, 200, 1200, 640, 30, 5, 35, 20, 2, 22, 3, 0, 3, 4, 1, 5, 0.0625, 0.04, "5.4%"],
            [date(2026, 1, 11), 10, 0, 10, 9, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0.1, 0, 0.1],
        ],
    )
    read = read_page_metrics(path, "content.xlsx")
    assert (
        read.problems == [] and read.rows_read == 2 and read.sheet == "Metrics" and read.date_order == "MDY"
    )
    first, second = read.rows
    assert {k: v for k, v in first.items() if not k.startswith("_")} == {
        "day": date(2026, 1, 10),
        "impressions_organic": 1000,
        "impressions_sponsored": 200,
        "impressions_total": 1200,
        "unique_impressions_organic": 640,
        "clicks_organic": 30,
        "clicks_sponsored": 5,
        "clicks_total": 35,
        "reactions_organic": 20,
        "reactions_sponsored": 2,
        "reactions_total": 22,
        "comments_organic": 3,
        "comments_sponsored": 0,
        "comments_total": 3,
        "reposts_organic": 4,
        "reposts_sponsored": 1,
        "reposts_total": 5,
        "engagement_rate_organic": 0.0625,
        "engagement_rate_sponsored": 0.04,
        "engagement_rate_total": pytest.approx(0.054),
    }
    assert (first["_source_row"], first["_sheet"]) == (3, "Metrics")
    assert (second["day"], second["_source_row"]) == (date(2026, 1, 11), 4)


def test_older_shares_headers_and_fewer_columns(tmp_path):
    path = write_workbook(
        tmp_path / "old.xlsx",
        {
            "Update metrics (aggregated)": [
                [NOTE],
                ["Date", "Impressions (organic)", "Clicks (organic)", "Shares (organic)", "Shares (total)"],
                ["9/3/2020", 300, 3, 2, 2],
            ],
            "Update engagement": [["Note"], ["Update title", "Update link"]],
        },
    )
    read = read_page_metrics(path, "old.xlsx")
    [row] = read.rows
    assert (row["day"], row["impressions_organic"], row["clicks_organic"]) == (date(2020, 9, 3), 300, 3)
    assert (row["reposts_organic"], row["reposts_total"]) == (2, 2)
    assert row["impressions_total"] is None and row["engagement_rate_total"] is None
    assert read.sheet == "Update metrics (aggregated)"


def test_french_headers(tmp_path):
    path = _content_export(
        tmp_path,
        "fr.xlsx",
        "Statistiques",
        [
            ["Statistiques agrégées pour la période choisie."],
            [
                "Date",
                "Impressions (organiques)",
                "Impressions (sponsorisées)",
                "Impressions (total)",
                "Impressions uniques (organiques)",
                "Clics (total)",
                "Réactions (total)",
                "Commentaires (total)",
                "Republications (total)",
                "Partages (organiques)",
                "Taux d'engagement (total)",
            ],
            ["2/14/2026", "1 500", 0, "1 500", 900, 12, 30, 4, 6, 5, "3,5 %"],
        ],
    )
    [row] = read_page_metrics(path, "fr.xlsx").rows
    assert row["day"] == date(2026, 2, 14)
    assert (row["impressions_organic"], row["impressions_sponsored"], row["impressions_total"]) == (
        1500,
        0,
        1500,
    )
    assert (row["unique_impressions_organic"], row["clicks_total"], row["reactions_total"]) == (900, 12, 30)
    assert (row["comments_total"], row["reposts_total"], row["reposts_organic"]) == (4, 6, 5)
    assert row["engagement_rate_total"] == pytest.approx(0.035)


def test_bad_values_name_row_and_column(tmp_path):
    path = _content_export(
        tmp_path,
        "bad.xlsx",
        "Metrics",
        [
            [NOTE],
            ["Date", "Impressions (organic)", "Clicks (organic)", "Engagement rate (organic)"],
            ["1/10/2026", -4, 1, 0.1],
            ["1/11/2026", 10, "beaucoup", 0.1],
            ["1/32/2026", 10, 1, 0.1],
            [None, 10, 1, 0.1],
            ["1/13/2026", 10, 1, "-0.2"],
            ["1/14/2026", 10, 1, 0.1],
        ],
    )
    read = read_page_metrics(path, "bad.xlsx")
    assert [r["_source_row"] for r in read.rows] == [8]
    assert read.rows_read == 6
    problems = [(p.source_file, p.source_row, p.kind) for p in read.problems]
    assert problems == [("bad.xlsx", row, "page_metrics") for row in (3, 4, 5, 6, 7)]
    reasons = [p.reason for p in read.problems]
    assert "column 'Impressions (organic)'" in reasons[0] and "'-4'" in reasons[0]
    assert "column 'Clicks (organic)'" in reasons[1] and "'beaucoup'" in reasons[1]
    assert "column 'Date'" in reasons[2] and "'1/32/2026'" in reasons[2]
    assert "column 'Date' is empty" in reasons[3]
    assert "column 'Engagement rate (organic)'" in reasons[4] and "'-0.2'" in reasons[4]
    assert all(r.startswith("sheet 'Metrics': ") for r in reasons)


def test_new_followers_sheet(tmp_path):
    path = write_workbook(
        tmp_path / "followers.xlsx",
        {
            "New followers": [
                ["Daily new followers for the selected range."],
                [
                    "Date",
                    "Sponsored followers",
                    "Organic followers",
                    "Auto-invited followers",
                    "Total followers",
                ],
                ["3/1/2026", 0, 12, 1, 13],
                [date(2026, 3, 2), 2, 5, 0, 7],
            ],
            "Location": [["Location", "Total followers"], ["Lyon", 400]],
        },
    )
    read = read_page_followers(path, "followers.xlsx")
    assert read.problems == []
    assert [
        (
            r["day"],
            r["sponsored_followers"],
            r["organic_followers"],
            r["auto_invited_followers"],
            r["total_followers"],
        )
        for r in read.rows
    ] == [(date(2026, 3, 1), 0, 12, 1, 13), (date(2026, 3, 2), 2, 5, 0, 7)]


def test_french_followers_without_auto_invited(tmp_path):
    path = write_workbook(
        tmp_path / "abonnes.xlsx",
        {
            "Nouveaux abonnés": [
                ["Note"],
                ["Date", "Abonnés sponsorisés", "Abonnés organiques", "Total des abonnés"],
                ["3/15/2026", 1, "-2", 3],
                ["3/16/2026", 1, 2, 3],
            ]
        },
    )
    read = read_page_followers(path, "abonnes.xlsx")
    [row] = read.rows
    assert (row["day"], row["organic_followers"], row["auto_invited_followers"], row["total_followers"]) == (
        date(2026, 3, 16),
        2,
        None,
        3,
    )
    [problem] = read.problems
    assert problem.source_row == 3 and "'Abonnés organiques'" in problem.reason and "'-2'" in problem.reason


def test_visitor_metrics_sheet_keeps_the_totals_only(tmp_path):
    header = [
        "Date",
        "Overview page views (desktop)",
        "Overview page views (mobile)",
        "Total page views (desktop)",
        "Total page views (mobile)",
        "Total page views (total)",
        "Total unique visitors (desktop)",
        "Total unique visitors (mobile)",
        "Total unique visitors (total)",
    ]
    path = write_workbook(
        tmp_path / "visitors.xlsx",
        {"Visitor metrics": [["Note"], header, ["4/1/2026", 99, 98, 40, 60, 100, 20, 30, 45]]},
    )
    read = read_page_visitors(path, "visitors.xlsx")
    [row] = read.rows
    assert {k: v for k, v in row.items() if not k.startswith("_")} == {
        "day": date(2026, 4, 1),
        "page_views_desktop": 40,
        "page_views_mobile": 60,
        "page_views_total": 100,
        "unique_visitors_desktop": 20,
        "unique_visitors_mobile": 30,
        "unique_visitors_total": 45,
    }


def test_day_first_dates_only_when_month_first_cannot_read_them(tmp_path):
    path = write_workbook(
        tmp_path / "dmy.xlsx",
        {
            "Visitor metrics": [
                ["Note"],
                ["Date", "Total page views (total)"],
                ["13/04/2026", 5],
                ["14/04/2026", 6],
            ]
        },
    )
    read = read_page_visitors(path, "dmy.xlsx")
    assert read.date_order == "DMY" and [r["day"] for r in read.rows] == [
        date(2026, 4, 13),
        date(2026, 4, 14),
    ]


def test_missing_sheet_or_header_is_rejected(tmp_path):
    with pytest.raises(FileRejected, match="no sheet named"):
        read_page_followers(write_workbook(tmp_path / "x.xlsx", {"Sheet1": [["a"]]}), "x.xlsx")
    no_header = write_workbook(
        tmp_path / "y.xlsx", {"Metrics": [["Note"], ["Jour", "Vues"], ["1/1/2026", 3]]}
    )
    with pytest.raises(FileRejected, match="no header row"):
        read_page_metrics(no_header, "y.xlsx")


def test_parse_rate():
    assert parse_rate("0.05") == 0.05 and parse_rate("5%") == 0.05 and parse_rate(None) is None
    with pytest.raises(ValueError, match="not a rate"):
        parse_rate("n.c.")
