"""planner.pace: what a week of study gives, in the words every face uses."""

from __future__ import annotations

from datetime import date, time, timedelta, timezone
from pathlib import Path

import pytest

from planner.pace import WeekEffect, hours_until, scope_slippage, standing, week_effect
from planner.progress import Progress
from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap
from planner.schedule import ScheduleError, lay_out, make_baseline
from planner.settings import Settings

SEED = load_roadmap(Path(__file__).resolve().parents[2] / "roadmap.yaml")
UTC = timezone.utc


def test_the_seed_at_the_default_week_says_what_its_estimate_assumes() -> None:
    effect = week_effect(SEED, Progress(), Settings(timezone="UTC"), date(2026, 12, 3), UTC)
    assert effect.sentence() == (
        "at 11.5 h a week you finish on Thu 29 Jun 2028; the roadmap's ~17 weeks assume 40 h a week"
    )


def test_the_assumed_week_follows_hours_per_day() -> None:
    settings = Settings(timezone="UTC", hours_per_day=6)
    effect = week_effect(SEED, Progress(), settings, date(2026, 12, 3), UTC)
    assert effect.sentence().endswith("the roadmap's ~17 weeks assume 30 h a week")


def test_more_hours_finish_sooner() -> None:
    week = {d: 3.0 for d in range(5)} | {5: 5.0, 6: 0.0}
    settings = Settings(timezone="UTC", weekly_hours=week)
    effect = week_effect(SEED, Progress(), settings, date(2026, 12, 3), UTC)
    default = week_effect(SEED, Progress(), Settings(timezone="UTC"), date(2026, 12, 3), UTC)
    assert effect.weekly_hours == 20
    assert effect.finish is not None and default.finish is not None
    assert effect.finish < default.finish
    assert effect.sentence().startswith("at 20 h a week you finish on ")


def test_no_hours_and_impossible_weeks_are_words_not_errors() -> None:
    none = Settings(timezone="UTC", weekly_hours=dict.fromkeys(range(7), 0.0))
    assert week_effect(SEED, Progress(), none, date(2026, 12, 3), UTC).sentence() == (
        "0 h a week: give at least one weekday some study hours"
    )
    late = Settings(timezone="UTC", weekly_hours={0: 8.0})
    assert week_effect(SEED, Progress(), late, date(2026, 12, 3), UTC).sentence() == (
        'mon: 8 h from 19:00 runs past midnight; set an earlier start time (start_times: mon: "09:00") '
        "or fewer hours"
    )


def test_a_roadmap_without_a_stated_estimate_and_nothing_left() -> None:
    empty = Roadmap("r", "R", ())
    effect = week_effect(empty, Progress(), Settings(timezone="UTC"), date(2026, 12, 3), UTC)
    assert effect == WeekEffect(11.5, None, None, None, 40.0)
    assert effect.sentence() == "nothing left to plan: every topic is done or skipped"


# -- standing: skipped work out of both sides, dates, a way back ------------------------


MON = date(2026, 5, 4)
WEEK = Settings(
    weekly_hours={d: 2.0 for d in range(5)} | {5: 0.0, 6: 0.0},
    start_times=dict.fromkeys(range(7), time(19)),
    timezone="UTC",
)


def _plan(remaining: dict[str, float], today: date = MON):  # type: ignore[no-untyped-def]
    return lay_out(remaining, lambda t: "m", WEEK, today, UTC)


def test_skipped_work_leaves_both_sides() -> None:
    # a: Mon, b: Tue, c: Wed-Thu, each day 2 h
    baseline = make_baseline(_plan({"a": 2.0, "b": 2.0, "c": 4.0}), MON)
    assert baseline["topics"] == {"a": 120, "b": 120, "c": 240}
    thursday = MON + timedelta(days=3)
    now = _plan({"a": 2.0, "c": 4.0}, thursday)  # nothing done; b skipped
    plain = scope_slippage(baseline, now, thursday, set())
    assert plain is not None and plain.state == "behind" and plain.hours == 4.0  # 6 - 2
    scoped = scope_slippage(baseline, now, thursday, {"b"})
    assert scoped is not None
    assert (scoped.expected, scoped.done, scoped.dropped) == (4.0, 0.0, 2.0)
    assert scoped.words() == "behind by 4 h"  # not 'behind by 2 h': skipping is not work


def test_an_old_baseline_without_topics_is_measured_as_before() -> None:
    baseline = make_baseline(_plan({"a": 2.0, "b": 2.0}), MON)
    del baseline["topics"]
    now = _plan({"a": 2.0}, MON + timedelta(days=2))
    slip = scope_slippage(baseline, now, MON + timedelta(days=2), {"b"})
    assert slip is not None and slip.dropped == 0 and slip.hours == 2.0


def test_standing_in_dates_with_a_way_back() -> None:
    remaining = {"a": 10.0}
    baseline = make_baseline(_plan(remaining), MON)  # Mon to Fri of the first week
    later = MON + timedelta(days=7)
    now = _plan(remaining, later)
    where = standing(baseline, now, remaining, WEEK, later, UTC, set())
    assert where is not None
    assert where.lines() == [
        "finish Fri 15 May 2026, 1 week later than planned on 4 May (behind by 10 h)",
        "+2.5 h a week for the next 4 weeks gets you back on the plan",
        "against the plan kept on Mon 4 May 2026; skipped work is left out of both sides",
    ]


def test_no_catch_up_that_fits_before_midnight_is_said() -> None:
    full = Settings(
        weekly_hours={d: 5.0 for d in range(7)},
        start_times=dict.fromkeys(range(7), time(19)),
        timezone="UTC",
    )
    remaining = {"a": 400.0}
    baseline = make_baseline(lay_out(remaining, lambda t: "m", full, MON, UTC), MON)
    later = MON + timedelta(days=70)
    now = lay_out(remaining, lambda t: "m", full, later, UTC)
    where = standing(baseline, now, remaining, full, later, UTC, set())
    assert where is not None and where.catch_up is None
    assert where.lines()[1] == "no catch-up fits before midnight: plan a later finish"


def test_hours_until_in_quarter_hours_and_the_start_to_move() -> None:
    pace = hours_until(MON + timedelta(days=4), {"a": 15.0}, WEEK, MON, UTC)
    assert pace.hours == {0: 3.0, 1: 3.0, 2: 3.0, 3: 3.0, 4: 3.0, 5: 0.0, 6: 0.0}
    assert pace.moves == {} and pace.finish == MON + timedelta(days=4)
    today_only = hours_until(MON, {"a": 7.25}, WEEK, MON, UTC)
    assert today_only.hours[0] == 7.25 and today_only.moves[0] == time(16, 45)
    assert today_only.move_lines(WEEK)[0] == (
        "mon: 7:15 h from 19:00 runs past midnight; start at 16:45 or earlier"
    )
    with pytest.raises(ScheduleError, match="is before today"):
        hours_until(MON - timedelta(days=1), {"a": 1.0}, WEEK, MON, UTC)
    with pytest.raises(ScheduleError, match="cannot finish by 2026-05-04: even 120 h a week"):
        hours_until(MON, {"a": 100.0}, WEEK, MON, UTC)
    assert hours_until(MON, {}, WEEK, MON, UTC).finish is None
