"""Column-wise typing with Polars: native casts, the Python parser for the cells they cannot read, and
rows gathered from many files into one batch (``relais.sources.io.columns``)."""

import sys
from datetime import date, datetime

import polars as pl
import pytest

from relais.ledger import RowProblem
from relais.sources.io.columns import (
    ASCII_UPPER,
    MULTILINE_TEXT,
    PAST_DAY,
    PAST_MOMENT,
    STRIPPED,
    RowBatch,
    decide_orders_natively,
    native_forms,
)
from relais.sources.io.dates import decide_order, read_past_day, read_past_moment
from relais.sources.io.tables import Column
from relais.sources.io.typed_batch import PYTHON_WHITESPACE, ROW, type_columns
from relais.sources.linkedin_archive import (
    CONNECTIONS,
    REACTIONS,
    _stripped,
    _upper,
    restore_multiline,
    with_post_keys,
)
from relais.sources.post_identity import post_key


def type_all(
    raw: pl.DataFrame, columns: list[Column], labels: dict[str, str]
) -> tuple[pl.DataFrame, pl.Series]:
    """Every row typed through the columns' native casts, in order (a refused row's values null), and
    each row's reason (null: read)."""
    forms, exact = native_forms(columns)
    frame = raw.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
    typed, refused = type_columns(frame, columns, forms, labels, (ROW,), exact)
    rows = frame.select(ROW)
    whole = rows.join(typed, on=ROW, how="left").sort(ROW)
    return whole, rows.join(refused, on=ROW, how="left").sort(ROW)["reason"]


DATES = [
    "2026-04-02 22:25:49",  # native
    "2017/06/08 08:15:44 UTC",  # native
    "04 Jul 2023",  # native
    "2026-04-02",  # native
    " 2026-04-02  22:25:49 ",  # spaces: the parser
    "2026-4-2 22:25:49",  # Polars would read it, the gate sends it to the parser
    "1/8/18, 6:14 PM",  # numeric: the parser, in the file's order
    "4 juil. 2023",  # French month: the parser
    "NA",
    "",
    "2026-02-30 10:00:00",  # not a real date: refused by the parser
    "2026-01-01 24:00:00",  # not a real time
    "2099-01-01 10:00:00",  # in the future
    "Smarch 3, 2024",
]


def _python(parse, texts: list[str]) -> tuple[list, list]:
    values, errors = [], []
    for text in texts:
        try:
            values.append(parse(text))
            errors.append(None)
        except ValueError as exc:
            values.append(None)
            errors.append(f"column 'Date': {exc}")
    return values, errors


@pytest.mark.parametrize(("native", "parse"), [(PAST_MOMENT, read_past_moment), (PAST_DAY, read_past_day)])
def test_dates_typed_natively_or_by_the_parser_as_the_parser_alone_types_them(native, parse):
    column = Column("at", ("date",), parse, native=native)
    typed, reason = type_all(pl.DataFrame({"at": DATES}), [column], {"at": "Date"})
    values, errors = _python(parse, DATES)
    assert typed["at"].to_list() == values
    assert reason.to_list() == errors
    assert "is a date in the future" in reason[12] and "not a real date" in reason[10]


def test_text_casts_strip_and_upper_case_as_python_does():
    texts = ["  a b  ", "\x1c a \x1c", " \u3000 ", "", "like", " straße ", 'Un"\n"Deux', '"\r\n"']
    for native, parse in ((STRIPPED, _stripped), (ASCII_UPPER, _upper), (MULTILINE_TEXT, restore_multiline)):
        typed, reason = type_all(
            pl.DataFrame({"t": texts}), [Column("t", (), parse, native=native)], {"t": "T"}
        )
        assert typed["t"].to_list() == [parse(t) for t in texts], native
        assert reason.null_count() == len(texts)


def test_python_whitespace_is_every_character_str_strip_removes():
    assert set(PYTHON_WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


def test_a_row_s_reason_is_its_first_failing_column_and_an_absent_optional_column_is_empty():
    columns = [
        Column("at", ("date",), read_past_moment, required=True, native=PAST_MOMENT),
        Column("link", ("link",), _stripped, required=True, native=STRIPPED),
        Column("kind", ("type",), _upper, optional_header=True, native=ASCII_UPPER),
    ]
    raw = pl.DataFrame(
        {"at": ["2026-01-02 10:00:00", "bad", "", "2026-01-03 10:00:00"], "link": ["x", "", "y", " "]}
    )
    typed, reason = type_all(raw, columns, {"at": "Date", "link": "Link"})
    assert typed["kind"].to_list() == [None] * 4
    assert reason[0] is None and typed["at"][0] == datetime(2026, 1, 2, 10)
    assert reason[1].startswith("column 'Date': 'bad' is not a date")
    assert reason[2] == "column 'Date' is empty"
    assert reason[3] == "column 'Link' is empty"


def test_orders_decided_natively_as_the_vote_decides_them():
    cells = {
        "month first": ["1/8/18, 6:14 PM", "2026-01-02 10:00:00", "12/31/20"],
        "day first": ["25/12/2025", " 03/04/2021 10:00", "NA"],
        "both": ["03/04/2021", "04/03/2021"],
        "none": ["2026-01-02", "04 Jul 2023"],
        "mixed": ["13/01/2021", "01/13/2021", "02/14/2021"],
    }
    decided = decide_orders_natively(cells)
    assert decided == {key: decide_order(texts) for key, texts in cells.items()}
    assert decided["day first"].order == "DMY"


LINKS = [
    "https://www.linkedin.com/feed/update/urn:li:activity:7518691148138366588/",
    "https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A7502437243789831980",
    "https://www.linkedin.com/feed/update/urn%3Ali%3Aactivity%3A7500446024526836417?trk=public_post",
    "https://www.linkedin.com/feed/update/urn:li:ugcPost:7100000000000000001/",
    "https://www.linkedin.com/posts/bench_qualite-20-activity-7516885576111935817-Q12N?utm_source=share",
    "https://www.linkedin.com/posts/a-activity-1234567-b-ugcPost-7516885576111935817-Q12N/",
    "https://www.linkedin.com/posts/x-Activity-7516885576111935817",
    "https://www.linkedin.com/posts/no-id-here",
    "https://www.linkedin.com/feed/update/urn%3Ali%3AgroupPost%3A123-456/",
    "https://www.linkedin.com/pulse/un-article",
    "https://example.org/feed/update/urn:li:activity:1/",
    "urn:li:activity:7206231498968948737",
    None,
]


def test_post_keys_of_a_frame_are_post_key_of_each_link():
    rows = pl.DataFrame({"link": LINKS}, schema={"link": pl.String})
    keys = with_post_keys(REACTIONS.kind, rows)["target_key"].to_list()
    assert keys == [post_key(link) for link in LINKS]
    assert keys[5] == "activity:1234567"  # the first -activity- of the slug, as post_key


def _batch(spec, max_rows=100_000):
    frames: list[pl.DataFrame] = []
    problems: list[RowProblem] = []
    return RowBatch(spec, frames.append, problems.append, max_rows), frames, problems


def test_rows_of_several_files_typed_in_one_batch_with_their_lines_and_problems():
    batch, frames, problems = _batch(REACTIONS)
    texts = {
        "a/Reactions.csv": "Date,Type,Link\n2026-01-02 10:00:00,like,https://x/1\n2099-01-01 10:00:00,LIKE,y\n",
        "b/Reactions.csv": "Date,Type,Link\r\n25/12/2025 08:00,Praise,z\r\n\r\n01/02/2026 09:00,,w\r\n",
    }
    files = []
    for name, text in texts.items():
        file = batch.open(name, text, {"agent_id": name[0], "_source_file": name})
        batch.read(file)
        files.append(file)
    batch.flush()
    rows = pl.concat(frames).sort("_source_file", "_source_row")
    assert rows.select("_source_file", "_source_row", "reaction_type", "reacted_at").rows() == [
        ("a/Reactions.csv", 2, "LIKE", datetime(2026, 1, 2, 10)),
        ("b/Reactions.csv", 2, "PRAISE", datetime(2025, 12, 25, 8)),
        ("b/Reactions.csv", 4, None, datetime(2026, 2, 1, 9)),
    ]
    assert [(p.source_file, p.source_row) for p in problems] == [("a/Reactions.csv", 3)]
    assert "'2099-01-01 10:00:00' is a date in the future" in problems[0].reason
    assert [(f.counts.rows_read, f.problems) for f in files] == [(2, 1), (2, 0)]
    assert files[1].notes == [
        "column 'Date': numeric dates read day first (D/M/Y): '25/12/2025 08:00' fits no other order"
    ]


def test_a_streamed_file_given_its_orders_is_typed_as_its_rows_come():
    batch, frames, problems = _batch(CONNECTIONS, max_rows=2)
    lines = (
        ["First Name,Company,Connected On\n"] + [f"A,B,0{d} Jul 2023\n" for d in range(1, 6)] + ["A,B,bad\n"]
    )
    file = batch.open("Connections.csv", iter(lines), {"_source_file": "Connections.csv"}, orders={})
    batch.read(file)
    assert [frame.height for frame in frames] == [2, 2, 1]  # typed two rows at a time as it was read
    batch.flush()
    assert pl.concat(frames)["connected_on"].to_list() == [date(2023, 7, d) for d in range(1, 6)]
    assert [p.source_row for p in problems] == [7]
    assert problems[0].reason.startswith("column 'Connected On': 'bad' is not a date")
    assert file.counts.rows_read == 6 and file.problems == 1
