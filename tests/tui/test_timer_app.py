"""The study timer in the app: `t` starts and stops it, the header shows it running, it
survives a restart, one timer at a time, and the command line sees the same timer."""

from __future__ import annotations

import contextlib
import io
from datetime import datetime, timedelta
from pathlib import Path

from planner.cli import main
from planner.progress import State
from planner.tui.app import PlannerApp
from planner.tui.widgets.header import ProgressHeader

from .conftest import NOW, SEED_YAML, AppFactory, saved
from .test_commands import run_command

TOPIC = "advanced-python-features"
OTHER = "django-deep-dive"
CLOCK_WAIT = 1.3
"""Seconds to wait for the header's once-a-second look at the timer."""


class Clock:
    """An injected clock the test moves on."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **kw: float) -> None:
        self.moment += timedelta(**kw)


def header(app: PlannerApp) -> str:
    return app.query_one(ProgressHeader).text


def messages(app: PlannerApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_t_starts_and_stops_the_timer_and_logs_the_time(
    make_app: AppFactory, progress_path: Path
) -> None:
    clock = Clock(NOW)
    app = make_app(now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.show_item(TOPIC)
        await pilot.press("t")
        await pilot.pause()
        assert "timer 0:00 Advanced Python Features" in header(app)
        on_disk = saved(progress_path, app.roadmap)
        assert on_disk.clock is not None and on_disk.clock.topic == TOPIC
        assert on_disk.clock.since == NOW
        clock.advance(minutes=25)
        await pilot.pause(CLOCK_WAIT)  # the header follows within a second
        assert "timer 0:25 Advanced Python Features" in header(app)
        await pilot.press("t")
        await pilot.pause()
        assert "timer" not in header(app)
        on_disk = saved(progress_path, app.roadmap)
        assert on_disk.clock is None
        assert abs(on_disk.logged(TOPIC) - 25 / 60) < 1e-9
        assert on_disk.state(app.roadmap, TOPIC) is State.IN_PROGRESS
        assert messages(app)[-1].startswith(
            "Timer stopped on Advanced Python Features after 0:25: logged 0.42 h"
        )


async def test_the_timer_survives_a_restart(make_app: AppFactory, progress_path: Path) -> None:
    clock = Clock(NOW)
    app = make_app(now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.show_item(TOPIC)
        await pilot.press("t")
        await pilot.pause()
    clock.advance(hours=2, minutes=5)
    again = make_app(now=clock)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "timer 2:05 Advanced Python Features" in header(again)
        again.roadmap_tree.focus()
        await pilot.press("t")  # on the first module: nothing to start, so it stops
        await pilot.pause()
        assert abs(saved(progress_path, again.roadmap).logged(TOPIC) - 125 / 60) < 1e-9
        assert "timer" not in header(again)


async def test_starting_on_another_topic_stops_the_running_one_first(
    make_app: AppFactory, progress_path: Path
) -> None:
    clock = Clock(NOW)
    app = make_app(now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        app.show_item(TOPIC)
        await pilot.press("t")
        clock.advance(minutes=30)
        app.show_item(OTHER)
        await pilot.press("t")
        await pilot.pause()
        on_disk = saved(progress_path, app.roadmap)
        assert on_disk.logged(TOPIC) == 0.5
        assert on_disk.clock is not None and on_disk.clock.topic == OTHER
        said = messages(app)[-1]
        assert said.startswith("Timer stopped on Advanced Python Features after 0:30")
        assert said.endswith("Timer started on Django Deep Dive; t stops it.")
        assert "timer 0:00 Django Deep Dive" in header(app)
        # ctrl+z takes back the start, then the stop: the first timer runs again
        await pilot.press("ctrl+z", "ctrl+z")
        await pilot.pause()
        on_disk = saved(progress_path, app.roadmap)
        assert on_disk.clock is not None and on_disk.clock.topic == TOPIC
        assert on_disk.logged(TOPIC) == 0
        assert "timer 0:30 Advanced Python Features" in header(app)


async def test_t_on_a_module_says_why(make_app: AppFactory, progress_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("t")  # the first module is highlighted
        await pilot.pause()
        assert "is a module" in messages(app)[-1]
        assert not progress_path.exists()


async def test_a_timer_started_at_the_command_line_shows_in_the_app(
    make_app: AppFactory, progress_path: Path
) -> None:
    clock = Clock(NOW)
    app = make_app(now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(
                [
                    "--roadmap",
                    str(SEED_YAML),
                    "--progress",
                    str(progress_path),
                    "clock",
                    "in",
                    OTHER,
                    "--at",
                    (NOW - timedelta(minutes=10)).isoformat(),
                ]
            )
        assert code == 0
        assert app.reload_if_changed()
        await pilot.pause()
        assert "timer 0:10 Django Deep Dive" in header(app)


async def test_the_timer_starts_on_the_highlighted_session_in_the_agenda(
    make_app: AppFactory, progress_path: Path
) -> None:
    clock = Clock(NOW)
    app = make_app(now=clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        session = app._views["agenda"].cursor_session  # type: ignore[attr-defined]
        assert session is not None
        # t is the agenda's own "today" there: the palette's entry starts the timer
        await run_command(app, "Start / stop timer")
        await pilot.pause()
        on_disk = saved(progress_path, app.roadmap)
        assert on_disk.clock is not None and on_disk.clock.topic == session.topic_id
        await run_command(app, "Start / stop timer")  # again: stops it
        await pilot.pause()
        assert saved(progress_path, app.roadmap).clock is None


async def test_the_timers_tick_while_the_app_closes_does_nothing(
    make_app: AppFactory, progress_path: Path
) -> None:
    """The once-a-second tick can come once the header is gone (the app closing): it
    then does nothing instead of failing with NoMatches."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.show_item(TOPIC)
        await pilot.press("t")
        await pilot.pause()
        await app.query_one(ProgressHeader).remove()
        app._tick_clock()
