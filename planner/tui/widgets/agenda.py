"""The agenda: the coming study sessions, week by week, with each week's hours.

A Line API widget (``ScrollView``): :meth:`Agenda.show` only files the plan into a flat
list of small row tuples, and only the rows on screen are ever drawn, so showing a plan
of 10,000 sessions costs milliseconds and scrolling stays instant.

A cursor walks the sessions (up/down, page keys, home/end, ``t`` for today); ``enter``
posts :class:`Agenda.SessionSelected` so the app can jump to the topic; ``space`` and
``l`` post :class:`Agenda.SessionAction` (mark the session done, log other hours).
A pinned session (``planner.shape.Pinned``) has the pin's mark at the end of its title
column (``⚲``, and "pinned" where the row has room), never cut.

Titles come from the roadmap and labels from the settings file: they are drawn as plain
segments, never read as markup.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import ClassVar, NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from planner.roadmap import Roadmap
from planner.schedule import Plan, Session
from planner.settings import DayOff, Settings
from planner.shape import PIN_MARK, Pinned
from planner.tui.widgets.month_calendar import (
    fit,
    format_hours,
    plain,
    session_color,
    short_date,
)
from planner.units import time_range

__all__ = ["Agenda"]


class _Week(NamedTuple):
    start: date
    hours: float
    sessions: int
    lost: float = 0.0
    """Hours lost to busy times that week."""


class _Session(NamedTuple):
    session: Session
    first_of_day: bool


class _Off(NamedTuple):
    first: date
    last: date
    label: str | None


class _Blank(NamedTuple):
    pass


class _Busy(NamedTuple):
    """A busy time from the learner's calendars (dimmed), on its local day."""

    start: datetime
    end: datetime
    first_of_day: bool = False


class _Message(NamedTuple):
    text: str


Row = _Week | _Session | _Off | _Blank | _Message | _Busy
_BLANK = _Blank()

_DATE_W = 10  # "Wed 30 Dec"
_TIME_W = 11  # "19:00–20:30"
_HOURS_W = 6  # "0.75 h"


def _busy_by_week(
    plan: Plan, first: date, last: date, tz: tzinfo | None
) -> dict[date, list[_Busy]]:
    """The plan's busy times from ``first`` to ``last`` (inclusive) by week (its Monday),
    each cut at its local midnights, so a block sits on the day it covers."""
    out: dict[date, list[_Busy]] = defaultdict(list)
    if not plan.busy or tz is None:
        return out
    from planner.busy import on_day

    busy = plan.busy
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    lo = int(
        (datetime(first.year, first.month, first.day, tzinfo=tz) - epoch).total_seconds() // 60
    )
    hi = lo + ((last - first).days + 2) * 1440
    i = bisect_left(busy, (lo - 7 * 1440, 0))
    days: set[date] = set()
    while i < len(busy) and busy[i][0] < hi:
        a, b = busy[i]
        day = (epoch + timedelta(minutes=a)).astimezone(tz).date()
        end = (epoch + timedelta(minutes=b)).astimezone(tz).date()
        while day <= end and day <= last:
            if day >= first:
                days.add(day)
            day += timedelta(days=1)
        i += 1
    kept = tuple(busy)
    for day in sorted(days):
        week = day - timedelta(days=day.weekday())
        for start, stop in on_day(kept, day, tz):
            begin = datetime.combine(day, start, tz)
            finish = (
                datetime.combine(day + timedelta(days=1), time(0, 0), tz)
                if stop == time.max
                else datetime.combine(day, stop, tz)
            )
            if finish > begin:
                out[week].append(_Busy(begin, finish))
    return out


def _week_range(start: date) -> str:
    end = start + timedelta(days=6)
    if start.year != end.year:
        return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day}–{end.day} {end:%b %Y}"


class Agenda(ScrollView, can_focus=True):
    """The coming sessions, week by week."""

    DEFAULT_CSS = """
    Agenda {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
        background: $surface;
    }
    Agenda > .agenda--week {
        background: $panel;
        color: $foreground;
        text-style: bold;
    }
    Agenda > .agenda--week-current {
        background: $panel;
        color: $text-accent;
        text-style: bold;
    }
    Agenda > .agenda--week-figures {
        background: $panel;
        color: $text-muted;
        text-style: not bold;
    }
    Agenda > .agenda--date {
        color: $foreground;
    }
    Agenda > .agenda--today {
        color: $text-accent;
        text-style: bold;
    }
    Agenda > .agenda--time {
        color: $text-muted;
    }
    Agenda > .agenda--module {
        color: $text-muted;
    }
    Agenda > .agenda--hours {
        color: $foreground;
    }
    Agenda > .agenda--part {
        color: $text-muted;
    }
    Agenda > .agenda--pinned {
        color: $text-accent;
    }
    Agenda > .agenda--busy {
        color: $text-disabled;
        text-style: italic;
    }
    Agenda > .agenda--off {
        color: $text-warning;
        text-style: italic;
    }
    Agenda > .agenda--message {
        color: $text-muted;
    }
    Agenda > .agenda--cursor {
        background: $block-cursor-blurred-background;
    }
    Agenda:focus > .agenda--cursor {
        background: $block-cursor-background;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "agenda--week",
        "agenda--week-current",
        "agenda--week-figures",
        "agenda--date",
        "agenda--today",
        "agenda--time",
        "agenda--module",
        "agenda--hours",
        "agenda--part",
        "agenda--off",
        "agenda--busy",
        "agenda--message",
        "agenda--cursor",
        "agenda--pinned",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Previous session", show=False, id="agenda.cursor_up"),
        Binding("down,j", "cursor(1)", "Next session", show=False, id="agenda.cursor_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="agenda.page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="agenda.page_down"),
        Binding("home", "first", "First session", show=False, id="agenda.first"),
        Binding("end", "last", "Last session", show=False, id="agenda.last"),
        Binding("t", "today", "Today", id="agenda.today"),
        Binding("enter", "select", "Show topic", id="agenda.select"),
        Binding("space", "act('done')", "Session done", id="agenda.done"),
        Binding("l", "act('log')", "Log hours", id="agenda.log"),
        Binding(
            "p",
            "app.pin_session",
            "Pin",
            id="agenda.pin",
            show=False,
            tooltip="Pin this session where it is (planner pin)",
        ),
        Binding(
            "P",
            "app.unpin_session",
            "Unpin",
            id="agenda.unpin",
            show=False,
            tooltip="Remove the pins of this session's topic (planner unpin)",
        ),
    ]

    cursor_row: reactive[int] = reactive(-1, init=False)
    """Index of the row under the cursor (always a session row), or -1."""

    class SessionSelected(Message):
        """``enter`` (or a second click) on a session: the app may show its topic."""

        def __init__(self, agenda: Agenda, session: Session) -> None:
            super().__init__()
            self.agenda = agenda
            self.session = session

        @property
        def control(self) -> Agenda:
            return self.agenda

    class SessionAction(Message):
        """``space`` (``what`` "done": mark the session done) or ``l`` ("log": log other
        hours on its topic) on a session; the app does it."""

        def __init__(self, agenda: Agenda, session: Session, what: str) -> None:
            super().__init__()
            self.agenda = agenda
            self.session = session
            self.what = what

        @property
        def control(self) -> Agenda:
            return self.agenda

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._rows: list[Row] = [_Message("No plan yet.")]
        self._session_rows: list[int] = []
        self._today = date.today()
        self._module_index: dict[str, int] = {}
        self._module_labels: dict[str, tuple[str, str]] = {}
        self._topic_titles: dict[str, str] = {}
        self._roadmap: Roadmap | None = None
        self.pinned = Pinned()
        """The sessions to mark pinned (the app sets it before ``show``)."""

    # -- the app's entry point ---------------------------------------------------------

    def show(self, roadmap: Roadmap, plan: Plan, settings: Settings, today: date) -> None:
        """File ``plan`` into rows (the sessions ``pinned`` holds are marked as they are
        drawn). Keeps the cursor on the same session when it is still planned (else on
        the nearest later one)."""
        previous = self.cursor_session
        self._today = today
        if roadmap is not self._roadmap:
            self._roadmap = roadmap
            self._module_index = {m.id: i for i, m in enumerate(roadmap.modules)}
            self._module_labels = {
                m.id: (f"M{m.number}", f"{m.number} {plain(m.title)}") for m in roadmap.modules
            }
            self._topic_titles = {}
        self._rows, self._session_rows = self._file(plan, settings.days_off, today)
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))

        row = -1
        if self._session_rows:
            if previous is not None:
                row = self._find(previous)
            if row < 0:
                row = self._session_rows[0]
        self.set_reactive(Agenda.cursor_row, row)
        if not self.is_mounted:
            return
        if previous is None and row >= 0:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    @staticmethod
    def _file(plan: Plan, days_off: Sequence[DayOff], today: date) -> tuple[list[Row], list[int]]:
        sessions = sorted(plan.sessions, key=lambda s: s.start)
        if not sessions:
            if plan.hours_remaining <= 0:
                message = "Nothing left to plan: every topic is done or skipped."
            else:
                message = (
                    f"Nothing could be planned for the {format_hours(plan.hours_remaining)} "
                    "left: give some weekdays study hours in Settings."
                )
            return [_Message(message)], []

        first_week = sessions[0].start.date()
        first_week -= timedelta(days=first_week.weekday())
        last_day = sessions[-1].start.date()
        last_week = last_day - timedelta(days=last_day.weekday())

        # Days off clipped to each week they touch, inside the plan's span only.
        offs: dict[date, list[tuple[date, date, str | None]]] = defaultdict(list)
        span_end = last_week + timedelta(days=6)
        for off in sorted(days_off, key=lambda o: o.start):
            start, end = max(off.start, first_week), min(off.end, span_end)
            while start <= end:
                week = start - timedelta(days=start.weekday())
                week_end = min(end, week + timedelta(days=6))
                offs[week].append((start, week_end, off.label))
                start = week_end + timedelta(days=1)

        busy = _busy_by_week(plan, first_week, span_end, sessions[0].start.tzinfo)

        # Group sessions by week with each week's hours.
        weeks: dict[date, list[Session]] = {}
        for session in sessions:
            day = session.start.date()
            week = day - timedelta(days=day.weekday())
            bucket = weeks.get(week)
            if bucket is None:
                weeks[week] = bucket = []
            bucket.append(session)

        rows: list[Row] = []
        session_rows: list[int] = []
        week = first_week
        one_week = timedelta(days=7)
        while week <= last_week:
            in_week = weeks.get(week, [])
            week_offs = offs.get(week, [])
            if rows:
                rows.append(_BLANK)
            lost = plan.busy_lost.get(week, 0.0)
            rows.append(_Week(week, sum(s.hours for s in in_week), len(in_week), lost))
            k = 0
            last_date: date | None = None
            week_busy = busy.get(week)
            items: Sequence[Session | _Busy] = in_week
            if week_busy:  # busy times among the sessions, by start
                items = sorted([*in_week, *week_busy], key=lambda item: item.start)
            for item in items:
                day = item.start.date()
                while k < len(week_offs) and week_offs[k][0] <= day:
                    rows.append(_Off(*week_offs[k]))
                    k += 1
                    last_date = None
                if isinstance(item, _Busy):
                    rows.append(item._replace(first_of_day=day != last_date))
                    last_date = day
                    continue
                session_rows.append(len(rows))
                rows.append(_Session(item, day != last_date))
                last_date = day
            for off_row in week_offs[k:]:
                rows.append(_Off(*off_row))
            week += one_week
        return rows, session_rows

    # -- facts -------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def session_count(self) -> int:
        return len(self._session_rows)

    @property
    def cursor_session(self) -> Session | None:
        """The session under the cursor, if any."""
        if 0 <= self.cursor_row < len(self._rows):
            row = self._rows[self.cursor_row]
            if isinstance(row, _Session):
                return row.session
        return None

    def row_text(self, index: int) -> str:
        """The plain text of row ``index`` as drawn at the current width (for tests)."""
        width = self.scrollable_content_region.width or 80
        return "".join(text for text, _ in self._row_parts(index, width))

    def _find(self, target: Session) -> int:
        """The row of ``target`` (same topic and part), else of the next later session."""
        sessions = self._sessions_in_order()
        for index, session in zip(self._session_rows, sessions, strict=True):
            if session.topic_id == target.topic_id and session.part == target.part:
                return index
        starts = [session.start for session in sessions]
        position = bisect_left(starts, target.start)
        if position < len(self._session_rows):
            return self._session_rows[position]
        return self._session_rows[-1] if self._session_rows else -1

    def _sessions_in_order(self) -> list[Session]:
        rows = self._rows
        found = []
        for index in self._session_rows:
            row = rows[index]
            assert isinstance(row, _Session)
            found.append(row.session)
        return found

    # -- cursor ------------------------------------------------------------------------

    def _move_to(self, row: int, *, upward: bool = False) -> None:
        if row < 0:
            return
        self.cursor_row = row
        top = row
        if upward:
            # Moving up onto a week's first session: bring its heading into view too.
            while top > 0 and not isinstance(self._rows[top - 1], (_Session, _Message)):
                top -= 1
                if isinstance(self._rows[top], _Week):
                    break
        width = self.scrollable_content_region.width
        self.scroll_to_region(Region(0, top, width, row - top + 1), animate=False, immediate=True)

    def action_cursor(self, step: int) -> None:
        rows = self._session_rows
        if not rows:
            return
        position = bisect_left(rows, self.cursor_row)
        position = max(0, min(len(rows) - 1, position + step))
        self._move_to(rows[position], upward=step < 0)

    def action_page(self, direction: int) -> None:
        rows = self._session_rows
        if not rows:
            return
        height = max(1, self.scrollable_content_region.height - 1)
        target = self.cursor_row + direction * height
        if direction > 0:
            position = min(len(rows) - 1, bisect_left(rows, target))
        else:
            position = max(0, bisect_right(rows, target) - 1)
        self.scroll_to(y=self.scroll_y + direction * height, animate=False, immediate=True)
        self._move_to(rows[position], upward=direction < 0)

    def action_first(self) -> None:
        if self._session_rows:
            self.scroll_to(y=0, animate=False, immediate=True)
            self._move_to(self._session_rows[0])

    def action_last(self) -> None:
        if self._session_rows:
            self._move_to(self._session_rows[-1])

    def action_today(self) -> None:
        """The cursor on the first session today or later."""
        for index, session in zip(self._session_rows, self._sessions_in_order(), strict=True):
            if session.start.date() >= self._today:
                self._move_to(index, upward=True)
                return
        self.action_last()

    def action_select(self) -> None:
        session = self.cursor_session
        if session is None:
            self.notify("No session here: nothing is planned.", timeout=3)
            return
        self.post_message(self.SessionSelected(self, session))

    def action_act(self, what: str) -> None:
        session = self.cursor_session
        if session is None:
            self.notify("No session here: nothing is planned.", timeout=3)
            return
        self.post_message(self.SessionAction(self, session, what))

    def watch_cursor_row(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = int(self.scroll_y) + offset.y
        if 0 <= row < len(self._rows) and isinstance(self._rows[row], _Session):
            if row == self.cursor_row and event.chain >= 2:
                self.action_select()
            self.cursor_row = row

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._rows))

    # -- drawing -----------------------------------------------------------------------

    def _topic_title(self, topic_id: str) -> str:
        title = self._topic_titles.get(topic_id)
        if title is None:
            item = self._roadmap.get(topic_id) if self._roadmap is not None else None
            title = plain(item.title) if item is not None else topic_id
            self._topic_titles[topic_id] = title
        return title

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name)

    def _row_parts(self, index: int, width: int) -> list[tuple[str, Style]]:
        row = self._rows[index]
        null = Style()
        if isinstance(row, _Week):
            week, hours, count, lost = row
            this_week = self._today - timedelta(days=self._today.weekday())
            relative = ""
            if week == this_week:
                relative = "this week · "
            elif week == this_week + timedelta(days=7):
                relative = "next week · "
            left = f" Week {week.isocalendar()[1]} · {_week_range(week)}"
            if count:
                plural = "s" if count != 1 else ""
                right = f"{relative}{count} session{plural} · {format_hours(hours)} "
            else:
                right = f"{relative}no study "
            if lost:
                right = f"{format_hours(lost)} lost to busy · {right}"
            heading = self._style("agenda--week-current" if week == this_week else "agenda--week")
            figures = self._style("agenda--week-figures")
            room = width - cell_len(right)
            if room < 12:
                return [(fit(left, width), heading)]
            return [(fit(left, room), heading), (right, figures)]
        if isinstance(row, _Session):
            session, first_of_day = row
            day = session.start.date()
            date_style = self._style("agenda--today" if day == self._today else "agenda--date")
            date_text = short_date(day) if first_of_day else ""
            times = time_range(session.start, session.end, dash="–")
            flex = max(8, width - (1 + _DATE_W + 2 + _TIME_W + 2 + 2 + 2 + 2 + _HOURS_W + 1))
            short, long = self._module_labels.get(session.module_id, ("", session.module_id))
            if flex >= 50:
                module_w = min(32, int(flex * 0.36))
                module = long
            else:
                module_w = min(4, max(len(short), 2))
                module = short
            title_w = flex - module_w
            title = self._topic_title(session.topic_id)
            part = f" ({session.part}/{session.parts})" if session.parts > 1 else ""
            pin = ""
            if session in self.pinned:  # at the column's end, the title cut for it
                pin = f" {PIN_MARK} pinned" if flex >= 50 else f" {PIN_MARK}"
                title_w -= len(pin)
            if cell_len(title) + len(part) > title_w:
                title = fit(title, max(1, title_w - len(part)))
                title = title.rstrip() if title.endswith("…") else title
            color = session_color(
                self.app, session.module_id, self._module_index.get(session.module_id, 0)
            )
            return [
                (" ", null),
                (fit(date_text, _DATE_W), date_style),
                ("  ", null),
                (times.ljust(_TIME_W), self._style("agenda--time")),
                ("  ", null),
                ("▌ ", Style(color=color.rich_color)),
                (title, null),
                (fit(part, title_w - cell_len(title)), self._style("agenda--part")),
                (pin, self._style("agenda--pinned")),
                ("  ", null),
                (fit(module, module_w), self._style("agenda--module")),
                ("  ", null),
                (format_hours(session.hours).rjust(_HOURS_W), self._style("agenda--hours")),
                (" ", null),
            ]
        if isinstance(row, _Off):
            first, last, label = row
            text = "day off" if first == last else f"off until {short_date(last)}"
            if label:
                text += f" · {plain(label)}"
            indent = 1 + _DATE_W + 2 + _TIME_W + 2
            return [
                (" ", null),
                (fit(short_date(first), _DATE_W), self._style("agenda--date")),
                (" " * (indent - 1 - _DATE_W), null),
                (fit(text, max(1, width - indent)), self._style("agenda--off")),
            ]
        if isinstance(row, _Busy):
            start, end, first_of_day = row
            until = "24:00" if end.date() > start.date() else f"{end:%H:%M}"
            text = f"{start:%H:%M}–{until}"
            indent = 1 + _DATE_W + 2
            day = start.date()
            date_style = self._style("agenda--today" if day == self._today else "agenda--date")
            return [
                (" ", null),
                (fit(short_date(day) if first_of_day else "", _DATE_W), date_style),
                ("  ", null),
                (text.ljust(_TIME_W), self._style("agenda--busy")),
                ("  ", null),
                (fit("busy", max(1, width - indent - _TIME_W - 2)), self._style("agenda--busy")),
            ]
        if isinstance(row, _Message):
            return [(fit("  " + row.text, width), self._style("agenda--message"))]
        return []

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not 0 <= index < len(self._rows):
            return Strip.blank(width, base)
        # The cursor only lays a background (and bold) over the row: each part keeps
        # its colour, the module's stripe included.
        extra = (
            self.get_component_rich_style("agenda--cursor", partial=True)
            if index == self.cursor_row
            else None
        )
        segments = []
        for text, style in self._row_parts(index, width):
            combined = base + style
            if extra is not None:
                combined = combined + extra
            segments.append(Segment(text, combined))
        strip = Strip(segments)
        return strip.adjust_cell_length(width, base + extra if extra else base)
