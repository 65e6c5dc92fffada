"""Pilot tests of the plan views: the agenda and the month calendar (in a harness app)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap
from planner.schedule import Plan, Session
from planner.settings import DayOff, Settings
from planner.tui.widgets.agenda import Agenda
from planner.tui.widgets.month_calendar import (
    MonthCalendar,
    fit,
    format_hours,
    module_color,
    module_palette,
    plain,
)

from .test_views_support import (
    TODAY,
    VIEW_SETTINGS,
    ViewApp,
    lay_out,
    literal_roadmap,
    screen_lines,
    synthetic_roadmap,
)

SEED = Path(__file__).resolve().parents[2] / "roadmap.yaml"


@pytest.fixture(scope="module")
def seed_roadmap() -> Roadmap:
    return load_roadmap(SEED)


@pytest.fixture(scope="module")
def seed_plan(seed_roadmap: Roadmap) -> Plan:
    return lay_out(seed_roadmap, VIEW_SETTINGS, TODAY)


def agenda_lines(agenda: Agenda) -> list[str]:
    return [agenda.render_line(y).text for y in range(agenda.size.height)]


# -- helpers ---------------------------------------------------------------------------


def test_fit_pads_and_cuts_by_cells() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abcdef", 4) == "abc…"
    assert fit("日本語テキスト", 6) == "日本 …"  # double-width: cut on a cell boundary
    assert fit("x", 0) == ""


def test_format_hours_and_plain() -> None:
    assert format_hours(1.5) == "1.5 h"
    assert format_hours(2.0) == "2 h"
    assert format_hours(0.749999) == "0.75 h"
    assert plain("a\nb\tc") == "a b c"
    assert plain("a\x1b]0;t\x07b\x9b2J") == "a␛]0;t␇b␛2J"


# -- agenda ----------------------------------------------------------------------------


async def test_agenda_shows_weeks_with_their_hours(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(Agenda(id="agenda"), seed_roadmap, seed_plan)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        agenda = app.query_one(Agenda)
        lines = agenda_lines(agenda)
        assert lines[0].startswith(" Week 49 · 30 Nov – 6 Dec 2026")
        week_hours = sum(s.hours for s in seed_plan.sessions if s.start.date() < date(2026, 12, 7))
        count = sum(1 for s in seed_plan.sessions if s.start.date() < date(2026, 12, 7))
        assert (
            lines[0].rstrip().endswith(f"this week · {count} sessions · {format_hours(week_hours)}")
        )
        first = lines[1]
        assert first.startswith(" Mon 30 Nov  19:00–20:30")
        assert "Advanced Python Features (1/" in first
        assert first.rstrip().endswith("1.5 h")
        # the next day's session, its date shown again; then next week's heading
        assert lines[2].startswith(" Tue 1 Dec ")
        heading = next(line for line in lines[1:] if line.startswith(" Week 50"))
        assert "next week" in heading
        assert agenda.session_count == len(seed_plan.sessions)


async def test_agenda_marks_days_off_literally(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(Agenda(id="agenda"), seed_roadmap, seed_plan)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        lines = agenda_lines(app.query_one(Agenda))
        assert any(line.startswith(" Tue 8 Dec") and "day off" in line for line in lines)
        holiday = [line for line in lines if "Holidays" in line]
        # a range crossing a week boundary shows in both weeks, clipped to each
        assert "Thu 24 Dec" in holiday[0] and "off until Sun 27 Dec" in holiday[0]
        assert "Mon 28 Dec" in holiday[1] and "off until Fri 1 Jan" in holiday[1]
        assert all("Holidays [bold]x[/bold]" in line for line in holiday)
        # no session is planned on a day off
        assert not any(line.startswith(" Thu 24 Dec  19:00") for line in lines)


async def test_agenda_shows_titles_literally() -> None:
    roadmap = literal_roadmap()
    plan = lay_out(roadmap, VIEW_SETTINGS, TODAY)
    app = ViewApp(Agenda(id="agenda"), roadmap, plan)
    async with app.run_test(size=(120, 20)) as pilot:
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "[bold]x[/bold]" in text
        assert "[link=http://x]y[/]" in text
        assert "[red]not red[/red] $primary" in text
        assert "1 [i]Module[/i] A" in text


async def test_agenda_cursor_keys_and_select(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(Agenda(id="agenda"), seed_roadmap, seed_plan)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        agenda = app.query_one(Agenda)
        sessions = seed_plan.sessions
        assert agenda.cursor_session == sessions[0]
        await pilot.press("down", "down")
        assert agenda.cursor_session == sessions[2]
        await pilot.press("up")
        assert agenda.cursor_session == sessions[1]
        await pilot.press("end")
        assert agenda.cursor_session == sessions[-1]
        assert agenda.scroll_y > 0  # the last session was scrolled into view
        await pilot.press("home")
        assert agenda.cursor_session == sessions[0]
        assert agenda.scroll_y == 0
        await pilot.press("pagedown")
        paged = agenda.cursor_session
        assert paged is not None and paged.start > sessions[5].start
        await pilot.press("pageup")
        assert agenda.cursor_session == sessions[0]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert [m.session for m in app.selected] == [sessions[1]]  # type: ignore[attr-defined]


async def test_agenda_today_key_goes_to_first_session_from_today(seed_roadmap: Roadmap) -> None:
    # a plan that started a week ago: `t` skips the past sessions
    plan = lay_out(seed_roadmap, VIEW_SETTINGS, TODAY - timedelta(days=7))
    app = ViewApp(Agenda(id="agenda"), seed_roadmap, plan)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        agenda = app.query_one(Agenda)
        await pilot.press("t")
        session = agenda.cursor_session
        assert session is not None and session.start.date() == TODAY
        lines = agenda_lines(agenda)
        assert any(line.startswith(" Week 49") for line in lines)


async def test_agenda_click_moves_cursor(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(Agenda(id="agenda"), seed_roadmap, seed_plan)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        agenda = app.query_one(Agenda)
        await pilot.click(Agenda, offset=(30, 3))
        assert agenda.cursor_session == seed_plan.sessions[2]
        await pilot.click(Agenda, offset=(30, 0))  # a week heading: no move
        assert agenda.cursor_session == seed_plan.sessions[2]


async def test_agenda_reshow_keeps_cursor_on_same_session(
    seed_roadmap: Roadmap, seed_plan: Plan
) -> None:
    app = ViewApp(Agenda(id="agenda"), seed_roadmap, seed_plan)
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        agenda = app.query_one(Agenda)
        await pilot.press(*["down"] * 10)
        target = agenda.cursor_session
        assert target is not None
        # the first topic is checked off: the plan moves up, the cursor stays on its session
        first_topic = seed_plan.sessions[0].topic_id
        rest = tuple(s for s in seed_plan.sessions if s.topic_id != first_topic)
        app.reshow(replace(seed_plan, sessions=rest))
        await pilot.pause()
        assert agenda.cursor_session == target
        assert agenda.session_count == len(rest)


async def test_agenda_empty_plans_say_why(seed_roadmap: Roadmap) -> None:
    app = ViewApp(Agenda(id="agenda"), seed_roadmap, Plan((), None, 0.0))
    async with app.run_test(size=(100, 10)) as pilot:
        await pilot.pause()
        agenda = app.query_one(Agenda)
        assert "Nothing left to plan" in agenda_lines(agenda)[0]
        app.reshow(Plan((), None, 12.0))
        await pilot.pause()
        assert "Nothing could be planned for the 12 h left" in agenda_lines(agenda)[0]
        assert agenda.cursor_session is None
        await pilot.press("down", "end", "enter", "t")  # nothing to move to: no error
        assert app.selected == []  # type: ignore[attr-defined]


def _many_sessions(count: int) -> tuple[Roadmap, Plan]:
    roadmap = synthetic_roadmap(20, 500, hours=1.0)
    topics = list(roadmap.topics())
    settings = Settings(weekly_hours=dict.fromkeys(range(7), 3.0))
    plan = lay_out(roadmap, settings, TODAY, limit=count)
    assert len(plan.sessions) >= count
    assert topics
    return roadmap, replace(plan, sessions=plan.sessions[:count])


async def test_agenda_with_ten_thousand_sessions() -> None:
    roadmap, plan = _many_sessions(10_000)
    app = ViewApp(Agenda(id="agenda"), roadmap, plan, settings=Settings())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        agenda = app.query_one(Agenda)
        assert agenda.session_count == 10_000
        await pilot.press("end")
        await pilot.pause()
        assert agenda.cursor_session == plan.sessions[-1]
        last = plan.sessions[-1]
        lines = agenda_lines(agenda)
        assert any(f"{last.start:%H:%M}–{last.end:%H:%M}" in line for line in lines)


# -- calendar --------------------------------------------------------------------------


def grid_text(calendar: MonthCalendar) -> str:
    return calendar.render_grid(calendar._grid.size.width).plain


def cell(calendar: MonthCalendar, line: str, column: int) -> str:
    width = calendar._grid.size.width
    size = width // 7
    margin = (width - 7 * size) // 2
    return line[margin + column * size : margin + (column + 1) * size - 1]


def summary_text(calendar: MonthCalendar) -> str:
    return str(calendar.query_one("#calendar-summary").render())


def details_text(calendar: MonthCalendar) -> str:
    return str(calendar.query_one("#calendar-details").render())


async def test_calendar_opens_on_today(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(MonthCalendar(id="calendar"), seed_roadmap, seed_plan)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        assert calendar.month == date(2026, 11, 1)
        assert calendar.selected == TODAY
        grid = grid_text(calendar)
        assert "November 2026" in grid.splitlines()[0]
        assert "30 today" in grid
        assert "Mon 30 Nov (today) · 1.5 h: 19:00–20:30 Advanced Python Features (1/" in (
            details_text(calendar)
        )
        assert summary_text(calendar).startswith("1.5 h of study in November 2026 over 1 day")


async def test_calendar_month_keys(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(MonthCalendar(id="calendar"), seed_roadmap, seed_plan)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        await pilot.press("right_square_bracket")
        assert calendar.month == date(2026, 12, 1)
        assert calendar.selected == date(2026, 12, 30)
        assert "December 2026" in grid_text(calendar).splitlines()[0]
        await pilot.press("pagedown", "pagedown")
        assert calendar.month == date(2027, 2, 1)
        assert calendar.selected == date(2027, 2, 28)  # relativedelta clamps 30 Feb
        await pilot.press("left_square_bracket")
        assert calendar.selected == date(2027, 1, 28)
        await pilot.press("pageup")
        assert calendar.month == date(2026, 12, 1)
        await pilot.press("t")
        assert calendar.month == date(2026, 11, 1)
        assert calendar.selected == TODAY


async def test_calendar_day_cursor_crosses_months(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(MonthCalendar(id="calendar"), seed_roadmap, seed_plan)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        await pilot.press("right")
        assert calendar.selected == date(2026, 12, 1)
        assert calendar.month == date(2026, 12, 1)
        await pilot.press("down", "down")
        assert calendar.selected == date(2026, 12, 15)
        await pilot.press("up", "left")
        assert calendar.selected == date(2026, 12, 7)
        assert details_text(calendar).startswith("Mon 7 Dec · 1.5 h: 19:00–20:30")


async def test_calendar_hours_per_day_and_month_total(
    seed_roadmap: Roadmap, seed_plan: Plan
) -> None:
    app = ViewApp(MonthCalendar(id="calendar"), seed_roadmap, seed_plan)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        await pilot.press("right_square_bracket")
        december = [s for s in seed_plan.sessions if (s.start.year, s.start.month) == (2026, 12)]
        total = sum(s.hours for s in december)
        days = {s.start.date() for s in december}
        summary = summary_text(calendar)
        assert summary.startswith(
            f"{format_hours(total)} of study in December 2026 over {len(days)} days"
        )
        assert "1 Foundations Revisited (Leveraging Your Background)" in summary
        grid = grid_text(calendar).splitlines()
        # week of 30 Nov: Tue 1 Dec has 1.5 h, Sat 5 Dec 4 h
        week = grid[2:4]
        assert week[0].split()[:3] == ["30", "today", "1"]
        assert week[1].split() == ["1.5", "h"] * 5 + ["4", "h"]
        assert calendar.hours_on(date(2026, 12, 5)) == 4.0


async def test_calendar_marks_days_off_with_labels(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(MonthCalendar(id="calendar"), seed_roadmap, seed_plan)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        await pilot.press("right_square_bracket")
        assert "Days off: Tue 8 Dec, Thu 24 Dec – Fri 1 Jan Holidays [bold]x[/bold]" in (
            summary_text(calendar)
        )
        lines = grid_text(calendar).splitlines()
        second_week = lines[4:6]  # 7-13 Dec
        assert cell(calendar, second_week[0], 1).strip() == "8"
        assert cell(calendar, second_week[1], 1).strip("░ ") == "off"
        assert cell(calendar, second_week[1], 0).strip() == "1.5 h"
        calendar.select_day(date(2026, 12, 24))
        await pilot.pause()
        assert details_text(calendar) == "Thu 24 Dec · day off: Holidays [bold]x[/bold]"
        calendar.select_day(date(2026, 12, 8))
        await pilot.pause()
        assert details_text(calendar) == "Tue 8 Dec · day off"


async def test_calendar_colors_days_by_module() -> None:
    roadmap = synthetic_roadmap(3, 1, hours=3.0)
    settings = Settings(weekly_hours=dict.fromkeys(range(7), 2.0))
    plan = lay_out(roadmap, settings, TODAY)
    app = ViewApp(MonthCalendar(id="calendar"), roadmap, plan, settings=settings)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        await pilot.press("right_square_bracket")
        text = calendar.render_grid(calendar._grid.size.width)
        line = text.split("\n")[3]  # hours of the week of 30 Nov
        colors = [module_color(app, i) for i in range(3)]
        backgrounds = {
            str(span.style.bgcolor) for span in line.spans if span.style.bgcolor is not None
        }
        # 1 Dec: module 1 only; 2 Dec: modules 1 and 2 split the cell; 3 Dec: 2 then 3.
        assert len(backgrounds) >= 3
        assert len({c.hex for c in colors}) == 3
        summary = summary_text(calendar)
        assert "1 Module 1 1 h" in summary and "2 Module 2 3 h" in summary


async def test_calendar_click_selects_a_day(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(MonthCalendar(id="calendar"), seed_roadmap, seed_plan)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        grid = calendar._grid
        cell = grid.size.width // 7
        margin = (grid.size.width - 7 * cell) // 2
        # third week (9-15 Nov), Wednesday: grid rows are title, weekdays, 2 lines a week
        await pilot.click(type(grid), offset=(margin + 2 * cell + 2, 2 + 2 * 2))
        assert calendar.selected == date(2026, 11, 11)


async def test_calendar_reshow_keeps_the_month(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(MonthCalendar(id="calendar"), seed_roadmap, seed_plan)
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        await pilot.press("right_square_bracket", "right_square_bracket")
        app.reshow(replace(seed_plan, sessions=seed_plan.sessions[3:]))
        await pilot.pause()
        assert calendar.month == date(2027, 1, 1)


async def test_calendar_literal_module_titles() -> None:
    roadmap = literal_roadmap()
    plan = lay_out(roadmap, VIEW_SETTINGS, TODAY)
    app = ViewApp(MonthCalendar(id="calendar"), roadmap, plan)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("right_square_bracket")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "1 [i]Module[/i] A" in text
        assert "2 Module [b]B" in text
        assert "[bold]x[/bold]" in text  # the topic title in the selected day's details


@pytest.mark.parametrize(("height", "lines"), [(20, 2), (30, 3), (40, 4)])
async def test_calendar_cells_grow_with_the_room(
    seed_roadmap: Roadmap, seed_plan: Plan, height: int, lines: int
) -> None:
    app = ViewApp(MonthCalendar(id="calendar"), seed_roadmap, seed_plan)
    async with app.run_test(size=(120, height)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert calendar.grid_height() == 2 + 5 * lines  # December 2026 spans five weeks
        grid = grid_text(calendar).splitlines()
        assert len(grid) == calendar.grid_height()
        first_week = grid[2 : 2 + lines]
        if lines >= 3:
            assert cell(calendar, first_week[2], 1).strip() == "Advanced Pyth…"
            # 19 Dec holds two topics: the second shows on the fourth line
            third_week = grid[2 + 2 * lines : 2 + 3 * lines]
            assert cell(calendar, third_week[2], 5).startswith(" Git Mastery")
            if lines == 4:
                assert cell(calendar, third_week[3], 5).startswith(" Linux Command")
        # every line of the grid is as wide as the others: no cell shifted
        assert len({len(line) for line in grid[1:]}) == 1
        assert calendar.region.height == height


async def test_calendar_empty_plan(seed_roadmap: Roadmap) -> None:
    app = ViewApp(MonthCalendar(id="calendar"), seed_roadmap, Plan((), None, 0.0))
    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        assert summary_text(calendar).startswith(
            "No study planned in November 2026 (the plan is empty)"
        )
        assert details_text(calendar) == "Mon 30 Nov (today) · nothing planned"


def test_module_palette_is_distinct_and_stable() -> None:
    from textual.app import App

    app: App[None] = App()
    app.get_css_variables()
    first = module_palette(app, 12)
    assert len({c.hex for c in first}) == 12
    assert module_palette(app, 12) == first
    assert [module_color(app, i) for i in range(12)] == first
    assert len({module_color(app, i).hex for i in range(36)}) == 36


def test_sessions_helpers_for_the_stand_in_planner() -> None:
    # the harness planner itself: sessions fill the weekday hours and skip days off
    roadmap = synthetic_roadmap(1, 2, hours=3.0)
    settings = Settings(
        weekly_hours={0: 2.0, 1: 2.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0, 6: 0.0},
        start_times=dict.fromkeys(range(7), time(9, 0)),
        days_off=(DayOff(date(2026, 12, 1), date(2026, 12, 1)),),
    )
    plan = lay_out(roadmap, settings, TODAY)
    assert [(s.start.date(), s.hours, s.part, s.parts) for s in plan.sessions] == [
        (date(2026, 11, 30), 2.0, 1, 2),
        (date(2026, 12, 7), 1.0, 2, 2),
        (date(2026, 12, 7), 1.0, 1, 2),
        (date(2026, 12, 8), 2.0, 2, 2),
    ]
    assert plan.sessions[1].end == datetime(2026, 12, 7, 10, 0, tzinfo=timezone.utc)
    assert isinstance(plan.sessions[0], Session)


async def test_calendar_legend_never_breaks_a_module_title() -> None:
    from planner.roadmap import Effort, Module, Topic

    modules = tuple(
        Module(
            f"m{i}",
            f"Module number {i} with a rather long title",
            i,
            (Topic(f"t{i}", f"Topic {i}", f"m{i}", Effort(2, "hours")),),
        )
        for i in range(1, 5)
    )
    roadmap = Roadmap("long", "Long", modules)
    plan = lay_out(roadmap, VIEW_SETTINGS, TODAY)
    app = ViewApp(MonthCalendar(id="calendar"), roadmap, plan)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        lines = summary_text(calendar).splitlines()[2:]
        width = calendar.query_one("#calendar-summary").size.width
        titles = [f"{i} Module number {i} with a rather long title" for i in range(2, 5)]
        assert all(any(title in line for line in lines) for title in titles), lines
        assert all(len(line) <= width for line in lines)


class _LateApp(ViewApp):
    """Shows the plan before the views are mounted (as an app may in __init__)."""

    def compose(self):  # type: ignore[no-untyped-def]
        self.view.show(self.roadmap, self.plan, self.settings, self.today)  # type: ignore[attr-defined]
        yield self.view

    def on_mount(self) -> None:
        self.view.focus()


@pytest.mark.parametrize("kind", [Agenda, MonthCalendar])
async def test_views_shown_before_mounting(
    seed_roadmap: Roadmap, seed_plan: Plan, kind: type[Agenda] | type[MonthCalendar]
) -> None:
    app = _LateApp(kind(), seed_roadmap, seed_plan)
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "Advanced Python Features" in text
        if kind is MonthCalendar:
            assert "1.5 h of study in November 2026" in text


async def test_calendar_follows_a_theme_change(seed_roadmap: Roadmap, seed_plan: Plan) -> None:
    app = ViewApp(MonthCalendar(id="calendar"), seed_roadmap, seed_plan)

    def swatch() -> str:
        summary = app.query_one("#calendar-summary").render()
        spans = [s for s in summary.spans if "█" in summary.plain[s.start : s.end]]  # type: ignore[attr-defined]
        return str(spans[0].style)

    async with app.run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        before_color, before_swatch = module_color(app, 0), swatch()
        app.theme = "nord"
        await pilot.pause()
        await pilot.pause()
        assert module_color(app, 0) != before_color
        assert swatch() != before_swatch  # the legend was redrawn in the new colours
        assert calendar.render_grid(calendar._grid.size.width).plain
