"""The floor: one DuckDB script computing the core marts straight from the raw files.

No orchestration, no validation, no quarantine, no privacy gate beyond the consent filter, no
pseudonymisation: the least work that yields ``agent_month``, ``department_month`` and
``programme_month`` core figures from the same inbox. Python only does what DuckDB cannot do
without an extension: take the CSV members out of the ZIP archives and read the XLSX sheets (with
fastexcel, into Arrow). Everything else is SQL. Relais's full refresh is measured against this.
"""

from __future__ import annotations

import re
import resource
import shutil
import zipfile
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


def extract_archives(inbox: Path, dest: Path) -> int:
    """Copy the engagement CSV members of every archive ZIP under ``inbox`` to ``dest/<n>/``."""
    count = 0
    for n, path in enumerate(sorted(inbox.rglob("*.zip"))):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = Path(info.filename).name
                if ARCHIVE_MEMBERS.match(name):
                    kind = name.split("_")[0].removesuffix(".csv").replace(" ", "_")
                    target = dest / kind / f"{n // PART_FILES:03d}" / f"{n:06d}.csv"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.open(info) as source, target.open("wb") as out:
                        shutil.copyfileobj(source, out)
        count += 1
    return count


def read_workbooks(inbox: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The creator exports' ENGAGEMENT rows (with the file name) and the Page exports' post links."""
    daily: list[pl.DataFrame] = []
    posts: list[pl.DataFrame] = []
    for path in sorted(inbox.rglob("*.xlsx")):
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
    empty_daily = pl.DataFrame(
        schema={
            "day": pl.String,
            "impressions": pl.Float64,
            "engagements": pl.Float64,
            "file": pl.String,
            "day_first": pl.Boolean,
        }
    )
    return (
        pl.concat(daily) if daily else empty_daily,
        pl.concat(posts) if posts else pl.DataFrame(schema={"link": pl.String}),
    )


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


def run_floor(inbox: Path, work: Path, timezone: str = "Europe/Paris", threads: int | None = None) -> Path:
    """Compute the core marts of ``inbox`` into ``work/floor.duckdb``; return the database path."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(
        resource.RLIMIT_NOFILE, (max(soft, min(hard, 1_048_576)), hard)
    )  # one file per archive
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    extract_archives(inbox, work)
    creator_daily, page_posts = read_workbooks(inbox)
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
