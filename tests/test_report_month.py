"""The report tells the truth about its month: complete or partial, and a partial month is never compared.

The pure pieces (``months.Coverage``, the sentences of ``view``) are tested directly; the report of
April 2025 from the hand-made marts (three days of data) shows how a partial month reads.
"""

import csv
import io
import re
from datetime import date
from html import unescape

import duckdb
import pytest

from relais.reports import write_month_report
from relais.reports.charts import month_label
from relais.reports.figures import TrendPoint
from relais.reports.labels import Labels
from relais.reports.months import Coverage, last_complete_month
from relais.reports.view import comparison_sentence, coverage_sentences, is_comparable, partial_notes
from relais.settings import Settings
from tests.report_checks import APRIL, MARCH, attribute_values, build_marts, data_values, visible_text

FR, EN = Labels("fr"), Labels("en")
SEPTEMBER, OCTOBER, NOVEMBER = date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)
# the demo's shape: data up to 31 October, November holds a share but no covered day
DEMO = {
    SEPTEMBER: Coverage(SEPTEMBER, True, date(2026, 9, 30)),
    OCTOBER: Coverage(OCTOBER, True, date(2026, 10, 31)),
    NOVEMBER: Coverage(NOVEMBER, False, date(2026, 10, 31)),
}


def test_coverage_counts_the_days_the_data_covers():
    assert Coverage(NOVEMBER, False, date(2026, 11, 3)).days_covered == 3
    assert Coverage(NOVEMBER, False, date(2026, 10, 31)).days_covered == 0
    assert Coverage(NOVEMBER, False, None).days_covered is None
    assert Coverage(date(2024, 2, 1), True, None).days_covered == 29
    assert Coverage(NOVEMBER, True, date(2026, 11, 30)).days_in_month == 30


def test_month_names_in_sentences():
    assert (FR.of_month(OCTOBER), FR.of_month(APRIL), FR.of_month(MARCH)) == (
        "d'octobre 2026",
        "d'avril 2025",
        "de mars 2025",
    )
    assert EN.of_month(OCTOBER) == "for October 2026"
    assert (FR.long_day(NOVEMBER), FR.long_day(date(2026, 10, 31))) == (
        "1er novembre 2026",
        "31 octobre 2026",
    )
    assert EN.long_day(NOVEMBER) == "1 November 2026"


def test_the_last_complete_month_is_chosen():
    assert last_complete_month(DEMO) == OCTOBER
    assert last_complete_month({NOVEMBER: DEMO[NOVEMBER]}) == NOVEMBER  # none complete: the newest
    assert last_complete_month({}) is None


def test_first_screen_of_a_complete_month_names_the_partial_one_after():
    assert coverage_sentences(OCTOBER, DEMO, FR) == [
        "Mois complet : les données couvrent octobre 2026 en entier, jusqu'au 31 octobre 2026.",
        "Novembre 2026 n'est pas encore couvert par les données ; il sera présenté une fois complet.",
    ]
    three_days = {**DEMO, NOVEMBER: Coverage(NOVEMBER, False, date(2026, 11, 3))}
    assert coverage_sentences(OCTOBER, three_days, EN)[1] == (
        "November 2026, still partial (data up to 3 November 2026), will be shown once complete."
    )
    assert coverage_sentences(SEPTEMBER, DEMO, FR) == [
        "Mois complet : les données couvrent septembre 2026 en entier, jusqu'au 30 septembre 2026."
    ]


def test_first_screen_of_a_partial_month_says_so_and_why_there_is_no_comparison():
    assert coverage_sentences(NOVEMBER, {NOVEMBER: Coverage(NOVEMBER, False, date(2026, 11, 1))}, FR) == [
        "Mois incomplet : données jusqu'au 1er novembre 2026 (jours couverts : 1 sur 30). Ces chiffres sont "
        "provisoires et ne sont pas comparés au mois précédent.",
        "Aucun mois n'est encore couvert en entier par les données : ce rapport montre le dernier mois "
        "disponible.",
    ]
    assert coverage_sentences(NOVEMBER, DEMO, FR) == [
        "Mois incomplet : les données s'arrêtent au 31 octobre 2026, avant le début de ce mois. Ces "
        "chiffres sont provisoires et ne sont pas comparés au mois précédent."
    ]
    assert comparison_sentence(OCTOBER, DEMO, FR) == (
        "Chiffres d'octobre 2026, comparés à septembre 2026 : ▲ hausse, ▼ baisse."
    )
    assert comparison_sentence(NOVEMBER, DEMO, FR) == (
        "Chiffres de novembre 2026, non comparés à octobre 2026 car novembre 2026 est incomplet."
    )
    assert "no figures" in comparison_sentence(SEPTEMBER, DEMO, EN)
    assert is_comparable(OCTOBER, DEMO) and not is_comparable(NOVEMBER, DEMO)
    assert not is_comparable(SEPTEMBER, DEMO)  # August has no figures


def test_a_partial_month_is_starred_on_charts_and_explained():
    points = [
        TrendPoint(OCTOBER, 57, 32, 0.56, 17120, 400),
        TrendPoint(NOVEMBER, 57, 1, 0.02, 0, 0, is_complete=False),
    ]
    assert [month_label(p, FR) for p in points] == ["oct. 26", "nov. 26 *"]
    assert partial_notes(points, DEMO, FR) == [
        "* novembre 2026 : mois incomplet, données jusqu'au 31 octobre 2026."
    ]
    assert partial_notes(points[:1], DEMO, FR) == []


@pytest.fixture(scope="module")
def april(tmp_path_factory):
    """The report of April 2025 (three days of data) from the hand-made marts."""
    root = tmp_path_factory.mktemp("april")
    with duckdb.connect(str(build_marts(root / "warehouse.duckdb")), read_only=True) as con:
        files = write_month_report(con, root, APRIL, Settings(organisation="Mairie"))
    return files


def test_a_partial_month_report_is_marked_and_never_compared(april):
    html = april[0].read_text(encoding="utf-8")
    assert "Rapport mensuel du programme ambassadeurs — avril 2025 (incomplet)" in unescape(html)
    banner = re.search(r'<p class="coverage partial"[^>]*>(.*?)</p>', html, re.DOTALL)
    assert banner and unescape(banner.group(1)).startswith(
        "Mois incomplet : données jusqu'au 3 avril 2025 (jours couverts : 3 sur 30)."
    )
    headlines = visible_text(html, "headlines")
    assert "▲" not in headlines and "▼" not in headlines and "pts" not in headlines
    assert headlines.count("non comparé : mois incomplet") == 13  # every tile, none compared
    assert set(attribute_values(html, "data-previous")) == {""}
    assert data_values(html)["active"] == "2"
    trends = visible_text(html, "trends")
    assert "* avril 2025 : mois incomplet, données jusqu'au 3 avril 2025." in trends
    assert "Aucun ambassadeur actif ce mois-ci." in visible_text(html, "leaderboard")
    assert "Chiffres d'avril 2025, non comparés à mars 2025 car avril 2025 est incomplet." in unescape(html)


def test_a_complete_month_report_does_not_star_its_charts(tmp_path):
    with duckdb.connect(str(build_marts(tmp_path / "warehouse.duckdb")), read_only=True) as con:
        files = write_month_report(con, tmp_path, MARCH, Settings(organisation="Mairie"))
    html = files[0].read_text(encoding="utf-8")
    assert "mois incomplet" not in visible_text(html, "trends")
    assert "(incomplet)" not in visible_text(html, "headlines")


def test_the_csv_of_a_partial_month_says_how_far_its_data_goes(tmp_path):
    database = build_marts(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(database)) as con:
        con.execute(
            "INSERT INTO marts.department_month (department, month, is_other_departments, departments_merged, "
            "headcount, enrolled, active, participation_rate, adoption_rate, posts, reshares, impressions, "
            "engagements_received, engagement_rate, median_score, is_complete) "
            "VALUES ('Culture', ?, false, 0, 40, 8, 2, 0.25, 0.2, 1, 1, 0, 0, NULL, 12.345, false)",
            [APRIL],
        )
        files = write_month_report(con, tmp_path, APRIL, Settings(organisation="Mairie"))
    text = next(p for p in files if p.name == "directions.csv").read_text(encoding="utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text), delimiter=";"))
    line = dict(zip(header, row, strict=True))
    assert (line["Mois complet"], line["Données jusqu'au"]) == ("non", "2025-04-03")
    assert line["Taux de participation (%, vide si aucun inscrit)"] == "25,0"
    assert line["Taux d'engagement (%, vide si aucune impression)"] == ""  # explained by its header
    assert line["Score médian (0 à 100, vide si aucun score)"] == "12,3"
