"""A toy export family, written as a new source would be: one module, then one entry in the registry.

"Badges" reports list the training badges staff earned: ``badge_id,agent_id,badge,awarded_on``,
one row per badge, several people per file. Rows of consenting ambassadors are loaded into
``raw.toy_badges``; others are withheld (counted, never stored); a row with a bad date is
quarantined with its reason.
"""

from __future__ import annotations

from relais.ledger import QUARANTINED, FileRejected, Ledger
from relais.sources.io.dates import read_day_first
from relais.sources.io.files import file_outcome, read_bytes
from relais.sources.io.tables import Column, TableSpec, read_table
from relais.sources.io.text import decode_text
from relais.sources.source import DATE, INT, STR, Batch, RawTable, Recognition, Source, SourceRead

BADGES = TableSpec(
    "toy_badges",
    (
        Column("badge_id", ("badge_id",), required=True),
        Column("agent_id", ("agent_id",), required=True),
        Column("badge", ("badge",)),
        Column("awarded_on", ("awarded_on",), read_day_first, required=True),
    ),
)
SCHEMA = {
    "badge_id": STR,
    "agent_id": STR,
    "badge": STR,
    "awarded_on": DATE,
    "_source_file": STR,
    "_source_row": INT,
}


def read_badges(batch: Batch) -> SourceRead:
    """Every badges report: ambassadors' rows loaded, the others withheld, bad rows quarantined."""
    ambassadors = {p.agent_id for p in batch.people}
    ledger = Ledger()
    for item in batch.items:
        try:
            text, _ = decode_text(read_bytes(batch.inbox, item))
            read = read_table(item.path, text, BADGES)
        except FileRejected as exc:
            ledger.files.append(file_outcome(item, QUARANTINED, str(exc)))
            continue
        mine = [row for row in read.rows if row["agent_id"] in ambassadors]
        batch.sink.rows("toy_badges", ({**row, "_source_file": item.path} for row in mine))
        ledger.problems.extend(read.problems)
        outcome = file_outcome(item, "loaded", "", read.rows_read, len(read.problems))
        outcome.rows_loaded, outcome.rows_withheld = len(mine), len(read.rows) - len(mine)
        ledger.files.append(outcome)
    return SourceRead(ledger, notes=[f"Badges: {len(batch.items)} report(s)"])


SOURCE = Source(
    name="toy_badges_reports",
    display_name="badges reports",
    description="Read training badges reports: ambassadors' badges, the others withheld.",
    kinds={"toy_badges": "a badges report"},
    tables=(RawTable("toy_badges", SCHEMA, "Badges earned by consenting ambassadors."),),
    read=read_badges,
    recognition=Recognition(texts=(BADGES,)),
    several_people=frozenset({"toy_badges"}),
)
