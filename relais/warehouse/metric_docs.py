"""The published tables' documentation, read from ``docs/metrics.md`` (the single source of it).

Each ``## marts.<table>`` section of the file holds a paragraph describing the table and a Markdown
table ``| column | definition | formula | source | caveats |``. This module parses them so that
the analysts' database carries them as table and column comments, and so a test can prove that
every published column is documented and every documented column published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from relais.shipped import METRICS_DOC

DOCS = METRICS_DOC
_SECTION = re.compile(r"^## (\w+)\.(\w+)\s*$")


@dataclass
class ColumnDoc:
    """One documented column."""

    definition: str
    formula: str
    source: str
    caveats: str

    def comment(self) -> str:
        """The column's comment in the database: definition, formula, source and caveats in one line."""
        parts = [self.definition]
        if self.formula:
            parts.append(f"Formula: {self.formula}.")
        if self.source:
            parts.append(f"Source: {self.source}.")
        if self.caveats:
            parts.append(f"Caveats: {self.caveats}")
        return " ".join(p.strip() for p in parts)


@dataclass
class TableDoc:
    """One documented table: its description and its columns in order."""

    description: str = ""
    columns: dict[str, ColumnDoc] = field(default_factory=dict)


def parse_metric_docs(text: str) -> dict[str, TableDoc]:
    """``schema.table -> TableDoc`` for every ``## schema.table`` section of the Markdown text."""
    tables: dict[str, TableDoc] = {}
    current: TableDoc | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            match = _SECTION.match(line)
            current = tables.setdefault(f"{match.group(1)}.{match.group(2)}", TableDoc()) if match else None
            continue
        if current is None:
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if cells[0] in {"column", ""} or set(cells[0]) <= {"-"}:
                continue
            cells += [""] * (5 - len(cells))
            definition, formula, source, caveats = (c if c != "—" else "" for c in cells[1:5])
            current.columns[cells[0]] = ColumnDoc(definition, formula, source, caveats)
        elif line.strip() and not current.columns and not line.startswith("#"):
            current.description = f"{current.description} {line.strip()}".strip()
    return tables


def load_metric_docs(path: Path = DOCS) -> dict[str, TableDoc]:
    """The documentation of every published table."""
    return parse_metric_docs(path.read_text(encoding="utf-8"))
