"""The learner's day (planner.today) and `planner today`: sessions done and open, next,
missed days, the week so far; marks recorded in the history and undone by undo."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner.cli import main
from planner.progress import Progress, ProgressStore
from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap
from planner.schedule import Plan, make_baseline, schedule
from planner.settings import Settings
from planner.today import done_marks, logged_by_day, mark_session_done, session_key, today_facts

TZ = ZoneInfo("Europe/Berlin")
MONDAY = date(2026, 5, 4)
ROADMAP = """\
id: tiny
title: Tiny roadmap
modules:
  - title: Basics
    topics:
      - title: Alpha
        estimate: 3 hours
      - title: Beta with a very long title that goes on and on and on past any terminal's edge
        estimate: 2 hours
"""
SETTINGS = Settings(
    weekly_hours={d: 1.5 for d in range(7)},
    start_times={d: time(19, 0) for d in range(7)},
    timezone="Europe/Berlin",
    start_date=date(2026, 4, 27),
)


@pytest.fixture
def roadmap(tmp_path: Path) -> Roadmap:
    path = tmp_path / "tiny.yaml"
    path.write_text(ROADMAP, encoding="utf-8")
    return load_roadmap(path)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def plan_of(roadmap: Roadmap, progress: Progress, today: date) -> Plan:
    return schedule(roadmap, progress, SETTINGS, today, TZ)


def test_a_day_before_any_work(roadmap: Roadmap) -> None:
    progress = Progress()
    plan = plan_of(roadmap, progress, MONDAY)
    facts = today_facts(roadmap, progress, plan, MONDAY, at(MONDAY), TZ)
    assert [(s.topic_id, s.start.hour, s.hours, s.done) for s in facts.sessions] == [
        ("alpha", 19, 1.5, False)
    ]
    assert facts.next == facts.sessions[0]
    assert (facts.week_planned, facts.week_done, facts.done_today) == (1.5, 0.0, 0.0)
    late = today_facts(roadmap, progress, plan, MONDAY, at(MONDAY, 21), TZ)
    assert late.next is not None and late.next.start.date() == MONDAY + timedelta(days=1)


def test_marking_a_session_done_logs_it_and_keeps_its_slot(
    roadmap: Roadmap, tmp_path: Path
) -> None:
    store = ProgressStore(tmp_path / "progress.yaml", roadmap)
    session = plan_of(roadmap, store.load(), MONDAY).sessions[0]
    moment = at(MONDAY, 20)
    progress = store.update(
        lambda p: mark_session_done(p, roadmap, session, moment), "test", moment
    )
    assert progress.logged("alpha") == 1.5
    change = next(store.load().history.newest_first())
    assert (change.kind, change.session, change.hours) == ("log", session_key(session), 1.5)
    assert change.summary(roadmap) == "session done: 1.5 h on Alpha"

    progress = store.load()
    plan = plan_of(roadmap, progress, MONDAY)  # re-made: today's 1.5 h are used up
    assert plan.studied == 1.5
    assert plan.sessions[0].start == session.start + timedelta(days=1)
    facts = today_facts(roadmap, progress, plan, MONDAY, moment, TZ)
    assert [(s.topic_id, s.start, s.done) for s in facts.sessions] == [
        ("alpha", session.start, True)
    ]
    assert facts.next is not None and facts.next.start.date() == MONDAY + timedelta(days=1)
    assert (facts.week_done, facts.done_today) == (1.5, 1.5)

    store.update(lambda p: p.undo(), "test", moment)
    progress = store.load()
    assert progress.logged("alpha") == 0
    facts = today_facts(roadmap, progress, plan_of(roadmap, progress, MONDAY), MONDAY, moment, TZ)
    assert not any(s.done for s in facts.sessions) and facts.week_done == 0
    store.update(lambda p: p.redo(), "test", moment)
    progress = store.load()
    assert list(done_marks(progress.history.newest_first())) == [session_key(session)]


def test_a_tracks_session_marked_done_logs_it_on_the_track(
    roadmap: Roadmap, tmp_path: Path
) -> None:
    from dataclasses import replace

    from planner.settings import Track

    settings = replace(SETTINGS, tracks=(Track("Portfolio", 7),))  # 1 h a day, first
    store = ProgressStore(tmp_path / "progress.yaml", roadmap)
    plan = schedule(roadmap, store.load(), settings, MONDAY, TZ)
    moment = at(MONDAY, 18)
    facts = today_facts(roadmap, store.load(), plan, MONDAY, moment, TZ)
    assert [(s.topic_id, s.track, s.start.hour, s.hours, s.last) for s in facts.sessions] == [
        ("Portfolio", "Portfolio", 19, 1.0, False),
        ("alpha", None, 20, 0.5, False),
    ]
    track = plan.sessions[0]
    assert session_key(track) == f"track:Portfolio@{track.start.isoformat()}"
    assert facts.sessions[0].key == session_key(track)

    progress = store.update(lambda p: mark_session_done(p, roadmap, track, moment), "test", moment)
    assert progress.logged("track:Portfolio") == 1.0 and progress.logged("alpha") == 0
    assert progress.state(roadmap, "alpha").value == "todo"  # no topic was started
    change = next(progress.history.newest_first())
    assert (change.kind, change.target, change.session, change.hours) == (
        "log",
        ("track:Portfolio",),
        session_key(track),
        1.0,
    )
    assert change.summary(roadmap) == "session done: 1 h on the track Portfolio"
    plan = schedule(roadmap, progress, settings, MONDAY, TZ)
    # the plan takes the track's hour studied from today (and from the track's share):
    # what is left of today goes to the topics after it, as before the mark
    assert plan.studied == 1.0 and track not in plan.sessions
    assert (plan.sessions[0].topic_id, plan.sessions[0].start.hour) == ("alpha", 20)
    facts = today_facts(roadmap, progress, plan, MONDAY, moment, TZ)
    assert [(s.topic_id, s.track, s.start.hour, s.done) for s in facts.sessions] == [
        ("Portfolio", "Portfolio", 19, True),  # shown once: done, not also still to do
        ("alpha", None, 20, False),
    ]
    assert facts.next is not None and facts.next.topic_id == "alpha"
    assert (facts.week_planned, facts.week_done, facts.done_today) == (1.5, 1.0, 1.0)

    store.update(lambda p: p.undo(), "test", moment)
    progress = store.load()
    assert progress.logged("track:Portfolio") == 0
    plan = schedule(roadmap, progress, settings, MONDAY, TZ)
    assert plan.sessions[0] == track  # undone: the track's session is planned again
    facts = today_facts(roadmap, progress, plan, MONDAY, moment, TZ)
    assert [(s.topic_id, s.done) for s in facts.sessions] == [
        ("Portfolio", False),
        ("alpha", False),
    ]


def test_hours_logged_by_day_net_of_taking_back(roadmap: Roadmap, tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "progress.yaml", roadmap)
    store.update(lambda p: p.log_work(roadmap, "alpha", 2.0, at(MONDAY)), "t", at(MONDAY))
    tuesday = MONDAY + timedelta(days=1)
    store.update(lambda p: p.log_work(roadmap, "alpha", -0.5, at(tuesday)), "t", at(tuesday))
    beta = roadmap.modules[0].topics[1].id
    store.update(lambda p: p.log_work(roadmap, beta, 1.0, at(tuesday)), "t", at(tuesday))
    changes = store.load().history.newest_first()
    assert logged_by_day(changes, TZ) == {MONDAY: 2.0, tuesday: 0.5}
    assert logged_by_day(store.load().history.newest_first(), TZ, since=tuesday) == {tuesday: 0.5}


def test_missed_days_come_from_the_baseline(roadmap: Roadmap, tmp_path: Path) -> None:
    store = ProgressStore(tmp_path / "progress.yaml", roadmap)
    baseline = make_baseline(plan_of(roadmap, Progress(), MONDAY), MONDAY)
    wednesday = MONDAY + timedelta(days=2)
    store.update(lambda p: p.log_work(roadmap, "alpha", 1.0, at(MONDAY)), "t", at(MONDAY))
    progress = store.load()
    plan = plan_of(roadmap, progress, wednesday)
    facts = today_facts(roadmap, progress, plan, wednesday, at(wednesday), TZ, baseline)
    assert [(m.day, m.planned, m.done) for m in facts.missed] == [
        (MONDAY, 1.5, 1.0),
        (MONDAY + timedelta(days=1), 1.5, 0.0),
    ]
    assert facts.week_planned == 1.5 + 1.5 + 1.5  # Mon, Tue from the baseline; today's
    assert facts.week_done == 1.0


# -- planner today -------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    roadmap = tmp_path / "tiny.yaml"
    roadmap.write_text(ROADMAP, encoding="utf-8")
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        'hours: {mon-sun: 3.5}\nstart_times: {weekdays: "19:00", weekend: "09:00"}\n'
        "timezone: Europe/Berlin\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PLANNER_ROADMAP", str(roadmap))
    monkeypatch.setenv("PLANNER_SETTINGS", str(settings))
    return roadmap


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_planner_today_prints_the_day(capsys: pytest.CaptureFixture[str], files: Path) -> None:
    code, out, err = run(capsys, "today", "--today", "2026-05-04")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Today, Mon 4 May 2026"
    assert lines[1].startswith("  [ ] 19:00-22:00  Alpha ") and lines[1].endswith("3 h")
    assert lines[2].startswith("  [ ] 22:00-22:30  Beta with a very long title")
    assert "Next: today 19:00-22:00, Alpha (3 h)" in lines
    assert lines[-1] == "This week so far: 3.5 h planned, 0 h done (today 0 h)."


def test_planner_today_fits_80_columns_and_the_terminal(
    capsys: pytest.CaptureFixture[str], files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    _, out, _ = run(capsys, "today", "--today", "2026-05-04")  # not a terminal: 80
    assert max(len(line) for line in out.splitlines()) == 80
    assert "..." in out
    monkeypatch.setenv("COLUMNS", "120")
    _, wide, _ = run(capsys, "today", "--today", "2026-05-04")
    assert "past any terminal's edge" in wide
    assert max(len(line) for line in wide.splitlines()) <= 120


def test_planner_today_shows_a_marked_session_done(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    roadmap = load_roadmap(files)
    from planner import locations

    store = ProgressStore(locations.progress_path(roadmap.id), roadmap)
    settings = Settings(
        weekly_hours={d: 3.5 for d in range(7)},
        start_times={d: time(19, 0) if d < 5 else time(9, 0) for d in range(7)},
        timezone="Europe/Berlin",
    )
    session = schedule(roadmap, store.load(), settings, MONDAY, TZ).sessions[0]
    moment = at(MONDAY, 22)
    store.update(lambda p: mark_session_done(p, roadmap, session, moment), "test", moment)
    code, out, _ = run(capsys, "today", "--today", "2026-05-04")
    assert code == 0
    assert "  [x] 19:00-22:00  Alpha" in out
    # Alpha's last 10 % stays open until it is marked done: after the session done
    assert "Next: today 22:00-22:18, Alpha (0.3 h)" in out
    # the plan gives today's last 0.5 h (after the 3 h studied) to Alpha's rest: planned
    assert "  [ ] 22:00-22:18  Alpha" in out
    assert "This week so far: 3.3 h planned, 3 h done (today 3 h)." in out


def test_planner_today_bad_date_is_one_line(
    capsys: pytest.CaptureFixture[str], files: Path
) -> None:
    code, out, err = run(capsys, "today", "--today", "someday")
    assert code == 2 and out == ""
    assert err.startswith("planner: --today:") and err.count("\n") == 1


# -- every report fits 80 columns (not a terminal) or the terminal; plan --weeks ---------

LONG = """\
id: long
title: Long
modules:
  - title: A module whose title is far too long for any table that has to fit eighty columns
    topics:
      - title: A topic whose title is also far too long for the eighty columns of a terminal
        estimate: 30 hours
"""


@pytest.fixture
def long_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    roadmap = tmp_path / "long.yaml"
    roadmap.write_text(LONG, encoding="utf-8")
    settings = tmp_path / "settings.yaml"
    settings.write_text('hours: {mon-sun: 2}\ntimezone: "UTC"\n', encoding="utf-8")
    monkeypatch.setenv("PLANNER_ROADMAP", str(roadmap))
    monkeypatch.setenv("PLANNER_SETTINGS", str(settings))
    monkeypatch.delenv("COLUMNS", raising=False)
    return roadmap


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--today", "2026-05-04"],
        ["status"],
        ["validate"],
        ["today", "--today", "2026-05-04"],
    ],
    ids=["plan", "status", "validate", "today"],
)
def test_reports_fit_80_columns_when_not_a_terminal(
    capsys: pytest.CaptureFixture[str], long_files: Path, argv: list[str]
) -> None:
    code, out, _ = run(capsys, *argv)
    assert code == 0
    lines = [line for line in out.splitlines() if "/" not in line]  # paths stay whole
    assert max(len(line) for line in lines) <= 80, out
    assert "..." in out  # the long titles were cut, not dropped


def test_reports_use_the_terminals_width(
    capsys: pytest.CaptureFixture[str], long_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    _, out, _ = run(capsys, "plan", "--today", "2026-05-04")
    assert "also far too long for the eighty" in out  # cut at 80 columns, not at 160
    _, out, _ = run(capsys, "status")
    assert max(len(line) for line in out.splitlines()) > 80


def test_plan_weeks_shows_the_next_n_weeks(
    capsys: pytest.CaptureFixture[str], long_files: Path
) -> None:
    _, out, _ = run(capsys, "plan", "--today", "2026-05-06", "--weeks", "1")
    assert out.count("Week of ") == 1 and "Week of Mon 2026-05-04" in out
    assert "... 20 h more from Mon 2026-05-11 (shown: the next 1 week)" in out
    assert "Finish:           Wed 2026-05-20" in out  # the whole plan's
    _, out, _ = run(capsys, "plan", "--today", "2026-05-06", "--weeks", "2")
    assert out.count("Week of ") == 2 and "shown: the next 2 weeks" in out
    _, whole, _ = run(capsys, "plan", "--today", "2026-05-06", "--weeks", "9")
    assert whole.count("Week of ") == 3 and "more from" not in whole
    with pytest.raises(SystemExit) as exited:  # argparse's usage error: exit 2, one line
        main(["plan", "--weeks", "0"])
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert "argument --weeks: give a whole number of weeks, 1 or more, not '0'" in err


def test_planner_today_names_a_tracks_session(
    capsys: pytest.CaptureFixture[str], files: Path, tmp_path: Path
) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "tracks:\n  - {title: Portfolio, hours: 7}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "today", "--today", "2026-05-04")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[1].startswith("  [ ] 19:00-20:00  Portfolio ") and lines[1].endswith("1 h")
    assert lines[2].startswith("  [ ] 20:00-22:30  Alpha ")
