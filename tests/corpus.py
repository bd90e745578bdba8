"""A corpus of bad inputs, each with the outcome a whole run must give it (see ``test_corpus.py``).

Every case writes its files into its own folder of the inbox, ``corpus/<case name>/``, and says
what must become of each of them: the ledger status and a phrase of the reason, the rows loaded,
and the quarantined rows (the exact set of row numbers, each with a phrase of its reason). Cases
spread over every source: the HR roster, LinkedIn archive members (unpacked and zipped), zip
files as such, the institution's Page export, creator analytics, advocacy reports, LinkedIn API
envelopes, and what the inbox itself may hold (links, pipes). The files that must load belong to
the corpus ambassador C01 of the good organisation's roster (by the agent id in their names) or
name her (advocacy reports), so that nothing is excluded for privacy by accident.

The good organisation (``build_good_organisation``) is a roster, one archive and one Page export
whose figures were worked out by hand; the bad cases must leave them intact.
"""

from __future__ import annotations

import json
import os
import stat
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from relais.synthetic.creator import ENGLISH, write_creator_export
from relais.synthetic.workbooks import write_workbook
from tests.builders import CONNECTIONS_PREAMBLE, csv_text, write_page_export, write_text, write_zip

CORPUS = "corpus"
LOADED, QUARANTINED, IGNORED = "loaded", "quarantined", "ignored"

ROSTER_HEADER = (
    "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent,consent_withdrawn_on"
)
FRENCH_HEADER = (
    "matricule;prénom;nom;courriel;direction;site;fonction;date_adhesion;consentement;date_retrait"
)
SHARES_HEADER = "Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility"
CONNECTIONS_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"
ES_HEADER = "Name,Type,Created On,Onboarded,Last Active,Reach,Posts,Shares,Clicks"
POST_1001 = "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000001001/"
POST_1002 = "https://www.linkedin.com/feed/update/urn:li:activity:7100000000000001002/"


def post(n: int) -> str:
    """A link to the institution-like post number ``n`` of the corpus (never one of the good posts)."""
    return f"https://www.linkedin.com/feed/update/urn:li:activity:71000000000000{n:05d}/"


def share(n: int) -> str:
    """The link of a member's own post number ``n``."""
    return f"https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A70000000000000{n:05d}"


@dataclass(frozen=True)
class Expect:
    """What must become of one file: ledger status, a phrase of its reason, rows loaded and quarantined.

    ``rows`` is the exact set of quarantined rows of the file, each with a phrase of its reason;
    ``loaded`` and ``withheld``, when given, are the ledger's counts (row conservation then proves
    that the raw tables hold exactly ``loaded`` rows of the file).
    """

    status: str
    reason: str = ""
    loaded: int | None = None
    rows: tuple[tuple[int, str], ...] = ()
    withheld: int | None = None


@dataclass(frozen=True)
class Check:
    """A query about one file of the case (bound to its inbox path as ``?``) and the answer it must give."""

    file: str
    sql: str
    expected: Any


@dataclass(frozen=True)
class Case:
    """One bad input: its source kind, what is wrong with it, how to write it, and its outcome.

    ``write`` receives the case's folder inside the inbox. ``expect`` maps every file the run lists
    under that folder (paths relative to it, zip members as ``x.zip!member``) to its outcome;
    ``checks`` are extra queries on the warehouse.
    """

    name: str
    source: str
    problem: str
    write: Callable[[Path], None]
    expect: dict[str, Expect]
    checks: tuple[Check, ...] = field(default_factory=tuple)


def raw(path: Path, data: bytes) -> None:
    """Write bytes to a file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def person(n: int, sep: str = ",", department: str = "Corpus RH", enrolled: str = "2026-02-01") -> str:
    """A roster line of corpus person ``RX<n>`` (a consenting ambassador of a corpus department)."""
    return sep.join(
        [f"RX{n}", "Rx", f"N{n}", f"rx{n}@ville.fr", department, "Site", "Agent", enrolled, "oui", ""]
    )


# --- the good organisation -------------------------------------------------------------------------

GOOD_ROSTER = "good/roster.csv"
GOOD_ARCHIVE = "good/linkedin/Complete_LinkedInDataExport_04-01-2026.zip"
GOOD_PAGE = "good/page/content.xlsx"
GOOD_ROSTER_LINES = [
    ROSTER_HEADER,
    "G01,Gina,Good,gina.good@ville.fr,Communication,HQ,Officer,2026-01-05,oui,",
    "G02,Gus,Good,gus.good@ville.fr,Communication,HQ,Officer,,,",
    "C01,Cora,Corpus,cora.corpus@ville.fr,Corpus,Lab,Tester,2026-01-05,oui,",
]
GOOD_MEMBERS: dict[str, list[str]] = {
    "Email Addresses.csv": ["Email Address,Confirmed,Primary,Updated On", "gina.good@ville.fr,Yes,Yes,"],
    "Shares.csv": [
        SHARES_HEADER,
        f'2026-01-12 10:00:00,{share(1)},"Bonne année",,,PUBLIC',
        f'2026-02-03 09:00:00,{share(2)},"À lire",{POST_1001},,PUBLIC',
    ],
    "Reactions.csv": [
        "Date,Type,Link",
        f"2026-02-06 08:00:00,LIKE,{POST_1002}",
        f"2026-03-02 08:00:00,PRAISE,{POST_1001}",
    ],
    "Comments.csv": ["Date,Link,Message", f'2026-01-15 12:00:00,{POST_1001},"Bravo \\"à tous\\""'],
    "Connections.csv": [
        CONNECTIONS_HEADER,
        "X1,Y1,https://www.linkedin.com/in/x1,,Acme,CTO,08 Jan 2026",
        "X2,Y2,https://www.linkedin.com/in/x2,,Acme,CTO,20 Jan 2026",
    ],
    "Skills.csv": ["Name", "Communication publique"],
}
GOOD_FILES: dict[str, int] = {
    GOOD_ROSTER: 3,
    f"{GOOD_ARCHIVE}!Shares.csv": 2,
    f"{GOOD_ARCHIVE}!Reactions.csv": 2,
    f"{GOOD_ARCHIVE}!Comments.csv": 1,
    f"{GOOD_ARCHIVE}!Connections.csv": 2,
    f"{GOOD_ARCHIVE}!Skills.csv": 1,
    GOOD_PAGE: 2,
}
"""Every good file and the rows it must load (the e-mail addresses are withheld, not loaded)."""

AGENT_MONTH_COLUMNS = (
    "is_enrolled, posts, reshares, institution_reshares, comments_given, reactions_given, "
    "new_connections, endorsements_received, is_active"
)
EXPECTED_G01_MONTHS = {
    date(2026, 1, 1): (True, 1, 0, 0, 1, 0, 2, 0, True),
    date(2026, 2, 1): (True, 0, 1, 1, 0, 1, 0, 0, True),
    date(2026, 3, 1): (True, 0, 0, 0, 0, 1, 0, 0, False),
}
"""G01's figures, worked out by hand from the good archive and the Page export."""
DEPARTMENT_MONTH_COLUMNS = (
    "headcount, enrolled, active, participation_rate, adoption_rate, posts, reshares, institution_reshares"
)
EXPECTED_COMMUNICATION = {
    date(2026, 1, 1): (2, 1, 1, 1.0, 0.5, 1, 0, 0),
    date(2026, 2, 1): (2, 1, 1, 1.0, 0.5, 0, 1, 1),
    date(2026, 3, 1): (2, 1, 0, 0.0, 0.5, 0, 0, 0),
}
EXPECTED_PAGE_POSTS = {
    "activity:7100000000000001001": ("Budget 2026", 1000, 10, 20, 2, 3),
    "activity:7100000000000001002": ("Recrutement", 800, 8, 15, 1, 2),
}


def build_good_organisation(inbox: Path) -> None:
    """A roster (two Communication staff, one ambassador, and the corpus ambassador C01), G01's
    archive (found by e-mail) and the institution's Page export with its two posts."""
    write_text(inbox / GOOD_ROSTER, GOOD_ROSTER_LINES)
    write_zip(inbox / GOOD_ARCHIVE, {name: csv_text(lines) for name, lines in GOOD_MEMBERS.items()})
    write_page_export(
        inbox / GOOD_PAGE,
        [
            ("Budget 2026", POST_1001, "1/10/2026", 1000, 10, 20, 2, 3),
            ("Recrutement", POST_1002, "2/5/2026", 800, 8, 15, 1, 2),
        ],
    )


# --- HR roster --------------------------------------------------------------------------------------


def _roster_tab(folder: Path) -> None:
    write_text(
        folder / "roster.txt", [ROSTER_HEADER.replace(",", "\t"), person(101, "\t"), person(102, "\t")]
    )


def _roster_pipe(folder: Path) -> None:
    write_text(folder / "roster.csv", [ROSTER_HEADER.replace(",", "|"), person(201, "|"), person(202, "|")])


def _roster_rows_in_wrong_delimiter(folder: Path) -> None:
    write_text(folder / "roster.csv", [FRENCH_HEADER, person(301), person(302), person(303, ";")])


def _roster_cp1252(folder: Path) -> None:
    lines = [FRENCH_HEADER, person(401, ";", "Santé publique"), person(402, ";", "Santé publique")]
    write_text(folder / "export_rh.csv", lines, newline="\r\n", encoding="cp1252")


def _roster_bom(folder: Path) -> None:
    write_text(folder / "roster.csv", [ROSTER_HEADER, person(501, ",", "Éducation")], encoding="utf-8-sig")


def _roster_utf16(folder: Path) -> None:
    lines = [
        FRENCH_HEADER.replace(";", "\t"),
        person(601, "\t", "Île-de-France"),
        person(602, "\t", "Île-de-France"),
    ]
    write_text(folder / "roster.txt", lines, newline="\r\n", encoding="utf-16")


def _roster_bom_then_cp1252(folder: Path) -> None:
    body = csv_text([FRENCH_HEADER, person(701, ";", "Santé publique")], newline="\r\n")
    raw(folder / "roster.csv", b"\xef\xbb\xbf" + body.encode("cp1252"))


def _roster_truncated(folder: Path) -> None:
    write_text(
        folder / "roster.csv",
        [ROSTER_HEADER, person(801), "RX802,Rx,N802,rx802@ville.fr,Corpus RH,Site", person(803)],
    )


def _roster_unclosed_quote(folder: Path) -> None:
    broken = 'RX902,Rx,N902,rx902@ville.fr,"Direction des finances,Site,Agent,2026-02-01,oui,'
    write_text(folder / "roster.csv", [ROSTER_HEADER, person(901), broken, person(903), person(904)])


def _roster_missing_column(folder: Path) -> None:
    header = "agent_id,first_name,last_name,email,department,site,job_title,enrolled_on,consent_withdrawn_on"
    write_text(
        folder / "roster.csv", [header, "RX1001,Rx,N1001,rx1001@ville.fr,Corpus RH,Site,Agent,2026-02-01,"]
    )


def _roster_extra_column(folder: Path) -> None:
    write_text(
        folder / "roster.csv", [f"{ROSTER_HEADER},badge", f"{person(1101)},B-1", f"{person(1102)},B-2"]
    )


def _roster_extra_values(folder: Path) -> None:
    write_text(folder / "roster.csv", [ROSTER_HEADER, person(1201), f"{person(1202)},en trop"])


def _roster_duplicated_id(folder: Path) -> None:
    write_text(folder / "roster.csv", [ROSTER_HEADER, person(1301), person(1302), person(1301)])


def _roster_nul_byte(folder: Path) -> None:
    """Four people; the third one's row (line 4) holds a NUL byte in the middle of the last name."""
    lines = [
        ROSTER_HEADER,
        person(4301),
        person(4302),
        person(4303).replace("N4303", "N43\x0003"),
        person(4304),
    ]
    write_text(folder / "roster.csv", lines)


def _roster_bad_values(folder: Path) -> None:
    lines = [
        ROSTER_HEADER,
        person(1401, enrolled="31/02/2026"),
        person(1402, enrolled="2026-13-01"),
        person(1403, enrolled="hier"),
        person(1404).replace(",oui,", ",peut-être,"),
        person(1405, enrolled="15/02/2026"),
    ]
    write_text(folder / "roster.csv", lines)


# --- LinkedIn archive members (unpacked folders and zips of the corpus ambassador C01) --------------


def _archive(folder: Path, members: dict[str, list[str] | bytes], newline: str = "\n") -> None:
    """An unpacked archive of C01 (found by the agent id in its folder's name)."""
    for name, content in members.items():
        path = folder / "C01_archive" / name
        if isinstance(content, bytes):
            raw(path, content)
        else:
            write_text(path, content, newline=newline)


def _archive_duplicated_rows(folder: Path) -> None:
    reaction = f"2026-06-10 08:00:00,LIKE,{post(1)}"
    shared = f'2026-06-11 09:00:00,{share(10)},"Deux fois le même",,,PUBLIC'
    _archive(
        folder,
        {
            "Reactions.csv": ["Date,Type,Link", reaction, reaction],
            "Shares.csv": [SHARES_HEADER, shared, shared],
        },
    )


def _archive_user_made_files(folder: Path) -> None:
    """Files a person made from an archive: a Skills.csv without its header (``;`` line ends), a
    Reactions.csv re-saved by pandas (its index column), a Comments.csv that is an Excel workbook."""
    like = f"2026-06-10 08:00:00,LIKE,{post(1)}"
    _archive(
        folder,
        {
            "Shares.csv": [SHARES_HEADER, f'2026-06-13 09:00:00,{share(77)},"Bonjour",,,PUBLIC'],
            "Skills.csv": ["Politiques publiques;", "Gestion de projet;"],
            "Reactions.csv": [",Date,Type,Link", f"0,{like}", f"1,{like.replace('06-10', '06-12')}"],
        },
    )
    write_workbook(
        folder / "C01_archive" / "Comments.csv",
        {"Comments": [["Date", "Link", "Message"], ["2026-06-10 08:00:00", post(2), "Bravo"]]},
    )


def _archive_future_dates(folder: Path) -> None:
    _archive(
        folder,
        {
            "Reactions.csv": [
                "Date,Type,Link",
                f"2026-05-01 08:00:00,LIKE,{post(2)}",
                f"2099-01-01 10:00:00,LIKE,{post(3)}",
            ],
            "Connections.csv": [
                CONNECTIONS_HEADER,
                "A,B,,,Acme,CTO,01 Jan 2099",
                "C,D,,,Acme,CTO,05 May 2026",
            ],
        },
    )


def _archive_dmy_dates(folder: Path) -> None:
    _archive(
        folder,
        {
            "Shares.csv": [
                SHARES_HEADER,
                f'31/03/2026 10:00:00,{share(20)},"Jour en premier",,,PUBLIC',
                f'03/31/2026 10:00,{share(21)},"Mois en premier",,,PUBLIC',
                f'2026-03-31 10:00:00,{share(22)},"ISO",,,PUBLIC',
            ]
        },
    )


def _archive_truncated(folder: Path) -> None:
    _archive(
        folder,
        {
            "Reactions.csv": [
                "Date,Type,Link",
                f"2026-05-02 08:00:00,LIKE,{post(4)}",
                "2026-05-02 10:00:00,LIKE",
                f"2026-05-03 08:00:00,LIKE,{post(5)}",
            ]
        },
    )


def _archive_cut_mid_row(folder: Path) -> None:
    text = csv_text(["Date,Link,Message", f'2026-05-03 09:00:00,{post(6)},"Complet"'])
    raw(
        folder / "C01_archive" / "Comments.csv",
        (text + f'2026-05-04 09:00:00,{post(7)},"Bravo pour ce tr').encode(),
    )


def _archive_unclosed_quote(folder: Path) -> None:
    _archive(
        folder,
        {
            "Shares.csv": [
                SHARES_HEADER,
                f'2026-05-05 10:00:00,{share(30)},"Un post ""\n""sur deux lignes",,,PUBLIC',
                f'2026-05-06 10:00:00,{share(31)},"Guillemet jamais fermé,,,PUBLIC',
                f'2026-05-07 10:00:00,{share(32)},"Après",,,PUBLIC',
                f'2026-05-08 10:00:00,{share(33)},"Encore après",,,PUBLIC',
            ]
        },
    )


def _archive_extra_columns(folder: Path) -> None:
    _archive(
        folder,
        {
            "Reactions.csv": ["Date,Type,Link,Source", f"2026-05-09 08:00:00,LIKE,{post(8)},feed"],
            "Comments.csv": [
                "Date,Link,Message",
                f'2026-05-09 09:00:00,{post(8)},"Oui"',
                f'2026-05-09 10:00:00,{post(8)},"Non",surplus',
            ],
        },
    )


def _archive_missing_column(folder: Path) -> None:
    _archive(
        folder,
        {
            "Reactions.csv": ["Date,Type,Link", f"2026-05-10 08:00:00,LIKE,{post(9)}"],
            "Shares.csv": [
                "Date,ShareCommentary,SharedUrl,MediaUrl,Visibility",
                '2026-05-10 09:00:00,"Sans lien",,,PUBLIC',
            ],
        },
    )


def _archive_header_only(folder: Path) -> None:
    _archive(folder, {"Comments.csv": ["Date,Link,Message"]})


def _archive_empty_member(folder: Path) -> None:
    _archive(
        folder,
        {
            "Reactions.csv": b"",
            "Shares.csv": [SHARES_HEADER, f'2026-05-11 10:00:00,{share(40)},"Seul",,,PUBLIC'],
        },
    )


def _archive_cp1252_semicolons(folder: Path) -> None:
    text = csv_text(["Date;Link;Message", f'2026-05-12 09:00:00;{post(10)};"Très réussi"'], newline="\r\n")
    raw(folder / "C01_archive" / "Comments.csv", text.encode("cp1252"))


def _archive_mixed_line_endings(folder: Path) -> None:
    text = (
        f"{SHARES_HEADER}\r\n"
        f'2026-05-13 10:00:00,{share(50)},"Ligne un""\r\n""ligne deux",,,PUBLIC\n'
        f'2026-05-14 10:00:00,{share(51)},"LF",,,PUBLIC\r\n'
        f'2026-05-15 10:00:00,{share(52)},"CRLF",,,PUBLIC\n'
    )
    raw(folder / "C01_archive" / "Shares.csv", text.encode())


NUL_ROW = "NUL byte (\\x00) in the line: the file was damaged or edited by a tool that writes binary"


def _archive_nul_byte_in_row(folder: Path) -> None:
    """Shares.csv: four posts, the one on line 4 with a NUL byte; Connections.csv after its three-line
    preamble (header on line 4): three connections, the one on line 6 with a NUL byte."""
    _archive(
        folder,
        {
            "Shares.csv": [
                SHARES_HEADER,
                f'2026-04-01 10:00:00,{share(60)},"Premier",,,PUBLIC',
                f'2026-04-02 10:00:00,{share(61)},"Deuxième",,,PUBLIC',
                f'2026-04-03 10:00:00,{share(62)},"Abî\x00mé",,,PUBLIC',
                f'2026-04-04 10:00:00,{share(63)},"Quatrième",,,PUBLIC',
            ],
            "Connections.csv": [
                *CONNECTIONS_PREAMBLE,
                CONNECTIONS_HEADER,
                "E1,F1,https://www.linkedin.com/in/e1,,Acme,CTO,02 Apr 2026",
                "E2,F\x002,https://www.linkedin.com/in/e2,,Acme,CTO,03 Apr 2026",
                "E3,F3,https://www.linkedin.com/in/e3,,Acme,CTO,04 Apr 2026",
            ],
        },
    )


def _archive_nul_byte_in_header(folder: Path) -> None:
    """Shares.csv whose header line holds a NUL byte inside a column name, next to a good Reactions.csv."""
    _archive(
        folder,
        {
            "Reactions.csv": ["Date,Type,Link", f"2026-04-05 08:00:00,LIKE,{post(13)}"],
            "Shares.csv": [
                SHARES_HEADER.replace("ShareLink", "Share\x00Link"),
                f'2026-04-05 10:00:00,{share(64)},"Perdu",,,PUBLIC',
            ],
        },
    )


def _archive_binary_garbage_at_end(folder: Path) -> None:
    """Comments.csv: two good comments (line 2 with accents), then binary garbage with NUL bytes
    and bytes that are not UTF-8 on one last line (line 4); Connections.csv: nothing but NUL bytes."""
    text = csv_text(
        [
            "Date,Link,Message",
            f'2026-04-06 09:00:00,{post(14)},"Très réussi"',
            f'2026-04-06 10:00:00,{post(14)},"Merci"',
        ]
    )
    raw(folder / "C01_archive" / "Comments.csv", text.encode() + b"\x00\x01\xff\xfe\x00\x9d" * 40)
    raw(folder / "C01_archive" / "Connections.csv", b"\x00" * 512)


# Real layouts since 2018 (docs: /work/shared/formats.md sections 1 and 8), written from scratch.

SHARES_2018_HEADER = (
    "Date\tShare Title\tShare Description\tShare Link\tShare Commentary\tShared URL\tMedia URL\tType\t"
    "Visibility"
)


def _archive_2018_layout(folder: Path) -> None:
    """A 2018-era archive: Shares.csv in UTF-16LE with BOM, tab-separated, CRLF, header names with
    spaces, two more columns and UTC-suffixed dates; Connections.csv without preamble or URL column,
    dates ``1/8/18, 6:14 PM`` (quoted, and once unquoted); Endorsement_Received_Info.csv without
    ``Endorser Public Url``."""
    shares = [
        SHARES_2018_HEADER,
        f"2017/06/08 08:15:44 UTC\tTitre\tUne description\t{share(300)}\tPremier partage\t\t\tSHARE\t"
        "MEMBER_NETWORK",
        f"2017/11/30 23:30:00 UTC\t\t\t{share(301)}\tFin novembre\thttps://lnkd.in/eAbCdEf\t\tSHARE\tPUBLIC",
        f"2018/01/08 18:14:00 UTC\t\t\t{share(302)}\tÀ relayer\t{post(300)}\t\tSHARE\tPUBLIC",
    ]
    text = csv_text(shares, newline="\r\n")
    raw(folder / "C01_archive" / "Shares.csv", b"\xff\xfe" + text.encode("utf-16-le"))
    _archive(
        folder,
        {
            "Connections.csv": [
                "First Name,Last Name,Email Address,Company,Position,Connected On",
                'Ann,Able,,Acme,CTO,"1/8/18, 6:14 PM"',
                'Bob,Baker,bob@example.org,Acme,Developer,"11/18/17, 12:32 PM"',
                "Cy,Cole,,Beta,Analyst,12/3/17, 9:05 AM",  # unquoted: its comma splits the date
            ],
            "Endorsement_Received_Info.csv": [
                "Endorsement Date,Skill Name,Endorser First Name,Endorser Last Name,Endorsement Status",
                "2018/01/05 10:00:00 UTC,Public Speaking,Dee,Dunn,ACCEPTED",
                "2017/12/24 09:30:00 UTC,Project Management,Eve,Ewing,ACCEPTED",
            ],
        },
    )


def _archive_connections_spreadsheet_resave(folder: Path) -> None:
    """Connections.csv re-saved by a spreadsheet: CRLF, the preamble padded with commas, ``NA`` in empty
    cells, dates ``18-Jun-24``, an empty trailing row. Header on line 4; rows on lines 5-8."""
    _archive(
        folder,
        {
            "Connections.csv": [
                "Notes:,,,,,,",
                f"{CONNECTIONS_PREAMBLE[1]},,,,,,",
                ",,,,,,",
                CONNECTIONS_HEADER,
                "Fay,Ford,https://www.linkedin.com/in/fay-ford,NA,Acme,CTO,18-Jun-24",
                "Gil,Grey,NA,NA,NA,NA,03-Jan-25",
                "Hal,Hart,https://www.linkedin.com/in/hal-hart,NA,Acme,Developer,NA",
                "Ivy,Irwin,NA,NA,Beta,NA,29-Feb-24",
                ",,,,,,",
            ]
        },
        newline="\r\n",
    )


def _archive_connections_day_month_name(folder: Path) -> None:
    """Connections.csv of today's layout (preamble, URL column) with dates ``04 Jul 2023``."""
    _archive(
        folder,
        {
            "Connections.csv": [
                *CONNECTIONS_PREAMBLE,
                CONNECTIONS_HEADER,
                "Jo,Jones,https://www.linkedin.com/in/jo-jones,,Acme,CTO,04 Jul 2023",
                "Kim,King,https://www.linkedin.com/in/kim-king,,Acme,Developer,17 Jun 2021",
                "Lee,Lane,https://www.linkedin.com/in/lee-lane,,Beta,Analyst,31 Dec 2023",
            ]
        },
    )


COMMENTS_UNQUOTED = [
    "Date,Link,Message",
    f"2024-03-04 10:00:00,{post(301)},Bravo pour ce projet",
    "Rendez-vous au salon",
    "contact@example.org",
    "",
    "Merci encore",
    f"2024-03-05 11:00:00,{post(302)},Un seul mot",
    f",{post(303)},Commentaire sans date",
    "2024-03-31 23:30:00",
    f"2024-04-02 08:00:00,{post(304)},Dernier",
    "suite du dernier",
]
"""Comments.csv written without quotes: lines 3-6 continue the message of line 2 (a phrase, an
e-mail address, a blank line, a phrase), line 11 the one of line 10; line 9 is a record cut after
its date (it starts like a record): truncated."""


def _archive_comments_unquoted_multiline(folder: Path) -> None:
    _archive(folder, {"Comments.csv": COMMENTS_UNQUOTED})


# --- zip files -----------------------------------------------------------------------------------

REACTIONS_TEXT = csv_text(["Date,Type,Link", f"2026-05-01 08:00:00,LIKE,{post(11)}"])


def _zip_corrupt(folder: Path) -> None:
    raw(folder / "C01_export.zip", b"PK\x03\x04" + b"\x00garbage, not a zip" * 20)


def _zip_truncated(folder: Path) -> None:
    path = write_zip(
        folder / "C01_export.zip", {"Reactions.csv": REACTIONS_TEXT, "Shares.csv": csv_text([SHARES_HEADER])}
    )
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _zip_bad_crc(folder: Path) -> None:
    path = folder / "C01_export.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(zipfile.ZipInfo("Reactions.csv", date_time=(2026, 5, 1, 0, 0, 0)), REACTIONS_TEXT)
    data = bytearray(path.read_bytes())
    data[data.index(b"2026-05-01")] = ord("3")
    path.write_bytes(bytes(data))


def _zip_with_member(name: str) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        write_zip(
            folder / "C01_export.zip", {"Reactions.csv": REACTIONS_TEXT, name: csv_text([SHARES_HEADER])}
        )

    return write


def _deflated_zip(path: Path, members: dict[str, str]) -> None:
    """A zip whose members are really compressed (``write_zip`` stores them as they are)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 5, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode())


def _zip_bomb_declared_size(folder: Path) -> None:
    """A small zip whose directory says its member unpacks to 600 MiB (over the 512 MiB limit)."""
    path = write_zip(folder / "C01_export.zip", {"Reactions.csv": REACTIONS_TEXT})
    data = bytearray(path.read_bytes())
    declared = 600 * 1024 * 1024
    struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 24, declared)
    struct.pack_into("<I", data, data.index(b"PK\x03\x04") + 22, declared)
    path.write_bytes(bytes(data))


def _zip_bomb_ratio(folder: Path) -> None:
    """20 MiB of one repeated line, deflated about a thousand times: over the ratio limit of 200."""
    line = f"2026-05-01 08:00:00,LIKE,{post(12)}\n"
    body = "Date,Type,Link\n" + line * (20 * 1024 * 1024 // len(line))
    _deflated_zip(folder / "C01_export.zip", {"Reactions.csv": body})


def _zip_bomb_many_members(folder: Path) -> None:
    """Forty members of 1 MiB of zeros each: each under the floor, the whole zip far over the ratio."""
    members = {
        "Reactions.csv": REACTIONS_TEXT,
        **{f"data/part_{i:02d}.csv": "0" * (1024 * 1024) for i in range(40)},
    }
    _deflated_zip(folder / "C01_export.zip", members)


def _zip_nul_byte_in_quoted_text(folder: Path) -> None:
    """Shares.csv: a post quoted over lines 3 to 5 with a NUL byte on line 4, between two good posts;
    Comments.csv: a good comment with backslash-escaped quotes, then one with a NUL byte (line 3)."""
    shares = csv_text(
        [
            SHARES_HEADER,
            f'2026-04-07 10:00:00,{share(65)},"Avant",,,PUBLIC',
            f'2026-04-08 10:00:00,{share(66)},"Ligne un""\n""ligne\x00 deux""\n""ligne trois",,,PUBLIC',
            f'2026-04-09 10:00:00,{share(67)},"Après ""\n""sur deux lignes",,,PUBLIC',
        ]
    )
    comments = csv_text(
        [
            "Date,Link,Message",
            f'2026-04-07 11:00:00,{post(15)},"Bravo \\"à tous\\""',
            f'2026-04-07 12:00:00,{post(15)},"Cassé \\"\x00\\""',
        ]
    )
    write_zip(folder / "C01_export.zip", {"Shares.csv": shares, "Comments.csv": comments})


def _zip_member_symlink(folder: Path) -> None:
    path = folder / "C01_export.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("Reactions.csv", date_time=(2026, 5, 1, 0, 0, 0)), REACTIONS_TEXT)
        link = zipfile.ZipInfo("Shares.csv", date_time=(2026, 5, 1, 0, 0, 0))
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "../../../../etc/passwd")


# --- what the inbox itself may hold ---------------------------------------------------------------


def _outside(folder: Path) -> Path:
    """A folder next to the inbox (outside it), holding a roster nobody must read."""
    outside = folder.parents[2] / "outside"
    write_text(outside / "secret_roster.csv", [ROSTER_HEADER, person(4101)])
    return outside


def _symlink_to_file(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roster.csv").symlink_to(_outside(folder) / "secret_roster.csv")


def _symlink_to_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "linked").symlink_to(_outside(folder), target_is_directory=True)


def _dangling_symlink(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "roster.csv").symlink_to(folder / "nowhere.csv")


def _named_pipe(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / "roster.csv")


# --- the institution's Page export -------------------------------------------------------------------


def _page_bad_values(folder: Path) -> None:
    write_page_export(
        folder / "content.xlsx",
        [
            ("Négatif", post(101), "3/1/2026", -5, 1, 1, 0, 0),
            ("Pas un nombre", post(102), "3/2/2026", 10, "beaucoup", 1, 0, 0),
            ("Jour en premier", post(103), "31/01/2026", 10, 1, 1, 0, 0),
            ("Bon", post(104), "3/4/2026", 10, 1, 1, 0, 0),
        ],
    )


def _page_corrupt(folder: Path) -> None:
    raw(folder / "content.xlsx", b"PK\x03\x04 this is not a spreadsheet" * 10)


def _page_truncated(folder: Path) -> None:
    path = write_page_export(folder / "content.xlsx", [("Bon", post(105), "3/5/2026", 10, 1, 1, 0, 0)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _page_header_only(folder: Path) -> None:
    write_page_export(folder / "content.xlsx", [])


def _page_duplicated_rows(folder: Path) -> None:
    row = ("Deux fois", post(106), "3/6/2026", 10, 1, 1, 0, 0)
    write_page_export(folder / "content.xlsx", [row, row])


# --- creator analytics -----------------------------------------------------------------------------

CREATOR_FILE = "AggregateAnalytics_C01_2026-01-01_2026-03-31.xlsx"


def _creator_bad_values(folder: Path) -> None:
    write_creator_export(
        folder / CREATOR_FILE,
        ENGLISH,
        period="1/1/2026 - 3/31/2026",
        discovery=(1000, 400),
        days=[
            ["1/5/2026", 100, 3],
            ["1/6/2026", -7, 2],
            ["1/7/2026", 50, "beaucoup"],
            ["1/8/2026", 60, 1],
            ["25/01/2026", 70, 1],
        ],
        top_by_engagements=[[post(201), "1/5/2026", 3]],
        top_by_impressions=[[post(201), "1/5/2026", 100]],
        followers_on="3/31/2026",
        followers_total=42,
        follower_days=[["1/5/2026", 1]],
    )


def _creator_corrupt(folder: Path) -> None:
    raw(folder / CREATOR_FILE, b"\xd0\xcf\x11\xe0 not a workbook at all" * 10)


# --- advocacy reports --------------------------------------------------------------------------------


def _advocacy_bad_counts(folder: Path) -> None:
    lines = [
        ES_HEADER,
        "Cora Corpus,User,2026-01-01,,2026-03-02,-5,1,1,1",
        "Cora Corpus,User,2026-01-01,,2026-03-02,5,deux,1,1",
        "Cora Corpus,User,2026-01-01,,2026-03-03,5,2,1,1",
        "Zoé Inconnue,User,2026-01-01,,2026-03-03,5,2,1,1",
    ]
    write_text(folder / "everyonesocial_users_2026-03.csv", lines)


def _advocacy_cp1252_semicolons(folder: Path) -> None:
    lines = [
        ES_HEADER.replace(",", ";"),
        "Cora Corpus;User;2026-01-01;;2026-03-02;1 200;3;4;5",
        "Hélène Inconnue;User;2026-01-01;;2026-03-02;800;1;1;1",
    ]
    write_text(folder / "everyonesocial_users_2026-04.csv", lines, newline="\r\n", encoding="cp1252")


def _advocacy_nul_byte(folder: Path) -> None:
    lines = [
        ES_HEADER,
        "Cora Corpus,User,2026-01-01,,2026-06-02,7,1,1,1",
        "Cora Corpus,User,2026-01-01,,2026-06-03,\x00,1,1,1",
    ]
    write_text(folder / "everyonesocial_users_2026-06.csv", lines)


def _advocacy_header_only(folder: Path) -> None:
    write_text(folder / "everyonesocial_users_2026-05.csv", [ES_HEADER])


# --- LinkedIn API envelopes ----------------------------------------------------------------------------


def _envelope(elements: list[dict[str, Any]]) -> str:
    """An envelope of the institution's daily share statistics, as the connector writes it."""
    envelope = {
        "relais_linkedin_api": 1,
        "endpoint": "organizationalEntityShareStatistics",
        "request": "GET /rest/organizationalEntityShareStatistics?q=organizationalEntity",
        "obtained_at": "2026-05-02T09:00:00Z",
        "owner": {"kind": "organization", "urn": "urn:li:organization:424242"},
        "window": {"start": "2026-05-01", "end": "2026-05-01"},
        "elements": elements,
    }
    return json.dumps(envelope, indent=1)


def _statistics(day_ms: int, **counts: Any) -> dict[str, Any]:
    figures = {"impressionCount": 100, "clickCount": 3, "likeCount": 2, "commentCount": 1, "shareCount": 0}
    return {
        "timeRange": {"start": day_ms, "end": day_ms + 86_400_000},
        "totalShareStatistics": {**figures, **counts},
    }


MAY_1 = 1_777_593_600_000
"""2026-05-01 00:00 UTC in epoch milliseconds."""


def _api_bad_counts(folder: Path) -> None:
    elements = [
        _statistics(MAY_1),
        _statistics(MAY_1, impressionCount=-5),
        _statistics(MAY_1, clickCount="beaucoup"),
    ]
    raw(folder / "organizationalEntityShareStatistics.json", _envelope(elements).encode())


def _api_truncated(folder: Path) -> None:
    text = _envelope([_statistics(MAY_1), _statistics(MAY_1 + 86_400_000)])
    raw(folder / "organizationalEntityShareStatistics.json", text[: len(text) // 2].encode())


# --- the table ---------------------------------------------------------------------------------------

Q_DEPARTMENTS = "SELECT list(department ORDER BY _source_row) FROM raw.roster WHERE _source_file = ?"
Q_ENROLLED = "SELECT list(enrolled_on ORDER BY _source_row) FROM raw.roster WHERE _source_file = ?"
Q_STAGED_ENGAGEMENTS = "SELECT count(*) FROM staging.engagements_given WHERE source_file = ?"
Q_STAGED_ACTIVITIES = "SELECT count(*) FROM staging.activities WHERE source_file = ?"
Q_COMMENTS = "SELECT list(message ORDER BY _source_row) FROM raw.li_comments WHERE _source_file = ?"
Q_SHARE_TEXTS = "SELECT list(commentary ORDER BY _source_row) FROM raw.li_shares WHERE _source_file = ?"
Q_ACTIVITY_MONTHS = (
    "SELECT list(strftime(month, '%Y-%m') || ' ' || kind ORDER BY source_row) FROM staging.activities "
    "WHERE source_file = ?"
)
Q_CONNECTION_DAYS = "SELECT list(CAST(connected_on AS VARCHAR) ORDER BY _source_row) FROM raw.li_connections WHERE _source_file = ?"
Q_ENDORSEMENT_TIMES = (
    "SELECT list(CAST(endorsed_at AS VARCHAR) ORDER BY _source_row) FROM raw.li_endorsements_received "
    "WHERE _source_file = ?"
)
Q_COMMENT_TIMES = (
    "SELECT list(coalesce(CAST(commented_at AS VARCHAR), 'none') ORDER BY _source_row) FROM raw.li_comments "
    "WHERE _source_file = ?"
)
Q_PAGE_POSTS = "SELECT count(*) FROM staging.institution_posts WHERE source_file = ?"
Q_ADVOCACY = "SELECT list(potential_reach) FROM raw.advocacy_users WHERE _source_file = ?"

CASES: tuple[Case, ...] = (
    # HR roster
    Case(
        "roster_tab_delimited",
        "roster",
        "tab-separated roster",
        _roster_tab,
        {"roster.txt": Expect(LOADED, loaded=2)},
        (Check("roster.txt", Q_DEPARTMENTS, ["Corpus RH"] * 2),),
    ),
    Case(
        "roster_pipe_delimited",
        "roster",
        "pipe-separated roster",
        _roster_pipe,
        {"roster.csv": Expect(LOADED, loaded=2)},
    ),
    Case(
        "roster_rows_in_wrong_delimiter",
        "roster",
        "';' header, rows re-typed with ','",
        _roster_rows_in_wrong_delimiter,
        {"roster.csv": Expect(LOADED, loaded=1, rows=((2, "separated by ','"), (3, "wrong delimiter")))},
    ),
    Case(
        "roster_windows_1252",
        "roster",
        "Windows-1252, French headers, ';', CRLF",
        _roster_cp1252,
        {"export_rh.csv": Expect(LOADED, loaded=2)},
        (Check("export_rh.csv", Q_DEPARTMENTS, ["Santé publique"] * 2),),
    ),
    Case(
        "roster_utf8_bom",
        "roster",
        "UTF-8 with a byte-order mark",
        _roster_bom,
        {"roster.csv": Expect(LOADED, loaded=1)},
        (Check("roster.csv", Q_DEPARTMENTS, ["Éducation"]),),
    ),
    Case(
        "roster_utf16_unicode_text",
        "roster",
        "Excel 'Unicode text': UTF-16 with BOM, tabs",
        _roster_utf16,
        {"roster.txt": Expect(LOADED, loaded=2)},
        (Check("roster.txt", Q_DEPARTMENTS, ["Île-de-France"] * 2),),
    ),
    Case(
        "roster_bom_then_windows_1252",
        "roster",
        "a UTF-8 BOM in front of Windows-1252 text",
        _roster_bom_then_cp1252,
        {"roster.csv": Expect(LOADED, loaded=1)},
        (Check("roster.csv", Q_DEPARTMENTS, ["Santé publique"]),),
    ),
    Case(
        "roster_truncated_rows",
        "roster",
        "a row cut short",
        _roster_truncated,
        {"roster.csv": Expect(LOADED, loaded=2, rows=((3, "expected 10 fields, found 6 (truncated row)"),))},
    ),
    Case(
        "roster_unclosed_quote",
        "roster",
        "a quote never closed",
        _roster_unclosed_quote,
        {"roster.csv": Expect(LOADED, loaded=3, rows=((3, "broken quoting"),))},
    ),
    Case(
        "roster_missing_column",
        "roster",
        "the consent column is missing",
        _roster_missing_column,
        {"roster.csv": Expect(QUARANTINED, "looks like an HR roster but lacks the column(s) consent")},
    ),
    Case(
        "roster_extra_column",
        "roster",
        "an extra column",
        _roster_extra_column,
        {"roster.csv": Expect(LOADED, loaded=2)},
    ),
    Case(
        "roster_extra_values",
        "roster",
        "a row with more values than headers",
        _roster_extra_values,
        {"roster.csv": Expect(LOADED, loaded=1, rows=((3, "expected 10 fields, found 11"),))},
    ),
    Case(
        "roster_duplicated_agent_id",
        "roster",
        "an agent id on two rows",
        _roster_duplicated_id,
        {"roster.csv": Expect(LOADED, loaded=2, rows=((4, "agent id 'RX1301' already on row 2"),))},
    ),
    Case(
        "roster_bad_values",
        "roster",
        "impossible dates, a word for a date, an unknown consent; one D/M/Y date",
        _roster_bad_values,
        {
            "roster.csv": Expect(
                LOADED,
                loaded=1,
                rows=(
                    (2, "'31/02/2026' is not a real date"),
                    (3, "'2026-13-01' is not a real date"),
                    (4, "'hier' is not a date"),
                    (5, "'peut-être' is not a consent answer"),
                ),
            )
        },
        (Check("roster.csv", Q_ENROLLED, [date(2026, 2, 15)]),),
    ),
    Case(
        "roster_nul_byte_in_row",
        "roster",
        "one NUL byte in a row",
        _roster_nul_byte,
        {"roster.csv": Expect(LOADED, loaded=3, rows=((4, NUL_ROW),))},
        (Check("roster.csv", Q_DEPARTMENTS, ["Corpus RH"] * 3),),
    ),
    Case(
        "roster_empty_file",
        "roster",
        "0 bytes",
        lambda f: raw(f / "roster.csv", b""),
        {"roster.csv": Expect(IGNORED, "empty file (0 bytes)")},
    ),
    Case(
        "roster_header_only",
        "roster",
        "the header and no row",
        lambda f: write_text(f / "roster.csv", [ROSTER_HEADER]),
        {"roster.csv": Expect(LOADED, "no data rows (header only)", loaded=0)},
    ),
    Case(
        "roster_bom_only",
        "roster",
        "an empty sheet saved as 'CSV UTF-8': a BOM and a line break",
        lambda f: raw(f / "roster.csv", b"\xef\xbb\xbf\r\n"),
        {"roster.csv": Expect(IGNORED, "empty file (only blank lines or a byte-order mark)")},
    ),
    Case(
        "roster_binary",
        "roster",
        "an image named roster.csv",
        lambda f: raw(f / "roster.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        {"roster.csv": Expect(QUARANTINED, "not a recognised export")},
    ),
    # LinkedIn archive members
    Case(
        "archive_duplicated_rows",
        "archive",
        "the same reaction and share twice",
        _archive_duplicated_rows,
        {
            "C01_archive/Reactions.csv": Expect(LOADED, loaded=2),
            "C01_archive/Shares.csv": Expect(LOADED, loaded=2),
        },
        (
            Check("C01_archive/Reactions.csv", Q_STAGED_ENGAGEMENTS, 1),
            Check("C01_archive/Shares.csv", Q_STAGED_ACTIVITIES, 1),
        ),
    ),
    Case(
        "archive_user_made_files",
        "archive",
        "a header-less Skills.csv, a pandas re-save of Reactions.csv, a workbook named Comments.csv",
        _archive_user_made_files,
        {
            "C01_archive/Shares.csv": Expect(LOADED, loaded=1),
            "C01_archive/Skills.csv": Expect(QUARANTINED, "no header line: was it edited by hand?"),
            "C01_archive/Reactions.csv": Expect(QUARANTINED, "re-saved by a script (pandas)"),
            "C01_archive/Comments.csv": Expect(QUARANTINED, "an Excel workbook named .csv"),
        },
        (Check("C01_archive/Shares.csv", Q_STAGED_ACTIVITIES, 1),),
    ),
    Case(
        "archive_future_dates",
        "archive",
        "a reaction in 2099, a connection in 2099",
        _archive_future_dates,
        {
            "C01_archive/Reactions.csv": Expect(LOADED, loaded=1, rows=((3, "date in the future"),)),
            "C01_archive/Connections.csv": Expect(
                LOADED, loaded=1, rows=((2, "'01 Jan 2099' is a date in the future"),)
            ),
        },
    ),
    Case(
        "archive_dmy_dates",
        "archive",
        "timestamps re-saved D/M/Y and M/D/Y in one file: read M/D/Y (the tie's default), D/M/Y refused",
        _archive_dmy_dates,
        {
            "C01_archive/Shares.csv": Expect(
                LOADED,
                "numeric dates fit no single order (1 of 2 month first, 1 day first): read month first",
                loaded=2,
                rows=(
                    (
                        2,
                        "'31/03/2026 10:00:00' reads only day first (D/M/Y), but this file's dates are read "
                        "month first (M/D/Y)",
                    ),
                ),
            )
        },
        (Check("C01_archive/Shares.csv", Q_ACTIVITY_MONTHS, ["2026-03 post", "2026-03 post"]),),
    ),
    Case(
        "archive_truncated_rows",
        "archive",
        "a row cut short",
        _archive_truncated,
        {
            "C01_archive/Reactions.csv": Expect(
                LOADED, loaded=2, rows=((3, "expected 3 fields, found 2 (truncated row)"),)
            )
        },
    ),
    Case(
        "archive_cut_mid_row",
        "archive",
        "download cut inside the last quoted message",
        _archive_cut_mid_row,
        {"C01_archive/Comments.csv": Expect(LOADED, loaded=1, rows=((3, "broken quoting"),))},
    ),
    Case(
        "archive_unclosed_quote",
        "archive",
        "a quote never closed mid-file",
        _archive_unclosed_quote,
        {"C01_archive/Shares.csv": Expect(LOADED, loaded=3, rows=((4, "broken quoting"),))},
    ),
    Case(
        "archive_extra_columns",
        "archive",
        "a new column in the header; a row with a value too many",
        _archive_extra_columns,
        {
            "C01_archive/Reactions.csv": Expect(LOADED, loaded=1),
            "C01_archive/Comments.csv": Expect(LOADED, loaded=1, rows=((3, "expected 3 fields, found 4"),)),
        },
    ),
    Case(
        "archive_missing_column",
        "archive",
        "Shares.csv without its ShareLink column",
        _archive_missing_column,
        {
            "C01_archive/Reactions.csv": Expect(LOADED, loaded=1),
            "C01_archive/Shares.csv": Expect(QUARANTINED, "Shares.csv but lacks the column(s) sharelink"),
        },
    ),
    Case(
        "archive_header_only",
        "archive",
        "Comments.csv with its header only",
        _archive_header_only,
        {"C01_archive/Comments.csv": Expect(LOADED, "no data rows (header only)", loaded=0)},
    ),
    Case(
        "archive_empty_member",
        "archive",
        "Reactions.csv of 0 bytes",
        _archive_empty_member,
        {
            "C01_archive/Reactions.csv": Expect(IGNORED, "empty file (0 bytes)"),
            "C01_archive/Shares.csv": Expect(LOADED, loaded=1),
        },
    ),
    Case(
        "archive_windows_1252_semicolons",
        "archive",
        "Comments.csv re-saved by a French Excel",
        _archive_cp1252_semicolons,
        {"C01_archive/Comments.csv": Expect(LOADED, loaded=1)},
        (Check("C01_archive/Comments.csv", Q_COMMENTS, ["Très réussi"]),),
    ),
    Case(
        "archive_mixed_line_endings",
        "archive",
        "CRLF and LF in one file",
        _archive_mixed_line_endings,
        {"C01_archive/Shares.csv": Expect(LOADED, loaded=3)},
    ),
    Case(
        "archive_nul_byte_in_row",
        "archive",
        "one NUL byte in a row of Shares.csv and of Connections.csv (after its preamble)",
        _archive_nul_byte_in_row,
        {
            "C01_archive/Shares.csv": Expect(LOADED, loaded=3, rows=((4, NUL_ROW),)),
            "C01_archive/Connections.csv": Expect(LOADED, loaded=2, rows=((6, NUL_ROW),)),
        },
        (Check("C01_archive/Shares.csv", Q_STAGED_ACTIVITIES, 3),),
    ),
    Case(
        "archive_nul_byte_in_header",
        "archive",
        "a NUL byte inside a column name of Shares.csv",
        _archive_nul_byte_in_header,
        {
            "C01_archive/Reactions.csv": Expect(LOADED, loaded=1),
            "C01_archive/Shares.csv": Expect(
                QUARANTINED,
                "NUL byte (\\x00) in the header line: looks like a LinkedIn archive's Shares.csv whose "
                "header line was damaged",
            ),
        },
    ),
    Case(
        "archive_binary_garbage_at_end",
        "archive",
        "Comments.csv ending in binary garbage; Connections.csv all NUL bytes",
        _archive_binary_garbage_at_end,
        {
            "C01_archive/Comments.csv": Expect(LOADED, loaded=2, rows=((4, NUL_ROW),)),
            "C01_archive/Connections.csv": Expect(QUARANTINED, "its first line holds NUL bytes (\\x00)"),
        },
        (Check("C01_archive/Comments.csv", Q_COMMENTS, ["Très réussi", "Merci"]),),
    ),
    Case(
        "archive_2018_layout",
        "archive",
        "a 2018 archive: UTF-16 tab-separated Shares.csv with spaced header names, UTC dates; "
        "Connections.csv without URL, dates '1/8/18, 6:14 PM'; endorsements without endorser URL",
        _archive_2018_layout,
        {
            "C01_archive/Shares.csv": Expect(LOADED, loaded=3),
            "C01_archive/Connections.csv": Expect(LOADED, loaded=3),
            "C01_archive/Endorsement_Received_Info.csv": Expect(LOADED, loaded=2),
        },
        (
            # 23:30 UTC on 30 November 2017 is 00:30 on 1 December in Paris: a December post.
            Check(
                "C01_archive/Shares.csv",
                Q_ACTIVITY_MONTHS,
                ["2017-06 post", "2017-12 post", "2018-01 reshare"],
            ),
            Check("C01_archive/Shares.csv", Q_SHARE_TEXTS, ["Premier partage", "Fin novembre", "À relayer"]),
            # 11/18/17 fits month first only: the file's dates are read M/D/Y, 1/8/18 is 8 January.
            Check(
                "C01_archive/Connections.csv", Q_CONNECTION_DAYS, ["2018-01-08", "2017-11-18", "2017-12-03"]
            ),
            Check(
                "C01_archive/Endorsement_Received_Info.csv",
                Q_ENDORSEMENT_TIMES,
                ["2018-01-05 10:00:00", "2017-12-24 09:30:00"],
            ),
        ),
    ),
    Case(
        "archive_connections_spreadsheet_resave",
        "archive",
        "Connections.csv re-saved by a spreadsheet: CRLF, NA in empty cells, dates '18-Jun-24'",
        _archive_connections_spreadsheet_resave,
        {
            "C01_archive/Connections.csv": Expect(
                LOADED, loaded=3, rows=((7, "column 'Connected On' is empty"),)
            )
        },
        (
            Check(
                "C01_archive/Connections.csv", Q_CONNECTION_DAYS, ["2024-06-18", "2025-01-03", "2024-02-29"]
            ),
        ),
    ),
    Case(
        "archive_connections_day_month_name",
        "archive",
        "Connections.csv dates '04 Jul 2023', '17 Jun 2021'",
        _archive_connections_day_month_name,
        {"C01_archive/Connections.csv": Expect(LOADED, loaded=3)},
        (
            Check(
                "C01_archive/Connections.csv", Q_CONNECTION_DAYS, ["2023-07-04", "2021-06-17", "2023-12-31"]
            ),
        ),
    ),
    Case(
        "archive_comments_unquoted_multiline",
        "archive",
        "Comments.csv without quotes: multi-line messages go on over one-field lines; one row cut short",
        _archive_comments_unquoted_multiline,
        {
            # 5 records (lines 2, 7, 8, 9, 10); the 5 continuation lines (3-6, 11) belong to two of them.
            "C01_archive/Comments.csv": Expect(
                LOADED,
                "5 line(s) continuing an unquoted multi-line message joined to the row above",
                loaded=4,
                rows=((9, "expected 3 fields, found 1 (truncated row)"),),
            )
        },
        (
            Check(
                "C01_archive/Comments.csv",
                Q_COMMENTS,
                [
                    "Bravo pour ce projet\nRendez-vous au salon\ncontact@example.org\n\nMerci encore",
                    "Un seul mot",
                    "Commentaire sans date",
                    "Dernier\nsuite du dernier",
                ],
            ),
            Check(
                "C01_archive/Comments.csv",
                Q_COMMENT_TIMES,
                ["2024-03-04 10:00:00", "2024-03-05 11:00:00", "none", "2024-04-02 08:00:00"],
            ),
        ),
    ),
    # zip files
    Case(
        "zip_corrupt",
        "zip",
        "not a zip behind a zip signature",
        _zip_corrupt,
        {"C01_export.zip": Expect(QUARANTINED, "corrupt zip")},
    ),
    Case(
        "zip_truncated",
        "zip",
        "a zip cut in half (interrupted download)",
        _zip_truncated,
        {"C01_export.zip": Expect(QUARANTINED, "corrupt zip")},
    ),
    Case(
        "zip_bad_crc",
        "zip",
        "a member whose bytes changed",
        _zip_bad_crc,
        {"C01_export.zip": Expect(QUARANTINED, "corrupt zip file: Bad CRC-32")},
    ),
    Case(
        "zip_path_traversal",
        "zip",
        "a member path with ../",
        _zip_with_member("../../escape/Shares.csv"),
        {"C01_export.zip": Expect(QUARANTINED, "'../../escape/Shares.csv' escapes the archive")},
    ),
    Case(
        "zip_backslash_traversal",
        "zip",
        "a member path with ..\\",
        _zip_with_member("..\\..\\escape\\Shares.csv"),
        {"C01_export.zip": Expect(QUARANTINED, "escapes the archive")},
    ),
    Case(
        "zip_absolute_path",
        "zip",
        "an absolute member path",
        _zip_with_member("/tmp/Shares.csv"),
        {"C01_export.zip": Expect(QUARANTINED, "escapes the archive")},
    ),
    Case(
        "zip_bomb_declared_size",
        "zip",
        "a member declared at 600 MiB",
        _zip_bomb_declared_size,
        {
            "C01_export.zip": Expect(
                QUARANTINED, "unpacks to 629145600 bytes (over 536870912): refused (zip bomb?)"
            )
        },
    ),
    Case(
        "zip_bomb_ratio",
        "zip",
        "20 MiB deflated a thousand times",
        _zip_bomb_ratio,
        {"C01_export.zip": Expect(QUARANTINED, "is compressed over 200 times")},
    ),
    Case(
        "zip_bomb_many_members",
        "zip",
        "40 small members, the whole zip over the ratio",
        _zip_bomb_many_members,
        {"C01_export.zip": Expect(QUARANTINED, "over 200 times its size: refused (zip bomb?)")},
    ),
    Case(
        "zip_member_symlink",
        "zip",
        "a member stored as a symbolic link",
        _zip_member_symlink,
        {
            "C01_export.zip!Reactions.csv": Expect(LOADED, loaded=1),
            "C01_export.zip!Shares.csv": Expect(QUARANTINED, "symbolic link stored in the zip: not followed"),
        },
    ),
    Case(
        "zip_nul_byte_in_quoted_text",
        "zip",
        "a NUL byte in a post quoted over three lines; in a comment with backslash-escaped quotes",
        _zip_nul_byte_in_quoted_text,
        {
            "C01_export.zip!Shares.csv": Expect(
                LOADED, loaded=2, rows=((3, "NUL byte (\\x00) in this row (a quoted text over 3 lines)"),)
            ),
            "C01_export.zip!Comments.csv": Expect(LOADED, loaded=1, rows=((3, NUL_ROW),)),
        },
        (
            Check("C01_export.zip!Comments.csv", Q_COMMENTS, ['Bravo "à tous"']),
            Check("C01_export.zip!Shares.csv", Q_SHARE_TEXTS, ["Avant", "Après \nsur deux lignes"]),
        ),
    ),
    # the inbox itself
    Case(
        "symlink_to_file",
        "inbox",
        "a link to a roster outside the inbox",
        _symlink_to_file,
        {"roster.csv": Expect(QUARANTINED, "symbolic link: not followed")},
    ),
    Case(
        "symlink_to_folder",
        "inbox",
        "a link to a folder outside the inbox",
        _symlink_to_folder,
        {"linked": Expect(QUARANTINED, "symbolic link: not followed")},
    ),
    Case(
        "dangling_symlink",
        "inbox",
        "a link to nothing",
        _dangling_symlink,
        {"roster.csv": Expect(QUARANTINED, "symbolic link: not followed")},
    ),
    Case(
        "named_pipe",
        "inbox",
        "a named pipe (FIFO) named roster.csv",
        _named_pipe,
        {"roster.csv": Expect(QUARANTINED, "not a regular file (named pipe, socket or device)")},
    ),
    # the institution's Page export
    Case(
        "page_bad_values",
        "page",
        "a negative count, a word for a count, a D/M/Y date",
        _page_bad_values,
        {
            "content.xlsx": Expect(
                LOADED,
                loaded=1,
                rows=(
                    (3, "'-5' is not a non-negative whole count"),
                    (4, "column 'Clicks': 'beaucoup' is not a number"),
                    (5, "'31/01/2026' reads only day first"),
                ),
            )
        },
    ),
    Case(
        "page_corrupt_xlsx",
        "page",
        "garbage named .xlsx",
        _page_corrupt,
        {"content.xlsx": Expect(QUARANTINED, "unreadable spreadsheet")},
    ),
    Case(
        "page_truncated_xlsx",
        "page",
        "a Page export cut in half",
        _page_truncated,
        {"content.xlsx": Expect(QUARANTINED, "unreadable spreadsheet")},
    ),
    Case(
        "page_header_only",
        "page",
        "no post below the headers",
        _page_header_only,
        {"content.xlsx": Expect(LOADED, "no data rows", loaded=0)},
    ),
    Case(
        "page_duplicated_rows",
        "page",
        "the same post twice",
        _page_duplicated_rows,
        {"content.xlsx": Expect(LOADED, loaded=2)},
        (Check("content.xlsx", Q_PAGE_POSTS, 1),),
    ),
    # creator analytics
    Case(
        "creator_bad_values",
        "creator",
        "a negative count, a word for a count, a D/M/Y day",
        _creator_bad_values,
        {
            CREATOR_FILE: Expect(
                LOADED,
                loaded=6,
                rows=(
                    (3, "'-7' is not a non-negative whole count"),
                    (4, "'beaucoup' is not a number"),
                    (6, "'25/01/2026' reads only day first"),
                ),
            )
        },
    ),
    Case(
        "creator_corrupt_xlsx",
        "creator",
        "garbage named like a creator export",
        _creator_corrupt,
        {CREATOR_FILE: Expect(QUARANTINED, "unreadable spreadsheet")},
    ),
    # advocacy reports
    Case(
        "advocacy_bad_counts",
        "advocacy",
        "a negative reach, a word for posts",
        _advocacy_bad_counts,
        {
            "everyonesocial_users_2026-03.csv": Expect(
                LOADED,
                "1 row(s) naming no consenting ambassador withheld",
                loaded=1,
                withheld=1,
                rows=(
                    (2, "'-5' is not a non-negative whole count"),
                    (3, "column 'Posts': 'deux' is not a number"),
                ),
            )
        },
    ),
    Case(
        "advocacy_windows_1252_semicolons",
        "advocacy",
        "a French Excel re-save: ';', Windows-1252",
        _advocacy_cp1252_semicolons,
        {"everyonesocial_users_2026-04.csv": Expect(LOADED, loaded=1, withheld=1)},
        (Check("everyonesocial_users_2026-04.csv", Q_ADVOCACY, [1200]),),
    ),
    Case(
        "advocacy_header_only",
        "advocacy",
        "the header and no row",
        _advocacy_header_only,
        {"everyonesocial_users_2026-05.csv": Expect(LOADED, "no data rows (header only)", loaded=0)},
    ),
    Case(
        "advocacy_nul_byte_in_row",
        "advocacy",
        "a NUL byte in place of a count",
        _advocacy_nul_byte,
        {"everyonesocial_users_2026-06.csv": Expect(LOADED, loaded=1, rows=((3, NUL_ROW),))},
        (Check("everyonesocial_users_2026-06.csv", Q_ADVOCACY, [7]),),
    ),
    # LinkedIn API envelopes
    Case(
        "api_bad_counts",
        "api",
        "a negative and a non-numeric count in two elements",
        _api_bad_counts,
        {
            "organizationalEntityShareStatistics.json": Expect(
                LOADED,
                loaded=1,
                rows=(
                    (2, "impressionCount -5 is negative"),
                    (3, "clickCount 'beaucoup' is not a whole number"),
                ),
            )
        },
    ),
    Case(
        "api_truncated_json",
        "api",
        "an envelope cut in half",
        _api_truncated,
        {
            "organizationalEntityShareStatistics.json": Expect(
                QUARANTINED, "not a LinkedIn API file: invalid JSON"
            )
        },
    ),
)
"""Every bad input and its outcome."""

SOURCES = ("roster", "archive", "zip", "inbox", "page", "creator", "advocacy", "api")


def write_corpus(inbox: Path) -> None:
    """Write every case into ``inbox/corpus/<case name>/``."""
    for case in CASES:
        case.write(inbox / CORPUS / case.name)
