"""Failure notifications: a webhook and an e-mail, against local servers on 127.0.0.1 only."""

import json
import socket
import threading
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from dagster import DagsterInstance, SkipReason, build_run_status_sensor_context, job, op

from pipelines.notifications import (
    NotificationError,
    NotifySettings,
    build_failure_sensor,
    failure_message,
    notify_settings,
    redact_url,
    send_email,
    send_webhook,
)
from relais.settings import Settings

TOKEN = "T0KEN-s3cr3t-abcdef"


class Webhook:
    """A webhook receiver: records each JSON body and answers the queued statuses, then 200."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                receiver.received.append(json.loads(self.rfile.read(length)))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 400 else b"no such hook")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def url(self) -> str:
        """The hook's URL, with a secret token in its path and query as real ones have."""
        return f"http://127.0.0.1:{self.server.server_port}/hooks/{TOKEN}?token={TOKEN}"


class Mailbox:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list = []
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def webhook():
    hook = Webhook()
    hook.thread.start()
    try:
        yield hook
    finally:
        hook.server.shutdown()
        hook.server.server_close()


@pytest.fixture
def smtp():
    """A local SMTP server (no TLS) accepting any login; yields its mailbox and port."""
    mailbox = Mailbox()
    logins: list[str] = []

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        logins.append(auth_data.login.decode())
        return AuthResult(success=auth_data.password == b"right-password", handled=False)

    controller = Controller(
        mailbox, hostname="127.0.0.1", port=_free_port(), authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    mailbox.port = controller.port
    mailbox.logins = logins
    try:
        yield mailbox
    finally:
        controller.stop()


def _mail_settings(port: int, **extra) -> NotifySettings:
    return NotifySettings(
        organisation="Val-d'Aurore",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="relais@example.org",
        smtp_to=("ops@example.org", "data@example.org"),
        **extra,
    )


def test_failure_message_fields():
    subject, body, payload = failure_message(
        "refresh", "run-123", "RuntimeError: locked\nmore", "Ville", ui_url="http://dagster:3000/"
    )
    assert subject == "[Relais] Ville: job refresh failed"
    assert "run-123" in body and "refresh" in body and "RuntimeError: locked" in body
    assert payload["job"] == "refresh" and payload["run_id"] == "run-123"
    assert payload["organisation"] == "Ville" and payload["error"] == "RuntimeError: locked\nmore"
    assert payload["url"] == "http://dagster:3000/runs/run-123"
    assert "run-123" in payload["text"] and payload["url"] in payload["text"]


def test_settings_from_toml_and_environment():
    settings = Settings(notify_webhook_url="https://from.toml/x", notify_smtp_to=" a@x.org, ,b@x.org ")
    env = {"RELAIS_NOTIFY_WEBHOOK_URL": f"https://hooks.example.org/{TOKEN}", "RELAIS_SMTP_PASSWORD": TOKEN}
    config = notify_settings(settings, env)
    assert config.webhook_url.endswith(TOKEN) and config.smtp_to == ("a@x.org", "b@x.org")
    assert config.channels == ["webhook"], "no SMTP host: no e-mail"
    assert TOKEN not in repr(config)
    assert redact_url(config.webhook_url) == "https://hooks.example.org/…"
    assert notify_settings(settings, {}).webhook_url == "https://from.toml/x", (
        "relais.toml without the variable"
    )
    assert (config.smtp_port, config.smtp_starttls, config.smtp_from) == (587, True, "relais@localhost")


def test_webhook_receives_the_payload(webhook):
    send_webhook(webhook.url, {"text": "hello", "job": "refresh"})
    assert webhook.received == [{"text": "hello", "job": "refresh"}]


def test_webhook_retries_once_after_a_server_error(webhook):
    webhook.statuses = [500]
    send_webhook(webhook.url, {"text": "hello"}, retry_delay=0)
    assert len(webhook.received) == 2


def test_webhook_error_is_clear_and_hides_the_token(webhook):
    webhook.statuses = [404]
    with pytest.raises(NotificationError) as raised:
        send_webhook(webhook.url, {"text": "hello"}, retry_delay=0)
    message = str(raised.value)
    assert "404" in message and "127.0.0.1" in message
    assert TOKEN not in message and "hooks" not in message
    assert len(webhook.received) == 1, "a 4xx is not retried"


def test_unreachable_webhook_hides_the_token():
    url = f"http://127.0.0.1:{_free_port()}/hooks/{TOKEN}"
    with pytest.raises(NotificationError, match="unreachable") as raised:
        send_webhook(url, {"text": "hello"}, timeout=2, retry_delay=0)
    assert TOKEN not in str(raised.value)


def test_email_reaches_every_recipient(smtp):
    send_email(_mail_settings(smtp.port), "[Relais] job refresh failed", "Job: refresh\nRun: run-123\n")
    (message,) = smtp.messages
    assert message["Subject"] == "[Relais] job refresh failed"
    assert message["From"] == "relais@example.org"
    assert sorted(smtp.envelopes[0].rcpt_tos) == ["data@example.org", "ops@example.org"]
    assert "run-123" in message.get_content()
    assert smtp.logins == [], "no credentials in the environment: no login"


def test_email_logs_in_with_credentials_and_hides_the_password(smtp):
    send_email(_mail_settings(smtp.port, smtp_user="relais", smtp_password="right-password"), "s", "b")
    assert smtp.logins == ["relais"] and len(smtp.messages) == 1
    with pytest.raises(NotificationError) as raised:
        send_email(_mail_settings(smtp.port, smtp_user="relais", smtp_password=TOKEN), "s", "b")
    assert "127.0.0.1" in str(raised.value) and TOKEN not in str(raised.value)


@op
def boom() -> None:
    raise RuntimeError("the warehouse is locked")


@job
def failing() -> None:
    boom()


def _evaluate(sensor, instance: DagsterInstance):
    """Run the failing job on ``instance`` and evaluate the failure sensor on its failure."""
    result = failing.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    context = build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
    )
    return result.dagster_run.run_id, sensor(context)


def test_run_failure_is_notified_on_every_channel(webhook, smtp):
    settings = Settings(
        organisation="Val-d'Aurore",
        notify_smtp_host="127.0.0.1",
        notify_smtp_port=smtp.port,
        notify_smtp_starttls=False,
        notify_smtp_to="ops@example.org",
    )
    sensor = build_failure_sensor(settings, environ={"RELAIS_NOTIFY_WEBHOOK_URL": webhook.url})
    assert sensor.name == "notify_on_run_failure"
    with DagsterInstance.ephemeral() as instance:
        run_id, outcome = _evaluate(sensor, instance)
    assert outcome is None
    (payload,) = webhook.received
    assert payload["job"] == "failing" and payload["run_id"] == run_id
    assert payload["organisation"] == "Val-d'Aurore"
    assert "the warehouse is locked" in payload["error"] and "boom" in payload["error"]
    (message,) = smtp.messages
    assert "failing" in message["Subject"]
    assert run_id in message.get_content() and "the warehouse is locked" in message.get_content()


def test_a_failing_channel_does_not_stop_the_other(webhook, smtp):
    webhook.statuses = [404]
    settings = Settings(
        notify_smtp_host="127.0.0.1",
        notify_smtp_port=smtp.port,
        notify_smtp_starttls=False,
        notify_smtp_to="ops@example.org",
        notify_webhook_url=webhook.url,
    )
    with DagsterInstance.ephemeral() as instance:
        _, outcome = _evaluate(build_failure_sensor(settings, environ={}), instance)
    assert outcome is None and len(webhook.received) == 1 and len(smtp.messages) == 1


def test_nothing_configured_sends_nothing(webhook, smtp):
    with DagsterInstance.ephemeral() as instance:
        _, outcome = _evaluate(
            build_failure_sensor(Settings(notify_smtp_port=smtp.port), environ={}), instance
        )
    assert isinstance(outcome, SkipReason) and "No failure notification configured" in outcome.skip_message
    assert webhook.received == [] and smtp.messages == []


def test_a_run_found_dead_is_marked_failed_and_notified(webhook, tmp_path):
    """A run whose process died holds nothing; the next run marks it failed, and the sensor tells."""
    from dagster import DagsterEventType, DagsterRun, DagsterRunStatus, asset, materialize
    from dagster_duckdb import DuckDBResource

    from pipelines.resources import build_resources
    from pipelines.settings import load_home
    from relais.warehouse.writer_lock import Holder, _write_holder

    @asset
    def touches_the_warehouse(warehouse: DuckDBResource) -> None:
        with warehouse.get_connection() as con:
            con.execute("SELECT 1").fetchall()

    home = load_home(tmp_path / "home")
    with DagsterInstance.ephemeral() as instance:
        dead = DagsterRun(job_name="__ASSET_JOB", run_id="dead0000-run", status=DagsterRunStatus.STARTED)
        instance.add_run(dead)
        (home.root / "state").mkdir(parents=True, exist_ok=True)
        _write_holder(
            home.root / "state",
            Holder("dead0000-run", 999999, "host", "2026-12-01T06:00:00+00:00", "linkedin_archives"),
        )
        assert materialize(
            [touches_the_warehouse], resources=build_resources(home), instance=instance
        ).success
        assert instance.get_run_by_id("dead0000-run").status == DagsterRunStatus.FAILURE
        (failure,) = instance.all_logs("dead0000-run", of_type=DagsterEventType.PIPELINE_FAILURE)
        sensor = build_failure_sensor(Settings(), environ={"RELAIS_NOTIFY_WEBHOOK_URL": webhook.url})
        context = build_run_status_sensor_context(
            sensor_name=sensor.name,
            dagster_instance=instance,
            dagster_run=instance.get_run_by_id("dead0000-run"),
            dagster_event=failure.dagster_event,
        )
        assert sensor(context) is None
    (payload,) = webhook.received
    assert payload["run_id"] == "dead0000-run"
    assert "died during step linkedin_archives" in payload["error"]


def test_in_a_deployment_each_organisation_is_notified_on_its_own_channel(webhook):
    """The failed run's organisation (its partition) chooses the settings, hence the webhook."""
    by_organisation = {"ville-a": Settings(organisation="Ville A", notify_webhook_url=webhook.url)}
    sensor = build_failure_sensor(
        None, environ={}, settings_of=lambda run: by_organisation.get(run.tags.get("dagster/partition"))
    )
    with DagsterInstance.ephemeral() as instance:
        for partition in ("ville-a", "ville-b"):
            result = failing.execute_in_process(
                instance=instance, raise_on_error=False, tags={"dagster/partition": partition}
            )
            context = build_run_status_sensor_context(
                sensor_name=sensor.name,
                dagster_instance=instance,
                dagster_run=result.dagster_run,
                dagster_event=result.get_run_failure_event(),
            )
            outcome = sensor(context)
            assert (outcome is None) == (partition == "ville-a")
    (payload,) = webhook.received
    assert payload["organisation"] == "Ville A"
