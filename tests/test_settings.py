"""Settings: one typed model for relais.toml, defaults equal to seeds/relais.toml, errors in one line."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipelines.settings import DEFAULT_SETTINGS, load_home, load_settings
from relais.settings import ADVANCED_KEYS, Settings, SettingsError, key_line


def _home(tmp_path: Path, text: str) -> Path:
    """A home folder whose relais.toml holds ``text``."""
    (tmp_path / "relais.toml").write_text(text, encoding="utf-8")
    return tmp_path


def _error(tmp_path: Path, text: str) -> str:
    """The message of the SettingsError a relais.toml holding ``text`` raises."""
    with pytest.raises(SettingsError) as raised:
        load_settings(_home(tmp_path, text))
    return str(raised.value)


def test_seeds_parse_into_the_model_and_load_unchanged(tmp_path):
    seeds = tomllib.loads(DEFAULT_SETTINGS.read_text(encoding="utf-8"))
    assert load_settings(tmp_path) == Settings() == Settings.model_validate(seeds), "no relais.toml: defaults"
    loaded = load_settings(_home(tmp_path, DEFAULT_SETTINGS.read_text(encoding="utf-8")))
    assert isinstance(loaded, Settings) and loaded.model_dump(include=set(seeds)) == seeds
    assert {k: type(getattr(loaded, k)) for k in seeds} == {k: type(v) for k, v in seeds.items()}


def test_every_setting_is_in_the_seeds_with_the_models_default():
    seeds = tomllib.loads(DEFAULT_SETTINGS.read_text(encoding="utf-8"))
    fields = Settings.model_fields
    assert set(seeds) == set(fields) - ADVANCED_KEYS
    for key in seeds:
        assert seeds[key] == fields[key].default, key
        assert type(seeds[key]) is type(fields[key].default), key
    assert all(field.description for field in fields.values())
    assert all(field.default is not None for field in fields.values()), "every default lives in the model"
    assert {
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
    } == ADVANCED_KEYS


def test_valid_values_keep_their_meaning(tmp_path):
    settings = load_settings(
        _home(
            tmp_path,
            'timezone = "America/Montreal"\n'
            "report_partitions_start = 2024-06-01\n"  # a TOML date
            "linkedin_api_version = 202611\n"  # a number, as ApiSettings.from_settings accepts
            'notify_smtp_port = "2525"\n'
            'notify_smtp_starttls = "no"\n'
            'daily_refresh_time = "6:30"\n'
            "emv_cpm = 10\n"
            'report_language = "EN"\n'
            'skills_framework = ""\n'
            'warehouse_memory_limit = "512MB"\n'
            "freshness_max_days = 1\n"
            'linkedin_api_base_url = "http://127.0.0.1:8000/rest/"\n',
        )
    )
    assert settings.timezone == "America/Montreal"
    assert settings.report_partitions_start == "2024-06-01"
    assert settings.linkedin_api_version == "202611"
    assert (settings.notify_smtp_port, settings.notify_smtp_starttls) == (2525, False)
    assert settings.daily_refresh_time == "6:30" and settings.emv_cpm == 10
    assert (settings.report_language, settings.skills_framework) == ("en", "relais")
    assert settings.freshness_max_days == 1
    assert settings.linkedin_api_base_url == "http://127.0.0.1:8000/rest/"
    assert settings.linkedin_page_size == 50, "an advanced key left unset has the model's default"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'organisation = "x"\n\nemv_cpm "abc"\n',
            "line 3: invalid TOML: Expected '=' after a key in a key/value pair",
        ),
        ('# zone\n\ntimzone = "Europe/Paris"\n', "line 3: timzone is not a setting (did you mean timezone?)"),
        ("colour = 1\n", "line 1: colour is not a setting: the settings are listed in seeds/relais.toml"),
        ("[notify]\nsmtp_host = 1\n", "line 1: [notify] is not a setting: write settings as key = value"),
        (
            'timezone = "Europe/Pari"\n',
            'line 1: timezone = "Europe/Pari" is not a known time zone: use an IANA name such as Europe/Paris',
        ),
        ('emv_cpm = "abc"\n', 'line 1: emv_cpm = "abc" is not a number: use a number of 0 or more'),
        ("emv_cpc = -1.5\n", "line 1: emv_cpc = -1.5 is less than 0: use a number of 0 or more"),
        ("parse_workers = true\n", "line 1: parse_workers = true is not a whole number: use 0 (one per CPU)"),
        ("anonymity_threshold = 2.5\n", "anonymity_threshold = 2.5 is not a whole number"),
        ("full_refresh = 1\n", "line 1: full_refresh = 1 is not true or false: use true or false"),
        ("organisation = 12\n", "organisation = 12 is not text in double quotes"),
        (
            'daily_refresh_time = "25:00"\n',
            'daily_refresh_time = "25:00" is not a time of day: use a time of day written "HH:MM"',
        ),
        ("monthly_report_day = 31\n", "monthly_report_day = 31 is not from 1 to 28: use a day of the month"),
        (
            'report_partitions_start = "2025-02-30"\n',
            'report_partitions_start = "2025-02-30" is not a date of the calendar: use a date written "YYYY-MM-DD"',
        ),
        ('linkedin_partitions_start = "01/01/2025"\n', "is not a date: use a date written"),
        ('linkedin_api_version = "2026-10"\n', 'is not a LinkedIn API version: use a month written "YYYYMM"'),
        (
            'report_language = "de"\n',
            'report_language = "de" is not a language of the reports: use "fr" or "en"',
        ),
        ('skills_framework = "onet"\n', 'use "relais" or "esco" or "rome"'),
        ('warehouse_memory_limit = "2 giga"\n', 'is not a memory size: use a size such as "2GB", "512MB"'),
        ('notify_webhook_url = "hooks.example.org/x"\n', "is not an http(s) URL"),
        ('notify_smtp_to = "a@example.org, bob"\n', "holds 'bob', which is not an e-mail address"),
        ("notify_smtp_port = 70000\n", "notify_smtp_port = 70000 is not from 1 to 65535"),
        ('notify_smtp_port = "smtp"\n', 'notify_smtp_port = "smtp" is not a whole number: use a port'),
        ("notify_smtp_port = true\n", "notify_smtp_port = true is not a whole number: use a port"),
        ('notify_smtp_starttls = "maybe"\n', 'notify_smtp_starttls = "maybe" is not true or false'),
        ('daily_refresh_time = "6h30"\n', 'daily_refresh_time = "6h30" is not a time of day'),
        ("monthly_report_time = 700\n", "monthly_report_time = 700 is not text in double quotes"),
        ('monthly_report_day = "2"\n', 'monthly_report_day = "2" is not a whole number'),
        ("freshness_max_days = -1\n", "freshness_max_days = -1 is less than 0"),
        ("anomaly_drop_share = 1.5\n", "anomaly_drop_share = 1.5 is not from 0 to 1"),
        ("linkedin_page_size = 0\n", "linkedin_page_size = 0 is less than 1"),
        ("linkedin_timeout_seconds = 0\n", "linkedin_timeout_seconds = 0 is not more than 0"),
        ('linkedin_api_base_url = "http://api.example.org/"\n', "is not an https URL"),
        ("tier_champion_score = 120\n", "tier_champion_score = 120 is not from 0 to 100"),
        (
            'organisation = "x"\nskills_framework = "esco"\n',
            'line 2: skills_framework_path = "" is empty while skills_framework = "esco": use the path',
        ),
        (
            "".join(
                f"score_weight_{w} = 0\n"
                for w in ("activity", "reach", "engagement", "amplification", "consistency")
            ),
            "line 1: score_weight_activity = 0 is 0 like every score_weight_*: use at least one",
        ),
    ],
)
def test_each_error_is_one_line_naming_the_file_the_key_and_what_is_allowed(tmp_path, text, expected):
    message = _error(tmp_path, text)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 'relais.toml'}")
    assert expected in message


def test_several_errors_are_all_reported_one_per_line_in_file_order(tmp_path):
    message = _error(
        tmp_path,
        '# settings\nreport_language = "de"\ntimzone = "Europe/Paris"\nemv_cpm = "abc"\nparse_workers = -1\n',
    )
    lines = message.splitlines()
    path = tmp_path / "relais.toml"
    assert [line.split(": ", 1)[0] for line in lines] == [f"{path}, line {n}" for n in (2, 3, 4, 5)]
    assert "report_language" in lines[0] and "did you mean timezone?" in lines[1]
    assert "emv_cpm" in lines[2] and "parse_workers = -1 is less than 0" in lines[3]


def test_unreadable_settings_name_the_file(tmp_path):
    (tmp_path / "relais.toml").write_bytes(b'organisation = "Caf\xe9"\n')
    with pytest.raises(SettingsError, match=r"relais\.toml: is not UTF-8 text"):
        load_settings(tmp_path)


def test_load_home_raises_settings_error_not_pydantic_or_toml_errors(tmp_path):
    for text in ("timezone = \n", 'timezone = "Mars/Olympus"\n', "emv_cpm = []\n"):
        _home(tmp_path, text)
        with pytest.raises(SettingsError) as raised:
            load_home(tmp_path, environ={"RELAIS_PSEUDONYM_KEY": "k"})
        assert not isinstance(raised.value, ValidationError | tomllib.TOMLDecodeError)
        assert raised.value.__cause__ is None and raised.value.__suppress_context__
        assert raised.value.path == tmp_path / "relais.toml" and len(raised.value.lines) == 1


def test_key_line_finds_top_level_keys_and_tables_only():
    text = '# c\nname = 1\n  "quoted" = 2\n[table]\nname2 = 3\n[[list]]\n'
    assert key_line(text, "name") == 2 and key_line(text, "quoted") == 3
    assert key_line(text, "table") == 4 and key_line(text, "list") == 6
    assert key_line(text, "name2") is None, "a key inside a table is not a top-level setting"


def test_the_relais_command_prints_one_line_and_exits_2(tmp_path):
    home = _home(tmp_path, '# my settings\n\ntimezone = "Europe/Pari"\n')
    relais = Path(sys.executable).parent / "relais"
    env = {**os.environ, "RELAIS_HOME": str(home), "RELAIS_PSEUDONYM_KEY": "test"}
    done = subprocess.run(
        [str(relais), "summary"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f'relais: {home / "relais.toml"}, line 3: timezone = "Europe/Pari" is not a known time zone: '
        "use an IANA name such as Europe/Paris"
    ]


def test_the_dagster_command_stops_on_a_settings_error_with_one_line_and_runs_nothing(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "relais.toml").write_text('organisation = "Ville"\ntimzone = "Europe/Paris"\n', encoding="utf-8")
    done = subprocess.run(
        [
            Path(sys.executable).parent / "dagster",
            "asset",
            "materialize",
            "--select",
            "*",
            "-m",
            "pipelines.definitions",
        ],
        env={**os.environ, "RELAIS_HOME": str(home), "DAGSTER_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    ours = [line for line in done.stderr.splitlines() if line.startswith("relais: ")]
    assert ours == [
        f"relais: {home / 'relais.toml'}, line 2: timzone is not a setting (did you mean timezone?)"
    ]
    assert "Traceback" not in done.stderr and "STEP_START" not in done.stderr
    assert not (home / "warehouse.duckdb").exists()
