"""Pseudonymous keys: what the analysts' database shows instead of people.

An agent appears as ``agent_key`` = HMAC-SHA256(secret key, agent id), in hexadecimal: stable from
run to run while the key stays the same, and impossible to reverse or to recompute without the
key. E-mails are hashed the same way (lower-cased) so archives can be matched to roster rows
whose e-mails were never stored. A home's key is generated once, when first needed, into a file
only its owner can read (``stored_key``).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Pseudonymiser:
    """Keyed hashing of identifiers; the key is never shown in its representation."""

    key: bytes = field(repr=False)

    def agent_key(self, agent_id: str) -> str:
        """HMAC-SHA256 of the agent id (surrounding spaces removed), as 64 hexadecimal characters."""
        return hmac.new(self.key, agent_id.strip().encode("utf-8"), hashlib.sha256).hexdigest()

    def email_key(self, email: str) -> str:
        """HMAC-SHA256 of the lower-cased e-mail address, in a namespace apart from agent ids."""
        message = b"email:" + email.strip().lower().encode("utf-8")
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()

    def erasure_token(self, agent_id: str) -> str:
        """HMAC-SHA256 of the agent id in a namespace of its own: marks an erased person without being
        their ``agent_key`` (so the erasure list can be kept while every ``agent_key`` trace is gone)."""
        message = b"erased:" + agent_id.strip().encode("utf-8")
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()


def _hex_key() -> bytes:
    return secrets.token_hex(32).encode("ascii")


def stored_key(path: Path, generate: Callable[[], bytes] = _hex_key) -> bytes:
    """The key kept in ``path``, generated there first by ``generate`` (by default 64 hexadecimal
    digits), mode 0600 in a 0700 folder, never replaced.

    The file appears whole or not at all: the key is written to a temporary file, then linked to
    ``path`` only if no other process created it meanwhile, whose key is then the one kept.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.parent.chmod(0o700)
        descriptor, temporary = tempfile.mkstemp(prefix=".key-", dir=path.parent)
        try:
            os.fchmod(descriptor, 0o600)
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(generate())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_bytes().strip()
