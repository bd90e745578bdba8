"""Pseudonymous keys: what the analysts' database shows instead of people.

An agent appears as ``agent_key`` = HMAC-SHA256(secret key, agent id), in hexadecimal: stable from
run to run while the key stays the same, and impossible to reverse or to recompute without the
key. E-mails are hashed the same way (lower-cased) so archives can be matched to roster rows
whose e-mails were never stored.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field


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
