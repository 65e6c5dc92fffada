"""The Today tab: the app opens on it; space marks a session done (undoable), l logs
other hours, enter shows the topic; the same keys act on a session in the agenda."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from planner.progress import State
from planner.settings import Settings
from planner.today import session_key
from planner.tui.screens.confirm import ConfirmScreen
from planner.tui.screens.log_hours import LogHoursScreen
from planner.tui.widgets.today_view import TodayView
from tests.tui.conftest import NOW, SETTINGS, TODAY, AppFactory, saved, small_roadmap

ONE_SESSION = """\
id: small
title: Small
modules:
  - id: m
    title: Module
    topics:
      - {id: short, title: Short topic, estimate: 1 hour}
      - {id: long, title: Long topic, estimate: 40 hours}
"""


def view_of(app: object) -> TodayView:
    return app.screen_stack[0].query_one("#today", TodayView)  # type: ignore[attr-defined]


def text_of(app: object) -> str:
    return view_of(app).render().plain


def notes(app: object) -> list[Any]:
    return list(app._notifications)  # type: ignore[attr-defined]


async def test_the_app_opens_on_today_with_its_sessions(make_app: AppFactory) -> None:
    app = make_app(first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.active_tab == "today"
        assert isinstance(app.focused, TodayView)
        text = text_of(app)
        assert text.startswith("Today, Mon 2 Mar 2026")
        first = app.plan.sessions[0]
        assert first.start.date() == TODAY
        title = app.roadmap.topic(first.topic_id).title
        assert f"{first.start:%H:%M}–{first.end:%H:%M}  {title}" in text
        assert "This week so far" in text
        await pilot.press("r")
        await pilot.pause()
        assert app.active_tab == "roadmap"
        await pilot.press("d")
        await pilot.pause()
        assert app.active_tab == "today" and isinstance(app.focused, TodayView)


async def test_space_marks_the_session_done_and_undo_takes_it_back(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app(first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        session = app.plan.sessions[0]
        await pilot.press("space")
        await pilot.pause()
        progress = saved(progress_path, app.roadmap)
        assert progress.logged(session.topic_id) == session.hours
        assert progress.state(app.roadmap, session.topic_id) is State.IN_PROGRESS
        newest = next(progress.history.newest_first())
        assert newest.kind == "log" and newest.session == session_key(session)
        facts = view_of(app).facts
        assert facts is not None
        done = [s for s in facts.sessions if s.done]
        assert [(s.topic_id, s.start) for s in done] == [(session.topic_id, session.start)]
        assert "✓" in text_of(app)
        await pilot.press("space")  # on the next open session (or said why not)
        await pilot.pause()
        await pilot.press("ctrl+z", "ctrl+z")
        await pilot.pause()
        progress = saved(progress_path, app.roadmap)
        assert progress.logged(session.topic_id) == 0
        facts = view_of(app).facts
        assert facts is not None and not any(s.done for s in facts.sessions)


async def test_a_done_session_says_so_on_a_second_space(make_app: AppFactory) -> None:
    app = make_app(first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        view = view_of(app)
        view.cursor = next(i for i, s in enumerate(view.actionable) if s.done)
        await pilot.press("space")
        await pilot.pause()
        assert any("already done" in n.message for n in app._notifications)


async def test_space_on_a_tracks_session_logs_it_on_the_track(
    make_app: AppFactory, progress_path: Path
) -> None:
    """As a topic's: its hours logged (on ``track:TITLE``, as ``planner log TRACK``),
    shown done at once and after the re-plan, said done on a second space, undone."""
    from dataclasses import replace

    from planner.settings import Track

    settings = replace(SETTINGS, tracks=(Track("Portfolio project", 7),))  # 1 h a day
    app = make_app(settings=settings, first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        view = view_of(app)
        track = next(s for s in app.plan.sessions if s.track == "Portfolio project")
        assert track.start.date() == TODAY
        view.cursor = next(
            i for i, s in enumerate(view.actionable) if s.track == "Portfolio project"
        )
        await pilot.press("space")
        await pilot.pause()
        assert app.screen is app.screen_stack[0]  # no "topic done?" for a track
        progress = saved(progress_path, app.roadmap)
        assert progress.logged("track:Portfolio project") == track.hours
        assert progress.entries.keys() == {"track:Portfolio project"}  # no topic touched
        newest = next(progress.history.newest_first())
        assert (newest.kind, newest.session) == ("log", session_key(track))
        facts = view.facts
        assert facts is not None
        rows = [(s.topic_id, s.start, s.done) for s in facts.sessions if s.track is not None]
        assert rows == [("Portfolio project", track.start, True)]  # once, done
        line = next(li for li in text_of(app).splitlines() if "Portfolio project" in li)
        assert line.lstrip().startswith("✓")
        assert any("logged on the track Portfolio project" in n.message for n in notes(app))

        view.cursor = next(i for i, s in enumerate(view.actionable) if s.done)
        await pilot.press("space")
        await pilot.pause()
        assert any("'Portfolio project' is already done (ctrl+z" in n.message for n in notes(app))
        assert saved(progress_path, app.roadmap).logged("track:Portfolio project") == track.hours

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert saved(progress_path, app.roadmap).logged("track:Portfolio project") == 0
        facts = view.facts
        assert facts is not None and not any(s.done for s in facts.sessions)


async def test_the_last_session_of_a_topic_asks_whether_the_topic_is_done(
    make_app: AppFactory, tmp_path: Path, progress_path: Path
) -> None:
    roadmap, path = small_roadmap(tmp_path, ONE_SESSION)
    three = Settings(timezone="UTC", start_date=TODAY, weekly_hours=dict.fromkeys(range(7), 3.0))
    app = make_app(roadmap, roadmap_path=path, settings=three, first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert view_of(app).current is not None
        assert view_of(app).current.topic_id == "short"  # type: ignore[union-attr]
        assert "last session" in text_of(app)
        facts = view_of(app).facts
        assert facts is not None
        assert [s.topic_id for s in facts.sessions] == ["short", "long"]  # both today
        await pilot.press("space")
        await pilot.pause()
        current = view_of(app).current  # on to today's next open session: Short's last 10 %
        assert current is not None and not current.done and view_of(app).cursor == 1
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        # the topic done: its last 10 % is no longer planned; the cursor goes on
        assert view_of(app).current.topic_id == "long"  # type: ignore[union-attr]
        progress = saved(progress_path, roadmap)
        assert progress.state(roadmap, "short") is State.DONE
        assert progress.logged("short") == 1.0


async def test_l_logs_other_hours_and_enter_shows_the_topic(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app(first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        topic = app.plan.sessions[0].topic_id
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogHoursScreen)
        app.screen.query_one(Input).value = "45m"
        await pilot.press("enter")
        await pilot.pause()
        assert saved(progress_path, app.roadmap).logged(topic) == 0.75
        await pilot.press("enter")
        await pilot.pause()
        assert app.active_tab == "roadmap"
        node = app.roadmap_tree.cursor_node
        assert node is not None and node.data is not None and node.data.id == topic


async def test_keys_on_a_day_without_sessions_say_why(make_app: AppFactory) -> None:
    off = Settings(timezone="UTC", start_date=date(2026, 3, 9))  # the plan starts next week
    app = make_app(settings=off, first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "No study session planned today." in text_of(app)
        assert "Next  Mon 9 Mar" in text_of(app)
        view_of(app).actionable.clear()
        for key in ("space", "l", "enter", "down"):
            await pilot.press(key)
            await pilot.pause()
        said = [n.message for n in app._notifications]
        assert sum("Nothing to act on" in m for m in said) == 3
        assert any("No session to move to" in m for m in said)
        for key in ("i", "s", "u", "o"):  # the tree's keys: said where they work
            await pilot.press(key)
            await pilot.pause()
        said = [n.message for n in app._notifications]
        assert sum("works on an item in the Roadmap tab" in m for m in said) == 4
        assert app.progress.entries == {}


async def test_space_and_l_act_on_a_session_in_the_agenda(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app(first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        session = app.plan.sessions[0]
        await pilot.press("space")
        await pilot.pause()
        progress = saved(progress_path, app.roadmap)
        assert progress.logged(session.topic_id) == session.hours
        assert next(progress.history.newest_first()).session == session_key(session)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogHoursScreen)


async def test_marking_done_is_recorded_at_the_injected_time(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app(first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        newest = next(saved(progress_path, app.roadmap).history.newest_first())
        assert newest.at == NOW and newest.source == "app"


# -- the calendar: finish day, hours logged on past days, enter on a day ----------------


async def test_calendar_marks_the_finish_logged_hours_and_lists_a_day(
    make_app: AppFactory, tmp_path: Path, progress_path: Path
) -> None:
    from datetime import datetime, timezone

    from planner.progress import ProgressStore
    from planner.tui.screens.day import DayScreen
    from planner.tui.widgets.month_calendar import MonthCalendar

    roadmap, path = small_roadmap(tmp_path, ONE_SESSION)
    friday = datetime(2026, 2, 27, 20, tzinfo=timezone.utc)
    ProgressStore(progress_path, roadmap).update(
        lambda p: p.log_work(roadmap, "long", 2.0, friday), "test", friday
    )
    app = make_app(roadmap, roadmap_path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        calendar = app.screen.query_one(MonthCalendar)
        assert calendar.logged == {date(2026, 2, 27): 2.0}
        grid = calendar.render_grid(calendar._grid.size.width).plain
        assert "✓ 2 h" in grid  # Fri 27 Feb, shown in March's first week
        finish = app.plan.finish
        assert finish is not None and finish.month == 3
        assert f"{finish.day} finish" in grid
        await pilot.press("enter")  # today
        await pilot.pause()
        assert isinstance(app.screen, DayScreen)
        body = str(app.screen.query_one("#day-body").render())
        first = app.plan.sessions[0]
        assert first.topic_id == "long"  # hours logged on it: in progress, so first
        assert f"{first.start:%H:%M}–{first.end:%H:%M}  Long topic" in body
        assert "0 h logged this day." in body
        await pilot.press("escape")
        await pilot.pause()
        calendar.select_day(date(2026, 2, 27))
        await pilot.press("enter")
        await pilot.pause()
        body = str(app.screen.query_one("#day-body").render())
        assert "No session planned." in body and "2 h logged this day." in body
        await pilot.press("escape")
        calendar.select_day(finish)
        await pilot.press("enter")
        await pilot.pause()
        assert "The plan finishes this day." in str(app.screen.query_one("#day-body").render())


LONG_ONLY = """\
id: small
title: Small
modules:
  - id: m
    title: Module
    topics:
      - {id: long, title: Long topic, estimate: 40 hours}
"""


async def test_a_session_done_uses_up_today_in_the_agenda_and_the_header(
    make_app: AppFactory,
    tmp_path: Path,
    progress_path: Path,
    settings_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Today's hours studied come off the plan from today (``Plan.studied``): the agenda
    goes on tomorrow, and the header's finish date is the one ``planner plan`` gives."""
    import json

    from planner.cli import main
    from planner.settings import dump_settings
    from planner.tui.widgets.agenda import Agenda
    from planner.tui.widgets.header import ProgressHeader

    roadmap, path = small_roadmap(tmp_path, LONG_ONLY)
    settings = Settings(timezone="UTC", start_date=TODAY, weekly_hours=dict.fromkeys(range(7), 1.5))
    settings_path.write_text(dump_settings(settings), encoding="utf-8")
    app = make_app(roadmap, roadmap_path=path, settings=settings, first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        before = app.plan.finish
        assert app.plan.sessions[0].start.date() == TODAY and before is not None
        await pilot.press("space")  # Today's session (1.5 h of Long topic): done
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert saved(progress_path, roadmap).logged("long") == 1.5
        assert app.plan.studied == 1.5
        facts = view_of(app).facts
        assert facts is not None and [s.done for s in facts.sessions] == [True]
        await app.action_show_tab("agenda")
        await pilot.pause()
        agenda = app.screen.query_one(Agenda)
        agenda.action_first()
        first = agenda.cursor_session
        assert first is not None and first.start.date() == TODAY + timedelta(days=1)
        finish = app.plan.finish
        assert finish == before  # the 1.5 h were today's: the finish stays
        header = app.screen.query_one(ProgressHeader).text
    argv = ["plan", "--json", "--today", TODAY.isoformat(), "--roadmap", str(path)]
    argv += ["--progress", str(progress_path), "--settings", str(settings_path)]
    assert main(argv) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["finish"] == finish.isoformat()
    assert not any(s["start"].startswith(TODAY.isoformat()) for s in data["sessions"])
    assert f"finish {finish:%a} {finish.day} {finish:%b %Y}" in header
