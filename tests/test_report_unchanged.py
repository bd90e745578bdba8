"""A refresh that finds a month's report already written from the same inputs leaves it as it is.

The report of March 2025 is written from the small hand-made marts of ``tests.report_checks``, then
written again: from the same warehouse (a day later, after a new quality run with the same outcomes,
with April's data going further) nothing is written; a changed figure, a withdrawn or newly
consenting ambassador, another organisation name or an edited template each write it again. The
withdrawal sweep always writes a stale folder again, even one whose digest still matches. The pure
pieces (digests, the manifest's record, the PDF printer) are tested on their own.
"""

import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest
from dagster import build_asset_context
from dagster_duckdb import DuckDBResource

from assets.reports import monthly_report_asset, refresh_past_reports, report_log_line
from relais.home import RelaisHome
from relais.reports import MonthReport, update_month_report
from relais.reports import build as build_module
from relais.reports.digest import canonical_json, code_fingerprint, value_digest
from relais.reports.manifest import (
    MANIFEST_NAME,
    Manifest,
    Written,
    read_manifest,
    read_written,
    unchanged_report,
    write_manifest,
)
from relais.reports.pdfs import PdfPrinter, pool_size
from relais.settings import Settings
from tests.report_checks import APRIL, MARCH, build_marts

GENERATED = datetime(2025, 4, 2, 7, 0, tzinfo=ZoneInfo("Europe/Paris"))
SETTINGS = Settings(organisation="Mairie")
PACKAGE = Path(build_module.__file__).parent


def _mtimes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in sorted(folder.rglob("*"))}


@pytest.fixture
def marts(tmp_path):
    """A hand-made marts database and a home root beside it, the report of March written once."""
    database = build_marts(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(database)) as con:
        first = update_month_report(con, tmp_path, MARCH, SETTINGS, generated_at=GENERATED)
    return tmp_path, database, first


def _write_again(root: Path, database: Path, *sql: str, settings: Settings = SETTINGS) -> MonthReport:
    """The report of March written a day later, after running ``sql`` on the marts."""
    with duckdb.connect(str(database)) as con:
        for statement in sql:
            con.execute(statement)
        return update_month_report(con, root, MARCH, settings, generated_at=GENERATED + timedelta(days=1))


def test_the_first_write_records_its_digest_and_files(marts):
    root, _, first = marts
    folder = root / "reports" / "2025-03"
    assert not first.unchanged and first.generated == GENERATED
    assert first.files[-1] == folder / MANIFEST_NAME and first.files[0] == folder / "rapport.html"
    written = read_written(folder)
    assert written is not None and written.generated == GENERATED
    assert [folder / name for name in written.files] == first.files[:-1]
    assert all(path.is_file() for path in first.files)


def test_the_same_inputs_write_nothing(marts):
    root, database, first = marts
    folder = root / "reports" / "2025-03"
    before = _mtimes(folder)
    # a day later: a new quality run with the same outcomes, April's data three days further
    again = _write_again(
        root,
        database,
        "INSERT INTO marts.quality_checks SELECT 'run-newer', checked_at + INTERVAL 1 DAY, table_name, "
        "check_name, severity, success, unexpected_count, details FROM marts.quality_checks "
        "WHERE run_id = 'run-new'",
        f"UPDATE marts.programme_month SET data_until = DATE '2025-04-06' WHERE month = DATE '{APRIL}'",
    )
    assert again.unchanged and again.files == first.files and again.generated == GENERATED
    assert _mtimes(folder) == before
    assert "2 avril 2025" in (folder / "rapport.html").read_text(encoding="utf-8")  # its "Généré le"


@pytest.mark.parametrize(
    ("sql", "settings", "gone", "new"),
    [
        # a figure of the month
        (
            f"UPDATE marts.programme_month SET impressions = 12971 WHERE month = DATE '{MARCH}'",
            SETTINGS,
            "12\u202f970",
            "12\u202f971",
        ),
        # Alice withdraws: no longer a current ambassador of the roster
        ("UPDATE raw.roster SET is_current = false WHERE agent_key = 'agent-alice'", SETTINGS, "Alice", None),
        # Zoé consents and enrols: the report counts her from now on (no figure of March changes)
        (
            "INSERT INTO raw.roster VALUES ('agent-zoe', 'Zoé', 'Neuve', NULL, true, true)",
            SETTINGS,
            None,
            None,
        ),
        # a setting the report prints
        ("SELECT 1", Settings(organisation="Mairie de Relais"), None, "Mairie de Relais"),
    ],
    ids=["figure", "withdrawal", "new-consent", "settings"],
)
def test_a_change_writes_it_again(marts, sql, settings, gone, new):
    root, database, _ = marts
    folder = root / "reports" / "2025-03"
    before = _mtimes(folder)
    again = _write_again(root, database, sql, settings=settings)
    assert not again.unchanged and again.generated == GENERATED + timedelta(days=1)
    after = _mtimes(folder)
    assert all(after[name] != before[name] for name in before if (folder / name).is_file())
    html = (folder / "rapport.html").read_text(encoding="utf-8")
    assert gone is None or gone not in html
    assert new is None or new in html
    # and once written, the same inputs leave it alone again
    assert _write_again(root, database, settings=settings).unchanged


def test_an_edited_template_writes_it_again(marts, tmp_path_factory, monkeypatch):
    root, database, _ = marts
    code = tmp_path_factory.mktemp("code") / "reports"
    shutil.copytree(PACKAGE, code, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build_module, "code_fingerprint", lambda: code_fingerprint(code))
    assert _write_again(root, database).unchanged  # the copy is the same code
    template = code / "templates" / "department.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not _write_again(root, database).unchanged


def test_a_missing_file_or_force_writes_it_again(marts):
    root, database, first = marts
    (root / "reports" / "2025-03" / "classement.csv").unlink()
    again = _write_again(root, database)
    assert not again.unchanged and all(path.is_file() for path in first.files)
    with duckdb.connect(str(database)) as con:
        assert not update_month_report(con, root, MARCH, SETTINGS, force=True).unchanged


def test_the_withdrawal_sweep_always_writes_a_stale_folder_again(marts):
    root, database, _ = marts
    folder = root / "reports" / "2025-03"
    # a folder naming someone who no longer consents, its digest still that of the inputs now
    manifest, written = read_manifest(folder), read_written(folder)
    assert manifest is not None and written is not None
    write_manifest(folder, MARCH, Manifest(manifest.named | {"agent-ghost"}, manifest.counted), written)
    before = _mtimes(folder)
    home = RelaisHome(root, SETTINGS)
    warehouse = DuckDBResource(database=str(database))
    with build_asset_context() as context:
        past = refresh_past_reports(context, home, warehouse, None)
    assert past["past_reports_regenerated"] == 1
    rewritten = read_manifest(folder)
    assert rewritten is not None and "agent-ghost" not in rewritten.named
    assert _mtimes(folder)["rapport.html"] != before["rapport.html"]


def test_the_asset_says_the_report_is_unchanged(tmp_path):
    database = build_marts(tmp_path / "warehouse.duckdb")
    home = RelaisHome(tmp_path, SETTINGS)
    warehouse = DuckDBResource(database=str(database))
    metadata = []
    for _ in range(2):
        with build_asset_context() as context:
            result = monthly_report_asset(context, home=home, warehouse=warehouse)
        metadata.append({k: getattr(v, "value", v) for k, v in (result.metadata or {}).items()})
    assert [m["unchanged"] for m in metadata] == [False, True]
    assert metadata[0]["month"] == metadata[1]["month"] == "2025-03"
    assert metadata[0]["files"] == metadata[1]["files"] == 15


def test_the_log_line_says_written_or_unchanged_since_when():
    folder = Path("/home/reports/2025-03")
    files = [folder / "rapport.html", folder / MANIFEST_NAME]
    assert report_log_line(MARCH, MonthReport(files, False, GENERATED)) == (
        f"Monthly report of 2025-03 written to {folder} (2 files)"
    )
    line = report_log_line(MARCH, MonthReport(files, True, GENERATED))
    assert line.startswith("Monthly report of 2025-03 unchanged since 2025-04-02 07:00: ")
    assert line.endswith(f"{folder} left as it was (2 files)")


# --- the pure pieces -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    month: date
    values: dict


def test_canonical_json_is_the_same_for_equal_values_in_any_order():
    one = {"b": [Row(MARCH, {date(2025, 2, 1): Decimal("1.50")})], "a": datetime(2025, 4, 1, 6, 0)}
    two = {"a": datetime(2025, 4, 1, 6, 0), "b": [Row(MARCH, {date(2025, 2, 1): Decimal("1.50")})]}
    assert canonical_json(one) == canonical_json(two)
    assert canonical_json(one) == (
        '{"a":"2025-04-01T06:00:00","b":[{"month":"2025-03-01","values":{"2025-02-01":"1.50"}}]}'
    )
    assert value_digest(one) == value_digest(two)
    assert value_digest(one) != value_digest({**one, "a": datetime(2025, 4, 1, 6, 1)})


def test_code_fingerprint_follows_the_templates(tmp_path):
    code = tmp_path / "reports"
    shutil.copytree(PACKAGE, code, ignore=shutil.ignore_patterns("__pycache__"))
    assert code_fingerprint(code) == code_fingerprint(PACKAGE)
    (code / "templates" / "report.html.j2").write_text("{{ month_name }}", encoding="utf-8")
    assert code_fingerprint(code) != code_fingerprint(PACKAGE)


def test_a_folder_is_unchanged_only_with_its_digest_and_all_its_files(tmp_path):
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.html").write_text("a", encoding="utf-8")
    agents = Manifest(frozenset({"k"}), frozenset({"k"}))
    write_manifest(tmp_path, MARCH, agents)
    assert read_written(tmp_path) is None and unchanged_report(tmp_path, "d1") is None
    written = Written("d1", ("pages/a.html",), GENERATED)
    write_manifest(tmp_path, MARCH, agents, written)
    assert read_manifest(tmp_path) == agents
    assert unchanged_report(tmp_path, "d1") == written
    assert unchanged_report(tmp_path, "d2") is None
    write_manifest(tmp_path, MARCH, agents, Written("d1", ("pages/a.html", "b.pdf"), None))
    assert unchanged_report(tmp_path, "d1") is None
    write_manifest(tmp_path, MARCH, agents, Written("d1", ("../outside.html",), None))
    assert read_written(tmp_path) is None


def test_pool_size_spawns_one_worker_beside_this_process_from_three_pages():
    assert pool_size(9, cpus=2) == 1 and pool_size(9, cpus=8) == 1
    assert pool_size(2, cpus=2) == 0 and pool_size(9, cpus=1) == 0


@pytest.mark.parametrize("workers", [0, 1])
def test_the_printer_prints_every_page(tmp_path, workers):
    pages = [(f"<h1>Page {i}</h1>", tmp_path / f"{i}.pdf") for i in range(4)]
    with PdfPrinter(workers) as printer:
        for html, path in pages:
            printer.print(html, path)
    assert all(path.read_bytes().startswith(b"%PDF") for _, path in pages)


def test_a_page_a_worker_cannot_print_fails_the_block(tmp_path):
    with pytest.raises(FileNotFoundError), PdfPrinter(1) as printer:
        printer.print("<p>one</p>", tmp_path / "one.pdf")
        printer.print("<p>two</p>", tmp_path / "missing" / "two.pdf")
