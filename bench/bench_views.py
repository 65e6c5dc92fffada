"""The plan views with a 10,000-session plan, next to baselines measured in the same run.

    /work/venv/bin/python bench/bench_views.py [--sessions N] [--repeat R]

Figures, best and median of R (interleaved), inside a running headless app of 100x30:

- ``sort+group``: sorting the sessions by start and grouping them by week: the least any
  week-by-week view must do (the baseline).
- ``Agenda.show``: filing the plan into rows (week headings, sessions, days off).
- ``Agenda paint``: ``show`` plus drawing every line on screen.
- ``Calendar.show``: grouping by day and redrawing the month, summary and details.
- ``DataTable``: ``DataTable.add_rows`` of the same 10,000 rows (what a table-based
  agenda would pay before its first paint), for scale.

Target (issue 6 brief): ``Agenda.show`` well under 100 ms with 10,000 sessions.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from planner.roadmap import Effort, Module, Roadmap, Topic
from planner.schedule import Plan, Session
from planner.settings import DayOff, Settings
from planner.tui.widgets.agenda import Agenda
from planner.tui.widgets.month_calendar import MonthCalendar

TODAY = date(2026, 11, 30)
SETTINGS = Settings(
    days_off=(
        DayOff(date(2026, 12, 24), date(2027, 1, 1), "Holidays"),
        DayOff(date(2027, 8, 1), date(2027, 8, 14), "Summer"),
    )
)


def make_plan(count: int) -> tuple[Roadmap, Plan]:
    """``count`` sessions of 1.5 h, two a day, over 1,000 topics in 20 modules."""
    modules = []
    for m in range(20):
        module_id = f"module-{m}"
        topics = tuple(
            Topic(f"{module_id}-topic-{t}", f"Topic {m}.{t}", module_id, Effort(15, "hours"))
            for t in range(50)
        )
        modules.append(Module(module_id, f"Module {m}", m + 1, topics))
    roadmap = Roadmap("bench", "Bench", tuple(modules))
    topics = list(roadmap.topics())
    sessions = []
    day = TODAY
    for i in range(count):
        topic = topics[(i // 10) % len(topics)]
        start = datetime.combine(day, clock(9 if i % 2 == 0 else 19), timezone.utc)
        sessions.append(
            Session(
                topic.id,
                topic.module_id,
                start,
                start + timedelta(hours=1.5),
                1.5,
                i % 10 + 1,
                10,
            )
        )
        if i % 2:
            day += timedelta(days=1)
    return roadmap, Plan(tuple(sessions), day, count * 1.5)


class BenchApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Agenda(id="agenda")
        yield MonthCalendar(id="calendar")
        yield DataTable(id="table")


def sort_and_group(plan: Plan) -> None:
    weeks: dict[date, list[Session]] = {}
    for session in sorted(plan.sessions, key=lambda s: s.start):
        day = session.start.date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(session)


async def run(count: int, repeat: int) -> None:
    roadmap, plan = make_plan(count)
    app = BenchApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        agenda = app.query_one(Agenda)
        calendar = app.query_one(MonthCalendar)
        table = app.query_one(DataTable)
        table.add_columns("date", "time", "topic", "module", "hours")
        rows = [
            (
                f"{s.start:%a %d %b}",
                f"{s.start:%H:%M}–{s.end:%H:%M}",
                f"{s.topic_id} ({s.part}/{s.parts})",
                s.module_id,
                f"{s.hours:g} h",
            )
            for s in plan.sessions
        ]

        def agenda_show() -> None:
            agenda.show(roadmap, plan, SETTINGS, TODAY)

        def agenda_paint() -> None:
            agenda.show(roadmap, plan, SETTINGS, TODAY)
            for y in range(agenda.size.height):
                agenda.render_line(y)

        def calendar_show() -> None:
            calendar.show(roadmap, plan, SETTINGS, TODAY)

        def data_table() -> None:
            table.clear()
            table.add_rows(rows)

        cases: list[tuple[str, Callable[[], None]]] = [
            ("sort+group", lambda: sort_and_group(plan)),
            ("Agenda.show", agenda_show),
            ("Agenda paint", agenda_paint),
            ("Calendar.show", calendar_show),
            ("DataTable", data_table),
        ]
        timings: dict[str, list[float]] = {name: [] for name, _ in cases}
        for _ in range(repeat):
            for name, case in cases:
                start = time.perf_counter()
                case()
                timings[name].append(time.perf_counter() - start)
                await pilot.pause()
        assert agenda.session_count == count

    base = min(timings["sort+group"])
    print(f"{count:,} sessions, best and median of {repeat}, in a headless 100x30 app")
    print(f"{'':<14} {'best':>9} {'median':>9}  vs sort+group")
    for name, values in timings.items():
        best, median = min(values), statistics.median(values)
        print(f"{name:<14} {best * 1000:7.1f} ms {median * 1000:7.1f} ms  {best / base:5.1f}x")
    verdict = "ok" if min(timings["Agenda.show"]) < 0.1 else "OVER"
    print(f"Agenda.show under 100 ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    asyncio.run(run(args.sessions, args.repeat))


if __name__ == "__main__":
    main()
