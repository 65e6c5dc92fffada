"""The month calendar: study hours per day, colored by module, days off and today marked.

One month at a time, Monday first. A day cursor moves with the arrow keys (the month
follows it); ``[`` / ``]`` step a month, ``t`` comes back to today. Below the grid: the
month's total hours, the modules it covers (with their colors), its days off and what
the selected day holds. The plan's finish day is marked; past days show the hours
actually logged on them (``show_logged``, from the history); ``enter`` lists a day's
sessions. A day holding a pinned session (``planner.shape.Pinned``) has the pin's mark
``⚲`` at the end of its hours, and so has its pinned topic's line (when the box has
one); the selected day's line and its sessions (enter) say "⚲ pinned".

Everything is drawn as Rich ``Text`` built piece by piece, so titles and labels from
the roadmap or the settings file are shown literally, never read as markup.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time, timedelta, tzinfo
from typing import ClassVar

from dateutil.relativedelta import relativedelta
from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from planner.roadmap import Roadmap
from planner.schedule import Plan, Session
from planner.settings import DayOff, Settings
from planner.shape import PIN_MARK, Pinned
from planner.textutil import visible
from planner.units import time_range

__all__ = [
    "MonthCalendar",
    "fit",
    "format_hours",
    "module_color",
    "module_palette",
    "plain",
]

# -- shared helpers (the agenda uses them too) ----------------------------------------

_THEME_KEYS = ("primary", "accent", "success", "error", "secondary", "warning")
_GOLDEN = 0.381966  # 1 - 1/phi: hues spread evenly however many modules there are
_PALETTE_SIZE = 36  # twelve hues, each also lighter and darker
_palette_cache: dict[tuple[str, bool], list[Color]] = {}


def _theme_colors(app: App[object]) -> tuple[list[Color], bool]:
    variables = app.theme_variables or app.get_css_variables()
    dark = app.current_theme.dark
    colors: list[Color] = []
    for key in _THEME_KEYS:
        value = variables.get(key)
        if not value:
            continue
        try:
            colors.append(Color.parse(value))
        except Exception:  # a theme colour we cannot read: skip it
            continue
    return colors, dark


def module_palette(app: App[object], count: int) -> list[Color]:
    """``count`` distinct colours for modules, stable per module index.

    The theme's own colours come first (primary, accent, success, ...), skipping any
    too close in hue to one already taken or too grey to tell apart; more modules get
    hues spread by the golden angle from the primary colour. Lightness is evened out so
    every colour reads on the theme's background.
    """
    key = (app.theme, True)
    palette = _palette_cache.get(key)
    if palette is None:
        base, dark = _theme_colors(app)
        lightness = (0.45, 0.62) if dark else (0.32, 0.48)
        picked: list[tuple[float, float, float]] = []
        for color in base:
            h, s, lum = color.hsl
            if s < 0.25:
                continue
            if any(min(abs(h - q), 1 - abs(h - q)) < 0.07 for q, _, _ in picked):
                continue
            picked.append((h, max(s, 0.5), min(max(lum, lightness[0]), lightness[1])))
        h0, s0, l0 = picked[0] if picked else (0.58, 0.7, 0.5)
        palette = [Color.from_hsl(h, s, lum) for h, s, lum in picked]
        hues = [h for h, _, _ in picked]
        for step in range(1, 200):
            if len(palette) >= 12:
                break
            h = (h0 + step * _GOLDEN) % 1.0
            if any(min(abs(h - q), 1 - abs(h - q)) < 0.05 for q in hues):
                continue
            hues.append(h)
            palette.append(Color.from_hsl(h, min(max(s0, 0.55), 0.8), l0))
        # Past twelve modules: the same hues again, lighter then darker.
        palette = palette + [c.lighten(0.12) for c in palette] + [c.darken(0.12) for c in palette]
        _palette_cache[key] = palette
    if count <= len(palette):
        return palette[:count]
    return [palette[i % len(palette)] for i in range(count)]


def module_color(app: App[object], index: int) -> Color:
    """The colour of the module at ``index`` (0-based, roadmap order)."""
    palette = module_palette(app, _PALETTE_SIZE)
    return palette[index % len(palette)]


TRACK_COLOR = Color.parse("#c0a0ff")
"""The colour of every track's sessions (``settings.tracks``): none of a module's."""


def session_color(app: App[object], module_id: str, index: int) -> Color:
    """A session's colour: its module's (``index``), or the tracks' own (their module id
    is ``planner.schedule_shape.TRACK_MODULE``)."""
    return TRACK_COLOR if module_id == "track" else module_color(app, index)


def format_hours(hours: float) -> str:
    """``1.5 h``, ``2 h``, ``0.75 h``: no trailing zeros, at most two decimals."""
    return f"{round(hours, 2):g} h"


def plain(text: str) -> str:
    """One line of literal text: line breaks, tabs and other characters that print
    nothing become spaces; any other control character is shown harmlessly (ESC as
    ``␛``, ``textutil.visible``)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else " " for ch in visible(text, multiline=True))


def fit(text: str, width: int) -> str:
    """``text`` padded or cut to exactly ``width`` cells, an ellipsis marking a cut."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return text + " " * (width - cell_len(text))
    return set_cell_size(text, width - 1) + "…"


def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def day_off_on(days_off: Sequence[DayOff], day: date) -> DayOff | None:
    for off in days_off:
        if off.start <= day <= off.end:
            return off
    return None


def day_off_span(off: DayOff) -> str:
    if off.start == off.end:
        return short_date(off.start)
    return f"{short_date(off.start)} – {short_date(off.end)}"


# -- the calendar ----------------------------------------------------------------------


class _MonthGrid(Widget):
    """The grid itself: a title, the weekday row and one block of lines per week."""

    DEFAULT_CSS = """
    _MonthGrid {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, owner: MonthCalendar) -> None:
        super().__init__()
        self._owner = owner

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._owner.grid_height()

    def render(self) -> Text:
        return self._owner.render_grid(self.size.width)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self._owner.click_cell(offset.x, offset.y, self.size.width)


class MonthCalendar(VerticalScroll, can_focus=True):
    """A month of study: hours per day colored by module, days off, today.

    The app calls :meth:`show` whenever the plan changes; the month shown and the
    selected day stay where the user left them.
    """

    DEFAULT_CSS = """
    MonthCalendar {
        height: 1fr;
        padding: 0 1;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    MonthCalendar > Static {
        width: 1fr;
        height: auto;
    }
    MonthCalendar > #calendar-summary {
        margin-top: 1;
    }
    MonthCalendar > #calendar-details {
        color: $text-muted;
    }
    MonthCalendar:focus > #calendar-details {
        color: $foreground;
    }
    MonthCalendar .month-calendar--title {
        text-style: bold;
        color: $foreground;
    }
    MonthCalendar .month-calendar--weekday {
        color: $text-muted;
        text-style: bold;
    }
    MonthCalendar .month-calendar--day {
        color: $foreground;
    }
    MonthCalendar .month-calendar--other-month {
        color: $text-disabled;
    }
    MonthCalendar .month-calendar--today {
        color: $text-accent;
        text-style: bold;
    }
    MonthCalendar .month-calendar--cursor {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
    }
    MonthCalendar:focus .month-calendar--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    MonthCalendar .month-calendar--off {
        color: $text-warning;
    }
    MonthCalendar .month-calendar--hatch {
        color: $foreground 25%;
    }
    MonthCalendar .month-calendar--done {
        color: $text-success;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "month-calendar--title",
        "month-calendar--weekday",
        "month-calendar--day",
        "month-calendar--other-month",
        "month-calendar--today",
        "month-calendar--cursor",
        "month-calendar--off",
        "month-calendar--hatch",
        "month-calendar--done",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "move_days(-1)", "Previous day", show=False, id="calendar.prev_day"),
        Binding("right", "move_days(1)", "Next day", show=False, id="calendar.next_day"),
        Binding("up", "move_days(-7)", "Previous week", show=False, id="calendar.prev_week"),
        Binding("down", "move_days(7)", "Next week", show=False, id="calendar.next_week"),
        Binding("[", "move_months(-1)", "Prev month", id="calendar.prev_month"),
        Binding("]", "move_months(1)", "Next month", id="calendar.next_month"),
        Binding("t", "go_today", "Today", id="calendar.today"),
        Binding("pageup", "move_months(-1)", show=False, id="calendar.prev_month_page"),
        Binding("pagedown", "move_months(1)", show=False, id="calendar.next_month_page"),
        Binding("home", "go_today", show=False, id="calendar.today_home"),
        Binding("enter", "open_day", "Day's sessions", id="calendar.day"),
    ]

    month: reactive[date] = reactive(date(2000, 1, 1), init=False)
    """The first day of the month shown."""
    selected: reactive[date] = reactive(date(2000, 1, 1), init=False)
    """The day under the cursor."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._roadmap: Roadmap | None = None
        self._settings: Settings = Settings()
        self._today = date.today()
        self.set_reactive(MonthCalendar.month, self._today.replace(day=1))
        self.set_reactive(MonthCalendar.selected, self._today)
        self._shown = False
        self._by_day: dict[date, list[Session]] = {}
        self.pinned = Pinned()
        """The sessions to mark pinned (the app sets it before ``show``)."""
        self._finish: date | None = None
        self.logged: Mapping[date, float] = {}
        """Hours logged per past day (from the history; ``show_logged``)."""
        self._module_index: dict[str, int] = {}
        self._module_titles: dict[str, str] = {}
        self._topic_titles: dict[str, str] = {}
        self._lines = 2
        self._grid = _MonthGrid(self)
        self._summary = Static(id="calendar-summary")
        self._details = Static(id="calendar-details")

    def compose(self) -> Iterable[Widget]:
        yield self._grid
        yield self._summary
        yield self._details

    # -- the app's entry point ---------------------------------------------------------

    def show(self, roadmap: Roadmap, plan: Plan, settings: Settings, today: date) -> None:
        """Show ``plan`` (the sessions ``pinned`` holds marked). The first call opens on
        today's month; later calls keep the month and day the user was looking at
        (unless ``today`` itself moved)."""
        first = not self._shown or today != self._today
        self._roadmap = roadmap
        self._settings = settings
        self._shown = True
        self._module_index = {m.id: i for i, m in enumerate(roadmap.modules)}
        self._module_titles = {m.id: f"{m.number} {plain(m.title)}" for m in roadmap.modules}
        self._topic_titles = {}
        by_day: dict[date, list[Session]] = defaultdict(list)
        for session in plan.sessions:
            by_day[session.start.date()].append(session)
        self._by_day = dict(by_day)
        self._busy = tuple(plan.busy)
        self._busy_lost = dict(plan.busy_lost)
        self._tz = plan.sessions[0].start.tzinfo if plan.sessions else None
        self._finish = plan.finish
        if first:
            self._today = today
            self.set_reactive(MonthCalendar.month, today.replace(day=1))
            self.set_reactive(MonthCalendar.selected, today)
        self._refresh_all()

    def show_logged(self, logged: Mapping[date, float]) -> None:
        """Hours actually logged per day (from the history): shown on past days."""
        self.logged = logged
        self._refresh_all()

    # -- facts -------------------------------------------------------------------------

    def sessions_on(self, day: date) -> list[Session]:
        return self._by_day.get(day, [])

    def hours_on(self, day: date) -> float:
        return sum(s.hours for s in self._by_day.get(day, ()))

    def day_off(self, day: date) -> DayOff | None:
        return day_off_on(self._settings.days_off, day)

    def month_hours(self) -> dict[str, float]:
        """Hours per module in the month shown, in roadmap order."""
        totals: dict[str, float] = defaultdict(float)
        for day in self._month_days():
            for session in self._by_day.get(day, ()):
                totals[session.module_id] += session.hours
        order = self._module_index
        return dict(sorted(totals.items(), key=lambda kv: order.get(kv[0], len(order))))

    def _month_days(self) -> Iterable[date]:
        first = self.month
        days = calendar.monthrange(first.year, first.month)[1]
        return (first + timedelta(days=i) for i in range(days))

    def _weeks(self) -> list[list[date]]:
        return calendar.Calendar(0).monthdatescalendar(self.month.year, self.month.month)

    def _pins_among(self, sessions: Sequence[Session]) -> set[str]:
        """The topics of ``sessions`` (a day's) that have a pinned session among them."""
        pinned = self.pinned
        if not pinned:
            return set()
        return {s.topic_id for s in sessions if s in pinned}

    def _topic_title(self, topic_id: str) -> str:
        title = self._topic_titles.get(topic_id)
        if title is None:
            item = self._roadmap.get(topic_id) if self._roadmap is not None else None
            title = plain(item.title) if item is not None else topic_id
            self._topic_titles[topic_id] = title
        return title

    # -- actions -----------------------------------------------------------------------

    def action_move_days(self, days: int) -> None:
        self.select_day(self.selected + timedelta(days=days))

    def action_move_months(self, months: int) -> None:
        self.select_day(self.selected + relativedelta(months=months))

    def action_go_today(self) -> None:
        self.select_day(self._today)

    def select_day(self, day: date) -> None:
        """Put the cursor on ``day`` and show its month."""
        self.selected = day
        if (day.year, day.month) != (self.month.year, self.month.month):
            self.month = day.replace(day=1)

    def watch_month(self) -> None:
        self._refresh_all()

    def watch_selected(self) -> None:
        self._grid.refresh()
        self._update_details()

    def click_cell(self, x: int, y: int, width: int) -> None:
        cell, margin = self._cell_width(width)
        row = y - 2
        if row < 0 or x < margin:
            return
        week, column = row // self._cell_lines(), (x - margin) // cell
        weeks = self._weeks()
        if week < len(weeks) and column < 7:
            self.select_day(weeks[week][column])

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._refresh_all())
        self._refresh_all()

    def on_focus(self) -> None:
        self._grid.refresh()

    def on_blur(self) -> None:
        self._grid.refresh()

    def on_resize(self, event: events.Resize) -> None:
        # Title and weekdays (2), the summary and details (about 6), then as many lines
        # per week as six weeks allow: 2 (number, hours) to 4 (and two topics).
        lines = max(2, min(4, (event.size.height - 8) // 6))
        if lines != self._lines:
            self._lines = lines
            self._grid.refresh(layout=True)
        if self._shown:
            self.call_after_refresh(self._update_summary)

    # -- drawing -----------------------------------------------------------------------

    def _refresh_all(self) -> None:
        if not self.is_mounted:
            return
        self._grid.refresh(layout=True)
        self._update_summary()
        self._update_details()

    def _cell_lines(self) -> int:
        return self._lines

    def grid_height(self) -> int:
        return 2 + len(self._weeks()) * self._cell_lines()

    @staticmethod
    def _cell_width(width: int) -> tuple[int, int]:
        cell = max(5, min(18, width // 7))
        return cell, max(0, (width - 7 * cell) // 2)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name)

    def render_grid(self, width: int) -> Text:
        cell, margin = self._cell_width(width)
        inner = cell - 1
        base_bg = self.background_colors[1]
        pad = " " * margin
        lines: list[Text] = []

        title = f"{self.month:%B %Y}"
        title_text = Text(pad)
        title_text.append(fit(f"‹ {title} ›".center(7 * cell - 1), 7 * cell - 1))
        title_text.stylize(self._style("month-calendar--title"))
        lines.append(title_text)

        header = Text(pad)
        weekday_style = self._style("month-calendar--weekday")
        for i, name in enumerate(calendar.day_abbr):
            header.append(fit(" " + name, inner), weekday_style)
            if i < 6:
                header.append(" ")
        lines.append(header)

        off_style = self._style("month-calendar--off")
        hatch_style = self._style("month-calendar--hatch")
        day_style = self._style("month-calendar--day")
        other_style = self._style("month-calendar--other-month")
        today_style = self._style("month-calendar--today")
        cursor_style = self._style("month-calendar--cursor")
        done_style = self._style("month-calendar--done")
        colors = {
            module_id: module_color(self.app, index)
            for module_id, index in self._module_index.items()
        }
        colors["track"] = TRACK_COLOR  # the tracks' sessions (planner.schedule_shape)
        muted = Color.parse("#808080")

        for week in self._weeks():
            rows = [Text(pad) for _ in range(self._cell_lines())]
            for column, day in enumerate(week):
                in_month = day.month == self.month.month
                off = self.day_off(day)
                sessions = self._by_day.get(day, [])
                # line 1: the day's number (and "today")
                number = f" {day.day:>2}"
                if day == self._today and inner >= len(number) + 6:
                    number += " today"
                elif day == self._finish:
                    number += " finish" if inner >= len(number) + 7 else " ⚑"
                style = day_style if in_month else other_style
                if day == self._today:
                    style = style + today_style
                if day == self.selected:
                    style = style + cursor_style
                rows[0].append(fit(number, inner), style)
                # line 2 (and 3): hours coloured by module, or the day off
                if sessions:
                    hours: dict[str, float] = defaultdict(float)
                    for session in sessions:
                        hours[session.module_id] += session.hours
                    total = sum(hours.values())
                    pins = self._pins_among(sessions)
                    label = format_hours(total).center(inner)
                    if pins and label.endswith("  "):  # a pinned session: the mark, right
                        label = label[:-1] + PIN_MARK
                    label = fit(label, inner)
                    start = 0
                    strength = 0.55 if in_month else 0.25
                    items = list(hours.items())
                    for k, (module_id, _) in enumerate(items):
                        end = (
                            inner
                            if k == len(items) - 1
                            else max(start + 1, round(inner * (start_hours(items, k + 1)) / total))
                        )
                        end = min(end, inner)
                        color = colors.get(module_id, muted)
                        bg = base_bg.blend(color, strength)
                        fg = bg.get_contrast_text(0.95 if in_month else 0.6)
                        rows[1].append(
                            label[start:end],
                            Style(bgcolor=bg.rich_color, color=fg.rich_color, bold=in_month),
                        )
                        start = end
                    # Further lines: the day's topics, one a line, on a lighter shade.
                    topics: list[Session] = []
                    for session in sessions:
                        if all(t.topic_id != session.topic_id for t in topics):
                            topics.append(session)
                    for k, row in enumerate(rows[2:]):
                        shown = topics[k] if k < len(topics) else topics[-1]
                        color = colors.get(shown.module_id, muted)
                        bg = base_bg.blend(color, 0.3 if in_month else 0.12)
                        fg = bg.get_contrast_text(0.85 if in_month else 0.5)
                        topic = ""
                        if k < len(topics):
                            mark = PIN_MARK if shown.topic_id in pins else " "
                            topic = mark + self._topic_title(shown.topic_id)
                        row.append(
                            fit(topic, inner), Style(bgcolor=bg.rich_color, color=fg.rich_color)
                        )
                elif day < self._today and self.logged.get(day, 0.0) > 0:
                    label = fit(f"✓ {format_hours(self.logged[day])}".center(inner), inner)
                    rows[1].append(label, done_style)
                    for row in rows[2:]:
                        row.append(" " * inner)
                elif off is not None:
                    word = " off " if inner >= 7 else "off"
                    left = (inner - len(word)) // 2
                    rows[1].append("░" * left, hatch_style)
                    rows[1].append(word, off_style)
                    rows[1].append("░" * (inner - left - len(word)), hatch_style)
                    for k, row in enumerate(rows[2:]):
                        label = " " + plain(off.label) if off.label and k == 0 else ""
                        row.append(fit(label, inner), off_style + Style(italic=True))
                else:
                    for row in rows[1:]:
                        row.append(" " * inner)
                if column < 6:
                    for row in rows:
                        row.append(" ")
            lines.extend(rows)
        return Text("\n").join(lines)

    def _update_summary(self) -> None:
        text = Text()
        month_name = f"{self.month:%B %Y}"
        totals = self.month_hours()
        study_days = sum(1 for day in self._month_days() if day in self._by_day)
        if totals:
            text.append(format_hours(sum(totals.values())), "bold")
            text.append(f" of study in {month_name}")
            text.append(f" over {study_days} day{'s' if study_days != 1 else ''}")
        else:
            text.append(f"No study planned in {month_name}", "bold")
            if not self._by_day and self._shown:
                text.append(" (the plan is empty)")
        offs = sorted(
            (
                off
                for off in self._settings.days_off
                if off.start <= self._month_end() and off.end >= self.month
            ),
            key=lambda off: off.start,
        )
        if offs:
            text.append("\n")
            text.append("Days off: ", self._style("month-calendar--off"))
            for k, off in enumerate(offs):
                if k:
                    text.append(", ")
                text.append(day_off_span(off))
                if off.label:
                    text.append(" ")
                    text.append(plain(off.label), "italic")
        # The modules of the month, packed into lines without breaking a title.
        base_bg = self.background_colors[1]
        width = self._summary.size.width or max(20, self.size.width - 2)
        used = width
        for module_id, hours in totals.items():
            color = session_color(self.app, module_id, self._module_index.get(module_id, 0))
            figure = f" {format_hours(hours)}"
            title = self._module_titles.get(module_id, module_id)
            room = width - 3 - len(figure)
            if cell_len(title) > room:
                title = fit(title, max(1, room))
            item = 3 + cell_len(title) + len(figure)
            if used + 3 + item > width:
                text.append("\n")
                used = 0
            elif used:
                text.append("   ")
                used += 3
            text.append("██", Style(color=base_bg.blend(color, 0.55).rich_color))
            text.append(" " + title)
            text.append(figure, "bold")
            used += item
        self._summary.update(text)

    def _month_end(self) -> date:
        return self.month + relativedelta(months=1) - timedelta(days=1)

    def _update_details(self) -> None:
        day = self.selected
        text = Text()
        text.append(short_date(day), "bold")
        if day == self._today:
            text.append(" (today)", "bold")
        off = self.day_off(day)
        sessions = self._by_day.get(day, [])
        if off is not None:
            text.append(" · day off")
            if off.label:
                text.append(": ")
                text.append(plain(off.label), "italic")
        if sessions:
            text.append(f" · {format_hours(sum(s.hours for s in sessions))}:")
            for k, session in enumerate(sessions):
                text.append(" " if k == 0 else " · ")
                text.append(f"{time_range(session.start, session.end, dash='–')} ")
                text.append(self._topic_title(session.topic_id))
                if session.parts > 1:
                    text.append(f" ({session.part}/{session.parts})")
                if session in self.pinned:
                    text.append(f" {PIN_MARK} pinned")
        elif off is None:
            text.append(" · nothing planned")
        busy = self._busy_on(day)
        if busy:  # the learner's own busy times, dimmed
            dim = Style(dim=True, italic=True)
            text.append(" · busy", dim)
            for start, end in busy:
                until = "24:00" if end == time.max else f"{end:%H:%M}"
                text.append(f" {start:%H:%M}–{until}", dim)
        monday = day - timedelta(days=day.weekday())
        lost = self._busy_lost.get(monday)
        if lost:
            text.append(f" · week: {format_hours(lost)} lost to busy", Style(dim=True))
        logged = self.logged.get(day, 0.0)
        if day <= self._today and logged > 0:
            text.append(f" · {format_hours(logged)} logged")
        if day == self._finish:
            text.append(" · the plan finishes")
        self._details.update(text)

    def day_text(self, day: date) -> Text:
        """The day's sessions, one a line, and the hours logged on it (enter shows it)."""
        text = Text()
        sessions = self._by_day.get(day, [])
        for session in sessions:
            text.append(f"{time_range(session.start, session.end, dash='–')}  ", "bold")
            text.append(self._topic_title(session.topic_id))
            if session.parts > 1:
                text.append(f" ({session.part}/{session.parts})")
            text.append(f"  {format_hours(session.hours)}")
            text.append(f"  {PIN_MARK} pinned\n" if session in self.pinned else "\n")
        if not sessions:
            off = self.day_off(day)
            text.append("Day off.\n" if off is not None else "No session planned.\n")
        for start, end in self._busy_on(day):  # the learner's own busy times, dimmed
            until = "24:00" if end == time.max else f"{end:%H:%M}"
            text.append(f"{start:%H:%M}–{until}  busy\n", Style(dim=True, italic=True))
        if day <= self._today:
            text.append(f"\n{format_hours(self.logged.get(day, 0.0))} logged this day.")
        if day == self._finish:
            text.append("\nThe plan finishes this day.", "bold")
        text.rstrip()
        return text

    def action_open_day(self) -> None:
        from planner.tui.screens.day import DayScreen

        day = self.selected
        title = short_date(day) + (" (today)" if day == self._today else "")
        self.app.push_screen(DayScreen(title, self.day_text(day)))

    _busy: tuple[tuple[int, int], ...] = ()
    _busy_lost: dict[date, float] = {}  # noqa: RUF012 - replaced, never changed in place
    _tz: tzinfo | None = None

    def _busy_on(self, day: date) -> list[tuple[time, time]]:
        if not self._busy or self._tz is None:
            return []
        from planner.busy import on_day

        return on_day(self._busy, day, self._tz)


def start_hours(items: list[tuple[str, float]], upto: int) -> float:
    """Hours of the first ``upto`` modules of a day (where the next one's share starts)."""
    return sum(hours for _, hours in items[:upto])
