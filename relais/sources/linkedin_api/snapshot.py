"""Member snapshot answers read as archive files: one parser per family, whatever the transport.

The Member Snapshot API (EU data portability) gives, per domain, rows with the same column names as
the member archive's CSV files (``MEMBER_SHARE_INFO`` holds the rows of Shares.csv, ``ALL_LIKES``
those of Reactions.csv...). The connector saves each answer as a JSON envelope; this module tells
such an envelope from its first bytes, checks it, and turns its rows back into the CSV text of the
archive file of its domain, so that the archive's own ``TableSpec`` reads it: same header matching,
same date forms, same quarantine reasons. Whose data it is comes from the envelope (the member's
consent bound the token to their roster ``agent_id``), not from an e-mail address.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from relais.ledger import FileRejected
from relais.sources.linkedin_api.files import (
    MEMBER_SNAPSHOT,
    SNAPSHOT_DOMAINS,
    ApiFileRead,
    is_api_envelope,
    load_envelope,
    read_envelope_header,
    request_params,
)

SNAPSHOT_KIND = "member_snapshot"
_SNAPSHOT_ENDPOINT = re.compile(rb'"endpoint"\s*:\s*"' + MEMBER_SNAPSHOT.encode() + rb'"')


def is_snapshot_envelope(head: bytes) -> bool:
    """True when a file's first bytes open an envelope of the Member Snapshot API."""
    return is_api_envelope(head) and _SNAPSHOT_ENDPOINT.search(head[:600]) is not None


@dataclass(frozen=True)
class SnapshotFile:
    """One snapshot envelope: whose, which domain and archive kind, and its rows as the archive's CSV."""

    envelope: ApiFileRead
    domain: str
    kind: str
    text: str
    rows: int

    @property
    def agent_id(self) -> str:
        """The roster id of the member the snapshot belongs to."""
        return self.envelope.agent_id or ""

    @property
    def obtained_at(self) -> datetime:
        """When LinkedIn gave the answer (naive UTC)."""
        return self.envelope.obtained_at


def snapshot_rows(elements: list[Any], domain: str) -> list[dict[str, Any]]:
    """The rows of a snapshot answer's elements for ``domain`` (elements of other domains are refused)."""
    rows: list[dict[str, Any]] = []
    for index, element in enumerate(elements, start=1):
        if not isinstance(element, dict):
            raise FileRejected(f"snapshot element {index} is not a JSON object")
        if element.get("snapshotDomain", domain) != domain:
            raise FileRejected(
                f"snapshot element {index} is of domain {element.get('snapshotDomain')!r}, "
                f"the request asked for {domain}"
            )
        data = element.get("snapshotData", [])
        data = [data] if isinstance(data, dict) else data
        if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
            raise FileRejected(f"snapshot element {index}: snapshotData is not a list of rows")
        rows.extend(data)
    return rows


def rows_as_csv(rows: list[dict[str, Any]]) -> str:
    """The rows written as a CSV file: every key a column, in the order first seen; absent keys empty."""
    header: dict[str, None] = {}
    for row in rows:
        header.update(dict.fromkeys(str(key) for key in row))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(key) is None else _cell(row.get(key)) for key in header])
    return out.getvalue()


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def read_snapshot_file(path: Path) -> SnapshotFile:
    """A snapshot envelope as its domain, archive kind and CSV text; ``FileRejected`` when it is not one."""
    envelope = load_envelope(path)
    header = read_envelope_header(envelope)
    if header.endpoint != MEMBER_SNAPSHOT:
        raise FileRejected(f"LinkedIn API file of endpoint {header.endpoint}, not a member snapshot")
    domain = request_params(header.request).get("domain") or _first_domain(envelope["elements"])
    if domain not in SNAPSHOT_DOMAINS:
        raise FileRejected(
            f"member snapshot of domain {domain!r}, which Relais does not read "
            f"(it reads {', '.join(sorted(SNAPSHOT_DOMAINS))})"
        )
    rows = snapshot_rows(envelope["elements"], domain)
    return SnapshotFile(
        header, domain, SNAPSHOT_DOMAINS[domain], rows_as_csv(rows) if rows else "", len(rows)
    )


def _first_domain(elements: list[Any]) -> str | None:
    for element in elements:
        if isinstance(element, dict) and isinstance(element.get("snapshotDomain"), str):
            return element["snapshotDomain"]
    return None
