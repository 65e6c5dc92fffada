"""The plan from today takes the hours already studied today from today's study hours
(planner.schedule.studied_minutes): in every walk, the finish date and the pace answers,
`planner plan`, and the app's agenda and header."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import schedule_shape
from planner.cli import main
from planner.pace import week_effect
from planner.progress import Progress, ProgressStore
from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap
from planner.schedule import (
    Plan,
    _Rules,
    finish_for,
    remaining_hours,
    schedule,
    studied_minutes,
)
from planner.schedule_fast import _walk, _walk_plain, _walk_rules
from planner.settings import Settings, Track
from planner.shape import log_track
from tests.unit.test_schedule_lazy import placed, plain_walks

TZ = ZoneInfo("Europe/Berlin")
THURSDAY = date(2026, 5, 7)
ROADMAP = """\
id: tiny
title: Tiny roadmap
modules:
  - title: Basics
    topics:
      - title: Alpha
        estimate: 3 hours
      - title: Beta
        estimate: 2 hours
"""
SETTINGS = Settings(
    weekly_hours={d: 1.5 for d in range(7)},
    start_times={d: time(19, 0) for d in range(7)},
    timezone="Europe/Berlin",
)


@pytest.fixture
def roadmap(tmp_path: Path) -> Roadmap:
    path = tmp_path / "tiny.yaml"
    path.write_text(ROADMAP, encoding="utf-8")
    return load_roadmap(path)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def logged(roadmap: Roadmap, tmp_path: Path, *logs: tuple[str, float, datetime]) -> Progress:
    """The progress after logging each (topic id or ``track:TITLE``, hours, when)."""
    store = ProgressStore(tmp_path / "progress.yaml", roadmap)

    def log(item: str, hours: float, moment: datetime) -> None:
        if item.startswith("track:"):
            title = item.removeprefix("track:")
            store.update(lambda p: log_track(p, title, hours, moment), "test", moment)
        else:
            store.update(lambda p: p.log_work(roadmap, item, hours, moment), "test", moment)

    for item, hours, moment in logs:
        log(item, hours, moment)
    return store.load()


def today_of(plan: Plan, day: date = THURSDAY) -> list[tuple[str, str, float]]:
    """The plan's sessions on ``day``: (topic or track, HH:MM, hours)."""
    return [
        (s.track or s.topic_id, f"{s.start:%H:%M}", s.hours)
        for s in plan.sessions
        if s.start.date() == day
    ]


def test_a_day_studied_in_full_gets_no_more_sessions(roadmap: Roadmap, tmp_path: Path) -> None:
    progress = logged(roadmap, tmp_path, ("alpha", 1.5, at(THURSDAY, 20, 30)))
    plan = schedule(roadmap, progress, SETTINGS, THURSDAY, TZ)
    assert plan.studied == 1.5 and studied_minutes(progress, SETTINGS, THURSDAY, TZ) == 90
    assert today_of(plan) == []
    assert plan.sessions[0].start == at(THURSDAY + timedelta(days=1), 19)
    # 3.5 h left from Friday: Fri, Sat 1.5 h, Sun 0.5 h (from Thursday it would be Sat)
    assert plan.finish == date(2026, 5, 10)
    left = remaining_hours(roadmap, progress, SETTINGS)
    assert finish_for(left, SETTINGS, THURSDAY, tz=TZ, studied=90) == plan.finish
    assert week_effect(roadmap, progress, SETTINGS, THURSDAY, TZ).finish == plan.finish


def test_an_hour_studied_leaves_half_an_hour_after_it(roadmap: Roadmap, tmp_path: Path) -> None:
    progress = logged(roadmap, tmp_path, ("alpha", 1.0, at(THURSDAY, 20)))
    plan = schedule(roadmap, progress, SETTINGS, THURSDAY, TZ)
    assert plan.studied == 1.0
    assert today_of(plan) == [("alpha", "20:00", 0.5)]  # from the start time, 1 h later
    assert today_of(plan, THURSDAY + timedelta(days=1)) == [
        ("alpha", "19:00", 1.5),
    ]


def test_hours_studied_on_another_day_or_undone_change_nothing(
    roadmap: Roadmap, tmp_path: Path
) -> None:
    wednesday = THURSDAY - timedelta(days=1)
    progress = logged(roadmap, tmp_path, ("alpha", 1.0, at(wednesday, 20)))
    plan = schedule(roadmap, progress, SETTINGS, THURSDAY, TZ)
    assert plan.studied == 0 and today_of(plan) == [("alpha", "19:00", 1.5)]
    # the same hours logged as a plan made without any history: the same plan
    bare = Progress()
    bare.log_work(roadmap, "alpha", 1.0, at(wednesday, 20))
    assert tuple(schedule(roadmap, bare, SETTINGS, THURSDAY, TZ).sessions) == tuple(plan.sessions)
    # logged today, then undone: nothing studied today
    store = ProgressStore(tmp_path / "progress.yaml", roadmap)
    store.update(lambda p: p.log_work(roadmap, "alpha", 1.0, at(THURSDAY, 9)), "t", at(THURSDAY, 9))
    store.update(lambda p: p.undo(), "t", at(THURSDAY, 10))
    again = schedule(roadmap, store.load(), SETTINGS, THURSDAY, TZ)
    assert again.studied == 0 and today_of(again) == [("alpha", "19:00", 1.5)]
    # a plan that starts later (start_date) keeps its first day whole
    later = replace(SETTINGS, start_date=THURSDAY + timedelta(days=1))
    (tmp_path / "other").mkdir()
    progress = logged(roadmap, tmp_path / "other", ("alpha", 1.0, at(THURSDAY, 11)))
    assert studied_minutes(progress, later, THURSDAY, TZ) == 0
    plan = schedule(roadmap, progress, later, THURSDAY, TZ)
    assert today_of(plan, THURSDAY + timedelta(days=1)) == [("alpha", "19:00", 1.5)]
    assert studied_minutes(progress, SETTINGS, THURSDAY, TZ) == 60  # (from today: taken)


@pytest.mark.parametrize(
    "variant",
    ["plain", "breaks", "cap", "end times", "busy", "pinned later", "a track"],
)
def test_every_walk_takes_the_hours_studied_from_today(
    roadmap: Roadmap, tmp_path: Path, variant: str
) -> None:
    """The same rule in the plain and general walks, around busy times and end times, and
    in the shaped walk (pins, tracks)."""
    from planner.shape import add_pin

    s = SETTINGS
    busy: tuple[tuple[int, int], ...] = ()
    if variant == "breaks":
        s = replace(s, break_minutes=10)
    elif variant == "cap":
        s = replace(s, max_topic_hours_per_day=0.5)
    elif variant == "end times":
        s = replace(s, end_times={d: time(23, 0) for d in range(7)})
    elif variant == "busy":  # a busy time well after the day's window
        midnight = int((at(THURSDAY, 23) - datetime(1970, 1, 1, tzinfo=TZ)).total_seconds() // 60)
        busy = ((midnight, midnight + 30),)
    elif variant == "a track":
        s = replace(s, tracks=(Track("Portfolio", 3.5),))  # 0.5 h a day
    progress = logged(roadmap, tmp_path, ("alpha", 1.0, at(THURSDAY, 20)))
    if variant == "pinned later":
        add_pin(
            roadmap, progress, "beta", at(THURSDAY + timedelta(days=3), 9), 60, at(THURSDAY, 21)
        )
    plan = schedule(roadmap, progress, s, THURSDAY, TZ, busy=busy)
    assert plan.studied == 1.0
    today = today_of(plan)
    assert today and today[0][1] == "20:00"
    assert sum(h for _, _, h in today) == 0.5
    if variant == "a track":  # its share first, as on any day
        assert today == [("Portfolio", "20:00", 0.5)]
        schedule_shape._FAST = False  # the day-by-day walk agrees
        try:
            slow = schedule(roadmap, progress, s, THURSDAY, TZ)
        finally:
            schedule_shape._FAST = True
        assert tuple(slow.sessions) == tuple(plan.sessions) and slow.finish == plan.finish
    if variant in ("plain", "breaks", "cap"):  # the pace answers agree with the plan
        left = remaining_hours(roadmap, progress, s)
        assert finish_for(left, s, THURSDAY, tz=TZ, studied=60) == plan.finish


def test_a_tracks_hours_studied_come_off_its_share(roadmap: Roadmap, tmp_path: Path) -> None:
    s = replace(SETTINGS, tracks=(Track("Portfolio", 3.5),))  # 0.5 h a day, first
    before = schedule(roadmap, Progress(), s, THURSDAY, TZ)
    assert today_of(before) == [("Portfolio", "19:00", 0.5), ("alpha", "19:30", 1.0)]
    progress = logged(roadmap, tmp_path, ("track:Portfolio", 0.5, at(THURSDAY, 19, 30)))
    plan = schedule(roadmap, progress, s, THURSDAY, TZ)
    assert today_of(plan) == [("alpha", "19:30", 1.0)]  # the topic keeps its hour


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_walks(), st.sampled_from([1, 15, 30, 60, 90, 600, 2000]), st.booleans())
def test_fast_walk_takes_what_was_studied_as_the_general_walk_does(
    case: tuple[list[int], _Rules, date], used: int, collect: bool
) -> None:
    minutes, rules, today = case
    rules = replace(rules, used=(today.toordinal(), used))
    general = placed(_walk_rules, minutes, rules, today, collect)
    assert placed(_walk_plain, minutes, rules, today, collect) == general
    assert placed(_walk, minutes, rules, today, collect) == general


def test_planner_log_then_plan_has_no_session_today(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "tiny.yaml").write_text(ROADMAP, encoding="utf-8")
    (tmp_path / "settings.yaml").write_text(
        "hours: {mon-fri: 1.5, sat: 1.5, sun: 1.5}\n"
        'start_times: {weekdays: "19:00", weekend: "19:00"}\ntimezone: Europe/Berlin\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("PLANNER_ROADMAP", str(tmp_path / "tiny.yaml"))
    monkeypatch.setenv("PLANNER_SETTINGS", str(tmp_path / "settings.yaml"))

    def plan() -> dict[str, object]:
        assert main(["plan", "--json"]) == 0
        data: dict[str, object] = json.loads(capsys.readouterr().out)
        return data

    today = datetime.now(TZ).date().isoformat()
    before = plan()
    assert before["sessions"][0]["start"].startswith(today)  # type: ignore[index]
    assert main(["log", "alpha", "1.5h"]) == 0
    capsys.readouterr()
    after = plan()
    starts = [s["start"] for s in after["sessions"]]  # type: ignore[attr-defined]
    assert starts and not any(start.startswith(today) for start in starts)
    # the 1.5 h studied were today's: the finish stays (it was a day early before)
    assert after["finish"] == before["finish"]
