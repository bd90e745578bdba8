"""LinkedIn's 3-legged OAuth 2.0 for the data-portability product: PKCE, state, URLs, exchange, identity.

Pure functions build what is sent (the PKCE verifier and its S256 challenge, an unguessable state,
the authorize URL) and read what comes back (the token answer, the member compliance
authorisation); two small functions send the token exchange and the identity read through an
``httpx.Client`` the caller gives (with its timeout). ``PendingStates`` remembers, in memory, which
state was handed to whom, each usable once and for ten minutes. No message or log line holds a
token, an authorisation code, a verifier or the client secret.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx

from relais.sources.linkedin_api.client import RESTLI_PROTOCOL_VERSION, Secret

SCOPE = "r_dma_portability_3rd_party"
"""The only scope of LinkedIn's "Member Data Portability (3rd Party)" product (asking for more fails)."""
STATE_SECONDS = 600
MAX_PENDING = 10_000
COMPLIANCE_PATH = "memberComplianceAuthorizations"
CANCELLED = "user_cancelled_authorize"


class OAuthError(Exception):
    """LinkedIn's OAuth answer cannot be used; the message says what went wrong, never a secret."""


# ---------------------------------------------------------------- what is sent


def new_verifier() -> str:
    """A PKCE code verifier: 64 URL-safe random characters (RFC 7636 allows 43 to 128)."""
    return secrets.token_urlsafe(48)


def challenge_s256(verifier: str) -> str:
    """The S256 code challenge of ``verifier``: base64url(SHA-256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_state() -> str:
    """An unguessable ``state`` value (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def authorize_url(
    oauth_base_url: str, client_id: str, redirect_uri: str, state: str, challenge: str | None = None
) -> str:
    """Where to send the member's browser to authorise Relais (the PKCE challenge when given)."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "scope": SCOPE,
    }
    if challenge:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    return _base(oauth_base_url) + "authorization?" + urlencode(params)


# ---------------------------------------------------------------- what comes back


@dataclass(frozen=True)
class TokenAnswer:
    """The access token LinkedIn granted, how long it lasts and its scopes (and a refresh token if any)."""

    access_token: Secret = field(repr=False)
    expires_in: int
    scopes: tuple[str, ...]
    refresh_token: Secret | None = field(default=None, repr=False)
    refresh_token_expires_in: int | None = None

    def expires_at(self, now: datetime) -> str:
        """When the access token expires, as an ISO time in UTC, counted from ``now``."""
        moment = now.astimezone(UTC).timestamp() + self.expires_in
        return iso_utc(datetime.fromtimestamp(moment, UTC))


def parse_token_answer(payload: Any) -> TokenAnswer:
    """The token answer of ``accessToken``, checked; ``OAuthError`` naming what is missing or wrong.

    An answer without ``r_dma_portability_3rd_party`` in its scopes is refused: the token could not
    read the member's data.
    """
    if not isinstance(payload, Mapping):
        raise OAuthError("LinkedIn's token answer is not a JSON object")
    if "error" in payload:
        raise OAuthError(f"LinkedIn refused the code: {_error_text(payload)}")
    token = payload.get("access_token")
    if not isinstance(token, str) or not token.strip() or any(c.isspace() for c in token):
        raise OAuthError("LinkedIn's token answer holds no usable access_token")
    expires_in = payload.get("expires_in")
    if not isinstance(expires_in, int) or isinstance(expires_in, bool) or expires_in <= 0:
        raise OAuthError("LinkedIn's token answer has no positive expires_in (seconds)")
    scopes = tuple(part for part in str(payload.get("scope") or "").replace(",", " ").split() if part)
    if SCOPE not in scopes:
        shown = ", ".join(scopes) or "none"
        raise OAuthError(f"LinkedIn granted the scopes {shown}, not {SCOPE}")
    refresh = payload.get("refresh_token")
    refresh_in = payload.get("refresh_token_expires_in")
    return TokenAnswer(
        access_token=Secret(token),
        expires_in=expires_in,
        scopes=scopes,
        refresh_token=Secret(refresh) if isinstance(refresh, str) and refresh.strip() else None,
        refresh_token_expires_in=refresh_in if isinstance(refresh_in, int) and refresh_in > 0 else None,
    )


@dataclass(frozen=True)
class MemberAuthorization:
    """Whose authorisation a token is: the member's person URN, the application, when, which scopes."""

    person_urn: str
    application: str
    regulated_at: datetime | None
    scopes: tuple[str, ...]


def parse_compliance_answer(payload: Any) -> MemberAuthorization:
    """The member behind a token, from ``memberComplianceAuthorizations?q=memberAndApplication``."""
    elements = payload.get("elements") if isinstance(payload, Mapping) else None
    if not isinstance(elements, list) or not elements or not isinstance(elements[0], Mapping):
        raise OAuthError("LinkedIn's compliance answer lists no authorisation for this token")
    element = elements[0]
    key = element.get("memberComplianceAuthorizationKey")
    member = key.get("member") if isinstance(key, Mapping) else None
    if not isinstance(member, str) or not member.startswith("urn:li:person:"):
        raise OAuthError("LinkedIn's compliance answer names no member (urn:li:person:...)")
    regulated = element.get("regulatedAt")
    scopes = element.get("memberComplianceScopes")
    return MemberAuthorization(
        person_urn=member,
        application=str(key.get("developerApplication") or ""),
        regulated_at=datetime.fromtimestamp(regulated / 1000, UTC) if isinstance(regulated, int) else None,
        scopes=tuple(str(s) for s in scopes) if isinstance(scopes, list) else (),
    )


def iso_utc(moment: datetime) -> str:
    """A time as ISO 8601 in UTC to the second (``2026-12-06T15:33:07Z``)."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- the two calls


def exchange_code(
    client: httpx.Client,
    oauth_base_url: str,
    *,
    code: str,
    redirect_uri: str,
    client_id: str,
    client_secret: Secret,
    verifier: str | None,
) -> TokenAnswer:
    """Trade an authorisation code for the member's token (``POST accessToken``, form-encoded)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "client_secret": client_secret.reveal(),
    }
    if verifier:
        form["code_verifier"] = verifier
    try:
        answer = client.post(_base(oauth_base_url) + "accessToken", data=form)
    except httpx.HTTPError as error:
        raise OAuthError(f"LinkedIn's token endpoint could not be reached ({type(error).__name__})") from None
    payload = _json(answer, "token")
    if answer.status_code != 200:
        reason = _error_text(payload, hide=(code, client_secret.reveal()))
        raise OAuthError(f"LinkedIn refused the code (HTTP {answer.status_code}): {reason}")
    return parse_token_answer(payload)


def read_authorization(
    client: httpx.Client, api_base_url: str, version: str, token: Secret
) -> MemberAuthorization:
    """Whose token this is, asked of LinkedIn's ``memberComplianceAuthorizations`` (the token's one scope)."""
    headers = {
        "Authorization": f"Bearer {token.reveal()}",
        "LinkedIn-Version": version,
        "X-Restli-Protocol-Version": RESTLI_PROTOCOL_VERSION,
    }
    url = _base(api_base_url) + COMPLIANCE_PATH
    try:
        answer = client.get(url, params={"q": "memberAndApplication"}, headers=headers)
    except httpx.HTTPError as error:
        raise OAuthError(f"LinkedIn's API could not be reached ({type(error).__name__})") from None
    payload = _json(answer, "compliance")
    if answer.status_code != 200:
        raise OAuthError(
            f"LinkedIn did not say whose token this is (HTTP {answer.status_code}): {_error_text(payload)}"
        )
    return parse_compliance_answer(payload)


def _json(answer: httpx.Response, what: str) -> Any:
    try:
        return answer.json()
    except ValueError:
        raise OAuthError(f"LinkedIn's {what} answer (HTTP {answer.status_code}) is not JSON") from None


def _error_text(payload: Any, hide: tuple[str, ...] = ()) -> str:
    """LinkedIn's ``error`` and ``error_description`` (or ``message``), short, any ``hide`` text masked."""
    if not isinstance(payload, Mapping):
        return "no reason given"
    parts = [str(payload.get(k)) for k in ("error", "error_description", "message") if payload.get(k)]
    text = ": ".join(parts)
    for secret in hide:
        if secret:
            text = text.replace(secret, "***")
    return text[:200] or "no reason given"


def _base(url: str) -> str:
    return url if url.endswith("/") else url + "/"


# ---------------------------------------------------------------- pending authorisations


@dataclass(frozen=True)
class Pending:
    """An authorisation under way: for whom, the PKCE verifier to send back, when it started."""

    agent_id: str
    verifier: str | None = field(repr=False)
    started: float


class PendingStates:
    """The states handed to browsers and not yet used: each is taken once, within ``lifetime`` seconds.

    Held in memory (a restart forgets them: the member starts again from their link), bounded to
    ``limit`` entries, the oldest dropped first; ``clock`` is injectable for tests.
    """

    def __init__(
        self,
        lifetime: float = STATE_SECONDS,
        limit: int = MAX_PENDING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.lifetime, self.limit, self.clock = lifetime, limit, clock
        self._pending: dict[str, Pending] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._pending)

    def start(self, agent_id: str, verifier: str | None) -> str:
        """A new state for ``agent_id`` (and its PKCE verifier), remembered until used or expired."""
        state = new_state()
        with self._lock:
            self._prune()
            while len(self._pending) >= self.limit:
                self._pending.pop(next(iter(self._pending)))
            self._pending[state] = Pending(agent_id, verifier, self.clock())
        return state

    def take(self, state: str) -> Pending | None:
        """The authorisation of ``state``, forgotten at once; None when unknown, used or expired."""
        with self._lock:
            pending = self._pending.pop(state, None)
            self._prune()
        if pending is None or self.clock() - pending.started > self.lifetime:
            return None
        return pending

    def _prune(self) -> None:
        now = self.clock()
        for state in [s for s, p in self._pending.items() if now - p.started > self.lifetime]:
            del self._pending[state]
