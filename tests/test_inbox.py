"""Files are recognised by content, wherever they sit and whatever their name; a NUL byte spoils a row only."""

from relais.inbox.scan import BINARY_REASON, nul_header_reason, recognise_csv, scan_inbox
from relais.sources.io.tables import read_table
from relais.sources.io.text import decode_text, detect_encoding, iter_records, nul_byte_reason
from relais.sources.linkedin_archive import COMMENTS, CONNECTIONS
from relais.sources.linkedin_archive import SHARES as SHARES_SPEC
from tests.builders import CONNECTIONS_PREAMBLE, csv_text, write_page_export, write_text, write_zip
from tests.corpus import raw

ROSTER = "matricule;prénom;nom;courriel;direction;site;fonction;date_adhesion;consentement;date_retrait"


def _kinds(inbox):
    return {f.path: (f.kind, f.container, f.container_type) for f in scan_inbox(inbox)}


def test_recognised_by_content_not_by_name_or_place(tmp_path):
    inbox = tmp_path / "inbox"
    write_text(inbox / "deep" / "down" / "whatever.txt", [ROSTER, "A1;A;B;a@b.fr;D;S;F;;;"])
    write_page_export(inbox / "x" / "export.xlsx", [])
    write_zip(
        inbox / "random-name.zip",
        {
            "Shares_998877.csv": csv_text(["Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"]),
            "Email Addresses.csv": csv_text(["Email Address,Confirmed,Primary,Updated On"]),
            "messages.csv": csv_text(["CONVERSATION ID,FROM,TO"]),
        },
    )
    write_text(inbox / "folder" / "a" / "Reactions.csv", ["Date,Type,Link"])
    write_text(inbox / "folder" / "a" / "Jobs" / "Job Applications.csv", ["Application Date,Company Name"])
    kinds = _kinds(inbox)
    assert kinds["deep/down/whatever.txt"] == ("hr_roster", "deep/down/whatever.txt", "file")
    assert kinds["x/export.xlsx"][0] == "page_content"
    assert kinds["random-name.zip!Shares_998877.csv"] == ("li_shares", "random-name.zip", "zip")
    assert kinds["random-name.zip!Email Addresses.csv"][0] == "li_email_addresses"
    assert kinds["random-name.zip!messages.csv"][0] == "li_unused"
    assert kinds["folder/a/Reactions.csv"] == ("li_reactions", "folder/a", "folder")
    assert kinds["folder/a/Jobs/Job Applications.csv"] == ("li_unused", "folder/a", "folder")


def test_unrecognised_and_broken_files_say_why(tmp_path):
    inbox = tmp_path / "inbox"
    write_text(inbox / "budget.csv", ["poste;montant", "papier;12"])
    (inbox / "broken.zip").write_bytes(b"PK\x03\x04 this is not a zip")
    (inbox / "broken.xlsx").write_bytes(b"not a spreadsheet")
    (inbox / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    write_zip(inbox / "other.zip", {"readme.txt": "hello"})
    write_zip(
        inbox / "evil.zip",
        {"../../etc/Shares.csv": "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"},
    )
    write_text(inbox / ".DS_Store", ["x"])
    found = {f.path: f for f in scan_inbox(inbox)}
    assert found.pop(".DS_Store").kind == "system"
    assert {p: f.kind for p, f in found.items()} == {p: "unknown" for p in found}
    assert "no known header" in found["budget.csv"].reason
    assert "corrupt zip" in found["broken.zip"].reason
    assert "unreadable spreadsheet" in found["broken.xlsx"].reason
    assert "no LinkedIn archive" in found["other.zip"].reason
    assert "escapes the archive" in found["evil.zip"].reason


def test_empty_or_missing_inbox(tmp_path):
    assert scan_inbox(tmp_path / "missing") == []
    (tmp_path / "empty").mkdir()
    assert scan_inbox(tmp_path / "empty") == []


def test_a_zip_of_several_archives_is_split_by_folder(tmp_path):
    inbox = tmp_path / "inbox"
    shares = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"
    write_zip(
        inbox / "all_exports.zip",
        {
            "VDA1_export/Shares.csv": shares,
            "VDA1_export/Jobs/Saved Jobs.csv": "Saved Date,Job Url\n",
            "VDA2_export/Shares.csv": shares,
            "readme.txt": "collected by HR",
        },
    )
    containers = {f.path: f.container for f in scan_inbox(inbox)}
    assert containers == {
        "all_exports.zip!VDA1_export/Shares.csv": "all_exports.zip!VDA1_export",
        "all_exports.zip!VDA1_export/Jobs/Saved Jobs.csv": "all_exports.zip!VDA1_export",
        "all_exports.zip!VDA2_export/Shares.csv": "all_exports.zip!VDA2_export",
        "all_exports.zip!readme.txt": "all_exports.zip",
    }


def test_redropped_files_are_read_once_and_symlinks_never_followed(tmp_path):
    inbox = tmp_path / "inbox"
    roster = write_text(inbox / "rh" / "roster.csv", [ROSTER, "A1;A;B;a@b.fr;D;S;F;;;"])
    write_text(inbox / "rh" / "copie de roster.csv", [ROSTER, "A1;A;B;a@b.fr;D;S;F;;;"])
    write_zip(
        inbox / "a.zip", {"Shares.csv": "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\n"}
    )
    (inbox / "b.zip").write_bytes((inbox / "a.zip").read_bytes())
    outside = write_text(tmp_path / "secret.csv", [ROSTER])
    (inbox / "link.csv").symlink_to(outside)
    (inbox / "linked_folder").symlink_to(tmp_path)
    found = {f.path: f for f in scan_inbox(inbox)}
    assert found["rh/copie de roster.csv"].kind == "hr_roster", "the first in path order is read"
    assert found["rh/roster.csv"].kind == "duplicate"
    assert found["rh/roster.csv"].reason == "same content as rh/copie de roster.csv"
    assert found["b.zip"].kind == "duplicate" and found["b.zip"].reason == "same content as a.zip"
    assert found["a.zip!Shares.csv"].kind == "li_shares"
    for link in ("link.csv", "linked_folder"):
        assert found[link].kind == "unknown" and "symbolic link" in found[link].reason
    assert not any("secret" in p for p in found)
    assert roster.exists()


def test_a_scan_in_two_processes_lists_what_one_process_lists(tmp_path):
    inbox = tmp_path / "inbox"
    write_text(inbox / "rh" / "roster.csv", [ROSTER, "A1;A;B;a@b.fr;D;S;F;;;"])
    write_text(inbox / "rh" / "copie.csv", [ROSTER, "A1;A;B;a@b.fr;D;S;F;;;"])
    write_zip(inbox / "a.zip", {"Shares.csv": SHARES + "\n", "Reactions.csv": "Date,Type,Link\n"})
    (inbox / "b.zip").write_bytes((inbox / "a.zip").read_bytes())
    write_text(inbox / "unpacked" / "Comments.csv", ["Date,Link,Message"])
    write_text(inbox / "unpacked" / "notes.csv", ["poste;montant"])
    write_page_export(inbox / "page" / "content.xlsx", [])
    (inbox / "link.csv").symlink_to(inbox / "rh" / "roster.csv")
    one: dict = {}
    two: dict = {}
    assert scan_inbox(inbox, two, workers=2, parallel_from=1) == scan_inbox(inbox, one)
    assert two == one
    write_text(inbox / "unpacked" / "Comments.csv", ["Date,Link,Message", "2026-01-02,https://x.y/1,Bravo"])
    assert scan_inbox(inbox, two, workers=2, parallel_from=1) == scan_inbox(inbox, one)
    assert two == one and {"rh/roster.csv", "a.zip", "page/content.xlsx"} <= set(one)


SHARES = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"
NUL_ROW = "NUL byte (\\x00) in the line: the file was damaged or edited by a tool that writes binary"


def test_the_reader_quarantines_the_record_holding_a_nul_byte_and_reads_on():
    text = (
        f"{SHARES}\r\n"
        '2026-04-01 10:00:00,l1,"Un",,,PUBLIC\r\n'
        '2026-04-02 10:00:00,l2,"De\x00ux",,,PUBLIC\r\n'
        '2026-04-03 10:00:00,l3,"Ligne un""\n""ligne\x00 deux""\n""trois",,,PUBLIC\n'
        '2026-04-04 10:00:00,l4,"Après ""\n""sur deux lignes",,,PUBLIC\n'
        "\x00\x00\x00"
    )
    records = list(iter_records(text))
    assert [(r.first_line, r.last_line, bool(r.error)) for r in records] == [
        (1, 1, False),
        (2, 2, False),
        (3, 3, True),
        (4, 6, True),
        (7, 8, False),
        (9, 9, True),
    ]
    assert records[2].fields == [] and records[2].error == nul_byte_reason()
    assert "in this row (a quoted text over 3 lines)" in records[3].error
    read = read_table("Shares.csv", text, SHARES_SPEC)
    assert [row["_source_row"] for row in read.rows] == [2, 7]
    assert read.rows[1]["commentary"] == "Après \nsur deux lignes"
    assert [(p.source_row, p.reason) for p in read.problems] == [
        (3, nul_byte_reason()),
        (4, nul_byte_reason(3)),
        (9, nul_byte_reason()),
    ]
    assert nul_byte_reason().startswith(NUL_ROW) and nul_byte_reason().endswith(
        "the rest of the file was read"
    )
    assert read.rows_read == len(read.rows) + len(read.problems)


def test_the_reader_keeps_backslash_escapes_and_a_preamble_around_a_nul_byte():
    comments = 'Date,Link,Message\n2026-04-01 10:00:00,l1,"a \\"b\\""\n2026-04-01 11:00:00,l1,"\\"\x00\\""\n'
    read = read_table("Comments.csv", comments, COMMENTS)
    assert [row["message"] for row in read.rows] == ['a "b"']
    assert [(p.source_row, p.reason) for p in read.problems] == [(3, nul_byte_reason())]
    lines = [*CONNECTIONS_PREAMBLE, "First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    connections = csv_text([*lines, "A,B,,,Acme,CTO,01 Apr 2026", "C,\x00,,,Acme,CTO,02 Apr 2026"])
    read = read_table("Connections.csv", connections, CONNECTIONS)
    assert [row["_source_row"] for row in read.rows] == [5]
    assert [(p.source_row, p.reason) for p in read.problems] == [(6, nul_byte_reason())]


def test_lines_holding_a_nul_byte_do_not_decide_the_encoding():
    good = f'{SHARES}\n2026-04-01 10:00:00,l1,"Très réussi",,,PUBLIC\n'.encode()
    garbage_at_end = good + b"\x00\x01\xff\xfe\x00\x9d" * 10
    assert detect_encoding(garbage_at_end) == "utf-8-sig"
    assert decode_text(garbage_at_end)[0].startswith(good.decode())
    nul_then_cp1252 = f'{SHARES}\n2026,l1,"\x00",,,\n2026,l2,"Très",,,\n'.encode("cp1252")
    assert detect_encoding(nul_then_cp1252) == "cp1252"
    assert decode_text(nul_then_cp1252) == (nul_then_cp1252.decode("cp1252"), "cp1252")


def test_a_nul_byte_never_hides_an_archive_file(tmp_path):
    inbox = tmp_path / "inbox"
    row = '2026-04-01 10:00:00,l1,"Un",,,PUBLIC\n'
    folder = inbox / "C01_archive"
    raw(folder / "Reactions.csv", b"Date,Type,Link\n2026-04-01 08:00:00,LIKE,l\n")
    raw(folder / "Shares.csv", f"{SHARES}\n{row}".replace("Un", "U\x00n").encode())
    raw(folder / "Comments.csv", b"Date,Link,Message\n" + b"\x00\xff" * 3000)
    raw(folder / "Connections.csv", b"\x00" * 100)
    raw(folder / "Votes.csv", b"Date,Link,OptionText\n2026,l,\x00\n")
    damaged_header = SHARES.replace("Share", "Sha\x00re", 1)
    raw(inbox / "C02_header" / "Shares.csv", f"{damaged_header}\n{row}".encode())
    write_zip(inbox / "C03.zip", {"Shares.csv": f"{SHARES}\n{row}\x00\n", "Rich_Media.csv": "\x00" * 10})
    found = {f.path: f for f in scan_inbox(inbox)}
    kinds = {path: (f.kind, f.container) for path, f in found.items()}
    assert kinds["C01_archive/Shares.csv"] == ("li_shares", "C01_archive")
    assert kinds["C01_archive/Comments.csv"] == ("li_comments", "C01_archive")
    assert kinds["C01_archive/Votes.csv"] == ("li_unused", "C01_archive")
    assert kinds["C01_archive/Connections.csv"] == ("unknown", "C01_archive")
    assert found["C01_archive/Connections.csv"].reason == BINARY_REASON
    assert kinds["C02_header/Shares.csv"] == ("unknown", "C02_header"), (
        "a damaged anchor still marks an archive"
    )
    assert found["C02_header/Shares.csv"].reason == nul_header_reason("li_shares")
    assert kinds["C03.zip!Shares.csv"] == ("li_shares", "C03.zip")
    assert found["C03.zip!Rich_Media.csv"].reason == BINARY_REASON
    assert "NUL byte (\\x00) in the header line: looks like a LinkedIn archive's Shares.csv" in (
        nul_header_reason("li_shares")
    )
    assert recognise_csv("roster.csv", f"{ROSTER}\nA1;A;B;a@b.fr;D;\x00;F;;;\n".encode()) == ("hr_roster", "")


def test_the_inbox_is_walked_once_in_path_order_with_each_files_lstat(tmp_path):
    """``inbox_entries`` lists what a walk of the folders sorted as paths lists (a folder's files before
    a sibling named like them with a suffix), with symbolic links and special files not followed."""
    import os
    import stat
    from pathlib import Path

    from relais.inbox.scan import fingerprint_inbox, inbox_entries

    for name in ("a/b.csv", "a-b.csv", "a.csv", "A/x.csv", "a/c/d.csv", ".hidden", "z.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name, encoding="utf-8")
    (tmp_path / "link").symlink_to(tmp_path / "a", target_is_directory=True)
    (tmp_path / "dead.csv").symlink_to(tmp_path / "missing.csv")
    os.mkfifo(tmp_path / "pipe")
    walked: list[Path] = []
    for folder, directories, files in os.walk(tmp_path, followlinks=False):
        walked += [Path(folder) / n for n in files] + [
            Path(folder) / n for n in directories if (Path(folder) / n).is_symlink()
        ]
    entries = inbox_entries(tmp_path)
    assert [e.path for e in entries] == sorted(walked)
    assert [e.relative for e in entries][:5] == [".hidden", "A/x.csv", "a/b.csv", "a/c/d.csv", "a-b.csv"]
    modes = {e.relative: e.stat.st_mode for e in entries}
    assert stat.S_ISLNK(modes["link"]) and stat.S_ISLNK(modes["dead.csv"]) and stat.S_ISFIFO(modes["pipe"])
    assert list(fingerprint_inbox(tmp_path, {})) == [
        ".hidden",
        "A/x.csv",
        "a/b.csv",
        "a/c/d.csv",
        "a-b.csv",
        "a.csv",
        "z.csv",
    ]
    found = {item.path: item.reason for item in scan_inbox(tmp_path)}
    assert "link" in found and "dead.csv" in found and "pipe" in found  # listed, never opened
