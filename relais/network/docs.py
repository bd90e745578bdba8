"""The network tables' documentation, read from the section "The network of peers" of docs/metrics.md.

Each ``### network.<table>`` heading of that section holds a paragraph and a Markdown table
``| column | definition | formula | source | caveats |``, the same layout as the published marts;
the builder attaches them to the network database as table and column comments, and a test proves
that every column of the network database is documented there and every documented one exists.
"""

from __future__ import annotations

from pathlib import Path

from relais.shipped import METRICS_DOC
from relais.warehouse.metric_docs import TableDoc, parse_metric_docs

SECTION = "## The network of peers"


def network_section(text: str) -> str:
    """The text of the section "The network of peers", up to the next second-level heading."""
    start = text.find(f"\n{SECTION}\n")
    if start < 0:
        return ""
    body = text[start + len(SECTION) + 2 :]
    end = body.find("\n## ")
    return body if end < 0 else body[:end]


def network_docs(path: Path = METRICS_DOC) -> dict[str, TableDoc]:
    """``network.<table> -> TableDoc`` for every table documented in the network section."""
    section = network_section(path.read_text(encoding="utf-8"))
    lines = [line[1:] if line.startswith("### network.") else line for line in section.splitlines()]
    return parse_metric_docs("\n".join(lines))
