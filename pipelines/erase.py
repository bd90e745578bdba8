"""``relais erase --agent-id ID``: remove every trace of one person from a home, then prove it.

The order matters. The person is identified first (roster files of the inbox, the warehouse), then
their files leave the inbox and the shared files lose their rows; their LinkedIn token is
forgotten; their erasure token joins ``erasure/erased.txt`` so a roster dropped again later never
makes them an ambassador again; the warehouse is scrubbed and the whole home is refreshed (the
snapshot, the Parquet files and the Data Docs are rebuilt, the warehouse compacted); the reports
already written are regenerated; Dagster's run history and logs are scrubbed; and every file of
the home is searched for their e-mail, names and ``agent_key``. The audit log records counts only.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from assets.erasure import (
    Person,
    erase_from_inbox,
    find_person,
    find_traces,
    scrub_dagster_storage,
    scrub_duckdb,
    text_mentions,
)
from assets.home import RelaisHome
from assets.inbox import scan_inbox
from assets.ingest import read_roster_file
from assets.ledger import FileRejected
from assets.linkedin_api.tokens import TokenStore
from assets.warehouse import table_exists


@dataclass
class ErasureRecord:
    """One line of the audit log: when, what kind of thing was removed, how many; never who."""

    erasure_id: str
    erased_at: str
    found_in_roster: bool
    files_deleted: int = 0
    files_rewritten: int = 0
    rows_removed_from_files: int = 0
    warehouse_rows_removed: int = 0
    linkedin_token_removed: bool = False
    api_state_entries_removed: int = 0
    reports_regenerated: int = 0
    log_entries_removed: int = 0
    refresh_succeeded: bool = False
    traces_left: int = 0
    notes: list[str] = field(default_factory=list)


def identify(home: RelaisHome, agent_id: str) -> Person:
    """The person as the inbox's roster files and the warehouse's roster describe them."""
    rows: list[dict[str, object]] = []
    for item in scan_inbox(home.inbox):
        if item.kind != "hr_roster":
            continue
        try:
            rows.extend(read_roster_file(home.inbox, item).rows)
        except FileRejected:
            continue
    if home.warehouse.exists():
        with duckdb.connect(str(home.warehouse), read_only=True) as con:
            found = (
                con.execute(
                    "SELECT agent_id, first_name, last_name, email FROM raw.roster WHERE agent_id = ?",
                    [agent_id],
                ).fetchall()
                if table_exists(con, "raw.roster")
                else []
            )
        rows.extend(
            dict(zip(("agent_id", "first_name", "last_name", "email"), r, strict=True)) for r in found
        )
    return find_person(agent_id, rows, home.pseudonymiser)


def _forget_api_state(path: Path, person: Person) -> int:
    """Drop the LinkedIn connector's cursor entries about the person (owner ``member-<agent_id>``)."""
    if not path.exists():
        return 0
    state = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(state, dict):
        return 0
    doomed = [k for k, v in state.items() if text_mentions(person, f"{k} {json.dumps(v)}")]
    for key in doomed:
        del state[key]
    if doomed:
        path.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
    return len(doomed)


def _remember_erasure(home: RelaisHome, agent_id: str) -> None:
    home.erasure_dir.mkdir(parents=True, exist_ok=True)
    token = home.pseudonymiser.erasure_token(agent_id)
    path = home.erasure_dir / "erased.txt"
    if token not in home.erased_tokens:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(token + "\n")


def erase_agent(
    home: RelaisHome,
    agent_id: str,
    refresh: Callable[[], bool],
    regenerate_reports: Callable[[], int],
    dagster_homes: list[Path] | None = None,
    say: Callable[[str], None] = print,
) -> tuple[ErasureRecord, list[Path]]:
    """Erase one person from ``home``; return the audit record and the files still mentioning them."""
    record = ErasureRecord(
        erasure_id=uuid.uuid4().hex,
        erased_at=datetime.now(UTC).isoformat(timespec="seconds"),
        found_in_roster=False,
    )
    person = identify(home, agent_id)
    record.found_in_roster = bool(person.first_names or person.emails)
    if not record.found_in_roster:
        record.notes.append("agent id not found in any roster: only its agent_key was searched")
    say(f"Erasing agent {agent_id}: {len(person.search_terms())} identifiers to remove")

    inbox = erase_from_inbox(home.inbox, scan_inbox(home.inbox), person)
    record.files_deleted = len(inbox.deleted)
    record.files_rewritten = len(inbox.rewritten)
    record.rows_removed_from_files = sum(inbox.rewritten.values())
    say(
        f"  inbox: {record.files_deleted} file(s) deleted, "
        f"{record.files_rewritten} rewritten without their rows"
    )

    record.linkedin_token_removed = (
        TokenStore(home.linkedin_tokens).remove_member(agent_id) if home.linkedin_tokens.exists() else False
    )
    record.api_state_entries_removed = _forget_api_state(home.linkedin_state, person)
    _remember_erasure(home, agent_id)

    if home.warehouse.exists():
        with duckdb.connect(str(home.warehouse)) as con:
            record.warehouse_rows_removed = scrub_duckdb(con, person)
    for generated in (home.root / "quality", home.root / "tmp"):
        shutil.rmtree(generated, ignore_errors=True)
    say(f"  warehouse: {record.warehouse_rows_removed} row(s) removed; refreshing the whole home")

    record.refresh_succeeded = refresh()
    if not record.refresh_succeeded:
        record.notes.append("the refresh failed: the snapshot may still hold the person's rows")
    record.reports_regenerated = regenerate_reports()
    for folder in {home.root / "dagster", *(dagster_homes or [])}:
        record.log_entries_removed += scrub_dagster_storage(folder, person)
    say(
        f"  reports regenerated: {record.reports_regenerated}; "
        f"log entries removed: {record.log_entries_removed}"
    )

    traces = find_traces(home.root, person)
    record.traces_left = len(traces)
    home.erasure_dir.mkdir(parents=True, exist_ok=True)
    with (home.erasure_dir / "audit.log").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(record), ensure_ascii=False, sort_keys=True) + "\n")
    return record, traces


def dagster_home_from_env() -> list[Path]:
    """Dagster's storage folder named by ``DAGSTER_HOME``, when set (its logs may hold the person)."""
    value = os.environ.get("DAGSTER_HOME")
    return [Path(value).resolve()] if value else []
