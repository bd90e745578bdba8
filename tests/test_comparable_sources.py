"""A figure is compared with the month before only when both months have the sources it rests on.

Earned media value counts clicks, which only an advocacy export gives: in the demo it covers
October 2026 alone, so October's 826 € against September's 301 € would read "+174 %" while
impressions fell by 32 %. Worked by hand: the same rows with clicks measured in both months compare.
"""

from relais.dashboard.data import figure_cell
from relais.reports.figures import PROGRAMME_HEADLINES, ReportSettings, _headlines, basis_differs
from relais.reports.labels import Labels
from relais.reports.view import tiles

SEPTEMBER = {"emv": 301.21, "impressions": 25102, "clicks_measured": False}
OCTOBER = {"emv": 826.43, "impressions": 17120, "clicks_measured": True}
SETTINGS = ReportSettings(currency="EUR", anonymity_threshold=5, lapsed_after_months=3)


def test_emv_is_not_compared_when_clicks_are_measured_in_one_month_only():
    assert basis_differs("emv", OCTOBER, SEPTEMBER)
    assert not basis_differs("impressions", OCTOBER, SEPTEMBER)
    assert not basis_differs("emv", OCTOBER, {**SEPTEMBER, "clicks_measured": True})
    assert not basis_differs("emv", {"emv": 1.0}, {"emv": 2.0}), "marts without the column compare as before"


def test_report_tiles_say_why_emv_has_no_arrow_and_keep_the_others():
    labels = Labels("fr")
    spec = tuple(s for s in PROGRAMME_HEADLINES if s[0] in ("emv", "impressions"))
    by_key = {t.key: t for t in tiles(_headlines(OCTOBER, SEPTEMBER, spec), labels, SETTINGS)}
    assert by_key["emv"].change == "non comparé : les clics ne sont connus que pour l'un des deux mois"
    assert by_key["emv"].tone == "none" and by_key["emv"].raw_previous == ""
    assert by_key["impressions"].change.startswith("▼") and by_key["impressions"].tone == "bad"
    both = {
        t.key: t
        for t in tiles(_headlines(OCTOBER, {**SEPTEMBER, "clicks_measured": True}, spec), labels, SETTINGS)
    }
    assert both["emv"].change.startswith("▲") and both["emv"].tone == "good"


def test_dashboard_cells_follow_the_same_rule():
    labels = Labels("en")
    cell = figure_cell("emv", OCTOBER, SEPTEMBER, labels, "EUR")
    assert (
        cell["c"] == "not compared: clicks are known for only one of the two months"
        and cell["tone"] == "none"
    )
    assert figure_cell("impressions", OCTOBER, SEPTEMBER, labels, "EUR")["tone"] == "bad"
