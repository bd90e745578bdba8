"""A person who withdraws (or leaves the roster) vanishes from the monthly reports already written.

One small organisation is refreshed in-process three times: first without Wanda (the report of
January 2026 then names Ann and Bob only), then with her as a consenting ambassador (the reports of
February and March name her), then after she withdrew her consent. The last refresh writes again
the two reports naming her, leaves January alone, and says so in counts only. The pure pieces of
``relais.reports.manifest`` are tested on hand-made folders.
"""

import shutil
import subprocess
from datetime import date
from pathlib import Path

import duckdb
import pytest
from dagster import DagsterInstance

from assets.reports import REPORT_KEY, build_report
from pipelines.definitions import build_definitions
from pipelines.resources import build_resources
from pipelines.settings import load_home
from relais.privacy.pseudonym import Pseudonymiser
from relais.reports.manifest import (
    MANIFEST_NAME,
    Manifest,
    Reason,
    read_manifest,
    stale_reason,
    sweep_past_reports,
    sweep_summary,
    write_manifest,
)
from tests.builders import write_text
from tests.conftest import TEST_KEY

ROSTER_HEADER = (
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on"
)
ANN = "A01,Ann,Lee,ann.lee@ville.fr,Communication,HQ,Officer,2026-01-05,oui,"
BOB = "A02,Bob,Ray,bob.ray@ville.fr,Communication,HQ,Officer,2026-01-05,oui,"
WANDA = "WZ7731,Wanda,Zorglub,wanda.zorglub@ville.fr,Communication,HQ,Officer,2026-02-02,oui,"
WANDA_WITHDRAWN = WANDA.removesuffix(",oui,") + ",oui,2026-11-20"
WANDA_KEY = Pseudonymiser(TEST_KEY).agent_key("WZ7731")
ANN_KEY, BOB_KEY = (Pseudonymiser(TEST_KEY).agent_key(a) for a in ("A01", "A02"))
WANDA_TERMS = ["Wanda", "Zorglub", "wanda.zorglub@ville.fr", "WZ7731", WANDA_KEY]
SHARES_HEADER = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"
JANUARY, FEBRUARY, MARCH = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def _archive(inbox: Path, folder: str, email: str, days: list[str], first: int) -> None:
    """An unpacked LinkedIn archive found by ``email``, one post of the member's own on each day."""
    write_text(
        inbox / "linkedin" / folder / "Email Addresses.csv",
        ["Email Address,Confirmed,Primary,Updated On", f"{email},Yes,Yes,"],
    )
    link = "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A70000000000000{:05d}"
    write_text(
        inbox / "linkedin" / folder / "Shares.csv",
        [
            SHARES_HEADER,
            *(f'{day} 10:00:00,{link.format(first + i)},"Post",,,PUBLIC' for i, day in enumerate(days)),
        ],
    )


def _refresh(root: Path) -> tuple[dict, list[str]]:
    """The whole refresh in this process: the report asset's metadata and its step's log messages."""
    home = load_home(root)
    job = build_definitions(home).resolve_implicit_global_asset_job_def()
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=True)
        step = REPORT_KEY.to_python_identifier()
        messages = [e.user_message for e in instance.all_logs(result.run_id) if e.step_key == step]
    materialisation = result.asset_materializations_for_node(REPORT_KEY.to_python_identifier())[0]
    return {k: v.value for k, v in materialisation.metadata.items()}, messages


def _write_report(root: Path, month: date) -> None:
    """Write one month's report as the partitioned job or ``relais erase`` would."""
    home = load_home(root)
    build_report(home, build_resources(home)["warehouse"], month)


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in sorted(folder.rglob("*"))}


def _text(path: Path) -> str:
    """A report file as text: a PDF through pdftotext, anything else as UTF-8."""
    if path.suffix == ".pdf":
        run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
        return run.stdout
    return path.read_bytes().decode("utf-8", errors="replace")


def _mentions(reports: Path, terms: list[str], pdf: bool) -> list[str]:
    """Files under ``reports`` whose name or text mentions any of ``terms`` (case ignored)."""
    needles = [t.casefold() for t in terms]
    hits = []
    for path in sorted(reports.rglob("*")):
        if not path.is_file() or (path.suffix == ".pdf" and not pdf):
            continue
        text = f"{path.relative_to(reports)}\n{_text(path)}".casefold()
        if any(n in text for n in needles):
            hits.append(path.relative_to(reports).as_posix())
    return hits


@pytest.fixture(scope="module")
def withdrawal(tmp_path_factory):
    root = tmp_path_factory.mktemp("withdrawal") / "home"
    inbox = root / "inbox"
    write_text(inbox / "hr" / "roster.csv", [ROSTER_HEADER, ANN, BOB])
    _archive(
        inbox, "export-1", "ann.lee@ville.fr", ["2026-01-12", "2026-02-10", "2026-03-10", "2026-04-08"], 1
    )
    _archive(inbox, "export-2", "bob.ray@ville.fr", ["2026-01-20", "2026-03-18"], 20)
    _refresh(root)
    _write_report(root, JANUARY)  # Ann and Bob only
    january = root / "reports" / "2026-01"

    write_text(inbox / "hr" / "roster.csv", [ROSTER_HEADER, ANN, BOB, WANDA])
    days = ["2026-02-03", "2026-02-04", "2026-02-05", "2026-03-02", "2026-03-03", "2026-03-04"]
    _archive(inbox, "export-3", "wanda.zorglub@ville.fr", days, 40)
    joined, _ = _refresh(root)
    for month in (FEBRUARY, MARCH):
        _write_report(root, month)
    before = {
        "mentions": _mentions(root / "reports", WANDA_TERMS, pdf=False),
        "january": _mtimes(january),
        "manifests": {m: read_manifest(root / "reports" / m) for m in ("2026-01", "2026-02", "2026-03")},
    }

    write_text(inbox / "hr" / "roster.csv", [ROSTER_HEADER, ANN, BOB, WANDA_WITHDRAWN])
    metadata, messages = _refresh(root)
    return root, joined, before, metadata, messages


@pytest.mark.slow
def test_reports_name_her_while_she_consents(withdrawal):
    _, joined, before, _, _ = withdrawal
    # The search below would find her: her name and key are in February's and March's reports.
    assert "2026-02/classement.csv" in before["mentions"] and "2026-03/rapport.html" in before["mentions"]
    assert not [p for p in before["mentions"] if p.startswith("2026-01/")]
    manifests = before["manifests"]
    assert WANDA_KEY in manifests["2026-02"].named and WANDA_KEY in manifests["2026-03"].counted
    assert manifests["2026-01"].counted == {ANN_KEY, BOB_KEY}
    # Her joining does not make the refresh rewrite January, which holds consenting people only.
    assert joined["past_reports_regenerated"] == 0 and joined["past_reports_untouched"] == 1


@pytest.mark.slow
def test_after_withdrawal_no_report_names_her(withdrawal):
    root, _, _, metadata, _ = withdrawal
    # April's data stops on the 8th: the refresh writes March, the last complete month, itself
    assert metadata["month"] == "2026-03"
    assert sorted(p.name for p in (root / "reports").iterdir()) == ["2026-01", "2026-02", "2026-03"]
    assert _mentions(root / "reports", WANDA_TERMS, pdf=False) == []
    for month in ("2026-02", "2026-03"):
        manifest = read_manifest(root / "reports" / month)
        assert manifest is not None and WANDA_KEY not in manifest.counted
    assert metadata["past_reports_regenerated"] == 1 and metadata["past_reports_removed"] == 0


@pytest.mark.slow
def test_after_withdrawal_no_pdf_names_her(withdrawal):
    root = withdrawal[0]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    assert "Ann Lee" in _text(root / "reports" / "2026-03" / "rapport.pdf")
    assert _mentions(root / "reports", WANDA_TERMS, pdf=True) == []


@pytest.mark.slow
def test_the_others_are_still_named(withdrawal):
    root = withdrawal[0]
    # the leaderboard ranks the ambassadors active in the month: Bob posted in January and March only
    for month, names in (("2026-02", ("Ann Lee",)), ("2026-03", ("Ann Lee", "Bob Ray"))):
        for name in ("classement.csv", "rapport.html"):
            text = (root / "reports" / month / name).read_text(encoding="utf-8-sig")
            assert all(n in text for n in names), (month, name)
    with duckdb.connect(str(root / "warehouse.duckdb"), read_only=True) as con:
        keys = {r[0] for r in con.execute("SELECT agent_key FROM staging.agents").fetchall()}
    assert keys == {ANN_KEY, BOB_KEY}


@pytest.mark.slow
def test_a_report_of_consenting_people_only_is_not_rewritten(withdrawal):
    root, _, before, metadata, _ = withdrawal
    assert _mtimes(root / "reports" / "2026-01") == before["january"]
    assert metadata["past_reports_untouched"] == 1


@pytest.mark.slow
def test_the_log_gives_counts_and_never_a_name(withdrawal):
    _, _, _, _, messages = withdrawal
    summary = [m for m in messages if m.startswith("Past reports:")]
    assert summary == [
        "Past reports: 1 regenerated (1 naming, 0 only counting someone no longer a consenting "
        "ambassador, 0 written without a list of whom they name); 0 removed, their month having no "
        "figures any more (0 naming, 0 only counting someone no longer a consenting ambassador, 0 "
        "written without a list of whom they name); 1 left untouched"
    ]
    assert not [m for m in messages if any(t.casefold() in m.casefold() for t in WANDA_TERMS)]


# --- the pure pieces -------------------------------------------------------------------------------------


def _folder(reports: Path, month: str, manifest: Manifest | None) -> Path:
    folder = reports / month
    folder.mkdir(parents=True)
    (folder / "rapport.html").write_text("report", encoding="utf-8")
    if manifest is not None:
        write_manifest(folder, date.fromisoformat(f"{month}-01"), manifest)
    return folder


def test_why_a_folder_is_stale():
    consenting = {"a", "b"}
    assert stale_reason(None, consenting) is Reason.NO_MANIFEST
    assert stale_reason(Manifest(frozenset({"a"}), frozenset({"a", "b"})), consenting) is None
    assert stale_reason(Manifest(frozenset({"w"}), frozenset({"a", "w"})), consenting) is Reason.NAMED
    assert stale_reason(Manifest(frozenset({"a"}), frozenset({"a", "w"})), consenting) is Reason.COUNTED


def test_manifests_that_cannot_be_trusted_are_missing(tmp_path):
    assert read_manifest(tmp_path) is None
    for text in ("{", '{"version": 99, "named": [], "counted": []}', '{"version": 1, "named": [1]}', "[]"):
        (tmp_path / MANIFEST_NAME).write_text(text, encoding="utf-8")
        assert read_manifest(tmp_path) is None, text
    write_manifest(tmp_path, JANUARY, Manifest(frozenset({"w"}), frozenset({"a"})))
    assert read_manifest(tmp_path) == Manifest(frozenset({"w"}), frozenset({"a", "w"}))


def test_sweep_rewrites_stale_folders_once_and_removes_months_without_figures(tmp_path):
    reports = tmp_path / "reports"
    fine = _folder(reports, "2026-01", Manifest(frozenset({"a"}), frozenset({"a", "b"})))
    _folder(reports, "2026-02", Manifest(frozenset({"w"}), frozenset({"a", "w"})))
    _folder(reports, "2026-03", None)  # written by an older version
    _folder(reports, "2026-04", Manifest(frozenset(), frozenset({"w"})))  # its month left the marts
    _folder(reports, "2026-05", None)  # just written: not looked at
    (reports / ".2026-06.tmp-0123").mkdir()
    fine_mtime = (fine / "rapport.html").stat().st_mtime_ns
    rewritten = []

    def rewrite(month: date) -> None:
        rewritten.append(month)
        write_manifest(reports / f"{month:%Y-%m}", month, Manifest(frozenset({"a"}), frozenset({"a", "b"})))

    months = [date(2026, m, 1) for m in (1, 2, 3, 5)]
    sweep = sweep_past_reports(reports, {"a", "b"}, months, rewrite, skip=[date(2026, 5, 1)])
    assert rewritten == [FEBRUARY, MARCH]
    assert sweep.regenerated == {Reason.NAMED: 1, Reason.NO_MANIFEST: 1}
    assert sweep.removed == {Reason.COUNTED: 1} and sweep.untouched == 1 and not sweep.failed
    assert not (reports / "2026-04").exists() and (fine / "rapport.html").stat().st_mtime_ns == fine_mtime
    assert "2 regenerated (1 naming, 0 only counting" in sweep_summary(sweep)
    again = sweep_past_reports(reports, {"a", "b"}, months, rewrite, skip=[date(2026, 5, 1)])
    assert rewritten == [FEBRUARY, MARCH] and again.regenerated.total() == 0 and again.untouched == 3


def test_a_failed_rewrite_keeps_the_folder_and_the_others_go_on(tmp_path):
    reports = tmp_path / "reports"
    for month in ("2026-01", "2026-02"):
        _folder(reports, month, None)

    def rewrite(month: date) -> None:
        if month == JANUARY:
            raise RuntimeError("disk full")
        write_manifest(reports / f"{month:%Y-%m}", month, Manifest(frozenset(), frozenset()))

    sweep = sweep_past_reports(reports, set(), [JANUARY, FEBRUARY], rewrite)
    assert list(sweep.failed) == [JANUARY] and sweep.regenerated == {Reason.NO_MANIFEST: 1}
    assert (reports / "2026-01" / "rapport.html").exists()
    assert sweep_summary(sweep).endswith("1 could not be written again: 2026-01")
