"""The scheduler's rules, one table row (or test) per rule; DST; errors; pace; slippage."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner.progress import Progress, State
from planner.roadmap import Roadmap
from planner.schedule import (
    BaselineError,
    Plan,
    ScheduleError,
    _Rules,
    ensure_baseline,
    finish_for,
    hours_needed_by,
    lay_out,
    make_baseline,
    planned_hours,
    proportions,
    read_baseline,
    remaining_hours,
    schedule,
    slippage,
    stated_roadmap,
)
from planner.schedule_fast import _baseline_text, _build, _walk
from planner.settings import DayOff, Settings

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MON = date(2026, 5, 4)  # a Monday
EVERY_DAY_2H = {d: 2.0 for d in range(7)}
BASE = Settings(weekly_hours=EVERY_DAY_2H, timezone="UTC", min_session_hours=0.5)


def plan_of(remaining: dict[str, float], settings: Settings = BASE, today: date = MON) -> Plan:
    return lay_out(remaining, lambda t: "m-" + t[0], settings, today, UTC)


def rows(plan: Plan) -> list[tuple[str, str, str, float, str]]:
    """(date, HH:MM, HH:MM, hours, topic k/n) per session, for readable expectations."""
    return [
        (
            s.start.date().isoformat(),
            f"{s.start:%H:%M}",
            f"{s.end:%H:%M}",
            s.hours,
            f"{s.topic_id} {s.part}/{s.parts}",
        )
        for s in plan.sessions
    ]


# -- the rules, one row each --------------------------------------------------------------

RULES = [
    pytest.param(
        {"a": 3.0, "b": 1.0},
        BASE,
        [
            ("2026-05-04", "19:00", "21:00", 2.0, "a 1/2"),
            ("2026-05-05", "19:00", "20:00", 1.0, "a 2/2"),
            ("2026-05-05", "20:00", "21:00", 1.0, "b 1/1"),
        ],
        id="topics in order; a topic splits across days; a day ends one topic and starts the next",
    ),
    pytest.param(
        {"a": 2.0},
        replace(BASE, start_date=date(2026, 5, 6)),
        [("2026-05-06", "19:00", "21:00", 2.0, "a 1/1")],
        id="nothing before the start date",
    ),
    pytest.param(
        {"a": 2.0},
        replace(BASE, start_date=date(2026, 1, 1)),
        [("2026-05-04", "19:00", "21:00", 2.0, "a 1/1")],
        id="nothing before today when the start date is past",
    ),
    pytest.param(
        {"a": 6.0},
        replace(
            BASE,
            days_off=(
                DayOff(date(2026, 5, 5), date(2026, 5, 5)),
                DayOff(date(2026, 5, 7), date(2026, 5, 8), "trip"),
            ),
        ),
        [
            ("2026-05-04", "19:00", "21:00", 2.0, "a 1/3"),
            ("2026-05-06", "19:00", "21:00", 2.0, "a 2/3"),
            ("2026-05-09", "09:00", "11:00", 2.0, "a 3/3"),
        ],
        id="nothing on a day off or in a range of days off",
    ),
    pytest.param(
        {"a": 3.0},
        replace(BASE, weekly_hours={0: 1.0, 1: 0.0, 2: 2.0}),
        [
            ("2026-05-04", "19:00", "20:00", 1.0, "a 1/2"),
            ("2026-05-06", "19:00", "21:00", 2.0, "a 2/2"),
        ],
        id="no day beyond its hours; a 0-hour weekday gets nothing",
    ),
    pytest.param(
        {"a": 1.75, "b": 1.0},
        BASE,
        [
            ("2026-05-04", "19:00", "20:45", 1.75, "a 1/1"),
            ("2026-05-05", "19:00", "20:00", 1.0, "b 1/1"),
        ],
        id="no session shorter than the minimum: 15 min left of a day waits for the next",
    ),
    pytest.param(
        {"a": 1.75, "b": 0.25},
        BASE,
        [
            ("2026-05-04", "19:00", "20:45", 1.75, "a 1/1"),
            ("2026-05-04", "20:45", "21:00", 0.25, "b 1/1"),
        ],
        id="except a topic's last remainder, which may be shorter",
    ),
    pytest.param(
        {"a": 2.5},
        replace(BASE, weekly_hours={0: 2.25, 1: 2.0}),
        [
            ("2026-05-04", "19:00", "21:15", 2.25, "a 1/2"),
            ("2026-05-05", "19:00", "19:15", 0.25, "a 2/2"),
        ],
        id="a topic's last remainder may be shorter than the minimum",
    ),
    pytest.param(
        {"a": 3.0, "b": 3.0, "c": 1.0},
        replace(BASE, weekly_hours={d: 3.0 for d in range(7)}, max_topic_hours_per_day=1.5),
        [
            ("2026-05-04", "19:00", "20:30", 1.5, "a 1/2"),
            ("2026-05-04", "20:30", "22:00", 1.5, "b 1/2"),
            ("2026-05-05", "19:00", "20:30", 1.5, "a 2/2"),
            ("2026-05-05", "20:30", "22:00", 1.5, "b 2/2"),
            ("2026-05-06", "19:00", "20:00", 1.0, "c 1/1"),
        ],
        id="a cap per topic per day gives the rest of the day to the next topics",
    ),
    pytest.param(
        {"a": 1.0, "b": 1.0, "c": 1.0},
        replace(BASE, weekly_hours={d: 2.0 for d in range(7)}, break_minutes=15),
        [
            ("2026-05-04", "19:00", "20:00", 1.0, "a 1/1"),
            ("2026-05-04", "20:15", "21:15", 1.0, "b 1/1"),
            ("2026-05-05", "19:00", "20:00", 1.0, "c 1/1"),
        ],
        id="a break between back-to-back sessions pushes the next later, not shorter",
    ),
    pytest.param(
        {"a": 1.0, "b": 1.0, "c": 1.0},
        replace(
            BASE,
            weekly_hours={0: 3.0, 1: 1.0},
            start_times={0: time(21), 1: time(21)},
            break_minutes=10,
        ),
        [
            ("2026-05-04", "21:00", "22:00", 1.0, "a 1/1"),
            ("2026-05-04", "22:10", "23:10", 1.0, "b 1/1"),
            ("2026-05-04", "23:20", "00:00", 40 / 60, "c 1/2"),
            ("2026-05-05", "21:00", "21:20", 20 / 60, "c 2/2"),
        ],
        id="a study day ends at midnight, breaks or not",
    ),
    pytest.param(
        {"a": 1 / 3, "b": 0.1 + 0.2},
        BASE,
        [
            ("2026-05-04", "19:00", "19:20", 1 / 3, "a 1/1"),
            ("2026-05-04", "19:20", "19:38", 0.3, "b 1/1"),
        ],
        id="hours are rounded to whole minutes",
    ),
    pytest.param(
        {"a": 0.001},
        BASE,
        [("2026-05-04", "19:00", "19:01", 1 / 60, "a 1/1")],
        id="an open topic with a crumb left still gets a minute",
    ),
    pytest.param(
        {"a": 4.0},
        replace(
            BASE,
            weekly_hours={0: 1.5, 5: 4.0},
            start_times={0: time(18, 45), 5: time(9, 30)},
        ),
        [
            ("2026-05-04", "18:45", "20:15", 1.5, "a 1/2"),
            ("2026-05-09", "09:30", "12:00", 2.5, "a 2/2"),
        ],
        id="each weekday starts at its own start time",
    ),
]


@pytest.mark.parametrize(("remaining", "settings", "expected"), RULES)
def test_rule(
    remaining: dict[str, float],
    settings: Settings,
    expected: list[tuple[str, str, str, float, str]],
) -> None:
    plan = plan_of(remaining, settings)
    assert rows(plan) == expected
    assert plan.hours_remaining == pytest.approx(sum(r[3] for r in expected))
    assert plan.finish == date.fromisoformat(expected[-1][0])


def test_spans_finish_and_modules() -> None:
    plan = lay_out(
        {"a": 3.0, "b": 1.0, "c": 2.0},
        {"a": "m1", "b": "m1", "c": "m2"},
        BASE,
        MON,
        UTC,
    )
    d = MON
    assert plan.topic_spans == {
        "a": (d, d + timedelta(1)),
        "b": (d + timedelta(1), d + timedelta(1)),
        "c": (d + timedelta(2), d + timedelta(2)),
    }
    assert plan.module_spans == {"m1": (d, d + timedelta(1)), "m2": (d + timedelta(2),) * 2}
    assert plan.finish == d + timedelta(2)
    assert [s.module_id for s in plan.sessions] == ["m1", "m1", "m1", "m2"]
    assert [s.topic_id for s in plan.sessions_for("m1")] == ["a", "a", "b"]
    assert plan.hours_by_day() == {d: 2.0, d + timedelta(1): 2.0, d + timedelta(2): 2.0}


def test_nothing_left_is_an_empty_plan() -> None:
    plan = plan_of({})
    assert plan.sessions == () and plan.finish is None and plan.hours_remaining == 0
    assert plan_of({"a": 0.0}).sessions == ()


def test_same_input_same_output() -> None:
    settings = replace(BASE, max_topic_hours_per_day=1.0, break_minutes=5)
    remaining = {f"t{i}": 0.5 + (i * 7 % 5) / 2 for i in range(40)}
    assert plan_of(remaining, settings) == plan_of(remaining, settings)


# -- from the roadmap and progress ------------------------------------------------------------


def test_schedule_removes_done_and_skipped_and_counts_what_remains(seed: Roadmap) -> None:
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    settings = Settings(timezone="UTC")
    topics = list(seed.topics())
    first, second, third = topics[0], topics[1], topics[2]
    progress = Progress()
    progress.set_state(seed, [first.id], State.DONE, now)
    progress.set_state(seed, [second.id], State.SKIPPED, now)
    progress.log_hours(third.id, 5, now)
    plan = schedule(seed, progress, settings, MON)
    planned = {s.topic_id for s in plan.sessions}
    assert first.id not in planned and second.id not in planned
    assert plan.sessions[0].topic_id == third.id
    third_hours = sum(s.hours for s in plan.sessions_for(third.id))
    assert third_hours == pytest.approx(third.hours() - 5)
    expected = sum(t.hours() for t in topics[2:]) - 5
    assert plan.hours_remaining == pytest.approx(expected)
    assert [s.topic_id for s in plan.sessions if s.part == 1] == [t.id for t in topics[2:]]


def test_schedule_uses_the_settings_zone(seed: Roadmap) -> None:
    plan = schedule(seed, Progress(), Settings(timezone="Asia/Tokyo"), MON)
    assert plan.sessions[0].start == datetime(2026, 5, 4, 19, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert str(plan.sessions[0].start.tzinfo) == "Asia/Tokyo"


def test_stated_basis_scales_each_module_to_its_stated_estimate(seed: Roadmap) -> None:
    settings = Settings(timezone="UTC", basis="stated")
    scaled = stated_roadmap(seed, settings.hours_per_day, settings.unestimated_hours)
    for module, original in zip(scaled.modules, seed.modules, strict=True):
        stated = original.stated.as_hours() if original.stated else None
        if stated is not None:
            assert module.hours() == pytest.approx(stated)
            ratios = {
                t.hours() / o.hours() for t, o in zip(module.topics, original.topics, strict=True)
            }
            assert max(ratios) == pytest.approx(min(ratios))  # in proportion
        else:
            assert module == original
    plan = schedule(seed, Progress(), settings, MON)
    assert plan.basis == "stated"
    total = sum(remaining_hours(seed, Progress(), settings).values())
    assert plan.hours_remaining == pytest.approx(total, abs=0.5)
    # the seed states 1 + 5 + 3 + 3 + 4 weeks: the plan holds exactly that, not 640.05 h
    assert plan.hours_remaining == 640
    assert sum(s.hours for s in plan.sessions) == pytest.approx(640)
    remaining = remaining_hours(seed, Progress(), settings)
    assert planned_hours(remaining, "stated") == 640
    assert finish_for(remaining, settings, MON) == plan.finish
    assert (
        plan.hours_remaining
        < schedule(seed, Progress(), Settings(timezone="UTC"), MON).hours_remaining
    )


# -- times across DST ---------------------------------------------------------------------------

DST_WEEKS = [
    (BERLIN, date(2026, 3, 23)),  # clocks forward on Sun 29 March
    (BERLIN, date(2026, 10, 19)),  # back on Sun 25 October
    (NEW_YORK, date(2026, 3, 2)),  # forward on Sun 8 March
    (NEW_YORK, date(2026, 10, 26)),  # back on Sun 1 November
]


@pytest.mark.parametrize(("tz", "monday"), DST_WEEKS, ids=lambda v: str(v))
def test_a_1900_session_stays_1900_local_across_dst(tz: ZoneInfo, monday: date) -> None:
    settings = Settings(
        weekly_hours={d: 1.5 for d in range(7)}, start_times={d: time(19) for d in range(7)}
    )
    plan = lay_out({"a": 1.5 * 14}, {"a": "m"}, settings, monday, tz)
    assert len(plan.sessions) == 14
    offsets = set()
    for i, s in enumerate(plan.sessions):
        assert s.start.date() == monday + timedelta(i)
        assert (s.start.hour, s.start.minute) == (19, 0)
        assert (s.end.hour, s.end.minute) == (20, 30)
        assert real(s.end) - real(s.start) == timedelta(hours=1.5)
        assert s.start.utcoffset() == tz.utcoffset(
            datetime(s.start.year, s.start.month, s.start.day, 19)
        )
        offsets.add(s.start.utcoffset())
    assert len(offsets) == 2  # the week really crossed a change


def test_a_start_in_the_spring_gap_moves_forward_and_lasts_its_hours() -> None:
    settings = Settings(weekly_hours={6: 2.0}, start_times={6: time(2, 30)})
    plan = lay_out({"a": 2.0}, {"a": "m"}, settings, date(2026, 3, 29), BERLIN)
    (s,) = plan.sessions
    assert s.start == datetime(2026, 3, 29, 3, 30, tzinfo=BERLIN)
    assert s.start.utcoffset() == timedelta(hours=2)
    assert real(s.end) - real(s.start) == timedelta(hours=2) and s.end.hour == 5


def test_an_ambiguous_start_is_the_first_one_and_durations_are_real_time() -> None:
    settings = Settings(weekly_hours={6: 2.0}, start_times={6: time(1, 0)}, break_minutes=0)
    plan = lay_out(
        {"a": 1.0, "b": 1.0}, {"a": "m", "b": "m"}, settings, date(2026, 11, 1), NEW_YORK
    )
    first, second = plan.sessions
    assert first.start.utcoffset() == timedelta(hours=-4)  # 01:00 EDT, the first 01:00
    assert real(first.end) - real(first.start) == timedelta(hours=1)
    assert (first.end.hour, first.end.utcoffset()) == (1, timedelta(hours=-5))  # 01:00 EST
    assert real(second.start) == real(first.end)
    assert real(second.end) - real(second.start) == timedelta(hours=1)
    assert (second.end.hour, second.end.utcoffset()) == (2, timedelta(hours=-5))


def real(moment: datetime) -> datetime:
    """In UTC: subtracting two aware datetimes of one zone gives the wall-clock difference."""
    return moment.astimezone(UTC)


@pytest.mark.parametrize(
    "tz_name", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]
)
def test_fast_times_equal_exact_times_over_years(tz_name: str) -> None:
    tz = ZoneInfo(tz_name)
    settings = Settings(
        weekly_hours={0: 1.5, 2: 2.0, 4: 23.0, 6: 6.0},
        start_times={0: time(19), 2: time(0, 30), 4: time(1, 0), 6: time(20)},
        break_minutes=45,
    )
    minutes = [37 + (i * 53) % 400 for i in range(400)]
    layout = _walk(minutes, _Rules.of(settings, tz=tz), date(2025, 12, 29), collect=True)
    ids = [f"t{i}" for i in range(len(minutes))]
    fast, _, _ = _build(layout, ids, ids, tz)
    exact, _, _ = _build(layout, ids, ids, tz, exact=True)
    assert [(s.start, s.end, s.start.utcoffset(), s.end.utcoffset()) for s in fast] == [
        (s.start, s.end, s.start.utcoffset(), s.end.utcoffset()) for s in exact
    ]


# -- nothing loops forever ------------------------------------------------------------------------

ERRORS = [
    (replace(BASE, weekly_hours={}), "no study time: every weekday has 0 study hours"),
    (
        replace(BASE, days_off=(DayOff(date(2026, 5, 1), date.max),)),
        "no study time: days off cover every day from 2026-05-01 on",
    ),
    (
        replace(BASE, weekly_hours={0: 0.25, 3: 0.4}),
        "no study time: the longest study day (24 min) is shorter than the minimum session (30 min)",
    ),
    (
        replace(
            BASE,
            weekly_hours={5: 2.0},
            days_off=tuple(
                DayOff(MON + timedelta(days=5 + 7 * i), MON + timedelta(days=5 + 7 * i))
                for i in range(100)
            ),
        ),
        "no study time: nothing could be planned from 2026-05-04 to 2027-07-05",
    ),
]


@pytest.mark.parametrize(("settings", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_no_study_time_is_an_error_not_a_hang(settings: Settings, message: str) -> None:
    with pytest.raises(ScheduleError) as info:
        plan_of({"a": 10.0}, settings)
    assert str(info.value).startswith(message)


def test_no_study_time_is_fine_when_nothing_is_left() -> None:
    assert plan_of({}, replace(BASE, weekly_hours={})).sessions == ()


def test_a_plan_past_year_9999_is_an_error() -> None:
    with pytest.raises(ScheduleError, match="plan starting 9999-12-30 runs past the calendar"):
        plan_of({"a": 10.0}, BASE, today=date(9999, 12, 30))


def test_a_plan_past_year_9999_names_the_start_date() -> None:
    later = replace(BASE, start_date=date(9999, 12, 31))
    with pytest.raises(ScheduleError) as info:
        plan_of({"a": 10.0}, later, today=date(2026, 1, 5))
    assert str(info.value) == (
        "the plan starting 9999-12-31 runs past the calendar's last day (9999-12-31); "
        "set an earlier start date, or add study hours"
    )


# -- pace --------------------------------------------------------------------------------------

WEEK = Settings(timezone="UTC")  # mon-fri 1.5, sat 4: 11.5 h a week


def test_finish_for_a_weekly_availability() -> None:
    remaining = {"a": 23.0}
    assert finish_for(remaining, WEEK, MON) == date(2026, 5, 16)  # two weeks of 11.5 h
    assert finish_for(remaining, WEEK, MON, {d: 4.0 for d in range(7)}) == date(2026, 5, 9)
    assert finish_for({}, WEEK, MON) is None
    assert finish_for(remaining, WEEK, MON) == plan_of(remaining, WEEK).finish


def test_hours_needed_by_is_the_smallest_half_hour_step() -> None:
    remaining = {"a": 40.0, "b": 17.5}
    target = date(2026, 5, 24)  # three weeks
    pace = hours_needed_by(target, remaining, WEEK, MON)
    assert pace.weekly_hours * 2 == int(pace.weekly_hours * 2)
    assert pace.finish is not None and pace.finish <= target
    shares = proportions(WEEK)
    assert pace.hours[5] / pace.hours[0] == pytest.approx(shares[5] / shares[0], rel=0.01)
    assert pace.hours[6] == 0
    one_step_less = {
        d: h * (pace.weekly_hours - 0.5) / pace.weekly_hours for d, h in pace.hours.items()
    }
    slower = finish_for(remaining, WEEK, MON, one_step_less)
    assert slower is not None and slower > target
    assert finish_for(remaining, WEEK, MON, pace.hours) == pace.finish


def test_hours_needed_by_with_no_hours_spreads_over_weekdays() -> None:
    settings = replace(WEEK, weekly_hours={})
    pace = hours_needed_by(date(2026, 5, 8), {"a": 10.0}, settings, MON)
    assert pace.weekly_hours == 10.0
    assert pace.hours == {0: 2.0, 1: 2.0, 2: 2.0, 3: 2.0, 4: 2.0, 5: 0.0, 6: 0.0}


def test_hours_needed_by_errors() -> None:
    with pytest.raises(
        ScheduleError, match=r"target date 2026-05-01 is before today \(2026-05-04\)"
    ):
        hours_needed_by(date(2026, 5, 1), {"a": 1.0}, WEEK, MON)
    with pytest.raises(ScheduleError, match="cannot finish by 2026-05-05: even 38 h a week"):
        hours_needed_by(date(2026, 5, 5), {"a": 100.0}, WEEK, MON)
    late_start = replace(WEEK, start_date=date(2026, 6, 1))
    with pytest.raises(ScheduleError, match="starts on 2026-06-01"):
        hours_needed_by(date(2026, 5, 20), {"a": 1.0}, late_start, MON)
    assert hours_needed_by(date(2026, 5, 20), {}, WEEK, MON).weekly_hours == 0


# -- slippage -------------------------------------------------------------------------------------


def test_slippage_on_track_behind_and_ahead() -> None:
    remaining = {"a": 10.0, "b": 10.0}
    first = plan_of(remaining, WEEK)
    baseline = make_baseline(first, MON)
    thursday = MON + timedelta(3)  # the baseline planned 4.5 h before Thursday
    on_track = plan_of({"a": 5.5, "b": 10.0}, WEEK, thursday)
    slip = slippage(baseline, on_track, thursday)
    assert (
        slip is not None and slip.expected == pytest.approx(4.5) and slip.done == pytest.approx(4.5)
    )
    assert slip.words() == "on track"
    behind = plan_of({"a": 9.0, "b": 10.0}, WEEK, thursday)
    slip = slippage(baseline, behind, thursday)
    assert (
        slip is not None and slip.words() == "behind by 3.5 h" and slip.hours == pytest.approx(3.5)
    )
    ahead = plan_of({"b": 8.0}, WEEK, thursday)
    slip = slippage(baseline, ahead, thursday)
    assert slip is not None and slip.words() == "ahead by 7.5 h"
    assert slippage(baseline, replace(ahead, basis="stated"), thursday) is None


def test_baseline_is_kept_when_first_made(tmp_path: Path) -> None:
    path = tmp_path / "baselines" / "r.json"
    first = plan_of({"a": 10.0}, WEEK)
    assert ensure_baseline(path, Plan((), None, 0.0), MON) is None and not path.exists()
    made = ensure_baseline(path, first, MON)
    assert made is not None and json.loads(path.read_text()) == made
    later = plan_of({"a": 3.0}, WEEK, MON + timedelta(7))
    assert ensure_baseline(path, later, MON + timedelta(7)) == made  # kept, not replaced
    assert read_baseline(path) == made


def test_a_broken_baseline_is_reported_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(BaselineError, match="delete it to start a new one"):
        ensure_baseline(path, plan_of({"a": 1.0}), MON)
    assert path.read_text(encoding="utf-8") == "{not json"
    assert read_baseline(tmp_path / "missing.json") is None


@pytest.mark.parametrize(
    "days",
    [{}, {"2026-05-04": 1.5}, {"2026-05-04": 1 / 3, "2026-05-05": 4, "2026-05-06": 1e-05}],
)
def test_the_baseline_is_written_as_json_dumps_writes_it(tmp_path: Path, days: dict) -> None:
    data = {**make_baseline(plan_of({"a": 10.0}, WEEK), MON), "days": days}
    assert _baseline_text(data) == json.dumps(data, indent=1) + "\n"
    path = tmp_path / "b.json"
    first = plan_of({"a": 10.0, "b": 0.3}, replace(WEEK, timezone="Europe/Berlin"))
    made = ensure_baseline(path, first, MON)
    assert path.read_text(encoding="utf-8") == json.dumps(made, indent=1) + "\n"


@pytest.mark.parametrize(
    "topics",
    [{}, {"a": 120}, {"a": 120, 'b "quoted" é\n': 5}, {"a": 1.5}, {"a": True}],
)
def test_the_baseline_topics_are_written_as_json_dumps_writes_them(topics: dict) -> None:
    data = {**make_baseline(plan_of({"a": 10.0}, WEEK), MON), "topics": topics}
    data["days"] = data.pop("days")  # the days stay last
    assert _baseline_text(data) == json.dumps(data, indent=1) + "\n"
