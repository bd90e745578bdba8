"""`relais refresh`: the whole refresh of a home, one progress line per step, then what it produced.

It runs what `dagster asset materialize --select '*' -m pipelines.definitions` runs: the job of every
asset and check of the home's definitions, in this process, step after step. The run is recorded
in the Dagster instance of `DAGSTER_HOME`, or else in the home's own `dagster/` folder (the one
`make dev` opens), so that it appears in the UI's run history; the warehouse resource takes the
home's writer lock exactly as under the plain command. Dagster's events reach a logger of ours,
which prints a line as each step ends, with its duration, and the warnings of the steps.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from dagster import (
    DagsterEvent,
    DagsterEventType,
    DagsterInstance,
    DagsterInvariantViolationError,
    LoggerDefinition,
)

from pipelines.settings import prepare_home
from relais.home import RelaisHome
from relais.progress import is_progress_line

PROGRESS_LOGGER = "relais_progress"
FAILURES = (DagsterEventType.STEP_FAILURE, DagsterEventType.RESOURCE_INIT_FAILURE)
FINISHED = {
    DagsterEventType.STEP_SUCCESS: "",
    DagsterEventType.STEP_FAILURE: "FAILED",
    DagsterEventType.STEP_SKIPPED: "skipped (a step before it failed)",
}


class InstanceUnavailable(RuntimeError):
    """Dagster's instance folder (``DAGSTER_HOME``) cannot be opened; the message says how to fix it."""


@dataclass(frozen=True)
class RefreshOutcome:
    """How a refresh ended: its Dagster run, whether every step succeeded, and the first failure."""

    run_id: str
    success: bool
    failed_step: str = ""
    failure: str = ""


def step_label(step_key: str) -> str:
    """A step's key as its asset key reads in the UI: ``staging__activities`` is ``staging/activities``."""
    return step_key.replace("__", "/")


def progress_line(done: int, total: int, step_key: str, seconds: float, outcome: str = "") -> str:
    """One line of progress, ``[12/43] staging/activities ..... 1.2 s``, and the outcome unless a success."""
    width = len(str(total))
    head = f"[{done:>{width}}/{total}] {step_label(step_key)} "
    tail = f" {seconds:5.1f} s" + (f"  {outcome}" if outcome else "")
    return head + "." * max(2, 56 - len(head)) + tail


def error_message(event: DagsterEvent) -> str:
    """The first line of the error behind a failure event: the user's own error, not Dagster's wrapper."""
    error = getattr(event.event_specific_data, "error", None)
    while error is not None and error.cause is not None and error.cls_name.startswith("Dagster"):
        error = error.cause
    if error is None:
        return event.message or ""
    text = re.sub(rf"^[\w.]*\b{re.escape(error.cls_name)}:\s*", "", (error.message or "").strip())
    return text.splitlines()[0] if text else error.cls_name


class ProgressPrinter(logging.Handler):
    """Turns the Dagster events of a run into progress lines; also passes on the steps' warnings and
    the lines long reads say of how far they are (``relais.progress``)."""

    def __init__(self, total: int, write: Callable[[str], None]) -> None:
        super().__init__(level=logging.DEBUG)
        self.total, self.write = total, write
        self.done = 0
        self.started: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is None:
            message = meta.get("orig_message") or record.getMessage()
            if record.levelno >= logging.WARNING or meta.get("resource_name") or is_progress_line(message):
                self.write(f"    {message}")
            return
        step = event.step_key or ""
        if event.event_type == DagsterEventType.STEP_START:
            self.started[step] = time.monotonic()
        elif event.event_type in FINISHED:
            self.done += 1
            seconds = time.monotonic() - self.started.pop(step, time.monotonic())
            outcome = FINISHED[event.event_type]
            if event.event_type == DagsterEventType.STEP_FAILURE:
                outcome = f"{outcome}: {error_message(event)}"
            self.write(progress_line(self.done, self.total, step, seconds, outcome))
        elif event.event_type == DagsterEventType.RESOURCE_INIT_FAILURE:
            self.write(f"    {error_message(event)}")


def progress_logger(total: int, write: Callable[[str], None]) -> LoggerDefinition:
    """A Dagster logger printing the run's progress through ``write`` (every level, our format only)."""

    def make(_context: object) -> logging.Logger:
        logger = logging.Logger(PROGRESS_LOGGER, level=logging.DEBUG)
        logger.addHandler(ProgressPrinter(total, write))
        return logger

    return LoggerDefinition(make, description="Relais's one line per step of `relais refresh`.")


def dagster_home(home: RelaisHome, environ: dict[str, str] | None = None) -> Path:
    """Where the run is recorded: ``DAGSTER_HOME`` when set, else the home's ``dagster/`` folder."""
    value = (os.environ if environ is None else environ).get("DAGSTER_HOME")
    return Path(value).expanduser().resolve() if value else home.root / "dagster"


@contextmanager
def dagster_instance(home: RelaisHome) -> Iterator[DagsterInstance]:
    """The Dagster instance the run is recorded in (see ``dagster_home``); its folder must exist."""
    folder = dagster_home(home)
    if not folder.is_dir():
        raise InstanceUnavailable(
            f"DAGSTER_HOME={folder} is not a folder: create it, or unset DAGSTER_HOME to record runs "
            f"in {home.root / 'dagster'}"
        )
    try:
        instance = DagsterInstance.from_config(str(folder))
    except DagsterInvariantViolationError as error:
        raise InstanceUnavailable(f"Dagster cannot open {folder}: {error}") from None
    with instance:
        yield instance


def run_refresh(home: RelaisHome, write: Callable[[str], None] = print) -> RefreshOutcome:
    """Materialise every asset of ``home`` and run every check, printing a line per step; never raises
    for a failing step (the outcome names it)."""
    from pipelines.definitions import build_definitions  # not at import: it reads RELAIS_HOME's settings

    prepare_home(home.root)  # its dagster/ folder, as the warehouse resource would make it
    job = build_definitions(home).resolve_implicit_global_asset_job_def()
    with dagster_instance(home) as instance:
        return _execute(job, instance, f"Refreshing {home.root}", write)


def run_organisation_refresh(
    deployment: Path, slug: str, instance_folder: Path, write: Callable[[str], None] = print
) -> RefreshOutcome:
    """Refresh one organisation of a deployment: its partition of the deployment's job, recorded in
    the deployment's Dagster instance (the partition is added there if the sensor has not yet)."""
    from pipelines.organisations import ORGANISATION_TAG, ORGANISATIONS, build_deployment_definitions
    from relais.deployment import find_organisation

    organisation = find_organisation(deployment, slug)
    prepare_home(organisation.home)
    job = build_deployment_definitions(deployment).resolve_job_def("refresh_organisation")
    if not instance_folder.is_dir():
        raise InstanceUnavailable(f"DAGSTER_HOME={instance_folder} is not a folder: create it first")
    with DagsterInstance.from_config(str(instance_folder)) as instance:
        if not instance.has_dynamic_partition(ORGANISATIONS.name, slug):
            instance.add_dynamic_partitions(ORGANISATIONS.name, [slug])
        return _execute(
            job,
            instance,
            f"Refreshing organisation {slug} ({organisation.home})",
            write,
            partition_key=slug,
            tags={ORGANISATION_TAG: slug},
        )


def _execute(
    job, instance: DagsterInstance, title: str, write: Callable[[str], None], **run: object
) -> RefreshOutcome:
    total = len(job.nodes)
    job = job.with_logger_defs({PROGRESS_LOGGER: progress_logger(total, write)})
    write(f"{title}: {total} steps")
    result = job.execute_in_process(
        instance=instance, raise_on_error=False, run_config={"loggers": {PROGRESS_LOGGER: {}}}, **run
    )
    failures = [e for e in result.all_events if e.event_type in FAILURES]
    if failures:
        first = failures[0]
        return RefreshOutcome(result.run_id, False, first.step_key or "", error_message(first))
    if not result.success:
        return RefreshOutcome(result.run_id, False, "", error_message(result.get_run_failure_event()))
    return RefreshOutcome(result.run_id, True)
