"""HTTP access to LinkedIn's REST API: headers, Rest.li encoding, retries, rate limits and the run's budget.

Every call carries ``LinkedIn-Version``, ``X-Restli-Protocol-Version: 2.0.0`` and the bearer token.
Timeouts, connection errors, 5xx answers and 429 bursts are retried with exponential backoff and
full jitter, within a bounded number of attempts; a 429 whose body mentions a DAY limit, a 401
(token expired or revoked) and a 426 (API version retired) raise at once, each with the fix in its
message. A ``RequestBudget`` shared by all clients of a run counts every request sent, retries
included. The token is held in a ``Secret``: it is never in a representation, a message or a log line.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

DEFAULT_BASE_URL = "https://api.linkedin.com/rest/"
RESTLI_PROTOCOL_VERSION = "2.0.0"
MAX_PAGES = 200
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_CAP_SECONDS = 30.0
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
TOKEN_COMMAND = "relais linkedin-token"

Log = Callable[[str], None]
ParamValue = str | int
Params = Mapping[str, ParamValue]


class LinkedInApiError(Exception):
    """A call to the LinkedIn API did not give an answer Relais can use."""


class Unauthorized(LinkedInApiError):
    """HTTP 401: the access token expired or was revoked; its owner must re-authorise Relais.

    ``expired`` is True when LinkedIn's answer says the token expired (its lifetime ran out), as
    opposed to a token its member revoked.
    """

    def __init__(self, message: str, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


class VersionRetired(LinkedInApiError):
    """HTTP 426: LinkedIn no longer serves the API version Relais asked for."""


class DayLimitReached(LinkedInApiError):
    """HTTP 429 naming a DAY limit: this token's calls stop until the next midnight UTC."""


class BudgetExhausted(LinkedInApiError):
    """The run's request budget is spent: no more requests for anybody in this run."""


class RequestFailed(LinkedInApiError):
    """Any other failure: retries exhausted, an unexpected status, or an answer that is not JSON."""


class Secret:
    """A token that shows itself only to the code that sends it (``reveal``), never in a representation."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            raise ValueError("an access token must be a non-empty text")
        if any(c.isspace() for c in value):
            raise ValueError("an access token cannot contain spaces or line breaks")
        self._value = value

    def reveal(self) -> str:
        """The token itself, for the Authorization header only."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class Restli(str):
    """A query value already written in Rest.li 2.0 syntax (``(start:(day:1,...))``), sent as it is."""


def urn_key(urn: str) -> str:
    """A URN encoded for use as a resource key or inside a Rest.li value (``urn%3Ali%3Ashare%3A1``)."""
    return quote(urn, safe="")


def restli_date(day: date) -> str:
    """A day in Rest.li syntax: ``(day:4,month:5,year:2024)``."""
    return f"(day:{day.day},month:{day.month},year:{day.year})"


def date_range(start: date, end_exclusive: date) -> Restli:
    """A Rest.li ``dateRange`` value from ``start`` (included) to ``end_exclusive`` (excluded)."""
    return Restli(f"(start:{restli_date(start)},end:{restli_date(end_exclusive)})")


def encode_query(params: Params | None) -> str:
    """The query string of a call: plain values (URNs included) fully percent-encoded, Rest.li ones as is."""
    parts = []
    for name, value in (params or {}).items():
        if isinstance(value, Restli):
            text = str(value)
        elif isinstance(value, bool):
            raise TypeError(f"parameter {name}: booleans are not sent, write 'true' or 'false'")
        elif isinstance(value, int):
            text = str(value)
        else:
            text = quote(str(value), safe="")
        parts.append(f"{quote(name, safe='.')}={text}")
    return "&".join(parts)


def check_base_url(base_url: str) -> str:
    """The base URL with a final slash; only HTTPS, or plain HTTP to this machine (tests), is accepted."""
    parts = urlsplit(base_url)
    local = parts.scheme == "http" and (parts.hostname or "") in LOCAL_HOSTS
    if parts.scheme != "https" and not local:
        raise ValueError(f"LinkedIn API base URL must use https (got {base_url!r})")
    return base_url if base_url.endswith("/") else base_url + "/"


class RequestBudget:
    """The number of HTTP requests one run may send, shared by every member's client (retries count)."""

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError("a request budget cannot be negative")
        self.limit = limit
        self.used = 0
        self._lock = threading.Lock()

    @property
    def remaining(self) -> int:
        """Requests still allowed in this run."""
        return self.limit - self.used

    def spend(self) -> None:
        """Count one request, or raise ``BudgetExhausted`` when none is left."""
        with self._lock:
            if self.used >= self.limit:
                raise BudgetExhausted(f"the run's request budget of {self.limit} requests is spent")
            self.used += 1

    def __repr__(self) -> str:
        return f"RequestBudget(limit={self.limit}, used={self.used})"


class LinkedInClient:
    """A synchronous client of LinkedIn's versioned REST API for one token (see the module docstring)."""

    def __init__(
        self,
        token: str | Secret,
        *,
        version: str,
        base_url: str = DEFAULT_BASE_URL,
        budget: RequestBudget | None = None,
        timeout: float = 20.0,
        max_attempts: int = 5,
        log: Log | None = None,
        label: str = "LinkedIn",
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        backoff_base: float = BACKOFF_BASE_SECONDS,
        backoff_cap: float = BACKOFF_CAP_SECONDS,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self._token = token if isinstance(token, Secret) else Secret(token)
        self.version = version
        self.base_url = check_base_url(base_url)
        self.budget = budget
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.label = label
        self.requests = 0
        self._log = log or (lambda line: None)
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._http = httpx.Client(timeout=httpx.Timeout(timeout), transport=transport, follow_redirects=False)

    def __repr__(self) -> str:
        return f"LinkedInClient(label={self.label!r}, base_url={self.base_url!r}, version={self.version!r})"

    def __enter__(self) -> LinkedInClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying connections."""
        self._http.close()

    def url(self, path: str, params: Params | None = None) -> str:
        """The full URL of a call."""
        query = encode_query(params)
        return self.base_url + path.lstrip("/") + (f"?{query}" if query else "")

    def describe(self, path: str, params: Params | None = None) -> str:
        """The call as recorded in a fetched file: ``GET /rest/posts?q=author&author=urn%3A...``."""
        parts = urlsplit(self.url(path, params))
        return f"GET {parts.path}" + (f"?{parts.query}" if parts.query else "")

    def get(self, path: str, params: Params | None = None) -> dict[str, Any]:
        """GET one resource and return its JSON object, retrying what is worth retrying (see module)."""
        url = self.url(path, params)
        what = f"GET {path.split('?', 1)[0]}"
        reason = ""
        for attempt in range(1, self.max_attempts + 1):
            if self.budget is not None:
                self.budget.spend()
            self.requests += 1
            retry_after: float | None = None
            try:
                response = self._http.get(url, headers=self._headers())
            except httpx.TimeoutException:
                reason = f"no answer within {self.timeout:g} s"
            except httpx.TransportError as exc:
                reason = f"connection failed ({type(exc).__name__})"
            else:
                if response.is_success:
                    return self._json(response, what)
                reason, retry_after = self._refusal(response, what)
            if attempt == self.max_attempts:
                break
            wait = self._backoff(attempt, retry_after)
            self._log(
                f"{self.label}: {what} failed ({reason}); attempt {attempt} of {self.max_attempts}, "
                f"retrying in {wait:.2f} s"
            )
            self._sleep(wait)
        raise RequestFailed(f"{what}: gave up after {self.max_attempts} attempts ({reason})")

    def paginate(
        self,
        path: str,
        params: Params | None = None,
        count: int = 50,
        *,
        stop: Callable[[list[dict[str, Any]]], bool] | None = None,
    ) -> list[dict[str, Any]]:
        """All elements of a finder, page by page (``start``/``count``).

        Paging ends when a page holds fewer elements than asked, when ``paging.total`` is reached, or
        when ``stop(page)`` says the rest is not needed (posts older than the window); more than
        ``MAX_PAGES`` pages is an error rather than an endless loop.
        """
        elements: list[dict[str, Any]] = []
        start = 0
        for _ in range(MAX_PAGES):
            answer = self.get(path, {**(params or {}), "start": start, "count": count})
            page = answer.get("elements")
            if not isinstance(page, list):
                raise RequestFailed(f"GET {path}: the answer has no list of elements")
            elements.extend(page)
            start += len(page)
            paging = answer.get("paging") if isinstance(answer.get("paging"), dict) else {}
            total = paging.get("total")
            if len(page) < count or (isinstance(total, int) and start >= total):
                return elements
            if stop is not None and stop(page):
                return elements
        raise RequestFailed(f"GET {path}: more than {MAX_PAGES} pages of {count}, stopped")

    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._token.reveal()}",
            "LinkedIn-Version": self.version,
            "X-Restli-Protocol-Version": RESTLI_PROTOCOL_VERSION,
            "Accept": "application/json",
        }

    def _scrub(self, text: str) -> str:
        return text.replace(self._token.reveal(), "***")

    def _json(self, response: httpx.Response, what: str) -> dict[str, Any]:
        try:
            answer = response.json()
        except ValueError:
            raise RequestFailed(f"{what}: the answer is not JSON") from None
        if not isinstance(answer, dict):
            raise RequestFailed(f"{what}: the answer is not a JSON object")
        return answer

    def _refusal(self, response: httpx.Response, what: str) -> tuple[str, float | None]:
        """The reason to retry a refused call, or the exception that ends it."""
        status = response.status_code
        body = self._scrub(response.text[:2000])
        if status == 401:
            raise Unauthorized(
                f"{what}: LinkedIn refused the access token (HTTP 401): it has expired or was revoked. "
                f"Ask its owner to authorise Relais again, then store the new token with the "
                f"`{TOKEN_COMMAND}` command.",
                expired="expired" in body.lower(),
            )
        if status == 426:
            raise VersionRetired(
                f"{what}: LinkedIn no longer serves API version {self.version} (HTTP 426). "
                f"Set linkedin_api_version in relais.toml to a current version (YYYYMM)."
            )
        if status == 429:
            if "day" in body.lower():
                raise DayLimitReached(
                    f"{what}: LinkedIn's DAY limit of calls is reached (HTTP 429); "
                    f"calls for this token stop until the next midnight UTC"
                )
            return "HTTP 429, a burst of too many requests", _retry_after(response)
        if status >= 500:
            return f"HTTP {status}", None
        raise RequestFailed(f"{what}: HTTP {status}: {' '.join(body.split())[:300]}")

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Full jitter: a random wait between 0 and base x 2^(attempt-1), capped; at least Retry-After."""
        ceiling = min(self._backoff_cap, self._backoff_base * 2 ** (attempt - 1))
        wait = self._rng.uniform(0, ceiling)
        if retry_after is not None:
            wait = max(wait, min(retry_after, self._backoff_cap))
        return wait


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None
