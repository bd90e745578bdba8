"""The monthly report: safe CSV, wording and formats, figures equal to the marts, escaping, rendering.

Most tests build the report from a small hand-made marts database (``tests.report_checks``) holding
hostile text; one builds it over a real pipeline run of the demo organisation. Browser and PDF
renderings are kept in ``test-artifacts/reports/`` for a human to look at.
"""

import csv
import io
import re
import shutil
from datetime import date, datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from markupsafe import escape

from relais.home import RelaisHome
from relais.reports import build as build_module
from relais.reports import latest_complete_month, month_from_partition_key, write_month_report
from relais.reports.figures import leaderboard
from relais.reports.labels import Labels
from relais.reports.safe_csv import cell, write_csv
from relais.reports.text import safe_url, slugify, unique_slugs
from relais.reports.wording import WORDING
from relais.settings import Settings
from tests.report_checks import (
    ACCENT_DEPARTMENT,
    AGENTS,
    APRIL,
    ARTIFACTS,
    CURLY_DEPARTMENT,
    EXPECTED_TOP_POSTS,
    FORMULA_DEPARTMENT,
    FORMULA_TITLE,
    HOSTILE_DEPARTMENT,
    HOSTILE_TITLE,
    MARCH,
    PROGRAMME,
    QUALITY_JARGON,
    QUOTE_TITLE,
    attribute_values,
    build_marts,
    colour_count,
    data_values,
    dump_dom,
    pdf_pages,
    screenshot,
    visible_text,
)

GENERATED = datetime(2025, 4, 2, 7, 0, tzinfo=ZoneInfo("Europe/Paris"))
HEADLINE_KEYS = (
    "enrolled",
    "active",
    "participation_rate",
    "adoption_rate",
    "posts",
    "reshares",
    "institution_reshares",
    "impressions",
    "engagements_received",
    "engagement_rate",
    "emv",
    "new_enrolments",
    "lapsed",
)


def read_csv(path: Path, separator: str) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark expected"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=separator))


# --- pure pieces ---------------------------------------------------------------------------------------


def test_csv_cells_cannot_start_a_formula(tmp_path):
    rows = [
        [
            '=HYPERLINK("http://evil.example/","x")',
            "+1",
            "-2+3",
            "@SUM(A1:A9)",
            "\tcmd",
            "\rcmd",
            "plain",
            -2,
            3.5,
        ],
        ["a=b", "", None, True, 0, 1e-05, date(2025, 3, 1), "Direction de l'Éducation", -0.25],
    ]
    fr = read_csv(
        write_csv(tmp_path / "fr.csv", ["=titre", "b", "c", "d", "e", "f", "g", "h", "i"], rows), ";"
    )
    assert fr[0][0] == "'=titre"
    assert fr[1] == [
        '\'=HYPERLINK("http://evil.example/","x")',
        "'+1",
        "'-2+3",
        "'@SUM(A1:A9)",
        "'\tcmd",
        "'\rcmd",
        "plain",
        "-2",
        "3,5",
    ]
    assert fr[2] == ["a=b", "", "", "1", "0", "0,00001", "2025-03-01", "Direction de l'Éducation", "-0,25"]
    en = read_csv(write_csv(tmp_path / "en.csv", ["a"] * 9, rows, language="en"), ",")
    assert en[1][-2:] == ["-2", "3.5"] and en[1][0].startswith("'=")
    assert (tmp_path / "fr.csv").read_bytes().count(b";") > (tmp_path / "fr.csv").read_bytes().count(b",")
    assert cell(float("nan")) == "" and cell(12970) == "12970"


def test_numbers_dates_and_months_in_french_and_english():
    fr, en = Labels("fr"), Labels("en")
    assert fr.number(12970) == "12\u202f970" and en.number(12970) == "12,970"
    assert fr.percent(0.593) == "59,3\u00a0%" and en.percent(0.593) == "59.3%"
    assert fr.money(1234.56, "EUR") == "1\u202f235\u00a0€" and en.money(1234.56, "EUR") == "€1,235"
    assert fr.money(10, "CHF") == "10\u00a0CHF" and en.money(10, "CHF") == "10\u00a0CHF"
    assert fr.signed(-1250) == "\u22121\u202f250" and en.signed(3) == "+3" and fr.signed(0) == "0"
    assert fr.points(0.021) == "+2,1\u00a0pts" and en.points(-0.021) == "\u22122.1\u00a0pts"
    assert (
        fr.month_name(date(2026, 10, 1)) == "octobre 2026"
        and en.month_name(date(2026, 10, 1)) == "October 2026"
    )
    assert fr.day(date(2026, 10, 30)) == "30 oct. 2026" and fr.number(None) == "—"
    assert fr.arrow(2) == "▲" and fr.arrow(-1) == "▼" and fr.arrow(0) == "="
    assert Labels("en-GB").language == "en" and Labels("de").language == "fr"


def test_translation_table_has_both_languages_with_the_same_placeholders():
    for key, (french, english) in WORDING.items():
        assert french and english, key
        assert set(re.findall(r"{(\w+)}", french)) == set(re.findall(r"{(\w+)}", english)), key


def test_slugs_are_ascii_lowercase_and_unique():
    assert slugify("Direction de l'Éducation") == "direction-de-l-education"
    assert slugify("Cœur de ville — Œuvres") == "coeur-de-ville-oeuvres"
    assert slugify("<script>alert(1)</script>") == "script-alert-1-script"
    assert slugify("東京") == "departement" and slugify("東京", "department") == "department"
    names = [
        ACCENT_DEPARTMENT,
        CURLY_DEPARTMENT,
        "DIRECTION DE L EDUCATION",
        "東京",
        "大阪",
        ACCENT_DEPARTMENT,
    ]
    slugs = unique_slugs(names)
    assert len(set(slugs.values())) == len(slugs) == 5
    assert slugs[CURLY_DEPARTMENT] == "direction-de-l-education-2"
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs.values())


def test_only_http_links_are_links():
    assert safe_url("https://www.linkedin.com/feed/update/urn:li:activity:1") is not None
    assert safe_url("http://example.org/a?b=c") == "http://example.org/a?b=c"
    for bad in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,<script>",
        "vbscript:x",
        "//evil",
        "/relative",
        "https://",
        "https://exa mple.org",
        "java\nscript:alert(1)",
        "",
        None,
    ):
        assert safe_url(bad) is None, bad


def test_the_report_month_is_the_last_complete_one(tmp_path):
    with duckdb.connect(str(build_marts(tmp_path / "w.duckdb"))) as con:
        # April has three days of data: March is the last complete month, whatever today is
        for today in (date(2025, 4, 20), date(2025, 12, 6)):
            assert latest_complete_month(con, "Europe/Paris", today=today) == MARCH
        con.execute("UPDATE marts.programme_month SET is_complete = false")
        assert latest_complete_month(con, "Europe/Paris") == APRIL  # none complete: the newest, partial
        # marts written before they said how complete a month is: the months before today's are
        con.execute("ALTER TABLE marts.programme_month DROP COLUMN is_complete")
        assert latest_complete_month(con, "Europe/Paris", today=date(2025, 3, 20)) == date(2025, 2, 1)
        assert latest_complete_month(con, "Europe/Paris", today=date(2025, 6, 1)) == APRIL
        assert latest_complete_month(con, "Europe/Paris", today=date(2025, 1, 5)) == APRIL
        con.execute("DELETE FROM marts.programme_month")
        assert latest_complete_month(con, "Europe/Paris") is None
    assert month_from_partition_key("2026-10-01") == month_from_partition_key("2026-10") == date(2026, 10, 1)
    with pytest.raises(ValueError):
        month_from_partition_key("2026-10-15")


def test_leaderboard_ranks_active_ambassadors_with_shared_ranks(tmp_path):
    with duckdb.connect(str(build_marts(tmp_path / "w.duckdb"))) as con:
        leaders = leaderboard(con, MARCH)
        # eve (inactive), the one not enrolled and the one without a score are not ranked; fay and bob
        # both read 88,0: they share rank 2, fay first for her impressions, and the next rank is 4
        assert [(x.rank, x.tied, x.name, x.impressions) for x in leaders] == [
            (1, False, "Alice Martin", 1500),
            (2, True, None, 950),
            (2, True, None, 900),
            (4, False, None, 400),
            (5, False, "Dana <i>Doe</i>", 300),
        ]
        assert [x.score for x in leaders] == [91.5, 88.04, 88.0, 70.25, 65.0]
        # a tie at the last rank keeps every line of that rank
        assert [x.rank for x in leaderboard(con, MARCH, limit=2)] == [1, 2, 2]
        assert [x.rank for x in leaderboard(con, MARCH, limit=1)] == [1]
        con.execute("DROP TABLE raw.roster")
        assert all(x.name is None for x in leaderboard(con, MARCH))


# --- the report of the hand-made database -------------------------------------------------------------


@pytest.fixture(scope="module")
def hand(tmp_path_factory):
    """The French and English reports of March 2025 from the hand-made database."""
    root = tmp_path_factory.mktemp("hand")
    (root / "quality" / "data_docs").mkdir(parents=True)
    (root / "quality" / "data_docs" / "index.html").write_text("<p>docs</p>")
    database = build_marts(root / "warehouse.duckdb")
    english_root = tmp_path_factory.mktemp("hand_en")
    with duckdb.connect(str(database), read_only=True) as con:
        fr = write_month_report(
            con,
            root,
            MARCH,
            Settings(organisation="Mairie <b>test</b>", report_language="fr", timezone="Europe/Paris"),
            generated_at=GENERATED,
        )
        en = write_month_report(
            con,
            english_root,
            MARCH,
            Settings(organisation="City", report_language="en"),
            generated_at=GENERATED,
        )
    return root, fr, en


def test_files_of_a_month(hand):
    root, fr, en = hand
    folder = root / "reports" / "2025-03"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == sorted(
        p.relative_to(folder).as_posix() for p in fr
    )
    names = {p.relative_to(folder).as_posix() for p in fr}
    assert {
        "rapport.html",
        "rapport.pdf",
        "directions.csv",
        "publications_institution.csv",
        "classement.csv",
    } <= names
    sheets = sorted(n for n in names if n.startswith("departements/"))
    assert len(sheets) == 10 and "departements/direction-de-l-education-2.html" in sheets
    assert "departements/autres-directions.pdf" in sheets
    assert all(p.stat().st_size > 0 for p in fr) and all(
        p.read_bytes().startswith(b"%PDF") for p in fr if p.suffix == ".pdf"
    )
    assert not [p for p in (root / "reports").iterdir() if p.name.startswith(".")]
    en_names = {p.relative_to(en[0].parent).as_posix() for p in en}
    assert {
        "report.html",
        "report.pdf",
        "departments.csv",
        "institution_posts.csv",
        "leaderboard.csv",
    } <= en_names
    assert any(n.startswith("departments/") for n in en_names)


def test_headline_figures_equal_the_marts(hand):
    _, fr, _ = hand
    html = fr[0].read_text(encoding="utf-8")
    values = data_values(html)
    row = dict(
        zip(
            build_module.DEPARTMENT_CSV_COLUMNS,
            PROGRAMME[MARCH],
            strict=True,
        )
    )
    for key in HEADLINE_KEYS:
        assert float(values[key]) == pytest.approx(row[key]), key
    assert "12\u202f970" in html and "59,3\u00a0%" in html and "180\u00a0€" in html
    assert "▲ +2\u202f970 (+29,7\u00a0%)" in html
    assert "▲ +3,3\u00a0pts" in html  # participation 56,0 % → 59,3 %
    assert "mars 2025" in html and "Généré le 2 avril 2025 à 07:00" in html
    banner = re.search(r'<p class="coverage complete"[^>]*>(.*?)</p>', html, re.DOTALL)
    assert banner and unescape(banner.group(1)) == (
        "Mois complet : les données couvrent mars 2025 en entier, jusqu'au 31 mars 2025. "
        "Avril 2025, encore incomplet (données jusqu'au 3 avril 2025), sera présenté une fois complet."
    )
    assert "Chiffres de mars 2025, comparés à février 2025" in html
    assert "Mairie &lt;b&gt;test&lt;/b&gt;" in html and "<b>test</b>" not in html


def test_departments_and_the_merged_group(hand):
    root, fr, en = hand
    html = fr[0].read_text(encoding="utf-8")
    shown = attribute_values(html, "data-department")
    assert shown == [
        FORMULA_DEPARTMENT,
        ACCENT_DEPARTMENT,
        CURLY_DEPARTMENT,
        HOSTILE_DEPARTMENT,
        "Autres directions",
    ]
    assert "Autres directions (regroupées : 3)" in html
    assert "moins de 5 ambassadeurs inscrits" in html and "(seuil k = 5)" in html
    assert "Other departments (3 merged)" in en[0].read_text(encoding="utf-8")
    sheet = root / "reports" / "2025-03" / "departements" / "direction-de-l-education.html"
    sheet_html = sheet.read_text(encoding="utf-8")
    sheet_values = data_values(sheet_html)
    assert sheet_values["enrolled"] == "5" and sheet_values["active"] == "4"
    assert sheet_values["participation_rate"] == repr(0.8)
    assert "▲ +1 (+33,3\u00a0%)" in sheet_html  # 3 active in February
    assert "Pédagogie" in sheet_html and '<img src="data:image/svg+xml;base64,' in sheet_html
    rows = read_csv(root / "reports" / "2025-03" / "directions.csv", ";")
    assert rows[0][:5] == [
        "Mois",
        "Mois complet",
        "Données jusqu'au",
        "Direction",
        "Regroupement de petites directions",
    ]
    assert rows[0][5:] == [
        "Effectif",
        "Ambassadeurs inscrits",
        "Ambassadeurs actifs",
        "Taux de participation (%, vide si aucun inscrit)",
        "Taux d'adoption (%, vide si effectif inconnu)",
        "Publications",
        "Partages",
        "Partages de l'institution",
        "Impressions",
        "Engagements reçus",
        "Taux d'engagement (%, vide si aucune impression)",
        "Valeur média estimée (EUR)",
        "Score médian (0 à 100, vide si aucun score)",
        "Nouvelles inscriptions",
        "Ambassadeurs décrochés",
    ]
    assert all(r[:3] == ["2025-03-01", "oui", "2025-03-31"] for r in rows[1:])
    by_name = {r[3]: r for r in rows[1:]}
    assert set(by_name) == {
        "'" + FORMULA_DEPARTMENT,
        ACCENT_DEPARTMENT,
        CURLY_DEPARTMENT,
        HOSTILE_DEPARTMENT,
        "Autres directions (regroupées : 3)",
    }
    # rates in percent as the report prints them (80,0 %), one decimal
    assert by_name[ACCENT_DEPARTMENT][4:10] == ["non", "50", "5", "4", "80,0", "10,0"]


def test_hostile_text_is_escaped_and_bad_links_dropped(hand):
    root, fr, _ = hand
    folder = root / "reports" / "2025-03"
    for page in [fr[0], *folder.glob("departements/*.html")]:
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html.lower() and "javascript:" not in html.lower(), page.name
        assert re.search(r"<img\b[^>]*onerror", html, re.IGNORECASE) is None, page.name
        assert re.search(r"<svg\b", html) is None, "charts must be images, not inline SVG"
        assert "http://" not in html.replace("http://evil.example/", "") and "https://fonts" not in html
    html = fr[0].read_text(encoding="utf-8")
    assert escape(HOSTILE_TITLE) in html and escape(QUOTE_TITLE) in html
    assert escape(HOSTILE_DEPARTMENT) in html
    hrefs = attribute_values(html, "href")
    assert all(h.startswith(("https://", "departements/", "../../quality/")) or "/" not in h for h in hrefs)
    assert "../../quality/data_docs/index.html" in hrefs
    assert "activity:2?x=&#34;&gt;&lt;script&gt;" in html  # the quote cannot close the attribute
    posts = read_csv(folder / "publications_institution.csv", ";")
    titles = {r[0]: r for r in posts[1:]}
    assert "'" + FORMULA_TITLE in titles and titles[HOSTILE_TITLE][-1] == ""
    assert all(not r[0].startswith(("=", "+", "-", "@")) for r in posts)


def test_institution_posts_are_the_top_ten_of_the_month(hand):
    _, fr, _ = hand
    html = fr[0].read_text(encoding="utf-8")
    assert attribute_values(html, "data-post") == EXPECTED_TOP_POSTS
    assert "Février, très relayée" not in html


def test_leaderboard_and_quality_summary(hand):
    root, fr, en = hand
    html = fr[0].read_text(encoding="utf-8")
    assert "Alice Martin" in html and "Dana &lt;i&gt;Doe&lt;/i&gt;" in html
    assert html.count("Ambassadeur·rice anonyme") == 3
    board_text = visible_text(html, "leaderboard")
    assert "ambassadeurs actifs en mars 2025" in board_text and "par score décroissant" in board_text
    assert "À score égal, même rang" in board_text and board_text.count("ex æquo") == 3  # note + 2 lines
    for hidden in ("Secret", "Gone", "Nina", "Ancienne", *(a[0] for a in AGENTS)):
        for page in fr:
            if page.suffix in {".html", ".csv"}:
                assert hidden not in page.read_text(encoding="utf-8"), (hidden, page.name)
    assert attribute_values(html, "data-rank") == ["1", "2", "2", "4", "5"]
    board = read_csv(root / "reports" / "2025-03" / "classement.csv", ";")
    assert [r[:2] for r in board[1:]] == [
        ["1", "Alice Martin"],
        ["2", "Ambassadeur·rice anonyme"],
        ["2", "Ambassadeur·rice anonyme"],
        ["4", "Ambassadeur·rice anonyme"],
        ["5", "Dana <i>Doe</i>"],
    ]
    assert board[0][3] == "Score (0 à 100)" and [r[3] for r in board[1:3]] == ["91,5", "88,0"]
    values = data_values(html)
    assert (values["checks_total"], values["checks_passed"], values["checks_failed"]) == ("7", "3", "4")
    assert (values["checks_failed_ERROR"], values["checks_failed_WARN"]) == ("2", "2")
    quality = visible_text(html, "quality")
    assert not [word for word in QUALITY_JARGON if word in quality], quality
    assert "3 contrôles automatiques réussis sur 7" in quality and "old" not in quality
    notes = re.findall(r'class="quality-note (\w+)" data-kind="(\w+)"', html)
    # blocking first: the staff list, then the inconsistent scores; then late data and the drop
    assert notes == [
        ("blocking", "roster"),
        ("blocking", "consistency"),
        ("warning", "late"),
        ("warning", "drop"),
    ]
    for text in (
        "Fichier des agents à revoir",
        "Concerne la liste des ambassadeurs",
        "Qui contacter le service RH qui fournit le fichier des agents",
        "Incohérence dans les chiffres calculés",
        "Concerne les chiffres par ambassadeur et le classement",
        "Données pas à jour",
        "Baisse inhabituelle de l'activité",
        "Qui contacter l'équipe communication",
        "à corriger avant diffusion",
        "à vérifier",
    ):
        assert text in quality, text
    assert "Data Docs" not in quality and "rapport détaillé de qualité" in quality
    english = en[0].read_text(encoding="utf-8")
    assert "Anonymous ambassador" in english and "12,970" in english and "59.3%" in english
    assert 'lang="en"' in english and "March 2025" in english
    assert "../../quality" not in english  # that home has no Data Docs
    assert read_csv(en[0].parent / "leaderboard.csv", ",")[0][0] == "Rank"


def test_older_marts_without_merged_group_columns(tmp_path):
    database = build_marts(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(database)) as con:
        for table in ("department_month", "department_skill"):
            con.execute(f"ALTER TABLE marts.{table} DROP COLUMN is_other_departments")
            con.execute(f"ALTER TABLE marts.{table} DROP COLUMN departments_merged")
        con.execute("DELETE FROM marts.metric_settings")
        con.execute("DROP TABLE marts.quality_checks")
        files = write_month_report(
            con, tmp_path, MARCH, Settings(organisation="Old", anonymity_threshold=7), generated_at=GENERATED
        )
    html = files[0].read_text(encoding="utf-8")
    assert "Autres directions" in attribute_values(html, "data-department")
    assert "regroupées" not in html and "Aucune vérification de la qualité enregistrée." in html


def test_the_month_folder_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    database = build_marts(tmp_path / "warehouse.duckdb")
    folder = tmp_path / "reports" / "2025-03"
    with duckdb.connect(str(database)) as con:
        con.execute("DELETE FROM marts.department_month WHERE department <> ?", [ACCENT_DEPARTMENT])
        write_month_report(con, tmp_path, MARCH, Settings(organisation="A"))
        (folder / "stale.txt").write_text("from an older build")

        def broken(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(build_module, "write_csv", broken)
        with pytest.raises(RuntimeError):
            write_month_report(con, tmp_path, MARCH, Settings(organisation="B"))
        assert (folder / "stale.txt").exists() and "A" in (folder / "rapport.html").read_text(
            encoding="utf-8"
        )
        monkeypatch.undo()
        write_month_report(con, tmp_path, MARCH, Settings(organisation="C"))
        with pytest.raises(LookupError):
            write_month_report(con, tmp_path, date(2030, 1, 1), Settings(organisation="C"))
    assert not (folder / "stale.txt").exists()
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["2025-03"]


def test_dagster_asset_and_partitioned_op(tmp_path):
    from dagster import build_op_context, materialize

    from assets.reports import REPORT_KEY, monthly_report, monthly_report_asset
    from pipelines.resources import build_resources

    with duckdb.connect(str(build_marts(tmp_path / "warehouse.duckdb"))) as con:
        con.execute("DELETE FROM marts.department_month WHERE department <> ?", [ACCENT_DEPARTMENT])
    home = RelaisHome(root=tmp_path, settings=Settings(organisation="Mairie", report_language="en"))
    resources = build_resources(home)
    result = materialize([monthly_report_asset], resources=resources)
    assert result.success
    metadata = result.asset_materializations_for_node(REPORT_KEY.to_python_identifier())[0].metadata
    assert metadata["month"].value == "2025-03" and metadata["files"].value == 7
    assert (tmp_path / "reports" / "2025-03" / "report.html").exists()
    with build_op_context(
        partition_key="2025-02-01", resources=resources
    ) as context:  # holds the writer lock
        assert monthly_report(context) == str(tmp_path / "reports" / "2025-02")
    assert (tmp_path / "reports" / "2025-02" / "report.pdf").exists()


# --- rendering in a browser and as PDF pages -------------------------------------------------------------


def test_hostile_report_renders_without_running_anything(hand):
    root, fr, _ = hand
    dom = dump_dom(fr[0])
    assert "Rapport mensuel du programme ambassadeurs" in dom
    assert re.search(r"<script\b", dom, re.IGNORECASE) is None
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;" in dom
    assert re.search(r"<img\b[^>]*onerror", dom, re.IGNORECASE) is None
    assert re.search(r"<a\b[^>]*javascript:", dom, re.IGNORECASE) is None
    png = screenshot(fr[0], ARTIFACTS / "hand-rapport.png", height=2600)
    assert colour_count(png) > 50
    pages = pdf_pages(fr[1], ARTIFACTS / "hand-rapport-pdf")
    assert len(pages) >= 3 and all(colour_count(p) > 20 for p in pages)
    sheet = root / "reports" / "2025-03" / "departements" / "direction-de-l-education.pdf"
    assert len(pdf_pages(sheet, ARTIFACTS / "hand-fiche-pdf")) == 1  # one page per department


def test_the_report_can_be_sent_as_one_file(hand, tmp_path):
    """Alone in another folder, the report still shows its charts and styles, and says what its
    links need."""
    _, fr, _ = hand
    alone = tmp_path / "sent" / "rapport.html"
    alone.parent.mkdir()
    shutil.copyfile(fr[0], alone)
    dom = dump_dom(alone)
    sources = attribute_values(dom, "src")
    assert sources and all(src.startswith("data:image/svg+xml;base64,") for src in sources)
    assert re.search(r"<link\b", dom, re.IGNORECASE) is None and "<style>" in dom
    files = visible_text(dom, "files")
    assert "il peut être envoyé seul" in files and "envoyer le dossier entier" in files
    assert "reports/2025-03" in files
    png = screenshot(alone, ARTIFACTS / "hand-rapport-seul.png", height=1200)
    assert colour_count(png) > 50


# --- the demo organisation, through the real pipeline ------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A pipeline run over the demo organisation and its report of October 2026 (French)."""
    from pipelines.cli import copy_demo
    from pipelines.settings import load_home
    from tests.conftest import run_pipeline

    root = tmp_path_factory.mktemp("demo_report") / "home"
    (root / "inbox").mkdir(parents=True)
    copy_demo(root / "inbox")
    run_pipeline(root)
    home = load_home(root)
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        files = write_month_report(con, root, date(2026, 10, 1), home.settings)
    return home, files


def _rows(con, sql, params=()):
    result = con.execute(sql, list(params))
    names = [d[0] for d in result.description]
    return [dict(zip(names, r, strict=True)) for r in result.fetchall()]


def test_demo_report_matches_the_marts(demo):
    home, files = demo
    month = date(2026, 10, 1)
    html = files[0].read_text(encoding="utf-8")
    values = data_values(html)
    labels = Labels("fr")
    with duckdb.connect(str(home.serving), read_only=True) as con:
        programme = _rows(con, "SELECT * FROM marts.programme_month WHERE month = ?", [month])[0]
        departments = _rows(con, "SELECT * FROM marts.department_month WHERE month = ?", [month])
        top_posts = [
            r[0]
            for r in con.execute(
                "SELECT post_key FROM marts.institution_post WHERE created_on >= ? AND created_on < ? "
                "ORDER BY relaying_ambassadors DESC, reshares DESC, impressions DESC, created_on, post_key LIMIT 10",
                [month, date(2026, 11, 1)],
            ).fetchall()
        ]
        run = con.execute(
            "SELECT run_id FROM marts.quality_checks ORDER BY checked_at DESC LIMIT 1"
        ).fetchall()[0][0]
        total, passed = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE success) FROM marts.quality_checks WHERE run_id = ?",
            [run],
        ).fetchall()[0]
    for key in HEADLINE_KEYS:
        assert values[key] != "" and float(values[key]) == pytest.approx(programme[key]), key
    for key in ("enrolled", "active", "posts", "impressions"):
        assert f'<div class="tile-value">{labels.number(programme[key])}</div>' in html, key
    assert f'<div class="tile-value">{labels.percent(programme["participation_rate"])}</div>' in html
    shown = attribute_values(html, "data-department")
    assert sorted(shown) == sorted(d["department"] for d in departments) and len(departments) >= 2
    enrolled = dict(zip(shown, attribute_values(html, "data-enrolled"), strict=True))
    assert all(enrolled[d["department"]] == str(d["enrolled"]) for d in departments)
    assert attribute_values(html, "data-post") == top_posts and top_posts
    assert (values["checks_total"], values["checks_passed"]) == (str(total), str(passed))
    assert int(values["checks_failed"]) == total - passed
    assert len([p for p in files if p.parent.name == "departements" and p.suffix == ".pdf"]) == len(
        departments
    )
    assert "../../quality/data_docs/index.html" in html
    named = re.findall(r"<td>([^<]+)</td>\s*<td><span class=\"badge", html)
    assert named, "consenting demo ambassadors are named in the leaderboard"
    # the refresh wrote the last complete month (the demo's data ends on 31 October), said so first
    assert sorted(p.name for p in home.reports_dir.iterdir() if not p.name.startswith(".")) == ["2026-10"]
    assert "Mois complet : les données couvrent octobre 2026 en entier" in unescape(html)
    assert len(attribute_values(html, "data-rank")) == min(10, programme["active"])


def test_demo_report_renders_in_a_browser_and_as_pdf(demo):
    _, files = demo
    png = screenshot(files[0], ARTIFACTS / "demo-rapport.png")
    assert colour_count(png) > 200
    dom = dump_dom(files[0])
    assert re.search(r"<script\b", dom, re.IGNORECASE) is None and "Chiffres clés" in dom
    pages = pdf_pages(files[1], ARTIFACTS / "demo-rapport-pdf")
    assert len(pages) >= 3 and all(colour_count(p) > 20 for p in pages)
    sheet = next(p for p in files if p.parent.name == "departements" and p.suffix == ".pdf")
    assert len(pdf_pages(sheet, ARTIFACTS / "demo-fiche-pdf")) == 1
    shutil.copyfile(files[0], ARTIFACTS / "demo-rapport.html")


def test_coverage_note_only_when_the_marts_give_it(hand):
    """The hand-made marts predate reshare_attribution_coverage: the institution tile carries no note."""
    _, fr, en = hand
    for files in (fr, en):
        html = files[0].read_text(encoding="utf-8")
        assert 'data-metric="institution_reshares"' in html
        assert '<div class="tile-note"' not in html
        assert "reshare_attribution_coverage" not in data_values(html)
