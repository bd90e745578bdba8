"""A LinkedIn sandbox on 127.0.0.1 to try the consent page and the data-portability pull by hand.

``python -m tests.linkedin_sandbox --home DIR`` starts the fakes the tests use: LinkedIn's OAuth
pages (``--port``, 8790 by default) and the data-portability API (the next port), with one
LinkedIn member per current consenting ambassador of the home's roster (the first three by
default, or ``--agents``). It prints the settings to add to the home's ``relais.toml`` (or writes
them, and the fake client secret, with ``--write-settings``). Each member's snapshot and changelog
are the hand-worked data of ``sandbox_data``: after consent and one refresh, each member counts
two reshares of institution posts, one reaction and one comment, and no post of their own (the one
in their snapshot is deleted by their changelog). Type ``revoke <agent_id>`` to revoke a member's
authorisation as LinkedIn would (401), ``status`` to see who consented, ``quit`` to stop.
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import duckdb

from relais.consent.app import redirect_uri
from relais.consent.gate import current_ambassadors
from relais.consent.secrets import SECRET_ENV, SECRET_FILE
from tests.fake_linkedin_api import FakeLinkedIn, _Handler
from tests.fake_linkedin_oauth import FakeOAuth

CLIENT_ID = "relais-sandbox"
CLIENT_SECRET = "sandbox-client-secret"  # a fake application's secret: no real secret is ever printed
PUBLIC_URL = "http://127.0.0.1:8765/"
_POST_URN = re.compile(r"urn:li:(?:activity|share|ugcPost):\d+")


@dataclass(frozen=True)
class SandboxMember:
    """A fake LinkedIn member standing for one ambassador: their person URN and their token."""

    agent_id: str
    name: str
    urn: str
    token: str


def institution_posts(warehouse: Path, count: int = 2) -> list[str]:
    """The URNs of the institution's latest posts, as the Page exports named them (newest first)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        links = con.execute(
            "SELECT post_link FROM raw.page_posts WHERE post_link IS NOT NULL ORDER BY created_on DESC"
        ).fetchall()
    urns = [m.group(0) for (link,) in links if (m := _POST_URN.search(unquote(link)))]
    return list(dict.fromkeys(urns))[:count]


def post_link(urn: str) -> str:
    """The address LinkedIn's archives give a post."""
    return f"https://www.linkedin.com/feed/update/{urn}"


def _day(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def snapshot_rows(n: int, posts: list[str], now: datetime) -> dict[str, list[dict[str, Any]]]:
    """A member's snapshot: a post of their own, a reshare of the older institution post, a like."""
    own = f"urn:li:share:{7_400_000_000_000_000_000 + n}"
    newest, older = posts[0], posts[-1]
    return {
        "MEMBER_SHARE_INFO": [
            {"Date": _day(now - timedelta(days=30)), "ShareLink": post_link(own),
             "ShareCommentary": "Ma semaine au service", "SharedUrl": "", "Visibility": "PUBLIC"},
            {"Date": _day(now - timedelta(days=20)), "ShareLink": post_link(f"{own}1"),
             "ShareCommentary": "À lire", "SharedUrl": post_link(older), "Visibility": "PUBLIC"},
        ],
        "ALL_LIKES": [{"Date": _day(now - timedelta(days=10)), "Type": "LIKE", "Link": post_link(newest)}],
        "SKILLS": [{"Name": "Communication publique"}],
    }  # fmt: skip


def changelog_events(n: int, posts: list[str], consented: datetime) -> list[tuple[str, str, int, dict, str]]:
    """What the member does right after consenting: reshare, a post made then deleted, a comment,
    and the deletion of the post of their snapshot. Tuples of (resource, method, ms, activity, id).
    """
    own, fresh = (
        f"urn:li:share:{7_400_000_000_000_000_000 + n}",
        f"urn:li:share:{7_410_000_000_000_000_000 + n}",
    )
    reshare = f"urn:li:share:{7_420_000_000_000_000_000 + n}"
    at = int(consented.timestamp() * 1000)

    def post(urn: str, ms: int, parent: str | None = None) -> dict[str, Any]:
        context = {"responseContext": {"parent": parent, "root": parent}} if parent else {}
        text = "Fière de notre management d'équipe" if parent else ""
        body = {"com.linkedin.ugc.ShareContent": {"shareCommentary": {"text": text}}}
        return {"id": urn, "created": {"time": ms}, "specificContent": body, **context}

    comment = {
        "id": f"90{n}",
        "created": {"time": at + 4000},
        "message": {"text": "Bravo"},
        "object": posts[0],
    }
    return [
        ("ugcPosts", "CREATE", at + 1000, post(reshare, at + 1000, posts[0]), reshare),
        ("ugcPosts", "CREATE", at + 2000, post(fresh, at + 2000), fresh),
        ("ugcPosts", "DELETE", at + 3000, {}, fresh),
        ("socialActions/comments", "CREATE", at + 4000, comment, f"90{n}"),
        ("ugcPosts", "DELETE", at + 5000, {}, own),
    ]


class SandboxApi(FakeLinkedIn):
    """The fake data-portability API, on a chosen port."""

    def start(self, port: int = 0) -> None:  # type: ignore[override]
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()


class SandboxOAuth(FakeOAuth):
    """The fake OAuth pages; a member's first token exchange writes their changelog's events."""

    def __init__(
        self, api: SandboxApi, members: list[SandboxMember], posts: list[str], **kwargs: Any
    ) -> None:
        super().__init__({m.urn: m.token for m in members}, names={m.urn: m.name for m in members}, **kwargs)
        self.api, self.posts = api, posts
        self.by_urn = {m.urn: (k, m) for k, m in enumerate(members)}
        self.consents: dict[str, datetime] = {}

    def access_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        status, answer = super().access_token(form)
        if status != 200:
            return status, answer
        urn = next(u for u, token in self.members.items() if token == answer["access_token"])
        n, member = self.by_urn[urn]
        moment = datetime.now(UTC)
        with self._lock:
            first = member.agent_id not in self.consents
            self.consents[member.agent_id] = moment
        self.api.consented_at[urn] = int(moment.timestamp() * 1000)
        self.api.revoked.discard(member.token)
        if first:
            for resource, method, ms, activity, resource_id in changelog_events(n, self.posts, moment):
                self.api.add_event(urn, resource, method, ms, activity, resource_id)
        return status, answer


def start_sandbox(home: Path, port: int, agents: list[str] | None = None, count: int = 3) -> SandboxOAuth:
    """Start both fakes for ``home``'s ambassadors; the OAuth fake (its ``api`` is the data API)."""
    warehouse = home / "warehouse.duckdb"
    ambassadors = current_ambassadors(warehouse)
    if agents:
        known = {a.agent_id for a in ambassadors}
        unknown = [a for a in agents if a not in known]
        if unknown:
            raise SystemExit(f"not current consenting ambassadors in the roster: {', '.join(unknown)}")
        ambassadors = [a for a in ambassadors if a.agent_id in agents]
    ambassadors = ambassadors[: len(agents) if agents else count]
    posts = institution_posts(warehouse)
    if not posts:
        raise SystemExit("the home has no institution post yet (no Page export loaded): run a refresh first")
    now = datetime.now(UTC)
    members = [
        SandboxMember(a.agent_id, f"{a.first_name or 'Agent'} ({a.agent_id})",
                      f"urn:li:person:sandbox{a.agent_id}", "sandbox-" + secrets.token_urlsafe(16))
        for a in ambassadors
    ]  # fmt: skip
    api = SandboxApi()
    for n, member in enumerate(members):
        api.add_member(member.token, member.urn)
        for domain, rows in snapshot_rows(n, posts, now).items():
            api.set_snapshot(member.urn, domain, rows, not_built_calls=1 if domain == "SKILLS" else 0)
    api.start(port + 1 if port else 0)
    oauth = SandboxOAuth(
        api, members, posts, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        redirect_uri=redirect_uri(PUBLIC_URL), version=api.portability_version,
    )  # fmt: skip
    return oauth.start(port)


def settings_lines(oauth: SandboxOAuth) -> list[str]:
    """The ``relais.toml`` lines that point a home at the sandbox."""
    return [
        f'linkedin_client_id = "{CLIENT_ID}"',
        f'consent_public_url = "{PUBLIC_URL}"',
        f'linkedin_oauth_base_url = "{oauth.oauth_base_url}"',
        f'linkedin_api_base_url = "{oauth.api.base_url}"',
    ]


def write_settings(home: Path, lines: list[str]) -> None:
    """Set the sandbox's keys in ``home``'s relais.toml (other keys kept) and its fake client secret."""
    path = home / "relais.toml"
    keys = {line.split("=", 1)[0].strip() for line in lines}
    kept = [
        line
        for line in (path.read_text(encoding="utf-8").splitlines() if path.exists() else [])
        if line.split("=", 1)[0].strip() not in keys
    ]
    table = next((i for i, line in enumerate(kept) if line.lstrip().startswith("[")), len(kept))
    block = ["# LinkedIn sandbox (python -m tests.linkedin_sandbox): remove to use LinkedIn itself", *lines]
    path.write_text("\n".join([*kept[:table], *block, *kept[table:]]) + "\n", encoding="utf-8")
    secret = home / SECRET_FILE
    secret.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    secret.write_text(CLIENT_SECRET + "\n", encoding="utf-8")
    secret.chmod(0o600)


def revoke(oauth: SandboxOAuth, agent_id: str) -> str:
    """Revoke an agent's authorisation at the fake LinkedIn (their token answers 401 from now on)."""
    member = next((m for _, m in oauth.by_urn.values() if m.agent_id == agent_id), None)
    if member is None:
        return f"{agent_id} is not a sandbox member"
    oauth.api.revoke(member.token, 401)
    return f"{agent_id}: authorisation revoked; the next refresh removes their data"


def status(oauth: SandboxOAuth) -> list[str]:
    """One line per sandbox member: consented when, revoked or not."""
    lines = []
    for _, member in sorted(oauth.by_urn.values()):
        when = oauth.consents.get(member.agent_id)
        state = f"consented {when:%H:%M:%S} UTC" if when else "not consented yet"
        if member.token in oauth.api.revoked:
            state += ", revoked"
        lines.append(f"  {member.agent_id}  {member.name}: {state}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.linkedin_sandbox", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--home", type=Path, required=True, help="the Relais home (RELAIS_HOME)")
    parser.add_argument("--port", type=int, default=8790, help="OAuth pages' port; the API takes the next")
    parser.add_argument("--agents", default="", help="comma-separated agent ids (default: the first three)")
    parser.add_argument("--write-settings", action="store_true", help="write the settings into relais.toml")
    args = parser.parse_args(argv)
    agents = [a.strip() for a in args.agents.split(",") if a.strip()]
    oauth = start_sandbox(args.home, args.port, agents)
    lines = settings_lines(oauth)
    if args.write_settings:
        write_settings(args.home, lines)
        print(f"Sandbox settings written to {args.home / 'relais.toml'} and {args.home / SECRET_FILE}.")
    else:
        print(f"Add to {args.home / 'relais.toml'}:\n  " + "\n  ".join(lines))
        print(f"and export {SECRET_ENV}={CLIENT_SECRET}")
    print(f"LinkedIn sandbox: OAuth on {oauth.origin}, API on {oauth.api.base_url}; members:")
    print("\n".join(status(oauth)))
    print("Commands: status, revoke <agent_id>, quit.", flush=True)
    try:
        for line in sys.stdin:
            command, *rest = line.split() or [""]
            if command == "quit":
                break
            if command == "revoke" and rest:
                print(revoke(oauth, rest[0]), flush=True)
            elif command == "status":
                print("\n".join(status(oauth)), flush=True)
            elif command:
                print("Commands: status, revoke <agent_id>, quit.", flush=True)
        else:
            threading.Event().wait()  # no terminal (started in the background): serve until killed
    except KeyboardInterrupt:
        pass
    finally:
        oauth.stop()
        oauth.api.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
