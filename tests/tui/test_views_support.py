"""Shared pieces for the plan-view tests: a tiny stand-in planner and harness apps.

``lay_out`` is NOT the real scheduler: it fills each study day's hours with topics in
roadmap order, splitting a topic over days, so the views can be tested with plans of
any shape without depending on ``planner.schedule``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone, tzinfo

from textual.app import App, ComposeResult
from textual.widget import Widget

from planner.roadmap import Module, Roadmap, Topic
from planner.schedule import Plan, Session
from planner.settings import DayOff, Settings

TODAY = date(2026, 11, 30)  # a Monday
VIEW_SETTINGS = Settings(
    timezone="UTC",
    start_date=TODAY,
    days_off=(
        DayOff(date(2026, 12, 24), date(2027, 1, 1), "Holidays [bold]x[/bold]"),
        DayOff(date(2026, 12, 8), date(2026, 12, 8), None),
    ),
)


def lay_out(
    roadmap: Roadmap,
    settings: Settings,
    today: date,
    *,
    tz: tzinfo = timezone.utc,
    limit: int | None = None,
) -> Plan:
    """Sessions for every topic in order, from ``today``, around the weekly hours."""
    todo: list[tuple[Topic, float]] = [
        (t, t.hours(settings.hours_per_day, settings.unestimated_hours)) for t in roadmap.topics()
    ]
    total = sum(h for _, h in todo)
    raw: list[tuple[Topic, datetime, datetime, float]] = []
    day = today
    index = 0
    left = todo[0][1] if todo else 0.0
    while index < len(todo) and (limit is None or len(raw) < limit):
        hours = settings.weekly_hours.get(day.weekday(), 0.0)
        off = any(o.start <= day <= o.end for o in settings.days_off)
        if hours > 0 and not off:
            clock = datetime.combine(day, settings.start_times[day.weekday()], tz)
            while hours > 1e-9 and index < len(todo):
                take = min(hours, left)
                end = clock + timedelta(hours=take)
                raw.append((todo[index][0], clock, end, take))
                clock, hours, left = end, hours - take, left - take
                if left <= 1e-9:
                    index += 1
                    left = todo[index][1] if index < len(todo) else 0.0
        day += timedelta(days=1)
    parts = Counter(t.id for t, *_ in raw)
    seen: Counter[str] = Counter()
    sessions = []
    for topic, start, end, hours in raw:
        seen[topic.id] += 1
        sessions.append(
            Session(topic.id, topic.module_id, start, end, hours, seen[topic.id], parts[topic.id])
        )
    finish = sessions[-1].start.date() if sessions else None
    return Plan(tuple(sessions), finish, total)


def synthetic_roadmap(modules: int, topics_per_module: int, hours: float = 3.0) -> Roadmap:
    from planner.roadmap import Effort

    mods = []
    for m in range(modules):
        mid = f"module-{m + 1}"
        topics = tuple(
            Topic(f"{mid}-topic-{t + 1}", f"Topic {m + 1}.{t + 1}", mid, Effort(hours, "hours"))
            for t in range(topics_per_module)
        )
        mods.append(Module(mid, f"Module {m + 1}", m + 1, topics))
    return Roadmap("synthetic", "Synthetic", tuple(mods))


def literal_roadmap() -> Roadmap:
    """Titles that would be markup if they were ever parsed as such."""
    from planner.roadmap import Effort

    topics_a = (
        Topic("bold", "[bold]x[/bold]", "mod-a", Effort(2, "hours")),
        Topic("link", "[link=http://x]y[/]", "mod-a", Effort(3, "hours")),
    )
    topics_b = (Topic("rich", "[red]not red[/red] $primary", "mod-b", Effort(2, "hours")),)
    return Roadmap(
        "lit",
        "Literal",
        (
            Module("mod-a", "[i]Module[/i] A", 1, topics_a),
            Module("mod-b", "Module [b]B", 2, topics_b),
        ),
    )


class ViewApp(App[None]):
    """Mounts one view and shows the plan on it, like the real app does."""

    CSS = "Screen { layout: vertical; }"

    def __init__(
        self,
        view: Widget,
        roadmap: Roadmap,
        plan: Plan,
        settings: Settings = VIEW_SETTINGS,
        today: date = TODAY,
    ) -> None:
        super().__init__()
        self.view = view
        self.roadmap = roadmap
        self.plan = plan
        self.settings = settings
        self.today = today
        self.selected: list[object] = []

    def compose(self) -> ComposeResult:
        yield self.view

    def on_mount(self) -> None:
        self.view.show(self.roadmap, self.plan, self.settings, self.today)  # type: ignore[attr-defined]
        self.view.focus()

    def on_agenda_session_selected(self, message: object) -> None:
        self.selected.append(message)

    def reshow(self, plan: Plan, settings: Settings | None = None) -> None:
        self.plan = plan
        if settings is not None:
            self.settings = settings
        self.view.show(self.roadmap, plan, self.settings, self.today)  # type: ignore[attr-defined]


def screen_lines(app: App[object]) -> list[str]:
    """The text on screen, line by line, as the user sees it."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


__all__ = [
    "TODAY",
    "VIEW_SETTINGS",
    "ViewApp",
    "lay_out",
    "literal_roadmap",
    "screen_lines",
    "synthetic_roadmap",
]
