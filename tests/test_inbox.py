"""Files are recognised by content, wherever they sit and whatever their name."""

from assets.inbox import scan_inbox
from tests.builders import csv_text, write_page_export, write_text, write_zip

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
