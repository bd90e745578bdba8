"""Printing a report's PDFs on two cores: WeasyPrint in a spawned worker and here, as pages are ready.

WeasyPrint lays a page out in pure Python on one core (about 0.25 s a department page and 1.2 s the
main report of the demo). From ``PARALLEL_MIN`` pages a ``PdfPrinter`` starts its worker at once,
so that it imports WeasyPrint while this process draws the charts, and hands it each page as soon
as its HTML is written; this process prints the pages still waiting once it has written them all.
Below that, or on one core, every page is printed here. Measured on a shared 2-core machine (load
about 3), writing a whole report: demo (9 PDFs) 4.6 s in one process, 4.2 s with a worker; scale M
(21 PDFs) 10.7 s and 9.7 s (medians of 4). A second worker was not faster: it costs about 1 s of CPU
to start while this process is idle only at the end. Workers are spawned, never forked: a fork of a
process whose DuckDB threads hold a lock can deadlock (``relais.skills.parallel`` does the same). A
worker imports this module, ``render`` and WeasyPrint only (``relais.reports`` imports the rest when
asked).
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from types import TracebackType

from relais.reports.render import write_pdf

PRINTERS = 2
"""Processes printing at once, this one included (``os.cpu_count()`` when lower)."""
PARALLEL_MIN = 3
"""Pages from which a worker is started: below, its start would cost about what it saves."""


def pool_size(pages: int, cpus: int | None = None, minimum: int = PARALLEL_MIN) -> int:
    """The worker processes to spawn for ``pages`` PDFs: one less than ``min(PRINTERS, cpus)``, as
    this process prints too, from ``minimum`` pages on; else 0 (all are printed here)."""
    printers = min(PRINTERS, cpus if cpus is not None else os.cpu_count() or 1)
    return printers - 1 if printers > 1 and pages >= minimum else 0


def _warm_up() -> None:
    """A worker's first task: print a one-line page in memory, so that loading the fonts is done
    before the first page of the report arrives."""
    from weasyprint import HTML

    HTML(string="<p>Relais</p>").write_pdf()


class PdfPrinter:
    """Prints ``(html, path)`` pages to A4 PDFs: queued for ``workers`` spawned processes, or here (0).

    Use it as a context manager. The workers print the pages in the order given while this process
    writes the next ones; on leaving, this process prints the pages no worker has started yet (the
    last first), waits for the others and raises the first error a worker met. When the block
    itself raised, the pages not started are dropped.
    """

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._queued: list[tuple[Future[Path], str, Path]] = []

    def __enter__(self) -> PdfPrinter:
        if self.workers > 0:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"))
            # a pool spawns a process per waiting task: one task per worker starts them all now
            for _ in range(self.workers):
                self._pool.submit(_warm_up)
        return self

    def print(self, html: str, path: Path) -> None:
        """Print ``html`` to ``path``: queued for a worker, or at once without workers."""
        if self._pool is None:
            write_pdf(html, path)
        else:
            self._queued.append((self._pool.submit(write_pdf, html, path), html, path))

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._pool is None:
            return
        try:
            if kind is None:
                for future, html, path in reversed(self._queued):
                    if future.cancel():
                        write_pdf(html, path)
                for future, _, _ in self._queued:
                    if not future.cancelled():
                        future.result()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool, self._queued = None, []
