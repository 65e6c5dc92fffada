"""Hypothesis properties of the scheduler (issue 4, item 7)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.schedule import Plan, Session, Sessions, _whole_minutes, lay_out
from planner.schedule_fast import _build
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


# -- days of 23 and 25 hours (issue 11, item 8) ------------------------------------------------

DST_ZONES = [
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Santiago",  # changes at midnight: 00:00 does not exist on its first summer day
    "America/Havana",  # changes at midnight too
    "Australia/Lord_Howe",  # a 30-minute shift
    "Pacific/Chatham",  # +12:45 / +13:45
    "Antarctica/Troll",  # a 2-hour shift
    "Africa/Casablanca",  # a month without summer time around Ramadan
    "Asia/Tehran",
]


def midnight_after(day: date, tz: ZoneInfo) -> datetime:
    """The real moment the local day ``day`` ends (a midnight in a gap: its real moment)."""
    after = day + timedelta(days=1)
    return datetime(after.year, after.month, after.day, tzinfo=tz).astimezone(timezone.utc)


@st.composite
def long_days(draw: st.DrawFn) -> tuple[dict[str, float], Settings, date, ZoneInfo]:
    """Study days that fill (or nearly fill) the day up to midnight, in zones with DST,
    over more than a year, so every change of the clocks falls on some study day."""
    weekly = {d: draw(st.sampled_from([0, 8, 20, 22, 23, 23.5, 24])) for d in range(7)}
    weekly[draw(st.integers(0, 6))] = draw(st.sampled_from([20, 23.5, 24]))
    starts = {}
    for d in range(7):
        room = 24 * 60 - round(weekly[d] * 60)
        earliest = draw(st.sampled_from([0, 0, 30, 60, 90, 120, 150, 180, 1380]))
        starts[d] = min(earliest, room)
    s = Settings(
        weekly_hours=weekly,
        start_times={d: time(m // 60, m % 60) for d, m in starts.items()},
        min_session_hours=draw(st.sampled_from([0, 0.5, 2])),
        max_topic_hours_per_day=draw(st.sampled_from([None, None, 7.0])),
        break_minutes=draw(st.sampled_from([0, 0, 30, 90])),
    )
    week = sum(weekly.values())
    n = draw(st.integers(1, 12))
    share = week * 60 / n  # about 60 weeks of study in all
    remaining = {f"t{i}": share * draw(st.floats(0.5, 1.5)) for i in range(n)}
    today = draw(st.dates(date(2026, 1, 1), date(2030, 12, 31)))
    return remaining, s, today, ZoneInfo(draw(st.sampled_from(DST_ZONES)))


def assert_no_overlap(plan: Plan, tz: ZoneInfo) -> None:
    """Sessions follow each other in real time, and each ends by the midnight of its day."""
    previous_end: datetime | None = None
    for x in plan.sessions:
        start, end = x.start.astimezone(timezone.utc), x.end.astimezone(timezone.utc)
        assert end - start == timedelta(minutes=minutes(x.hours))
        assert previous_end is None or previous_end <= start, (x, previous_end)
        assert end <= midnight_after(x.start.date(), tz), x
        previous_end = end


@settings(max_examples=250, deadline=None)
@given(long_days())
def test_no_sessions_overlap_on_days_of_23_and_25_hours(
    case: tuple[dict[str, float], Settings, date, ZoneInfo],
) -> None:
    _, s, _, tz = case
    plan = plan_for(case)
    assert_no_overlap(plan, tz)
    # a day holds no more than its hours, nor more than it has from its start to midnight
    per_day: dict[date, int] = defaultdict(int)
    for x in plan.sessions:
        per_day[x.start.date()] += minutes(x.hours)
    for day, used in per_day.items():
        assert used <= minutes(s.hours_on(day.weekday()))
    # every topic is planned in full
    assert round(sum(x.hours for x in plan.sessions) * 60) == round(plan.hours_remaining * 60)
    # what the plan says without its sessions, and the sessions timed from an anchor,
    # are what the sessions made the exact way say
    assert list(plan.hours_by_day().items()) == list(hours_by_start(plan.sessions).items())
    sessions = plan.sessions
    assert isinstance(sessions, Sessions)
    placed = sessions._placement
    exact, _, _ = _build(placed.layout, placed.topic_ids, placed.module_ids, tz, exact=True)
    assert [(x.start, x.end, x.start.utcoffset()) for x in sessions] == [
        (x.start, x.end, x.start.utcoffset()) for x in exact
    ]


def hours_by_start(sessions: Sequence[Session]) -> dict[date, float]:
    out: dict[date, float] = {}
    for x in sessions:
        out[x.start.date()] = out.get(x.start.date(), 0.0) + x.hours
    return out


def test_24_hour_days_across_the_spring_change_in_berlin() -> None:
    """The case seen (issue 11): 24 h a day from 00:00 over 2027-03-28, a day of 23 hours,
    gave 17:00-01:00+1 and 00:00-08:00 the next day."""
    berlin = ZoneInfo("Europe/Berlin")
    s = Settings(
        weekly_hours=dict.fromkeys(range(7), 24.0),
        start_times=dict.fromkeys(range(7), time(0, 0)),
        timezone="Europe/Berlin",
    )
    remaining = {"a": 17.0, "b": 8.0, "c": 24.0, "d": 8.0}
    plan = lay_out(remaining, lambda t: "m", s, date(2027, 3, 28), berlin)
    assert_no_overlap(plan, berlin)
    times = [(x.topic_id, x.start.isoformat(), x.end.isoformat()) for x in plan.sessions]
    assert times == [
        ("a", "2027-03-28T00:00:00+01:00", "2027-03-28T18:00:00+02:00"),
        ("b", "2027-03-28T18:00:00+02:00", "2027-03-29T00:00:00+02:00"),  # 23 h in all
        ("b", "2027-03-29T00:00:00+02:00", "2027-03-29T02:00:00+02:00"),
        ("c", "2027-03-29T02:00:00+02:00", "2027-03-30T00:00:00+02:00"),
        ("c", "2027-03-30T00:00:00+02:00", "2027-03-30T02:00:00+02:00"),
        ("d", "2027-03-30T02:00:00+02:00", "2027-03-30T10:00:00+02:00"),
    ]
    # the autumn change: a day of 25 hours gives its 24 h from 00:00 and ends at 23:00
    autumn = lay_out({"a": 30.0}, lambda t: "m", s, date(2027, 10, 31), berlin)
    assert_no_overlap(autumn, berlin)
    assert [(x.start.isoformat(), x.end.isoformat()) for x in autumn.sessions] == [
        ("2027-10-31T00:00:00+02:00", "2027-10-31T23:00:00+01:00"),
        ("2027-11-01T00:00:00+01:00", "2027-11-01T06:00:00+01:00"),
    ]


def test_a_session_ending_at_a_midnight_the_clocks_skip() -> None:
    """America/Santiago puts its clocks forward at midnight: 2026-09-06 00:00 does not
    exist. A Saturday session 16:00-24:00 before it ends at 01:00 (-03) on the Sunday,
    not at a '00:00 (-04)' the clocks skip (as it read when timed from the anchor of the
    Sunday a week before, whose week reaches exactly to that midnight)."""
    santiago = ZoneInfo("America/Santiago")
    s = Settings(
        weekly_hours={5: 8.0, 6: 1.0},
        start_times={5: time(16, 0), 6: time(9, 0)},
        timezone="America/Santiago",
        min_session_hours=0.0,
    )
    plan = lay_out({"a": 11.0}, lambda t: "m", s, date(2026, 8, 30), santiago)
    assert [(x.start.isoformat(), x.end.isoformat()) for x in plan.sessions] == [
        ("2026-08-30T09:00:00-04:00", "2026-08-30T10:00:00-04:00"),
        ("2026-09-05T16:00:00-04:00", "2026-09-06T01:00:00-03:00"),
        ("2026-09-06T09:00:00-03:00", "2026-09-06T10:00:00-03:00"),
        ("2026-09-12T16:00:00-03:00", "2026-09-12T17:00:00-03:00"),
    ]
    assert_no_overlap(plan, santiago)
