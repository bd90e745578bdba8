"""The report's skill families beside similar organisations: the table's order, cut, numbers and looks.

The network is the one of tests/test_network.py (``write_deployment``: six organisations of 250 to
999 staff, two under 250); its reports are rendered with that module's ``_report``. The numbers the
table prints are checked against what ``skill_family_peers`` reads, itself checked against
statistics computed again from the snapshots in tests/test_network.py.
"""

from __future__ import annotations

import base64
import re
import subprocess
from html import unescape

import duckdb

from relais.network import build_network, organisation_peers
from relais.network.peers import BandStatistics, PeerSkillFamily, skill_family_peers
from relais.reports.labels import Labels
from relais.reports.peers import FAMILY_ROWS, SVG_PREFIX, NetworkSource, band_svg, family_table, peer_section
from tests import test_network
from tests.report_checks import (
    ARTIFACTS,
    MARCH,
    colour_count,
    pdf_pages,
    require_tool,
    screenshot,
    visible_text,
)
from tests.test_network import _report, write_deployment

FR, EN = Labels("fr"), Labels("en")


def family(name: str, own: float, median: float = 0.5) -> PeerSkillFamily:
    """A comparable skill family with a band of five around ``median``."""
    return PeerSkillFamily(name, own, 0.1, BandStatistics(5, median, median / 2, median * 2))


def table_rows(html: str) -> list[dict[str, str]]:
    """Each row of the report's skill-family table as its ``data-*`` attributes, in order."""
    rows = re.findall(r"<tr data-family=(.*?)>", html, re.DOTALL)
    return [{k: unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', "family=" + row)} for row in rows]


def test_the_table_puts_the_largest_own_values_first_and_says_how_many_are_cut():
    families = tuple(family(f"Famille {index:02d}", own) for index, own in enumerate([0.2, 1.5, 0, 0.7] * 3))
    table = family_table(families, FR)
    assert table is not None and len(table["rows"]) == FAMILY_ROWS == 8
    owns = [row["own"] for row in table["rows"]]
    assert owns == sorted(owns, reverse=True) and owns[:3] == [1.5, 1.5, 1.5]
    assert [row["family"] for row in table["rows"][:3]] == [
        "Famille 01",
        "Famille 05",
        "Famille 09",
    ]  # ties by name
    assert table["more"].startswith("Les 8 familles") and "4 autre(s) famille(s)" in table["more"]
    short = family_table(families[:3], EN)
    assert short is not None and len(short["rows"]) == 3 and short["more"] == ""
    assert family_table((), FR) is None


def test_a_family_row_writes_its_values_the_local_way():
    row = family_table((PeerSkillFamily("Numérique", 1.25, 0.3751, BandStatistics(6, 0.8, 0.45, 1.1)),), FR)[
        "rows"
    ][0]
    assert (row["own_text"], row["share_text"], row["median_text"], row["range_text"]) == (
        "1,25",
        "37,5\u00a0%",
        "0,80",
        "0,45 et 1,10",
    )
    assert row["position"] == "above" and row["position_text"] == "au-dessus"
    assert row["chart"].startswith("data:image/svg+xml;base64,")
    english = family_table((PeerSkillFamily("Digital", 0.0, None, BandStatistics(6, 0.8, 0.45, 1.1)),), EN)
    assert english["rows"][0]["share_text"] == "—" and english["rows"][0]["position_text"] == "below"


def dot_x(chart: str) -> float:
    """Where a bar's dot (the organisation) stands, from the data URL of its SVG."""
    svg = base64.b64decode(chart.removeprefix(SVG_PREFIX)).decode("utf-8")
    return float(re.search(r'<circle cx="([\d.]+)"', svg).group(1))


def test_the_families_bars_share_one_scale():
    """Two families of the same shape ten times apart: alone each bar looks the same, in one table not."""
    large, small = family("Grande", 1.0, median=0.5), family("Petite", 0.1, median=0.05)
    alone = [band_svg(f.own, f.band.q1, f.band.median, f.band.q3) for f in (large, small)]
    assert alone[0] == alone[1]
    rows = family_table((small, large), FR)["rows"]
    assert [row["family"] for row in rows] == ["Grande", "Petite"]
    assert dot_x(rows[1]["chart"]) < dot_x(rows[0]["chart"]) / 5


def test_the_report_prints_each_comparable_family_with_its_band(tmp_path):
    build = build_network(write_deployment(tmp_path), tmp_path)
    families = skill_family_peers(build.database, "ville-a", MARCH)
    assert len(families) >= 2  # the checks below can fail
    html = _report(tmp_path, NetworkSource(build.database, "ville-a"))
    section = visible_text(html, "peers")
    assert "Compétences mises en avant, par famille" in section
    ordered = sorted(families, key=lambda f: (-f.own, f.family))
    assert [row["family"] for row in table_rows(html)] == [f.family for f in ordered]
    for row, item in zip(table_rows(html), ordered, strict=True):
        assert float(row["data-own"]) == item.own and float(row["data-median"]) == item.band.median
        assert (float(row["data-q1"]), float(row["data-q3"])) == (item.band.q1, item.band.q3)
        assert int(row["data-organisations"]) == item.band.organisations >= 5
        printed = (
            f"{item.family} {FR.number(item.own, 2)} {FR.percent(item.mention_share)} "
            f"{FR.number(item.band.median, 2)} {FR.number(item.band.q1, 2)} et {FR.number(item.band.q3, 2)} "
            f"{FR(f'peers_family_{item.position}')}"
        )
        assert re.sub(r"\s+", " ", printed) in section
    english = peer_section(NetworkSource(build.database, "ville-a"), MARCH, EN)
    assert english and [row["family"] for row in english["families"]["rows"]] == [f.family for f in ordered]
    assert 'class="peer-families' not in _report(tmp_path, NetworkSource(build.database, "commune-g"))


def test_no_table_when_no_family_is_comparable(tmp_path):
    build = build_network(write_deployment(tmp_path), tmp_path)
    with duckdb.connect(str(build.database)) as con:
        con.execute("UPDATE network.band_skill_family_month SET organisations = 4")
    peers = organisation_peers(build.database, "ville-a", MARCH)
    assert peers is not None and peers.figures and peers.families == ()
    html = _report(tmp_path, NetworkSource(build.database, "ville-a"))
    assert 'data-figure="' in html and 'class="peer-families' not in html
    assert "Compétences mises en avant" not in visible_text(html, "peers")


def test_many_families_are_cut_to_eight_and_a_hostile_name_is_printed_as_text(tmp_path, monkeypatch):
    names = [f"Famille {letter}" for letter in "ABCDEFGHIJ"] + ["<script>alert('f')</script>"]
    monkeypatch.setattr(test_network, "FAMILIES", {name: [f"skill-{i}"] for i, name in enumerate(names)})
    build = build_network(write_deployment(tmp_path), tmp_path)
    comparable = skill_family_peers(build.database, "ville-a", MARCH)
    assert len(comparable) > FAMILY_ROWS
    html = _report(tmp_path, NetworkSource(build.database, "ville-a"))
    assert len(table_rows(html)) == FAMILY_ROWS
    hidden = len(comparable) - FAMILY_ROWS
    assert f"{hidden} autre(s) famille(s) comparable(s)" in visible_text(html, "peers")
    assert "<script>alert(" not in html


def test_the_family_table_reads_well_on_screen_and_on_paper(tmp_path):
    """A screenshot of the section and the PDF page holding it: the table's numbers are all there as text."""
    build = build_network(write_deployment(tmp_path), tmp_path)
    html_text = _report(tmp_path, NetworkSource(build.database, "ville-a"))
    folder = next(tmp_path.glob("report-*/reports/2025-03"))
    page = next(folder.glob("*.html"))
    assert page.read_text(encoding="utf-8") == html_text
    png = screenshot(page, ARTIFACTS / "peers-rapport.png", height=3000)
    assert colour_count(png) > 50
    pdf = next(folder.glob("*.pdf"))
    assert pdf_pages(pdf, ARTIFACTS / "peers-rapport-pdf")
    text = subprocess.run(
        [require_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Compétences mises en avant, par famille" in text
    for item in skill_family_peers(build.database, "ville-a", MARCH):
        line = next((line for line in text.splitlines() if line.strip().startswith(item.family)), None)
        assert line is not None, f"{item.family} is not on the PDF page"
        numbers = (FR.number(item.own, 2), FR.number(item.band.median, 2), FR.number(item.band.q3, 2))
        assert all(number in line for number in numbers), line
