"""Hypothesis properties of plans around busy times (issue 13)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import test_schedule_props as base  # the scheduler's own random cases (tests/unit on the path)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.busy import merge
from planner.schedule import lay_out
from planner.settings import Settings

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def minute(moment: datetime) -> int:
    return int((moment - EPOCH) // timedelta(minutes=1))


@st.composite
def busy_for(draw: st.DrawFn, today: date) -> tuple[tuple[int, int], ...]:
    base = minute(datetime(today.year, today.month, today.day, tzinfo=timezone.utc))
    items = []
    for _ in range(draw(st.integers(0, 40))):
        start = base + draw(st.integers(-1440, 200 * 1440))
        items.append((start, start + draw(st.integers(1, 3 * 1440))))
    return merge(items)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_sessions_keep_clear_of_busy_times_and_hold_every_hour(data: st.DataObject) -> None:
    remaining, s, today, tz = data.draw(base.cases())
    busy = data.draw(busy_for(today))
    plain = lay_out(remaining, lambda t: "m", s, today, tz)
    plan = lay_out(remaining, lambda t: "m", s, today, tz, busy=busy)
    assert plan.hours_remaining == plain.hours_remaining
    assert round(sum(x.hours for x in plan.sessions) * 60) == round(plan.hours_remaining * 60)
    spans = [(minute(x.start), minute(x.end)) for x in plan.sessions]
    for a, b in spans:
        assert not any(a < e and f < b for f, e in busy), (a, b)
    for (_, end), (start, _) in pairwise(sorted(spans)):
        assert end <= start
    for x in plan.sessions:  # within the day's window, never past its midnight
        assert x.end.astimezone(tz).date() == x.start.date() or (
            x.end.astimezone(tz).time().replace(tzinfo=None).isoformat() == "00:00:00"
        )


@st.composite
def outside_windows(
    draw: st.DrawFn, s: Settings, today: date, tz: ZoneInfo
) -> tuple[tuple[int, int], ...]:
    """Busy times only before each day's start time (and on days with no study hours)."""
    items = []
    for offset in range(draw(st.integers(0, 60))):
        day = today + timedelta(days=offset)
        midnight = datetime(day.year, day.month, day.day, tzinfo=tz)
        start = s.start_on(day.weekday())
        if s.hours_on(day.weekday()) == 0:
            items.append((minute(midnight), minute(midnight + timedelta(days=1))))
        elif start.hour or start.minute:
            cut = draw(st.integers(1, start.hour * 60 + start.minute))
            items.append((minute(midnight), minute(midnight) + cut))
    return merge(items)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_calendar_with_nothing_in_the_study_windows_changes_nothing(
    data: st.DataObject,
) -> None:
    remaining, s, today, _ = data.draw(base.cases())
    tz = ZoneInfo(data.draw(st.sampled_from(["UTC", "Asia/Kolkata"])))  # no DST change
    busy = data.draw(outside_windows(s, today, tz))
    plain = lay_out(remaining, lambda t: "m", s, today, tz)
    plan = lay_out(remaining, lambda t: "m", s, today, tz, busy=busy)
    assert tuple(plan.sessions) == tuple(plain.sessions)
    assert plan.finish == plain.finish
    assert dict(plan.topic_spans) == dict(plain.topic_spans)
    assert not plan.busy_lost
