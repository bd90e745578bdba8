"""Progress lines of long work: at a bounded pace, with the time left, and always the last one."""

from __future__ import annotations

from pathlib import Path

from relais.inbox.scan import scan_inbox
from relais.progress import Progress, duration, is_progress_line
from tests.builders import write_text


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_lines_come_at_most_every_interval_and_at_the_end() -> None:
    said: list[str] = []
    clock = Clock()
    progress = Progress(said.append, "LinkedIn archives", 4000, "members read", every=10, clock=clock)
    clock.now += 5
    progress.advance(1000)
    assert said == []  # 5 s: too soon
    clock.now += 7
    progress.advance(200)
    assert said == ["LinkedIn archives: 1,200/4,000 members read (30 %), 12 s, about 28 s left"]
    clock.now += 3
    progress.advance(1800)
    assert len(said) == 1
    clock.now += 1
    progress.advance(1000)
    assert said[-1] == "LinkedIn archives: 4,000/4,000 members read (100 %), 16 s"


def test_durations_read_as_people_say_them() -> None:
    assert duration(42.4) == "42 s"
    assert duration(185) == "3 min 5 s"
    assert duration(3720) == "1 h 2 min"


def test_the_scan_says_how_far_it_is(tmp_path: Path) -> None:
    for n in range(3):
        write_text(tmp_path / f"notes{n}.txt", f"nothing Relais reads {n}\n")
    said: list[str] = []
    scan_inbox(tmp_path, {}, say=said.append)
    assert said == [said[-1]] and said[-1].startswith(
        "Inbox scan: 3/3 new or changed files recognised (100 %)"
    )


def test_relais_refresh_knows_the_lines_progress_says() -> None:
    clock = Clock()
    line = Progress(print, "Inbox scan", 3, "new or changed files recognised", clock=clock).line(
        clock.now + 2
    )
    assert is_progress_line(line)
    assert is_progress_line("LinkedIn archives: 4,000/4,000 members read (100 %), 16 s")
    assert not is_progress_line("Inbox scan: 10,154 file(s), 0 unchanged since the last run (not read)")
    assert not is_progress_line("LinkedIn archives: 4610 of 4610 loaded")
