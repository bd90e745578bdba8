"""``relais erase --agent-id ID``: remove every trace of one person from a home, then prove it.

The order makes a crash at any point harmless: running the command again finishes the job. The
person is identified first (roster files of the inbox, the warehouse, and the identifiers an
earlier unfinished attempt kept); their erasure token joins ``erasure/erased.txt`` before any file
is touched, so a roster dropped again, or a refresh run half-way, never makes them an ambassador
again; their identifiers are kept in ``erasure/pending/`` until the erasure completes (the rosters
lose them on the way) and the attempt's start is logged. Then their files leave the inbox (a zip
of several people's archives is rewritten without theirs) and the shared files lose their rows;
their LinkedIn token is forgotten; the warehouse is scrubbed in one transaction and the whole home
is refreshed (the snapshot, the Parquet files and the Data Docs are rebuilt, the warehouse
compacted); the reports already written are regenerated; Dagster's run history and logs are
scrubbed; and every file of the home is searched for their e-mail, names and ``agent_key``. Every
file is changed through a temporary file renamed over it. Files that cannot be searched (encrypted
or damaged zip files, unreadable files) are noted with what to do. The audit log gets a line when
an attempt starts and one when it ends, with counts and notes only.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from relais.home import RelaisHome
from relais.inbox.scan import scan_inbox
from relais.ledger import FileRejected
from relais.privacy.erasure import (
    FileProblem,
    Person,
    erase_from_inbox,
    find_person,
    path_mentions,
    scrub_dagster_storage,
    scrub_duckdb,
    search_home,
    text_mentions,
    write_atomically,
)
from relais.sources.linkedin_api.portability import portability_state_path
from relais.sources.linkedin_api.portability_state import load_portability_state, save_portability_state
from relais.sources.linkedin_api.tokens import TokenStore
from relais.sources.readers.archives import read_roster_file
from relais.warehouse.recovery import recover
from relais.warehouse.tables import table_exists
from relais.warehouse.writer_lock import Holder, WriterLock, waiting_message

STARTED, COMPLETED, INCOMPLETE = "started", "completed", "incomplete"


@dataclass
class ErasureRecord:
    """One line of the audit log: when, what kind of thing was removed, how many; never who. An
    attempt writes two lines with the same ``erasure_id``: ``status`` "started", then "completed" or
    "incomplete"; ``resumes`` is the id of an earlier attempt that did not complete."""

    erasure_id: str
    erased_at: str
    found_in_roster: bool
    status: str = STARTED
    resumes: str | None = None
    finished_at: str | None = None
    files_deleted: int = 0
    files_rewritten: int = 0
    rows_removed_from_files: int = 0
    zip_members_removed: int = 0
    warehouse_rows_removed: int = 0
    linkedin_token_removed: bool = False
    api_state_entries_removed: int = 0
    reports_regenerated: int = 0
    log_entries_removed: int = 0
    refresh_succeeded: bool = False
    traces_left: int = 0
    files_not_searched: int = 0
    notes: list[str] = field(default_factory=list)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def identify(home: RelaisHome, agent_id: str) -> Person:
    """The person as the inbox's roster files and the warehouse's roster describe them."""
    rows: list[dict[str, object]] = []
    for item in scan_inbox(home.inbox):
        if item.kind != "hr_roster":
            continue
        try:
            rows.extend(read_roster_file(home.inbox, item).rows)
        except (FileRejected, OSError):
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


def pending_file(home: RelaisHome, agent_id: str) -> Path:
    """Where an erasure under way keeps the person's identifiers until it completes (named by token)."""
    return home.erasure_dir / "pending" / f"{home.pseudonymiser.erasure_token(agent_id)}.json"


def read_pending(path: Path) -> dict[str, Any]:
    """What an earlier attempt that did not complete left (its id, the person's identifiers), or {}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        return {"erasure_id": "unknown"}
    return data if isinstance(data, dict) else {"erasure_id": "unknown"}


def with_identifiers(person: Person, pending: dict[str, Any]) -> Person:
    """The person with the names and e-mails an earlier attempt found (the rosters lost them since)."""

    def merged(key: str, known: tuple[str, ...]) -> tuple[str, ...]:
        values = pending.get(key)
        return tuple(sorted({*known, *(str(v) for v in values if v)})) if isinstance(values, list) else known

    return replace(
        person,
        first_names=merged("first_names", person.first_names),
        last_names=merged("last_names", person.last_names),
        emails=merged("emails", person.emails),
    )


def pending_data(record: ErasureRecord, person: Person) -> bytes:
    """The pending file's content: the attempt, and the identifiers needed to finish it."""
    data = {
        "erasure_id": record.erasure_id,
        "started_at": record.erased_at,
        "first_names": list(person.first_names),
        "last_names": list(person.last_names),
        "emails": list(person.emails),
    }
    return json.dumps(data, indent=2, sort_keys=True).encode("utf-8")


def earlier_attempt_note(pending: dict[str, Any]) -> str:
    """The note saying that an earlier attempt did not complete and this one finishes it."""
    started = pending.get("started_at") or "at an unknown time"
    return (
        f"an earlier attempt ({pending.get('erasure_id')}, started {started}) did not complete: "
        "this attempt finishes it"
    )


def problem_note(problem: FileProblem, root: Path, person: Person) -> str:
    """The note about a file that could not be searched or changed, its path hidden if it names them."""
    note = problem.note(root)
    if path_mentions(person, note):
        return f"a file whose path names the person (listed on screen): {problem.reason}; {problem.action}"
    return note


def _add_notes(record: ErasureRecord, notes: list[str]) -> None:
    record.notes.extend(note for note in dict.fromkeys(notes) if note not in record.notes)


def _append_line(path: Path, line: str) -> None:
    """Add a line to a text file by writing the whole file anew beside it, then renaming it over it."""
    before = path.read_bytes() if path.exists() else b""
    if before and not before.endswith(b"\n"):
        before += b"\n"
    write_atomically(path, before + (line + "\n").encode("utf-8"))


def _audit(home: RelaisHome, record: ErasureRecord) -> None:
    home.erasure_dir.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(record), ensure_ascii=False, sort_keys=True)
    _append_line(home.erasure_dir / "audit.log", line)


def _remember_erasure(home: RelaisHome, agent_id: str) -> None:
    home.erasure_dir.mkdir(parents=True, exist_ok=True)
    token = home.pseudonymiser.erasure_token(agent_id)
    if token not in home.erased_tokens:
        _append_line(home.erasure_dir / "erased.txt", token)


def _keep_identifiers(path: Path, record: ErasureRecord, person: Person) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_atomically(path, pending_data(record, person), mode=0o600)


def _forget_identifiers(path: Path) -> None:
    path.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.parent.rmdir()


def _forget_api_state(path: Path, person: Person) -> int:
    """Drop the LinkedIn connector's cursor entries about the person (owner ``member-<agent_id>``)."""
    if not path.exists():
        return 0
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return 0
    if not isinstance(state, dict):
        return 0
    doomed = [k for k, v in state.items() if text_mentions(person, f"{k} {json.dumps(v)}")]
    for key in doomed:
        del state[key]
    if doomed:
        write_atomically(path, json.dumps(state, indent=2, sort_keys=True).encode("utf-8"))
    return len(doomed)


def _erase_inbox(home: RelaisHome, person: Person, record: ErasureRecord, say: Callable[[str], None]) -> None:
    inbox = erase_from_inbox(home.inbox, scan_inbox(home.inbox), person)
    record.files_deleted += len(inbox.deleted)
    record.files_rewritten += len(inbox.rewritten) + len(inbox.members_removed)
    record.rows_removed_from_files += sum(inbox.rewritten.values())
    record.zip_members_removed += sum(inbox.members_removed.values())
    _add_notes(record, [problem_note(p, home.root, person) for p in inbox.problems])
    say(
        f"  inbox: {len(inbox.deleted)} file(s) deleted, {len(inbox.rewritten)} rewritten without "
        f"their rows, {len(inbox.members_removed)} zip file(s) rewritten without their archive"
    )


def _forget_linkedin(home: RelaisHome, person: Person, record: ErasureRecord) -> None:
    if home.linkedin_tokens.exists():
        try:
            record.linkedin_token_removed = TokenStore(home.linkedin_tokens).remove_member(person.agent_id)
        except ValueError:
            record.notes.append(
                "the LinkedIn token file cannot be read: remove the person's token by hand "
                "(relais linkedin-token remove), then run relais erase again"
            )
    record.api_state_entries_removed += _forget_api_state(home.linkedin_state, person)
    record.api_state_entries_removed += _forget_portability_state(portability_state_path(home), person)


def _forget_portability_state(path: Path, person: Person) -> int:
    """Drop the data-portability pull's state about the person (snapshot domains, cursor, gaps)."""
    try:
        state = load_portability_state(path)
    except ValueError:
        return 0
    if not state.forget(person.agent_id):
        return 0
    save_portability_state(path, state)
    return 1


def _scrub_warehouse(home: RelaisHome, person: Person) -> int:
    """Delete the person's rows from every table of the warehouse, all in one transaction."""
    if not home.warehouse.exists():
        return 0
    with duckdb.connect(str(home.warehouse)) as con:
        con.begin()
        removed = scrub_duckdb(con, person)
        con.commit()
    return removed


def _clean_warehouse(
    home: RelaisHome, person: Person, record: ErasureRecord, say: Callable[[str], None]
) -> None:
    record.warehouse_rows_removed += _scrub_warehouse(home, person)
    for generated in (home.root / "quality", home.root / "tmp"):
        shutil.rmtree(generated, ignore_errors=True)
    say(f"  warehouse: {record.warehouse_rows_removed} row(s) removed; refreshing the whole home")


def _refresh(record: ErasureRecord, refresh: Callable[[], bool]) -> None:
    record.refresh_succeeded = refresh()
    if not record.refresh_succeeded:
        record.notes.append("the refresh failed: the snapshot may still hold the person's rows")


def _scrub_history(
    home: RelaisHome,
    person: Person,
    record: ErasureRecord,
    dagster_homes: list[Path] | None,
    say: Callable[[str], None],
) -> None:
    for folder in sorted({home.root / "dagster", *(dagster_homes or [])}):
        record.log_entries_removed += scrub_dagster_storage(folder, person)
    say(
        f"  reports regenerated: {record.reports_regenerated}; "
        f"log entries removed: {record.log_entries_removed}"
    )


def _verify(home: RelaisHome, person: Person, record: ErasureRecord, pending: Path) -> list[Path]:
    traces, problems = search_home(home.root, person, skip=frozenset({pending}))
    record.traces_left = len(traces)
    record.files_not_searched = len({p.path for p in problems})
    _add_notes(record, [problem_note(p, home.root, person) for p in problems])
    return traces


def erase_agent(
    home: RelaisHome,
    agent_id: str,
    refresh: Callable[[], bool],
    regenerate_reports: Callable[[], int],
    dagster_homes: list[Path] | None = None,
    say: Callable[[str], None] = print,
) -> tuple[ErasureRecord, list[Path]]:
    """Erase one person from ``home`` as its only writer; return the audit record and the traces left.

    The home's writer lock is held throughout (a refresh started meanwhile waits), and what a dead
    run left half-written (temporary snapshots, Parquet folders) is removed first, so that no stray
    copy keeps the person's rows.
    """
    lock = WriterLock(home.root / "state")
    run_id = f"relais-erase-{uuid.uuid4().hex[:12]}"
    wait = home.settings.writer_wait_minutes * 60

    def waiting(holder: Holder | None, waited: float) -> None:
        say(f"  {waiting_message(holder, waited, wait)}")

    dead = lock.acquire(run_id, wait, waiting)
    try:
        recovery = recover(home, run_id, dead, {})
        if recovery.anything:
            say(f"  recovered first: {recovery.summary()}")
        return _erase_agent(home, agent_id, refresh, regenerate_reports, dagster_homes, say)
    finally:
        lock.release()


def _erase_agent(
    home: RelaisHome,
    agent_id: str,
    refresh: Callable[[], bool],
    regenerate_reports: Callable[[], int],
    dagster_homes: list[Path] | None,
    say: Callable[[str], None],
) -> tuple[ErasureRecord, list[Path]]:
    """The erasure's steps in order. It completes when no file mentions the person any more; else, or
    when a step raises (logged as "incomplete", then raised again), running it again finishes the job."""
    pending = pending_file(home, agent_id)
    earlier = read_pending(pending)
    person = with_identifiers(identify(home, agent_id), earlier)
    record = ErasureRecord(
        erasure_id=uuid.uuid4().hex,
        erased_at=_now(),
        found_in_roster=bool(person.first_names or person.emails),
        resumes=str(earlier.get("erasure_id")) if earlier else None,
    )
    if earlier:
        record.notes.append(earlier_attempt_note(earlier))
    if not record.found_in_roster:
        record.notes.append("agent id not found in any roster: only its agent_key was searched")
    _remember_erasure(home, agent_id)
    _keep_identifiers(pending, record, person)
    _audit(home, record)
    say(f"Erasing agent {agent_id}: {len(person.search_terms())} identifiers to remove")
    traces: list[Path] = []
    steps: list[tuple[str, Callable[[], object]]] = [
        ("the inbox", lambda: _erase_inbox(home, person, record, say)),
        ("the LinkedIn token", lambda: _forget_linkedin(home, person, record)),
        ("the warehouse", lambda: _clean_warehouse(home, person, record, say)),
        ("the refresh", lambda: _refresh(record, refresh)),
        ("the reports", lambda: setattr(record, "reports_regenerated", regenerate_reports())),
        ("Dagster's history", lambda: _scrub_history(home, person, record, dagster_homes, say)),
        ("the final search", lambda: traces.extend(_verify(home, person, record, pending))),
    ]
    reached: list[str] = []
    try:
        for name, run in steps:
            reached.append(name)
            run()
    except BaseException as exc:
        record.status, record.finished_at = INCOMPLETE, _now()
        record.notes.append(
            f"interrupted during {reached[-1]} ({type(exc).__name__}): run relais erase again to finish"
        )
        _audit(home, record)
        say(f"  {record.notes[-1]}")
        raise
    if not traces:
        _forget_identifiers(pending)
    record.status, record.finished_at = (INCOMPLETE if traces else COMPLETED), _now()
    _audit(home, record)
    return record, traces


def dagster_home_from_env() -> list[Path]:
    """Dagster's storage folder named by ``DAGSTER_HOME``, when set (its logs may hold the person)."""
    value = os.environ.get("DAGSTER_HOME")
    return [Path(value).resolve()] if value else []
