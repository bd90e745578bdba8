"""A fake LinkedIn OAuth 2.0 server for the consent page's tests: a real HTTP server on 127.0.0.1.

It plays LinkedIn's 3-legged flow for the "Member Data Portability (3rd Party)" product:
``GET /oauth/v2/authorization`` checks the request (client id, exact redirect URI, the one scope,
response type, S256 when a PKCE challenge is sent) and shows a small page "Se connecter en tant
que" listing the configured members with the buttons "Autoriser" and "Annuler"; the choice
redirects (302) to the redirect URI with ``code`` and ``state``, or with
``error=user_cancelled_authorize``. ``POST /oauth/v2/accessToken`` checks the client secret, the
code (single use, five minutes), the redirect URI and the PKCE verifier, and answers the member's
token, which the test chose (so that a fake data API can accept it too).
``GET /rest/memberComplianceAuthorizations?q=memberAndApplication`` names the bearer's member (401
for an unknown token). Requests are recorded (secret fields masked); every store is bounded.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

SCOPE = "r_dma_portability_3rd_party"
CODE_SECONDS = 300
MAX_PENDING = 1000
MAX_BODY = 64 * 1024
EXPIRES_IN = 60 * 86_400
APPLICATION = "urn:li:developerApplication:123"
SECRET_FIELDS = ("client_secret", "code", "code_verifier")


@dataclass(frozen=True)
class Recorded:
    """One request as the server saw it: method, path, parameters (query or form, secrets masked)."""

    method: str
    path: str
    params: dict[str, str]
    headers: dict[str, str] = field(repr=False)


@dataclass
class _Grant:
    member: str
    redirect_uri: str
    challenge: str | None
    issued: float


class FakeOAuth:
    """LinkedIn's OAuth endpoints and the compliance read for ``members`` (person URN → token).

    ``exchange_failure`` (status, JSON body), when set, is the answer of every token exchange.
    Use it as a context manager, or ``start()`` and ``stop()``.
    """

    def __init__(
        self,
        members: dict[str, str],
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        names: dict[str, str] | None = None,
        version: str = "202312",
    ) -> None:
        self.members = dict(members)
        self.names = dict(names or {})
        self.client_id, self.client_secret, self.redirect_uri = client_id, client_secret, redirect_uri
        self.version = version
        self.exchange_failure: tuple[int, dict[str, Any]] | None = None
        self.requests: list[Recorded] = []
        self.consented_at: dict[str, int] = {}
        self._asked: dict[str, dict[str, str]] = {}
        self._grants: dict[str, _Grant] = {}
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life -----------------------------------------------------------------------------------
    def start(self, port: int = 0) -> FakeOAuth:
        """Serve on ``port`` of 127.0.0.1 (a free one by default), in a daemon thread."""
        fake = self

        class Handler(_Handler):
            server_fake = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port (waits five seconds at most)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeOAuth:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:<port>``."""
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def oauth_base_url(self) -> str:
        """What ``linkedin_oauth_base_url`` is set to."""
        return self.origin + "/oauth/v2/"

    @property
    def api_base_url(self) -> str:
        """What ``linkedin_api_base_url`` is set to."""
        return self.origin + "/rest/"

    def requests_to(self, path_end: str) -> list[Recorded]:
        """The recorded requests whose path ends with ``path_end``."""
        return [r for r in self.requests if r.path.endswith(path_end)]

    # -- a browser's part, for tests without one ------------------------------------------------
    def decide(self, authorize_url: str, member: str | None, allow: bool = True) -> str:
        """Open ``authorize_url``, choose ``member`` and press a button; the redirect's ``Location``.

        Raises ``AssertionError`` with LinkedIn's error page text when the request is refused.
        """
        with httpx.Client(timeout=5) as client:
            page = client.get(authorize_url)
            assert page.status_code == 200, page.text
            ask = re.search(r'name="ask" value="([^"]+)"', page.text)
            assert ask, page.text
            form = {"ask": ask[1], "decision": "allow" if allow else "cancel"}
            if member:
                form["member"] = member
            answer = client.post(self.oauth_base_url + "authorization/decision", data=form)
        assert answer.status_code == 302, answer.text
        return answer.headers["location"]

    # -- the endpoints --------------------------------------------------------------------------
    def authorization_page(self, params: dict[str, str]) -> tuple[int, str]:
        """The sign-in page of a valid authorisation request, or 400 and why."""
        problem = self._check_request(params)
        if problem:
            return 400, _page("Erreur", f"<p role='alert'>{html.escape(problem)}</p>")
        ask = secrets.token_urlsafe(16)
        with self._lock:
            if len(self._asked) >= MAX_PENDING:
                self._asked.pop(next(iter(self._asked)))
            self._asked[ask] = params
        choices = "".join(
            f'<p><label><input type="radio" name="member" value="{html.escape(urn)}"'
            f"{' checked' if index == 0 else ''}> {html.escape(self.names.get(urn, urn))}</label></p>"
            for index, urn in enumerate(self.members)
        )
        body = (
            '<form method="post" action="/oauth/v2/authorization/decision">'
            f'<input type="hidden" name="ask" value="{ask}">'
            f"<fieldset><legend>Se connecter en tant que</legend>{choices}</fieldset>"
            "<p>Relais demande l'accès à vos données LinkedIn (portabilité).</p>"
            '<button name="decision" value="allow">Autoriser</button> '
            '<button name="decision" value="cancel">Annuler</button></form>'
        )
        return 200, _page("LinkedIn (fake)", body)

    def decision(self, form: dict[str, str]) -> tuple[int, str]:
        """The member's choice: a redirect with a code, or with ``user_cancelled_authorize``."""
        with self._lock:
            params = self._asked.pop(form.get("ask", ""), None)
        if params is None:
            return 400, "unknown or used authorisation request"
        target = params["redirect_uri"]
        if form.get("decision") != "allow":
            query = {
                "error": "user_cancelled_authorize",
                "error_description": "The user cancelled the authorization",
                "state": params["state"],
            }
            return 302, f"{target}?{urlencode(query)}"
        member = form.get("member", "")
        if member not in self.members:
            return 400, "choose a member"
        code = secrets.token_urlsafe(24)
        with self._lock:
            if len(self._grants) >= MAX_PENDING:
                self._grants.pop(next(iter(self._grants)))
            self._grants[code] = _Grant(member, target, params.get("code_challenge"), time.monotonic())
        return 302, f"{target}?{urlencode({'code': code, 'state': params['state']})}"

    def access_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The token exchange: client, code (once, five minutes), redirect URI, PKCE verifier."""
        if form.get("grant_type") != "authorization_code":
            return 400, {"error": "unsupported_grant_type", "error_description": "grant_type"}
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}
        with self._lock:
            grant = self._grants.pop(form.get("code", ""), None)
        if grant is None or time.monotonic() - grant.issued > CODE_SECONDS:
            return 400, {"error": "invalid_grant", "error_description": "authorization code not found"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_redirect_uri", "error_description": "redirect_uri does not match"}
        if grant.challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
            if digest.decode() != grant.challenge:
                return 400, {"error": "invalid_grant", "error_description": "code_verifier does not match"}
        if self.exchange_failure is not None:
            return self.exchange_failure
        self.consented_at[grant.member] = int(time.time() * 1000)
        return 200, {"access_token": self.members[grant.member], "expires_in": EXPIRES_IN, "scope": SCOPE}

    def compliance(self, params: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Whose token the bearer is, as ``memberComplianceAuthorizations?q=memberAndApplication``."""
        if headers.get("x-restli-protocol-version") != "2.0.0":
            return 400, {"status": 400, "message": "X-Restli-Protocol-Version 2.0.0 is required"}
        if headers.get("linkedin-version") != self.version:
            return 426, {"status": 426, "message": "unsupported LinkedIn-Version"}
        if params.get("q") != "memberAndApplication":
            return 400, {"status": 400, "message": "q=memberAndApplication is required"}
        token = headers.get("authorization", "").removeprefix("Bearer ")
        member = next((urn for urn, known in self.members.items() if known == token), None)
        if member is None:
            return 401, {"status": 401, "message": "Invalid access token"}
        element = {
            "regulatedAt": self.consented_at.get(member, int(time.time() * 1000)),
            "memberComplianceAuthorizationKey": {"developerApplication": APPLICATION, "member": member},
            "memberComplianceScopes": ["DMA"],
        }
        return 200, {"elements": [element], "paging": {"count": 10, "start": 0, "links": []}}

    def _check_request(self, params: dict[str, str]) -> str:
        if params.get("response_type") != "code":
            return "response_type must be code"
        if params.get("client_id") != self.client_id:
            return "unknown client_id"
        if params.get("redirect_uri") != self.redirect_uri:
            return "The redirect_uri does not match the registered value"
        if params.get("scope", "").split() != [SCOPE]:
            return f"unauthorized_scope_error: only {SCOPE} is granted to this application"
        if not params.get("state"):
            return "state is required"
        method = params.get("code_challenge_method")
        if (method or params.get("code_challenge")) and (
            method != "S256" or not params.get("code_challenge")
        ):
            return "code_challenge_method must be S256, with a code_challenge"
        return ""

    def record(self, method: str, path: str, params: dict[str, str], headers: dict[str, str]) -> None:
        """Keep a request, its secret fields and the bearer masked."""
        masked = {k: ("***" if k in SECRET_FIELDS else v) for k, v in params.items()}
        shown = {k: ("Bearer ***" if k == "authorization" else v) for k, v in headers.items()}
        with self._lock:
            self.requests.append(Recorded(method, path, masked, shown))


class _Handler(BaseHTTPRequestHandler):
    server_fake: FakeOAuth
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # the query holds codes: never printed
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        params = _single(parse_qs(parts.query))
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake = self.server_fake
        fake.record("GET", parts.path, params, headers)
        if parts.path == "/oauth/v2/authorization":
            self._send(*fake.authorization_page(params), "text/html; charset=utf-8")
        elif parts.path == "/favicon.ico":
            self._send(204, "", "image/x-icon")
        elif parts.path == "/rest/memberComplianceAuthorizations":
            status, payload = fake.compliance(params, headers)
            self._send(status, json.dumps(payload), "application/json")
        else:
            self._send(404, json.dumps({"status": 404, "message": "not found"}), "application/json")

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY:
            self._send(413, "too large", "text/plain")
            return
        form = _single(parse_qs(self.rfile.read(length).decode("utf-8")))
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake = self.server_fake
        fake.record("POST", parts.path, form, headers)
        if parts.path == "/oauth/v2/authorization/decision":
            status, text = fake.decision(form)
            if status == 302:
                self._send(302, "", "text/plain", location=text)
            else:
                self._send(status, _page("Erreur", html.escape(text)), "text/html; charset=utf-8")
        elif parts.path == "/oauth/v2/accessToken":
            if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
                self._send(400, json.dumps({"error": "invalid_request"}), "application/json")
                return
            status, payload = fake.access_token(form)
            self._send(status, json.dumps(payload), "application/json")
        else:
            self._send(404, json.dumps({"status": 404}), "application/json")

    def _send(self, status: int, body: str, kind: str, location: str | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if location:
            self.send_header("Location", location)
        self.end_headers()
        self.wfile.write(data)


def _single(values: dict[str, list[str]]) -> dict[str, str]:
    return {name: items[0] for name, items in values.items() if items}


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
        "<style>body{font-family:sans-serif;max-width:30rem;margin:3rem auto}"
        "header{background:#0a66c2;color:#fff;padding:.6rem 1rem;font-weight:700}"
        "button{font-size:1rem;padding:.5rem 1rem;margin-right:.5rem}</style></head>"
        f"<body><header>LinkedIn</header><main><h1>{title}</h1>{body}</main></body></html>"
    )
