"""The consent page end to end in headless Chromium: invitation, explanation, LinkedIn, success; a refusal.

Debian's Chromium (never a downloaded browser) is driven by Playwright against the consent
application served by uvicorn on 127.0.0.1 and the fake LinkedIn OAuth server. The home's warehouse
holds a ``raw.roster`` with one consenting ambassador and one person who is not enrolled. Every page
is saved as a full-page screenshot under ``test-artifacts/consent/`` for a human to look at.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn

from relais.consent.app import consent_app, redirect_uri
from relais.consent.invitations import consent_key, invitation_link, new_invitation
from relais.home import RelaisHome
from relais.settings import Settings
from relais.sources.linkedin_api.tokens import TokenStore
from tests.fake_linkedin_oauth import FakeOAuth
from tests.report_checks import REPO, colour_count
from tests.test_consent import CLIENT_ID, CLIENT_SECRET, write_roster

ARTIFACTS = REPO / "test-artifacts" / "consent"
ANN = "urn:li:person:annBrowser1"
ANN_TOKEN = "tok-browser-ann-6c1e0b"
ROSTER = [
    ("B01", True, True, "ann@ville.fr", "Ann"),
    ("B02", True, False, "bob@ville.fr", "Bob"),  # on the staff list, not enrolled
]
ACCENT = "rgb(0, 0, 145)"


@pytest.fixture
def served(tmp_path, monkeypatch) -> Iterator[tuple[RelaisHome, FakeOAuth]]:
    """The consent page on a free port of 127.0.0.1 (uvicorn in a thread) and the fake LinkedIn."""
    monkeypatch.setenv("RELAIS_LINKEDIN_CLIENT_SECRET", CLIENT_SECRET)
    for name in ("RELAIS_TOKEN_KEY", "RELAIS_CONSENT_KEY"):
        monkeypatch.delenv(name, raising=False)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    public_url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    fake = FakeOAuth(
        {ANN: ANN_TOKEN}, CLIENT_ID, CLIENT_SECRET, redirect_uri(public_url), names={ANN: "Ann Martin"}
    )
    with fake:
        settings = Settings(
            linkedin_client_id=CLIENT_ID,
            consent_public_url=public_url,
            linkedin_oauth_base_url=fake.oauth_base_url,
            linkedin_api_base_url=fake.api_base_url,
            organisation="Ville de Relais-sur-Mer",
        )
        home = RelaisHome(root=tmp_path / "home", settings=settings)
        write_roster(home.warehouse, ROSTER)
        config = uvicorn.Config(consent_app(home), log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started, "the consent page did not start within 10 s"
        try:
            yield home, fake
        finally:
            server.should_exit = True
            thread.join(timeout=10)
            listener.close()


def link_for(home: RelaisHome, agent_id: str) -> str:
    invitation = new_invitation(consent_key(home.root), agent_id, datetime.now(UTC), 30)
    return invitation_link(home.settings.consent_public_url, invitation)


def snapshot(page, name: str) -> Path:
    """A full-page screenshot of ``page`` as ``test-artifacts/consent/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    path.unlink(missing_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path


def assert_picture(png: Path) -> None:
    """A real PNG with content: more than a few kilobytes and many colours (text, anti-aliasing)."""
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 5_000 and colour_count(png) > 20, png


def test_an_ambassador_consents_in_a_browser_and_a_non_member_is_refused(browser, served):
    home, fake = served
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    pictures = []
    try:
        answer = page.goto(link_for(home, "B01"))
        assert answer.status == 200
        page.get_by_role("heading", name="Autoriser Relais à lire votre activité LinkedIn").wait_for()
        assert "Bonjour Ann" in page.content() and "Ville de Relais-sur-Mer" in page.content()
        button = page.get_by_role("button", name="Autoriser Relais sur LinkedIn")
        assert button.evaluate("b => getComputedStyle(b).backgroundColor") == ACCENT  # the stylesheet applied
        pictures.append(snapshot(page, "1-explication"))

        button.click()
        page.get_by_text("Se connecter en tant que").wait_for()
        assert page.url.startswith(fake.oauth_base_url + "authorization?")
        pictures.append(snapshot(page, "2-linkedin"))
        page.get_by_label("Ann Martin").check()
        page.get_by_role("button", name="Autoriser", exact=True).click()

        page.get_by_role("heading", name="Merci, votre autorisation est enregistrée").wait_for()
        assert page.url.startswith(home.settings.consent_public_url + "linkedin/retour?")
        assert "24 heures" in page.content()
        pictures.append(snapshot(page, "3-succes"))

        refused = page.goto(link_for(home, "B02"))
        assert refused.status == 403
        page.get_by_role("heading", name="Vous ne pouvez pas autoriser Relais").wait_for()
        pictures.append(snapshot(page, "4-refus"))
    finally:
        context.close()

    stored = TokenStore(home.linkedin_tokens)
    assert stored.member_ids() == ["B01"]
    ann = stored.member("B01")
    assert (ann.person_urn, ann.token.reveal(), ann.product) == (ANN, ANN_TOKEN, "portability")
    # no blocked stylesheet, no missing resource, no script error: only the refusal page's own 403
    assert [text for text in problems if "status of 403" not in text] == []
    assert len(problems) == 1
    for png in pictures:
        assert_picture(png)
