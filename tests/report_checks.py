"""Helpers of the report tests: a tiny hand-made marts database, HTML probes and browser tools."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from datetime import date, datetime
from html import unescape
from pathlib import Path

import duckdb
import pytest

from relais.reports.months import last_day

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts" / "reports"
APRIL, MARCH, FEBRUARY, JANUARY = date(2025, 4, 1), date(2025, 3, 1), date(2025, 2, 1), date(2025, 1, 1)
APRIL_DATA_UNTIL = date(2025, 4, 3)  # April is partial: the newest data is of 3 April

HOSTILE_TITLE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
QUOTE_TITLE = '" onmouseover="alert(4)" x="'
FORMULA_TITLE = '=HYPERLINK("http://evil.example/","Cliquez ici")'
QUOTE_LINK = 'https://www.linkedin.com/feed/update/urn:li:activity:2?x="><script>alert(5)</script>'
HOSTILE_DEPARTMENT = "Direction des <b>finances</b> <script>alert('d')</script>"
FORMULA_DEPARTMENT = "=1+1 Direction"
ACCENT_DEPARTMENT = "Direction de l'Éducation"
CURLY_DEPARTMENT = "Direction de l’éducation"
OTHER = "Autres directions"

PROGRAMME_COLUMNS = (
    "month DATE, headcount BIGINT, enrolled BIGINT, active BIGINT, participation_rate DOUBLE, "
    "adoption_rate DOUBLE, posts BIGINT, reshares BIGINT, institution_reshares BIGINT, "
    "institution_share DOUBLE, impressions BIGINT, engagements_received BIGINT, engagement_rate DOUBLE, "
    "followers_gained BIGINT, clicks BIGINT, emv DOUBLE, median_score DOUBLE, tier_champion BIGINT, "
    "tier_active BIGINT, tier_occasional BIGINT, tier_dormant BIGINT, new_enrolments BIGINT, lapsed BIGINT"
)
DDL = f"""
CREATE SCHEMA marts; CREATE SCHEMA raw;
CREATE TABLE marts.programme_month ({PROGRAMME_COLUMNS}, page_impressions BIGINT, data_until DATE,
    days_covered INTEGER, days_in_month INTEGER, is_complete BOOLEAN);
CREATE TABLE marts.department_month (department VARCHAR, is_other_departments BOOLEAN,
    departments_merged BIGINT, {PROGRAMME_COLUMNS}, is_complete BOOLEAN);
CREATE TABLE marts.agent_month (agent_key VARCHAR, department VARCHAR, month DATE, is_enrolled BOOLEAN,
    posts BIGINT, reshares BIGINT, institution_reshares BIGINT, comments_given BIGINT, reactions_given BIGINT,
    new_connections BIGINT, endorsements_received BIGINT, is_active BOOLEAN, impressions BIGINT,
    engagements_received BIGINT, followers_gained BIGINT, clicks BIGINT, engagement_rate DOUBLE, emv DOUBLE,
    active_streak BIGINT, active_months_last_6 BIGINT, ambassador_score DOUBLE, tier VARCHAR,
    is_new_enrolment BOOLEAN, is_lapsed BOOLEAN, skills_showcased BIGINT, showcase_coverage DOUBLE,
    is_complete BOOLEAN);
CREATE TABLE marts.institution_post (post_key VARCHAR, post_link VARCHAR, title VARCHAR, created_on DATE,
    content_type VARCHAR, impressions BIGINT, clicks BIGINT, reactions BIGINT, comments BIGINT, reposts BIGINT,
    relaying_ambassadors BIGINT, reshares BIGINT, reshare_impressions BIGINT, reshares_with_impressions BIGINT,
    amplification_ratio DOUBLE, ambassador_repost_share DOUBLE);
CREATE TABLE marts.department_skill (department VARCHAR, is_other_departments BOOLEAN,
    departments_merged BIGINT, skill_id VARCHAR, skill_label VARCHAR, family VARCHAR,
    ambassadors_declaring BIGINT, ambassadors_showcasing BIGINT, showcased_posts BIGINT,
    ambassadors_showcasing_not_declaring BIGINT);
CREATE TABLE marts.skill_month (skill_id VARCHAR, skill_label VARCHAR, family VARCHAR, month DATE,
    ambassadors_showcasing BIGINT, showcased_posts BIGINT);
CREATE TABLE marts.metric_settings (setting VARCHAR, value DOUBLE, unit VARCHAR);
CREATE TABLE marts.quality_checks (run_id VARCHAR, checked_at TIMESTAMP, table_name VARCHAR,
    check_name VARCHAR, severity VARCHAR, success BOOLEAN, unexpected_count BIGINT, details VARCHAR);
CREATE TABLE raw.roster (agent_key VARCHAR, first_name VARCHAR, last_name VARCHAR, department VARCHAR,
    is_current BOOLEAN, is_ambassador BOOLEAN);
"""

# month: headcount, enrolled, active, participation, adoption, posts, reshares, institution_reshares,
# impressions, engagements, engagement_rate, emv, median_score, new_enrolments, lapsed
PROGRAMME = {
    JANUARY: (200, 20, 10, 0.5, 0.1, 8, 12, 6, 5000, 150, 0.03, 70.0, 40.0, 20, 0),
    FEBRUARY: (200, 25, 14, 0.56, 0.125, 10, 15, 9, 10000, 300, 0.03, 135.5, 45.0, 5, 1),
    MARCH: (200, 27, 16, 0.593, 0.135, 12, 20, 11, 12970, 400, 0.0308, 180.25, 47.5, 2, 3),
}
# April holds three days of data: far lower figures that must never be compared with March
APRIL_FIGURES = (200, 27, 2, 0.0741, 0.135, 1, 1, 0, 800, 20, 0.025, 12.0, 10.0, 0, 0)
# department: month, is_other, merged, headcount, enrolled, active, posts, reshares, impressions, median
DEPARTMENTS = [
    (HOSTILE_DEPARTMENT, MARCH, False, 0, 40, 6, 3, 2, 5, 3000, 41.0),
    (ACCENT_DEPARTMENT, MARCH, False, 0, 50, 5, 4, 3, 4, 2500, 52.0),
    (CURLY_DEPARTMENT, MARCH, False, 0, 30, 5, 2, 1, 1, 900, 30.0),
    (FORMULA_DEPARTMENT, MARCH, False, 0, 40, 6, 4, 3, 6, 4570, 55.5),
    (OTHER, MARCH, True, 3, 40, 5, 3, 3, 4, 2000, 47.0),
    (HOSTILE_DEPARTMENT, FEBRUARY, False, 0, 40, 6, 2, 1, 3, 2000, 39.0),
    (ACCENT_DEPARTMENT, FEBRUARY, False, 0, 50, 5, 4, 3, 3, 3000, 50.0),
    (OTHER, FEBRUARY, True, 4, 110, 14, 8, 6, 9, 5000, 44.0),
]
# key, link, title, created_on, impressions, relaying ambassadors, reshares, amplification
POSTS = [
    ("p-hostile", "javascript:alert(3)", HOSTILE_TITLE, date(2025, 3, 3), 900, 9, 9, 0.5),
    ("p-quote", QUOTE_LINK, QUOTE_TITLE, date(2025, 3, 4), 800, 8, 8, 0.25),
    (
        "p-formula",
        "https://www.linkedin.com/feed/update/urn:li:activity:3",
        FORMULA_TITLE,
        date(2025, 3, 5),
        700,
        7,
        7,
        None,
    ),
    (
        "p-tie-a",
        "https://www.linkedin.com/feed/update/urn:li:activity:4",
        "Égalité, plus d'impressions",
        date(2025, 3, 6),
        650,
        6,
        6,
        0.1,
    ),
    (
        "p-tie-b",
        "https://www.linkedin.com/feed/update/urn:li:activity:5",
        "Égalité, moins d'impressions",
        date(2025, 3, 7),
        600,
        6,
        6,
        0.1,
    ),
    (
        "p-tie-c",
        "https://www.linkedin.com/feed/update/urn:li:activity:6",
        "Égalité, plus de partages",
        date(2025, 3, 8),
        100,
        6,
        7,
        0.1,
    ),
    *[
        (
            f"p-{n:02d}",
            f"https://www.linkedin.com/feed/update/urn:li:activity:{n}",
            f"Publication {n}",
            date(2025, 3, 10 + n),
            100 * n,
            1,
            n % 3,
            0.05,
        )
        for n in range(1, 8)
    ],
    (
        "p-february",
        "https://www.linkedin.com/feed/update/urn:li:activity:99",
        "Février, très relayée",
        date(2025, 2, 27),
        9999,
        30,
        40,
        1.0,
    ),
]
# relaying ambassadors, then reshares, then impressions; p-february was created in the month before
EXPECTED_TOP_POSTS = [
    "p-hostile",
    "p-quote",
    "p-formula",
    "p-tie-c",
    "p-tie-a",
    "p-tie-b",
    "p-05",
    "p-02",
    "p-07",
    "p-04",
]
# agent_key, enrolled, active, score, tier, posts, reshares, impressions; fay ties with bob as printed
# (88.04 and 88.0 both read 88,0) and is listed first for her impressions; eve, inactive, is not ranked
AGENTS = [
    ("agent-alice", True, True, 91.5, "champion", 3, 4, 1500),
    ("agent-bob", True, True, 88.0, "champion", 2, 2, 900),
    ("agent-fay", True, True, 88.04, "champion", 1, 3, 950),
    ("agent-carl", True, True, 70.25, "active", 1, 2, 400),
    ("agent-dana", True, True, 65.0, "active", 1, 1, 300),
    ("agent-eve", True, False, 20.0, "dormant", 0, 0, 0),
    ("agent-notenrolled", False, True, 99.0, "champion", 9, 9, 9999),
    ("agent-noscore", True, True, None, None, 1, 0, 0),
]
ROSTER = [
    ("agent-alice", "Alice", "Martin", True, True),
    ("agent-bob", "Bob", "Secret", True, False),
    ("agent-carl", "Carl", "Gone", False, True),
    ("agent-dana", "Dana", "Ancienne", False, False),
    ("agent-dana", "Dana", "<i>Doe</i>", True, True),
    ("agent-notenrolled", "Nina", "Nope", True, True),
]
QUALITY = [
    ("run-old", datetime(2025, 3, 30, 6, 0), "marts.agent_month", "old_check", "ERROR", False, 7, "old"),
    ("run-new", datetime(2025, 4, 1, 6, 0), "marts.agent_month", "keys_unique", "ERROR", True, 0, None),
    (
        "run-new",
        datetime(2025, 4, 1, 6, 0),
        "marts.agent_month",
        "score_range",
        "ERROR",
        False,
        2,
        "2 scores outside 0-100",
    ),
    (
        "run-new",
        datetime(2025, 4, 1, 6, 0),
        "marts.programme_month",
        "fresh",
        "WARN",
        False,
        1,
        "<b>late</b>",
    ),
    (
        "run-new",
        datetime(2025, 4, 1, 6, 0),
        "marts.programme_month",
        "volume_anomaly",
        "WARN",
        False,
        1,
        "frame of 16 rows",
    ),
    ("run-new", datetime(2025, 4, 1, 6, 1), "raw.roster", "not_null", "ERROR", True, 0, None),
    ("run-new", datetime(2025, 4, 1, 6, 1), "raw.roster", "volume", "WARN", True, 0, None),
    ("run-new", datetime(2025, 4, 1, 6, 1), "raw.roster", "ambassador_key_unique", "ERROR", False, 1, None),
]
# what the quality section must never show the reader: table names, check ids, raw details, severities
QUALITY_JARGON = (
    "marts.",
    "raw.",
    "score_range",
    "freshness",
    "volume_anomaly",
    "ambassador_key_unique",
    "frame of",
    "<b>late</b>",
    "ERROR",
    "WARN",
)


def build_marts(path: Path) -> Path:
    """A small DuckDB database holding every table the report reads, filled by hand (hostile text included)."""
    with duckdb.connect(str(path)) as con:
        con.execute(DDL)
        for month, v, until, complete in [
            *((m, v, last_day(m), True) for m, v in PROGRAMME.items()),
            (APRIL, APRIL_FIGURES, APRIL_DATA_UNTIL, False),
        ]:
            con.execute(
                "INSERT INTO marts.programme_month (month, headcount, enrolled, active, participation_rate, "
                "adoption_rate, posts, reshares, institution_reshares, impressions, engagements_received, "
                "engagement_rate, emv, median_score, new_enrolments, lapsed, data_until, days_covered, "
                "days_in_month, is_complete) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [month, *v, until, min(until.day, last_day(month).day), last_day(month).day, complete],
            )
        for (
            name,
            month,
            other,
            merged,
            headcount,
            enrolled,
            active,
            posts,
            reshares,
            impressions,
            median,
        ) in DEPARTMENTS:
            con.execute(
                "INSERT INTO marts.department_month (department, month, is_other_departments, departments_merged, "
                "headcount, enrolled, active, participation_rate, adoption_rate, posts, reshares, impressions, "
                "engagements_received, median_score, new_enrolments, lapsed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1)",
                [
                    name,
                    month,
                    other,
                    merged,
                    headcount,
                    enrolled,
                    active,
                    active / enrolled,
                    enrolled / headcount,
                    posts,
                    reshares,
                    impressions,
                    impressions // 30,
                    median,
                ],
            )
        for key, link, title, created, impressions, relaying, reshares, ratio in POSTS:
            con.execute(
                "INSERT INTO marts.institution_post (post_key, post_link, title, created_on, impressions, "
                "relaying_ambassadors, reshares, amplification_ratio) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [key, link, title, created, impressions, relaying, reshares, ratio],
            )
        for key, enrolled, active, score, tier, posts, reshares, impressions in AGENTS:
            con.execute(
                "INSERT INTO marts.agent_month (agent_key, department, month, is_enrolled, is_active, "
                "ambassador_score, tier, posts, reshares, impressions, is_complete) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, true)",
                [key, ACCENT_DEPARTMENT, MARCH, enrolled, active, score, tier, posts, reshares, impressions],
            )
        con.executemany(
            "INSERT INTO raw.roster (agent_key, first_name, last_name, is_current, is_ambassador) "
            "VALUES (?, ?, ?, ?, ?)",
            ROSTER,
        )
        con.executemany(
            "INSERT INTO marts.department_skill VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, 0)",
            [
                (HOSTILE_DEPARTMENT, False, 0, "budget", "Budget <b>public</b>", "Finances", 2, 5),
                (HOSTILE_DEPARTMENT, False, 0, "marches", "Marchés publics", "Achat public", 1, 2),
                (ACCENT_DEPARTMENT, False, 0, "pedagogie", "Pédagogie", "Éducation", 3, 7),
                (OTHER, True, 3, "accueil", "Accueil du public", "Accueil", 2, 3),
            ],
        )
        con.executemany(
            "INSERT INTO marts.skill_month VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("pedagogie", "Pédagogie", "Éducation", MARCH, 3, 7),
                ("budget", "Budget <b>public</b>", "Finances", MARCH, 2, 5),
                ("accueil", "Accueil du public", "Accueil", FEBRUARY, 9, 9),
            ],
        )
        con.executemany(
            "INSERT INTO marts.metric_settings VALUES (?, ?, ?)",
            [
                ("emv_currency", None, "EUR"),
                ("anonymity_threshold", 5.0, "enrolled ambassadors"),
                ("lapsed_after_months", 3.0, "months"),
            ],
        )
        con.executemany("INSERT INTO marts.quality_checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", QUALITY)
    return path


def data_values(html: str) -> dict[str, str]:
    """The ``data-metric`` / ``data-value`` pairs of a report page."""
    return dict(re.findall(r'data-metric="([\w-]+)" data-value="([^"]*)"', html))


def attribute_values(html: str, name: str) -> list[str]:
    """Every value of the attribute ``name`` in the page, unescaped, in document order."""
    return [unescape(v) for v in re.findall(rf'\b{name}="([^"]*)"', html)]


def require_tool(name: str) -> str:
    """The path of a command-line tool; skipped without it, but a failure when ``CI`` is set."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (required on CI)")
        pytest.skip(message)
    return path


def chromium(page: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium over a local page with a fresh profile, no network services, 120 s at most."""
    binary = shutil.which("chromium") or shutil.which("chromium-browser") or require_tool("chromium")
    with tempfile.TemporaryDirectory(prefix="relais-chromium-") as profile:
        return subprocess.run(
            [
                binary,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                f"--user-data-dir={profile}",
                *arguments,
                page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )


def screenshot(page: Path, png: Path, height: int = 4000) -> Path:
    """A 1280-pixel-wide screenshot of ``page`` written to ``png``."""
    png.parent.mkdir(parents=True, exist_ok=True)
    png.unlink(missing_ok=True)
    chromium(page, f"--screenshot={png}", f"--window-size=1280,{height}")
    return png


def dump_dom(page: Path) -> str:
    """The DOM Chromium built from ``page``, serialised."""
    return chromium(page, "--dump-dom").stdout


def pdf_pages(pdf: Path, prefix: Path) -> list[Path]:
    """The pages of ``pdf`` as PNG files ``prefix-N.png`` (60 dpi)."""
    require_tool("pdftoppm")
    prefix.parent.mkdir(parents=True, exist_ok=True)
    for old in prefix.parent.glob(f"{prefix.name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True, timeout=120)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))


def colour_count(png: Path) -> int:
    """How many distinct colours an image holds (a blank page has one or two)."""
    from PIL import Image

    with Image.open(png) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1 << 24)
    return len(colours or [])


def visible_text(html: str, section: str | None = None) -> str:
    """The text a reader sees in ``html`` (or in its ``<section id="section">``), tags removed."""
    if section is not None:
        match = re.search(rf'<section id="{section}"[^>]*>(.*?)</section>', html, re.DOTALL)
        assert match, f"no section {section}"
        html = match.group(1)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))
