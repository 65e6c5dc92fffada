"""A pinned session looks pinned in the app (``planner.shape.Pinned``): the agenda, the
calendar's day box and its lines, and Today mark it with ``⚲`` (and the word where there
is room), kept in view at 80x24 where titles are cut; no other session is marked."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from planner.history import Intent
from planner.progress import Progress, ProgressStore
from planner.roadmap_file import load_roadmap
from planner.shape import PIN_MARK, add_pin
from planner.tui.widgets.agenda import Agenda
from planner.tui.widgets.month_calendar import MonthCalendar
from planner.tui.widgets.today_view import TodayView

from .conftest import NOW, SEED_YAML, TODAY, AppFactory


def _longest_topic() -> tuple[str, str]:
    topic = max(load_roadmap(SEED_YAML).topics(), key=lambda t: len(t.title))
    return topic.id, topic.title


def _pin(progress_path: Path, topic_id: str, start: datetime, minutes: int = 60) -> None:
    """Pin as ``planner pin`` does (the store records it in the history)."""
    roadmap = load_roadmap(SEED_YAML)

    def change(p: Progress) -> Intent:
        add_pin(roadmap, p, topic_id, start, minutes, NOW.replace(tzinfo=None))
        return Intent("pin", (topic_id,))

    ProgressStore(progress_path, roadmap).update(change, "test", NOW)


async def test_a_pinned_session_is_marked_in_the_agenda_calendar_and_today_at_80x24(
    make_app: AppFactory, progress_path: Path
) -> None:
    topic_id, title = _longest_topic()
    _pin(progress_path, topic_id, datetime(2026, 3, 2, 12, 0))  # today, after NOW
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        (pinned,) = [s for s in app.plan.sessions if s in app.pinned()]
        assert (pinned.topic_id, pinned.start.hour) == (topic_id, 12)

        await pilot.press("d")
        await pilot.pause()
        today = app.screen.query_one("#today", TodayView)
        lines = today.render().plain.splitlines()
        marked = [line for line in lines if PIN_MARK in line]
        # today's line and the Next line (it is what comes next), cut to fit if need be
        assert len(marked) == 2, lines
        assert marked[0] == f" ○ 12:00–13:00  {title}  1 h  {PIN_MARK} pinned"
        assert marked[1].startswith("Next  today 12:00") and "…" in marked[1]
        assert marked[1].endswith(f"{PIN_MARK} pinned")
        assert all(len(line) <= today.content_region.width for line in marked)

        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one("#agenda-view", Agenda)
        rows = [agenda.row_text(i) for i in range(agenda.row_count)]
        marked = [row for row in rows if PIN_MARK in row]
        assert len(marked) == 1 and "12:00–13:00" in marked[0], rows[:10]
        assert "…" in marked[0] and marked[0].rstrip().endswith("1 h")
        width = agenda.scrollable_content_region.width
        assert all(len(row) <= width for row in rows)

        await pilot.press("c")
        await pilot.pause()
        calendar = app.screen.query_one("#calendar-view", MonthCalendar)
        grid = calendar.render_grid(calendar.size.width).plain.splitlines()
        assert sum(line.count(PIN_MARK) for line in grid) >= 1
        # the hours of today's box (Monday, the first column), and no other box
        (marked,) = [line for line in grid if PIN_MARK in line]
        assert marked.startswith(f"  1.5 h  {PIN_MARK}   1.5 h ") and marked.count(PIN_MARK) == 1
        assert grid[grid.index(marked) - 1].startswith("  2 ")
        assert f"{PIN_MARK} pinned" in str(calendar.query_one("#calendar-details").render())
        day = calendar.day_text(TODAY).plain
        first = day.splitlines()[0]
        assert first.startswith(f"12:00–13:00  {title} (") and first.endswith(
            f"  1 h  {PIN_MARK} pinned"
        )
        assert day.count(PIN_MARK) == 1


async def test_nothing_is_marked_without_pins(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        await pilot.pause()
        assert PIN_MARK not in app.screen.query_one("#today", TodayView).render().plain
        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one("#agenda-view", Agenda)
        assert not any(PIN_MARK in agenda.row_text(i) for i in range(agenda.row_count))


async def test_a_wide_agenda_says_pinned_beside_the_mark(
    make_app: AppFactory, progress_path: Path
) -> None:
    _pin(progress_path, "django-deep-dive", datetime(2026, 3, 4, 7, 0), 90)
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one("#agenda-view", Agenda)
        rows = [agenda.row_text(i) for i in range(agenda.row_count)]
        (marked,) = [row for row in rows if PIN_MARK in row]
        assert "07:00–08:30" in marked and "Django Deep Dive" in marked
        assert f" {PIN_MARK} pinned  2 Web Frameworks" in marked
