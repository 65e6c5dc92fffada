"""The one grammar for durations (planner.units): every spelling, each face's use of it."""

from __future__ import annotations

import pytest

from planner.units import DurationError, log_sentence, looks_like_duration, parse_duration

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
