"""The dashboard (``relais.dashboard``): figures from a hand-made snapshot, one self-contained file, a browser.

The snapshot holds four months, the last one partial (data up to 12 October), two departments shown
alone (one of them with a hostile name), one department shown alone only from August, and the merged
group of small departments. The pure functions are checked directly; the page is then opened from
the disk in Debian's headless Chromium (Playwright, as the consent page's test does): a screenshot
of each view goes to ``test-artifacts/dashboard/``, and changing the department and month filters
must show the snapshot's own figures, formatted as the report formats them.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path

import duckdb
import pytest
from dagster import materialize

from assets.dashboard import DASHBOARD_KEY, dashboard_asset
from relais.dashboard import DASHBOARD_NAME, write_dashboard
from relais.dashboard.data import comparison_note, dashboard_data, figure_cell
from relais.dashboard.page import render_dashboard
from relais.dashboard.scopes import ALL, month_id
from relais.home import RelaisHome
from relais.reports.labels import Labels
from relais.reports.months import Coverage
from relais.settings import Settings
from tests.report_checks import REPO

ARTIFACTS = REPO / "test-artifacts" / "dashboard"
JUNE, JULY, AUGUST, SEPTEMBER, OCTOBER = (date(2026, m, 1) for m in (6, 7, 8, 9, 10))
OPEN = "Direction de l'Éducation"
HOSTILE = "Direction des <b>finances</b> <script>alert('d')</script>"
LATE = "Direction du numérique"  # merged in July, shown alone from August
OTHER = "Autres directions"
AGENT_KEY = "agent-key-0f3b9c"  # in marts.agent_month only: must never reach the page
FR = Labels("fr")

COLUMNS = (
    "headcount BIGINT, enrolled BIGINT, active BIGINT, participation_rate DOUBLE, adoption_rate DOUBLE, "
    "posts BIGINT, reshares BIGINT, institution_reshares BIGINT, institution_share DOUBLE, "
    "reshare_attribution_coverage DOUBLE, impressions BIGINT, engagements_received BIGINT, "
    "engagement_rate DOUBLE, emv DOUBLE, median_score DOUBLE, new_enrolments BIGINT, lapsed BIGINT"
)
# department, month, is_other, merged, headcount, enrolled, active, posts, reshares, institution reshares,
# impressions, engagements, median score
DEPARTMENTS = [
    (OPEN, JULY, False, 0, 60, 8, 6, 5, 7, 4, 3000, 90, 41.5),
    (OPEN, AUGUST, False, 0, 60, 9, 5, 4, 6, 3, 2500, 80, 40.0),
    (OPEN, SEPTEMBER, False, 0, 60, 9, 7, 6, 9, 5, 4200, 130, 47.25),
    (OPEN, OCTOBER, False, 0, 60, 9, 1, 1, 0, 0, 300, 9, 12.0),
    (HOSTILE, JULY, False, 0, 40, 6, 3, 2, 3, 2, 1500, 40, 30.0),
    (HOSTILE, AUGUST, False, 0, 40, 6, 4, 3, 3, 2, 1800, 50, 33.0),
    (HOSTILE, SEPTEMBER, False, 0, 40, 7, 4, 4, 2, 1, 1700, 45, 35.0),
    (HOSTILE, OCTOBER, False, 0, 40, 7, 0, 0, 0, 0, 0, 0, 10.0),
    (LATE, AUGUST, False, 0, 25, 5, 3, 2, 2, 1, 900, 20, 38.0),
    (LATE, SEPTEMBER, False, 0, 25, 5, 2, 1, 2, 2, 800, 25, 36.0),
    (LATE, OCTOBER, False, 0, 25, 5, 0, 0, 0, 0, 0, 0, 9.0),
    (OTHER, JULY, True, 3, 50, 7, 2, 1, 2, 1, 700, 14, 25.0),
    (OTHER, AUGUST, True, 2, 25, 5, 2, 2, 1, 1, 600, 12, 28.0),
    (OTHER, SEPTEMBER, True, 2, 25, 5, 3, 2, 3, 2, 1000, 30, 31.0),
    (OTHER, OCTOBER, True, 2, 25, 5, 0, 0, 0, 0, 0, 0, 8.0),
]
# month: data_until, is_complete; June holds nothing but the programme row (the programme began in June)
COVERAGE = {
    JUNE: (date(2026, 6, 30), True),
    JULY: (date(2026, 7, 31), True),
    AUGUST: (date(2026, 8, 31), True),
    SEPTEMBER: (date(2026, 9, 30), True),
    OCTOBER: (date(2026, 10, 12), False),
}
SKILLS = [  # skill id, label, family, month, ambassadors, posts
    ("accueil", "Accueil du public", "Relation usagers", SEPTEMBER, 4, 6),
    ("marches", "Marchés publics", "Commande publique", SEPTEMBER, 2, 3),
    ("accueil", "Accueil du public", "Relation usagers", AUGUST, 1, 1),
]
DEPARTMENT_SKILLS = [  # department, is_other, merged, skill id, label, family, ambassadors, posts
    (OPEN, False, 0, "accueil", "Accueil du public", "Relation usagers", 3, 5),
    (OPEN, False, 0, "marches", "Marchés publics", "Commande publique", 1, 2),
    (HOSTILE, False, 0, "marches", "Marchés publics", "Commande publique", 1, 1),
    (OTHER, True, 2, "accueil", "Accueil du public", "Relation usagers", 1, 2),
]
POSTS = [  # key, title, created on, relaying ambassadors, reshares, impressions, amplification, repost share
    ("p1", "Journée citoyenne : merci aux 50 participants !", date(2026, 9, 5), 4, 5, 3000, 0.1234, 0.625),
    ("p2", "<img src=x onerror=alert(9)> Conseil municipal", date(2026, 9, 12), 2, 2, 1200, None, None),
]


def _month_totals(month: date) -> tuple:
    rows = [d for d in DEPARTMENTS if d[1] == month]
    s = [sum(r[i] for r in rows) for i in range(4, 12)]
    headcount, enrolled, active, posts, reshares, institution, impressions, engagements = s
    return (
        month,
        headcount,
        enrolled,
        active,
        active / enrolled,
        enrolled / headcount,
        posts,
        reshares,
        institution,
        institution / (posts + reshares) if posts + reshares else None,
        0.75 if posts + reshares else None,
        impressions,
        engagements,
        engagements / impressions if impressions else None,
        round(impressions * 12 / 1000, 2),
        40.0,
        3,
        1,
    )


def make_snapshot(path: Path) -> Path:
    """A published snapshot as ``relais_snapshot`` writes it, small enough to check every figure by hand."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            f"CREATE TABLE marts.programme_month (month DATE, {COLUMNS}, data_until DATE, "
            "days_covered INTEGER, days_in_month INTEGER, is_complete BOOLEAN)"
        )
        con.execute(
            f"CREATE TABLE marts.department_month (department VARCHAR, month DATE, is_other_departments BOOLEAN, "
            f"departments_merged BIGINT, {COLUMNS}, is_complete BOOLEAN)"
        )
        programme = [(JUNE, 200, 3, 2, 2 / 3, 0.015, 1, 1, 0, 0.0, 1.0, 200, 5, 0.025, 2.4, 20.0, 3, 0)]
        programme += [_month_totals(m) for m in (JULY, AUGUST, SEPTEMBER, OCTOBER)]
        for row in programme:
            until, complete = COVERAGE[row[0]]
            days = (until - row[0]).days + 1
            total = 31 if row[0].month in (7, 8, 10) else 30
            con.execute(
                f"INSERT INTO marts.programme_month VALUES ({', '.join('?' * 22)})",
                [*row, until, days, total, complete],
            )
        for d in DEPARTMENTS:
            (
                name,
                month,
                other,
                merged,
                headcount,
                enrolled,
                active,
                posts,
                reshares,
                inst,
                imp,
                eng,
                score,
            ) = d
            con.execute(
                f"INSERT INTO marts.department_month VALUES ({', '.join('?' * 22)})",
                [name, month, other, merged, headcount, enrolled, active, active / enrolled, enrolled / headcount,
                 posts, reshares, inst, inst / (posts + reshares) if posts + reshares else None,
                 0.5 if posts + reshares else None, imp, eng, eng / imp if imp else None,
                 round(imp * 12 / 1000, 2), score, 0, 0, COVERAGE[month][1]],
            )  # fmt: skip
        con.execute(
            "CREATE TABLE marts.skill_month (skill_id VARCHAR, skill_label VARCHAR, family VARCHAR, month DATE, "
            "ambassadors_showcasing BIGINT, showcased_posts BIGINT)"
        )
        con.executemany("INSERT INTO marts.skill_month VALUES (?, ?, ?, ?, ?, ?)", SKILLS)
        con.execute(
            "CREATE TABLE marts.department_skill (department VARCHAR, is_other_departments BOOLEAN, "
            "departments_merged BIGINT, skill_id VARCHAR, skill_label VARCHAR, family VARCHAR, "
            "ambassadors_showcasing BIGINT, showcased_posts BIGINT)"
        )
        con.executemany(
            "INSERT INTO marts.department_skill VALUES (?, ?, ?, ?, ?, ?, ?, ?)", DEPARTMENT_SKILLS
        )
        con.execute(
            "CREATE TABLE marts.institution_post (post_key VARCHAR, title VARCHAR, created_on DATE, "
            "relaying_ambassadors BIGINT, reshares BIGINT, impressions BIGINT, amplification_ratio DOUBLE, "
            "ambassador_repost_share DOUBLE)"
        )
        con.executemany("INSERT INTO marts.institution_post VALUES (?, ?, ?, ?, ?, ?, ?, ?)", POSTS)
        con.execute("CREATE TABLE marts.agent_month (agent_key VARCHAR, month DATE, department VARCHAR)")
        con.execute("INSERT INTO marts.agent_month VALUES (?, ?, ?)", [AGENT_KEY, SEPTEMBER, OPEN])
        con.execute("CREATE TABLE marts.metric_settings (setting VARCHAR, value DOUBLE, unit VARCHAR)")
        con.execute(
            "INSERT INTO marts.metric_settings VALUES ('anonymity_threshold', 5, 'enrolled ambassadors'), "
            "('emv_currency', NULL, 'EUR'), ('lapsed_after_months', 3, 'months')"
        )
        con.execute("CREATE TABLE marts.meta (published_at TIMESTAMPTZ, organisation VARCHAR)")
        con.execute("INSERT INTO marts.meta VALUES ('2026-10-13 07:30:00+00', 'Ville de Test')")
    return path


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    """The hand-made snapshot, written once for the module."""
    return make_snapshot(tmp_path_factory.mktemp("dashboard") / "relais.duckdb")


@pytest.fixture(scope="module")
def settings() -> Settings:
    """French settings of a test organisation."""
    return Settings(organisation="Ville de Test", report_language="fr", timezone="Europe/Paris")


@pytest.fixture(scope="module")
def data(snapshot, settings) -> dict:
    """The page's data, read from the snapshot."""
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return dashboard_data(con, settings, datetime(2026, 10, 13, 9, 30, tzinfo=UTC))


def _department(name: str, month: date) -> tuple:
    return next(d for d in DEPARTMENTS if d[0] == name and d[1] == month)


# --- pure functions ---------------------------------------------------------------------------------


def test_a_month_is_compared_only_when_it_and_the_month_before_are_complete():
    coverage = {
        JULY: Coverage(JULY, True, date(2026, 7, 31)),
        AUGUST: Coverage(AUGUST, True, date(2026, 8, 31)),
        SEPTEMBER: Coverage(SEPTEMBER, False, date(2026, 9, 3)),
    }
    assert comparison_note(AUGUST, coverage, True, FR) is None
    assert comparison_note(SEPTEMBER, coverage, True, FR) == FR("change_partial")
    assert comparison_note(JULY, coverage, False, FR) == FR("no_previous")
    assert comparison_note(AUGUST, coverage, False, FR) == FR("no_previous"), "scope merged away in July"
    coverage[JULY] = Coverage(JULY, False, date(2026, 7, 20))
    assert comparison_note(AUGUST, coverage, True, FR) == FR("change_partial")


def test_a_figure_is_formatted_as_the_report_formats_it():
    rate = figure_cell(
        "participation_rate", {"participation_rate": 0.593}, {"participation_rate": 0.572}, FR, "EUR"
    )
    assert rate == {"v": 0.593, "t": "59,3\u00a0%", "c": "▲ +2,1\u00a0pts", "tone": "good"}
    lapsed = figure_cell("lapsed", {"lapsed": 4}, {"lapsed": 2}, FR, "EUR")
    assert (lapsed["t"], lapsed["c"], lapsed["tone"]) == ("4", "▲ +2 (+100,0\u00a0%)", "bad")
    alone = figure_cell("emv", {"emv": 1234.4}, None, FR, "EUR")
    assert alone == {"v": 1234.4, "t": "1\u202f234\u00a0€"}, "no change without a comparable month"


# --- the page's data --------------------------------------------------------------------------------


def test_the_dashboard_opens_on_the_last_complete_month_and_names_the_partial_one(data):
    assert data["default_month"] == "2026-09"
    months = {m["id"]: m for m in data["months"]}
    assert months["2026-10"]["complete"] is False
    assert months["2026-10"]["option"] == "octobre 2026 (incomplet)"
    assert "12 octobre 2026" in months["2026-10"]["note"] and "incomplet" in months["2026-10"]["note"]
    assert months["2026-09"]["option"] == "septembre 2026"
    assert "complet" in months["2026-09"]["note"] and "comparés à août 2026" in months["2026-09"]["note"]
    assert "octobre" not in months["2026-09"]["note"], "the filter offers the partial month: not announced"
    october = data["figures"][ALL]["2026-10"]
    assert october["note"] == FR("change_partial")
    assert all("c" not in cell for cell in october["cells"].values()), "a partial month is never compared"
    september = data["figures"][ALL]["2026-09"]
    assert september["note"] is None and september["cells"]["enrolled"]["c"] == "▲ +1 (+4,0\u00a0%)"


def test_departments_are_the_published_groups_and_no_agent_level_row_is_read(data):
    assert data["scopes"][0] == {"id": ALL, "name": "Toute l'organisation", "department": None}
    assert [s["department"] for s in data["scopes"][1:-1]] == [OPEN, HOSTILE, LATE], "by name"
    assert data["scopes"][-1] == {
        "id": "other",
        "name": "Autres directions (petites directions regroupées)",
        "department": OTHER,
    }
    late = next(s["id"] for s in data["scopes"] if s["department"] == LATE)
    assert "2026-07" not in data["figures"][late], "July's figures of the late department are in the group"
    assert "moins de 5 ambassadeurs" in data["notes"][late]["2026-07"]
    assert data["figures"][late]["2026-08"]["note"] == FR("no_previous")
    assert data["notes"]["other"]["2026-07"].startswith("En juillet 2026, ce groupe réunit 3 ")
    july = [d["name"] for d in data["departments"]["2026-07"]]
    assert july[-1] == FR("other_departments", count=3) and LATE not in july
    assert AGENT_KEY not in json.dumps(data), "agent-level tables are never read"


def test_skills_posts_and_amplification_come_from_the_published_marts(data):
    assert [s["label"] for s in data["skills_month"]["2026-09"]] == ["Accueil du public", "Marchés publics"]
    open_id = next(s["id"] for s in data["scopes"] if s["department"] == OPEN)
    assert [(s["label"], s["posts"]) for s in data["skills_scope"][open_id]] == [
        ("Accueil du public", "5"),
        ("Marchés publics", "2"),
    ]
    assert [(s["label"], s["posts"]) for s in data["skills_scope"][ALL]] == [
        ("Relation usagers", "7"),
        ("Commande publique", "3"),
    ]
    posts = data["posts"]["2026-09"]
    assert [p["relaying"] for p in posts] == ["4", "2"]
    assert [p["amplification"] for p in posts] == ["0,12", "—"]
    assert [p["repost_share"] for p in posts] == ["62,5\u00a0%", "—"]


def test_the_page_is_one_file_that_fetches_nothing(data):
    html = render_dashboard(data)
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert policy and "default-src 'none'" in unescape(policy.group(1))
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html), "nothing is loaded from elsewhere"
    assert "<script>alert" not in html and "<b>finances</b>" not in html, "names are data, not markup"
    assert "<img src=x" not in html
    assert html.count("<script") == 2, "the data element and the page's own script"
    assert 'lang="fr"' in html and "Tableau de bord du programme ambassadeurs" in html


def test_write_dashboard_replaces_the_file_whole(snapshot, settings, tmp_path):
    target = tmp_path / "serving" / DASHBOARD_NAME
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    assert write_dashboard(snapshot, target, settings) == target
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in target.parent.iterdir()] == [DASHBOARD_NAME], "no temporary file is left"


def test_the_asset_builds_the_dashboard_from_the_home_s_snapshot(snapshot, settings, tmp_path):
    home = RelaisHome(tmp_path / "home", settings)
    home.serving_dir.mkdir(parents=True)
    shutil.copyfile(snapshot, home.serving)
    result = materialize([dashboard_asset], resources={"home": home})
    assert result.success
    page = home.serving_dir / DASHBOARD_NAME
    assert page.exists() and "Ville de Test" in page.read_text(encoding="utf-8")
    [event] = result.asset_materializations_for_node(dashboard_asset.op.name)
    assert event.asset_key == DASHBOARD_KEY and event.metadata["size_bytes"].value == page.stat().st_size


# --- in a browser -----------------------------------------------------------------------------------


@pytest.fixture
def page(browser, snapshot, settings, tmp_path):
    """The dashboard written to a folder of its own and opened from the disk; requests and errors recorded."""
    path = write_dashboard(snapshot, tmp_path / DASHBOARD_NAME, settings)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    opened = context.new_page()
    opened.requests, opened.errors = [], []
    opened.on("request", lambda request: opened.requests.append(request.url))
    opened.on("pageerror", lambda error: opened.errors.append(str(error)))
    opened.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
    opened.on("dialog", lambda dialog: opened.errors.append(f"dialog: {dialog.message}"))
    opened.goto(path.as_uri())
    try:
        yield opened
    finally:
        context.close()


def _tile(page, metric: str) -> str:
    return page.locator(f'.tile[data-metric="{metric}"] .tile-value').inner_text()


def _change(page, metric: str) -> str:
    return page.locator(f'.tile[data-metric="{metric}"] .tile-change').inner_text()


def test_each_view_opens_from_the_disk_and_is_screenshot(page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert page.locator("#month").input_value() == "2026-09"
    assert "Mois complet" in page.locator("#coverage").inner_text()
    for tab in page.locator('[role="tab"]').all():
        tab.click()
        view = tab.get_attribute("data-view")
        assert tab.get_attribute("aria-selected") == "true"
        assert page.locator("#panel").get_attribute("data-view") == view
        assert page.locator("#panel").inner_text().strip(), f"the {view} view shows something"
        page.screenshot(path=str(ARTIFACTS / f"{view}.png"), full_page=True)
    families = page.locator("#panel section").nth(1)
    assert families.locator('th[scope="col"]').first.inner_text() == "Famille", "the organisation's families"
    assert [u for u in page.requests if not u.startswith("file:")] == [], "nothing is fetched"
    assert page.errors == []


def test_the_department_filter_shows_that_department_s_published_figures(page):
    expected = _department(OPEN, SEPTEMBER)
    assert _tile(page, "enrolled") == FR.number(sum(d[5] for d in DEPARTMENTS if d[1] == SEPTEMBER))
    page.select_option("#department", label=OPEN)
    assert _tile(page, "enrolled") == FR.number(expected[5])
    assert _tile(page, "active") == FR.number(expected[6])
    assert _tile(page, "participation_rate") == FR.percent(expected[6] / expected[5])
    before = _department(OPEN, AUGUST)
    assert _change(page, "active") == f"▲ +2 (+{FR.percent((expected[6] - before[6]) / before[6])})"
    row = page.locator("#panel tbody tr.current")
    assert row.get_attribute("data-department") == OPEN
    page.locator("#tab-reach").click()
    assert _tile(page, "impressions") == FR.number(expected[10])
    page.screenshot(path=str(ARTIFACTS / "filtre-direction.png"), full_page=True)
    page.select_option("#department", label=HOSTILE)
    assert _tile(page, "impressions") == FR.number(_department(HOSTILE, SEPTEMBER)[10])
    assert page.errors == [], "a hostile department name stays text"


def test_a_partial_month_is_said_in_words_and_never_compared(page):
    page.select_option("#month", "2026-10")
    coverage = page.locator("#coverage")
    assert "partial" in coverage.get_attribute("class")
    assert "Mois incomplet" in coverage.inner_text() and "12 octobre 2026" in coverage.inner_text()
    assert _tile(page, "active") == FR.number(sum(d[6] for d in DEPARTMENTS if d[1] == OCTOBER))
    assert _change(page, "active") == FR("change_partial")
    chart = page.locator("#panel figure svg").first
    assert "octobre 2026 (incomplet)" in chart.get_attribute("aria-label")
    assert page.locator("#panel figure svg text.partial").count() == 2, "one mark per chart"
    page.screenshot(path=str(ARTIFACTS / "mois-incomplet.png"), full_page=True)


def test_filters_and_views_work_from_the_keyboard(page):
    page.locator("#tab-participation").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-activity"
    assert page.locator("#panel").get_attribute("data-view") == "activity"
    page.keyboard.press("End")
    assert page.locator("#panel").get_attribute("data-view") == "skills"
    page.locator("#department").focus()
    page.keyboard.press("ArrowDown")
    assert page.locator("#department").input_value() != ALL
    assert "Affichage" in page.locator("#status").inner_text(), "the change is announced"


def test_a_department_merged_that_month_says_so(page):
    page.select_option("#department", label=LATE)
    page.select_option("#month", month_id(JULY))
    note = page.locator("#scope-note")
    assert note.is_visible() and "moins de 5 ambassadeurs inscrits" in note.inner_text()
    assert page.locator("#panel .tile").count() == 0


def test_the_dashboard_speaks_the_report_s_language(snapshot):
    english = Settings(organisation="Test City", report_language="en", timezone="Europe/Paris")
    with duckdb.connect(str(snapshot), read_only=True) as con:
        data = dashboard_data(con, english, datetime(2026, 10, 13, 9, 30, tzinfo=UTC))
    html = render_dashboard(data)
    assert 'lang="en"' in html and "Ambassador programme dashboard" in html
    months = {m["id"]: m for m in data["months"]}
    assert months["2026-10"]["option"] == "October 2026 (incomplete)"
    assert data["figures"][ALL]["2026-09"]["cells"]["participation_rate"]["t"].endswith("%")
    assert data["metrics"]["participation_rate"]["label"] == "Participation rate"
