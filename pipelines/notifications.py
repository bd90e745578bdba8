"""Failure notifications: a webhook POST and/or an e-mail when a Relais run fails.

The channels come from relais.toml (``notify_*`` keys, checked by ``relais.settings.Settings``) and
the environment: a webhook URL often carries a token, so ``RELAIS_NOTIFY_WEBHOOK_URL`` overrides
``notify_webhook_url``, and the SMTP login comes only from ``RELAIS_SMTP_USER`` /
``RELAIS_SMTP_PASSWORD``. No message, log line or error ever shows a secret: a webhook URL appears
only as its scheme and host.

The delivery functions know nothing of Dagster; the run failure sensor at the end ties them to the
runs of the code location.
"""

import os
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any
from urllib.parse import urlsplit

import httpx
from dagster import (
    DagsterEvent,
    DagsterRun,
    DefaultSensorStatus,
    RunFailureSensorContext,
    SensorDefinition,
    SkipReason,
    run_failure_sensor,
)

from relais.settings import Settings

WEBHOOK_ENV = "RELAIS_NOTIFY_WEBHOOK_URL"
SMTP_USER_ENV = "RELAIS_SMTP_USER"
SMTP_PASSWORD_ENV = "RELAIS_SMTP_PASSWORD"
IMPLICIT_TLS_PORT = 465
SMTP_TIMEOUT = 30.0
ERROR_LIMIT = 2000
SNIPPET_LIMIT = 200
SENSOR_NAME = "notify_on_run_failure"
NOT_CONFIGURED = (
    "No failure notification configured: set notify_webhook_url (or RELAIS_NOTIFY_WEBHOOK_URL), "
    "or notify_smtp_host and notify_smtp_to, in relais.toml."
)


class NotificationError(RuntimeError):
    """A notification could not be delivered; the message never carries a secret."""


@dataclass(frozen=True)
class NotifySettings:
    """Where failure notifications go; secrets are left out of the ``repr``."""

    organisation: str = "Relais"
    webhook_url: str = field(default="", repr=False)
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_starttls: bool = True
    smtp_from: str = "relais@localhost"
    smtp_to: tuple[str, ...] = ()
    smtp_user: str = field(default="", repr=False)
    smtp_password: str = field(default="", repr=False)
    ui_url: str = ""

    @property
    def channels(self) -> list[str]:
        """The configured channels: ``webhook`` with a URL, ``email`` with a host and recipients."""
        return [
            name
            for name, configured in (
                ("webhook", bool(self.webhook_url)),
                ("email", bool(self.smtp_host and self.smtp_to)),
            )
            if configured
        ]


def notify_settings(settings: Settings, environ: Mapping[str, str] | None = None) -> NotifySettings:
    """The notification channels from relais.toml settings and the environment (secrets)."""
    env = os.environ if environ is None else environ
    recipients = settings.notify_smtp_to.split(",")
    return NotifySettings(
        organisation=settings.organisation,
        webhook_url=(env.get(WEBHOOK_ENV) or settings.notify_webhook_url).strip(),
        smtp_host=settings.notify_smtp_host.strip(),
        smtp_port=settings.notify_smtp_port,
        smtp_starttls=settings.notify_smtp_starttls,
        smtp_from=settings.notify_smtp_from.strip(),
        smtp_to=tuple(address.strip() for address in recipients if address.strip()),
        smtp_user=env.get(SMTP_USER_ENV, ""),
        smtp_password=env.get(SMTP_PASSWORD_ENV, ""),
        ui_url=settings.notify_ui_url.strip(),
    )


def _one_line(text: str) -> str:
    """Text folded onto one line (for subjects and headers)."""
    return " ".join(text.split())


def failure_message(
    job_name: str, run_id: str, error_text: str, organisation: str, ui_url: str | None = None
) -> tuple[str, str, dict[str, str]]:
    """The subject, plain-text body and webhook JSON payload announcing a failed run.

    The payload's ``text`` field is what Slack, Mattermost and Teams incoming webhooks display; the
    other fields (job, run_id, error, organisation, and url when the Dagster UI's address is known)
    serve any other receiver.
    """
    link = f"{ui_url.rstrip('/')}/runs/{run_id}" if ui_url else None
    error = error_text.strip()[:ERROR_LIMIT] or "(no error message)"
    summary = f"Relais ({_one_line(organisation)}): run {run_id} of job {job_name} failed."
    subject = f"[Relais] {_one_line(organisation)}: job {job_name} failed"
    details = [f"Job: {job_name}", f"Run: {run_id}", f"Organisation: {organisation}"]
    if link:
        details.append(f"In the Dagster UI: {link}")
    body = "\n".join([summary, "", *details, "", "Error:", error, ""])
    text = "\n".join(part for part in (summary, error, link) if part)
    payload = {"text": text, "job": job_name, "run_id": run_id, "error": error, "organisation": organisation}
    if link:
        payload["url"] = link
    return subject, body, payload


def redact_url(url: str) -> str:
    """A URL reduced to its scheme and host, so that a token in its path or query never shows."""
    parts = urlsplit(url)
    if not parts.hostname:
        return "(webhook URL)"
    port = f":{parts.port}" if parts.port else ""
    rest = "/…" if parts.path.strip("/") or parts.query or parts.fragment else ""
    return f"{parts.scheme}://{parts.hostname}{port}{rest}"


def _scrub(text: str, *secrets: str) -> str:
    """Text with every given secret (and a URL's path and query) replaced by a placeholder."""
    for secret in secrets:
        if not secret:
            continue
        text = text.replace(secret, redact_url(secret) if "://" in secret else "***")
        parts = urlsplit(secret)
        for piece in (parts.path, parts.query):
            if len(piece.strip("/")) > 3:
                text = text.replace(piece, "…")
    return text


def send_webhook(url: str, payload: Mapping[str, Any], timeout: float = 10, retry_delay: float = 1.0) -> None:
    """POST the payload as JSON; retry once on a connection error or a 5xx answer.

    Raises NotificationError on any other failure, naming only the URL's scheme and host.
    """
    target = redact_url(url)
    for attempt in (1, 2):
        last = attempt == 2
        try:
            response = httpx.post(url, json=dict(payload), timeout=timeout)
        except (httpx.InvalidURL, httpx.UnsupportedProtocol):
            raise NotificationError(f"webhook {target}: not a valid http(s) URL") from None
        except httpx.TransportError as error:
            if last:
                reason = _scrub(f"{type(error).__name__}: {error}", url)
                raise NotificationError(f"webhook {target} unreachable ({reason})") from None
            time.sleep(retry_delay)
            continue
        if response.is_success:
            return
        if response.status_code >= 500 and not last:
            time.sleep(retry_delay)
            continue
        snippet = _scrub(_one_line(response.text)[:SNIPPET_LIMIT], url)
        raise NotificationError(f"webhook {target} answered HTTP {response.status_code}: {snippet}")


def email_message(settings: NotifySettings, subject: str, body: str) -> EmailMessage:
    """The e-mail to the configured recipients, plain text."""
    message = EmailMessage()
    message["Subject"] = _one_line(subject)
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(settings.smtp_to)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send_email(settings: NotifySettings, subject: str, body: str, timeout: float = SMTP_TIMEOUT) -> None:
    """Send the e-mail over SMTP: STARTTLS when configured (implicit TLS on port 465), login when set.

    The login happens only when both RELAIS_SMTP_USER and RELAIS_SMTP_PASSWORD are set. Raises
    NotificationError, without the password, when the server cannot be reached or refuses.
    """
    if not settings.smtp_host or not settings.smtp_to:
        raise NotificationError("e-mail: notify_smtp_host and notify_smtp_to must both be set")
    message = email_message(settings, subject, body)
    implicit_tls = settings.smtp_port == IMPLICIT_TLS_PORT
    try:
        if implicit_tls:
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        with smtp:
            if settings.smtp_starttls and not implicit_tls:
                smtp.starttls(context=ssl.create_default_context())
            if settings.smtp_user and settings.smtp_password:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        reason = _scrub(f"{type(error).__name__}: {error}", settings.smtp_password)
        raise NotificationError(
            f"e-mail via {settings.smtp_host}:{settings.smtp_port} failed ({reason})"
        ) from None


def _root_message(error: Any) -> str:
    """The message of the innermost cause of a Dagster serialisable error (the user's exception)."""
    while getattr(error, "cause", None) is not None:
        error = error.cause
    return str(getattr(error, "message", "") or "").strip()


def run_failure_text(event: DagsterEvent) -> str:
    """What went wrong, from a run failure event: its message and the first failed step's error."""
    lines = [event.message or "The run failed."]
    data = event.event_specific_data
    step_event = getattr(data, "first_step_failure_event", None)
    error = getattr(getattr(step_event, "event_specific_data", None), "error", None)
    error = error or getattr(data, "error", None)
    if error is not None:
        step = f"Step {step_event.step_key}: " if step_event is not None and step_event.step_key else ""
        lines.append(f"{step}{_root_message(error)}")
    return "\n".join(lines)


def deliver(settings: NotifySettings, subject: str, body: str, payload: Mapping[str, Any]) -> dict[str, str]:
    """Send to every configured channel; map each channel to ``"sent"`` or its (redacted) failure."""
    outcome: dict[str, str] = {}
    for channel in settings.channels:
        try:
            if channel == "webhook":
                send_webhook(settings.webhook_url, payload)
            else:
                send_email(settings, subject, body)
            outcome[channel] = "sent"
        except NotificationError as error:
            outcome[channel] = str(error)
        except Exception as error:
            reason = _scrub(f"{type(error).__name__}: {error}", settings.webhook_url, settings.smtp_password)
            outcome[channel] = reason
    return outcome


def build_failure_sensor(
    settings: Settings | None,
    environ: Mapping[str, str] | None = None,
    settings_of: Callable[[DagsterRun], Settings | None] | None = None,
) -> SensorDefinition:
    """The run failure sensor notifying every configured channel; settings bound from the home.

    The environment, which holds the secrets, is read at each evaluation (``environ`` replaces it
    in tests). In a deployment of many organisations, ``settings_of`` gives the settings of the
    failed run's organisation, so each is notified on its own channels.
    """

    @run_failure_sensor(
        name=SENSOR_NAME,
        default_status=DefaultSensorStatus.RUNNING,
        description=(
            "When a run of this code location fails, notify the webhook and/or e-mail recipients set "
            "in relais.toml (notify_*); does nothing while none is set."
        ),
    )
    def notify_on_run_failure(context: RunFailureSensorContext) -> SkipReason | None:
        """Build the failure message of the run and send it to every configured channel."""
        run_settings = settings_of(context.dagster_run) if settings_of is not None else settings
        if run_settings is None:
            context.log.info(NOT_CONFIGURED)
            return SkipReason(NOT_CONFIGURED)
        config = notify_settings(run_settings, environ)
        if not config.channels:
            context.log.info(NOT_CONFIGURED)
            return SkipReason(NOT_CONFIGURED)
        run = context.dagster_run
        subject, body, payload = failure_message(
            run.job_name,
            run.run_id,
            run_failure_text(context.failure_event),
            config.organisation,
            config.ui_url or None,
        )
        for channel, result in deliver(config, subject, body, payload).items():
            if result == "sent":
                context.log.info(f"Failure of run {run.run_id} ({run.job_name}) notified by {channel}")
            else:
                context.log.warning(
                    f"Could not notify the failure of run {run.run_id} by {channel}: {result}"
                )
        return None

    return notify_on_run_failure
