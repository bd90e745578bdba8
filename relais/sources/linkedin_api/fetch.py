"""One run of the LinkedIn API connector: fetch the days not fetched yet, write them into the inbox.

``sync`` takes the organisation (when its token is stored; through the Pages Data Portability API
when ``linkedin_organization_product`` says so, see ``pages_portability``) and every member who
has a token and is a consenting ambassador; a stored token of anybody else is reported and never
used. For each owner it asks for the days after its cursor up to ``until``: the posts created in
those days (and, for a member, each new post's ``socialMetadata``), then, window chunk by window
chunk, the daily figures (the Page's share statistics; the member's creator analytics and new
followers), advancing the cursor after each chunk fully fetched. Owners are independent: an
expired token (401), a retired version (426) or LinkedIn's DAY limit stops that owner only; the
run's request budget stops them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from relais.settings import Settings
from relais.sources.linkedin_api.client import (
    BudgetExhausted,
    DayLimitReached,
    LinkedInApiError,
    LinkedInClient,
    Log,
    Params,
    RequestBudget,
    RequestFailed,
    Secret,
    Unauthorized,
    VersionRetired,
    date_range,
    urn_key,
)
from relais.sources.linkedin_api.files import (
    CREATOR_ANALYTICS,
    FOLLOWERS,
    PAGE_CONTENT_ANALYTICS,
    PAGE_POSTS,
    PAGE_SOCIAL_METADATA,
    POSTS,
    SHARE_STATISTICS,
    SOCIAL_METADATA,
    ApiOwner,
    write_api_file,
)
from relais.sources.linkedin_api.pages_portability import (
    PAGES_PORTABILITY,
    content_analytics,
    organizational_page,
    page_posts,
    social_metadata,
)
from relais.sources.linkedin_api.state import SyncState, load_state, save_state
from relais.sources.linkedin_api.tokens import MemberCredentials, OrganizationCredentials, TokenStore
from relais.sources.post_identity import post_key

DAILY_CREATOR_METRICS = ("IMPRESSION", "REACTION", "COMMENT", "RESHARE")

OK = "ok"
NO_TOKEN = "no-token"
NOT_CONSENTING = "not-consenting"
UNAUTHORIZED = "unauthorized"
VERSION_RETIRED = "version-retired"
DAY_LIMIT = "day-limit"
BUDGET_EXHAUSTED = "budget-exhausted"
FAILED = "failed"


def _default(key: str) -> Any:
    """The default of a ``relais.toml`` key, which the ``Settings`` model holds."""
    return Settings.model_fields[key].default


@dataclass(frozen=True)
class ApiSettings:
    """How the connector calls LinkedIn: where, which version, how much, how patiently.

    The values are the ``linkedin_*`` settings of relais.toml (``from_settings``), checked and
    defaulted by the ``Settings`` model.
    """

    version: str = _default("linkedin_api_version")
    base_url: str = _default("linkedin_api_base_url")
    request_budget: int = _default("linkedin_request_budget")
    backfill_days: int = _default("linkedin_backfill_days")
    timeout: float = _default("linkedin_timeout_seconds")
    max_attempts: int = _default("linkedin_max_attempts")
    page_size: int = _default("linkedin_page_size")
    days_per_call: int = _default("linkedin_days_per_call")
    organization_product: str = _default("linkedin_organization_product")

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiSettings:
        """The connector's settings from a home's (``linkedin_api_version`` and the like)."""
        return cls(
            version=settings.linkedin_api_version,
            base_url=settings.linkedin_api_base_url,
            request_budget=settings.linkedin_request_budget,
            backfill_days=settings.linkedin_backfill_days,
            timeout=float(settings.linkedin_timeout_seconds),
            max_attempts=settings.linkedin_max_attempts,
            page_size=settings.linkedin_page_size,
            days_per_call=settings.linkedin_days_per_call,
            organization_product=settings.linkedin_organization_product,
        )


@dataclass
class OwnerReport:
    """What a run did for one owner: status, days fetched, requests sent, files written, why it stopped."""

    owner: str
    status: str
    days_fetched: int = 0
    through: date | None = None
    requests: int = 0
    files_written: list[Path] = field(default_factory=list)
    message: str = ""


@dataclass
class SyncReport:
    """What a run did, owner by owner, and whether the request budget ran out."""

    owners: list[OwnerReport] = field(default_factory=list)
    budget: int = 0
    requests: int = 0
    budget_exhausted: bool = False

    def owner(self, name: str) -> OwnerReport:
        """The report of one owner (``organization`` or ``member-<agent_id>``)."""
        return next(o for o in self.owners if o.owner == name)

    @property
    def left(self) -> list[str]:
        """The owners the budget stopped or never reached: what the next run has to do first."""
        return [o.owner for o in self.owners if o.status == BUDGET_EXHAUSTED]

    def lines(self) -> list[str]:
        """One line per owner, then the totals, for the operator."""
        lines = [
            f"{o.owner}: {o.status}, {o.days_fetched} day(s), {o.requests} request(s), "
            f"{len(o.files_written)} file(s)" + (f" - {o.message}" if o.message else "")
            for o in self.owners
        ]
        lines.append(f"{self.requests} request(s) of a budget of {self.budget}")
        if self.budget_exhausted:
            lines.append("request budget spent; left for the next run: " + ", ".join(self.left))
        return lines


ClientFactory = Callable[[Secret, ApiSettings, RequestBudget, Log, str], LinkedInClient]


def default_client_factory(
    token: Secret, settings: ApiSettings, budget: RequestBudget, log: Log, label: str
) -> LinkedInClient:
    """A real client for one owner's token."""
    return LinkedInClient(
        token,
        version=settings.version,
        base_url=settings.base_url,
        budget=budget,
        timeout=settings.timeout,
        max_attempts=settings.max_attempts,
        log=log,
        label=label,
    )


def default_until(now: datetime | None = None) -> date:
    """Yesterday in UTC: the last day a run fetches unless told otherwise."""
    moment = now or datetime.now(UTC)
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date() - timedelta(days=1)


def sync(
    inbox: Path,
    state_path: Path,
    tokens: TokenStore,
    settings: ApiSettings,
    ambassadors: set[str],
    until: date,
    log: Log,
    client_factory: ClientFactory = default_client_factory,
    clock: Callable[[], datetime] | None = None,
    days: tuple[date, date] | None = None,
) -> SyncReport:
    """Fetch every owner's new days into ``inbox`` and move the cursor in ``state_path``; see the module.

    ``ambassadors`` are the agent ids of consenting ambassadors; ``clock`` (aware UTC datetimes)
    dates the files and the DAY-limit blocks. ``days`` (first, last) fetches exactly those days for
    every owner whatever the cursor says (a daily partition, or its backfill); the cursor never
    moves back. The report lists each owner's status (ok, no-token,
    not-consenting, unauthorized, version-retired, day-limit, budget-exhausted, failed).
    """
    clock = clock or (lambda: datetime.now(UTC))
    fetched_on = clock().astimezone(UTC).date()
    state = load_state(state_path)
    budget = RequestBudget(settings.request_budget)
    report = SyncReport(budget=settings.request_budget)
    consenting = {agent_id.strip() for agent_id in ambassadors}
    for owner, credentials in _owners(tokens, consenting, report, log):
        if report.budget_exhausted:
            window = state.window(owner.name, until, settings.backfill_days)
            pending = f"days {window[0]} to {window[1]}" if window else "nothing"
            report.owners.append(
                OwnerReport(
                    owner.name,
                    BUDGET_EXHAUSTED,
                    through=state.last_day(owner.name),
                    message=f"not fetched, the request budget is spent; left for the next run: {pending}",
                )
            )
            continue
        run = _OwnerRun(inbox, state_path, state, settings, owner, fetched_on, until, log, clock, days)
        report.owners.append(run.sync(credentials, client_factory, budget))
        report.budget_exhausted = report.budget_exhausted or report.owners[-1].status == BUDGET_EXHAUSTED
    report.requests = budget.used
    save_state(state_path, state)
    for line in report.lines():
        log(f"LinkedIn API: {line}")
    return report


def _owners(
    tokens: TokenStore, consenting: set[str], report: SyncReport, log: Log
) -> Iterator[tuple[ApiOwner, OrganizationCredentials | MemberCredentials]]:
    """The owners to fetch, in order; the others go straight into the report.

    Members whose token is a data-portability consent (``product`` "portability") have no Community
    Management access: the portability pull reads them, this sync leaves them out entirely.
    """
    organization = tokens.organization()
    if organization is not None:
        yield ApiOwner.organization(organization.urn), organization
    stored = set(tokens.member_ids())
    portability = {
        agent_id
        for agent_id in stored
        if getattr(tokens.member(agent_id), "product", "community") == "portability"
    }
    for agent_id in sorted((stored | consenting) - portability):
        owner = ApiOwner.member(agent_id)
        if agent_id not in consenting:
            message = "a token is stored but this person is not a consenting ambassador: token not used"
            log(f"LinkedIn API: member {agent_id}: {message}")
            report.owners.append(OwnerReport(owner.name, NOT_CONSENTING, message=message))
        elif agent_id not in stored:
            report.owners.append(OwnerReport(owner.name, NO_TOKEN, message="no token stored"))
        else:
            credentials = tokens.member(agent_id)
            if credentials is not None:
                yield owner, credentials


def _chunks(first: date, last: date, size: int) -> Iterator[tuple[date, date]]:
    """Consecutive spans of at most ``size`` days covering ``first`` to ``last`` (both included)."""
    start = first
    while start <= last:
        end = min(last, start + timedelta(days=size - 1))
        yield start, end
        start = end + timedelta(days=1)


def _epoch_ms(day: date) -> int:
    """Midnight UTC of a day, in epoch milliseconds."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


class _OwnerRun:
    """Fetching one owner's window within a run, writing its files and moving its cursor."""

    def __init__(
        self,
        inbox: Path,
        state_path: Path,
        state: SyncState,
        settings: ApiSettings,
        owner: ApiOwner,
        fetched_on: date,
        until: date,
        log: Log,
        clock: Callable[[], datetime],
        days: tuple[date, date] | None = None,
    ) -> None:
        self.inbox, self.state_path, self.state, self.settings = inbox, state_path, state, settings
        self.days = days
        self.owner, self.fetched_on, self.until, self.log, self.clock = owner, fetched_on, until, log, clock
        self.label = "organisation" if owner.kind == "organization" else f"member {owner.agent_id}"
        self.report = OwnerReport(owner.name, OK, through=state.last_day(owner.name))
        self.client: LinkedInClient | None = None

    def sync(
        self,
        credentials: OrganizationCredentials | MemberCredentials,
        client_factory: ClientFactory,
        budget: RequestBudget,
    ) -> OwnerReport:
        """Fetch the owner's window; every way of stopping becomes the report's status and message."""
        name = self.owner.name
        blocked = self.state.blocked_until(name, self.clock())
        if blocked is not None:
            return self._stop(
                DAY_LIMIT,
                f"skipped: LinkedIn's DAY limit was reached; calls resume after {blocked:%Y-%m-%d %H:%M} UTC",
            )
        window = self.days or self.state.window(name, self.until, self.settings.backfill_days)
        if window is None:
            self.report.message = f"up to date through {self.report.through}"
            return self.report
        self.log(f"LinkedIn API: {self.label}: fetching {window[0]} to {window[1]}")
        self.client = client_factory(credentials.token, self.settings, budget, self.log, self.label)
        try:
            with self.client:
                if isinstance(credentials, OrganizationCredentials):
                    self._organization(credentials.urn, window)
                else:
                    self._member(credentials.person_urn, window)
        except Unauthorized as exc:
            self._stop(UNAUTHORIZED, str(exc))
        except VersionRetired as exc:
            self._stop(VERSION_RETIRED, str(exc))
        except DayLimitReached as exc:
            until = self.state.block(name, self.clock())
            self._stop(DAY_LIMIT, f"{exc}; skipped until {until:%Y-%m-%d %H:%M} UTC")
        except BudgetExhausted as exc:
            through = self.report.through
            first_left = max(window[0], through + timedelta(days=1)) if through else window[0]
            self._stop(
                BUDGET_EXHAUSTED, f"stopped: {exc}; left for the next run: days {first_left} to {window[1]}"
            )
        except LinkedInApiError as exc:
            self._stop(FAILED, str(exc))
        finally:
            self.report.requests = self.client.requests
            save_state(self.state_path, self.state)
        return self.report

    def _stop(self, status: str, message: str) -> OwnerReport:
        self.report.status, self.report.message = status, message
        self.log(f"LinkedIn API: {self.label} stops ({status}): {message}")
        return self.report

    def _organization(self, urn: str, window: tuple[date, date]) -> None:
        if self.settings.organization_product == PAGES_PORTABILITY:
            self._organization_pages_portability(urn, window)
            return
        self._posts(urn, window)
        for chunk in _chunks(*window, self.settings.days_per_call):
            params: Params = {
                "q": "organizationalEntity",
                "organizationalEntity": urn,
                "timeIntervals.timeGranularityType": "DAY",
                "timeIntervals.timeRange.start": _epoch_ms(chunk[0]),
                "timeIntervals.timeRange.end": _epoch_ms(chunk[1] + timedelta(days=1)),
            }
            self.log(f"LinkedIn API: {self.label}: share statistics {chunk[0]} to {chunk[1]}")
            answer = self._client.get(SHARE_STATISTICS, params)
            self._write(SHARE_STATISTICS, self._client.describe(SHARE_STATISTICS, params), chunk, answer)
            self._done(chunk)

    def _organization_pages_portability(self, urn: str, window: tuple[date, date]) -> None:
        """The Page through the Pages Data Portability API (see ``pages_portability``): its posts
        created in the window and their social metadata, then its daily content analytics, chunk by
        chunk, the cursor moving after each chunk."""
        first_ms, end_ms = _epoch_ms(window[0]), _epoch_ms(window[1] + timedelta(days=1))
        self.log(f"LinkedIn API: {self.label}: Page posts created {window[0]} to {window[1]} (DMA)")
        posts: list[dict[str, Any]] = []
        for request, kept in page_posts(self._client, urn, (first_ms, end_ms), self.settings.page_size):
            self._write(PAGE_POSTS, request, window, kept)
            posts += kept
        for request, elements in social_metadata(self._client, posts):
            self._write(PAGE_SOCIAL_METADATA, request, window, elements)
        page = organizational_page(self._client, urn)
        for chunk in _chunks(*window, self.settings.days_per_call):
            self.log(f"LinkedIn API: {self.label}: Page content analytics {chunk[0]} to {chunk[1]} (DMA)")
            span = (_epoch_ms(chunk[0]), _epoch_ms(chunk[1] + timedelta(days=1)))
            request, elements = content_analytics(self._client, page, span)
            self._write(PAGE_CONTENT_ANALYTICS, request, chunk, elements)
            self._done(chunk)

    def _member(self, person_urn: str, window: tuple[date, date]) -> None:
        for post_urn in self._posts(person_urn, window):
            path = f"{SOCIAL_METADATA}/{urn_key(post_urn)}"
            answer = self._client.get(path)
            self._write(SOCIAL_METADATA, self._client.describe(path), window, [answer])
        for chunk in _chunks(*window, self.settings.days_per_call):
            days = date_range(chunk[0], chunk[1] + timedelta(days=1))
            self.log(f"LinkedIn API: {self.label}: creator analytics and followers {chunk[0]} to {chunk[1]}")
            for query_type in DAILY_CREATOR_METRICS:
                params: Params = {
                    "q": "me",
                    "queryType": query_type,
                    "aggregation": "DAILY",
                    "dateRange": days,
                }
                self._finder(CREATOR_ANALYTICS, params, chunk)
            self._finder(FOLLOWERS, {"q": "dateRange", "dateRange": days}, chunk)
            self._done(chunk)

    def _posts(self, author: str, window: tuple[date, date]) -> list[str]:
        """Write the author's posts created in the window; return the URNs of those that name a post."""
        first_ms, end_ms = _epoch_ms(window[0]), _epoch_ms(window[1] + timedelta(days=1))

        def created(post: dict[str, Any]) -> int | None:
            value = post.get("createdAt")
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        def older_than_window(page: list[dict[str, Any]]) -> bool:
            return any((created(post) is not None and created(post) < first_ms) for post in page)

        params: Params = {"q": "author", "author": author, "sortBy": "CREATED"}
        self.log(f"LinkedIn API: {self.label}: posts created {window[0]} to {window[1]}")
        elements = self._client.paginate(POSTS, params, self.settings.page_size, stop=older_than_window)
        kept = [p for p in elements if created(p) is None or first_ms <= created(p) < end_ms]
        request = self._client.describe(POSTS, {**params, "count": self.settings.page_size})
        self._write(POSTS, request, window, kept)
        return [
            p["id"]
            for p in kept
            if created(p) is not None and isinstance(p.get("id"), str) and post_key(p["id"]) is not None
        ]

    def _finder(self, endpoint: str, params: Params, chunk: tuple[date, date]) -> None:
        elements = self._client.paginate(endpoint, params, self.settings.page_size)
        request = self._client.describe(endpoint, {**params, "count": self.settings.page_size})
        self._write(endpoint, request, chunk, elements)

    def _write(
        self, endpoint: str, request: str, window: tuple[date, date], answer: dict[str, Any] | list[Any]
    ) -> None:
        elements = answer.get("elements") if isinstance(answer, dict) else answer
        if not isinstance(elements, list):
            raise RequestFailed(f"{endpoint}: the answer has no list of elements")
        path = write_api_file(
            self.inbox, self.fetched_on, self.owner, endpoint, request, self.clock(), window, elements
        )
        self.report.files_written.append(path)

    def _done(self, chunk: tuple[date, date]) -> None:
        """Every call for these days succeeded: move the cursor and keep it on disk at once."""
        self.state.advance(self.owner.name, chunk[1])
        self.report.days_fetched += (chunk[1] - chunk[0]).days + 1
        self.report.through = chunk[1]
        save_state(self.state_path, self.state)

    @property
    def _client(self) -> LinkedInClient:
        assert self.client is not None
        return self.client
