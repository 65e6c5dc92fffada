"""planner.pace: what a week of study gives, in the words every face uses."""

from __future__ import annotations

from datetime import date, timezone
from pathlib import Path

from planner.pace import WeekEffect, week_effect
from planner.progress import Progress
from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap
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
