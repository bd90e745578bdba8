from datetime import date

import pytest

from relais.sources.io.dates import read_day_first, read_month_first
from relais.sources.io.values import parse_consent, parse_count


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
def test_roster_days_are_iso_or_day_first(text, expected):
    assert read_day_first(text) == expected


@pytest.mark.parametrize("text", ["31/02/2025", "2025-13-01", "hier", "03/2025"])
def test_bad_days_say_why(text):
    with pytest.raises(ValueError, match=text.replace("/", "/")):
        read_day_first(text)


def test_page_dates_are_month_first():
    assert read_month_first("3/31/2025") == date(2025, 3, 31)
    assert read_month_first("2026-01-10T09:30:00") == date(2026, 1, 10)
    with pytest.raises(ValueError, match="reads only day first"):
        read_month_first("31/3/2025")


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
    assert read_day_first("01/03/25") == date(2025, 3, 1)
    assert read_day_first("01/03/2025 00:00") == date(2025, 3, 1)
    assert read_month_first("1/10/2026 10:30") == date(2026, 1, 10)
