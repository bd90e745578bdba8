from datetime import date, datetime

import pytest

from assets.values import (
    parse_connection_date,
    parse_consent,
    parse_count,
    parse_day,
    parse_us_day,
    parse_utc_timestamp,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-03-01", date(2025, 3, 1)),
        ("01/03/2025", date(2025, 3, 1)),
        ("1/3/2025", date(2025, 3, 1)),
        ("01.03.2025", date(2025, 3, 1)),
        ("2025-03-01 00:00:00", date(2025, 3, 1)),
        ("", None),
        ("  ", None),
    ],
)
def test_day_iso_or_day_first(text, expected):
    assert parse_day(text) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "2025-13-01", "hier", "03/2025"])
def test_bad_days_say_why(text):
    with pytest.raises(ValueError, match=text.replace("/", "/")):
        parse_day(text)


def test_page_dates_are_month_first():
    assert parse_us_day("3/31/2025") == date(2025, 3, 31)
    with pytest.raises(ValueError):
        parse_us_day("31/3/2025")


def test_archive_timestamps_in_both_layouts():
    assert parse_utc_timestamp("2026-04-02 22:25:49") == datetime(2026, 4, 2, 22, 25, 49)
    assert parse_utc_timestamp("2024/02/24 14:03:38 UTC") == datetime(2024, 2, 24, 14, 3, 38)
    assert parse_utc_timestamp("") is None
    with pytest.raises(ValueError, match="not a timestamp"):
        parse_utc_timestamp("02/04/2026")


def test_connection_dates():
    assert parse_connection_date("04 Jul 2023") == date(2023, 7, 4)
    with pytest.raises(ValueError, match="DD Mon YYYY"):
        parse_connection_date("July the 4th")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("oui", True),
        ("Oui", True),
        ("OUI", True),
        ("yes", True),
        ("true", True),
        ("1", True),
        ("non", False),
        ("No", False),
        ("false", False),
        ("0", False),
        ("", False),
        (None, False),
    ],
)
def test_consent_answers(text, expected):
    assert parse_consent(text) is expected


def test_unknown_consent_answer_is_an_error():
    with pytest.raises(ValueError, match="peut-être"):
        parse_consent("peut-être")


def test_counts():
    assert parse_count("1 234") == 1234
    assert parse_count("1,234") == 1234
    assert parse_count("12.0") == 12
    assert parse_count("") is None
    for bad in ("-3", "abc", "1.5"):
        with pytest.raises(ValueError):
            parse_count(bad)


def test_short_years_and_times_after_dates():
    assert parse_day("01/03/25") == date(2025, 3, 1)
    assert parse_day("01/03/2025 00:00") == date(2025, 3, 1)
    assert parse_us_day("1/10/2026 10:30") == date(2026, 1, 10)
