"""Benchmark: N organisations of a deployment refreshed through Dagster's run queue, 1 or 2 at a time.

One organisation of scale S (the demo, ``bench/generate.py --scale S``) is generated once; its inbox
is hard-linked into N homes ``org-001`` .. ``org-N`` of a deployment folder (``relais.deployment``),
each with its own ``relais.toml`` naming it. ``dagster-daemon run -m pipelines.deployment`` then
does what production does: ``organisations_sensor`` adds the N partitions and requests one run per
organisation, the ``QueuedRunCoordinator`` of ``deploy/dagster-postgres.yaml`` (its
``max_concurrent_runs`` set to the concurrency measured, its per-organisation limit kept) starts
them, and Dagster's default run launcher runs each in its own process. The instance storage is
SQLite under a fresh DAGSTER_HOME (PostgreSQL would add a server to the measurement; the queue and
the limits are the same). Recorded per (N, concurrency): the total time from the first run queued to
the last run finished, the time per organisation (total / N) and the mean duration of one run,
the peak resident memory of the daemon's whole process tree and of the largest single run (its
process and its children), sampled every half second. Results go to
``bench/results/organisations.json`` and to the section "Many organisations" of
``docs/benchmarks.md`` (``bench/run.py`` keeps it: it sits after "## Notes"). Usage::

    .venv/bin/python bench/organisations.py --n 10,50 --concurrency 1,2 [--work DIR] [--no-write]
    .venv/bin/python bench/organisations.py --quick     # N = 3, both concurrencies, nothing written
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `bench` and `relais` from the checkout
    sys.path.insert(0, str(ROOT))

from dagster import DagsterInstance, DagsterRunStatus  # noqa: E402

from pipelines.run_history import run_history_yaml  # noqa: E402

BIN = Path(sys.executable).parent
DEPLOY_YAML = ROOT / "deploy" / "dagster-postgres.yaml"
RESULTS = ROOT / "bench" / "results" / "organisations" / "results.json"
"""Not beside ``bench/results/<scale>.json``: ``bench/run.py`` reads every JSON file there as a scale."""
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Many organisations (`bench/organisations.py`)"
TERMINAL = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}
CODE_SERVER = "dagster api grpc"
TRACKER = "resource_tracker"
SAMPLE_SECONDS = 0.5
REFRESH_JOB = "refresh_organisation"


def say(message: str) -> None:
    """Progress on stderr, with the time."""
    print(f"[{datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# --- the deployment and its instance --------------------------------------------------------------


def instance_yaml(max_concurrent_runs: int, folder: Path) -> str:
    """``dagster.yaml`` of ``deploy/dagster-postgres.yaml`` with its queue's limit set, on SQLite.

    The PostgreSQL block is left out, so Dagster keeps its SQLite files under ``folder`` (the
    instance's DAGSTER_HOME), the events through ``pipelines.run_history`` as `relais organisations`
    sets it up; the run coordinator and its per-organisation limit are kept as deployed.
    """
    config = yaml.safe_load(DEPLOY_YAML.read_text(encoding="utf-8"))
    config.pop("storage", None)
    coordinator = config["run_coordinator"]
    coordinator.setdefault("config", {})["max_concurrent_runs"] = max_concurrent_runs
    config.update(yaml.safe_load(run_history_yaml(folder)))
    return yaml.safe_dump(config, sort_keys=False)


def write_home(home: Path, name: str, inbox: Path, settings: str = "", link: bool = False) -> None:
    """An organisation's home: ``inbox`` copied (or hard-linked, keeping times) and its ``relais.toml``."""
    home.mkdir(parents=True)
    shutil.copytree(inbox, home / "inbox", copy_function=os.link if link else shutil.copy2)
    (home / "relais.toml").write_text(f"organisation = {json.dumps(name)}\n{settings}", encoding="utf-8")


def linked_deployment(root: Path, count: int, inbox: Path) -> list[str]:
    """A deployment of ``count`` homes ``org-001``.. sharing ``inbox`` by hard links; their slugs."""
    slugs = [f"org-{i:03d}" for i in range(1, count + 1)]
    for slug in slugs:
        write_home(root / "organisations" / slug, f"Organisation {slug[4:]}", inbox, link=True)
    return slugs


# --- what the instance recorded -----------------------------------------------------------------


@dataclass(frozen=True)
class RunTiming:
    """One run as the instance recorded it: its partition, status and times (epoch seconds)."""

    run_id: str
    job: str
    partition: str | None
    status: str
    created: float
    start: float | None
    end: float | None


def run_timings(instance: DagsterInstance) -> list[RunTiming]:
    """Every run of the instance, oldest first."""
    records = instance.get_run_records()
    return sorted(
        (
            RunTiming(
                r.dagster_run.run_id,
                r.dagster_run.job_name,
                r.dagster_run.tags.get("dagster/partition"),
                r.dagster_run.status.value,
                r.create_timestamp.timestamp(),
                r.start_time,
                r.end_time,
            )
            for r in records
        ),
        key=lambda t: t.created,
    )


def max_in_progress(intervals: Iterable[tuple[float, float]]) -> int:
    """The largest number of intervals ``(start, end)`` open at one instant (an end frees before a start)."""
    spans = list(intervals)
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    highest = current = 0
    for _, step in events:
        current += step
        highest = max(highest, current)
    return highest


def wait_for_runs(
    instance: DagsterInstance,
    expected: int,
    timeout: float,
    alive: Callable[[], bool] = lambda: True,
    job: str = REFRESH_JOB,
    poll: float = 2.0,
) -> list[RunTiming]:
    """Every run, once ``expected`` runs of ``job`` exist and all runs have ended.

    Runs of other jobs (the network's rebuild after a refresh) are waited for too: they share the
    queue. Raises ``RuntimeError`` as soon as ``alive()`` is false (the daemon ended) and
    ``TimeoutError`` after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        if not alive():
            raise RuntimeError("the daemon ended before the runs did: see its log")
        runs = run_timings(instance)
        created = sum(r.job == job for r in runs)
        if created >= expected and all(DagsterRunStatus(r.status) in TERMINAL for r in runs):
            return runs
        if time.monotonic() > deadline:
            states = ", ".join(f"{r.partition or r.job}: {r.status}" for r in runs) or "no run"
            raise TimeoutError(f"{expected} runs of {job} did not all end within {timeout:.0f} s ({states})")
        time.sleep(poll)


# --- the daemon and its memory --------------------------------------------------------------------


@dataclass(frozen=True)
class Process:
    """One process of a tree: its resident memory (bytes), its children and its command line."""

    rss: int
    children: tuple[int, ...]
    command: str


def process_tree(pid: int) -> dict[int, Process]:
    """``pid`` and its descendants, read from /proc (processes that ended meanwhile are left out)."""
    tree: dict[int, Process] = {}
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
            command = (
                Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
            children = tuple(
                int(c)
                for task in Path(f"/proc/{current}/task").iterdir()
                for c in (task / "children").read_text().split()
            )
        except (OSError, StopIteration, ValueError):
            continue
        tree[current] = Process(rss * 1024, children, command)
        stack.extend(children)
    return tree


def subtree_bytes(tree: dict[int, Process], pid: int) -> int:
    """Resident memory of ``pid`` and of its descendants present in ``tree``."""
    process = tree.get(pid)
    if process is None:
        return 0
    return process.rss + sum(subtree_bytes(tree, child) for child in process.children)


def run_bytes(tree: dict[int, Process]) -> list[int]:
    """Resident memory of each run in ``tree``: each process the code server started, with its children.

    The default run launcher asks the code server (``dagster api grpc``) to start each run, which it
    does as a ``multiprocessing`` child; its resource tracker is the one other child, left out.
    """
    servers = [p for p in tree.values() if CODE_SERVER in p.command]
    workers = [c for p in servers for c in p.children if c in tree and TRACKER not in tree[c].command]
    return [subtree_bytes(tree, pid) for pid in workers]


@dataclass
class MemoryPeaks:
    """Peaks of the whole tree and of the largest single run, over the samples taken."""

    tree_bytes: int = 0
    run_bytes: int = 0
    samples: int = 0
    load_sum: float = 0.0

    def add(self, tree: dict[int, Process], root: int) -> None:
        """Account for one sample of the tree under ``root`` (and of the machine's 1-minute load)."""
        self.tree_bytes = max(self.tree_bytes, subtree_bytes(tree, root))
        self.run_bytes = max([self.run_bytes, *run_bytes(tree)])
        self.load_sum += os.getloadavg()[0]
        self.samples += 1

    @property
    def mean_load(self) -> float:
        """The machine's mean 1-minute load average over the samples: the runs' own plus anything else's."""
        return self.load_sum / self.samples if self.samples else 0.0


@dataclass
class Daemon:
    """``dagster-daemon run -m pipelines.deployment`` in its own session, its memory sampled."""

    env: dict[str, str]
    log: Path
    peaks: MemoryPeaks = field(default_factory=MemoryPeaks)
    process: subprocess.Popen | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        """Start the daemon (and the sampler thread)."""
        command = [str(BIN / "dagster-daemon"), "run", "-m", "pipelines.deployment"]
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._stop.is_set() and self.process is not None:
            self.peaks.add(process_tree(self.process.pid), self.process.pid)
            self._stop.wait(SAMPLE_SECONDS)

    def running(self) -> bool:
        """Whether the daemon was started and has not ended."""
        return self.process is not None and self.process.poll() is None

    def stop(self, grace: float = 30.0) -> None:
        """Stop the daemon's session (the daemon, its code server and any run still going)."""
        self._stop.set()
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 10.0)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


@contextmanager
def running_daemon(env: dict[str, str], log: Path) -> Iterator[Daemon]:
    """A started daemon, stopped however the block ends."""
    daemon = Daemon(env, log)
    try:
        daemon.start()
        yield daemon
    finally:
        daemon.stop()


def daemon_env(
    deployment: Path, dagster_home: Path, unused_home: Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    """The daemon's environment: this one, with the deployment's folder and DAGSTER_HOME.

    No deployment-wide pseudonymisation key (each organisation keeps its own) and ``RELAIS_HOME``
    set to ``unused_home``, a folder nothing of a deployment should write to.
    """
    env = {k: v for k, v in os.environ.items() if k != "RELAIS_PSEUDONYM_KEY"}
    paths = {"RELAIS_DEPLOYMENT": deployment, "DAGSTER_HOME": dagster_home, "RELAIS_HOME": unused_home}
    return {**env, **{k: str(v) for k, v in paths.items()}, **(extra or {})}


# --- one measurement ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    """The figures of N organisations refreshed at one concurrency."""

    organisations: int
    concurrency: int
    total_seconds: float
    seconds_per_organisation: float
    mean_run_seconds: float
    peak_tree_mb: int
    peak_run_mb: int
    most_in_progress: int
    failed: int
    other_runs: int = 0
    mean_load: float | None = None
    """The machine's mean 1-minute load while measuring: above the concurrency, other work used the cores."""
    measured_at: str = ""


def summarise(runs: list[RunTiming], peaks: MemoryPeaks, concurrency: int) -> Measured:
    """The figures of one measurement, from the runs' times and the memory peaks.

    Total: from the first refresh queued to the last refresh ended; the other runs (the network's
    rebuilds) count in the runs at once and the failures, and are counted apart.
    """
    refreshes = [r for r in runs if r.job == REFRESH_JOB]
    ended = [r for r in runs if r.start is not None and r.end is not None]
    total = max(r.end for r in ended if r.job == REFRESH_JOB) - min(r.created for r in refreshes)
    return Measured(
        organisations=len(refreshes),
        concurrency=concurrency,
        total_seconds=round(total, 1),
        seconds_per_organisation=round(total / len(refreshes), 1),
        mean_run_seconds=round(statistics.mean(r.end - r.start for r in ended if r.job == REFRESH_JOB), 1),
        peak_tree_mb=round(peaks.tree_bytes / 2**20),
        peak_run_mb=round(peaks.run_bytes / 2**20),
        most_in_progress=max_in_progress((r.start, r.end) for r in ended),
        failed=sum(r.status != DagsterRunStatus.SUCCESS.value for r in runs),
        other_runs=len(runs) - len(refreshes),
        mean_load=round(peaks.mean_load, 2),
        measured_at=datetime.now(UTC).strftime("%Y-%m-%d"),
    )


def measure(work: Path, inbox: Path, count: int, concurrency: int, timeout: float) -> Measured:
    """Refresh a fresh deployment of ``count`` organisations through the daemon at ``concurrency``."""
    folder = work / f"n{count}-c{concurrency}"
    shutil.rmtree(folder, ignore_errors=True)
    deployment, dagster_home, unused_home = folder / "deployment", folder / "dagster", folder / "no-home"
    for empty in (dagster_home, unused_home):
        empty.mkdir(parents=True)
    (dagster_home / "dagster.yaml").write_text(instance_yaml(concurrency, dagster_home), encoding="utf-8")
    linked_deployment(deployment, count, inbox)
    say(f"N = {count}, {concurrency} at a time: daemon started (log {folder / 'daemon.log'})")
    # The instance first: it creates the SQLite tables, which the daemon would otherwise race to create.
    with (
        DagsterInstance.from_config(str(dagster_home)) as instance,
        running_daemon(daemon_env(deployment, dagster_home, unused_home), folder / "daemon.log") as daemon,
    ):
        runs = wait_for_runs(instance, count, timeout, daemon.running)
    result = summarise(runs, daemon.peaks, concurrency)
    say(
        f"  {result.total_seconds} s in all, {result.seconds_per_organisation} s per organisation, "
        f"run {result.mean_run_seconds} s, peak {result.peak_tree_mb} MB (run {result.peak_run_mb} MB), "
        f"{result.failed} failed, mean load {result.mean_load}"
    )
    return result


def scale_s_inbox(work: Path) -> Path:
    """The inbox of one organisation of scale S, generated once under ``work``."""
    out = work / "S"
    if not (out / "inbox").is_dir():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "generate.py"), "--scale", "S", "--out", str(out)],
            check=True,
            cwd=ROOT,
            timeout=600,
        )
    return out / "inbox"


# --- the report ---------------------------------------------------------------------------------


def projection(results: list[Measured], node_cores: int = 4, node_gb: float = 16.0) -> list[str]:
    """The Kubernetes projection, as a calculation from the measured figures (Markdown lines).

    At saturation each of the ``c`` run slots finishes one organisation every (time per
    organisation x c) seconds; a node takes k = min(cores, 80 % of its memory / the largest run's
    peak) slots; so it refreshes k x 3600 / that many organisations an hour.
    """
    saturated = max(results, key=lambda r: (r.concurrency, r.organisations))
    slot_seconds = saturated.seconds_per_organisation * saturated.concurrency
    run_mb = max(r.peak_run_mb for r in results)
    by_memory = int(node_gb * 0.8 * 1024 // run_mb) if run_mb else node_cores
    k = min(node_cores, by_memory)
    per_node_hour = k * 3600 / slot_seconds
    lines = [
        f"- Measured at saturation (N = {saturated.organisations}, {saturated.concurrency} runs at once on "
        f"{os.cpu_count()} cores): one organisation every {saturated.seconds_per_organisation} s, so each "
        f"run slot finishes one every {saturated.seconds_per_organisation} × {saturated.concurrency} = "
        f"{slot_seconds:.1f} s, {3600 / slot_seconds:.0f} organisations per slot-hour (a run is one "
        "process, on one core most of the time: a slot is a core).",
        f"- Memory bounds the slots of a node: the largest run peaked at {run_mb} MB, so a node of "
        f"{node_cores} vCPU and {node_gb:.0f} GB (80 % allocatable) takes k = min({node_cores} cores, "
        f"⌊{node_gb * 0.8:.1f} GB / {run_mb / 1024:.2f} GB⌋ = {by_memory}) = {k} runs at once.",
        f"- Such a node refreshes {k} × 3600 / {slot_seconds:.1f} = {per_node_hour:.0f} organisations of "
        "scale S an hour (`max_concurrent_runs` = k × nodes). A one-hour nightly window for 1,000 S "
        f"organisations needs ⌈1000 / {per_node_hour:.0f}⌉ = {-(-1000 // max(int(per_node_hour), 1))} "
        f"such nodes; 200 organisations need {-(-200 // max(int(per_node_hour), 1))}.",
        "- Not included: the start of each run's pod (scheduling; the image already on the node), which "
        "the K8sRunLauncher adds to every run; measure it on the cluster and add it to the slot time.",
    ]
    return lines


def render_section(results: list[Measured], machine: str, measured_at: str) -> str:
    """The "Many organisations" section of docs/benchmarks.md, from the measured figures."""
    lines = [
        HEADING,
        "",
        f"Measured by `bench/organisations.py`, last on {measured_at} ({machine}; each row's date in "
        "its last column). N organisations of scale S (the "
        "demo's inbox, generated once by `bench/generate.py --scale S` and hard-linked into N homes, each "
        "with its own `relais.toml`, key, warehouse and snapshot) are refreshed by `dagster-daemon`: "
        "`organisations_sensor` requests one run per organisation, the `QueuedRunCoordinator` of "
        "`deploy/dagster-postgres.yaml` starts at most *concurrency* at once (one per organisation), "
        "and the default run launcher runs each in its own process. The instance storage is SQLite "
        "(PostgreSQL adds a server to the measurement, not to the work of a run; "
        "`tests/test_organisations_queue.py` runs the same queue on PostgreSQL). Total: from the first "
        "refresh queued to the last refresh finished; per organisation: total / N; one run: the mean of its "
        "start-to-end time; peak memory: resident set of the daemon's whole process tree (daemon, code "
        "server, runs) and of the largest single run, sampled every 0.5 s. Other runs: runs of other "
        "jobs the deployment queued meanwhile (the network of peers rebuilt after a refresh); they take "
        "run slots too, and count in the runs at once and the failures. Load: the machine's mean 1-minute "
        "load average while measuring (the runs' own work included: above the concurrency, something "
        "else shared the cores; — where it was not recorded).",
        "",
        "| N | concurrency | total (s) | per organisation (s) | one run (s) | peak, all (MB) "
        "| peak, one run (MB) | most runs at once | failed | other runs | load | measured |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in sorted(results, key=lambda r: (r.organisations, r.concurrency)):
        lines.append(
            f"| {r.organisations} | {r.concurrency} | {r.total_seconds} | {r.seconds_per_organisation} | "
            f"{r.mean_run_seconds} | {r.peak_tree_mb} | {r.peak_run_mb} | {r.most_in_progress} | "
            f"{r.failed} | {r.other_runs} | {'—' if r.mean_load is None else r.mean_load} | "
            f"{r.measured_at or '—'} |"
        )
    lines += ["", "**Projection for a Kubernetes cluster** (one run per pod, K8sRunLauncher):", ""]
    lines += projection(results)
    return "\n".join(lines) + "\n"


def replace_section(document: str, section: str) -> str:
    """``document`` with its "Many organisations" section replaced by ``section`` (appended if absent)."""
    if HEADING not in document:
        return document.rstrip("\n") + "\n\n" + section
    before, after = document.split(HEADING, 1)
    following = after.find("\n## ")
    rest = after[following + 1 :] if following >= 0 else ""
    return before + section + ("\n" + rest if rest else "")


def merge_results(path: Path, new: list[Measured]) -> list[Measured]:
    """The results saved at ``path`` with ``new`` ones replacing those of the same N and concurrency."""
    file = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {"results": []}
    saved = [{"measured_at": file.get("measured_at", ""), **r} for r in file["results"]]
    merged = {(r["organisations"], r["concurrency"]): Measured(**r) for r in saved}
    merged.update({(r.organisations, r.concurrency): r for r in new})
    return [merged[key] for key in sorted(merged)]


# --- entry point --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Measure every (N, concurrency) asked for; print the figures as JSON; write them unless told not."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", default="10", help="comma-separated numbers of organisations (10,50,200)")
    parser.add_argument("--concurrency", default="1,2", help="comma-separated runs at once")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument(
        "--timeout", type=float, default=0, help="seconds per measurement (default: 300 + 120 N)"
    )
    parser.add_argument("--quick", action="store_true", help="N = 3 at 1 and 2 runs at once, nothing written")
    parser.add_argument("--no-write", action="store_true", help="do not write the results and the doc")
    args = parser.parse_args(argv)
    counts = [3] if args.quick else [int(n) for n in args.n.split(",")]
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="relais-bench-organisations-"))
    inbox = scale_s_inbox(work)
    results = [
        measure(work, inbox, count, concurrency, args.timeout or 300 + 120 * count)
        for count in counts
        for concurrency in concurrencies
    ]
    print(json.dumps([asdict(r) for r in results], indent=2))
    if not (args.quick or args.no_write):
        machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        measured_at = datetime.now(UTC).strftime("%Y-%m-%d")
        results = merge_results(RESULTS, results)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        saved = {"machine": machine, "measured_at": measured_at, "results": [asdict(r) for r in results]}
        RESULTS.write_text(json.dumps(saved, indent=2) + "\n", encoding="utf-8")
        section = render_section(results, machine, measured_at)
        DOC.write_text(replace_section(DOC.read_text(encoding="utf-8"), section), encoding="utf-8")
        say(f"written {RESULTS} and {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
