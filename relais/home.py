"""A Relais home: the folder that holds everything a run reads and writes, and its settings.

``inbox/`` receives the files to ingest (any layout below it), ``warehouse.duckdb`` is the working
database, ``serving/relais.duckdb`` the snapshot analysts open read-only. The settings come from
``relais.toml``; the pseudonymisation key is held here but never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relais.privacy.pseudonym import Pseudonymiser


@dataclass(frozen=True)
class RelaisHome:
    """Paths and settings of one home, as the assets use them."""

    root: Path
    timezone: str = "Europe/Paris"
    organisation: str = "Relais"
    pseudonymiser: Pseudonymiser = field(default_factory=lambda: Pseudonymiser(b""), repr=False)
    settings: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def inbox(self) -> Path:
        """Where files to ingest are dropped."""
        return self.root / "inbox"

    @property
    def warehouse(self) -> Path:
        """The working DuckDB database."""
        return self.root / "warehouse.duckdb"

    @property
    def serving_dir(self) -> Path:
        """The folder of published outputs."""
        return self.root / "serving"

    @property
    def serving(self) -> Path:
        """The published read-only snapshot."""
        return self.serving_dir / "relais.duckdb"

    @property
    def linkedin_tokens(self) -> Path:
        """The LinkedIn API token store (owner-only permissions)."""
        return self.root / "secrets" / "linkedin_tokens.json"

    @property
    def linkedin_state(self) -> Path:
        """The LinkedIn API connector's incremental cursor."""
        return self.root / "state" / "linkedin_api.json"

    @property
    def erasure_dir(self) -> Path:
        """The erasure audit log and the list of erased people (keyed hashes only)."""
        return self.root / "erasure"

    @property
    def erased_tokens(self) -> frozenset[str]:
        """Erasure tokens (``Pseudonymiser.erasure_token``) of the people erased from this home."""
        path = self.erasure_dir / "erased.txt"
        if not path.exists():
            return frozenset()
        lines = path.read_text(encoding="utf-8").splitlines()
        return frozenset(line.strip() for line in lines if line.strip())

    @property
    def reports_dir(self) -> Path:
        """The monthly reports, one folder per month (``YYYY-MM``)."""
        return self.root / "reports"
