"""Running the LinkedIn API connectors for one Relais home: token store, cursors and settings in place.

``pull_home`` runs the Community Management sync, ``pull_portability_home`` the EU data-portability
pull (members who consented on the consent page).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from relais.home import RelaisHome
from relais.sources.linkedin_api.fetch import ApiSettings, SyncReport, sync
from relais.sources.linkedin_api.portability import PortabilityReport, portability_members, pull_portability
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


def pull_portability_home(
    home: RelaisHome, ambassadors: set[str], log: Callable[[str], None]
) -> PortabilityReport | None:
    """Pull the data-portability members' snapshots and changelogs; None when there is nobody to pull."""
    if not home.linkedin_tokens.exists():
        return None
    if not portability_members(TokenStore(home.linkedin_tokens)):
        log("No member consented through the data-portability page: no portability pull.")
        return None
    return pull_portability(home, ambassadors, log)
