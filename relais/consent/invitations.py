"""Signed invitation links: one per ambassador, naming them, valid for a while, impossible to forge.

An invitation is ``<agent id, base64url>.<expiry, epoch seconds>.<HMAC-SHA256, base64url>``, the
HMAC taken over the agent id and the expiry with the home's consent key: ``RELAIS_CONSENT_KEY``
when set, else ``secrets/consent.key``, generated (0600) on first use. The link is
``<consent_public_url>consentement/<invitation>``. Checking compares signatures in constant time
and says why an invitation is refused (malformed, forged, expired), never the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from relais.privacy.pseudonym import stored_key

KEY_ENV = "RELAIS_CONSENT_KEY"
KEY_FILE = Path("secrets") / "consent.key"
DEFAULT_DAYS = 30
PATH_PREFIX = "consentement/"


class InvalidInvitation(ValueError):
    """An invitation that cannot be used; ``reason`` is "malformed", "forged" or "expired"."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Invitation:
    """A checked invitation: whose it is and until when it can be used."""

    agent_id: str
    expires_at: datetime


def consent_key(home_root: Path, environ: Mapping[str, str] | None = None) -> bytes:
    """The key that signs invitations: ``RELAIS_CONSENT_KEY``, else the home's ``secrets/consent.key``."""
    env = os.environ if environ is None else environ
    given = env.get(KEY_ENV, "").strip()
    return given.encode("utf-8") if given else stored_key(home_root / KEY_FILE)


def sign_invitation(key: bytes, agent_id: str, expires_at: datetime) -> str:
    """The invitation of ``agent_id`` valid until ``expires_at`` (to the second)."""
    agent_id = agent_id.strip()
    if not agent_id:
        raise ValueError("an agent id is needed to sign an invitation")
    expiry = int(expires_at.timestamp())
    return f"{_b64(agent_id.encode('utf-8'))}.{expiry}.{_b64(_signature(key, agent_id, expiry))}"


def new_invitation(key: bytes, agent_id: str, now: datetime, days: int = DEFAULT_DAYS) -> str:
    """The invitation of ``agent_id`` valid for ``days`` days from ``now``."""
    if days <= 0:
        raise ValueError(f"an invitation must be valid for at least one day (got {days})")
    return sign_invitation(key, agent_id, now + timedelta(days=days))


def invitation_link(public_url: str, invitation: str) -> str:
    """The address an ambassador opens: ``<consent_public_url>consentement/<invitation>``."""
    base = public_url if public_url.endswith("/") else public_url + "/"
    return base + PATH_PREFIX + invitation


def check_invitation(key: bytes, invitation: str, now: datetime) -> Invitation:
    """The agent and expiry of a genuine, unexpired invitation; ``InvalidInvitation`` otherwise."""
    parts = invitation.strip().split(".")
    try:
        if len(parts) != 3 or not parts[1].isdigit():
            raise ValueError
        agent_id = _unb64(parts[0]).decode("utf-8")
        signature = _unb64(parts[2])
        expiry = int(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInvitation("malformed", "this invitation link is incomplete or damaged") from None
    if not hmac.compare_digest(signature, _signature(key, agent_id, expiry)):
        raise InvalidInvitation("forged", "this invitation link was not signed by this Relais home")
    expires_at = datetime.fromtimestamp(expiry, UTC)
    if now >= expires_at:
        raise InvalidInvitation("expired", f"this invitation link expired on {expires_at:%Y-%m-%d}")
    return Invitation(agent_id, expires_at)


def _signature(key: bytes, agent_id: str, expiry: int) -> bytes:
    message = f"relais-consent\n{agent_id}\n{expiry}".encode()
    return hmac.new(key, message, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text:
        raise ValueError("empty")
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
