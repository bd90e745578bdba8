"""Files members make from their exports: each gets a truthful reason, and is quarantined or read, never dropped.

Everything here is made up: no real person's data.
"""

from datetime import date

from relais.inbox.scan import (
    HEADERLESS_REASON,
    RESAVED_REASON,
    UNRECOGNISED_REASON,
    UNUSED,
    misnamed_workbook,
    recognise_csv,
    scan_inbox,
)
from relais.sources.readers.analytics import Person, ingest_creator_exports
from relais.synthetic.creator import ENGLISH, write_creator_export
from relais.synthetic.workbooks import write_workbook
from tests.builders import write_text, write_zip

SHARES_HEADER = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"
SHARE = "2024-03-01 09:00:00,https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000001/,Bonjour,,,PUBLIC"
LIKE = "2024-03-02 10:00:00,LIKE,https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000002/"
PRAISE = (
    "2024-03-03 11:00:00,PRAISE,https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000003/"
)
CREATOR_CSV = "AggregateAnalytics_Hélène Lefèvre_2026-01-01_2026-01-31.csv"


def _found(inbox):
    return {f.path: f for f in scan_inbox(inbox)}


def test_headerless_skills_with_semicolon_line_ends_is_quarantined_with_its_reason(tmp_path):
    inbox = tmp_path / "inbox"
    write_text(inbox / "Basic_LinkedInDataExport" / "Shares.csv", [SHARES_HEADER, SHARE])
    skills = ["Politiques publiques;", "Gestion de projet;", "Python;"]
    write_text(inbox / "Basic_LinkedInDataExport" / "Skills.csv", skills, newline="\r\n")
    item = _found(inbox)["Basic_LinkedInDataExport/Skills.csv"]
    assert (item.kind, item.container, item.container_type) == (
        "unknown",
        "Basic_LinkedInDataExport",
        "folder",
    )
    assert item.reason == (
        "no header line: was it edited by hand? it looks like a LinkedIn archive's Skills.csv (its name, "
        "one skill a line, first line 'Politiques publiques;'), whose header line (Name) is missing: not "
        "read; export it again, or put the header line back"
    )
    with_header = write_text(tmp_path / "ok" / "Skills.csv", ["Name", *skills], newline="\r\n")
    assert recognise_csv("Skills.csv", with_header.read_bytes()) == ("li_skills", "")


def test_archive_csv_with_its_header_removed_says_what_it_looks_like(tmp_path):
    inbox = tmp_path / "inbox"
    write_zip(
        inbox / "Complete_LinkedInDataExport.zip",
        {"Shares.csv": f"{SHARES_HEADER}\n{SHARE}\n", "Reactions.csv": f"{LIKE}\n{PRAISE}\n"},
    )
    item = _found(inbox)["Complete_LinkedInDataExport.zip!Reactions.csv"]
    assert item.kind == "unknown" and item.reason.startswith(HEADERLESS_REASON)
    assert "a row of a LinkedIn archive's Reactions.csv, whose header line (Date,Type,Link) is missing" in (
        item.reason
    )
    # content decides, not the name: a Connections row (its date last) under any name
    connection = (
        b"Camille,Durand,https://www.linkedin.com/in/camille-durand,,Mairie,Chargee de mission,04 Jul 2023\n"
    )
    kind, reason = recognise_csv("export (2).csv", connection)
    assert kind == "unknown" and "a LinkedIn archive's Connections.csv" in reason
    # a file that looks like nothing known stays merely unrecognised (and unused inside an archive)
    assert recognise_csv("budget.csv", b"poste;montant\npapier;12\n") == ("unknown", UNRECOGNISED_REASON)
    write_text(inbox / "folder" / "Shares.csv", [SHARES_HEADER, SHARE])
    write_text(inbox / "folder" / "notes.csv", ["poste;montant", "papier;12"])
    assert _found(inbox)["folder/notes.csv"].kind == UNUSED


def test_workbook_saved_as_csv_is_named_and_quarantined(tmp_path):
    inbox = tmp_path / "inbox"
    write_text(inbox / "archive" / "Shares.csv", [SHARES_HEADER, SHARE])
    write_workbook(
        inbox / "archive" / "Reactions.csv", {"Reactions": [["Date", "Type", "Link"], LIKE.split(",")]}
    )
    item = _found(inbox)["archive/Reactions.csv"]
    assert item.kind == "unknown"
    assert item.reason == (
        "an Excel workbook named .csv: save it again as CSV, or rename it .xlsx (its sheet 'Reactions' "
        "looks like a LinkedIn archive's Reactions.csv): not read"
    )
    budget = write_workbook(inbox / "budget.csv", {"Feuil1": [["poste", "montant"], ["papier", 12]]})
    found = _found(inbox)["budget.csv"]
    assert found.kind == "unknown" and found.reason.startswith(
        misnamed_workbook(budget.name, budget.read_bytes())
    )
    assert "matches no known export" in found.reason
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
    assert recognise_csv("Reactions.csv", ole) == (
        "unknown",
        "an Excel workbook named .csv: save it again as CSV, or rename it .xls",
    )


def test_creator_workbook_saved_as_csv_is_read_as_that_workbook(tmp_path):
    inbox = tmp_path / "inbox"
    write_creator_export(
        inbox / CREATOR_CSV,
        ENGLISH,
        period="1/1/2026 - 1/31/2026",
        discovery=(1000, 300),
        days=[["1/2/2026", 40, 2]],
        top_by_engagements=[
            ["https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000009/", "1/2/2026", 2]
        ],
        top_by_impressions=[
            ["https://www.linkedin.com/feed/update/urn:li:activity:7100000000000000009/", "1/2/2026", 40]
        ],
        followers_on="1/31/2026",
        followers_total=50,
        follower_days=[["1/2/2026", 1]],
    )
    [item] = scan_inbox(inbox)
    assert item.kind == "creator_analytics"
    assert item.reason.startswith(
        "an Excel workbook named .csv: save it again as CSV, or rename it .xlsx; read as a workbook: "
        "creator analytics export (5 of its 5 sheets"
    )
    tables, _, ledger = ingest_creator_exports(inbox, [item], [Person("A9", "Hélène", "Lefèvre")])
    [outcome] = ledger.files
    # by hand: 1 ENGAGEMENT day + 2 top-post entries + 1 FOLLOWERS day + the summary row = 5 rows
    assert (outcome.status, outcome.rows_read, outcome.rows_loaded) == ("loaded", 5, 5)
    assert outcome.reason.startswith("an Excel workbook named .csv")
    assert [(r["day"], r["impressions"]) for r in tables["creator_daily"]] == [(date(2026, 1, 2), 40)]
    assert tables["creator_periods"][0]["impressions"] == 1000


def test_pandas_resaves_are_quarantined_with_what_gave_them_away(tmp_path):
    index_column = f",Date,Type,Link\n0,{LIKE}\n1,{PRAISE}\n"
    kind, reason = recognise_csv("Reactions.csv", index_column.encode())
    assert kind == "unknown"
    assert reason == (
        "re-saved by a script (pandas): its first column ('', row numbers 0, 1, 2...) is the script's "
        "index; its values went through a script and may no longer be LinkedIn's, so it is not read: "
        "put the file from the LinkedIn export in its place"
    )
    twice = f"Unnamed: 0,Date,Type,Link,Date.1\n0,{LIKE},2024-03-02\n"
    kind, reason = recognise_csv("Reactions.csv", twice.encode())
    assert kind == "unknown" and reason.startswith(RESAVED_REASON)
    assert "('Unnamed: 0', row numbers 0, 1, 2...)" in reason
    assert "column 'Date.1' is a second 'Date'" in reason
    # in an unpacked archive the file stays unknown, so it is quarantined, not listed as unused
    inbox = tmp_path / "inbox"
    write_text(inbox / "archive" / "Shares.csv", [SHARES_HEADER, SHARE])
    (inbox / "archive" / "Reactions.csv").write_text(index_column)
    item = _found(inbox)["archive/Reactions.csv"]
    assert (item.kind, item.container) == ("unknown", "archive") and item.reason.startswith(RESAVED_REASON)
    # a first column that is not 0, 1, 2... is the export's own column, not an index: nothing said
    assert recognise_csv("Reactions.csv", f"Date,Type,Link\n{LIKE}\n".encode()) == ("li_reactions", "")
