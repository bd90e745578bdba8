"""One writer per home, guarded by a lock the operating system gives back when its holder dies.

A refresh (or an erasure) holds an exclusive ``flock`` on ``state/writer.lock`` for as long as it
writes the home. The kernel releases it when the process ends, however it ends (SIGKILL, an
out-of-memory kill, a power cut), so a dead run can never wedge the next one. Beside the lock,
``state/writer.json`` says who holds it: run id, process, start time, the step it is at, and
whether it ended. A holder that finds the previous record not ended knows that run died, and at
which step. A second writer waits, saying every ``notice_every`` seconds which run it waits for,
and gives up after ``wait_seconds`` with a message naming that run: it never waits forever.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

LOCK_NAME = "writer.lock"
RECORD_NAME = "writer.json"
DEFAULT_WAIT_SECONDS = 3600.0
NOTICE_EVERY_SECONDS = 30.0
POLL_SECONDS = 0.5


class WriterBusy(RuntimeError):
    """Another process holds the home's writer lock and did not let it go in time."""


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) the writer lock: the run, its process, and where it got to."""

    run_id: str
    pid: int
    host: str
    started_at: str
    step: str = ""
    ended_at: str = ""

    def describe(self) -> str:
        """One line naming the run, for the messages of a writer that waits or recovers."""
        where = f", at step {self.step}" if self.step else ""
        return f"run {self.run_id} (process {self.pid} on {self.host}, started {self.started_at}{where})"


def ancestors(pid: int | None = None) -> set[int]:
    """The process ids above ``pid`` (this process by default), read from /proc (its parent only where
    /proc is not there)."""
    found: set[int] = set()
    current = os.getpid() if pid is None else pid
    while current > 1:
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            current = int(fields[1])
        except (OSError, IndexError, ValueError):
            if pid is None and not found:
                found.add(os.getppid())
            break
        if current in found:
            break
        found.add(current)
    return found


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def read_holder(state_dir: Path) -> Holder | None:
    """The last holder's record, or None when there is none or it cannot be read."""
    try:
        data = json.loads((state_dir / RECORD_NAME).read_text(encoding="utf-8"))
        return Holder(**{k: data[k] for k in Holder.__dataclass_fields__ if k in data})
    except (OSError, ValueError, TypeError, KeyError):
        return None


def _write_holder(state_dir: Path, holder: Holder) -> None:
    """Write the record through a temporary file and a rename: a crash never leaves half a record."""
    path = state_dir / RECORD_NAME
    temporary = path.with_name(f".{RECORD_NAME}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(asdict(holder), indent=2), encoding="utf-8")
    os.replace(temporary, path)


def waiting_message(holder: Holder | None, waited: float, wait_seconds: float) -> str:
    """What a writer that waits says: whom it waits for, since when, and how long it will wait."""
    who = holder.describe() if holder else "another process"
    limit = f"at most {wait_seconds / 60:.0f} min"
    if waited < 1:
        return f"Another run is writing this home: {who}. Waiting for it ({limit})"
    return f"Still waiting for {who} ({waited:.0f} s so far, {limit})"


@dataclass
class _Held:
    descriptor: int
    holder: Holder
    depth: int


_HELD: dict[Path, _Held] = {}
_GUARD = threading.Lock()


class WriterLock:
    """The writer lock of one home's ``state`` folder; re-entrant within a process.

    ``acquire`` returns the previous holder when that run died without ending (its record was not
    marked ended and its process no longer holds the lock), else None.
    """

    def __init__(self, state_dir: Path) -> None:
        self.state_dir = state_dir

    @property
    def _key(self) -> Path:
        return self.state_dir.resolve() / LOCK_NAME

    def acquire(
        self,
        run_id: str,
        wait_seconds: float = DEFAULT_WAIT_SECONDS,
        on_wait: Callable[[Holder | None, float], None] | None = None,
        notice_every: float = NOTICE_EVERY_SECONDS,
    ) -> Holder | None:
        """Take the lock for ``run_id``, waiting at most ``wait_seconds``; raise ``WriterBusy`` after."""
        with _GUARD:
            held = _HELD.get(self._key)
            if held is not None:
                held.depth += 1
                if held.holder.run_id != run_id:
                    held.holder = Holder(run_id, os.getpid(), socket.gethostname(), _now())
                    _write_holder(self.state_dir, held.holder)
                return None
        self.state_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._key, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            self._wait(descriptor, wait_seconds, on_wait, notice_every)
        except BaseException:
            os.close(descriptor)
            raise
        previous = read_holder(self.state_dir)
        holder = Holder(run_id, os.getpid(), socket.gethostname(), _now())
        _write_holder(self.state_dir, holder)
        with _GUARD:
            _HELD[self._key] = _Held(descriptor, holder, 1)
        if previous is not None and not previous.ended_at:
            return previous
        return None

    def _wait(
        self,
        descriptor: int,
        wait_seconds: float,
        on_wait: Callable[[Holder | None, float], None] | None,
        notice_every: float,
    ) -> None:
        start = time.monotonic()
        next_notice = start
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            waited = time.monotonic() - start
            holder = read_holder(self.state_dir)
            if holder is not None and holder.host == socket.gethostname() and holder.pid in ancestors():
                raise WriterBusy(
                    f"This process was started by the run that holds the writer lock, {holder.describe()}: "
                    "a worker it spawned is running the refresh again instead of its task, which it would "
                    "wait for forever. The script that starts the refresh must call it only under "
                    '`if __name__ == "__main__":` (pip\'s console scripts do).'
                )
            if waited >= wait_seconds:
                who = holder.describe() if holder else "another process"
                raise WriterBusy(
                    f"Another run is writing this home: {who}. Waited {waited:.0f} s; "
                    "start this one again when it has finished (or stop it from the Dagster UI)."
                )
            if on_wait is not None and time.monotonic() >= next_notice:
                on_wait(holder, waited)
                next_notice += notice_every
            time.sleep(POLL_SECONDS)

    def note_step(self, step: str) -> None:
        """Record the step the holder is at, so that a run that dies says where it died."""
        with _GUARD:
            held = _HELD.get(self._key)
            if held is None or held.holder.step == step:
                return
            held.holder = Holder(**{**asdict(held.holder), "step": step})
            _write_holder(self.state_dir, held.holder)

    def release(self) -> None:
        """Mark the holder's record ended and give the lock back (the last of nested holds)."""
        with _GUARD:
            held = _HELD.get(self._key)
            if held is None:
                return
            held.depth -= 1
            if held.depth > 0:
                return
            del _HELD[self._key]
            _write_holder(self.state_dir, Holder(**{**asdict(held.holder), "ended_at": _now()}))
            fcntl.flock(held.descriptor, fcntl.LOCK_UN)
            os.close(held.descriptor)

    def held_here(self) -> bool:
        """True when this process holds the lock."""
        with _GUARD:
            return self._key in _HELD
