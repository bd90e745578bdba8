"""`relais consent status`: who consented, expiry, pending domains, gaps, withdrawals; never a token."""

from datetime import UTC, date, datetime

from relais.consent.status import status_lines
from relais.sources.linkedin_api.client import Secret
from relais.sources.linkedin_api.portability_state import Gap, PortabilityState
from relais.sources.linkedin_api.tokens import MemberCredentials

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def member(agent_id: str, expires: str | None) -> MemberCredentials:
    return MemberCredentials(
        agent_id,
        f"urn:li:person:{agent_id}",
        Secret(f"secret-token-{agent_id}"),
        product="portability",
        scopes=("r_dma_portability_3rd_party",),
        consented_at="2026-11-20T08:30:00Z",
        expires_at=expires,
    )


def test_each_member_shows_consent_expiry_and_the_pull_progress():
    state = PortabilityState()
    ann = state.member("A01")
    ann.mark_read("MEMBER_SHARE_INFO", 12, datetime(2026, 11, 21, 6, tzinfo=UTC))
    ann.mark_read("ALL_LIKES", 3, datetime(2026, 11, 21, 6, tzinfo=UTC))
    ann.mark_pending("SKILLS", datetime(2026, 11, 21, 6, tzinfo=UTC))
    ann.changelog_read_at, ann.events_read = datetime(2026, 12, 6, 6, tzinfo=UTC), 7
    ann.gaps.append(Gap(date(2026, 10, 1), date(2026, 10, 9), datetime(2026, 11, 6, tzinfo=UTC)))
    members = [member("A01", "2027-01-19T08:30:00Z"), member("A02", "2026-12-01T00:00:00Z")]
    lines = status_lines(members, state, withdrawals=1, now=NOW)
    text = "\n".join(lines)
    assert lines[0] == "2 ambassador(s) consented on the consent page:"
    assert (
        "A01: consented 2026-11-20 08:30 UTC (r_dma_portability_3rd_party); expires 2027-01-19 (43 days)"
        in text
    )
    assert "snapshot: 2 domain(s) read (15 rows)" in text
    assert (
        "pending (LinkedIn has not built them yet, asked again each refresh): SKILLS since 2026-11-21 06:00"
        in text
    )
    assert "changelog: 7 event(s), last read 2026-12-06 06:00" in text
    assert "GAP: events from 2026-10-01 to 2026-10-09 were gone" in text
    assert "A02: consented 2026-11-20 08:30 UTC" in text and "EXPIRED on 2026-12-01" in text
    assert "not pulled yet" in text  # A02 has no state yet
    assert lines[-1].startswith("1 withdrawal(s) recorded")
    assert "secret-token" not in text


def test_nobody_yet():
    lines = status_lines([], PortabilityState(), withdrawals=0, now=NOW)
    assert lines[0].startswith("No ambassador has consented") and lines[-1].startswith("0 withdrawal(s)")
