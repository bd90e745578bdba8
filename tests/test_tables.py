"""The archive quirks of formats.md, one tiny file each, read through the real specs."""

import io
from datetime import date, datetime

import pytest

from relais.ledger import FileRejected
from relais.sources.io import text as text_module
from relais.sources.io.tables import read_table
from relais.sources.io.text import iter_records
from relais.sources.linkedin_archive import COMMENTS, CONNECTIONS, ENDORSEMENTS_RECEIVED, REACTIONS, SHARES
from tests.builders import CONNECTIONS_PREAMBLE, csv_text

SHARES_HEADER = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"


def test_multiline_commentary_is_restored():
    text = csv_text(
        [
            SHARES_HEADER,
            '2026-04-02 22:25:49,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A1,"Première ligne""',
            '""Deuxième ligne avec ""guillemets""""',
            '""Troisième",,"",PUBLIC',
            '2026-04-03 08:00:00,https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A2,"Une ligne","","",MEMBER_NETWORK',
        ]
    )
    read = read_table("Shares.csv", text, SHARES)
    assert read.problems == []
    assert [r["commentary"] for r in read.rows] == [
        'Première ligne\nDeuxième ligne avec "guillemets"\nTroisième',
        "Une ligne",
    ]
    assert [r["_source_row"] for r in read.rows] == [2, 5]
    assert read.rows[1]["shared_url"] is None and read.rows[1]["media_url"] is None


def test_crlf_inside_multiline_commentary():
    text = csv_text([SHARES_HEADER, '2026-04-02 22:25:49,x,"Un""', '""Deux",,,PUBLIC'], newline="\r\n")
    read = read_table("Shares.csv", text, SHARES)
    assert read.rows[0]["commentary"] == "Un\nDeux"


def test_backslash_escaped_quotes_in_comments_and_blank_dates():
    text = csv_text(
        [
            "Date,Link,Message",
            '2026-01-21 09:00:00,https://www.linkedin.com/feed/update/urn:li:activity:9/,"Bravo pour ce \\"beau\\" projet, vraiment"',
            ',https://www.linkedin.com/feed/update/urn:li:activity:9/,"Sans date"',
            '2026-01-22 09:00:00,https://www.linkedin.com/feed/update/urn:li:activity:9/,"Un ""double"" aussi"',
        ]
    )
    read = read_table("Comments.csv", text, COMMENTS)
    assert read.problems == []
    assert [r["message"] for r in read.rows] == [
        'Bravo pour ce "beau" projet, vraiment',
        "Sans date",
        'Un "double" aussi',
    ]
    assert read.rows[1]["commented_at"] is None


def test_connections_preamble_and_older_header():
    with_preamble = csv_text(
        [
            *CONNECTIONS_PREAMBLE,
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
            "Ana,Lopez,https://www.linkedin.com/in/ana,,Acme,CTO,04 Jul 2023",
        ]
    )
    read = read_table("Connections.csv", with_preamble, CONNECTIONS)
    assert read.rows == [
        {"person": None, "company": None, "connected_on": date(2023, 7, 4), "_source_row": 5}
    ]
    older = csv_text(
        ["First Name,Last Name,Email Address,Company,Position,Connected On", "Bo,Li,,X,Y,01 Feb 2016"]
    )
    assert read_table("Connections.csv", older, CONNECTIONS).rows[0]["connected_on"] == date(2016, 2, 1)


def test_header_casing_and_spaces_do_not_matter():
    text = csv_text(
        [
            "DATE , type,LINK",
            "2026-03-01 00:30:00,like,https://www.linkedin.com/feed/update/urn:li:activity:5",
        ]
    )
    read = read_table("Reactions.csv", text, REACTIONS)
    assert read.rows[0]["reacted_at"] == datetime(2026, 3, 1, 0, 30)
    assert read.rows[0]["reaction_type"] == "LIKE"


def test_endorsements_keep_no_endorser():
    text = csv_text(
        [
            "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorser Public Url,Endorsement Status",
            "2024/02/24 14:03:38 UTC,Gestion de projet,Marc,Durand,www.linkedin.com/in/marc-durand,ACCEPTED",
        ]
    )
    row = read_table("Endorsement_Received_Info.csv", text, ENDORSEMENTS_RECEIVED).rows[0]
    assert "Marc" not in str(row.values()) and "Durand" not in str(row.values())
    assert row["skill_name"] == "Gestion de projet" and row["status"] == "ACCEPTED"


def test_bad_rows_are_quarantined_with_their_line_and_the_rest_is_read():
    text = csv_text(
        [
            "Date,Type,Link",
            "hier,LIKE,https://x",
            "2026-03-01 10:00:00,LIKE",
            "2026-03-01 10:00:00,LIKE,https://x,surplus",
            "",
            "2026-03-02 10:00:00,PRAISE,https://y",
        ]
    )
    read = read_table("Reactions.csv", text, REACTIONS)
    assert read.rows_read == 4
    assert [r["_source_row"] for r in read.rows] == [6]
    assert [(p.source_row, p.reason.split(":")[0]) for p in read.problems] == [
        (2, "column 'Date'"),
        (3, "expected 3 fields, found 2 (truncated row)"),
        (4, "expected 3 fields, found 4 (extra values or broken quoting)"),
    ]
    assert "hier" in read.problems[0].reason
    assert read.problems[0].message().startswith("Reactions.csv, row 2:")


def test_unclosed_quote_is_reported_not_swallowed_silently():
    text = csv_text(
        ["Date,Type,Link", '2026-03-01 10:00:00,LIKE,"https://x', "2026-03-02 10:00:00,LIKE,https://y"]
    )
    read = read_table("Reactions.csv", text, REACTIONS)
    assert [r["_source_row"] for r in read.rows] == [3]
    assert read.rows_read == 2
    assert read.problems[0].source_row == 2 and "broken quoting" in read.problems[0].reason


def test_a_file_without_the_expected_header_is_rejected():
    with pytest.raises(FileRejected, match="no header line"):
        read_table("Reactions.csv", "foo,bar\n1,2\n", REACTIONS)


def test_an_open_quote_in_a_long_file_is_recovered_in_bounded_memory(monkeypatch):
    from relais.sources.io import text as textio

    monkeypatch.setattr(textio, "MAX_RECORD_LINES", 50)
    rows = [f"2026-03-01 10:{i % 60:02d}:00,LIKE,https://x/{i}" for i in range(200)]
    text = csv_text(["Date,Type,Link", '2026-03-01 09:00:00,LIKE,"https://broken', *rows])
    read = read_table("Reactions.csv", text, REACTIONS)
    assert [p.source_row for p in read.problems] == [2]
    assert "more than 50 lines" in read.problems[0].reason
    assert len(read.rows) == 200 and read.rows[0]["_source_row"] == 3 and read.rows[-1]["_source_row"] == 202


# --- every archive layout since 2018 --------------------------------------------------------------

SHARES_2018 = [
    "Date\tShare Title\tShare Description\tShare Link\tShare Commentary\tShared URL\tMedia URL\tType\tVisibility",
    "2017/06/08 08:15:44 UTC\tTitre\tDescr\thttps://x/1\tPremier\t\t\tSHARE\tMEMBER_NETWORK",
    "2018/01/08 18:14:00 UTC\t\t\thttps://x/2\tSecond\thttps://lnkd.in/a\t\tSHARE\tPUBLIC",
]


@pytest.mark.parametrize(
    "encode",
    [
        lambda t: b"\xff\xfe" + t.encode("utf-16-le"),
        lambda t: b"\xfe\xff" + t.encode("utf-16-be"),
        lambda t: t.encode("utf-8-sig"),
        lambda t: t.encode("utf-8"),
        lambda t: t.encode("cp1252"),
    ],
    ids=["utf-16-le-bom", "utf-16-be-bom", "utf-8-bom", "utf-8", "cp1252"],
)
def test_the_2018_shares_layout_is_read_like_todays(encode):
    from relais.inbox.scan import recognise_csv
    from relais.sources.io.text import decode_text

    data = encode(csv_text(SHARES_2018, newline="\r\n"))
    assert recognise_csv("Shares.csv", data) == ("li_shares", "")
    read = read_table("Shares.csv", decode_text(data)[0], SHARES)
    assert read.problems == [] and read.delimiter == "\t"
    assert [
        (r["shared_at"], r["share_link"], r["commentary"], r["shared_url"], r["visibility"])
        for r in read.rows
    ] == [
        (datetime(2017, 6, 8, 8, 15, 44), "https://x/1", "Premier", None, "MEMBER_NETWORK"),
        (datetime(2018, 1, 8, 18, 14), "https://x/2", "Second", "https://lnkd.in/a", "PUBLIC"),
    ]


@pytest.mark.parametrize(
    "header",
    [
        "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility",
        "Date;Share Link;Share Commentary;Shared URL;Media URL;Visibility",
        "date,share_link,share_commentary,shared_url,media_url,visibility",
        "DATE,SHARE LINK,Share_Commentary,sharedURL,Media Url,VISIBILITY",
    ],
)
def test_header_names_match_whatever_their_spaces_underscores_and_case(header):
    delimiter = ";" if ";" in header else ","
    row = delimiter.join(["2026-04-02 10:00:00", "https://x/1", "Texte", "https://y", "", "PUBLIC"])
    read = read_table("Shares.csv", csv_text([header, row]), SHARES)
    assert read.problems == []
    assert read.rows[0]["share_link"] == "https://x/1" and read.rows[0]["shared_url"] == "https://y"


def test_the_2018_connections_and_endorsements_lack_optional_columns():
    connections = csv_text(
        [
            "First Name,Last Name,Email Address,Company,Position,Connected On",
            'A,B,,Acme,CTO,"1/8/18, 6:14 PM"',
            'C,D,c@example.org,Acme,Dev,"11/18/17, 12:32 PM"',
        ]
    )
    read = read_table("Connections.csv", connections, CONNECTIONS)
    assert read.problems == [] and read.notes == []
    assert [r["connected_on"] for r in read.rows] == [date(2018, 1, 8), date(2017, 11, 18)]
    endorsements = csv_text(
        [
            "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorsement Status",
            "2018/01/05 10:00:00 UTC,Public Speaking,E,F,ACCEPTED",
        ]
    )
    assert read_table("E.csv", endorsements, ENDORSEMENTS_RECEIVED).rows[0]["endorsed_at"] == datetime(
        2018, 1, 5, 10
    )


def test_numeric_dates_are_read_in_one_order_per_file():
    header = "First Name,Last Name,Email Address,Company,Position,Connected On"
    day_first = csv_text([header, "A,B,,X,Y,03/04/21", "C,D,,X,Y,18/11/20"])
    read = read_table("Connections.csv", day_first, CONNECTIONS)
    assert [r["connected_on"] for r in read.rows] == [date(2021, 4, 3), date(2020, 11, 18)]
    assert read.notes == [
        "column 'Connected On': numeric dates read day first (D/M/Y): '18/11/20' fits no other order"
    ]
    both = read_table("Connections.csv", csv_text([header, "A,B,,X,Y,03/04/21"]), CONNECTIONS)
    assert both.rows[0]["connected_on"] == date(2021, 3, 4)
    assert "read month first (M/D/Y), LinkedIn's default" in both.notes[0]
    # the lines of a file (as streamed from the inbox) are decided the same way
    lines = read_table("Connections.csv", iter(day_first.splitlines(keepends=True)), CONNECTIONS)
    assert [r["connected_on"] for r in lines.rows] == [date(2021, 4, 3), date(2020, 11, 18)]


def test_a_spreadsheet_resave_na_cells_and_empty_rows():
    text = csv_text(
        [
            "Notes:,,,,,,",
            ",,,,,,",
            "First Name,Last Name,URL,Email Address,Company,Position,Connected On",
            "A,B,NA,NA,Acme,CTO,18-Jun-24",
            "C,D,NA,NA,NA,NA,NA",
            ",,,,,,",
        ],
        newline="\r\n",
    )
    read = read_table("Connections.csv", text, CONNECTIONS)
    assert [r["connected_on"] for r in read.rows] == [date(2024, 6, 18)]
    assert [(p.source_row, p.reason) for p in read.problems] == [(5, "column 'Connected On' is empty")]
    assert read.rows_read == 2, "a row of empty cells is a blank line"


def test_unquoted_multiline_comments_are_joined_and_truncated_rows_kept_apart():
    text = csv_text(
        [
            "Date,Link,Message",
            "2021-03-04 10:00:00,https://x/1,Great post",
            "Write me at",
            "someone@example.org",
            "",
            "Thanks, Jane",
            "",
            "2021-03-05 11:00:00,https://x/2,Another",
            "2021-03-06 11:00:00,https://x/3",
            ",https://x/4,No date",
            "and more",
            "2021-03-07 11:00:00",
        ]
    )
    read = read_table("Comments.csv", text, COMMENTS)
    assert [(r["_source_row"], r["message"]) for r in read.rows] == [
        (2, "Great post\nWrite me at\nsomeone@example.org\n\nThanks, Jane"),
        (8, "Another"),
        (10, "No date\nand more"),
    ]
    assert [(p.source_row, p.reason) for p in read.problems] == [
        (9, "expected 3 fields, found 2 (truncated row)"),
        (12, "expected 3 fields, found 1 (truncated row)"),
    ]
    assert read.rows_read == 5, "continuation lines are part of their record"
    assert read.notes == [
        "5 line(s) continuing an unquoted multi-line message joined to the row above (counted with it)"
    ]


def test_a_line_after_the_header_or_in_another_file_kind_is_no_continuation():
    comments = read_table("Comments.csv", csv_text(["Date,Link,Message", "orphan line"]), COMMENTS)
    assert [(p.source_row, p.reason) for p in comments.problems] == [
        (2, "expected 3 fields, found 1 (truncated row)")
    ]
    reactions = csv_text(["Date,Type,Link", "2026-03-01 10:00:00,LIKE,https://x", "stray"])
    read = read_table("Reactions.csv", reactions, REACTIONS)
    assert [p.source_row for p in read.problems] == [3] and len(read.rows) == 1


def test_an_unquoted_date_with_its_clock_is_one_field_again():
    text = csv_text(
        [
            "First Name,Last Name,Email Address,Company,Position,Connected On",
            "A,B,,Acme,CTO,1/8/18, 6:14 PM",
            'C,D,,Acme,Dev,"11/18/17, 12:32 PM"',
            "E,F,,Acme,Dev,12/3/17,surplus",
        ]
    )
    read = read_table("Connections.csv", text, CONNECTIONS)
    assert [r["connected_on"] for r in read.rows] == [date(2018, 1, 8), date(2017, 11, 18)]
    assert [(p.source_row, p.reason.split(" (")[0]) for p in read.problems] == [
        (4, "expected 6 fields, found 7")
    ]


BROKEN_TEXTS = [
    'Date,Link,Message\n2026-01-01 10:00:00,x,"open\nnever\nclosed\n2026-01-02 10:00:00,y,ok\n',
    'Date,Link,Message\r\n2026-01-01 10:00:00,x,"a\r\nb\r\nc\r\nd\r\ne"\r\n2026-01-02 10:00:00,y,"z"\r\n',
    'Date,Link,Message\n2026-01-01 10:00:00,x,"un \\"deux\\"",\n"a"b,c\n\n,"\n',
]


@pytest.mark.parametrize("text", BROKEN_TEXTS)
@pytest.mark.parametrize("escapes", [False, True])
def test_a_text_in_memory_splits_into_the_records_its_lines_read_one_by_one_give(text, escapes, monkeypatch):
    monkeypatch.setattr(text_module, "MAX_RECORD_LINES", 3)
    lines = io.StringIO(text, newline="").readlines()
    whole = list(iter_records(text, backslash_escapes=escapes))
    assert whole == list(iter_records(iter(lines), backslash_escapes=escapes))
    assert any(record.error for record in whole)
