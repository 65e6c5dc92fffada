"""The one grammar for durations (planner.units): every spelling, each face's use of it."""

from __future__ import annotations

from datetime import date as _date
from datetime import datetime as _datetime
from datetime import time as _time

import pytest

from planner.units import (
    ClockError,
    DateError,
    DurationError,
    date_text,
    log_sentence,
    looks_like_duration,
    parse_clock,
    parse_date,
    parse_duration,
    time_range,
)

SPELLINGS = [
    ("1.5", 1.5),
    ("1,5", 1.5),
    ("1.5h", 1.5),
    ("1.5 h", 1.5),
    ("2 hours", 2.0),
    ("90m", 1.5),
    ("90 min", 1.5),
    ("90 minutes", 1.5),
    ("1:30", 1.5),
    ("1h30", 1.5),
    ("1h 30m", 1.5),
    ("1 h 30 min", 1.5),
    (".5", 0.5),
    ("0:45", 0.75),
]


@pytest.mark.parametrize(("text", "hours"), SPELLINGS)
def test_every_spelling_and_its_negative(text: str, hours: float) -> None:
    assert parse_duration(text) == pytest.approx(hours)
    assert parse_duration(f"-{text}") == pytest.approx(-hours)
    assert parse_duration(f" - {text} ") == pytest.approx(-hours)
    assert looks_like_duration(f"-{text}")


def test_a_bare_number_is_the_callers_unit() -> None:
    assert parse_duration("90", "minutes") == pytest.approx(1.5)
    assert parse_duration("90") == 90.0
    assert parse_duration("2h", "minutes") == 2.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("lots", "cannot read 'lots' as a duration; write 1.5, 1.5h, 90m, 90 min, 1:30 or 1h30"),
        ("", "no duration given; write 1.5"),
        ("1:75", "75 minutes in '1:75'; write 60 or more minutes as hours (2:15)"),
        ("1h90", "90 minutes in '1h90'"),
        ("2 days", "unknown unit 'days' in '2 days'; use h or min"),
        ("1e999", "'1e999' is too large to be a duration"),
        ("--help", "cannot read '--help' as a duration"),
    ],
)
def test_mistakes_are_one_clear_line(text: str, message: str) -> None:
    with pytest.raises(DurationError) as info:
        parse_duration(text)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, ValueError)


def test_option_like_words_are_not_durations() -> None:
    assert not looks_like_duration("--help")
    assert not looks_like_duration("-v")
    assert not looks_like_duration("--progress")


@pytest.mark.parametrize(
    ("asked", "applied", "sentence"),
    [
        (1.5, 1.5, "logged 1.5 h"),
        (-1.0, -1.0, "took back 1 h"),
        (-1.0, -0.5, "took back 0.5 h (all that was logged)"),
        (-2.0, 0.0, "took back nothing (no hours were logged)"),
        (0.25, 0.25, "logged 0.25 h"),
    ],
)
def test_log_sentence_says_what_was_actually_taken_back(
    asked: float, applied: float, sentence: str
) -> None:
    assert log_sentence(asked, applied) == sentence


# -- dates and clock times: one grammar each -----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-01",
        "2026/12/01",
        "2026-12-1",
        "1.12.2026",
        "01.12.2026",
        "1 Dec 2026",
        "1 December 2026",
        "Dec 1 2026",
        "December 1, 2026",
        "Tue 1 Dec 2026",
        "Tuesday, 1st Dec 2026",
        "  1  dec  2026 ",
    ],
)
def test_every_date_spelling_reads_the_same_day(text: str) -> None:
    assert parse_date(text) == _date(2026, 12, 1)


def test_a_year_left_out_is_todays_only_where_today_is_known() -> None:
    assert parse_date("Dec 3", _date(2026, 3, 2)) == _date(2026, 12, 3)
    with pytest.raises(DateError, match="'Dec 3' has no year; write 2026-12-01 or 1 Dec 2026"):
        parse_date("Dec 3")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("04/05/2026", "cannot read '04/05/2026' as a date; write 2026-12-01 or 1 Dec 2026"),
        ("someday", "cannot read 'someday' as a date; write 2026-12-01 or 1 Dec 2026"),
        ("", "no date given; write 2026-12-01 or 1 Dec 2026"),
        ("2027-02-29", "cannot read '2027-02-29' as a date: February 2027 has 28 days"),
        ("2026-13-01", "cannot read '2026-13-01' as a date: there is no month 13"),
        ("9999-12-32", "cannot read '9999-12-32' as a date: December 9999 has 31 days"),
        ("Mon 1 Dec 2026", "'Mon 1 Dec 2026': 1 Dec 2026 is a Tuesday; check the day or the date"),
        ("1 Foo 2026", "cannot read '1 Foo 2026' as a date"),
    ],
)
def test_dates_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(DateError) as info:
        parse_date(text)
    assert str(info.value) == message or str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_date_text_reads_back() -> None:
    day = _date(2028, 6, 29)
    assert date_text(day) == "Thu 29 Jun 2028"
    assert parse_date(date_text(day)) == day


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("19:00", _time(19)),
        ("7:05", _time(7, 5)),
        ("19.30", _time(19, 30)),
        ("19h30", _time(19, 30)),
        ("1930", _time(19, 30)),
        ("9", _time(9)),
        ("7pm", _time(19)),
        ("7:30 PM", _time(19, 30)),
        ("7 p.m.", _time(19)),
        ("12am", _time(0)),
        ("12pm", _time(12)),
    ],
)
def test_every_clock_spelling(text: str, clock: _time) -> None:
    assert parse_clock(text) == clock


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("24:00", "24:00 is not a time of day (00:00 to 23:59); write 19:00 or 7pm"),
        ("19:60", "19:60 is not a time of day (00:00 to 23:59); write 19:00 or 7pm"),
        ("13pm", "13pm is not a time; use 1 to 12 with am or pm"),
        ("noon", "cannot read 'noon' as a time of day; write 19:00 or 7pm"),
        ("7:5", "cannot read '7:5' as a time of day; write 19:00 or 7pm"),
        ("", "no time given; write 19:00 or 7pm"),
    ],
)
def test_clock_times_refused_in_one_line(text: str, message: str) -> None:
    with pytest.raises(ClockError) as info:
        parse_clock(text)
    assert str(info.value) == message


# -- a session's time range -------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        ((2026, 3, 2, 0, 0), (2026, 3, 3, 0, 0), "00:00-24:00"),  # a whole day
        ((2026, 3, 2, 21, 30), (2026, 3, 3, 0, 0), "21:30-24:00"),  # to the next midnight
        ((2026, 3, 2, 9, 0), (2026, 3, 2, 10, 30), "09:00-10:30"),
        ((2026, 3, 2, 0, 0), (2026, 3, 2, 0, 45), "00:00-00:45"),
        ((2026, 3, 2, 23, 0), (2026, 3, 3, 1, 0), "23:00-01:00+1"),  # past midnight: the days
        ((2026, 3, 2, 9, 0), (2026, 3, 4, 0, 0), "09:00-00:00+2"),
    ],
)
def test_a_time_range_ends_at_24_00_at_the_next_midnight(
    start: tuple[int, ...], end: tuple[int, ...], shown: str
) -> None:
    assert time_range(_datetime(*start), _datetime(*end)) == shown
    assert time_range(_datetime(*start), _datetime(*end), dash="–") == shown.replace("-", "–")
