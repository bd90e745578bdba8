"""The consent page: PKCE, state, invitations, the roster gate, the encrypted token store, the whole flow.

The pure parts are tested directly (RFC 7636's PKCE vector, URLs, answers, signatures); the
application through Starlette's test client against a fake LinkedIn OAuth server on 127.0.0.1,
over a home whose warehouse holds a small ``raw.roster``. Each flow checks what is stored (a
"portability" token only for a current consenting ambassador) and that no token, code, invitation
or client secret reaches the logs or any file of the home other than the encrypted token store.
"""

from __future__ import annotations

import json
import logging
import stat
import threading
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pytest
import uvicorn
from cryptography.fernet import Fernet
from markupsafe import escape

from pipelines.cli import main as relais_main
from relais.consent import gate
from relais.consent.app import ConsentNotConfigured, consent_app, redirect_uri
from relais.consent.invitations import (
    InvalidInvitation,
    check_invitation,
    consent_key,
    invitation_link,
    new_invitation,
    sign_invitation,
)
from relais.consent.oauth import (
    SCOPE,
    OAuthError,
    PendingStates,
    authorize_url,
    challenge_s256,
    new_state,
    new_verifier,
    parse_compliance_answer,
    parse_token_answer,
)
from relais.home import RelaisHome
from relais.settings import Settings
from relais.sources.linkedin_api.tokens import TokenStore
from tests.fake_linkedin_oauth import FakeOAuth

with warnings.catch_warnings():  # Starlette suggests httpx2, which the project does not use
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

CLIENT_ID = "relais-test-client"
CLIENT_SECRET = "client-secret-Zq81-never-shown"
PUBLIC_URL = "http://127.0.0.1:8765/"
ANN, BOB = "urn:li:person:annA1", "urn:li:person:bobB2"
TOKENS = {ANN: "tok-ann-4f1d9c0e7b", BOB: "tok-bob-8a2e6d3f1c"}
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
# agent_id, is_current, is_ambassador, email, first_name
ROSTER = [
    ("A01", True, True, "ann@ville.fr", "Ann"),
    ("A02", True, False, None, None),  # on the staff list, not enrolled
    ("A03", False, True, "cleo@ville.fr", "Cléo"),  # consented once...
    ("A03", True, False, None, None),  # ...then withdrew (current row)
    ("A05", True, True, "dan@ville.fr", "Dan"),
    (None, True, False, None, None),  # a non-ambassador as the pipeline writes them
]


# ---------------------------------------------------------------- set-up


def write_roster(warehouse: Path, rows=ROSTER) -> None:
    """A warehouse whose ``raw.roster`` holds ``rows`` (the columns the gate reads)."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        con.execute(
            "CREATE OR REPLACE TABLE raw.roster (agent_id VARCHAR, is_current BOOLEAN, "
            "is_ambassador BOOLEAN, email VARCHAR, first_name VARCHAR)"
        )
        con.executemany("INSERT INTO raw.roster VALUES (?, ?, ?, ?, ?)", rows)


def make_home(root: Path, fake: FakeOAuth, roster=True, **settings) -> RelaisHome:
    options = {
        "linkedin_client_id": CLIENT_ID,
        "consent_public_url": PUBLIC_URL,
        "linkedin_oauth_base_url": fake.oauth_base_url,
        "linkedin_api_base_url": fake.api_base_url,
        **settings,
    }
    home = RelaisHome(root=root, settings=Settings(**options))
    if roster:
        write_roster(home.warehouse)
    return home


@pytest.fixture(autouse=True)
def environment(monkeypatch):
    monkeypatch.setenv("RELAIS_LINKEDIN_CLIENT_SECRET", CLIENT_SECRET)
    for name in ("RELAIS_TOKEN_KEY", "RELAIS_CONSENT_KEY"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake():
    with FakeOAuth(
        TOKENS, CLIENT_ID, CLIENT_SECRET, redirect_uri(PUBLIC_URL), names={ANN: "Ann", BOB: "Bob"}
    ) as server:
        yield server


@pytest.fixture
def home(tmp_path, fake) -> RelaisHome:
    return make_home(tmp_path / "home", fake)


def invite(home: RelaisHome, agent_id: str, days: int = 30, now: datetime | None = None) -> str:
    return new_invitation(consent_key(home.root), agent_id, now or datetime.now(UTC), days)


def go_to_linkedin(client: TestClient, invitation: str) -> str:
    """Open the invitation, press the button; the LinkedIn address the browser is sent to."""
    page = client.get(f"/consentement/{invitation}")
    assert page.status_code == 200, page.text
    start = client.post(f"/consentement/{invitation}", follow_redirects=False)
    assert start.status_code == 303
    return start.headers["location"]


def come_back(client: TestClient, location: str):
    """Follow LinkedIn's redirect to the consent page's callback."""
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}/" == PUBLIC_URL and parts.path == "/linkedin/retour"
    return client.get(f"{parts.path}?{parts.query}")


def consent(client, fake, invitation, member=ANN, allow=True):
    location = fake.decide(go_to_linkedin(client, invitation), member, allow)
    return come_back(client, location), location


def stored_ids(home: RelaisHome) -> list[str]:
    return TokenStore(home.linkedin_tokens).member_ids() if home.linkedin_tokens.exists() else []


def app_logs(caplog) -> str:
    """The log lines of the consent application, every level (its handlers run in the test client's threads).

    The test's own "browser" (the test client's requests and the visits to the fake LinkedIn page)
    runs in the main thread: its lines show the URLs a browser sees, codes included.
    """
    main = threading.main_thread().name
    return "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records if r.threadName != main)


def home_texts(home: RelaisHome) -> list[bytes]:
    """The bytes of every file of the home but the token store itself."""
    return [p.read_bytes() for p in home.root.rglob("*") if p.is_file() and p != home.linkedin_tokens]


# ---------------------------------------------------------------- PKCE, state, URLs


def test_pkce_s256_matches_rfc_7636_appendix_b():
    assert (
        challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )
    verifiers = {new_verifier() for _ in range(20)}
    assert len(verifiers) == 20
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    assert all(43 <= len(v) <= 128 and set(v) <= allowed for v in verifiers)
    assert len({new_state() for _ in range(20)}) == 20


def test_authorize_url_asks_for_the_portability_scope_only():
    url = authorize_url(
        "https://www.linkedin.com/oauth/v2", "cid", PUBLIC_URL + "linkedin/retour", "st8", "chal"
    )
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.linkedin.com/oauth/v2/authorization"
    assert parse_qs(parts.query) == {
        "response_type": ["code"],
        "client_id": ["cid"],
        "redirect_uri": ["http://127.0.0.1:8765/linkedin/retour"],
        "state": ["st8"],
        "scope": [SCOPE],
        "code_challenge": ["chal"],
        "code_challenge_method": ["S256"],
    }
    plain = parse_qs(urlsplit(authorize_url("https://x.example/oauth/v2/", "cid", "https://r/", "s")).query)
    assert "code_challenge" not in plain and "code_challenge_method" not in plain
    assert plain["scope"] == [SCOPE]


def test_states_are_single_use_and_expire_after_ten_minutes():
    now = [1000.0]
    states = PendingStates(clock=lambda: now[0])
    first = states.start("A01", "verifier-1")
    assert states.take("never-issued") is None
    taken = states.take(first)
    assert (taken.agent_id, taken.verifier) == ("A01", "verifier-1")
    assert states.take(first) is None  # used once
    late = states.start("A01", None)
    now[0] += 601
    assert states.take(late) is None and len(states) == 0
    bounded = PendingStates(limit=3, clock=lambda: now[0])
    issued = [bounded.start(f"A{i}", None) for i in range(5)]
    assert len(bounded) == 3 and bounded.take(issued[0]) is None and bounded.take(issued[4]) is not None
    assert "verifier-1" not in repr(taken)


# ---------------------------------------------------------------- invitations


def test_invitations_are_signed_expire_and_resist_tampering(tmp_path, monkeypatch):
    key = consent_key(tmp_path)
    key_file = tmp_path / "secrets" / "consent.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and consent_key(tmp_path) == key
    invitation = new_invitation(key, "A01", NOW, days=30)
    checked = check_invitation(key, invitation, NOW + timedelta(days=29))
    assert checked.agent_id == "A01" and checked.expires_at == NOW + timedelta(days=30)
    assert invitation_link("https://relais.ville.fr", invitation) == (
        f"https://relais.ville.fr/consentement/{invitation}"
    )

    def refused(text: str, when: datetime = NOW, with_key: bytes = key) -> str:
        with pytest.raises(InvalidInvitation) as error:
            check_invitation(with_key, text, when)
        assert key.decode() not in str(error.value)
        return error.value.reason

    assert refused(invitation, NOW + timedelta(days=30)) == "expired"
    name, expiry, signature = invitation.split(".")
    other = sign_invitation(key, "A02", NOW + timedelta(days=30)).split(".")[0]
    assert refused(f"{other}.{expiry}.{signature}") == "forged"  # someone else's id
    assert refused(f"{name}.{int(expiry) + 86400}.{signature}") == "forged"  # a longer validity
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    assert refused(f"{name}.{expiry}.{flipped}") == "forged"
    assert refused(invitation, with_key=b"another home's key") == "forged"
    assert {refused(text) for text in ("", "abc", f"{name}.x.{signature}", f"{name}.{expiry}.%%")} == {
        "malformed"
    }
    monkeypatch.setenv("RELAIS_CONSENT_KEY", "key-from-the-environment")
    assert consent_key(tmp_path) == b"key-from-the-environment"
    with pytest.raises(ValueError, match="at least one day"):
        new_invitation(key, "A01", NOW, days=0)


# ---------------------------------------------------------------- LinkedIn's answers


def test_token_answers_are_checked_without_showing_the_token():
    answer = parse_token_answer(
        {"access_token": "AQX-secret-token", "expires_in": 5184000, "scope": SCOPE, "refresh_token": "R-1"}
    )
    assert answer.access_token.reveal() == "AQX-secret-token" and answer.scopes == (SCOPE,)
    assert answer.expires_at(NOW) == "2027-02-04T12:00:00Z"
    assert "AQX" not in repr(answer) and "R-1" not in repr(answer)
    bad = [
        ([], "not a JSON object"),
        ({"error": "invalid_grant", "error_description": "code expired"}, "invalid_grant: code expired"),
        ({"expires_in": 10, "scope": SCOPE}, "no usable access_token"),
        ({"access_token": "two words", "expires_in": 10, "scope": SCOPE}, "no usable access_token"),
        ({"access_token": "AQX-secret-token", "expires_in": "60", "scope": SCOPE}, "expires_in"),
        (
            {"access_token": "AQX-secret-token", "expires_in": 60, "scope": "openid profile"},
            "openid, profile",
        ),
    ]
    for payload, message in bad:
        with pytest.raises(OAuthError, match=message) as error:
            parse_token_answer(payload)
        assert "AQX" not in str(error.value)


def test_the_compliance_answer_names_the_member():
    member = parse_compliance_answer(
        {
            "elements": [
                {
                    "regulatedAt": 1764979200000,
                    "memberComplianceAuthorizationKey": {
                        "developerApplication": "urn:li:developerApplication:123",
                        "member": "urn:li:person:AbC12",
                    },
                    "memberComplianceScopes": ["DMA"],
                }
            ]
        }
    )
    assert member.person_urn == "urn:li:person:AbC12" and member.scopes == ("DMA",)
    assert member.regulated_at == datetime(2025, 12, 6, tzinfo=UTC)
    for payload in ({}, {"elements": []}, {"elements": [{"memberComplianceAuthorizationKey": {}}]}):
        with pytest.raises(OAuthError):
            parse_compliance_answer(payload)


# ---------------------------------------------------------------- the token store


def test_the_token_store_is_encrypted_owner_only_and_keeps_portability_fields(tmp_path):
    store = TokenStore(tmp_path / "secrets" / "linkedin_tokens.json")
    store.set_organization("urn:li:organization:42", "org-token-XYZ")
    store.set_member("A09", "urn:li:person:community9", "community-token-9")
    store.set_member(
        "A01",
        ANN,
        TOKENS[ANN],
        product="portability",
        scopes=(SCOPE,),
        consented_at="2026-12-06T12:00:00Z",
        expires_at="2027-02-04T12:00:00Z",
    )
    raw = store.path.read_bytes()
    for secret in (
        TOKENS[ANN],
        "community-token-9",
        "org-token-XYZ",
        ANN,
        "urn:li:person",
        "A01",
        "portability",
    ):
        assert secret.encode() not in raw
    assert json.loads(raw)["relais_linkedin_tokens"] == 2
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.key_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert not [p for p in store.path.parent.iterdir() if p.name.endswith(".tmp")]

    again = TokenStore(store.path)
    ann = again.member("A01")
    assert (ann.person_urn, ann.token.reveal(), ann.product, ann.scopes) == (
        ANN,
        TOKENS[ANN],
        "portability",
        (SCOPE,),
    )
    assert (ann.consented_at, ann.expires_at) == ("2026-12-06T12:00:00Z", "2027-02-04T12:00:00Z")
    community = again.member("A09")
    assert (community.product, community.scopes, community.consented_at) == ("community", (), None)
    assert [m.agent_id for m in again.portability_members()] == ["A01"]
    assert again.organization().token.reveal() == "org-token-XYZ"
    assert TOKENS[ANN] not in repr(ann)
    with pytest.raises(ValueError, match="not a LinkedIn product"):
        store.set_member("A01", ANN, "t", product="marketing")


def test_a_plaintext_token_file_is_read_then_rewritten_encrypted(tmp_path):
    path = tmp_path / "secrets" / "linkedin_tokens.json"
    path.parent.mkdir(mode=0o700)
    legacy = {
        "relais_linkedin_tokens": 1,
        "organization": {"urn": "urn:li:organization:7", "token": "legacy-org-token"},
        "members": {"VDA001": {"person_urn": "urn:li:person:old1", "token": "legacy-member-token"}},
    }
    path.write_text(json.dumps(legacy), encoding="utf-8")
    store = TokenStore(path)
    old = store.member("VDA001")
    assert (old.token.reveal(), old.product) == ("legacy-member-token", "community")
    assert store.organization().token.reveal() == "legacy-org-token"
    store.set_member("A01", ANN, TOKENS[ANN], product="portability", scopes=(SCOPE,))
    raw = path.read_bytes()
    assert b"legacy-member-token" not in raw and b"legacy-org-token" not in raw and b"old1" not in raw
    assert store.member("VDA001").token.reveal() == "legacy-member-token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_wrong_key_says_which_file_and_how_to_fix_it_without_the_key(tmp_path, monkeypatch):
    path = tmp_path / "secrets" / "linkedin_tokens.json"
    TokenStore(path).set_member("A01", ANN, TOKENS[ANN])
    wrong = Fernet.generate_key()
    with pytest.raises(ValueError) as error:
        TokenStore(path, key=wrong).member("A01")
    message = str(error.value)
    assert str(path) in message and "RELAIS_TOKEN_KEY" in message and "token.key" in message
    assert wrong.decode() not in message and (path.parent / "token.key").read_text() not in message
    monkeypatch.setenv("RELAIS_TOKEN_KEY", Fernet.generate_key().decode())
    with pytest.raises(ValueError, match="cannot be decrypted with the key from RELAIS_TOKEN_KEY"):
        TokenStore(path).member_ids()
    monkeypatch.setenv("RELAIS_TOKEN_KEY", "not-a-fernet-key")
    with pytest.raises(ValueError, match="not a Fernet key"):
        TokenStore(path).member_ids()
    monkeypatch.delenv("RELAIS_TOKEN_KEY")
    (path.parent / "token.key").unlink()
    with pytest.raises(ValueError, match="no key was found"):
        TokenStore(path).member_ids()


def test_the_environment_key_is_used_and_no_key_file_is_made(tmp_path, monkeypatch):
    key = Fernet.generate_key()
    monkeypatch.setenv("RELAIS_TOKEN_KEY", key.decode())
    store = TokenStore(tmp_path / "secrets" / "linkedin_tokens.json")
    store.set_member("A01", ANN, TOKENS[ANN])
    assert not store.key_path.exists()
    assert TokenStore(store.path, key=key).member("A01").token.reveal() == TOKENS[ANN]


# ---------------------------------------------------------------- the roster gate


def test_the_gate_lets_only_current_consenting_ambassadors_through(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    assert gate.check_ambassador(warehouse, "A01").reason == "no-warehouse"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE TABLE other (x INT)")
    assert gate.check_ambassador(warehouse, "A01").reason == "no-roster"
    write_roster(warehouse)
    ann = gate.check_ambassador(warehouse, " A01 ")
    assert ann.allowed and ann.first_name == "Ann"
    assert [
        (d.allowed, d.reason)
        for d in map(lambda a: gate.check_ambassador(warehouse, a), ["A02", "A03", "A99"])
    ] == [
        (False, "not-ambassador"),
        (False, "not-ambassador"),
        (False, "unknown"),
    ]
    assert [a.agent_id for a in gate.current_ambassadors(warehouse)] == ["A01", "A05"]


# ---------------------------------------------------------------- the application


def test_a_consenting_ambassador_ends_with_a_stored_portability_token(home, fake, caplog):
    caplog.set_level(logging.DEBUG)
    invitation = invite(home, "A01")
    with TestClient(consent_app(home)) as client:
        page = client.get(f"/consentement/{invitation}")
        text = page.text
        assert page.status_code == 200 and "Bonjour Ann" in text
        assert str(escape(home.settings.organisation)) in text
        for words in (
            "publications",
            "partages",
            "commentaires",
            "réactions",
            "compétences",
            "nombre de vos relations",
            "jamais le contenu de vos messages",
            "mesurer le programme ambassadeurs",
            "pseudonymisés",
            f"au moins {home.settings.anonymity_threshold} personnes",
            "jusqu'à ce que vous la retiriez",
            "Applications autorisées",
            "actualisation suivante",
            "Autoriser Relais sur LinkedIn",
        ):
            assert words in text, words
        assert "no-referrer" in page.headers["referrer-policy"]
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert client.get("/consent.css").status_code == 200
        done, location = consent(client, fake, invitation, ANN)
    assert done.status_code == 200, done.text
    assert "votre autorisation est enregistrée" in done.text and "24 heures" in done.text
    assert "chaque jour" in done.text

    stored = TokenStore(home.linkedin_tokens).member("A01")
    assert (stored.person_urn, stored.token.reveal(), stored.product) == (ANN, TOKENS[ANN], "portability")
    assert stored.scopes == (SCOPE,)
    consented = datetime.fromisoformat(stored.consented_at.replace("Z", "+00:00"))
    expires = datetime.fromisoformat(stored.expires_at.replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - consented).total_seconds()) < 60
    assert timedelta(days=59) < expires - consented <= timedelta(days=60, seconds=5)

    asked = fake.requests_to("/oauth/v2/authorization")[0].params
    assert asked["code_challenge_method"] == "S256" and asked["scope"] == SCOPE
    exchange = fake.requests_to("/accessToken")[0].params
    assert exchange["code_verifier"] == "***" and exchange["redirect_uri"] == redirect_uri(PUBLIC_URL)
    compliance = fake.requests_to("/memberComplianceAuthorizations")[0]
    assert compliance.headers["linkedin-version"] == "202312"
    assert compliance.headers["x-restli-protocol-version"] == "2.0.0"

    code = parse_qs(urlsplit(location).query)["code"][0]
    secrets = [TOKENS[ANN], code, CLIENT_SECRET, invitation]
    logged = app_logs(caplog)
    assert "consent of agent A01 recorded" in logged and "accessToken" in logged and "httpcore" in logged
    assert [s for s in secrets if s in logged] == []
    assert [s for s in secrets for data in home_texts(home) if s.encode() in data] == []
    assert [s for s in (TOKENS[ANN], ANN) if s.encode() in home.linkedin_tokens.read_bytes()] == []


def test_pkce_can_be_turned_off(tmp_path, fake):
    home = make_home(tmp_path / "home", fake, consent_pkce=False)
    with TestClient(consent_app(home)) as client:
        location = go_to_linkedin(client, invite(home, "A05"))
        assert "code_challenge" not in location
        done = come_back(client, fake.decide(location, BOB))
    assert done.status_code == 200
    assert "code_verifier" not in fake.requests_to("/accessToken")[0].params
    assert TokenStore(home.linkedin_tokens).member("A05").person_urn == BOB


@pytest.mark.parametrize(
    ("agent_id", "days", "tamper", "title"),
    [
        ("A02", 30, False, "Vous ne pouvez pas autoriser Relais"),  # not enrolled
        ("A03", 30, False, "Vous ne pouvez pas autoriser Relais"),  # consent withdrawn
        ("A99", 30, False, "Vous ne pouvez pas autoriser Relais"),  # unknown agent
        ("A01", 30, True, "Ce lien d'invitation n'est pas valable"),  # forged
        ("A01", -1, False, "Ce lien d'invitation a expiré"),  # expired
    ],
)
def test_people_who_may_not_consent_are_refused_and_nothing_is_stored(
    home, fake, agent_id, days, tamper, title
):
    if days < 0:
        invitation = sign_invitation(consent_key(home.root), agent_id, datetime.now(UTC) - timedelta(days=1))
    else:
        invitation = invite(home, agent_id, days)
    if tamper:
        invitation = sign_invitation(b"somebody else's key", agent_id, datetime.now(UTC) + timedelta(days=9))
    with TestClient(consent_app(home)) as client:
        page = client.get(f"/consentement/{invitation}")
        start = client.post(f"/consentement/{invitation}", follow_redirects=False)
    assert page.status_code == 403 and start.status_code == 403
    assert title in page.text and "Aucune donnée n'a été lue ni enregistrée" in page.text
    assert stored_ids(home) == [] and fake.requests == []


def test_without_a_warehouse_everybody_is_told_the_service_is_not_ready(tmp_path, fake):
    home = make_home(tmp_path / "home", fake, roster=False)
    with TestClient(consent_app(home)) as client:
        page = client.get(f"/consentement/{invite(home, 'A01')}")
    assert page.status_code == 503 and "pas disponible" in page.text
    assert client.get("/").status_code == 200


def test_a_cancelled_authorisation_stores_nothing(home, fake):
    with TestClient(consent_app(home)) as client:
        done, _ = consent(client, fake, invite(home, "A01"), ANN, allow=False)
    assert done.status_code == 200 and "Vous avez annulé l'autorisation" in done.text
    assert "Rien n'a été enregistré" in done.text
    assert stored_ids(home) == [] and fake.requests_to("/accessToken") == []


def test_a_bad_or_reused_state_is_refused(home, fake, caplog):
    caplog.set_level(logging.DEBUG)
    with TestClient(consent_app(home)) as client:
        forged = client.get("/linkedin/retour?code=stolen-code&state=made-up-state")
        assert forged.status_code == 400 and "n'est plus valable" in forged.text
        done, location = consent(client, fake, invite(home, "A01"), ANN)
        assert done.status_code == 200
        TokenStore(home.linkedin_tokens).remove_member("A01")
        replayed = come_back(client, location)
    assert replayed.status_code == 400 and "n'est plus valable" in replayed.text
    assert stored_ids(home) == [] and len(fake.requests_to("/accessToken")) == 1
    assert "LinkedIn callback with an unknown, used or expired state" in app_logs(caplog)
    assert "stolen-code" not in app_logs(caplog)


def test_a_failing_token_exchange_stores_nothing(home, fake, caplog):
    caplog.set_level(logging.DEBUG)
    fake.exchange_failure = (500, {"error": "server_error", "error_description": "try later"})
    with TestClient(consent_app(home)) as client:
        done, location = consent(client, fake, invite(home, "A05"), BOB)
    assert done.status_code == 502 and "LinkedIn n'a pas confirmé l'autorisation" in done.text
    assert stored_ids(home) == []
    logged = app_logs(caplog)
    assert "HTTP 500" in logged and "server_error" in logged
    code = parse_qs(urlsplit(location).query)["code"][0]
    assert code not in logged and CLIENT_SECRET not in logged


def test_a_wrong_client_secret_is_a_failed_exchange(home, fake, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("RELAIS_LINKEDIN_CLIENT_SECRET", "an-outdated-secret")
    with TestClient(consent_app(home)) as client:
        done, _ = consent(client, fake, invite(home, "A01"), ANN)
    assert done.status_code == 502 and stored_ids(home) == []
    assert "invalid_client" in app_logs(caplog) and "an-outdated-secret" not in app_logs(caplog)


def test_a_token_store_that_cannot_be_written_is_said_and_nothing_is_lost(home, fake, monkeypatch, caplog):
    caplog.set_level(logging.INFO)
    first_key, second_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("RELAIS_TOKEN_KEY", first_key)
    TokenStore(home.linkedin_tokens).set_member("A09", BOB, TOKENS[BOB])
    with TestClient(consent_app(home)) as client:
        monkeypatch.setenv("RELAIS_TOKEN_KEY", second_key)  # the key changed under the running page
        done, _ = consent(client, fake, invite(home, "A01"), ANN)
    assert done.status_code == 500 and "n'a pas pu enregistrer" in done.text
    logged = app_logs(caplog)
    assert str(home.linkedin_tokens) in logged and first_key not in logged and second_key not in logged
    monkeypatch.setenv("RELAIS_TOKEN_KEY", first_key)
    assert stored_ids(home) == ["A09"]


def test_one_linkedin_account_serves_one_agent(home, fake):
    with TestClient(consent_app(home)) as client:
        assert consent(client, fake, invite(home, "A01"), ANN)[0].status_code == 200
        taken, _ = consent(client, fake, invite(home, "A05"), ANN)
    assert taken.status_code == 409 and "déjà associé" in taken.text
    assert stored_ids(home) == ["A01"]


def test_the_consent_page_needs_a_client_id_and_a_secret(tmp_path, fake, monkeypatch):
    with pytest.raises(ConsentNotConfigured, match="linkedin_client_id is empty"):
        consent_app(make_home(tmp_path / "a", fake, linkedin_client_id=""))
    monkeypatch.delenv("RELAIS_LINKEDIN_CLIENT_SECRET")
    home = make_home(tmp_path / "b", fake)
    with pytest.raises(ConsentNotConfigured, match="RELAIS_LINKEDIN_CLIENT_SECRET") as error:
        consent_app(home)
    assert "linkedin_client_secret" in str(error.value)
    (home.root / "secrets").mkdir(exist_ok=True)
    (home.root / "secrets" / "linkedin_client_secret").write_text("secret-from-file\n", encoding="utf-8")
    assert consent_app(home) is not None
    TokenStore(home.linkedin_tokens).set_member("A01", ANN, TOKENS[ANN])
    monkeypatch.setenv("RELAIS_TOKEN_KEY", Fernet.generate_key().decode())
    with pytest.raises(ConsentNotConfigured, match="cannot be decrypted"):
        consent_app(home)


# ---------------------------------------------------------------- the command


def test_relais_consent_links_and_serve_refusals(tmp_path, monkeypatch, capsys):
    root = tmp_path / "home"
    root.mkdir()
    monkeypatch.setenv("RELAIS_HOME", str(root))
    assert relais_main(["consent", "links"]) == 1
    assert "no warehouse" in capsys.readouterr().err
    write_roster(root / "warehouse.duckdb")
    assert relais_main(["consent", "links", "--days", "7"]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split("\t") for line in lines[1:]]
    assert [row[:2] for row in rows] == [["A01", "Ann"], ["A05", "Dan"]]
    key = consent_key(root)
    for agent_id, _, link in rows:
        assert link.startswith("http://127.0.0.1:8765/consentement/")
        checked = check_invitation(key, link.rsplit("/", 1)[1], datetime.now(UTC))
        assert checked.agent_id == agent_id
        assert timedelta(days=6) < checked.expires_at - datetime.now(UTC) <= timedelta(days=7)

    assert relais_main(["consent", "serve"]) == 2
    assert "linkedin_client_id is empty" in capsys.readouterr().err
    (root / "relais.toml").write_text('linkedin_client_id = "abc123"\n', encoding="utf-8")
    monkeypatch.delenv("RELAIS_LINKEDIN_CLIENT_SECRET")
    assert relais_main(["consent", "serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "no LinkedIn client secret" in err and "RELAIS_LINKEDIN_CLIENT_SECRET" in err

    served = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.append((app, options)))
    monkeypatch.setenv("RELAIS_LINKEDIN_CLIENT_SECRET", CLIENT_SECRET)
    assert relais_main(["consent", "serve", "--host", "0.0.0.0", "--port", "9876"]) == 0
    printed = capsys.readouterr()
    assert "http://0.0.0.0:9876/" in printed.out
    assert "http://127.0.0.1:8765/linkedin/retour" in printed.out
    assert CLIENT_SECRET not in printed.out + printed.err
    assert served[0][1]["port"] == 9876 and served[0][1]["access_log"] is False
