"""The LinkedIn access tokens of a home: the institution's and each consenting member's.

One JSON file, a home's ``RelaisHome.linkedin_tokens`` (``secrets/linkedin_tokens.json``), readable
by its owner only (mode 0600 in a 0700 folder) and rewritten atomically on every change. It holds
the organisation's token and URN (``urn:li:organization:N``) and, per ``agent_id``, the member's
token and person URN (``urn:li:person:...``). Tokens come out as ``Secret`` values: no
representation ever shows them.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from relais.sources.linkedin_api.client import Secret

FORMAT_KEY = "relais_linkedin_tokens"
FORMAT_VERSION = 1
ORGANIZATION_URN = re.compile(r"^urn:li:organization:\d+$")
PERSON_URN = re.compile(r"^urn:li:person:[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class OrganizationCredentials:
    """The institution's Page: its URN and an administrator's token."""

    urn: str
    token: Secret = field(repr=False)


@dataclass(frozen=True)
class MemberCredentials:
    """One member's token and person URN, keyed by the roster's ``agent_id``."""

    agent_id: str
    person_urn: str
    token: Secret = field(repr=False)


class TokenStore:
    """Read and change the token file; every change rewrites it whole, atomically, owner-only."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"TokenStore({str(self.path)!r})"

    def organization(self) -> OrganizationCredentials | None:
        """The organisation's credentials, or None when none are stored."""
        entry = self._load().get("organization")
        if not entry:
            return None
        return OrganizationCredentials(urn=entry["urn"], token=Secret(entry["token"]))

    def set_organization(self, urn: str, token: str | Secret) -> None:
        """Store (or replace) the organisation's URN and token."""
        urn = urn.strip()
        if not ORGANIZATION_URN.match(urn):
            raise ValueError(f"{urn!r} is not an organisation URN (expected urn:li:organization:<number>)")
        data = self._load()
        data["organization"] = {"urn": urn, "token": _reveal(token)}
        self._save(data)

    def remove_organization(self) -> bool:
        """Forget the organisation's token; True when there was one."""
        data = self._load()
        if data.pop("organization", None) is None:
            return False
        self._save(data)
        return True

    def member(self, agent_id: str) -> MemberCredentials | None:
        """One member's credentials, or None."""
        entry = self._load()["members"].get(agent_id.strip())
        if not entry:
            return None
        return MemberCredentials(agent_id.strip(), entry["person_urn"], Secret(entry["token"]))

    def member_ids(self) -> list[str]:
        """The agent ids that have a stored token, sorted."""
        return sorted(self._load()["members"])

    def set_member(self, agent_id: str, person_urn: str, token: str | Secret) -> None:
        """Store (or replace) a member's person URN and token under their agent id."""
        agent_id, person_urn = agent_id.strip(), person_urn.strip()
        if not agent_id:
            raise ValueError("an agent id is needed to store a member's token")
        if not PERSON_URN.match(person_urn):
            raise ValueError(f"{person_urn!r} is not a person URN (expected urn:li:person:<id>)")
        data = self._load()
        data["members"][agent_id] = {"person_urn": person_urn, "token": _reveal(token)}
        self._save(data)

    def remove_member(self, agent_id: str) -> bool:
        """Forget a member's token (consent withdrawn, member gone); True when there was one."""
        data = self._load()
        if data["members"].pop(agent_id.strip(), None) is None:
            return False
        self._save(data)
        return True

    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {FORMAT_KEY: FORMAT_VERSION, "members": {}}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{self.path} is not a readable token file ({type(exc).__name__})") from None
        if not isinstance(data, dict) or data.get(FORMAT_KEY) != FORMAT_VERSION:
            raise ValueError(f"{self.path} is not a Relais LinkedIn token file")
        members = data.setdefault("members", {})
        if not isinstance(members, dict) or not all(
            isinstance(m, dict) and {"person_urn", "token"} <= m.keys() for m in members.values()
        ):
            raise ValueError(f"{self.path}: 'members' must map agent ids to a person URN and a token")
        organization = data.get("organization")
        if organization is not None and not (
            isinstance(organization, dict) and {"urn", "token"} <= organization.keys()
        ):
            raise ValueError(f"{self.path}: 'organization' must hold a URN and a token")
        return data

    def _save(self, data: dict[str, Any]) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        descriptor, temporary = tempfile.mkstemp(prefix=".tokens-", suffix=".tmp", dir=folder)
        try:
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=2, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _reveal(token: str | Secret) -> str:
    return (token if isinstance(token, Secret) else Secret(token)).reveal()
