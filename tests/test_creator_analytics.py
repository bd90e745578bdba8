"""Creator analytics exports: English and French aggregate workbooks, date order, and the single-post sheet."""

from datetime import date, datetime

import polars as pl
import pytest

from relais.inbox.scan import scan_inbox
from relais.ledger import FileRejected
from relais.sources.creator_analytics import (
    decide_date_order,
    order_from_counts,
    read_creator_analytics,
    read_creator_batch,
    read_post_analytics,
)
from relais.sources.io.export_owner import owner_name_from_file, period_from_file_name, same_person
from relais.sources.io.workbooks import detect_workbook
from relais.sources.readers.analytics import Person, in_schema, ingest_creator_exports, last_day
from relais.synthetic.creator import (
    ENGLISH,
    FRENCH,
    POST_FRENCH,
    creator_export_sheets,
    older_discovery,
    write_creator_export,
    write_creator_sheets,
    write_post_analytics,
)
from relais.synthetic.workbooks import write_workbook

POST_A = "https://www.linkedin.com/feed/update/urn:li:activity:7200000000000000001/"
POST_B = (
    "https://www.linkedin.com/posts/helene-lefevre_budget-activity-7200000000000000002-AbCd?utm_source=share"
)
POST_C = "https://www.linkedin.com/feed/update/urn:li:share:7200000000000000003/"


def test_english_content_export_of_2024(tmp_path):
    path = write_creator_export(
        tmp_path / "Content_2024-04-01_2025-03-31_HeleneLefevre.xlsx",
        ENGLISH,
        period="4/1/2024 - 3/31/2025",
        discovery=(123456, 45678),
        days=[["4/1/2024", 120, 5], ["4/2/2024", 80, 3], ["3/31/2025", 10, 0]],
        top_by_engagements=[[POST_A, "3/14/2025", 42], [POST_B, "4/2/2024", 17]],
        top_by_impressions=[
            [POST_B, "4/2/2024", 5400],
            [POST_A, "3/14/2025", 3100],
            [POST_C, "1/5/2024", 90],
        ],
        followers_on="3/31/2025",
        followers_total=961,
        follower_days=[["4/1/2024", 2], ["4/2/2024", 0]],
    )
    read = read_creator_analytics(path, "inbox/Content_2024-04-01_2025-03-31_HeleneLefevre.xlsx")
    assert read.problems == []
    assert (read.language, read.date_order, read.owner_name) == ("en", "MDY", "HeleneLefevre")
    assert (read.period_start, read.period_end) == (date(2024, 4, 1), date(2025, 3, 31))
    assert read.discovery == {"impressions": 123456, "members_reached": 45678, "engagements": None}
    assert [(r["day"], r["impressions"], r["engagements"], r["_source_row"]) for r in read.daily] == [
        (date(2024, 4, 1), 120, 5, 2),
        (date(2024, 4, 2), 80, 3, 3),
        (date(2025, 3, 31), 10, 0, 4),
    ]
    assert read.daily[0]["_sheet"] == "ENGAGEMENT"
    assert [
        (r["list"], r["metric"], r["rank"], r["post_key"], r["published_on"], r["value"], r["_source_row"])
        for r in read.top_posts
    ] == [
        ("engagements", "engagements", 1, "activity:7200000000000000001", date(2025, 3, 14), 42, 4),
        ("impressions", "impressions", 1, "activity:7200000000000000002", date(2024, 4, 2), 5400, 4),
        ("engagements", "engagements", 2, "activity:7200000000000000002", date(2024, 4, 2), 17, 5),
        ("impressions", "impressions", 2, "activity:7200000000000000001", date(2025, 3, 14), 3100, 5),
        ("impressions", "impressions", 3, "share:7200000000000000003", date(2024, 1, 5), 90, 6),
    ]
    assert read.top_posts[0]["post_url"] == POST_A and read.top_posts[0]["_sheet"] == "TOP POSTS"
    assert (read.followers_total, read.followers_total_on) == (961, date(2025, 3, 31))
    assert [(r["day"], r["new_followers"], r["_source_row"]) for r in read.followers_daily] == [
        (date(2024, 4, 1), 2, 4),
        (date(2024, 4, 2), 0, 5),
    ]
    assert read.rows_read == 3 + 5 + 2 + 1 == read.rows_loaded
    assert read.summary_row()["members_reached"] == 45678


def test_aggregate_analytics_of_2026_with_text_numbers_and_date_cells(tmp_path):
    path = write_creator_export(
        tmp_path / "AggregateAnalytics_Hélène Lefèvre_2026-01-01_2026-03-31.xlsx",
        ENGLISH,
        period="1/1/2026 - 3/31/2026",
        discovery=("12,345", "4 321"),
        days=[[date(2026, 1, 1), "1,200", "15"], [date(2026, 3, 31), "7", "0"]],
        top_by_engagements=[[POST_A, date(2026, 2, 3), "12"]],
        top_by_impressions=[[POST_A, date(2026, 2, 3), "2,048"]],
        followers_on="3/31/2026",
        followers_total="1,002",
        follower_days=[[date(2026, 1, 1), "3"]],
    )
    read = read_creator_analytics(path, path.name)
    assert read.problems == []
    assert read.owner_name == "Hélène Lefèvre"
    assert read.discovery == {"impressions": 12345, "members_reached": 4321, "engagements": None}
    assert [(r["day"], r["impressions"]) for r in read.daily] == [
        (date(2026, 1, 1), 1200),
        (date(2026, 3, 31), 7),
    ]
    assert [(r["list"], r["value"], r["published_on"]) for r in read.top_posts] == [
        ("engagements", 12, date(2026, 2, 3)),
        ("impressions", 2048, date(2026, 2, 3)),
    ]
    assert (read.followers_total, read.followers_total_on) == (1002, date(2026, 3, 31))
    assert read.followers_daily[0]["new_followers"] == 3


def _french(tmp_path, name, period, days, labels=FRENCH):
    return write_creator_export(
        tmp_path / name,
        labels,
        period=period,
        discovery=(5000, 1200),
        days=days,
        top_by_engagements=[[POST_A, days[0][0], 9]],
        top_by_impressions=[[POST_A, days[0][0], 800]],
        followers_on=days[-1][0],
        followers_total=250,
        follower_days=[[days[0][0], 1]],
    )


def test_french_export_with_a_day_above_twelve(tmp_path):
    path = _french(
        tmp_path,
        "Content_2024-04-01_2025-03-31_Helene-Lefevre.xlsx",
        "01/04/2024 - 31/03/2025",
        [["01/04/2024", 100, 4], ["15/04/2024", 60, 2], ["31/03/2025", 5, 1]],
    )
    read = read_creator_analytics(path, path.name)
    assert read.problems == []
    assert (read.language, read.date_order) == ("fr", "DMY")
    assert (read.period_start, read.period_end) == (date(2024, 4, 1), date(2025, 3, 31))
    assert read.discovery == {"impressions": 5000, "members_reached": 1200, "engagements": None}
    assert [r["day"] for r in read.daily] == [date(2024, 4, 1), date(2024, 4, 15), date(2025, 3, 31)]
    assert read.daily[0]["_sheet"] == "ENGAGEMENT"
    assert [(r["list"], r["published_on"], r["value"]) for r in read.top_posts] == [
        ("engagements", date(2024, 4, 1), 9),
        ("impressions", date(2024, 4, 1), 800),
    ]
    assert read.top_posts[0]["_sheet"] == "POSTS LES PLUS PERFORMANTS"
    assert (read.followers_total, read.followers_total_on) == (250, date(2025, 3, 31))
    assert read.followers_daily[0]["day"] == date(2024, 4, 1)


def test_dates_decide_the_order_before_the_language(tmp_path):
    path = _french(
        tmp_path,
        "fr_but_month_first.xlsx",
        "4/1/2024 - 4/30/2024",
        [["4/1/2024", 10, 1], ["4/15/2024", 20, 2]],
    )
    read = read_creator_analytics(path, path.name)
    assert (read.language, read.date_order, read.problems) == ("fr", "MDY", [])
    assert [r["day"] for r in read.daily] == [date(2024, 4, 1), date(2024, 4, 15)]


def test_all_ambiguous_dates_follow_the_interface_language(tmp_path):
    days = [["01/02/2025", 10, 1], ["05/02/2025", 20, 2], ["10/02/2025", 30, 3]]
    french = read_creator_analytics(_french(tmp_path, "fr.xlsx", "01/02/2025 - 10/02/2025", days), "fr.xlsx")
    assert (french.language, french.date_order) == ("fr", "DMY")
    assert (french.period_start, french.period_end) == (date(2025, 2, 1), date(2025, 2, 10))
    assert [r["day"] for r in french.daily] == [date(2025, 2, 1), date(2025, 2, 5), date(2025, 2, 10)]
    english = read_creator_analytics(
        _french(tmp_path, "en.xlsx", "01/02/2025 - 10/02/2025", days, labels=ENGLISH), "en.xlsx"
    )
    assert (english.language, english.date_order) == ("en", "MDY")
    assert [r["day"] for r in english.daily] == [date(2025, 1, 2), date(2025, 5, 2), date(2025, 10, 2)]
    assert french.problems == english.problems == []


def test_days_outside_the_period_are_problems(tmp_path):
    path = _french(
        tmp_path,
        "outside.xlsx",
        "4/1/2024 - 4/30/2024",
        [["4/2/2024", 10, 1], ["5/3/2024", 20, 2]],
        labels=ENGLISH,
    )
    read = read_creator_analytics(path, "outside.xlsx")
    assert read.date_order == "MDY"
    assert [r["day"] for r in read.daily] == [date(2024, 4, 2)]
    [problem] = read.problems
    assert (problem.source_file, problem.source_row) == ("outside.xlsx", 3)
    assert "sheet 'ENGAGEMENT'" in problem.reason and "2024-05-03" in problem.reason
    assert "outside the export period" in problem.reason
    assert read.rows_read == len(read.daily) + len(read.top_posts) + len(read.followers_daily) + 1 + 1


def test_decide_date_order_directly():
    assert decide_date_order("01/04/2024 - 31/03/2025", ["01/04/2024"], "en") == "DMY"
    assert decide_date_order("01/02/2025 - 10/02/2025", ["05/02/2025"], "fr") == "DMY"
    assert decide_date_order("01/02/2025 - 10/02/2025", ["05/02/2025"], None) == "MDY"
    assert decide_date_order(None, ["13/02/2025"], "en") == "DMY"


def test_bad_values_are_reported_with_row_sheet_and_column(tmp_path):
    path = write_creator_export(
        tmp_path / "bad.xlsx",
        ENGLISH,
        period="1/1/2026 - 3/31/2026",
        discovery=(-5, "beaucoup"),
        days=[["1/2/2026", "-3", 1], ["1/3/2026", "12", "n/a"], ["2/30/2026", 1, 1], ["1/4/2026", 4, 2]],
        top_by_engagements=[["https://www.example.org/x", "1/5/2026", 3], [POST_A, "1/5/2026", "-1"]],
        top_by_impressions=[[POST_A, "yesterday", 10]],
        followers_on="3/31/2026",
        followers_total="lots",
        follower_days=[["1/2/2026", "x"], ["1/3/2026", 2]],
    )
    read = read_creator_analytics(path, "bad.xlsx")
    reasons = {(p.source_row, p.reason) for p in read.problems}
    assert all(p.source_file == "bad.xlsx" for p in read.problems)

    def has(row: int, *words: str) -> bool:
        return any(r == row and all(w in reason for w in words) for r, reason in reasons)

    assert has(2, "sheet 'DISCOVERY'", "'Impressions'", "'-5'")
    assert has(3, "sheet 'DISCOVERY'", "'Members reached'", "'beaucoup'")
    assert has(2, "sheet 'ENGAGEMENT'", "column 'Impressions'", "'-3'")
    assert has(3, "sheet 'ENGAGEMENT'", "column 'Engagements'", "'n/a'")
    assert has(4, "sheet 'ENGAGEMENT'", "column 'Date'", "'2/30/2026'")
    assert has(4, "sheet 'TOP POSTS'", "engagements list", "column 'Post URL'", "example.org")
    assert has(5, "sheet 'TOP POSTS'", "engagements list", "column 'Engagements'", "'-1'")
    assert has(4, "sheet 'TOP POSTS'", "impressions list", "column 'Post publish date'", "'yesterday'")
    assert has(1, "sheet 'FOLLOWERS'", "'lots'")
    assert has(4, "sheet 'FOLLOWERS'", "column 'New followers'", "'x'")
    assert len(read.problems) == 10
    assert read.discovery == {"impressions": None, "members_reached": None, "engagements": None}
    assert [r["day"] for r in read.daily] == [date(2026, 1, 4)]
    assert read.top_posts == [] and [r["_source_row"] for r in read.followers_daily] == [5]
    assert read.rows_read == 1 + 0 + 1 + 1 + 10


def test_demographics_is_not_read_and_unrecognised_layout_is_rejected(tmp_path):
    ok = write_creator_export(
        tmp_path / "ok.xlsx",
        ENGLISH,
        period="1/1/2026 - 1/31/2026",
        discovery=(1, 1),
        days=[["1/2/2026", 1, 0]],
        top_by_engagements=[],
        top_by_impressions=[],
        followers_on="1/31/2026",
        followers_total=3,
        follower_days=[],
    )
    read = read_creator_analytics(ok, "ok.xlsx")
    assert read.problems == [] and read.top_posts == [] and "Chargé" not in str(read)
    broken = write_workbook(
        tmp_path / "broken.xlsx",
        {
            "DISCOVERY": [["Overall Performance", "1/1/2026 - 1/31/2026"]],
            "ENGAGEMENT": [["Jour inconnu", "Vues"], ["1/2/2026", 3]],
            "TOP POSTS": [],
            "FOLLOWERS": [],
            "DEMOGRAPHICS": [],
        },
    )
    with pytest.raises(FileRejected, match="sheet 'ENGAGEMENT'"):
        read_creator_analytics(broken, "broken.xlsx")
    with pytest.raises(FileRejected, match="five sheets"):
        read_creator_analytics(write_workbook(tmp_path / "one.xlsx", {"DISCOVERY": [["x"]]}), "one.xlsx")


def test_single_post_export_in_english_with_extra_rows(tmp_path):
    path = write_post_analytics(
        tmp_path / "PostAnalytics_HeleneLefevre_7200000000000000001.xlsx",
        [
            ["Post URL", POST_A],
            ["Post Date", "Jan 10, 2026"],
            ["Post Publish Time", "9:30 AM"],
            [],
            ["Post Performance"],
            ["Impressions", 1234],
            ["Members reached", "987"],
            ["Profile viewers from this post", 4],
            ["Reactions", 40],
            ["Comments", 5],
            ["Reposts", "2"],
            ["Saves", 1],
            ["Sends on LinkedIn", 0],
        ],
    )
    read = read_post_analytics(path, path.name)
    assert read.problems == [] and read.owner_name == "HeleneLefevre" and read.language == "en"
    post = read.post
    assert {k: v for k, v in post.items() if not k.startswith("_")} == {
        "post_url": POST_A,
        "post_key": "activity:7200000000000000001",
        "post_date": date(2026, 1, 10),
        "impressions": 1234,
        "members_reached": 987,
        "reactions": 40,
        "comments": 5,
        "reposts": 2,
        "saves": 1,
        "sends": 0,
    }
    assert (post["_source_row"], post["_sheet"]) == (1, "PERFORMANCE")
    assert "PERFORMANCE: Profile viewers from this post" in read.ignored_labels
    assert read.rows_read == 1


def test_single_post_export_in_french_with_bad_values(tmp_path):
    path = write_post_analytics(
        tmp_path / "PostAnalytics_Hélène Lefèvre_7200000000000000002.xlsx",
        [
            ["Impressions", "1 234"],
            ["URL du post", POST_B],
            ["Date du post", "05/02/2026"],
            ["Membres touchés", "1,001"],
            ["Réactions", 12],
            ["Commentaires", "trois"],
            ["Republications", 1],
            ["Enregistrements", -2],
            ["Envois sur LinkedIn", 3],
        ],
        POST_FRENCH,
    )
    read = read_post_analytics(path, "PostAnalytics.xlsx")
    assert read.language == "fr" and read.owner_name is None
    post = read.post
    assert post["post_key"] == "activity:7200000000000000002"
    assert (post["post_date"], post["impressions"], post["members_reached"]) == (date(2026, 2, 5), 1234, 1001)
    assert (post["reactions"], post["comments"], post["reposts"], post["saves"], post["sends"]) == (
        12,
        None,
        1,
        None,
        3,
    )
    assert [(p.source_row, p.kind) for p in read.problems] == [
        (6, "creator_post_analytics"),
        (8, "creator_post_analytics"),
    ]
    assert "'Commentaires'" in read.problems[0].reason and "'trois'" in read.problems[0].reason
    assert "sheet 'PERFORMANCES'" in read.problems[1].reason and "'-2'" in read.problems[1].reason
    assert read.rows_read == 3


def test_single_post_export_with_a_date_cell_and_a_foreign_link(tmp_path):
    dated = write_post_analytics(tmp_path / "a.xlsx", [["Post URL", POST_C], ["Post Date", date(2026, 3, 4)]])
    assert read_post_analytics(dated, "a.xlsx").post["post_date"] == date(2026, 3, 4)
    foreign = write_post_analytics(
        tmp_path / "b.xlsx", [["Post URL", "https://example.org/p/1"], ["Impressions", 3]]
    )
    read = read_post_analytics(foreign, "b.xlsx")
    assert read.post is None and read.rows == [] and read.rows_read == 1
    assert read.problems[0].source_row == 1 and "not a link to a LinkedIn post" in read.problems[0].reason
    with pytest.raises(FileRejected, match="no 'Post URL' row"):
        read_post_analytics(write_post_analytics(tmp_path / "c.xlsx", [["Impressions", 3]]), "c.xlsx")


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        ("Content_2024-04-01_2025-03-31_HeleneLefevre.xlsx", "HeleneLefevre"),
        ("Content_2024-04-01_2025-03-31_Hélène Lefèvre (1).xlsx", "Hélène Lefèvre"),
        ("AggregateAnalytics_Helene-Lefevre_2026-01-01_2026-03-31.xlsx", "Helene-Lefevre"),
        ("exports/PostAnalytics_Lefèvre Hélène_7200000000000000001.xlsx", "Lefèvre Hélène"),
        ("analytics.xlsx", None),
        ("Content_2024-04-01_2025-03-31_.xlsx", None),
    ],
)
def test_owner_name_from_file(file_name, expected):
    assert owner_name_from_file(file_name) == expected


def test_same_person_ignores_accents_case_separators_and_order():
    for written in ("Helene-Lefevre", "hélène lefèvre", "HeleneLefevre", "Lefèvre Hélène", "HELENE_LEFEVRE"):
        assert same_person(written, "Hélène", "Lefèvre"), written
    assert not same_person("Helene", "Hélène", "Lefèvre")
    assert not same_person("Helene Martin", "Hélène", "Lefèvre")
    assert not same_person("HeleneLefevre", "Hélène", None)
    assert same_person("Jean-Pierre Le Gall", "Jean Pierre", "Le-Gall")


def test_single_post_sheet_found_by_its_post_url_row_when_renamed(tmp_path):
    path = write_workbook(
        tmp_path / "p.xlsx", {"Feuil1": [["Note"], ["Post URL", POST_A], ["Impressions", 7]]}
    )
    read = read_post_analytics(path, "p.xlsx")
    assert (read.post["impressions"], read.post["_sheet"], read.post["_source_row"]) == (7, "Feuil1", 2)
    assert read.ignored_labels == ["Feuil1: Note"]


# --- Workbooks as members keep them: whole, or some sheets saved apart, each sheet known by its content.

FIGURES = {
    "period": "1/1/2026 - 3/31/2026",
    "discovery": (9000, 2500),
    "days": [["1/5/2026", 300, 12], ["2/14/2026", 500, 20]],
    "top_by_engagements": [[POST_A, "1/5/2026", 30], [POST_B, "2/14/2026", 20]],
    "top_by_impressions": [[POST_B, "2/14/2026", 4000], [POST_A, "1/5/2026", 2500]],
    "followers_on": "3/31/2026",
    "followers_total": 700,
    "follower_days": [["1/5/2026", 4]],
}
FULL_NAME = "AggregateAnalytics_Hélène Lefèvre_2026-01-01_2026-03-31.xlsx"


def _tops(read):
    return [(r["list"], r["rank"], r["post_key"], r["published_on"], r["value"]) for r in read.top_posts]


def test_split_workbooks_read_as_the_whole_one(tmp_path):
    sheets = creator_export_sheets(ENGLISH, **FIGURES)
    whole = read_creator_analytics(write_creator_export(tmp_path / FULL_NAME, ENGLISH, **FIGURES), FULL_NAME)
    apart = write_creator_sheets(tmp_path / "discovery.xlsx", sheets, "DISCOVERY", "DEMOGRAPHICS")
    top = write_creator_sheets(tmp_path / "top.xlsx", sheets, "TOP POSTS")
    first, second = read_creator_analytics(apart, "discovery.xlsx"), read_creator_analytics(top, "top.xlsx")
    assert whole.problems == first.problems == second.problems == []
    assert list(whole.sheets) == ["discovery", "engagement", "top_posts", "followers", "demographics"]
    assert first.sheets == {"discovery": "DISCOVERY", "demographics": "DEMOGRAPHICS"}
    assert second.sheets == {"top_posts": "TOP POSTS"}
    # by hand: DISCOVERY says 9000 impressions, 2500 members reached, over Q1 2026
    assert (
        whole.discovery
        == first.discovery
        == {"impressions": 9000, "members_reached": 2500, "engagements": None}
    )
    assert (first.period_start, first.period_end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (
        _tops(whole)
        == _tops(second)
        == [
            ("engagements", 1, "activity:7200000000000000001", date(2026, 1, 5), 30),
            ("impressions", 1, "activity:7200000000000000002", date(2026, 2, 14), 4000),
            ("engagements", 2, "activity:7200000000000000002", date(2026, 2, 14), 20),
            ("impressions", 2, "activity:7200000000000000001", date(2026, 1, 5), 2500),
        ]
    )
    # the summary row comes from DISCOVERY (or FOLLOWERS) only: TOP POSTS alone has none
    assert (first.rows_read, first.rows_loaded, first.summary_rows()[0]["impressions"]) == (1, 1, 9000)
    assert (second.rows_read, second.summary_rows()) == (4, [])
    assert second.daily == second.followers_daily == [] and first.top_posts == []
    assert "TOP POSTS ('TOP POSTS')" in second.sheets_note() and whole.sheets_note() == ""


def test_sheets_found_by_content_in_any_order_and_name(tmp_path):
    sheets = creator_export_sheets(ENGLISH, **FIGURES)
    renamed = dict(
        zip(
            ["Feuil1", "Feuil2", "Feuil3", "Feuil4"],
            [sheets[n] for n in ("FOLLOWERS", "TOP POSTS", "ENGAGEMENT", "DISCOVERY")],
            strict=True,
        )
    )
    read = read_creator_analytics(write_workbook(tmp_path / "mixed.xlsx", renamed), "mixed.xlsx")
    assert read.problems == []
    assert read.sheets == {
        "discovery": "Feuil4",
        "engagement": "Feuil3",
        "top_posts": "Feuil2",
        "followers": "Feuil1",
    }
    assert [(r["day"], r["impressions"]) for r in read.daily] == [
        (date(2026, 1, 5), 300),
        (date(2026, 2, 14), 500),
    ]
    assert (read.followers_total, len(read.top_posts), read.discovery["impressions"]) == (700, 4, 9000)
    engagement = write_creator_sheets(tmp_path / "engagement.xlsx", sheets, "ENGAGEMENT")
    alone = read_creator_analytics(engagement, "engagement.xlsx")
    assert [r["engagements"] for r in alone.daily] == [12, 20] and alone.summary_rows() == []


def test_older_discovery_layout_with_unique_views(tmp_path):
    path = write_workbook(
        tmp_path / "Content_2023-06-18_2024-06-16_HeleneLefevre.xlsx",
        {
            "DISCOVERY": older_discovery("6/18/2023 - 6/16/2024", 48210, "15,034", 1207),
            "DEMOGRAPHICS": [["Top Demographics", "Value", "Percentage"], ["Location", "Lyon", 0.139]],
        },
    )
    read = read_creator_analytics(path, path.name)
    assert read.problems == [] and read.language == "en" and read.date_order == "MDY"
    assert (read.period_start, read.period_end) == (date(2023, 6, 18), date(2024, 6, 16))
    assert read.discovery == {"impressions": 48210, "members_reached": 15034, "engagements": 1207}
    assert read.ignored_labels == [] and read.summary_row()["engagements"] == 1207
    assert read.rows_read == read.rows_loaded == 1
    members = write_workbook(
        tmp_path / "m.xlsx", {"Sheet1": older_discovery("6/18/2023 - 6/16/2024", 1, 2, 3, "Members reached")}
    )
    assert read_creator_analytics(members, "m.xlsx").discovery == {
        "impressions": 1,
        "members_reached": 2,
        "engagements": 3,
    }


def test_french_top_posts_alone_take_their_date_order_from_the_posts(tmp_path):
    figures = {**FIGURES, "top_by_engagements": [[POST_A, "15/02/2026", 7]], "top_by_impressions": []}
    sheets = creator_export_sheets(FRENCH, **figures)
    path = write_creator_sheets(tmp_path / "posts.xlsx", sheets, "POSTS LES PLUS PERFORMANTS")
    read = read_creator_analytics(path, "posts.xlsx")
    assert (read.language, read.date_order, read.problems) == ("fr", "DMY", [])
    assert _tops(read) == [("engagements", 1, "activity:7200000000000000001", date(2026, 2, 15), 7)]


def test_top_posts_alone_is_no_single_post_export(tmp_path):
    sheets = creator_export_sheets(ENGLISH, **FIGURES)
    named = write_creator_sheets(tmp_path / "PostAnalytics_HeleneLefevre_1.xlsx", sheets, "TOP POSTS")
    kind, reason = detect_workbook(named)
    assert kind == "creator_analytics" and "'TOP POSTS'" in reason
    renamed = write_workbook(tmp_path / "x.xlsx", {"Feuil1": sheets["TOP POSTS"]})
    assert detect_workbook(renamed)[0] == "creator_analytics"
    single = write_post_analytics(tmp_path / "p.xlsx", [["Post URL", POST_A], ["Impressions", 3]])
    assert detect_workbook(single)[0] == "post_analytics"


def test_demographics_alone_is_recognised_and_yields_nothing(tmp_path):
    sheets = creator_export_sheets(ENGLISH, **FIGURES)
    path = write_creator_sheets(tmp_path / "demo.xlsx", sheets, "DEMOGRAPHICS")
    assert detect_workbook(path)[0] == "creator_analytics"
    read = read_creator_analytics(path, "demo.xlsx")
    assert (read.rows_read, read.summary_rows(), read.problems) == (0, [], [])
    assert "DEMOGRAPHICS is never read" in read.sheets_note()


def test_split_files_load_like_the_whole_workbook_without_double_counting(tmp_path):
    inbox = tmp_path / "inbox"
    sheets = creator_export_sheets(ENGLISH, **FIGURES)
    write_creator_export(inbox / "whole" / FULL_NAME, ENGLISH, **FIGURES)
    write_creator_sheets(inbox / "split" / "A123_discovery.xlsx", sheets, "DISCOVERY", "DEMOGRAPHICS")
    top_name = "AggregateAnalytics_Hélène Lefèvre_2026-01-01_2026-03-31 (1).xlsx"
    write_creator_sheets(inbox / "split" / top_name, sheets, "TOP POSTS")
    items = [i for i in scan_inbox(inbox) if i.kind == "creator_analytics"]
    assert len(items) == 3
    people = [Person("A123", "Hélène", "Lefèvre")]
    tables, owners, ledger = ingest_creator_exports(inbox, items, people)
    assert {o["agent_id"] for o in owners} == {"A123"}
    by_file = {f.source_file: f for f in ledger.files}
    split_top = by_file[f"split/{top_name}"]
    assert (split_top.status, split_top.rows_read, split_top.rows_loaded) == ("loaded", 4, 4)
    assert "sheets TOP POSTS ('TOP POSTS')" in split_top.reason
    periods = tables["creator_periods"]
    assert sorted((r["_source_file"], r["impressions"]) for r in periods) == [
        ("split/A123_discovery.xlsx", 9000),
        (f"whole/{FULL_NAME}", 9000),
    ]
    # every split top post is obtained when the whole workbook's are: the day after the period
    tops = tables["creator_top_posts"]
    assert {r["_obtained_at"] for r in tops} == {datetime(2026, 4, 1)}
    assert len(tops) == 8
    # staging keeps one figure per (agent, post, metric), the most recently obtained: 4 facts, not 8
    chosen = {}
    for row in sorted(tops, key=lambda r: (r["_obtained_at"], r["_source_file"])):
        chosen[(row["agent_id"], row["post_key"], row["metric"])] = row["value"]
    assert chosen == {
        ("A123", "activity:7200000000000000001", "engagements"): 30,
        ("A123", "activity:7200000000000000002", "engagements"): 20,
        ("A123", "activity:7200000000000000002", "impressions"): 4000,
        ("A123", "activity:7200000000000000001", "impressions"): 2500,
    }
    # one period row per (agent, period) in staging: 9000 impressions, not 18000
    assert {(r["period_start"], r["period_end"], r["impressions"]) for r in periods} == {
        (date(2026, 1, 1), date(2026, 3, 31), 9000)
    }


def test_period_from_file_name():
    assert period_from_file_name(FULL_NAME) == (date(2026, 1, 1), date(2026, 3, 31))
    assert period_from_file_name("Content_20240401_20250331_HeleneLefevre.xlsx") == (
        date(2024, 4, 1),
        date(2025, 3, 31),
    )
    assert period_from_file_name("Content_01-04-2024_31-03-2025_HeleneLefevre.xlsx") is None
    assert period_from_file_name("top.xlsx") is None


def test_a_batch_reads_each_file_as_reading_it_alone(tmp_path):
    english = write_creator_export(tmp_path / "en.xlsx", ENGLISH, **FIGURES)
    french = _french(
        tmp_path,
        "fr.xlsx",
        "01/04/2024 - 31/03/2025",
        [["01/04/2024", 100, 4], ["15/04/2024", "beaucoup", 2], ["31/05/2025", 5, 1]],
    )
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(english.read_bytes()[:300])
    files = [(english, "en.xlsx"), (broken, "broken.xlsx"), (french, "fr.xlsx")]
    batch = read_creator_batch(files)
    assert isinstance(batch.reads[1], FileRejected)
    for (path, name), read in zip(files, batch.reads, strict=True):
        if path == broken:
            continue
        alone = read_creator_analytics(path, name)
        assert (read.date_order, read.problems, read.rows_read) == (
            alone.date_order,
            alone.problems,
            alone.rows_read,
        )
        assert (read.daily, read.top_posts, read.followers_daily) == (
            alone.daily,
            alone.top_posts,
            alone.followers_daily,
        )
    assert batch.reads[2].date_order == "DMY" and len(batch.reads[2].problems) == 2
    assert batch.daily.get_column("_file").unique().sort().to_list() == [0, 2]
    assert batch.daily.height == len(batch.reads[0].daily) + len(batch.reads[2].daily)


def test_order_from_counts_is_decide_date_order_without_the_days():
    periods = {"MDY": (date(2024, 1, 4), date(2024, 12, 4)), "DMY": None}
    assert order_from_counts(periods, {"MDY": 3, "DMY": 3}, 3, "fr") == "MDY"
    both = {"MDY": (date(2025, 1, 2), date(2025, 10, 2)), "DMY": (date(2025, 2, 1), date(2025, 2, 10))}
    assert order_from_counts(both, {"MDY": 3, "DMY": 3}, 3, "fr") == "DMY"
    assert order_from_counts(both, {"MDY": 3, "DMY": 3}, 3, "en") == "MDY"
    assert order_from_counts(both, {"MDY": 1, "DMY": 2}, 3, "en") == "DMY"
    assert order_from_counts({"MDY": None, "DMY": None}, {"MDY": 0, "DMY": 1}, 1, None) == "DMY"
    assert decide_date_order("01/02/2025 - 10/02/2025", ["05/02/2025"], "fr") == order_from_counts(
        both, {"MDY": 0, "DMY": 1}, 1, "fr"
    )


def test_frames_in_a_tables_schema_and_their_last_day():
    data = pl.DataFrame(
        {"day": [date(2026, 1, 2), date(2026, 1, 5)], "impressions": [1, 2], "extra": ["x", "y"]}
    )
    typed = in_schema(data, {"day": pl.Date(), "impressions": pl.Float64(), "agent_id": pl.String()})
    assert typed.schema == {"day": pl.Date(), "impressions": pl.Float64(), "agent_id": pl.String()}
    assert typed.rows() == [(date(2026, 1, 2), 1.0, None), (date(2026, 1, 5), 2.0, None)]
    assert last_day(data, pl.DataFrame({"day": [date(2026, 1, 3)]}), pl.DataFrame()) == date(2026, 1, 5)
    assert last_day(pl.DataFrame()) is None
