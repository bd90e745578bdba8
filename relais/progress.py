"""Progress of long work in a step, said as lines of the run's log at a bounded pace.

Reading a large inbox takes minutes (at scale L: 100,607 files scanned in 2 minutes, 80,000 archive
members read in 1 minute 42 s); without a line meanwhile, the step looks stuck in Dagster's UI.
``Progress`` says how far the work is, at most once every ``every`` seconds and once at the end,
with the time spent and, from the pace so far, the time left.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

LINE = re.compile(r"^[^:]+: [\d,]+/[\d,]+ [^()]+ \(\d+ %\), \d")
"""What a line of ``Progress.line`` looks like (``relais refresh`` prints these among the steps')."""


def is_progress_line(text: str) -> bool:
    """True for a line ``Progress`` said."""
    return LINE.match(text) is not None


def silent(_: str) -> None:
    """Say nothing (where no log listens: tests, tools)."""


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 5 s`` or ``1 h 2 min``."""
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


class Progress:
    """Counts work done of ``total`` units and says it through ``say`` (see the module)."""

    def __init__(
        self,
        say: Callable[[str], None],
        label: str,
        total: int,
        unit: str,
        every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.say, self.label, self.total, self.unit = say, label, total, unit
        self.every, self.clock = every, clock
        self.done = 0
        self.started = clock()
        self.last_said = self.started

    def advance(self, count: int) -> None:
        """``count`` more units done; a line when ``every`` seconds passed since the last, or at the end."""
        self.done += count
        now = self.clock()
        if self.done >= self.total or now - self.last_said >= self.every:
            self.last_said = now
            self.say(self.line(now))

    def line(self, now: float) -> str:
        """``LinkedIn archives: 1,200/4,000 members read (30 %), 12 s, about 28 s left``."""
        spent = now - self.started
        share = self.done / self.total if self.total else 1.0
        counted = f"{self.done:,}/{self.total:,} {self.unit}"
        text = f"{self.label}: {counted} ({share * 100:.0f} %), {duration(spent)}"
        if 0 < share < 1:
            text += f", about {duration(spent / share - spent)} left"
        return text
