"""The archive quirks of formats.md, one tiny file each, read through the real specs."""

from datetime import date, datetime

import pytest

from assets.ledger import FileRejected
from assets.linkedin_archive import COMMENTS, CONNECTIONS, ENDORSEMENTS_RECEIVED, REACTIONS, SHARES
from assets.tables import read_table
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
    from assets import textio

    monkeypatch.setattr(textio, "MAX_RECORD_LINES", 50)
    rows = [f"2026-03-01 10:{i % 60:02d}:00,LIKE,https://x/{i}" for i in range(200)]
    text = csv_text(["Date,Type,Link", '2026-03-01 09:00:00,LIKE,"https://broken', *rows])
    read = read_table("Reactions.csv", text, REACTIONS)
    assert [p.source_row for p in read.problems] == [2]
    assert "more than 50 lines" in read.problems[0].reason
    assert len(read.rows) == 200 and read.rows[0]["_source_row"] == 3 and read.rows[-1]["_source_row"] == 202
