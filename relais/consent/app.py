"""The consent page as a Starlette application: invitation, explanation, LinkedIn, confirmation.

``GET /consentement/<invitation>`` checks the signed invitation and the roster, then explains in
plain French what Relais reads and why; its button (``POST`` to the same address) starts LinkedIn's
3-legged OAuth with a single-use state (ten minutes) and a PKCE verifier kept in memory, and sends
the browser to LinkedIn. LinkedIn sends it back to ``GET /linkedin/retour``: the state is taken, the
roster checked again, the code traded for the member's token, whose owner is read back, and the
token stored encrypted as the agent's "portability" credentials. Every refusal or failure ends on a
page saying what happened and what to do; nothing is stored then. Logs never hold a token, a code,
an invitation or the client secret (the request log shows paths without query strings).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from relais.consent.gate import check_ambassador
from relais.consent.invitations import InvalidInvitation, check_invitation, consent_key
from relais.consent.oauth import (
    CANCELLED,
    OAuthError,
    PendingStates,
    TokenAnswer,
    authorize_url,
    challenge_s256,
    exchange_code,
    iso_utc,
    new_verifier,
    read_authorization,
)
from relais.consent.secrets import client_secret, where_to_put_it
from relais.home import RelaisHome
from relais.privacy.withdrawals import clear_withdrawal
from relais.sources.linkedin_api.client import Secret
from relais.sources.linkedin_api.tokens import TokenStore

log = logging.getLogger("relais.consent")

TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = TEMPLATES / "consent.css"
CALLBACK_PATH = "linkedin/retour"
UNAVAILABLE = frozenset({"no-warehouse", "no-roster", "busy"})

HttpClientFactory = Callable[[], httpx.Client]


class ConsentNotConfigured(Exception):
    """The consent page cannot run (no LinkedIn client id or client secret); the message says what to do."""


def redirect_uri(public_url: str) -> str:
    """Where LinkedIn sends the browser back: ``<consent_public_url>linkedin/retour``."""
    return _slash(public_url) + CALLBACK_PATH


def check_configured(home: RelaisHome) -> Secret:
    """The client secret, once the client id and the secret are known; ``ConsentNotConfigured`` otherwise."""
    if not home.settings.linkedin_client_id.strip():
        raise ConsentNotConfigured(
            "linkedin_client_id is empty in relais.toml: copy the Client ID of the organisation's LinkedIn "
            "application (with the Member Data Portability (3rd Party) product) there"
        )
    secret = client_secret(home.root)
    if secret is None:
        raise ConsentNotConfigured(f"no LinkedIn client secret found: {where_to_put_it(home.root)}")
    return secret


def consent_app(home: RelaisHome, *, http_client_factory: HttpClientFactory | None = None) -> Starlette:
    """The consent application of ``home``; ``ConsentNotConfigured`` without a client id and secret.

    The token store must be readable (its key at hand); a store that cannot be decrypted is
    reported as ``ConsentNotConfigured`` with the store's own message.

    ``http_client_factory`` makes the ``httpx.Client`` of each call to LinkedIn (by default one
    with the home's ``linkedin_timeout_seconds``).
    """
    secret = check_configured(home)
    settings = home.settings
    store = TokenStore(home.linkedin_tokens)
    try:
        store.member_ids()  # an unreadable store (wrong key) is said now, not to the first ambassador
    except ValueError as error:
        raise ConsentNotConfigured(str(error)) from None
    timeout = float(settings.linkedin_timeout_seconds)
    pages = ConsentPages(
        home=home,
        secret=secret,
        key=consent_key(home.root),
        store=store,
        pending=PendingStates(),
        http_client_factory=http_client_factory or (lambda: httpx.Client(timeout=timeout)),
    )
    oauth_origin = "{0.scheme}://{0.netloc}".format(urlsplit(settings.linkedin_oauth_base_url))
    app = Starlette(
        middleware=[Middleware(SafeHeaders, oauth_origin=oauth_origin)],
        routes=[
            Route("/", pages.index, methods=["GET"]),
            Route("/consent.css", pages.stylesheet, methods=["GET"]),
            Route("/favicon.ico", pages.no_icon, methods=["GET"]),
            Route("/consentement/{invitation}", pages.invitation, methods=["GET"]),
            Route("/consentement/{invitation}", pages.start, methods=["POST"]),
            Route("/" + CALLBACK_PATH, pages.callback, methods=["GET"]),
        ],
    )
    app.state.pages = pages
    return app


class ConsentPages:
    """The handlers of the consent application and what they share (store, pending states, keys)."""

    def __init__(
        self,
        home: RelaisHome,
        secret: Secret,
        key: bytes,
        store: TokenStore,
        pending: PendingStates,
        http_client_factory: HttpClientFactory,
    ) -> None:
        self.home, self.settings = home, home.settings
        self._secret, self._key = secret, key
        self.store, self.pending = store, pending
        self._writing = threading.Lock()  # one read-change-write of the token file at a time
        self.http_client_factory = http_client_factory
        self.templates = Jinja2Templates(directory=str(TEMPLATES))

    # -- pages ----------------------------------------------------------------------------------
    def index(self, request: Request) -> Response:
        """A short page for whoever opens the address without their personal link."""
        return self._page(request, "index.html", {})

    def stylesheet(self, request: Request) -> Response:
        """The pages' only stylesheet (no external resource)."""
        return FileResponse(STYLESHEET, media_type="text/css")

    def no_icon(self, request: Request) -> Response:
        """No icon (browsers ask for one): an empty answer rather than a 404 in the logs."""
        return Response(status_code=204)

    def invitation(self, request: Request) -> Response:
        """The explanation page of a genuine invitation for a current ambassador, or a refusal."""
        refusal, agent_id, first_name = self._admit(request)
        if refusal is not None:
            return refusal
        log.info("consent page shown to agent %s", agent_id)
        return self._page(request, "invitation.html", {"first_name": first_name})

    def start(self, request: Request) -> Response:
        """Send the ambassador to LinkedIn with a fresh state (and PKCE challenge)."""
        refusal, agent_id, _ = self._admit(request)
        if refusal is not None:
            return refusal
        verifier = new_verifier() if self.settings.consent_pkce else None
        state = self.pending.start(agent_id, verifier)
        url = authorize_url(
            self.settings.linkedin_oauth_base_url,
            self.settings.linkedin_client_id,
            redirect_uri(self.settings.consent_public_url),
            state,
            challenge_s256(verifier) if verifier else None,
        )
        log.info("agent %s sent to LinkedIn to authorise Relais", agent_id)
        return RedirectResponse(url, status_code=303)

    def callback(self, request: Request) -> Response:
        """LinkedIn's answer: take the state, check the roster again, trade the code, store the token."""
        query = request.query_params
        pending = self.pending.take(query.get("state", ""))
        if query.get("error"):
            who = pending.agent_id if pending else "unknown"
            if query["error"] == CANCELLED or query["error"].startswith("user_cancelled"):
                log.info("agent %s cancelled the authorisation on LinkedIn", who)
                return self._problem(request, "cancelled", 200)
            log.warning("LinkedIn answered error %r for agent %s", query["error"][:60], who)
            return self._problem(request, "linkedin-error", 400)
        if pending is None:
            log.warning("LinkedIn callback with an unknown, used or expired state")
            return self._problem(request, "bad-state", 400)
        if not query.get("code"):
            log.warning("LinkedIn callback without a code for agent %s", pending.agent_id)
            return self._problem(request, "linkedin-error", 400)
        decision = check_ambassador(self.home.warehouse, pending.agent_id)
        if not decision.allowed:
            log.info("agent %s refused at the callback: %s", pending.agent_id, decision.reason)
            return self._refusal(request, decision.reason)
        now = datetime.now(UTC)
        try:
            with self.http_client_factory() as client:
                answer = exchange_code(
                    client,
                    self.settings.linkedin_oauth_base_url,
                    code=query["code"],
                    redirect_uri=redirect_uri(self.settings.consent_public_url),
                    client_id=self.settings.linkedin_client_id,
                    client_secret=self._secret,
                    verifier=pending.verifier,
                )
                member = read_authorization(
                    client,
                    self.settings.linkedin_api_base_url,
                    self.settings.linkedin_portability_version,
                    answer.access_token,
                )
        except OAuthError as error:
            log.warning("consent of agent %s not recorded: %s", pending.agent_id, error)
            return self._problem(request, "exchange-failed", 502)
        return self._record(request, pending.agent_id, member.person_urn, answer, member.regulated_at, now)

    # -- steps ----------------------------------------------------------------------------------
    def _admit(self, request: Request) -> tuple[Response | None, str, str | None]:
        """A refusal page, or None with the agent id and first name of a valid invitation."""
        try:
            invitation = check_invitation(self._key, request.path_params["invitation"], datetime.now(UTC))
        except InvalidInvitation as invalid:
            log.info("invitation refused: %s", invalid.reason)
            return self._refusal(request, f"invitation-{invalid.reason}"), "", None
        decision = check_ambassador(self.home.warehouse, invitation.agent_id)
        if not decision.allowed:
            log.info("agent %s refused: %s (%s)", invitation.agent_id, decision.reason, decision.detail)
            return self._refusal(request, decision.reason), invitation.agent_id, None
        return None, invitation.agent_id, decision.first_name

    def _record(
        self,
        request: Request,
        agent_id: str,
        person_urn: str,
        answer: TokenAnswer,
        regulated_at: datetime | None,
        now: datetime,
    ) -> Response:
        """Store the agent's portability token, unless that LinkedIn account is another agent's.

        The check and the write happen under the write lock, one read-change-write at a time.
        """
        try:
            with self._writing:
                members = self.store.portability_members()
                if any(m.person_urn == person_urn and m.agent_id != agent_id for m in members):
                    log.warning("agent %s used a LinkedIn account stored for another agent", agent_id)
                    return self._problem(request, "account-taken", 409)
                self.store.set_member(
                    agent_id,
                    person_urn,
                    answer.access_token,
                    product="portability",
                    scopes=answer.scopes,
                    consented_at=iso_utc(regulated_at or now),
                    expires_at=answer.expires_at(now),
                )
                if clear_withdrawal(self.home, agent_id):
                    log.info("agent %s consented again after revoking LinkedIn's authorisation", agent_id)
        except ValueError as error:
            log.error("consent of agent %s not recorded: %s", agent_id, error)
            return self._problem(request, "store-failed", 500)
        log.info("consent of agent %s recorded (data-portability token stored)", agent_id)
        return self._page(request, "success.html", {})

    # -- rendering ------------------------------------------------------------------------------
    def _refusal(self, request: Request, reason: str) -> Response:
        status = 503 if reason in UNAVAILABLE else 403
        return self._page(request, "refused.html", {"reason": reason}, status)

    def _problem(self, request: Request, problem: str, status: int) -> Response:
        return self._page(request, "problem.html", {"problem": problem}, status)

    def _page(self, request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
        settings = self.settings
        shared = {
            "organisation": settings.organisation,
            "public_url": _slash(settings.consent_public_url),
            "threshold": settings.anonymity_threshold,
            "retention_days": settings.inbox_retention_days,
        }
        return self.templates.TemplateResponse(request, name, shared | context, status_code=status)


class SafeHeaders:
    """ASGI middleware: security headers on every answer, and a request log without query or invitation."""

    def __init__(self, app: ASGIApp, oauth_origin: str) -> None:
        self.app = app
        self.headers = [
            (
                b"content-security-policy",
                (
                    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
                    f"frame-ancestors 'none'; form-action 'self' {oauth_origin}"
                ).encode("latin-1"),
            ),
            (b"referrer-policy", b"no-referrer"),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"cache-control", b"no-store"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
                log.info("%s %s %s", scope["method"], loggable_path(scope["path"]), message["status"])
            await send(message)

        await self.app(scope, receive, send_with_headers)


def loggable_path(path: str) -> str:
    """A request path fit for logs: the invitation in ``/consentement/<invitation>`` is masked."""
    return "/consentement/…" if path.startswith("/consentement/") else path


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
