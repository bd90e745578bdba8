"""The home's writer lock: released by the kernel when its holder dies, re-entrant within a process,
and a second writer waits, says whom it waits for, and gives up with that run's name."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from relais.warehouse.writer_lock import WriterBusy, WriterLock, read_holder

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from relais.warehouse.writer_lock import WriterLock
    lock = WriterLock(Path(sys.argv[1]))
    lock.acquire("run-A", wait_seconds=5)
    lock.note_step("linkedin_archives")
    print("held", flush=True)
    if sys.argv[2] == "exit":
        lock.release()
        sys.exit(0)
    time.sleep(60)
    """
)


def _start_holder(state, mode: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(state), mode],
        stdout=subprocess.PIPE,
        text=True,
        cwd=os.getcwd(),
    )
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_killed_holder_frees_the_lock_and_is_named_with_its_step(tmp_path):
    state = tmp_path / "state"
    holder = _start_holder(state, "sleep")
    try:
        notices = []
        with pytest.raises(WriterBusy) as busy:
            WriterLock(state).acquire(
                "run-B", wait_seconds=1.2, on_wait=lambda h, w: notices.append(h), notice_every=0.5
            )
        message = str(busy.value)
        assert "run-A" in message and f"process {holder.pid}" in message and "linkedin_archives" in message
        assert len(notices) >= 2 and notices[0].run_id == "run-A"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    lock = WriterLock(state)
    dead = lock.acquire("run-B", wait_seconds=5)
    try:
        assert dead is not None
        assert (dead.run_id, dead.pid, dead.step, dead.ended_at) == (
            "run-A",
            holder.pid,
            "linkedin_archives",
            "",
        )
        assert read_holder(state).run_id == "run-B"
    finally:
        lock.release()
    assert read_holder(state).ended_at, "a release marks the record ended"


def test_a_holder_that_ended_normally_is_not_a_dead_run(tmp_path):
    state = tmp_path / "state"
    holder = _start_holder(state, "exit")
    assert holder.wait() == 0
    lock = WriterLock(state)
    assert lock.acquire("run-B", wait_seconds=1) is None
    lock.release()


def test_reentrant_in_one_process_and_released_by_the_outermost(tmp_path):
    state = tmp_path / "state"
    outer, inner = WriterLock(state), WriterLock(state)
    outer.acquire("erase-1")
    assert inner.acquire("refresh-2") is None, "the same process re-enters: an erasure refreshes the home"
    inner.note_step("staging__agents")
    assert read_holder(state).step == "staging__agents"
    inner.release()
    assert outer.held_here() and not read_holder(state).ended_at
    outer.release()
    assert not outer.held_here() and read_holder(state).ended_at


def test_an_unreadable_record_is_no_holder(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "writer.json").write_text("{half", encoding="utf-8")
    assert read_holder(state) is None
    (state / "writer.json").write_text(json.dumps({"pid": 1}), encoding="utf-8")
    assert read_holder(state) is None


def test_the_waiting_message_names_the_run_and_the_limit():
    from relais.warehouse.writer_lock import Holder, waiting_message

    holder = Holder("run-A", 12, "vm", "2026-12-06T06:00:00+00:00", "quality__gate")
    first = waiting_message(holder, 0.2, 3600)
    assert first == (
        "Another run is writing this home: run run-A (process 12 on vm, started 2026-12-06T06:00:00+00:00, "
        "at step quality__gate). Waiting for it (at most 60 min)"
    )
    assert waiting_message(holder, 30.4, 3600).startswith(
        "Still waiting for run run-A"
    ) and "30 s so far" in waiting_message(holder, 30.4, 3600)


def test_a_process_started_by_the_holder_does_not_wait_for_it(tmp_path):
    """A worker spawned by the run that holds the lock, re-running the refresh (its script unguarded by
    ``if __name__ == "__main__"``), would wait for its own parent forever: it stops at once, saying why."""
    state = tmp_path / "state"
    lock = WriterLock(state)
    lock.acquire("run-parent", wait_seconds=5)
    try:
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from relais.warehouse.writer_lock import WriterLock\n"
                "WriterLock(Path(sys.argv[1])).acquire('run-child', wait_seconds=600)",
                str(state),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        lock.release()
    assert child.returncode != 0
    assert "WriterBusy" in child.stderr and "run-parent" in child.stderr
    assert 'if __name__ == "__main__"' in child.stderr
