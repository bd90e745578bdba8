"""Telling LinkedIn workbooks apart by sheet names and first cells, never by file name."""

from datetime import date

import pytest

from relais.sources.io.workbooks import (
    creator_sheet_role,
    creator_sheets,
    detect_workbook,
    detect_workbook_kind,
    parse_day_in_order,
)
from relais.synthetic.creator import ENGLISH, FRENCH, POST_FRENCH, write_creator_export, write_post_analytics
from relais.synthetic.workbooks import write_workbook
from tests.builders import write_page_export


def _creator(path, labels):
    return write_creator_export(
        path,
        labels,
        period="1/1/2026 - 1/31/2026",
        discovery=(10, 5),
        days=[["1/2/2026", 1, 0]],
        top_by_engagements=[],
        top_by_impressions=[],
        followers_on="1/31/2026",
        followers_total=3,
        follower_days=[],
    )


def test_creator_exports_in_english_and_french(tmp_path):
    kind, reason = detect_workbook(_creator(tmp_path / "whatever.xlsx", ENGLISH))
    assert kind == "creator_analytics" and "language en" in reason
    kind, reason = detect_workbook(_creator(tmp_path / "Content_x.xlsx", FRENCH))
    assert kind == "creator_analytics" and "language fr" in reason


def test_creator_export_recognised_by_a1_when_sheet_names_are_unknown():
    names = ["ENTDECKUNG", "B", "C", "D", "E"]
    assert detect_workbook_kind(names, {"ENTDECKUNG": [["Overall Performance", "1/1/2026 - 1/31/2026"]]})[
        0
    ] == ("creator_analytics")
    assert detect_workbook_kind(names, {"ENTDECKUNG": [["Gesamtleistung", "x"]]})[0] == "unknown"


def test_single_post_export(tmp_path):
    path = write_post_analytics(
        tmp_path / "p.xlsx", [["Post URL", "https://www.linkedin.com/feed/update/urn:li:activity:1/"]]
    )
    assert detect_workbook(path)[0] == "post_analytics"
    french = write_post_analytics(tmp_path / "q.xlsx", [["URL du post", "x"]], POST_FRENCH)
    assert detect_workbook(french)[0] == "post_analytics"


def test_page_exports(tmp_path):
    assert detect_workbook(write_page_export(tmp_path / "c.xlsx", []))[0] == "page_content"
    assert (
        detect_workbook(write_page_export(tmp_path / "l.xlsx", [], legacy=True))[0] == "page_content_legacy"
    )
    followers = write_workbook(tmp_path / "f.xlsx", {"New followers": [["Date"]], "Location": [["Location"]]})
    assert detect_workbook(followers)[0] == "page_followers"
    visitors = write_workbook(tmp_path / "v.xlsx", {"Visitor metrics": [["Date"]], "Job function": [["x"]]})
    assert detect_workbook(visitors)[0] == "page_visitors"


@pytest.mark.parametrize(
    ("sheets", "kind"),
    [
        (["Toutes les publications", "Statistiques"], "page_content"),
        (["Alle Beiträge"], "page_content"),
        (["Nouveaux abonnés", "Lieu"], "page_followers"),
        (["Nuevos seguidores"], "page_followers"),
        (["Besucherkennzahlen"], "page_visitors"),
        (["Statistiques des visiteurs"], "page_visitors"),
        (["Feuil1"], "unknown"),
    ],
)
def test_localised_page_sheet_names(sheets, kind):
    assert detect_workbook_kind(sheets, {})[0] == kind


def test_unreadable_and_unknown_files(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    kind, reason = detect_workbook(broken)
    assert kind == "unknown" and reason.startswith("unreadable spreadsheet: ")
    kind, reason = detect_workbook(write_workbook(tmp_path / "budget.xlsx", {"Feuil1": [["Budget", 3]]}))
    assert kind == "unknown" and "Feuil1" in reason


def test_parse_day_in_order():
    assert parse_day_in_order("4/1/2024", "MDY") == date(2024, 4, 1)
    assert parse_day_in_order("4/1/2024", "DMY") == date(2024, 1, 4)
    assert parse_day_in_order("2024-04-01 00:00:00", "DMY") == date(2024, 4, 1)
    assert parse_day_in_order("4 janv. 2026", "DMY") == date(2026, 1, 4)
    assert parse_day_in_order("1er février 2026", "DMY") == date(2026, 2, 1)
    with pytest.raises(ValueError, match=r"day first \(D/M/Y\)"):
        parse_day_in_order("hier", "DMY")


def test_single_post_export_recognised_by_its_post_url_row():
    assert detect_workbook_kind(["Feuil1"], {"Feuil1": [[None], ["Post URL", "x"]]})[0] == "post_analytics"


@pytest.mark.parametrize(
    ("grid", "role"),
    [
        ([["Overall Performance", "1/1/2026 - 1/31/2026"], ["Impressions", "10"]], "discovery"),
        (
            [["Overall Performance", "Value", "Time Period"], ["Impressions", "5", "6/18/2023 - 6/16/2024"]],
            "discovery",
        ),
        ([["Performances globales", "01/01/2026 - 31/01/2026"]], "discovery"),
        ([["Date", "Impressions", "Engagements"], ["1/2/2026", "3", "1"]], "engagement"),
        ([["Date", "Impressions", "Interactions"]], "engagement"),
        ([["Maximum of 50 posts"], [], ["Post URL", "Post publish date", "Engagements"]], "top_posts"),
        ([["50 posts"], [], ["URL du post", "Date de publication du post", "Interactions"]], "top_posts"),
        ([["Total followers on 1/31/2026", "3"], [], ["Date", "New followers"]], "followers"),
        ([["Nombre total d'abonnés au 31/01/2026", "3"]], "followers"),
        ([["Top Demographics", "Value", "Percentage"]], "demographics"),
        ([["Post URL", "https://www.linkedin.com/feed/update/urn:li:activity:1/"], ["Post Date", "x"]], None),
        ([["Category", "Value", "%"]], None),
        ([["Date", "Impressions (organic)"]], None),
        ([], None),
    ],
)
def test_creator_sheets_are_recognised_by_their_content(grid, role):
    assert creator_sheet_role(grid) == role


def test_a_named_sheet_takes_its_role_only_beside_a_sheet_recognised_by_content():
    grids = {"DISCOVERY": [["Overall Performance", "1/1/2026 - 1/31/2026"]], "TOP POSTS": []}
    assert creator_sheets(["TOP POSTS", "DISCOVERY"], grids) == {
        "discovery": "DISCOVERY",
        "top_posts": "TOP POSTS",
    }
    assert creator_sheets(["TOP POSTS", "ENGAGEMENT"], {"TOP POSTS": [], "ENGAGEMENT": [["x"]]}) == {}
