"""Hypothesis properties of the scheduler (issue 4, item 7)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.schedule import Plan, _whole_minutes, lay_out
from planner.settings import DayOff, Settings

ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, float], Settings, date, ZoneInfo]:
    n = draw(st.integers(0, 25))
    remaining = {
        f"t{i}": draw(
            st.one_of(
                st.floats(0.01, 20, allow_nan=False),
                st.sampled_from([0.25, 0.5, 1.0, 8.0]),
            )
        )
        for i in range(n)
    }
    min_minutes = draw(st.sampled_from([0, 15, 30, 45, 90]))
    weekly = {d: draw(st.sampled_from([0, 0, 0.25, 0.5, 1, 1.5, 2.75, 4, 8])) for d in range(7)}
    room = max(min_minutes / 60, 0.25)
    if max(weekly.values()) < room:  # keep at least one day that can hold a session
        weekly[draw(st.integers(0, 6))] = room
    cap = draw(st.one_of(st.none(), st.sampled_from([0.5, 1.0, 1.25, 3.0])))
    if cap is not None and cap * 60 < min_minutes:
        cap = None
    today = draw(st.dates(date(2025, 1, 1), date(2030, 12, 31)))
    offs = []
    for _ in range(draw(st.integers(0, 4))):
        start = today + timedelta(days=draw(st.integers(-10, 120)))
        offs.append(DayOff(start, start + timedelta(days=draw(st.integers(0, 40)))))
    s = Settings(
        weekly_hours=weekly,
        start_times={d: start_time(draw, weekly[d]) for d in range(7)},
        days_off=tuple(offs),
        start_date=draw(
            st.one_of(st.none(), st.dates(today - timedelta(30), today + timedelta(30)))
        ),
        min_session_hours=min_minutes / 60,
        max_topic_hours_per_day=cap,
        break_minutes=draw(st.sampled_from([0, 0, 5, 15])),
    )
    return remaining, s, today, ZoneInfo(draw(st.sampled_from(ZONES)))


def start_time(draw: st.DrawFn, hours: float) -> time:
    """A start time that leaves the day's hours before midnight."""
    quarter = draw(st.integers(0, min(95, (24 * 60 - round(hours * 60)) // 15)))
    return time(quarter * 15 // 60, quarter * 15 % 60)


def minutes(hours: float) -> int:
    return round(hours * 60)


def plan_for(case: tuple[dict[str, float], Settings, date, ZoneInfo]) -> Plan:
    remaining, s, today, tz = case
    return lay_out(remaining, lambda t: "m" + str(int(t[1:]) // 5), s, today, tz)


@settings(max_examples=100, deadline=None)
@given(cases())
def test_scheduler_properties(case: tuple[dict[str, float], Settings, date, ZoneInfo]) -> None:
    remaining, s, today, tz = case
    plan = plan_for(case)
    sessions = plan.sessions

    # the sessions' hours add up to the remaining effort, topic by topic (to the minute)
    per_topic: dict[str, int] = defaultdict(int)
    for x in sessions:
        per_topic[x.topic_id] += minutes(x.hours)
    expected = {t: max(1, round(h * 60)) for t, h in remaining.items()}
    assert per_topic == expected
    assert minutes(plan.hours_remaining) == sum(expected.values())

    per_day: dict[date, int] = defaultdict(int)
    first = max(today, s.start_date or today)
    order = list(remaining)
    for x in sessions:
        day = x.start.date()
        per_day[day] += minutes(x.hours)
        # aware, in the zone, lasting exactly its hours
        assert x.start.tzinfo is tz and x.end.tzinfo is tz
        real = x.end.astimezone(timezone.utc) - x.start.astimezone(timezone.utc)
        assert real == timedelta(minutes=minutes(x.hours))
        # nothing on a day off or before the start
        assert day >= first
        assert not any(o.start <= day <= o.end for o in s.days_off)
        # no session shorter than the minimum except a topic's last
        if x.part < x.parts:
            assert minutes(x.hours) >= minutes(s.min_session_hours)
    # no day exceeds its hours; no topic exceeds the cap on a day
    for day, used in per_day.items():
        assert used <= minutes(s.hours_on(day.weekday()))
    if s.max_topic_hours_per_day is not None:
        topic_day: dict[tuple[str, date], int] = defaultdict(int)
        for x in sessions:
            topic_day[x.topic_id, x.start.date()] += minutes(x.hours)
        assert max(topic_day.values(), default=0) <= minutes(s.max_topic_hours_per_day)

    # topic order kept: topics start in roadmap order, and within a day too
    starts = [x.topic_id for x in sessions if x.part == 1]
    assert starts == [t for t in order if t in per_topic]
    if s.max_topic_hours_per_day is None:
        indices = [order.index(x.topic_id) for x in sessions]
        assert indices == sorted(indices)
    # parts are numbered 1..n per topic; sessions follow each other in time
    seen: dict[str, int] = defaultdict(int)
    for x in sessions:
        seen[x.topic_id] += 1
        assert x.part == seen[x.topic_id]
    assert all(
        sessions_count == next(x.parts for x in sessions if x.topic_id == t)
        for t, sessions_count in seen.items()
    )
    for a, b in pairwise(sessions):
        assert a.end.astimezone(timezone.utc) <= b.start.astimezone(timezone.utc)
    # spans and finish agree with the sessions
    if sessions:
        assert plan.finish == max(x.start.date() for x in sessions)
        for t in per_topic:
            days = [x.start.date() for x in sessions if x.topic_id == t]
            assert plan.topic_spans[t] == (min(days), max(days))
    else:
        assert plan.finish is None

    # the same input gives the same output
    assert plan_for(case) == plan


@settings(max_examples=300)
@given(
    st.lists(
        st.one_of(
            st.just(0.0),
            st.floats(min_value=1e-3, max_value=400, allow_nan=False, allow_infinity=False),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_whole_minutes_add_up_to_the_rounded_total(hours: list[float]) -> None:
    exact = [h * 60 for h in hours]
    total = round(sum(exact))
    whole = _whole_minutes(hours, total)
    for minutes, share in zip(whole, exact, strict=True):
        if share == 0:
            assert minutes == 0
        else:  # within a minute of its share, and never nothing
            assert minutes >= 1 and abs(minutes - share) < 1
    if all(m >= 1 for m in exact if m > 0):  # no share was raised to its first minute
        assert sum(whole) == total
