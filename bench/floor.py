"""The floor: one DuckDB script computing the core marts straight from the raw files.

No orchestration, no validation, no quarantine, no privacy gate beyond the consent filter, no
pseudonymisation: the least work that yields ``agent_month``, ``department_month`` and
``programme_month`` core figures from the same inbox. Python only does what DuckDB cannot do
without an extension: take the CSV members out of the ZIP archives and read the XLSX sheets (with
fastexcel, into Arrow). Everything else is SQL. Relais's full refresh is measured against this, so
the floor uses every core as Relais may: DuckDB its threads, and the Python parts a process pool over
the files (``workers``, default one per CPU), the files split into one contiguous share per worker.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import shutil
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import duckdb
import fastexcel
import polars as pl

ARCHIVE_MEMBERS = re.compile(
    r"^(Shares|InstantReposts|Comments|Reactions)(_\d+)?\.csv$|^Email Addresses\.csv$"
)
PART_FILES = 5000
"""Extracted members per folder: DuckDB keeps every file of a glob open while it reads it."""
MEMBER_TABLES = {
    "Email_Addresses": ('"Email Address"', ""),
    "Shares": ('"Date", "SharedUrl"', ""),
    "InstantReposts": ('"Date", "Link"', ""),
    "Comments": ('"Date"', ", escape='\\'"),
    "Reactions": ('"Date"', ""),
}
"""Per archive member kind: the columns the floor reads, and its CSV options."""
CREATOR_FIRST_SHEETS = {"DISCOVERY", "DÉCOUVERTE"}
"""First sheet of a creator analytics export, English or French (French ones write dates D/M/Y)."""
CORE_AGENT_COLUMNS = (
    "posts",
    "reshares",
    "institution_reshares",
    "comments_given",
    "reactions_given",
    "impressions",
    "engagements_received",
)
CORE_PROGRAMME_COLUMNS = ("enrolled", "active", *CORE_AGENT_COLUMNS[:3], *CORE_AGENT_COLUMNS[5:])


def _extract_share(paths: list[tuple[int, Path]], dest: Path) -> int:
    """Copy the engagement CSV members of the archives ``(n, path)`` to ``dest/<kind>/<part>/<n>.csv``."""
    for n, path in paths:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = Path(info.filename).name
                if ARCHIVE_MEMBERS.match(name):
                    kind = name.split("_")[0].removesuffix(".csv").replace(" ", "_")
                    target = dest / kind / f"{n // PART_FILES:03d}" / f"{n:06d}.csv"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(info) as source, target.open("wb") as out:
                        shutil.copyfileobj(source, out)
    return len(paths)


def _shares(items: list, workers: int) -> list[list]:
    """``items`` cut into ``workers`` contiguous shares of nearly equal length (empty ones dropped)."""
    size, extra = divmod(len(items), workers)
    shares, start = [], 0
    for index in range(workers):
        end = start + size + (1 if index < extra else 0)
        shares.append(items[start:end])
        start = end
    return [share for share in shares if share]


def _pool_map(function, shares: list[list], *arguments) -> list:  # type: ignore[no-untyped-def]
    """``function(share, *arguments)`` for each share, in a process pool when there is more than one."""
    if len(shares) <= 1:
        return [function(share, *arguments) for share in shares]
    # Spawned, not forked: a fork of a process whose Polars or DuckDB threads hold a lock deadlocks.
    with ProcessPoolExecutor(
        max_workers=len(shares), mp_context=multiprocessing.get_context("spawn")
    ) as pool:
        return list(pool.map(function, shares, *[[a] * len(shares) for a in arguments]))


def extract_archives(inbox: Path, dest: Path, workers: int = 1) -> int:
    """Copy the engagement CSV members of every archive ZIP under ``inbox`` to ``dest/<kind>/``."""
    archives = list(enumerate(sorted(inbox.rglob("*.zip"))))
    return sum(_pool_map(_extract_share, _shares(archives, workers), dest))


DAILY_SCHEMA = {
    "day": pl.String,
    "impressions": pl.Float64,
    "engagements": pl.Float64,
    "file": pl.String,
    "day_first": pl.Boolean,
}


def _read_share(paths: list[Path]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The creator exports' ENGAGEMENT rows (with the file name) and the Page exports' post links."""
    daily: list[pl.DataFrame] = []
    posts: list[pl.DataFrame] = []
    for path in paths:
        try:
            reader = fastexcel.read_excel(str(path))
        except Exception:  # an unreadable workbook is skipped, as a hand-written script would after a crash
            continue
        if reader.sheet_names[0] in CREATOR_FIRST_SHEETS:
            frame = reader.load_sheet(1, dtypes={0: "string", 1: "float", 2: "float"}).to_polars()
            daily.append(
                frame.rename(
                    dict(zip(frame.columns, ["day", "impressions", "engagements"], strict=True))
                ).with_columns(file=pl.lit(path.name), day_first=pl.lit(reader.sheet_names[0] != "DISCOVERY"))
            )
        elif "All posts" in reader.sheet_names:
            frame = reader.load_sheet("All posts", header_row=1, use_columns=["Post link"]).to_polars()
            posts.append(frame.rename({"Post link": "link"}))
    return (
        pl.concat(daily) if daily else pl.DataFrame(schema=DAILY_SCHEMA),
        pl.concat(posts) if posts else pl.DataFrame(schema={"link": pl.String}),
    )


def read_workbooks(inbox: Path, workers: int = 1) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Every workbook's ENGAGEMENT rows and post links, read by ``workers`` processes."""
    parts = _pool_map(_read_share, _shares(sorted(inbox.rglob("*.xlsx")), workers))
    if not parts:
        return pl.DataFrame(schema=DAILY_SCHEMA), pl.DataFrame(schema={"link": pl.String})
    return pl.concat([d for d, _ in parts]), pl.concat([p for _, p in parts])


SQL = Path(__file__).with_name("floor.sql")


def load_members(con: duckdb.DuckDBPyConnection, work: Path) -> None:
    """One table per member kind (``shares_raw``...), read folder by folder: few files open at a time."""
    for kind, (columns, options) in MEMBER_TABLES.items():
        table = f"{kind.lower()}_raw"
        folders = sorted(p for p in (work / kind).glob("*") if p.is_dir())
        for index, folder in enumerate(folders):
            source = (
                f"SELECT {columns}, filename FROM read_csv('{folder}/*.csv', header=true, all_varchar=true, "
                f"filename=true, union_by_name=true{options})"
            )
            con.execute(
                f"CREATE TABLE {table} AS {source}" if index == 0 else f"INSERT INTO {table} {source}"
            )
        if not folders:
            names = ", ".join(f"NULL::VARCHAR AS {c.strip()}" for c in columns.split(","))
            con.execute(f"CREATE TABLE {table} AS SELECT {names}, NULL::VARCHAR AS filename WHERE false")


def _open_files_limit(wanted: int) -> None:
    """Raise this process's limit of open files towards ``wanted`` (the hard limit too, if allowed)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, max(hard, wanted)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, hard), hard))


def run_floor(
    inbox: Path,
    work: Path,
    timezone: str = "Europe/Paris",
    threads: int | None = None,
    workers: int | None = None,
) -> Path:
    """Compute the core marts of ``inbox`` into ``work/floor.duckdb``; return the database path.

    ``workers`` processes take the archives out and read the workbooks (default: one per CPU);
    ``threads`` caps DuckDB's threads (default: DuckDB's own, one per CPU)."""
    workers = workers or os.cpu_count() or 1
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (max(soft, min(hard, 1_048_576)), hard)
    )  # one file per archive
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    extract_archives(inbox, work, workers)
    creator_daily, page_posts = read_workbooks(inbox, workers)
    database = work / "floor.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("SET enable_progress_bar = false")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        load_members(con, work)
        con.register("creator_daily", creator_daily.to_arrow())
        con.register("page_posts", page_posts.to_arrow())
        script = (
            SQL.read_text(encoding="utf-8")
            .replace("{tz}", timezone)
            .replace("{inbox}", str(inbox))
            .replace("{work}", str(work))
        )
        for statement in (s.strip() for s in script.split(";\n") if s.strip()):
            con.execute(statement)
    return database
