"""The settings of a Relais home (``relais.toml``) as one typed model, and their errors as one line each.

``Settings`` names every key the code reads with its type, its default and what it allows (the
field's description), in one place: the code receives the model and reads its fields, never a
default of its own. ``seeds/relais.toml`` lists every key but a few advanced ones (``ADVANCED_KEYS``),
with the model's defaults. A TOML syntax error, an unknown key, a wrong type or a bad value raises
``SettingsError``, whose message gives one line per problem: the file, the key's line, the value,
what is wrong and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from relais.skills.framework import FRAMEWORK_KINDS
from relais.sources.linkedin_api.client import DEFAULT_BASE_URL, check_base_url

SETTINGS_FILE = "relais.toml"
TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d{2})")
"""``"HH:MM"`` (also ``"6:00"``), read by ``clock``."""
LAST_REPORT_DAY = 28
API_VERSION = re.compile(r"20\d{2}(0[1-9]|1[0-2])")
"""``YYYYMM``, a version of LinkedIn's REST API."""
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MEMORY_SIZE = re.compile(
    r"\s*(\d+(?:\.\d+)?)\s*(b|bytes?|k|kb|kib|kilobytes?|m|mb|mib|megabytes?|g|gb|gib|gigabytes?"
    r"|t|tb|tib|terabytes?|%)\s*",
    re.IGNORECASE,
)
"""What DuckDB's ``memory_limit`` accepts: a size with a unit, or a percentage of the RAM."""
EMAIL = re.compile(r"[^@\s,]+@[^@\s,]+")
REPORT_LANGUAGES = ("fr", "en")
LINKEDIN_ORGANIZATION_PRODUCTS = ("community", "pages_portability")
"""How the institution's Page is read: Community Management API, or Pages Data Portability API (DMA)."""
EXAMPLE_TIMEZONE = "Europe/Paris"


class SettingsError(Exception):
    """Settings that cannot be used; the message is one line per problem, the first standing alone.

    ``path`` is the settings file and ``lines`` the problems, each naming the file, the line of the
    key when it was found, the value, what is wrong and what is allowed.
    """

    def __init__(self, path: Path, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.path = path
        self.lines = lines


class Invalid(ValueError):
    """A value a validator refuses: ``problem`` says what is wrong, ``allowed`` (when given) what to use.

    A check of the whole model names the ``key`` at fault and, for the line number when that key is
    not in the file, the key ``near`` which it is.
    """

    def __init__(
        self, problem: str, allowed: str | None = None, key: str | None = None, near: str | None = None
    ) -> None:
        super().__init__(problem)
        self.problem = problem
        self.allowed = allowed
        self.key = key
        self.near = near


# ---------------------------------------------------------------- value rules


def _timezone(value: str) -> str:
    """An IANA time zone ``ZoneInfo`` knows (schedules and report months use it); suggests a close name."""
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        close = difflib.get_close_matches(value, sorted(_zones()), n=1)
        raise Invalid(
            "is not a known time zone", f"an IANA name such as {close[0] if close else EXAMPLE_TIMEZONE}"
        ) from None
    return value


@cache
def _zones() -> frozenset[str]:
    """Every IANA time zone name, for suggestions."""
    return frozenset(available_timezones())


def clock(value: str) -> tuple[int, int]:
    """The (hour, minute) of an ``"HH:MM"`` time of day, or ``Invalid`` outside 00:00 to 23:59."""
    match = TIME_OF_DAY.fullmatch(value.strip())
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise Invalid("is not a time of day")
    return int(match[1]), int(match[2])


def _time_of_day(value: str) -> str:
    """``"HH:MM"`` from 00:00 to 23:59, kept as written (schedules read it with ``clock``)."""
    clock(value)
    return value


def _date(value: Any) -> Any:
    """A calendar date written ``"YYYY-MM-DD"`` (or a TOML date), as that text."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str):
        try:
            if ISO_DATE.fullmatch(value.strip()):
                return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise Invalid("is not a date of the calendar") from None
        raise Invalid("is not a date")
    return value


def _api_version(value: Any) -> Any:
    """A ``YYYYMM`` LinkedIn API version, text or number, as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and not API_VERSION.fullmatch(value):
        raise Invalid("is not a LinkedIn API version")
    return value


def _one_of(choices: tuple[str, ...], what: str, empty: str = "") -> Any:
    """A check that a value, in any case, is one of ``choices`` (``empty`` stands for ""), made lower case."""

    def check(value: str) -> str:
        chosen = value.strip().lower() or empty
        if chosen not in choices:
            raise Invalid(f"is not {what}")
        return chosen

    return check


def _framework_paths(value: Any) -> Any:
    """One path, or a list of paths (ESCO in several languages): no blank or repeated item in a list."""
    if not isinstance(value, str | list) or (
        isinstance(value, list) and not all(isinstance(item, str) for item in value)
    ):
        raise Invalid("is not a path in double quotes nor a list of them")
    if isinstance(value, list):
        paths = [item.strip() for item in value]
        if "" in paths:
            raise Invalid("holds an empty path")
        repeated = [item for index, item in enumerate(paths) if item in paths[:index]]
        if repeated:
            raise Invalid(f"lists {repeated[0]!r} twice")
    return value


def _not_true_or_false(value: Any) -> Any:
    """Any value but ``true`` or ``false`` (which a lax whole number would take for 1 and 0)."""
    if isinstance(value, bool):
        raise Invalid("is not a whole number")
    return value


def _memory(value: str) -> str:
    """A size DuckDB's ``memory_limit`` accepts: a number and a unit, or a percentage."""
    match = MEMORY_SIZE.fullmatch(value)
    if match is None:
        raise Invalid("is not a memory size")
    if match[2] == "%" and not 0 < float(match[1]) <= 100:
        raise Invalid("is not a share of the memory from 1% to 100%")
    return value


def _url(value: str) -> str:
    """An http(s) URL with a host, or ""."""
    parts = urlsplit(value.strip())
    if value.strip() and (
        parts.scheme not in ("http", "https") or not parts.hostname or " " in value.strip()
    ):
        raise Invalid("is not an http(s) URL")
    return value


def _base_url(value: str) -> str:
    """The LinkedIn API base URL: https, or http to this machine (``check_base_url``)."""
    try:
        check_base_url(value)
    except ValueError:
        raise Invalid("is not an https URL") from None
    return value


def _address(value: str) -> str:
    """An e-mail address, or ""."""
    if value.strip() and not EMAIL.fullmatch(value.strip()):
        raise Invalid("is not an e-mail address")
    return value


def _addresses(value: str) -> str:
    """Comma-separated e-mail addresses (empty items ignored)."""
    bad = [a.strip() for a in value.split(",") if a.strip() and not EMAIL.fullmatch(a.strip())]
    if bad:
        raise Invalid(f"holds {bad[0]!r}, which is not an e-mail address")
    return value


def _at_least(minimum: float) -> Any:
    """A check that a number is ``minimum`` or more."""

    def check(value: float) -> float:
        if value < minimum:
            raise Invalid(f"is less than {minimum}")
        return value

    return check


def _more_than(minimum: float) -> Any:
    """A check that a number is more than ``minimum``."""

    def check(value: float) -> float:
        if value <= minimum:
            raise Invalid(f"is not more than {minimum}")
        return value

    return check


def _between(low: float, high: float) -> Any:
    """A check that a number is from ``low`` to ``high``."""

    def check(value: float) -> float:
        if not low <= value <= high:
            raise Invalid(f"is not from {low} to {high}")
        return value

    return check


Number = int | float
NonNegative = Annotated[Number, AfterValidator(_at_least(0))]
Count = Annotated[int, AfterValidator(_at_least(0))]
Positive = Annotated[int, AfterValidator(_at_least(1))]
Time = Annotated[str, AfterValidator(_time_of_day)]
Day = Annotated[str, BeforeValidator(_date)]
Url = Annotated[str, AfterValidator(_url)]

TIME = 'a time of day written "HH:MM", from "00:00" to "23:59"'
DATE = 'a date written "YYYY-MM-DD", such as "2025-01-01"'
WEIGHT = "a number of 0 or more, such as 0.25"


# ---------------------------------------------------------------- the model


class Settings(BaseModel):
    """Every setting of a home's ``relais.toml``: type, default (as in ``seeds/relais.toml``), rule.

    Each field's description says what it allows, completing error messages. Types are strict (a
    number is not text, ``true`` is not 1), except where the code always accepted text
    (``notify_smtp_port``, ``notify_smtp_starttls``); unknown keys are errors. Build one with
    ``validate_settings`` (a file's values) or ``Settings(key=value, ...)``; ``Settings()`` holds the
    defaults. A model is frozen: ``model_copy(update=...)`` makes a changed copy (unchecked).
    """

    model_config = ConfigDict(strict=True, extra="forbid", validate_default=True, frozen=True)

    organisation: str = Field(
        "Ville de Val-d'Aurore (démo)", description='any text, such as "Ville de Relais"'
    )
    timezone: Annotated[str, AfterValidator(_timezone)] = Field(
        "Europe/Paris", description=f"an IANA name such as {EXAMPLE_TIMEZONE}"
    )
    linkedin_api_version: Annotated[str, BeforeValidator(_api_version)] = Field(
        "202610", description='a month written "YYYYMM", such as "202610"'
    )
    linkedin_request_budget: Positive = Field(2000, description="a whole number of 1 or more, such as 2000")
    linkedin_backfill_days: Positive = Field(30, description="a whole number of days, 1 or more, such as 30")
    linkedin_partitions_start: Day = Field("2025-01-01", description=DATE)
    linkedin_organization_product: Annotated[
        str, AfterValidator(_one_of(LINKEDIN_ORGANIZATION_PRODUCTS, "a LinkedIn product for the Page"))
    ] = Field("community", description='"community" or "pages_portability"')
    linkedin_client_id: str = Field(
        "", description='the Client ID of the organisation\'s LinkedIn application, such as "86ab12cd34ef56"'
    )
    consent_public_url: str = Field(
        "http://127.0.0.1:8765/",
        description='the address ambassadors open for the consent page, such as "https://relais.ville.fr/"',
    )
    portability_snapshot_refresh_days: Positive = Field(
        30, description="a whole number of days, 1 or more, such as 30"
    )
    emv_currency: str = Field("EUR", description='a currency code such as "EUR"')
    emv_cpm: NonNegative = Field(12.0, description="a number of 0 or more, such as 12.0")
    emv_cpc: NonNegative = Field(1.5, description="a number of 0 or more, such as 1.5")
    score_weight_activity: NonNegative = Field(0.25, description=WEIGHT)
    score_weight_reach: NonNegative = Field(0.25, description=WEIGHT)
    score_weight_engagement: NonNegative = Field(0.20, description=WEIGHT)
    score_weight_amplification: NonNegative = Field(0.20, description=WEIGHT)
    score_weight_consistency: NonNegative = Field(0.10, description=WEIGHT)
    tier_champion_score: Annotated[Number, AfterValidator(_between(0, 100))] = Field(
        75, description="a score from 0 to 100, such as 75"
    )
    lapsed_after_months: Count = Field(3, description="a whole number of months, 0 or more, such as 3")
    warehouse_memory_limit: Annotated[str, AfterValidator(_memory)] = Field(
        "2GB", description='a size such as "2GB", "512MB" or "4GiB", or a share of the memory such as "50%"'
    )
    parse_workers: Count = Field(0, description="0 (one per CPU) or a whole number of processes")
    skills_framework: Annotated[
        str, AfterValidator(_one_of(FRAMEWORK_KINDS, "a skills framework Relais reads", empty="relais"))
    ] = Field("relais", description=" or ".join(f'"{kind}"' for kind in FRAMEWORK_KINDS))
    skills_framework_path: Annotated[str | list[str], BeforeValidator(_framework_paths)] = Field(
        "",
        description="the path of the framework's CSV file, a list of ESCO files such as "
        '["/data/skills_fr.csv", "/data/skills_en.csv"], or ""',
    )
    report_language: Annotated[
        str, AfterValidator(_one_of(REPORT_LANGUAGES, "a language of the reports"))
    ] = Field("fr", description=" or ".join(f'"{language}"' for language in REPORT_LANGUAGES))
    anonymity_threshold: Count = Field(5, description="a whole number of people, 0 or more, such as 5")
    report_partitions_start: Day = Field("2025-01-01", description=DATE)
    daily_refresh_time: Time = Field("06:00", description=TIME)
    monthly_report_day: Annotated[int, AfterValidator(_between(1, LAST_REPORT_DAY))] = Field(
        2, description=f"a day of the month from 1 to {LAST_REPORT_DAY}"
    )
    monthly_report_time: Time = Field("07:00", description=TIME)
    notify_webhook_url: Url = Field("", description='an http(s) URL, or "" for none')
    notify_smtp_host: str = Field("", description='a host name such as "smtp.example.org", or "" for none')
    notify_smtp_port: Annotated[
        int, BeforeValidator(_not_true_or_false), AfterValidator(_between(1, 65535))
    ] = Field(587, strict=False, description="a port number from 1 to 65535, such as 587")
    notify_smtp_starttls: bool = Field(True, strict=False, description="true or false")
    notify_smtp_from: Annotated[str, AfterValidator(_address)] = Field(
        "relais@localhost", description='an e-mail address such as "relais@example.org"'
    )
    notify_smtp_to: Annotated[str, AfterValidator(_addresses)] = Field(
        "", description='comma-separated e-mail addresses such as "a@example.org, b@example.org", or ""'
    )
    notify_ui_url: Url = Field(
        "", description='the Dagster UI\'s address such as "http://localhost:3000", or ""'
    )
    inbox_retention_days: Count = Field(0, description="0 (keep the files) or a whole number of days")
    full_refresh: bool = Field(False, description="true or false")
    writer_wait_minutes: NonNegative = Field(60, description="a number of minutes, 0 or more, such as 60")
    network_opt_in: bool = Field(False, description="true or false")

    # Advanced keys (ADVANCED_KEYS): the quality checks' thresholds and how the LinkedIn connector
    # calls the API; seeds/relais.toml leaves them out.
    freshness_max_days: Count = Field(45, description="a whole number of days, 0 or more, such as 45")
    anomaly_drop_share: Annotated[Number, AfterValidator(_between(0, 1))] = Field(
        0.5, description="a share from 0 to 1, such as 0.5"
    )
    linkedin_api_base_url: Annotated[str, AfterValidator(_base_url)] = Field(
        DEFAULT_BASE_URL, description='an https URL such as "https://api.linkedin.com/rest/"'
    )
    linkedin_timeout_seconds: Annotated[Number, AfterValidator(_more_than(0))] = Field(
        20.0, description="a number of seconds more than 0, such as 20.0"
    )
    linkedin_max_attempts: Positive = Field(5, description="a whole number of 1 or more, such as 5")
    linkedin_page_size: Positive = Field(50, description="a whole number of 1 or more, such as 50")
    linkedin_days_per_call: Positive = Field(30, description="a whole number of 1 or more, such as 30")
    linkedin_oauth_base_url: Annotated[str, AfterValidator(_base_url)] = Field(
        "https://www.linkedin.com/oauth/v2/",
        description='an https URL such as "https://www.linkedin.com/oauth/v2/"',
    )
    linkedin_portability_version: Annotated[str, BeforeValidator(_api_version)] = Field(
        "202312", description='a month written "YYYYMM", such as "202312"'
    )
    consent_pkce: bool = Field(True, description="true or false")

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        weights = [k for k in type(self).model_fields if k.startswith("score_weight_")]
        if not any(getattr(self, k) > 0 for k in weights):
            raise Invalid(
                "is 0 like every score_weight_*", "at least one score weight more than 0", key=weights[0]
            )
        framework_path = self.skills_framework_path
        paths = [framework_path] if isinstance(framework_path, str) else framework_path
        paths = [path for path in paths if path.strip()]
        if self.skills_framework != "relais" and not paths:
            raise Invalid(
                f'is empty while skills_framework = "{self.skills_framework}"',
                f"the path of the downloaded {self.skills_framework.upper()} CSV file",
                key="skills_framework_path",
                near="skills_framework",
            )
        if self.skills_framework != "esco" and len(paths) > 1:
            raise Invalid(
                f'lists {len(paths)} files while skills_framework = "{self.skills_framework}"',
                'one path: only "esco" merges several files (one per language)',
                key="skills_framework_path",
                near="skills_framework",
            )
        return self


ADVANCED_KEYS = frozenset(
    {
        "freshness_max_days",
        "anomaly_drop_share",
        "linkedin_api_base_url",
        "linkedin_timeout_seconds",
        "linkedin_max_attempts",
        "linkedin_page_size",
        "linkedin_days_per_call",
        "linkedin_oauth_base_url",
        "linkedin_portability_version",
        "consent_pkce",
    }
)
"""Keys the model accepts, with their defaults, that ``seeds/relais.toml`` does not list."""


# ---------------------------------------------------------------- reading and reporting


@dataclass(frozen=True)
class Problem:
    """One problem of a settings file: the line it was found on (when known) and what it is."""

    line: int | None
    text: str

    def render(self, path: Path) -> str:
        """The problem as one line naming the file (and the line)."""
        where = f"{path}, line {self.line}" if self.line else str(path)
        return f"{where}: {self.text}"


def read_settings_file(path: Path) -> tuple[dict[str, Any], str]:
    """The key/value pairs of a TOML settings file and its text, or ``SettingsError`` in one line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise SettingsError(
            path, [f"{path}: is not UTF-8 text (byte {error.start}): save it as UTF-8"]
        ) from None
    except OSError as error:
        raise SettingsError(path, [f"{path}: cannot be read ({error.strerror or error})"]) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(path, [_toml_problem(str(error)).render(path)]) from None


def _toml_problem(message: str) -> Problem:
    match = re.fullmatch(r"(.*) \(at line (\d+), column \d+\)", message)
    if match:
        return Problem(int(match[2]), f"invalid TOML: {match[1]}")
    return Problem(None, f"invalid TOML: {message}")


def validate_settings(values: Mapping[str, Any], path: Path, text: str = "") -> Settings:
    """The model of ``values`` read from ``path`` (whose ``text`` locates keys), or ``SettingsError``."""
    try:
        return Settings.model_validate(dict(values))
    except ValidationError as error:
        problems = _problems(error, values, text)
    ordered = sorted(problems, key=lambda p: (p.line is None, p.line or 0))
    raise SettingsError(path, [p.render(path) for p in ordered]) from None


def load_settings_file(path: Path) -> Settings:
    """The settings of a ``relais.toml``, checked, defaults for missing keys (all of them, with no file)."""
    values, text = read_settings_file(path) if path.exists() else ({}, "")
    return validate_settings(values, path, text)


def _problems(error: ValidationError, values: Mapping[str, Any], text: str) -> list[Problem]:
    """One problem per key (all of its errors together), in the order pydantic found them."""
    grouped: dict[str, list[tuple[str, object]]] = {}
    lines: dict[str, int | None] = {}
    for detail in error.errors():
        cause = (detail.get("ctx") or {}).get("error")
        loc = detail["loc"]
        key = cause.key if isinstance(cause, Invalid) and cause.key else str(loc[0]) if loc else ""
        grouped.setdefault(key, []).append((str(detail["type"]), cause))
        near = cause.near if isinstance(cause, Invalid) and cause.near else None
        lines.setdefault(key, key_line(text, key) or (key_line(text, near) if near else None))
    return [Problem(lines[key], _describe(key, found, values)) for key, found in grouped.items()]


def _describe(key: str, found: list[tuple[str, object]], values: Mapping[str, Any]) -> str:
    """What is wrong with ``key`` (its errors ``found``: pydantic's types, our ``Invalid``), what to use."""
    field = Settings.model_fields.get(key)
    if field is None and isinstance(values.get(key), dict):
        return f"[{key}] is not a setting: write settings as key = value lines, before any [table]"
    if field is None:
        close = difflib.get_close_matches(key, list(Settings.model_fields), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ": the settings are listed in seeds/relais.toml"
        return f"{key} is not a setting{hint}"
    allowed = field.description or "another value"
    causes = [cause for _, cause in found if isinstance(cause, Invalid)]
    if causes:
        problem, allowed = causes[0].problem, causes[0].allowed or allowed
    else:
        problem = _pydantic_problem([kind for kind, _ in found])
    shown = toml_value(values.get(key, field.default))
    return f"{key} = {shown} {problem}: use {allowed}"


def _pydantic_problem(kinds: list[str]) -> str:
    """What pydantic's error types say, in words (an int-or-float union fails as both)."""
    if any(kind.startswith("float") for kind in kinds):
        return "is not a number"
    for prefix, problem in (
        ("int", "is not a whole number"),
        ("bool", "is not true or false"),
        ("string", "is not text in double quotes"),
    ):
        if any(kind.startswith(prefix) for kind in kinds):
            return problem
    return "is not allowed"


def key_line(text: str, key: str) -> int | None:
    """The line of ``key = ...`` at the top level of TOML ``text`` (before any table), or of ``[key]``."""
    name = re.escape(key)
    assignment = re.compile(rf"\s*(?:{name}|\"{name}\"|'{name}')\s*=")
    table = re.compile(rf"\s*\[+\s*(?:{name}|\"{name}\"|'{name}')\s*[\].]")
    top_level = True
    for number, line in enumerate(text.splitlines(), start=1):
        if table.match(line):
            return number
        top_level = top_level and not line.lstrip().startswith("[")
        if top_level and assignment.match(line):
            return number
    return None


def toml_value(value: Any) -> str:
    """A value as TOML would write it (strings in double quotes), cut short when long."""
    if isinstance(value, bool):
        shown = "true" if value else "false"
    elif isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, int | float):
        shown = repr(value)
    elif isinstance(value, dt.date | dt.time):
        shown = value.isoformat()
    else:
        shown = json.dumps(value, ensure_ascii=False, default=str)
    return shown if len(shown) <= 80 else shown[:77] + "..."
