"""The app's keys for the learner's shape of the plan (issue 15): ``n`` puts the highlighted
topic first, ``[`` / ``]`` move it up and down the queue; ``p`` / ``P`` on an agenda
session pin it where it is and take its topic's pins away. All saved in the progress file,
in its history."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.progress import State
from planner.shape import open_queue, pins_of
from planner.tui.app import PlannerApp
from planner.tui.widgets.roadmap_tree import RoadmapTree
from planner.tui.widgets.today_view import TodayView

from .conftest import AppFactory, saved

DJANGO = "django-deep-dive"


def tree_of(app: PlannerApp) -> RoadmapTree:
    return app.screen.query_one("#tree", RoadmapTree)


def messages(app: PlannerApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_n_puts_the_highlighted_topic_first(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree_of(app).select_id(DJANGO)
        await pilot.pause()
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        on_disk = saved(progress_path, app.roadmap)
        assert on_disk.order == [DJANGO]
        assert on_disk.history.changes()[-1].summary(app.roadmap) == "next Django Deep Dive"
        assert app.plan.sessions[0].topic_id == DJANGO
        assert "'Django Deep Dive' comes next." in messages(app)
        await pilot.press("ctrl+z")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert saved(progress_path, app.roadmap).order == []
        assert app.plan.sessions[0].topic_id != DJANGO


@pytest.mark.parametrize("where, key", [("subtopic", "space"), ("topic", "i")])
async def test_starting_a_topic_brings_it_to_the_front_of_the_plan_and_today(
    make_app: AppFactory, progress_path: Path, where: str, key: str
) -> None:
    # no order set: a topic started (a subtopic done with space, or the topic itself
    # marked in progress) comes first in the plan, the queue and Today
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        roadmap = app.roadmap
        assert app.plan.sessions[0].topic_id != DJANGO
        target = roadmap.topic(DJANGO).subtopics[0].id if where == "subtopic" else DJANGO
        tree_of(app).select_id(target)
        await pilot.pause()
        await pilot.press(key)
        await app.workers.wait_for_complete()
        await pilot.pause()
        on_disk = saved(progress_path, roadmap)
        assert on_disk.state(roadmap, DJANGO) is State.IN_PROGRESS and on_disk.order == []
        assert open_queue(roadmap, on_disk)[0] == DJANGO
        assert app.plan.sessions[0].topic_id == DJANGO
        await pilot.press("d")
        await pilot.pause()
        today = app.screen.query_one("#today", TodayView)
        facts = today.facts
        assert facts is not None and facts.sessions[0].topic_id == DJANGO
        assert facts.next is not None and facts.next.topic_id == DJANGO
        assert roadmap.topic(DJANGO).title in today.render().plain


async def test_the_palettes_study_next_puts_the_highlighted_topic_first(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree_of(app).select_id(DJANGO)
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"study next")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert saved(progress_path, app.roadmap).order == [DJANGO]
        assert "'Django Deep Dive' comes next." in messages(app)


async def test_brackets_move_a_topic_up_and_down(make_app: AppFactory, progress_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        roadmap = app.roadmap
        first, second = open_queue(roadmap, saved(progress_path, roadmap))[:2]
        tree_of(app).select_id(second)
        await pilot.pause()
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert open_queue(roadmap, saved(progress_path, roadmap))[:2] == [second, first]
        await pilot.press("left_square_bracket")  # already first: said, nothing saved
        await pilot.pause()
        assert any(m.endswith("is already first in the queue.") for m in messages(app))
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert open_queue(roadmap, saved(progress_path, roadmap))[:2] == [first, second]


async def test_the_queue_keys_on_a_module_say_why_not(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree_of(app).select_id(app.roadmap.modules[0].id)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert any(m.startswith("The queue holds topics") for m in messages(app))
        assert not progress_path.exists()


async def test_a_closed_topic_is_not_moved(make_app: AppFactory, progress_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.set_state(DJANGO, State.DONE)
        await pilot.pause()
        tree_of(app).select_id(DJANGO)
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert any("is closed" in m for m in messages(app))
        assert saved(progress_path, app.roadmap).order == []


async def test_p_pins_an_agenda_session_and_shift_p_unpins(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one("#agenda-view")
        await pilot.press("down", "down")
        await pilot.pause()
        session = agenda.cursor_session  # type: ignore[attr-defined]
        assert session is not None
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("enter")  # the form holds the session's date, time and hours
        await app.workers.wait_for_complete()
        await pilot.pause()
        pins = pins_of(saved(progress_path, app.roadmap))
        assert [(p.topic_id, p.minutes) for p in pins] == [
            (session.topic_id, round(session.hours * 60))
        ]
        assert pins[0].start == session.start.replace(tzinfo=None)
        assert any(
            s.topic_id == session.topic_id and s.start == session.start for s in app.plan.sessions
        )
        await pilot.press("P")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert saved(progress_path, app.roadmap).pins == []


async def test_track_sessions_show_in_the_agenda_in_their_own_colour(
    make_app: AppFactory,
) -> None:
    from dataclasses import replace

    from planner.settings import Track
    from planner.tui.widgets.month_calendar import TRACK_COLOR

    from .conftest import SETTINGS

    settings = replace(SETTINGS, tracks=(Track("Portfolio project", 3),))
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one("#agenda-view")
        track = [s for s in app.plan.sessions if s.track == "Portfolio project"]
        assert track
        rows = [agenda.render_line(y).text for y in range(agenda.size.height)]  # type: ignore[attr-defined]
        assert any("Portfolio project" in row for row in rows)
        strips = [agenda.render_line(y) for y in range(agenda.size.height)]  # type: ignore[attr-defined]
        colours = {
            seg.style.color.triplet.hex
            for strip in strips
            if "Portfolio project" in strip.text
            for seg in strip
            if seg.text == "▌ " and seg.style and seg.style.color and seg.style.color.triplet
        }
        assert colours == {TRACK_COLOR.hex.lower()}


async def test_p_pins_a_session_at_the_date_and_time_typed(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one("#agenda-view")
        session = agenda.cursor_session  # type: ignore[attr-defined]
        assert session is not None
        await pilot.press("p")
        await pilot.pause()
        field = app.screen.query_one("#prompt-input")
        field.value = "2026-03-04 07:15 2"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (pin,) = pins_of(saved(progress_path, app.roadmap))
        assert (pin.topic_id, pin.start.isoformat(), pin.minutes) == (
            session.topic_id,
            "2026-03-04T07:15:00",
            120,
        )
        assert any(
            s.topic_id == session.topic_id and s.start.isoformat().startswith("2026-03-04T07:15")
            for s in app.plan.sessions
        )
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = "2026-03-01 07:15"  # type: ignore[attr-defined]
        await pilot.press("enter")  # in the past: said, nothing else saved
        await pilot.pause()
        assert any("is in the past" in m for m in messages(app))
        assert len(pins_of(saved(progress_path, app.roadmap))) == 1


async def test_p_refuses_a_pin_on_a_busy_time(make_app: AppFactory, progress_path: Path) -> None:
    from datetime import datetime

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        busy_from = datetime(2026, 3, 5, 7, 0, tzinfo=app.tz)
        start = int(busy_from.timestamp() // 60)
        app.busy = ((start, start + 120),)  # as the busy worker sets them
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        app.screen.query_one("#prompt-input").value = "2026-03-05 08:00 1"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("is on a busy time (07:00-09:00)" in m for m in messages(app))
        assert pins_of(saved(progress_path, app.roadmap)) == []


async def test_space_and_l_on_a_track_session_log_on_the_track_enter_says_why_not(
    make_app: AppFactory, progress_path: Path
) -> None:
    from dataclasses import replace

    from textual.widgets import Input

    from planner.settings import Track
    from planner.tui.screens.log_hours import LogHoursScreen

    from .conftest import SETTINGS

    settings = replace(SETTINGS, tracks=(Track("Portfolio project", 3),))
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one("#agenda-view")
        rows = agenda._rows  # type: ignore[attr-defined]
        at = next(
            i
            for i, row in enumerate(rows)
            if getattr(getattr(row, "session", None), "track", None) == "Portfolio project"
        )
        agenda.cursor_row = at  # type: ignore[attr-defined]
        await pilot.pause()
        session = agenda.cursor_session  # type: ignore[attr-defined]
        await pilot.press("enter")  # no topic to show: said why
        await pilot.pause()
        assert app.active_tab == "agenda"
        said = [m for m in messages(app) if "is a track, not a topic" in m]
        assert len(said) == 1
        assert saved(progress_path, app.roadmap).entries == {}

        await pilot.press("space")  # the session done: its hours on the track
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is app.screen_stack[0]  # no "topic done?" for a track
        progress = saved(progress_path, app.roadmap)
        assert progress.entries.keys() == {"track:Portfolio project"}
        assert progress.logged("track:Portfolio project") == session.hours

        await pilot.press("l")  # other hours on the track
        await pilot.pause()
        assert isinstance(app.screen, LogHoursScreen)
        app.screen.query_one(Input).value = "30m"
        await pilot.press("enter")
        await pilot.pause()
        progress = saved(progress_path, app.roadmap)
        assert progress.logged("track:Portfolio project") == session.hours + 0.5
        newest = next(progress.history.newest_first())
        assert (newest.kind, newest.target, newest.hours) == (
            "log",
            ("track:Portfolio project",),
            0.5,
        )
        assert any("on the track Portfolio project" in m for m in messages(app))
