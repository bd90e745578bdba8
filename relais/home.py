"""A Relais home: the folder that holds everything a run reads and writes, and its settings.

``inbox/`` receives the files to ingest (any layout below it), ``warehouse.duckdb`` is the working
database, ``serving/relais.duckdb`` the snapshot analysts open read-only. The settings come from
``relais.toml``; the pseudonymisation key is obtained when first needed and never shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from relais.privacy.pseudonym import Pseudonymiser, stored_key
from relais.settings import Settings


@dataclass(frozen=True)
class RelaisHome:
    """Paths and settings of one home, as the assets use them; describing a home creates nothing.

    ``settings`` is the home's checked ``relais.toml`` (the defaults when there is none).
    ``pseudonym_secret`` is the pseudonymisation key given by the environment; without it the key
    is the one generated once into ``secrets/pseudonym.key``, when the pseudonymiser is first used.
    In a deployment of many organisations, ``network_database`` is the network of peers' database
    and ``slug`` the organisation's name in it (the report then compares it with its peers).
    """

    root: Path
    settings: Settings = field(default_factory=Settings, repr=False, compare=False)
    pseudonym_secret: str = field(default="", repr=False, compare=False)
    network_database: Path | None = field(default=None, compare=False)
    slug: str = field(default="", compare=False)

    @property
    def timezone(self) -> str:
        """The organisation's IANA time zone (``timezone`` in relais.toml)."""
        return self.settings.timezone

    @property
    def organisation(self) -> str:
        """The organisation's name (``organisation`` in relais.toml)."""
        return self.settings.organisation

    @cached_property
    def pseudonymiser(self) -> Pseudonymiser:
        """Keyed hashing of identifiers: the environment's key, else the home's (made on first use)."""
        if self.pseudonym_secret:
            return Pseudonymiser(self.pseudonym_secret.encode("utf-8"))
        return Pseudonymiser(stored_key(self.pseudonym_key))

    @property
    def pseudonym_key(self) -> Path:
        """The generated pseudonymisation key (owner-only), used when the environment gives none."""
        return self.root / "secrets" / "pseudonym.key"

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
