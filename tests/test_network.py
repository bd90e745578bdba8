"""The network of peers: figures equal to the snapshots', bands shown from five organisations, no trace left.

Organisations are small synthetic homes: a ``relais.toml`` and a published snapshot holding only the
marts the network reads (``programme_month``, ``skill_month``, ``meta``, ``metric_settings``), with
figures drawn at random for varied sizes. Expected figures are computed here again, in Python with
numpy's percentiles, straight from the snapshots.
"""

from __future__ import annotations

import random
import re
import shutil
import statistics
from datetime import date
from html import unescape
from pathlib import Path

import duckdb
import numpy as np
import pytest

from relais.network import (
    MIN_BAND_ORGANISATIONS,
    build_network,
    network_database,
    organisation_peers,
    size_band,
)
from relais.network.build import TABLES
from relais.network.contribution import SNAPSHOT
from relais.network.docs import network_docs
from relais.network.figures import FIGURES, SKILL_FIGURE
from relais.network.peers import BandStatistics, position, skill_family_peers
from relais.reports import write_month_report
from relais.reports.labels import Labels
from relais.reports.peers import NetworkSource, band_svg, peer_section
from relais.settings import Settings
from tests.report_checks import MARCH, build_marts, visible_text

MONTHS = [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)]  # April incomplete
FAMILIES = {
    "Communication": ["redaction", "reseaux_sociaux", "relations_presse"],
    "Numérique": ["donnees", "cybersecurite"],
    "Achat": ["marches_publics"],
}
# slug: headcount. Six organisations of 250 to 999 staff (a band shown), two under 250 (hidden).
ORGANISATIONS = {
    "ville-a": 300,
    "ville-b": 420,
    "ville-c": 610,
    "agglo-d": 750,
    "hopital-e": 880,
    "ccas-f": 999,
    "commune-g": 120,
    "commune-h": 60,
}
MEDIUM = [slug for slug, headcount in ORGANISATIONS.items() if 250 <= headcount <= 999]


def write_snapshot(home: Path, slug: str, headcount: int, seed: int, opt_in: bool = True) -> Path:
    """A home with ``relais.toml`` and a published snapshot of random organisation-wide figures."""
    rng = random.Random(seed)
    home.mkdir(parents=True, exist_ok=True)
    (home / "relais.toml").write_text(
        f'organisation = "Organisation {slug}"\nnetwork_opt_in = {"true" if opt_in else "false"}\n',
        encoding="utf-8",
    )
    path = home / SNAPSHOT
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            "CREATE TABLE marts.programme_month (month DATE, headcount BIGINT, enrolled BIGINT, active BIGINT, "
            "posts BIGINT, reshares BIGINT, institution_reshares BIGINT, impressions BIGINT, "
            "reshare_attribution_coverage DOUBLE, is_complete BOOLEAN)"
        )
        con.execute(
            "CREATE TABLE marts.skill_month (skill_id VARCHAR, family VARCHAR, month DATE, "
            "ambassadors_showcasing BIGINT, showcased_posts BIGINT)"
        )
        for index, month in enumerate(MONTHS):
            enrolled = max(3, headcount // 12 + rng.randint(-2, 6)) if index else 3  # January: too few
            active = rng.randint(0, enrolled)
            posts, reshares = rng.randint(0, 3 * enrolled), rng.randint(0, 2 * enrolled)
            institution = rng.randint(0, reshares)
            impressions = 0 if rng.random() < 0.15 else rng.randint(50, 900) * enrolled
            coverage = round(rng.random(), 4) if posts + reshares else None
            con.execute(
                "INSERT INTO marts.programme_month VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    month,
                    headcount,
                    enrolled,
                    active,
                    posts,
                    reshares,
                    institution,
                    impressions,
                    coverage,
                    month != MONTHS[-1],
                ],
            )
            for family, skills in FAMILIES.items():
                for skill in skills:
                    if rng.random() < 0.6:
                        con.execute(
                            "INSERT INTO marts.skill_month VALUES (?, ?, ?, ?, ?)",
                            [skill, family, month, rng.randint(1, 4), rng.randint(1, 9)],
                        )
        con.execute("CREATE TABLE marts.meta AS SELECT ? AS organisation", [f"Organisation {slug}"])
        con.execute("CREATE TABLE marts.metric_settings (setting VARCHAR, value DOUBLE, unit VARCHAR)")
        con.execute(
            "INSERT INTO marts.metric_settings VALUES ('anonymity_threshold', 5, 'enrolled ambassadors')"
        )
    return home


def write_deployment(folder: Path) -> list[tuple[str, Path]]:
    """Eight opted-in organisations of varied sizes and one that did not opt in, under ``folder``."""
    listed = [
        (slug, write_snapshot(folder / "organisations" / slug, slug, headcount, seed))
        for seed, (slug, headcount) in enumerate(ORGANISATIONS.items())
    ]
    listed.append(
        (
            "discrete-z",
            write_snapshot(folder / "organisations" / "discrete-z", "discrete-z", 500, 99, opt_in=False),
        )
    )
    return listed


@pytest.fixture
def deployment(tmp_path: Path) -> list[tuple[str, Path]]:
    """The organisations of ``write_deployment`` in the test's folder."""
    return write_deployment(tmp_path)


def table(database: Path, name: str) -> list[dict]:
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(f"SELECT * FROM network.{name}")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def expected_months(home: Path) -> dict[date, dict[str, float | None]]:
    """Each contributed month's figures computed in Python straight from the snapshot (unrounded)."""
    with duckdb.connect(str(home / SNAPSHOT), read_only=True) as con:
        rows = con.execute(
            "SELECT month, enrolled, active, posts, reshares, institution_reshares, impressions, "
            "reshare_attribution_coverage FROM marts.programme_month WHERE is_complete AND enrolled >= 5"
        ).fetchall()
    result = {}
    for month, enrolled, active, posts, reshares, institution, impressions, coverage in rows:
        published = posts + reshares
        result[month] = {
            "participation_rate": active / enrolled,
            "activity_per_ambassador": published / enrolled,
            "reach_per_ambassador": impressions / enrolled if impressions else None,
            "institution_share": institution / published if published else None,
            "institution_reshares_per_ambassador": institution / enrolled,
            "reshare_attribution_coverage": coverage,
            "enrolled": enrolled,
        }
    return result


def expected_families(home: Path, month: date, enrolled: int) -> dict[str, float]:
    """Skill mentions per ambassador of each family in ``month``, straight from the snapshot."""
    with duckdb.connect(str(home / SNAPSHOT), read_only=True) as con:
        rows = con.execute(
            "SELECT family, showcased_posts FROM marts.skill_month WHERE month = ?", [month]
        ).fetchall()
    mentions = dict.fromkeys(FAMILIES, 0)
    for family, posts in rows:
        mentions[family] += posts
    return {family: count / enrolled for family, count in mentions.items()}


def test_size_bands_hold_every_headcount_once():
    assert [size_band(n).key for n in (1, 249, 250, 999, 1000, 4999, 5000, 250_000)] == [
        "under_250",
        "under_250",
        "250_999",
        "250_999",
        "1000_4999",
        "1000_4999",
        "5000_plus",
        "5000_plus",
    ]
    assert size_band(0) is None and size_band(None) is None


def test_network_figures_equal_those_computed_from_the_snapshots(deployment, tmp_path):
    build = build_network(deployment, tmp_path)
    assert build.database == network_database(tmp_path) and build.database.is_file()
    assert set(build.contributed) == set(ORGANISATIONS) and build.not_opted_in == ("discrete-z",)
    assert not build.failed
    homes = dict(deployment)
    expected = {slug: expected_months(homes[slug]) for slug in ORGANISATIONS}

    rows = table(build.database, "organisation_month")
    assert {(r["slug"], r["month"]) for r in rows} == {(s, m) for s in expected for m in expected[s]}
    assert all(r["month"] not in (MONTHS[0], MONTHS[-1]) for r in rows)  # too few ambassadors; incomplete
    for row in rows:
        mine = expected[row["slug"]][row["month"]]
        assert row["size_band"] == size_band(ORGANISATIONS[row["slug"]]).key
        for figure in FIGURES:
            want = mine[figure.key]
            assert row[figure.key] == (
                None if want is None else pytest.approx(want, abs=10**-figure.digits / 2 + 1e-9)
            )

    bands = table(build.database, "band_month")
    assert bands and {r["size_band"] for r in bands} == {"250_999"}  # two organisations under 250: hidden
    shown = {(r["month"], r["figure"]): r for r in bands}
    for month in MONTHS[1:-1]:
        for figure in FIGURES:
            values = [
                expected[slug][month][figure.key]
                for slug in MEDIUM
                if month in expected[slug] and expected[slug][month][figure.key] is not None
            ]
            if len(values) < MIN_BAND_ORGANISATIONS:
                assert (month, figure.key) not in shown
                continue
            row = shown[(month, figure.key)]
            q1, median, q3 = np.percentile(values, [25, 50, 75])
            tolerance = 10**-figure.digits / 2 + 1e-9
            assert row["organisations"] == len(values)
            assert (row["q1"], row["median"], row["q3"]) == (
                pytest.approx(q1, abs=tolerance),
                pytest.approx(median, abs=tolerance),
                pytest.approx(q3, abs=tolerance),
            )
    assert all(r["organisations"] >= MIN_BAND_ORGANISATIONS for r in bands)

    families = {(r["month"], r["family"]): r for r in table(build.database, "band_skill_family_month")}
    assert families and {r["size_band"] for r in table(build.database, "band_skill_family_month")} == {
        "250_999"
    }
    for month in MONTHS[1:-1]:
        members = [slug for slug in MEDIUM if month in expected[slug]]
        for family in FAMILIES:
            values = [
                expected_families(homes[slug], month, expected[slug][month]["enrolled"])[family]
                for slug in members
            ]
            if len(values) < MIN_BAND_ORGANISATIONS:
                assert (month, family) not in families
                continue
            row = families[(month, family)]
            assert row["organisations"] == len(values)
            q1, median, q3 = np.percentile(values, [25, 50, 75])
            assert (row["q1"], row["median"], row["q3"]) == (
                pytest.approx(q1, abs=0.005 + 1e-9),
                pytest.approx(median, abs=0.005 + 1e-9),
                pytest.approx(q3, abs=0.005 + 1e-9),
            )


def test_parquet_copies_hold_the_same_rows(deployment, tmp_path):
    build = build_network(deployment, tmp_path)
    assert sorted(p.stem for p in build.parquet_dir.glob("*.parquet")) == sorted(TABLES)
    with duckdb.connect(str(build.database), read_only=True) as con:
        for name in TABLES:
            parquet = str(build.parquet_dir / f"{name}.parquet")
            assert (
                con.execute(
                    f"SELECT count(*) FROM (SELECT * FROM network.{name} EXCEPT ALL SELECT * FROM read_parquet(?))",
                    [parquet],
                ).fetchall()[0][0]
                == 0
            )
            assert con.execute("SELECT count(*) FROM read_parquet(?)", [parquet]).fetchall()[0][0] == len(
                table(build.database, name)
            )


def _traces(folder: Path, needle: bytes) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_an_organisation_that_opts_out_or_leaves_leaves_no_trace(deployment, tmp_path):
    first = build_network(deployment, tmp_path)
    network = first.database.parent
    assert _traces(network, b"ville-b") and _traces(network, b"Organisation agglo-d")  # the probes can fail
    homes = dict(deployment)
    write_snapshot(homes["ville-b"], "ville-b", ORGANISATIONS["ville-b"], 1, opt_in=False)  # opts out
    remaining = [(slug, home) for slug, home in deployment if slug != "agglo-d"]  # leaves the deployment

    second = build_network(remaining, tmp_path)
    assert "ville-b" in second.not_opted_in and "agglo-d" not in second.contributed
    for gone in (b"ville-b", b"Organisation ville-b", b"agglo-d", b"Organisation agglo-d"):
        assert _traces(network, gone) == [], gone
    assert sorted(p.name for p in network.iterdir()) == ["parquet", "relais-network.duckdb"]  # no leftovers
    # four organisations of 250-999 staff remain: the band is no longer shown anywhere
    assert (
        table(second.database, "band_month") == [] and table(second.database, "band_skill_family_month") == []
    )
    assert {r["slug"] for r in table(second.database, "organisation_month")} == set(ORGANISATIONS) - {
        "ville-b",
        "agglo-d",
    }


def test_a_broken_organisation_fails_alone(deployment, tmp_path):
    homes = dict(deployment)
    (homes["ville-c"] / SNAPSHOT).write_bytes(b"not a database")
    (homes["commune-h"] / "relais.toml").write_text("network_opt_in = 1\n", encoding="utf-8")
    missing = tmp_path / "organisations" / "nouvelle-i"
    missing.mkdir()
    (missing / "relais.toml").write_text("network_opt_in = true\n", encoding="utf-8")

    build = build_network([*deployment, ("nouvelle-i", missing)], tmp_path)
    assert set(build.failed) == {"ville-c", "commune-h", "nouvelle-i"}
    assert "cannot be read" in build.failed["ville-c"]
    assert "network_opt_in = 1 is not true or false" in build.failed["commune-h"]
    assert "no published snapshot" in build.failed["nouvelle-i"]
    assert set(build.contributed) == set(ORGANISATIONS) - {"ville-c", "commune-h"}


def test_a_failed_build_keeps_the_previous_network(deployment, tmp_path, monkeypatch):
    first = build_network(deployment, tmp_path)
    before = first.database.read_bytes()

    def fail(con):
        raise RuntimeError("disk full")

    monkeypatch.setattr("relais.network.build._derive", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        build_network(deployment[:2], tmp_path)
    assert first.database.read_bytes() == before
    assert sorted(p.name for p in first.database.parent.iterdir()) == ["parquet", "relais-network.duckdb"]
    with pytest.raises(ValueError, match="listed twice"):
        build_network([*deployment, deployment[0]], tmp_path)


def test_every_network_column_is_documented_and_commented(deployment, tmp_path):
    build = build_network(deployment, tmp_path)
    docs = network_docs()
    with duckdb.connect(str(build.database), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() WHERE schema_name = 'network'"
        ).fetchall()
    published: dict[str, list[str]] = {}
    for name, column, comment in columns:
        published.setdefault(f"network.{name}", []).append(column)
        assert comment, f"network.{name}.{column} has no comment"
    assert {name: list(doc.columns) for name, doc in docs.items()} == published
    assert {f.key for f in (*FIGURES, SKILL_FIGURE)} <= set(published["network.organisation_month"]) | set(
        published["network.organisation_skill_family_month"]
    )


def test_an_organisation_sees_its_own_figures_and_its_band_only(deployment, tmp_path):
    build = build_network(deployment, tmp_path)
    month = MONTHS[2]
    peers = organisation_peers(build.database, "ville-a", month)
    own = next(
        r
        for r in table(build.database, "organisation_month")
        if r["slug"] == "ville-a" and r["month"] == month
    )
    band = {r["figure"]: r for r in table(build.database, "band_month") if r["month"] == month}
    assert peers is not None and peers.band.key == "250_999"
    assert [f.figure.key for f in peers.figures] == [
        f.key for f in FIGURES if f.key in band and own[f.key] is not None
    ]
    for item in peers.figures:
        assert item.own == own[item.figure.key]
        assert (item.band.median, item.band.q1, item.band.q3) == tuple(
            band[item.figure.key][k] for k in ("median", "q1", "q3")
        )
    assert organisation_peers(build.database, "commune-g", month) is None  # band of two
    assert organisation_peers(build.database, "discrete-z", month) is None  # not opted in
    assert organisation_peers(build.database, "ville-a", MONTHS[-1]) is None  # incomplete month
    assert organisation_peers(tmp_path / "nowhere.duckdb", "ville-a", month) is None


def test_an_organisation_sees_its_skill_families_beside_statistics_computed_again(deployment, tmp_path):
    build = build_network(deployment, tmp_path)
    homes = dict(deployment)
    contributed = {slug: expected_months(homes[slug]) for slug in ORGANISATIONS}
    for month in MONTHS[1:-1]:
        mentions = {
            slug: expected_families(homes[slug], month, months[month]["enrolled"])
            for slug, months in contributed.items()
            if month in months
        }
        named = {family for values in mentions.values() for family, value in values.items() if value > 0}
        members = [slug for slug in MEDIUM if slug in mentions]
        assert len(members) >= MIN_BAND_ORGANISATIONS  # the band is shown: the checks below can fail
        for slug in members:
            families = skill_family_peers(build.database, slug, month)
            assert [f.family for f in families] == sorted(named)
            for item in families:
                band = [mentions[member][item.family] for member in members]
                q1, _, q3 = statistics.quantiles(band, n=4, method="inclusive")
                assert item.band.organisations == len(band)
                assert (item.band.q1, item.band.median, item.band.q3) == (
                    pytest.approx(q1, abs=0.005 + 1e-9),
                    pytest.approx(statistics.median(band), abs=0.005 + 1e-9),
                    pytest.approx(q3, abs=0.005 + 1e-9),
                )
                own = mentions[slug]
                assert item.own == pytest.approx(own[item.family], abs=0.005 + 1e-9)
                assert item.mention_share == pytest.approx(
                    own[item.family] / sum(own.values()), abs=5e-5 + 1e-9
                )


def test_skill_families_read_no_other_organisation_row(deployment, tmp_path):
    build = build_network(deployment, tmp_path)
    before = organisation_peers(build.database, "ville-a", MARCH)
    alone = tmp_path / "alone.duckdb"
    shutil.copyfile(build.database, alone)
    with duckdb.connect(str(alone)) as con:
        for name in ("organisation_month", "organisation_skill_family_month"):
            con.execute(f"DELETE FROM network.{name} WHERE slug <> 'ville-a'")
    assert before is not None and before.families
    assert organisation_peers(alone, "ville-a", MARCH) == before


def test_a_skill_family_of_fewer_than_five_organisations_is_absent(deployment, tmp_path):
    build = build_network(deployment, tmp_path)
    assert skill_family_peers(build.database, "commune-g", MARCH) == ()  # a band of two organisations
    assert "Achat" in {f.family for f in skill_family_peers(build.database, "ville-a", MARCH)}
    # the reader keeps the rule itself: a row counting four organisations (an older build) is left out
    with duckdb.connect(str(build.database)) as con:
        con.execute(
            "UPDATE network.band_skill_family_month SET organisations = ? WHERE family = 'Achat'",
            [MIN_BAND_ORGANISATIONS - 1],
        )
    families = skill_family_peers(build.database, "ville-a", MARCH)
    assert families and "Achat" not in {f.family for f in families}
    assert skill_family_peers(tmp_path / "nowhere.duckdb", "ville-a", MARCH) == ()


def test_the_position_is_inside_the_quartiles_inclusive():
    band = BandStatistics(organisations=5, median=0.4, q1=0.2, q3=0.6)
    assert [position(value, band) for value in (0.19, 0.2, 0.4, 0.6, 0.61)] == [
        "below",
        "within",
        "within",
        "within",
        "above",
    ]


def test_the_band_bar_places_the_quartiles_the_median_and_the_organisation():
    svg = band_svg(own=0.8, q1=0.2, median=0.4, q3=0.6)
    x = {name: float(value) for name, value in re.findall(r'<(rect|circle) (?:x|cx)="([\d.]+)"', svg)}
    median = float(re.search(r'<line x1="([\d.]+)" y1="5', svg).group(1))
    assert x["rect"] < median < x["circle"]  # the organisation above the upper quartile, to the right
    assert "<script" not in svg and svg.startswith("<svg")


def _report(tmp_path: Path, network: NetworkSource | None, language: str = "fr") -> str:
    root = tmp_path / f"report-{len(list(tmp_path.glob('report-*')))}"
    root.mkdir()
    database = build_marts(root / "warehouse.duckdb")
    with duckdb.connect(str(database), read_only=True) as con:
        files = write_month_report(
            con, root, MARCH, Settings(organisation="Mairie", report_language=language), network=network
        )
    return files[0].read_text(encoding="utf-8")


def test_the_report_compares_only_when_the_band_is_shown_and_else_says_how_many_there_are(
    deployment, tmp_path
):
    build = build_network(deployment, tmp_path)
    html = _report(tmp_path, NetworkSource(build.database, "ville-a"))
    section = visible_text(html, "peers")
    assert "Comparaison avec des organisations similaires" in section
    assert "organisations de 250 à 999 agents" in section
    peers = organisation_peers(build.database, "ville-a", MARCH)
    participation = next(f for f in peers.figures if f.figure.key == "participation_rate")
    fr = Labels("fr")
    said = f"Taux de participation : {fr.percent(participation.own)}, {fr(f'peers_{participation.position}')}"
    assert re.sub(r"\s+", " ", said) in section
    assert re.sub(r"\s+", " ", f"médiane {fr.percent(participation.band.median)}") in section
    assert unescape(html).count('data-figure="') == len(peers.figures)
    assert html.count("data:image/svg+xml;base64,") >= len(peers.figures)

    waiting = _report(tmp_path, NetworkSource(build.database, "commune-g"))  # a band of two organisations
    assert 'id="peers"' in waiting and 'data-figure="' not in waiting, "no figure of a band under five"
    assert re.sub(r"\s+", " ", "En mars 2025, 2 organisation(s) de moins de 250 agents") in visible_text(
        waiting, "peers"
    )
    assert "à partir de 5" in visible_text(waiting, "peers")
    assert 'id="peers"' not in _report(tmp_path, None)
    english = peer_section(NetworkSource(build.database, "ville-a"), MARCH, Labels("en"))
    assert english and english["intro"].startswith("Your figures for March 2025 beside those of the")
