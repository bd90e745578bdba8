"""One run of the EU data-portability pull: members' snapshots and changelogs saved into the inbox.

Each consenting ambassador whose stored token is a data-portability consent (``product``
"portability") is asked, with that token, for the Member Snapshot API's domains Relais reads
(``SNAPSHOT_DOMAINS``) that are not read yet, still pending, or read ``refresh_days`` ago or more,
then for the Member Changelog API's events since the member's cursor. A domain LinkedIn has not
built yet (no elements, or a 404) is PENDING: it is asked again at the next run and reported as
such, never as "no activity". LinkedIn keeps changelog events 28 days: a cursor (or, at the first
pull, a consent) older than that is reported as a GAP with its days, then what is left is read.
Members are independent: a DAY limit stops one member until midnight UTC; an expired token (its
stored lifetime over, or a 401 saying so) skips the member without touching their data; any other
401, or a 403, means the member revoked the authorisation, which is handled as a consent withdrawal
(token, files and state removed, the withdrawal recorded); a retired version (426) or the spent
request budget stops the run. Every answer becomes an envelope of ``files.write_api_file``; no
token is ever written or logged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from relais.home import RelaisHome
from relais.privacy.withdrawals import record_withdrawal
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
    Unauthorized,
    VersionRetired,
)
from relais.sources.linkedin_api.fetch import ApiSettings, ClientFactory, default_client_factory
from relais.sources.linkedin_api.files import (
    API_FOLDER,
    MEMBER_CHANGELOG,
    MEMBER_SNAPSHOT,
    SNAPSHOT_DOMAINS,
    ApiOwner,
    write_api_file,
)
from relais.sources.linkedin_api.portability_state import (
    Gap,
    MemberState,
    PortabilityState,
    as_utc,
    load_portability_state,
    parse_stamp,
    save_portability_state,
)
from relais.sources.linkedin_api.state import next_midnight_utc
from relais.sources.linkedin_api.tokens import MemberCredentials, TokenStore

PORTABILITY_PRODUCT = "portability"
COMPLIANCE = "memberComplianceAuthorizations"
RETENTION_DAYS = 28
MAX_CHANGELOG_PAGES = 200
MAX_CHANGELOG_COUNT = 50
VERSION_SETTING = "linkedin_portability_version"

OK = "ok"
PENDING = "pending"
GAP = "gap"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_CONSENTING = "not-consenting"
DAY_LIMIT = "day-limit"
VERSION_RETIRED = "version-retired"
BUDGET_EXHAUSTED = "budget-exhausted"
FAILED = "failed"
PULLED = (OK, PENDING, GAP)

_HTTP_STATUS = re.compile(r": HTTP (\d{3}): ")


def portability_state_path(home: RelaisHome) -> Path:
    """The pull's state file: ``<home>/state/linkedin_portability.json``."""
    return home.root / "state" / "linkedin_portability.json"


def portability_api_settings(settings: Settings) -> ApiSettings:
    """How the pull calls LinkedIn: the connector's settings with ``linkedin_portability_version``."""
    return replace(ApiSettings.from_settings(settings), version=settings.linkedin_portability_version)


def http_status(error: Exception) -> int | None:
    """The HTTP status a ``RequestFailed`` names (``...: HTTP 403: ...``), or None."""
    match = _HTTP_STATUS.search(str(error)) if isinstance(error, RequestFailed) else None
    return int(match.group(1)) if match else None


def is_revocation(error: Exception) -> bool:
    """True when LinkedIn refused the member's authorisation: a 401, or a 403 (compliance removed)."""
    return isinstance(error, Unauthorized) or http_status(error) == 403


def expired_message(day: date) -> str:
    """What an expired authorisation means: not a withdrawal, the member consents again."""
    return (
        f"skipped: the member's data-portability authorisation expired on {day:%Y-%m-%d} (it is not a "
        "withdrawal: their data stays); send them a new link (`relais consent links`) to consent again"
    )


def epoch_ms(moment: datetime) -> int:
    """A moment in epoch milliseconds."""
    return int(as_utc(moment).timestamp() * 1000)


def day_of_ms(value: int) -> date:
    """The UTC day of an epoch-milliseconds time."""
    return datetime.fromtimestamp(value / 1000, UTC).date()


def changelog_gap(reference_ms: int | None, now: datetime) -> tuple[date, date] | None:
    """The days whose events LinkedIn no longer keeps, from the reference's day to now - 28 days, or None."""
    horizon = as_utc(now) - timedelta(days=RETENTION_DAYS)
    if reference_ms is None or reference_ms >= epoch_ms(horizon):
        return None
    return day_of_ms(reference_ms), horizon.date()


def snapshot_row_count(elements: Iterable[dict[str, Any]]) -> int:
    """The archive rows a snapshot answer holds (each element's ``snapshotData``: a list, or one row)."""
    total = 0
    for element in elements:
        data = element.get("snapshotData") if isinstance(element, dict) else None
        total += 1 if isinstance(data, dict) else len(data) if isinstance(data, list) else 0
    return total


def portability_files(inbox: Path, agent_id: str) -> list[Path]:
    """A member's saved snapshot and changelog envelopes in the inbox, whatever the day fetched."""
    folder = ApiOwner.member(agent_id).name
    found: list[Path] = []
    for endpoint in (MEMBER_SNAPSHOT, MEMBER_CHANGELOG):
        found.extend(sorted((inbox / API_FOLDER).glob(f"*/{folder}/{endpoint}*.json")))
    return found


def delete_portability_files(inbox: Path, agent_id: str) -> int:
    """Delete a member's portability envelopes (and folders left empty); return how many files went."""
    files = portability_files(inbox, agent_id)
    for path in files:
        path.unlink(missing_ok=True)
        folder = path.parent
        if folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
    return len(files)


@dataclass
class MemberPull:
    """What a run did for one member: status, pending domains, gap, requests, files, why it stopped."""

    agent_id: str
    status: str
    domains_read: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
    events: int = 0
    gap: Gap | None = None
    requests: int = 0
    files_written: list[Path] = field(default_factory=list)
    message: str = ""

    def line(self) -> str:
        """One line for the operator (agent id, status, what was read, what waits)."""
        parts = [
            f"{len(self.domains_read)} domain(s) read",
            f"{self.events} new event(s)",
            f"{self.requests} request(s)",
            f"{len(self.files_written)} file(s)",
        ]
        if self.pending:
            waiting = ", ".join(self.pending)
            parts.append(f"pending (not built yet by LinkedIn, asked again next run): {waiting}")
        if self.gap is not None:
            parts.append(
                f"GAP: changelog events from {self.gap.first} to {self.gap.last} are gone "
                f"(LinkedIn keeps {RETENTION_DAYS} days)"
            )
        text = f"member {self.agent_id}: {self.status}, " + ", ".join(parts)
        return text + (f" - {self.message}" if self.message else "")


@dataclass
class PortabilityReport:
    """What a run did, member by member, its requests, and why it stopped early (``stopped``, a status)."""

    members: list[MemberPull] = field(default_factory=list)
    budget: int = 0
    requests: int = 0
    stopped: str = ""
    stop_message: str = ""

    def member(self, agent_id: str) -> MemberPull:
        """The report of one member."""
        return next(m for m in self.members if m.agent_id == agent_id)

    @property
    def pulled(self) -> list[str]:
        """Members whose pull went through (ok, pending domains, or a gap)."""
        return [m.agent_id for m in self.members if m.status in PULLED]

    @property
    def pending(self) -> dict[str, list[str]]:
        """Per member, the domains LinkedIn has not built yet."""
        return {m.agent_id: m.pending for m in self.members if m.pending}

    @property
    def gaps(self) -> dict[str, str]:
        """Per member, the days of changelog found gone in this run (``first to last``)."""
        return {m.agent_id: f"{m.gap.first} to {m.gap.last}" for m in self.members if m.gap}

    @property
    def revoked(self) -> list[str]:
        """Members who revoked the authorisation (handled as a consent withdrawal)."""
        return [m.agent_id for m in self.members if m.status == REVOKED]

    def lines(self) -> list[str]:
        """One line per member, then the totals."""
        lines = [m.line() for m in self.members]
        lines.append(f"{self.requests} request(s) of a budget of {self.budget}")
        if self.stopped:
            lines.append(f"run stopped ({self.stopped}): {self.stop_message}")
        return lines


def pull_portability(
    home: RelaisHome,
    ambassadors: set[str],
    log: Log,
    client_factory: ClientFactory = default_client_factory,
    clock: Callable[[], datetime] | None = None,
    tokens: TokenStore | None = None,
    settings: ApiSettings | None = None,
) -> PortabilityReport:
    """Pull every consenting portability member's due snapshot domains and new changelog events.

    ``ambassadors`` are the agent ids of current consenting ambassadors (others are not fetched);
    ``clock`` gives aware UTC datetimes (files, cursor, gap, DAY-limit blocks); ``tokens`` and
    ``settings`` default to the home's. See the module docstring for what each answer does.
    """
    clock = clock or (lambda: datetime.now(UTC))
    tokens = tokens or TokenStore(home.linkedin_tokens)
    settings = settings or portability_api_settings(home.settings)
    refresh_days = home.settings.portability_snapshot_refresh_days
    state_path = portability_state_path(home)
    state = load_portability_state(state_path)
    budget = RequestBudget(settings.request_budget)
    report = PortabilityReport(budget=settings.request_budget)
    consenting = {agent_id.strip() for agent_id in ambassadors}
    for credentials in portability_members(tokens):
        agent_id = credentials.agent_id
        if agent_id not in consenting:
            message = "not fetched: not a current consenting ambassador in the roster (token kept, unused)"
            report.members.append(MemberPull(agent_id, NOT_CONSENTING, message=message))
        elif report.stopped:
            message = f"not fetched: the run stopped ({report.stopped})"
            report.members.append(MemberPull(agent_id, report.stopped, message=message))
        else:
            run = _MemberRun(home, state_path, state, settings, refresh_days, tokens, credentials, log, clock)
            pulled = run.pull(client_factory, budget)
            report.members.append(pulled)
            if pulled.status in (VERSION_RETIRED, BUDGET_EXHAUSTED):
                report.stopped, report.stop_message = pulled.status, pulled.message
        log(f"LinkedIn portability: {report.members[-1].line()}")
    report.requests = budget.used
    save_portability_state(state_path, state)
    for line in report.lines()[len(report.members) :]:
        log(f"LinkedIn portability: {line}")
    return report


def portability_members(tokens: TokenStore) -> list[MemberCredentials]:
    """The stored members whose token is a data-portability consent, by agent id."""
    return tokens.portability_members()


class _MemberRun:
    """Pulling one member within a run: snapshot domains, changelog, and every way of stopping."""

    def __init__(
        self,
        home: RelaisHome,
        state_path: Path,
        state: PortabilityState,
        settings: ApiSettings,
        refresh_days: int,
        tokens: TokenStore,
        credentials: MemberCredentials,
        log: Log,
        clock: Callable[[], datetime],
    ) -> None:
        self.home, self.state_path, self.state, self.settings = home, state_path, state, settings
        self.refresh_days, self.tokens, self.credentials, self.log = refresh_days, tokens, credentials, log
        self.agent_id = credentials.agent_id
        self.owner = ApiOwner.member(self.agent_id)
        self.now = as_utc(clock())
        self.fetched_on = self.now.date()
        self.member: MemberState = state.member(self.agent_id)
        self.report = MemberPull(self.agent_id, OK)
        self.label = f"member {self.agent_id} (portability)"
        self.client: LinkedInClient | None = None

    def pull(self, client_factory: ClientFactory, budget: RequestBudget) -> MemberPull:
        """Pull the member; the way it ends becomes the report's status and message."""
        expired = self._expired_on()
        if expired is not None:
            return self._stop(EXPIRED, expired_message(expired))
        blocked = self.member.blocked(self.now)
        if blocked is not None:
            self.report.pending = self.member.pending_domains()
            resume = f"calls resume after {blocked:%Y-%m-%d %H:%M} UTC"
            return self._stop(DAY_LIMIT, f"skipped: LinkedIn's DAY limit was reached; {resume}")
        self.client = client_factory(self.credentials.token, self.settings, budget, self.log, self.label)
        try:
            with self.client:
                consented_ms = self._consent_time()
                self._snapshots()
                self._changelog(consented_ms)
            self.member.last_pull = self.now
            self.report.pending = self.member.pending_domains()
            self.report.status = GAP if self.report.gap else PENDING if self.report.pending else OK
        except VersionRetired:
            self._stop(
                VERSION_RETIRED,
                f"LinkedIn no longer serves data-portability API version {self.settings.version} (HTTP 426): "
                f"set {VERSION_SETTING} in relais.toml to a current version (YYYYMM)",
            )
        except DayLimitReached as exc:
            self.member.blocked_until = next_midnight_utc(self.now)
            self.report.pending = self.member.pending_domains()
            self._stop(DAY_LIMIT, f"{exc}; skipped until {self.member.blocked_until:%Y-%m-%d %H:%M} UTC")
        except BudgetExhausted as exc:
            self.report.pending = self.member.pending_domains()
            self._stop(BUDGET_EXHAUSTED, f"stopped: {exc}; the rest waits for the next run")
        except Unauthorized as exc:
            if exc.expired:
                self._stop(EXPIRED, expired_message(self.now.date()))
            else:
                self._withdraw(exc)
        except LinkedInApiError as exc:
            if is_revocation(exc):
                self._withdraw(exc)
            else:
                self._stop(FAILED, str(exc))
        finally:
            self.report.requests = self.client.requests
            save_portability_state(self.state_path, self.state)
        return self.report

    def _expired_on(self) -> date | None:
        """The day the stored token expired, when it has (LinkedIn gave its lifetime at consent)."""
        text = self.credentials.expires_at
        if not text:
            return None
        try:
            moment = as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            return None
        return moment.date() if moment <= self.now else None

    def _stop(self, status: str, message: str) -> MemberPull:
        self.report.status, self.report.message = status, message
        return self.report

    def _withdraw(self, error: LinkedInApiError) -> None:
        """The member revoked the authorisation: token, files and state go, the withdrawal is recorded."""
        status = 403 if http_status(error) == 403 else 401
        reason = (
            f"LinkedIn refused the member's data-portability authorisation (HTTP {status}): "
            "the member revoked it or the compliance authorisation was removed"
        )
        self.tokens.remove_member(self.agent_id)
        removed = delete_portability_files(self.home.inbox, self.agent_id)
        self.state.forget(self.agent_id)
        record_withdrawal(self.home, self.agent_id, reason, at=self.now)
        self.report.files_written = []
        self.report.pending = []
        self.report.gap = None
        self._stop(
            REVOKED,
            f"{reason}; handled as a consent withdrawal: token removed, {removed} portability file(s) "
            "deleted from the inbox, withdrawal recorded",
        )

    # -- the calls ------------------------------------------------------------------------------
    def _consent_time(self) -> int | None:
        """The consent time (epoch ms): the stored one, else LinkedIn's, asked at the first pull only."""
        stored = getattr(self.credentials, "consented_at", None)
        if isinstance(stored, str) and stored:
            try:
                return epoch_ms(parse_stamp(stored))
            except ValueError:
                self.log(f"LinkedIn portability: {self.label}: consented_at {stored!r} is not a time")
        if self.member.last_pull is not None:
            return None
        answer = self._client.get(COMPLIANCE, {"q": "memberAndApplication"})
        elements = answer.get("elements") if isinstance(answer.get("elements"), list) else []
        for element in elements:
            key = element.get("memberComplianceAuthorizationKey") if isinstance(element, dict) else None
            member = key.get("member") if isinstance(key, dict) else None
            if member not in (None, self.credentials.person_urn):
                raise RequestFailed(
                    f"{COMPLIANCE}: the stored token authorises another member than the one stored for "
                    f"{self.agent_id}: not used; ask the member to consent again"
                )
            regulated = element.get("regulatedAt")
            if isinstance(regulated, int) and not isinstance(regulated, bool):
                return regulated
        return None

    def _snapshots(self) -> None:
        for domain in SNAPSHOT_DOMAINS:
            known = self.member.domains.get(domain)
            if known is not None and not known.due(self.now, self.refresh_days):
                continue
            self._snapshot(domain)
            save_portability_state(self.state_path, self.state)

    def _snapshot(self, domain: str) -> None:
        params: Params = {"q": "criteria", "domain": domain}
        count = self.settings.page_size
        try:
            elements = self._client.paginate(MEMBER_SNAPSHOT, params, count)
        except RequestFailed as exc:
            if http_status(exc) != 404:
                raise
            elements = []
        if not elements:
            pending = self.member.mark_pending(domain, self.now)
            self.log(
                f"LinkedIn portability: {self.label}: {domain} is not built yet by LinkedIn "
                f"(pending since {pending.since:%Y-%m-%d %H:%M} UTC), asked again next run"
            )
            return
        request = self._client.describe(MEMBER_SNAPSHOT, {**params, "start": 0, "count": count})
        self._write(MEMBER_SNAPSHOT, request, (self.fetched_on, self.fetched_on), elements)
        rows = snapshot_row_count(elements)
        self.member.mark_read(domain, rows, self.now)
        self.report.domains_read.append(domain)

    def _changelog(self, consented_ms: int | None) -> None:
        """Read the events since the cursor, page by page, dropping those already read (by id)."""
        member = self.member
        horizon_ms = epoch_ms(self.now - timedelta(days=RETENTION_DAYS))
        reference = member.cursor if member.cursor is not None else consented_ms
        gap = changelog_gap(reference, self.now)
        if gap is not None:
            self.report.gap = member.add_gap(*gap, self.now)
        start = max(reference if reference is not None else horizon_ms, horizon_ms)
        cursor, at_cursor = member.cursor, set(member.ids_at_cursor)
        seen = set(at_cursor)
        count = min(self.settings.page_size, MAX_CHANGELOG_COUNT)
        first_day = day_of_ms(start)
        for _ in range(MAX_CHANGELOG_PAGES):
            params: Params = {"q": "memberAndApplication", "startTime": start, "count": count}
            answer = self._client.get(MEMBER_CHANGELOG, params)
            page = answer.get("elements")
            if not isinstance(page, list):
                raise RequestFailed(f"GET {MEMBER_CHANGELOG}: the answer has no list of elements")
            new = [e for e in page if isinstance(e, dict) and str(e.get("id")) not in seen]
            if not new:
                break
            window = (min(first_day, self.fetched_on), self.fetched_on)
            self._write(MEMBER_CHANGELOG, self._client.describe(MEMBER_CHANGELOG, params), window, new)
            for event in new:
                seen.add(str(event.get("id")))
                processed = _processed_at(event)
                if processed is None:
                    continue
                if cursor is None or processed > cursor:
                    cursor, at_cursor = processed, {str(event.get("id"))}
                elif processed == cursor:
                    at_cursor.add(str(event.get("id")))
            member.cursor, member.ids_at_cursor = cursor, sorted(at_cursor)
            member.events_read += len(new)
            self.report.events += len(new)
            save_portability_state(self.state_path, self.state)
            if len(page) < count:
                break
            start = self._next_start(start, page)
        else:
            self.log(
                f"LinkedIn portability: {self.label}: more than {MAX_CHANGELOG_PAGES} pages of events, "
                "the rest is read at the next run"
            )
        member.changelog_read_at = self.now

    def _next_start(self, start: int, page: list[Any]) -> int:
        """The next inclusive ``startTime``: the page's latest ``processedAt``, or one ms on when a full
        page holds only events of ``start`` itself (others of that very millisecond cannot be reached).
        """
        latest = max((t for t in map(_processed_at, page) if t is not None), default=start)
        if latest > start:
            return latest
        self.log(
            f"LinkedIn portability: {self.label}: a whole page of events processed at {start} (epoch ms); "
            "moving on to the next millisecond"
        )
        return start + 1

    def _write(
        self, endpoint: str, request: str, window: tuple[date, date], elements: list[dict[str, Any]]
    ) -> None:
        path = write_api_file(
            self.home.inbox, self.fetched_on, self.owner, endpoint, request, self.now, window, elements
        )
        self.report.files_written.append(path)

    @property
    def _client(self) -> LinkedInClient:
        assert self.client is not None
        return self.client


def _processed_at(event: Any) -> int | None:
    value = event.get("processedAt") if isinstance(event, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
