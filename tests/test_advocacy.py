"""Employee-advocacy CSV reports: EveryoneSocial users and Firstup sources."""

from datetime import date

import pytest

from relais.ledger import FileRejected
from relais.sources.advocacy import (
    EVERYONESOCIAL_USERS,
    FIRSTUP_SOURCES,
    parse_money,
    parse_vendor_day,
    read_everyonesocial_users,
    read_firstup_sources,
)
from relais.sources.io.tables import header_matches
from tests.builders import csv_text

ES_HEADER = "Name,Type,Created On,Onboarded,Last Active,Reach,Posts,Shares,Clicks"
FIRSTUP_HEADER = (
    "Post Source,Post Source URL,Post Source Type,Post Views,Shares,Impression,Clicks,Conversions,Total Reactions,"
    "Likes,Comments,Re-shares,Points Subtotal,Member Actions,Member Likes,Member Comments,Member Shares,Earned Media Value"
)


def test_everyonesocial_users_report():
    text = csv_text(
        [
            ES_HEADER,
            'Hélène Lefèvre,User,2025-09-01,9/3/2025,"Mar 4, 2026","12,400",14,31,220',
            "Karim Benali,Admin,2025-09-01,,2026-03-02 10:15:00,800,0,0,0",
        ]
    )
    read = read_everyonesocial_users("es_users.csv", text)
    assert read.problems == [] and read.rows_read == 2
    first, second = read.rows
    assert {k: v for k, v in first.items() if not k.startswith("_")} == {
        "name": "Hélène Lefèvre",
        "user_type": "User",
        "created_on": date(2025, 9, 1),
        "onboarded_on": date(2025, 9, 3),
        "last_active_on": date(2026, 3, 4),
        "potential_reach": 12400,
        "posts": 14,
        "shares": 31,
        "clicks": 220,
    }
    assert first["_source_row"] == 2
    assert (second["onboarded_on"], second["last_active_on"]) == (None, date(2026, 3, 2))
    assert "reach" not in first and "impressions" not in first


def test_firstup_sources_report():
    text = csv_text(
        [
            FIRSTUP_HEADER,
            'Actualités,https://www.exemple.gouv.fr/actualites,RSS,1500,40,"12,000",300,2,55,50,3,2,410,95,30,10,55,"€1,234.50"',
            'Offres,,Manual,10,1,100,4,0,0,0,0,0,8,1,0,0,1,"1 234,50 €"',
            "Vidéos,,Manual,10,1,100,4,0,0,0,0,0,8,1,0,0,1,$12.3",
        ]
    )
    read = read_firstup_sources("firstup.csv", text)
    assert read.problems == []
    first = read.rows[0]
    assert {k: v for k, v in first.items() if not k.startswith("_")} == {
        "post_source": "Actualités",
        "post_source_url": "https://www.exemple.gouv.fr/actualites",
        "post_source_type": "RSS",
        "post_views": 1500,
        "shares": 40,
        "platform_impressions": 12000,
        "clicks": 300,
        "conversions": 2,
        "total_reactions": 55,
        "likes": 50,
        "comments": 3,
        "reshares": 2,
        "points_subtotal": 410,
        "member_actions": 95,
        "member_likes": 30,
        "member_comments": 10,
        "member_shares": 55,
        "earned_media_value": 1234.5,
    }
    assert [r["earned_media_value"] for r in read.rows] == [1234.5, 1234.5, 12.3]
    assert read.rows[1]["post_source_url"] is None


def test_bad_values_are_reported_with_row_and_column():
    text = csv_text(
        [
            ES_HEADER,
            "Ana,User,2025-09-01,,2026-03-02,-5,1,1,1",
            "Bo,User,2025-09-01,,hier,5,1,1,1",
            ",User,2025-09-01,,2026-03-02,5,1,1,1",
            "Cy,User,2025-09-01,,2026-03-02,5,deux,1,1",
            "Di,User,2025-09-01,,2026-03-02,5,2,1,1",
        ]
    )
    read = read_everyonesocial_users("es.csv", text)
    assert [r["name"] for r in read.rows] == ["Di"] and read.rows_read == 5
    assert [p.source_row for p in read.problems] == [2, 3, 4, 5]
    reasons = [p.reason for p in read.problems]
    assert "column 'Reach'" in reasons[0] and "'-5'" in reasons[0]
    assert "column 'Last Active'" in reasons[1] and "'hier'" in reasons[1]
    assert "column 'Name' is empty" in reasons[2]
    assert "column 'Posts'" in reasons[3] and "'deux'" in reasons[3]
    firstup = read_firstup_sources(
        "f.csv", csv_text([FIRSTUP_HEADER, "A,,RSS,1,1,1,1,0,0,0,0,0,0,0,0,0,0,gratuit"])
    )
    [problem] = firstup.problems
    assert (
        problem.source_row == 2
        and "column 'Earned Media Value'" in problem.reason
        and "'gratuit'" in problem.reason
    )


def test_headers_recognise_each_report_and_only_it():
    es, firstup = ES_HEADER.split(","), FIRSTUP_HEADER.split(",")
    assert header_matches(es, EVERYONESOCIAL_USERS) and not header_matches(es, FIRSTUP_SOURCES)
    assert header_matches(firstup, FIRSTUP_SOURCES) and not header_matches(firstup, EVERYONESOCIAL_USERS)
    with pytest.raises(FileRejected):
        read_firstup_sources("es.csv", csv_text([ES_HEADER, "A,User,,,,1,1,1,1"]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-04", date(2026, 3, 4)),
        ("2026-03-04T08:00:00Z", date(2026, 3, 4)),
        ("3/4/2026", date(2026, 3, 4)),
        ("3/4/2026 10:15 AM", date(2026, 3, 4)),
        ("Mar 4, 2026", date(2026, 3, 4)),
        ("March 4, 2026", date(2026, 3, 4)),
        ("4 Mar 2026", date(2026, 3, 4)),
        ("", None),
    ],
)
def test_vendor_dates(text, expected):
    assert parse_vendor_day(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("€1,234.50", 1234.5),
        ("1 234,50 €", 1234.5),
        ("1\u202f234,50\xa0€", 1234.5),
        ("$12.3", 12.3),
        ("1.234,5", 1234.5),
        ("12,5", 12.5),
        ("EUR 1,000", 1000.0),
        ("0", 0.0),
        (None, None),
    ],
)
def test_money(text, expected):
    assert parse_money(text) == expected


def test_bad_money_and_dates():
    for bad in ("-3 €", "abc"):
        with pytest.raises(ValueError, match="amount"):
            parse_money(bad)
    with pytest.raises(ValueError, match="not a real date"):
        parse_vendor_day("Feb 30, 2026")
