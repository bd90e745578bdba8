"""Running the LinkedIn API connector for one Relais home: token store, cursor and settings in place."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from relais.home import RelaisHome
from relais.sources.linkedin_api.fetch import ApiSettings, SyncReport, sync
from relais.sources.linkedin_api.tokens import TokenStore


def yesterday_utc(now: datetime | None = None) -> date:
    """The last whole day in UTC, where LinkedIn's daily figures stop."""
    return (now or datetime.now(UTC)).astimezone(UTC).date() - timedelta(days=1)


def pull_home(
    home: RelaisHome,
    ambassadors: set[str],
    log: Callable[[str], None],
    until: date | None = None,
    days: tuple[date, date] | None = None,
) -> SyncReport | None:
    """Fetch what is new (or exactly ``days``) into the home's inbox; None when no token is stored."""
    if not home.linkedin_tokens.exists():
        log(f"No LinkedIn API access configured ({home.linkedin_tokens} is absent): nothing fetched.")
        return None
    settings = ApiSettings.from_settings(home.settings)
    tokens = TokenStore(home.linkedin_tokens)
    return sync(
        home.inbox,
        home.linkedin_state,
        tokens,
        settings,
        ambassadors,
        until or yesterday_utc(),
        log,
        days=days,
    )
