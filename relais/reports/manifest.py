"""Whom each report folder names or counts, and which past folders a refresh must write again.

Every report folder holds ``.agents.json``, written into its staging folder with the rest of the
report (so swapped in with it): the pseudonymous ``agent_key`` (keyed hash, never a name) of the
people its leaderboard shows (``named``) and of every consenting ambassador of the warehouse when it
was written (``counted``: whole-programme figures such as the skills heat map or the merging of
small departments may count any of them). After each refresh, a past folder that names or counts
someone who is no longer a consenting ambassador, or that has no readable manifest (written by an
older version), is written again from the current warehouse, or removed when its month has no
figures any more; the other folders are left as they are.

The manifest also records how the folder was written (``Written``): the digest of everything its
files were made from, the files themselves and when. A refresh whose inputs give the same digest,
while every one of those files is still there, leaves the folder as it is (``unchanged_report``).
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

import duckdb

from relais.reports.figures import leaderboard_keys
from relais.warehouse.tables import table_columns

MANIFEST_NAME = ".agents.json"
# 2: the report says how complete its month is; a folder of an older version is written again
MANIFEST_VERSION = 2
MONTH_FOLDER = re.compile(r"^(\d{4})-(\d{2})$")


class Reason(StrEnum):
    """Why a past report folder must be written again."""

    NAMED = "named"
    COUNTED = "counted"
    NO_MANIFEST = "no_manifest"


@dataclass(frozen=True)
class Manifest:
    """The agent keys a report shows in its leaderboard (``named``) and may count (``counted``)."""

    named: frozenset[str]
    counted: frozenset[str]


@dataclass(frozen=True)
class Written:
    """How a report folder was written: the digest of its inputs (``relais.reports.digest``), its
    files (paths relative to the folder, the manifest aside) and when (``generated``)."""

    digest: str
    files: tuple[str, ...]
    generated: datetime | None = None


@dataclass
class Sweep:
    """What a pass over the past reports did: folders rewritten and removed by reason, untouched, failed."""

    regenerated: Counter[Reason] = field(default_factory=Counter)
    removed: Counter[Reason] = field(default_factory=Counter)
    untouched: int = 0
    failed: dict[date, Exception] = field(default_factory=dict)


def _keys(con: duckdb.DuckDBPyConnection, sql: str) -> frozenset[str]:
    return frozenset(str(r[0]) for r in con.execute(sql).fetchall() if r[0] is not None)


def consenting_agents(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """The agent keys of the current, consenting, enrolled ambassadors: ``staging.agents``, or in a
    database without it (a snapshot, a hand-made one) the current ambassador rows of ``raw.roster``,
    else the people of ``marts.agent_month``."""
    if "agent_key" in table_columns(con, "staging.agents"):
        return _keys(con, "SELECT DISTINCT agent_key FROM staging.agents")
    if {"agent_key", "is_current", "is_ambassador"} <= table_columns(con, "raw.roster"):
        return _keys(con, "SELECT DISTINCT agent_key FROM raw.roster WHERE is_current AND is_ambassador")
    if "agent_key" in table_columns(con, "marts.agent_month"):
        return _keys(con, "SELECT DISTINCT agent_key FROM marts.agent_month")
    return frozenset()


def months_with_figures(con: duckdb.DuckDBPyConnection) -> frozenset[date]:
    """The months of ``marts.programme_month``: those a report can be written for."""
    if "month" not in table_columns(con, "marts.programme_month"):
        return frozenset()
    return frozenset(r[0] for r in con.execute("SELECT DISTINCT month FROM marts.programme_month").fetchall())


def report_agents(con: duckdb.DuckDBPyConnection, month: date) -> Manifest:
    """Whom the report of ``month`` written from ``con`` names (its leaderboard) and may count (everyone)."""
    named = leaderboard_keys(con, month)
    counted = consenting_agents(con) | named
    if "agent_key" in table_columns(con, "marts.agent_month"):
        counted |= _keys(con, "SELECT DISTINCT agent_key FROM marts.agent_month")
    return Manifest(named, counted)


def write_manifest(folder: Path, month: date, manifest: Manifest, written: Written | None = None) -> Path:
    """Write ``folder/.agents.json`` (sorted keys, no rank or figure; ``written`` when given) and
    return its path."""
    path = folder / MANIFEST_NAME
    data: dict[str, object] = {
        "version": MANIFEST_VERSION,
        "month": f"{month:%Y-%m}",
        "named": sorted(manifest.named),
        "counted": sorted(manifest.counted),
    }
    if written is not None:
        data["digest"] = written.digest
        data["files"] = list(written.files)
        data["generated"] = written.generated.isoformat() if written.generated else None
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return path


def _manifest_data(folder: Path) -> dict | None:
    """The JSON of ``folder``'s manifest; ``None`` when missing, unreadable or of another version."""
    try:
        data = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("version") != MANIFEST_VERSION:
        return None
    return data


def _strings(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest of a report folder; ``None`` when it is missing, unreadable or of another version."""
    data = _manifest_data(folder)
    if data is None:
        return None
    named, counted = data.get("named"), data.get("counted")
    if not (_strings(named) and _strings(counted)):
        return None
    return Manifest(frozenset(named), frozenset(counted) | frozenset(named))


def read_written(folder: Path) -> Written | None:
    """How a report folder was written, ``None`` when its manifest does not say (or is unreadable)."""
    data = _manifest_data(folder)
    if data is None or read_manifest(folder) is None:
        return None
    digest, files, generated = data.get("digest"), data.get("files"), data.get("generated")
    if not isinstance(digest, str) or not _strings(files):
        return None
    if any(Path(name).is_absolute() or ".." in Path(name).parts for name in files):
        return None
    try:
        moment = datetime.fromisoformat(generated) if isinstance(generated, str) else None
    except ValueError:
        moment = None
    return Written(digest, tuple(files), moment)


def unchanged_report(folder: Path, digest: str) -> Written | None:
    """How ``folder`` was written when that was from inputs of ``digest`` and each of its files is
    still there (then it need not be written again), else ``None``."""
    written = read_written(folder)
    if written is None or written.digest != digest:
        return None
    if not all((folder / name).is_file() for name in written.files):
        return None
    return written


def month_folders(reports_dir: Path) -> dict[date, Path]:
    """The report folders (``YYYY-MM``) under ``reports_dir`` by month; hidden or other entries ignored."""
    if not reports_dir.is_dir():
        return {}
    folders = {}
    for folder in reports_dir.iterdir():
        match = MONTH_FOLDER.match(folder.name)
        if match and folder.is_dir() and 1 <= int(match.group(2)) <= 12:
            folders[date(int(match.group(1)), int(match.group(2)), 1)] = folder
    return dict(sorted(folders.items()))


def stale_reason(manifest: Manifest | None, consenting: Collection[str]) -> Reason | None:
    """Why a folder with ``manifest`` must be written again given who consents now, else ``None``."""
    if manifest is None:
        return Reason.NO_MANIFEST
    if any(key not in consenting for key in manifest.named):
        return Reason.NAMED
    if any(key not in consenting for key in manifest.counted):
        return Reason.COUNTED
    return None


def stale_reports(
    reports_dir: Path, consenting: Collection[str], skip: Collection[date] = ()
) -> tuple[dict[date, Reason], int]:
    """The report folders to write again with their reason, and how many others are fine (``skip`` aside)."""
    consenting = frozenset(consenting)
    stale: dict[date, Reason] = {}
    fine = 0
    for month, folder in month_folders(reports_dir).items():
        if month in skip:
            continue
        reason = stale_reason(read_manifest(folder), consenting)
        if reason is None:
            fine += 1
        else:
            stale[month] = reason
    return stale, fine


def sweep_past_reports(
    reports_dir: Path,
    consenting: Collection[str],
    available: Collection[date],
    rewrite: Callable[[date], object],
    skip: Collection[date] = (),
) -> Sweep:
    """Write again (``rewrite(month)``) every stale past report, or remove it when its month has no
    figures any more: ``consenting`` are the agent keys of the consenting ambassadors now,
    ``available`` the months with figures, ``skip`` the months just written. A folder whose rewrite
    fails is kept as it was and listed in ``failed`` (the next refresh tries again)."""
    stale, fine = stale_reports(reports_dir, consenting, skip)
    sweep = Sweep(untouched=fine)
    for month, reason in stale.items():
        if month not in available:
            shutil.rmtree(reports_dir / f"{month:%Y-%m}")
            sweep.removed[reason] += 1
            continue
        try:
            rewrite(month)
        except Exception as error:
            sweep.failed[month] = error
        else:
            sweep.regenerated[reason] += 1
    return sweep


def _by_reason(counts: Mapping[Reason, int]) -> str:
    return (
        f"{counts[Reason.NAMED]} naming, {counts[Reason.COUNTED]} only counting someone no longer a "
        f"consenting ambassador, {counts[Reason.NO_MANIFEST]} written without a list of whom they name"
    )


def sweep_summary(sweep: Sweep) -> str:
    """One log line of a sweep: counts by reason only, never a name or a key."""
    regenerated, removed = sweep.regenerated.total(), sweep.removed.total()
    text = (
        f"Past reports: {regenerated} regenerated ({_by_reason(sweep.regenerated)}); "
        f"{removed} removed, their month having no figures any more ({_by_reason(sweep.removed)}); "
        f"{sweep.untouched} left untouched"
    )
    if sweep.failed:
        text += f"; {len(sweep.failed)} could not be written again: " + ", ".join(
            f"{month:%Y-%m}" for month in sorted(sweep.failed)
        )
    return text
