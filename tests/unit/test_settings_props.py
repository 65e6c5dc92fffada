"""Property: any valid Settings survives save -> load unchanged."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.settings import DayOff, Settings, load_settings, parse_settings, save_settings
from planner.settings import dump_settings as dump

hours = st.one_of(
    st.integers(0, 24).map(float),
    st.floats(0, 24, allow_nan=False, allow_infinity=False),
)


def fitting(draw: st.DrawFn, day_hours: float) -> time:
    """A start time that leaves ``day_hours`` before midnight."""
    minute = draw(st.integers(0, 24 * 60 - round(day_hours * 60)))
    return time(minute // 60, minute % 60) if minute < 24 * 60 else time(0, 0)


days = st.dates(date(2000, 1, 1), date(2100, 12, 31))
label = st.one_of(st.none(), st.text(max_size=20))


@st.composite
def day_off(draw: st.DrawFn) -> DayOff:
    start = draw(days)
    end = draw(st.one_of(st.just(start), st.dates(start, date(2101, 12, 31))))
    return DayOff(start, end, draw(label))


@st.composite
def any_settings(draw: st.DrawFn) -> Settings:
    minimum = draw(st.one_of(st.integers(0, 180).map(lambda m: m / 60), hours))
    cap = draw(st.one_of(st.none(), st.floats(max(minimum, 0.01), 24)))
    week = {d: draw(hours) for d in range(7)}
    return Settings(
        weekly_hours=week,
        start_times={d: fitting(draw, week[d]) for d in range(7)},
        timezone=draw(st.sampled_from([None, "UTC", "Europe/Berlin", "America/New_York"])),
        days_off=tuple(draw(st.lists(day_off(), max_size=4))),
        start_date=draw(st.one_of(st.none(), days)),
        hours_per_day=draw(st.floats(0.25, 24)),
        unestimated_hours=draw(st.floats(0, 100)),
        min_session_hours=minimum,
        max_topic_hours_per_day=cap,
        break_minutes=draw(st.integers(0, 120)),
        basis=draw(st.sampled_from(["topics", "stated"])),
        keymap=draw(
            st.dictionaries(
                st.text(min_size=1, max_size=12), st.text(min_size=1, max_size=8), max_size=3
            )
        ),
    )


@settings(max_examples=100, deadline=None)
@given(any_settings())
def test_dump_then_parse_is_identity(s: Settings) -> None:
    assert parse_settings(dump(s)) == s


@settings(max_examples=20, deadline=None)
@given(any_settings())
def test_save_then_load_is_identity(tmp_path_factory: pytest.TempPathFactory, s: Settings) -> None:
    path = tmp_path_factory.mktemp("s") / "settings.yaml"
    save_settings(path, s)
    assert load_settings(path) == s
