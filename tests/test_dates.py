"""The one date reader of the archives: every form LinkedIn or a spreadsheet writes, one order per file."""

from datetime import date, datetime

import pytest

from relais.sources.io.dates import (
    DMY,
    MDY,
    OrderVote,
    decide_order,
    looks_like_date,
    read_day,
    read_moment,
    read_past_day,
    read_past_moment,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Connections.csv, today and in 2021
        ("04 Jul 2023", datetime(2023, 7, 4)),
        ("17 Jun 2021", datetime(2021, 6, 17)),
        ("4 July 2023", datetime(2023, 7, 4)),
        # the same re-saved by a spreadsheet
        ("18-Jun-24", datetime(2024, 6, 18)),
        ("29-Feb-24", datetime(2024, 2, 29)),
        ("03-Jan-2025", datetime(2025, 1, 3)),
        # 2018 Connections.csv, Email Addresses, Invitations: M/D/YY with a 12-hour clock
        ("1/8/18, 6:14 PM", datetime(2018, 1, 8, 18, 14)),
        ("11/18/20, 12:32 PM", datetime(2020, 11, 18, 12, 32)),
        ("12/24/23, 05:28 AM", datetime(2023, 12, 24, 5, 28)),
        ("4/9/18, 12:05 AM", datetime(2018, 4, 9, 0, 5)),
        ("  1/8/18,  6:14 pm ", datetime(2018, 1, 8, 18, 14)),
        # year first with slashes and a zone (2018 Shares.csv, endorsements)
        ("2017/06/08 08:15:44 UTC", datetime(2017, 6, 8, 8, 15, 44)),
        ("2024/02/24 14:03:38 UTC", datetime(2024, 2, 24, 14, 3, 38)),
        # ISO with or without time
        ("2026-04-02 22:25:49", datetime(2026, 4, 2, 22, 25, 49)),
        ("2026-04-02T22:25:49Z", datetime(2026, 4, 2, 22, 25, 49)),
        ("2021-03-25 08:46 UTC", datetime(2021, 3, 25, 8, 46)),
        ("2026-04-02", datetime(2026, 4, 2)),
        # month name first
        ("Jul 4, 2023", datetime(2023, 7, 4)),
    ],
)
def test_every_form_is_read(text, expected):
    assert read_moment(text) == expected
    assert read_day(text) == expected.date()
    assert looks_like_date(text)


@pytest.mark.parametrize("text", [None, "", "   ", "NA", "na", "N/A", "Not Available", "null", "-"])
def test_na_and_empty_are_missing(text):
    assert read_moment(text) is None
    assert read_day(text) is None
    assert not looks_like_date(text)


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("hier", "'hier' is not a date (e.g."),
        ("31 Foo 2023", "'Foo' is not a month name"),
        ("2023-02-30", "not a real date"),
        ("30-Feb-24", "not a real date"),
        ("13/13/20", "not a real date"),
        ("1/8/18, 13:10 PM", "not a real time"),
        ("2026-04-02 25:00:00", "not a real time"),
    ],
)
def test_bad_dates_say_why(text, phrase):
    with pytest.raises(ValueError, match=phrase.replace("(", r"\(").replace(".", r"\.")):
        read_moment(text)
    assert not looks_like_date(text)


def test_numeric_dates_are_read_in_the_order_given():
    assert read_day("03/04/21", MDY) == date(2021, 3, 4)
    assert read_day("03/04/21", DMY) == date(2021, 4, 3)
    assert read_day("03/04/21") == date(2021, 3, 4), "month first by default, as LinkedIn writes"
    # names and ISO do not depend on the order
    assert read_day("04 Jul 2023", DMY) == read_day("04 Jul 2023", MDY) == date(2023, 7, 4)
    assert read_day("2026-04-02", DMY) == date(2026, 4, 2)


def test_a_date_only_the_other_order_reads_is_refused_with_the_reason():
    with pytest.raises(
        ValueError, match=r"reads only day first \(D/M/Y\), but this file's dates are read month"
    ):
        read_moment("31/03/2026 10:00:00", MDY)
    with pytest.raises(
        ValueError, match=r"reads only month first \(M/D/Y\), but this file's dates are read day"
    ):
        read_moment("11/18/20, 12:32 PM", DMY)


def test_the_order_is_the_one_that_makes_every_value_valid():
    # 11/18/20 fits month first only: every value is read M/D/Y, 1/8/18 is 8 January
    decision = decide_order(["1/8/18, 6:14 PM", "11/18/20, 12:32 PM", "04 Jul 2023", None, "NA"])
    assert decision.order == MDY and decision.note == ""
    # 18/11/20 fits day first only: 03/04/21 is 3 April for the whole file, and the note says why
    decision = decide_order(["03/04/21", "18/11/20", "2026-01-01"])
    assert decision.order == DMY
    assert decision.note == "numeric dates read day first (D/M/Y): '18/11/20' fits no other order"
    # a date valid only in a leap year decides too: 2/29/24 is no day-first date
    assert decide_order(["2/29/24", "3/4/24"]).order == MDY
    assert decide_order(["29/2/24", "3/4/24"]).order == DMY


def test_when_both_orders_fit_month_first_wins_and_the_decision_says_so():
    decision = decide_order(["03/04/21", "05/06/21"])
    assert decision.order == MDY
    assert decision.note == (
        "numeric dates such as '03/04/21' read both ways: read month first (M/D/Y), LinkedIn's default"
    )
    # values equal both ways are no ambiguity worth a note
    assert decide_order(["05/05/21", "06/06/21"]).note == ""
    # nothing numeric: nothing to decide
    assert decide_order(["04 Jul 2023", "2026-04-02 10:00:00", ""]).note == ""


def test_when_no_order_fits_every_value_the_one_fitting_most_wins():
    decision = decide_order(["31/03/2026", "03/31/2026", "04/30/2026"])
    assert decision.order == MDY
    assert "2 of 3 month first, 1 day first" in decision.note
    assert decide_order(["31/03/2026", "30/04/2026", "03/31/2026"]).order == DMY
    # a tie goes to LinkedIn's month first
    assert decide_order(["31/03/2026", "03/31/2026"]).order == MDY


def test_the_vote_is_per_file_never_per_cell():
    vote = OrderVote()
    for text in ["01/02/2024", "02/03/2024", "25/12/2024"]:
        vote.add(text)
    order = vote.decide().order
    assert order == DMY
    assert [read_day(t, order) for t in ["01/02/2024", "02/03/2024"]] == [date(2024, 2, 1), date(2024, 3, 2)]


def test_past_readers_refuse_the_future():
    assert read_past_moment("2017/06/08 08:15:44 UTC") == datetime(2017, 6, 8, 8, 15, 44)
    assert read_past_day("NA") is None
    with pytest.raises(ValueError, match="'01 Jan 2099' is a date in the future"):
        read_past_day("01 Jan 2099")
    with pytest.raises(ValueError, match="is a date in the future"):
        read_past_moment("1/1/99, 9:00 AM")
