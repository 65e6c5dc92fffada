from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.roadmap import Effort, EffortError


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("2 days", 16),
        ("1 day", 8),
        ("12 hours", 12),
        ("1.5 weeks", 60),
        ("0.5 days", 4),
        ("3d", 24),
        ("2h", 2),
        ("1 week", 40),
        ("~2 days", 16),
        ("1,5 days", 12),
    ],
)
def test_parse_and_convert(text: str, hours: float) -> None:
    assert Effort.parse(text).hours() == hours


def test_hours_per_day_is_configurable() -> None:
    assert Effort.parse("2 days").hours(hours_per_day=6) == 12
    assert Effort.parse("1 week").hours(hours_per_day=6) == 30
    assert Effort.parse("5 hours").hours(hours_per_day=6) == 5


@pytest.mark.parametrize("text", ["", "days", "two days", "0 days", "-1 days", "3 fortnights", "2"])
def test_rejects(text: str) -> None:
    with pytest.raises(EffortError):
        Effort.parse(text)


def test_str_round_trips() -> None:
    for text in ["2 days", "1 day", "12 hours", "1.5 weeks", "0.5 days"]:
        assert str(Effort.parse(text)) == text


@given(
    value=st.decimals(min_value="0.01", max_value="10000", places=2).map(float),
    unit=st.sampled_from(["hours", "days", "weeks", "h", "day", "wk"]),
    hours_per_day=st.floats(min_value=1, max_value=24),
)
def test_round_trip_any_positive_effort(value: float, unit: str, hours_per_day: float) -> None:
    effort = Effort.parse(f"{value} {unit}")
    assert effort.value == value
    again = Effort.parse(str(effort))
    assert again == effort
    assert again.hours(hours_per_day) == effort.hours(hours_per_day) > 0


@pytest.mark.parametrize("text", ["0 days", "-1 days", "- 2 hours", "−0.5 weeks"])
def test_zero_or_negative_says_so_and_what_to_write(text: str) -> None:
    with pytest.raises(EffortError) as info:
        Effort.parse(text)
    assert str(info.value) == (
        f"estimate {text!r} must be more than zero; write a figure such as '2 days', "
        "or remove the estimate to leave the topic unestimated"
    )


def test_a_figure_too_large_to_count_is_refused() -> None:
    with pytest.raises(EffortError, match="too large to count"):
        Effort.parse("9" * 400 + " days")
    with pytest.raises(EffortError, match="finite"):
        Effort(float("inf"), "days")
