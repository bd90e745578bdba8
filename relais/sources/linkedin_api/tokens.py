"""The LinkedIn access tokens of a home: the institution's and each consenting member's, encrypted at rest.

One file, a home's ``RelaisHome.linkedin_tokens`` (``secrets/linkedin_tokens.json``), readable by its
owner only (mode 0600 in a 0700 folder) and rewritten atomically on every change. It holds the
organisation's token and URN (``urn:li:organization:N``) and, per ``agent_id``, the member's token,
person URN (``urn:li:person:...``) and what the token is for (``product``: "community" for the
Community Management API, "portability" for the EU data-portability consent). The document is
encrypted with Fernet (``cryptography``): the key comes from ``RELAIS_TOKEN_KEY`` or from
``token.key`` next to the file, generated (0600) on the first save; the file on disk shows neither a
token nor a URN. A plaintext file of format 1 is still read, and written encrypted at the next
change. Tokens come out as ``Secret`` values: no representation ever shows them.
"""

from __future__ import annotations

import binascii
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from relais.privacy.pseudonym import stored_key
from relais.sources.linkedin_api.client import Secret

FORMAT_KEY = "relais_linkedin_tokens"
FORMAT_VERSION = 1
"""The version of the document itself (organisation and members), encrypted or not."""
ENCRYPTED_VERSION = 2
"""The version of the file when it holds the document encrypted (``{"relais_linkedin_tokens": 2, ...}``)."""
KEY_ENV = "RELAIS_TOKEN_KEY"
KEY_FILE = "token.key"
PRODUCTS = ("community", "portability")
ORGANIZATION_URN = re.compile(r"^urn:li:organization:\d+$")
PERSON_URN = re.compile(r"^urn:li:person:[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class OrganizationCredentials:
    """The institution's Page: its URN and an administrator's token."""

    urn: str
    token: Secret = field(repr=False)


@dataclass(frozen=True)
class MemberCredentials:
    """One member's token and person URN, keyed by the roster's ``agent_id``, and what the token is for.

    ``product`` is "community" (a Community Management API token, stored with ``relais
    linkedin-token``) or "portability" (the member's consent to the EU data-portability product,
    given on the consent page); ``scopes`` are the scopes LinkedIn granted, ``consented_at`` and
    ``expires_at`` ISO times in UTC when known.
    """

    agent_id: str
    person_urn: str
    token: Secret = field(repr=False)
    product: str = "community"
    scopes: tuple[str, ...] = ()
    consented_at: str | None = None
    expires_at: str | None = None


class TokenStore:
    """Read and change the token file; every change rewrites it whole, encrypted, atomically, owner-only.

    ``key`` (a Fernet key) is used when given; otherwise ``RELAIS_TOKEN_KEY``, else the ``token.key``
    file next to the token file (made on the first save).
    """

    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = Path(path)
        self._key = key

    def __repr__(self) -> str:
        return f"TokenStore({str(self.path)!r})"

    @property
    def key_path(self) -> Path:
        """The generated encryption key, used when neither the caller nor the environment gives one."""
        return self.path.parent / KEY_FILE

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
        return _member(agent_id.strip(), entry) if entry else None

    def member_ids(self) -> list[str]:
        """The agent ids that have a stored token, sorted."""
        return sorted(self._load()["members"])

    def portability_members(self) -> list[MemberCredentials]:
        """The members whose token is a data-portability consent (``product`` "portability"), by agent id."""
        members = self._load()["members"]
        chosen = [_member(agent_id, entry) for agent_id, entry in sorted(members.items())]
        return [member for member in chosen if member.product == "portability"]

    def set_member(
        self,
        agent_id: str,
        person_urn: str,
        token: str | Secret,
        *,
        product: str = "community",
        scopes: tuple[str, ...] = (),
        consented_at: str | None = None,
        expires_at: str | None = None,
    ) -> None:
        """Store (or replace) a member's person URN and token under their agent id, with what it is for."""
        agent_id, person_urn = agent_id.strip(), person_urn.strip()
        if not agent_id:
            raise ValueError("an agent id is needed to store a member's token")
        if not PERSON_URN.match(person_urn):
            raise ValueError(f"{person_urn!r} is not a person URN (expected urn:li:person:<id>)")
        if product not in PRODUCTS:
            raise ValueError(f"{product!r} is not a LinkedIn product of Relais (use one of {PRODUCTS})")
        entry: dict[str, Any] = {"person_urn": person_urn, "token": _reveal(token), "product": product}
        if scopes:
            entry["scopes"] = list(scopes)
        if consented_at:
            entry["consented_at"] = consented_at
        if expires_at:
            entry["expires_at"] = expires_at
        data = self._load()
        data["members"][agent_id] = entry
        self._save(data)

    def remove_member(self, agent_id: str) -> bool:
        """Forget a member's token (consent withdrawn, member gone); True when there was one."""
        data = self._load()
        if data["members"].pop(agent_id.strip(), None) is None:
            return False
        self._save(data)
        return True

    # -- the file -------------------------------------------------------------------------------
    def _load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {FORMAT_KEY: FORMAT_VERSION, "members": {}}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{self.path} is not a readable token file ({type(exc).__name__})") from None
        if isinstance(data, dict) and data.get(FORMAT_KEY) == ENCRYPTED_VERSION:
            data = self._decrypt(data)
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

    def _decrypt(self, envelope: Mapping[str, Any]) -> Any:
        """The document inside an encrypted file, or a ValueError saying which key is wrong and what to do."""
        fernet = self._fernet(create=False)
        if fernet is None:
            raise ValueError(
                f"{self.path} is encrypted but no key was found: set {KEY_ENV} or restore {self.key_path}"
            )
        try:
            plain = fernet.decrypt(str(envelope.get("ciphertext", "")).encode("ascii"))
            return json.loads(plain.decode("utf-8"))
        except (InvalidToken, UnicodeError, ValueError):
            raise ValueError(
                f"{self.path} cannot be decrypted with the key from {self._key_origin()}: restore the key it "
                f"was written with ({KEY_ENV} or {self.key_path}), or delete {self.path} and store the "
                "tokens again (ambassadors re-authorise on the consent page)"
            ) from None

    def _save(self, data: dict[str, Any]) -> None:
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)
        fernet = self._fernet(create=True)
        assert fernet is not None
        plain = json.dumps(data, sort_keys=True).encode("utf-8")
        envelope = {FORMAT_KEY: ENCRYPTED_VERSION, "ciphertext": fernet.encrypt(plain).decode("ascii")}
        descriptor, temporary = tempfile.mkstemp(prefix=".tokens-", suffix=".tmp", dir=folder)
        try:
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(envelope, handle, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    # -- the key --------------------------------------------------------------------------------
    def _fernet(self, create: bool) -> Fernet | None:
        """The cipher of the store's key (given, environment, or file), None when there is none yet."""
        key = self._key or os.environ.get(KEY_ENV, "").strip().encode("ascii")
        if not key:
            if not self.key_path.exists() and not create:
                return None
            key = stored_fernet_key(self.key_path)
        try:
            return Fernet(key)
        except (ValueError, binascii.Error):
            raise ValueError(
                f"the token key from {self._key_origin()} is not a Fernet key (44 characters of URL-safe "
                'base64): make one with python -c "from cryptography.fernet import Fernet; '
                'print(Fernet.generate_key().decode())"'
            ) from None

    def _key_origin(self) -> str:
        if self._key:
            return "the caller"
        if os.environ.get(KEY_ENV, "").strip():
            return KEY_ENV
        return str(self.key_path)


def stored_fernet_key(path: Path) -> bytes:
    """The Fernet key kept in ``path``, generated there first (mode 0600 in a 0700 folder, never replaced)."""
    return stored_key(path, Fernet.generate_key)


def _member(agent_id: str, entry: Mapping[str, Any]) -> MemberCredentials:
    return MemberCredentials(
        agent_id,
        entry["person_urn"],
        Secret(entry["token"]),
        product=entry.get("product", "community"),
        scopes=tuple(entry.get("scopes", ())),
        consented_at=entry.get("consented_at"),
        expires_at=entry.get("expires_at"),
    )


def _reveal(token: str | Secret) -> str:
    return (token if isinstance(token, Secret) else Secret(token)).reveal()
