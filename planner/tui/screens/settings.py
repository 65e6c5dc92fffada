"""The settings form: weekly hours and start times, zone, start date, days off, session rules.

``SettingsScreen(settings)`` is a modal form. It is dismissed with a new ``Settings``
(built with ``dataclasses.replace``, so fields the form does not show are kept) when
the user saves, or with ``None`` when they cancel. The app saves the file and re-plans.

Input is read in the one grammar of ``planner.units`` (``1.5``, ``90m``, ``1h30`` for hours;
``19:00``, ``7pm`` for times; ``2026-12-01``, ``1 Dec 2026`` for dates) and refused in the
form, with a message next to the field, when it cannot be used. A field's message shows
once the user has left it (or tried to save), and clears as soon as the value is fixed;
saving refused names the fields to fix. With ``preview`` (the app's call of
``planner.pace.week_effect``) a line under the form says what the settings give before
they are saved. Esc with unsaved edits asks before discarding them. The settings the
form does not show (``FILE_ONLY``) are listed at its end as the file's alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, time, timedelta
from functools import lru_cache
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.validation import ValidationResult, Validator
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Static, TextArea

from planner import units
from planner.settings import DayOff, Settings
from planner.textutil import closest
from planner.units import looks_like_duration, parse_duration

__all__ = [
    "SettingsScreen",
    "format_days_off",
    "parse_clock",
    "parse_day",
    "parse_days_off",
    "parse_hours",
]

_KEYS_HINT = "ctrl+s save · esc cancel"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAYS_OFF_HELP = "one per line: 2026-12-24  or  2026-12-24..2027-01-01 Holidays"

# -- reading values (plain functions, tested on their own) ------------------------------


def _format_number(value: float) -> str:
    return f"{round(value, 2):g}"


def parse_hours(text: str, *, maximum: float = 24.0) -> float:
    """``1.5``, ``1,5``, ``2h``, ``90m``, ``1h30``, ``1:30`` -> hours, in the one grammar
    of ``planner.units``; 0 to ``maximum``. ValueError if not (short: a field's note)."""
    if not looks_like_duration(text):
        raise ValueError("not hours; write 1.5, 90m or 1h30")
    hours = parse_duration(text)
    if hours < 0:
        raise ValueError(f"{text.strip()} is less than nothing; write 0 or more hours")
    if hours > maximum:
        raise ValueError(f"at most {_format_number(maximum)} hours")
    return round(hours, 4)


def parse_clock(text: str) -> time:
    """``19:00``, ``19.30``, ``7pm``, ``7:30 pm``, ``1930`` -> a time, in the one grammar of
    ``planner.units``. ValueError if not."""
    return units.parse_clock(text)


def parse_day(text: str, today: date) -> date:
    """A date in the one grammar of ``planner.units`` ("2026-12-01", "1 Dec 2026", "Dec 1";
    a year left out is today's). ValueError with a message if not."""
    return units.parse_date(text, today)


_RANGE_RE = re.compile(r"^(\S+?)\s*(?:\.\.|–|—)\s*(\S+)(?:\s+(.*))?$")
_SINGLE_RE = re.compile(r"^(\S+)(?:\s+(.*))?$")


def _numeric_date(token: str) -> date:
    """A day off's date: 2026-12-24, 2026/12/24 or 24.12.2026 (one word: the grammar of
    ``planner.units``, whose word forms have spaces)."""
    try:
        return units.parse_date(token)
    except ValueError as exc:
        if str(exc).startswith("cannot read") and ":" in str(exc):
            raise  # a date that does not exist says why
        raise ValueError(f"cannot read {token!r} as a date") from None


def parse_days_off(text: str) -> tuple[DayOff, ...]:
    """One day off per line: ``2026-12-24``, ``2026-12-24 Label`` or
    ``2026-12-24..2027-01-01 Label``. Blank lines and ``#`` comments are skipped.
    ValueError naming the line if one cannot be read."""
    days: list[DayOff] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _RANGE_RE.match(line)
        try:
            if match is not None:
                start = _numeric_date(match.group(1))
                end = _numeric_date(match.group(2))
                label = match.group(3)
            else:
                single = _SINGLE_RE.match(line)
                assert single is not None
                start = end = _numeric_date(single.group(1))
                label = single.group(2)
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}; write {DAYS_OFF_HELP}") from None
        if end < start:
            raise ValueError(
                f"line {number}: the range ends ({end.isoformat()}) before it starts "
                f"({start.isoformat()})"
            )
        days.append(DayOff(start, end, label.strip() if label and label.strip() else None))
    return tuple(days)


def format_days_off(days_off: Iterable[DayOff]) -> str:
    lines = []
    for off in days_off:
        line = off.start.isoformat()
        if off.end != off.start:
            line += f"..{off.end.isoformat()}"
        if off.label:
            line += f" {off.label}"
        lines.append(line)
    return "\n".join(lines)


@lru_cache(maxsize=1)
def _zone_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def check_zone(name: str) -> str | None:
    """None if ``name`` is a usable IANA zone (or blank), else the message."""
    value = name.strip()
    if not value:
        return None
    names = _zone_names()
    if value in names:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder: OSError
        pass
    else:
        return None
    guess = closest(value, names) or next((n for n in names if n.lower() == value.lower()), None)
    hint = f"; did you mean {guess}?" if guess else "; write a name like Europe/Berlin"
    return f"unknown time zone {value!r}{hint}"


def _days_of(off: DayOff) -> Iterable[date]:
    span = min((off.end - off.start).days, 3660)
    return (off.start + timedelta(days=i) for i in range(span + 1))


def _clock(value: time) -> str:
    return f"{value:%H:%M}"


def _end_of(start: time, hours: float) -> tuple[int, int]:
    minutes = start.hour * 60 + start.minute + round(hours * 60)
    return divmod(minutes, 60)


# -- validators (for the Input widgets) -------------------------------------------------


class _Check(Validator):
    """Wraps one of the ``parse_*`` functions: its ValueError is the failure message."""

    def __init__(self, kind: str, screen: SettingsScreen) -> None:
        super().__init__()
        self.kind = kind
        self.screen = screen

    def validate(self, value: str) -> ValidationResult:
        problem = self.screen.problem_of(self.kind, value)
        return self.success() if problem is None else self.failure(problem, value)


# -- the screen -------------------------------------------------------------------------


class SettingsScreen(ModalScreen[Settings | None]):
    """The settings form. Dismissed with the new Settings on save, None on cancel."""

    DEFAULT_CSS = """
    SettingsScreen {
        align: center middle;
        background: $background 60%;
    }
    SettingsScreen #dialog {
        width: 96;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-color: $foreground;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    SettingsScreen #form {
        height: auto;
        scrollbar-size-vertical: 1;
    }
    SettingsScreen .section {
        color: $text-primary;
        text-style: bold;
        margin-top: 1;
    }
    SettingsScreen .section.first {
        margin-top: 0;
    }
    SettingsScreen .row {
        height: auto;
    }
    SettingsScreen .day-row {
        height: auto;
    }
    SettingsScreen .row-label {
        width: 21;
        color: $foreground;
    }
    SettingsScreen .day-label {
        width: 6;
        padding-left: 1;
    }
    SettingsScreen .day-word {
        width: 10;
        color: $text-muted;
    }
    SettingsScreen Input {
        padding: 0 1;
        background: $boost;
    }
    SettingsScreen Input.-textual-compact:focus {
        background: $primary 25%;
    }
    SettingsScreen Input.-textual-compact.-invalid {
        background: $error 40%;
    }
    SettingsScreen .hours {
        width: 8;
    }
    SettingsScreen .clock {
        width: 9;
    }
    SettingsScreen .wide {
        width: 26;
    }
    SettingsScreen .note {
        width: 1fr;
        height: auto;
        padding-left: 2;
        color: $text-muted;
    }
    SettingsScreen .note.-error {
        color: $text-error;
        text-style: bold;
    }
    SettingsScreen #week-total {
        padding-left: 7;
        color: $text-muted;
        height: 1;
    }
    SettingsScreen #week-total.-error {
        color: $text-error;
        text-style: bold;
    }
    SettingsScreen #days-off {
        height: 6;
        margin-top: 0;
    }
    SettingsScreen #days-off-help {
        color: $text-muted;
        height: auto;
    }
    SettingsScreen #note-days-off {
        height: auto;
        padding-left: 0;
    }
    SettingsScreen #file-only {
        color: $text-muted;
        margin-top: 1;
        height: auto;
    }
    SettingsScreen #preview {
        height: 2;
        color: $text-success;
        text-style: bold;
    }
    SettingsScreen #preview.-error {
        color: $text-muted;
        text-style: none;
    }
    SettingsScreen #buttons {
        height: 1;
        margin-top: 1;
        align-horizontal: left;
    }
    SettingsScreen #buttons Button {
        margin-right: 2;
        min-width: 10;
    }
    SettingsScreen #form-status {
        width: 1fr;
        height: 1;
        color: $text-muted;
        content-align: right middle;
    }
    SettingsScreen #form-status.-error {
        color: $text-error;
        text-style: bold;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="settings.cancel"),
        Binding("ctrl+s", "save", "Save", id="settings.save"),
    ]

    AUTO_FOCUS = "#hours-0"

    def __init__(
        self,
        settings: Settings,
        *,
        today: date | None = None,
        preview: Callable[[Settings], str] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.today = today if today is not None else date.today()
        self.preview = preview
        """What the settings in the form give (``planner.pace.week_effect``), shown live;
        None: no preview line."""
        self._touched: set[str] = set()
        self._initial: dict[str, str] = {}

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        s = self.settings
        with Vertical(id="dialog") as dialog:
            dialog.border_title = "Settings"
            with VerticalScroll(id="form"):
                yield Static("Study time per weekday", classes="section first")
                for day, name in enumerate(WEEKDAYS):
                    with Horizontal(classes="day-row"):
                        yield Label(name, classes="day-label")
                        yield self._input(
                            f"hours-{day}",
                            _format_number(s.weekly_hours.get(day, 0.0)),
                            "hours",
                            "hours",
                            placeholder="0",
                        )
                        yield Label(" h  from ", classes="day-word")
                        start = s.start_times.get(day)
                        yield self._input(
                            f"start-{day}",
                            _clock(start) if start is not None else "",
                            "clock",
                            "clock",
                            placeholder="19:00",
                        )
                        yield Static(id=f"note-day-{day}", classes="note", markup=False)
                yield Static(id="week-total", markup=False)

                yield Static("Where and when", classes="section")
                with Horizontal(classes="row"):
                    yield Label("Time zone", classes="row-label")
                    yield Input(
                        s.timezone or "",
                        placeholder="blank: system zone",
                        id="timezone",
                        classes="wide",
                        compact=True,
                        validators=[_Check("timezone", self)],
                        validate_on=[],
                        suggester=_ZoneSuggester(),
                    )
                    yield Static(id="note-timezone", classes="note", markup=False)
                with Horizontal(classes="row"):
                    yield Label("Start date", classes="row-label")
                    yield self._input(
                        "start-date",
                        s.start_date.isoformat() if s.start_date else "",
                        "date",
                        "wide",
                        placeholder="blank: today",
                    )
                    yield Static(id="note-start-date", classes="note", markup=False)

                yield Static("Sessions", classes="section")
                with Horizontal(classes="row"):
                    yield Label("Hours per study day", classes="row-label")
                    yield self._input(
                        "hours-per-day", _format_number(s.hours_per_day), "day-hours", "hours"
                    )
                    yield Static(id="note-hours-per-day", classes="note", markup=False)
                with Horizontal(classes="row"):
                    yield Label("Shortest session", classes="row-label")
                    yield self._input(
                        "min-session",
                        _format_number(s.min_session_hours),
                        "min-session",
                        "hours",
                    )
                    yield Static(id="note-min-session", classes="note", markup=False)

                yield Static("Days off", classes="section")
                yield Static(DAYS_OFF_HELP, id="days-off-help", markup=False)
                yield TextArea(
                    format_days_off(s.days_off),
                    id="days-off",
                    soft_wrap=False,
                    show_line_numbers=True,
                    tab_behavior="focus",
                    compact=True,
                )
                yield Static(id="note-days-off", classes="note", markup=False)
                yield Static(self._file_only_text(), id="file-only", markup=False)
            if self.preview is not None:
                yield Static(id="preview", markup=False)
            with Horizontal(id="buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
                yield Static(_KEYS_HINT, id="form-status", markup=False)

    def _input(
        self, widget_id: str, value: str, kind: str, width_class: str, placeholder: str = ""
    ) -> Input:
        return Input(
            value,
            placeholder=placeholder,
            id=widget_id,
            classes=width_class,
            compact=True,
            validators=[_Check(kind, self)],
            validate_on=[],
            select_on_focus=True,
        )

    def on_mount(self) -> None:
        for key in self._keys():
            self._show(key)
        self._initial = self._values()
        self._show_preview()
        self._fit_form(self.size.height)

    @staticmethod
    def _file_only_text() -> str:
        return f"In the settings file only (edit it by hand): {', '.join(FILE_ONLY)}."

    def _values(self) -> dict[str, str]:
        """What every field holds now, to tell whether anything was edited."""
        values = {widget.id or "": widget.value for widget in self.query(Input)}
        values["days-off"] = self.query_one("#days-off", TextArea).text
        return values

    @property
    def edited(self) -> bool:
        """Whether any field differs from what the form opened with."""
        return bool(self._initial) and self._values() != self._initial

    def _show_preview(self) -> None:
        """The finish the form's settings give, before saving (when every field is valid)."""
        if self.preview is None:
            return
        line = self.query_one("#preview", Static)
        bad = [key for key in self._keys() if self._problem(key) is not None]
        if bad:
            line.update(Text(f"fix {_field_names(bad)} to see the finish these settings give"))
            line.set_class(True, "-error")
            return
        new = self.build_settings()
        line.update(Text(("if saved: " if self.edited else "now: ") + self.preview(new)))
        line.set_class(False, "-error")

    def on_resize(self, event: events.Resize) -> None:
        self._fit_form(event.size.height)

    def _fit_form(self, height: int) -> None:
        """The form scrolls inside the dialog so Save / Cancel always stay on screen."""
        if height > 0:
            # The dialog's border (2 lines), the buttons' row with its margin (2) and the
            # preview (2 lines when shown).
            extra = 2 if self.preview is not None else 0
            self.query_one("#form").styles.max_height = max(3, height - 4 - extra)

    # -- reading the form --------------------------------------------------------------

    @staticmethod
    def _keys() -> list[str]:
        days = [f"day-{d}" for d in range(7)]
        return [*days, "timezone", "start-date", "hours-per-day", "min-session", "days-off"]

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def problem_of(self, kind: str, value: str) -> str | None:
        """The message for one input's value on its own, or None if it can be used."""
        try:
            if kind == "hours":
                if value.strip():
                    parse_hours(value)
            elif kind == "clock":
                if value.strip():
                    parse_clock(value)
            elif kind == "timezone":
                return check_zone(value)
            elif kind == "date":
                if value.strip():
                    parse_day(value, self.today)
            elif kind == "day-hours":
                if not value.strip():
                    return 'required: the hours a "1 day" estimate stands for'
                if parse_hours(value) <= 0:
                    return "must be more than 0"
            elif kind == "min-session":
                if not value.strip():
                    return "required (e.g. 0.5 or 30m)"
                if parse_hours(value) <= 0:
                    return "must be more than 0"
        except ValueError as exc:
            return str(exc)
        return None

    def _input_problem(self, widget_id: str) -> str | None:
        """The first failure of the input's validators (no side effects on the input)."""
        widget = self.query_one(f"#{widget_id}", Input)
        for validator in widget.validators:
            outcome = validator.validate(widget.value)
            if not outcome.is_valid:
                return outcome.failure_descriptions[0]
        return None

    @staticmethod
    def _inputs_of(key: str) -> list[str]:
        if key.startswith("day-"):
            day = key.split("-")[1]
            return [f"hours-{day}", f"start-{day}"]
        if key == "days-off":
            return []
        return [key]

    @staticmethod
    def _key_of(widget_id: str) -> str | None:
        if widget_id.startswith(("hours-", "start-")) and widget_id[-1].isdigit():
            return f"day-{widget_id[-1]}"
        if widget_id in ("timezone", "start-date", "hours-per-day", "min-session", "days-off"):
            return widget_id
        return None

    def _day_hours(self, day: int) -> float | None:
        value = self._value(f"hours-{day}")
        if not value.strip():
            return 0.0
        try:
            return parse_hours(value)
        except ValueError:
            return None

    def _problem(self, key: str) -> str | None:
        """The field's message: its own inputs first, then checks across fields."""
        if key == "days-off":
            try:
                parse_days_off(self.query_one("#days-off", TextArea).text)
            except ValueError as exc:
                return str(exc)
            return None
        for widget_id in self._inputs_of(key):
            problem = self._input_problem(widget_id)
            if problem is not None:
                prefix = "start time: " if widget_id.startswith("start-") else ""
                return prefix + problem
        if key.startswith("day-"):
            day = int(key[-1])
            hours = self._day_hours(day) or 0.0
            start_text = self._value(f"start-{day}")
            if hours > 0 and not start_text.strip():
                return "start time: when does study start?"
            if hours > 0:
                hour, minute = _end_of(parse_clock(start_text), hours)
                if (hour, minute) > (24, 0):
                    return f"runs past midnight (to {hour - 24:02d}:{minute:02d}); start earlier"
        if key == "min-session":
            shortest = parse_hours(self._value("min-session"))
            days = [h for h in (self._day_hours(d) for d in range(7)) if h]
            if days and shortest > max(days):
                return f"longer than any study day ({_format_number(max(days))} h at most)"
        return None

    def _hint(self, key: str) -> str:
        if key.startswith("day-"):
            day = int(key[-1])
            hours = self._day_hours(day) or 0.0
            if hours <= 0:
                return "no study"
            hour, minute = _end_of(parse_clock(self._value(f"start-{day}")), hours)
            return f"until {hour:02d}:{minute:02d}"
        if key == "timezone":
            if self._value("timezone").strip():
                return ""
            from planner.settings import SettingsError, system_timezone

            try:
                return f"now {system_timezone()}"  # what blank stands for on this computer
            except SettingsError:
                return "the system's zone has no IANA name here: name one"
        if key == "start-date":
            value = self._value("start-date").strip()
            if not value:
                return "each plan starts the day it is made"
            start = parse_day(value, self.today)
            return f"{start:%a} {start.day} {start:%B %Y}"
        if key == "hours-per-day":
            return 'h · what an estimate of "1 day" stands for'
        if key == "min-session":
            return "h · no session is planned shorter"
        if key == "days-off":
            try:
                offs = parse_days_off(self.query_one("#days-off", TextArea).text)
            except ValueError:
                return ""
            count = len({d for off in offs for d in _days_of(off)})
            return f"{count} day{'s' if count != 1 else ''} off" if count else "no days off"
        return ""

    def _show(self, key: str) -> str | None:
        """Refresh the field's note: its error once touched, else its hint."""
        problem = self._problem(key)
        shown = problem if key in self._touched else None
        note_id = "#note-days-off" if key == "days-off" else f"#note-{key}"
        note = self.query_one(note_id, Static)
        note.update(Text(shown if shown is not None else ("" if problem else self._hint(key))))
        note.set_class(shown is not None, "-error")
        for widget_id in self._inputs_of(key):
            widget = self.query_one(f"#{widget_id}", Input)
            own = self._input_problem(widget_id) is not None
            widget.set_class(
                shown is not None and (own or len(self._inputs_of(key)) == 1), "-invalid"
            )
        if key.startswith("day-"):
            self._show_total()
        return problem

    def _show_total(self) -> None:
        hours = [self._day_hours(d) for d in range(7)]
        total = sum(h for h in hours if h is not None)
        widget = self.query_one("#week-total", Static)
        if all(h is not None for h in hours) and total <= 0:
            widget.update(Text("0 h a week: give at least one weekday some study hours"))
            widget.set_class(True, "-error")
        else:
            widget.update(Text(f"{_format_number(total)} h a week"))
            widget.set_class(False, "-error")

    # -- events ------------------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        key = self._key_of(event.input.id or "")
        if key is None:
            return
        self._show(key)
        if key.startswith("day-"):
            self._show("min-session")
        self._status(None)
        self._show_preview()

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        self._show("days-off")
        self._show_preview()

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        key = self._key_of(event.widget.id or "")
        if key is not None:
            self._touched.add(key)
            self._show(key)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    # -- actions -----------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Close without saving; with unsaved edits, ask first."""
        if not self.edited:
            self.dismiss(None)
            return
        from planner.tui.screens.confirm import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Unsaved changes",
                "Discard the changes to the settings?",
                "y discard them · n or Esc keep editing",
            ),
            answered,
        )

    def action_save(self) -> None:
        keys = self._keys()
        self._touched.update(keys)
        problems = [key for key in keys if self._show(key) is not None]
        hours = [self._day_hours(d) for d in range(7)]
        no_hours = all(h is not None for h in hours) and sum(h or 0.0 for h in hours) <= 0
        if problems or no_hours:
            names = _field_names(problems) if problems else "the weekly hours"
            self._status(f"to fix: {names}")
            first = problems[0] if problems else "day-0"
            self._focus_field(first)
            return
        self.dismiss(self.build_settings())

    def _status(self, problem: str | None) -> None:
        status = self.query_one("#form-status", Static)
        status.update(Text(problem or _KEYS_HINT))
        status.set_class(problem is not None, "-error")

    def _focus_field(self, key: str) -> None:
        if key == "days-off":
            target: Widget = self.query_one("#days-off", TextArea)
        else:
            ids = self._inputs_of(key)
            # A weekday whose values are fine on their own but not together (past
            # midnight, no start time): the start time is what to change.
            target = self.query_one(f"#{ids[-1]}", Input)
            for widget_id in ids:
                if self._input_problem(widget_id) is not None:
                    target = self.query_one(f"#{widget_id}", Input)
                    break
        target.focus()
        self.query_one("#form", VerticalScroll).scroll_to_widget(target, animate=False)

    def build_settings(self) -> Settings:
        """The Settings the form holds now (call only when every field is valid)."""
        weekly: dict[int, float] = {}
        starts: dict[int, time] = dict(self.settings.start_times)
        for day in range(7):
            hours = self._day_hours(day)
            assert hours is not None
            weekly[day] = hours
            text = self._value(f"start-{day}")
            if text.strip():
                starts[day] = parse_clock(text)
        zone = self._value("timezone").strip() or None
        start_text = self._value("start-date").strip()
        return replace(
            self.settings,
            weekly_hours=weekly,
            start_times=starts,
            timezone=zone,
            start_date=parse_day(start_text, self.today) if start_text else None,
            days_off=parse_days_off(self.query_one("#days-off", TextArea).text),
            hours_per_day=parse_hours(self._value("hours-per-day")),
            min_session_hours=parse_hours(self._value("min-session")),
        )


FILE_ONLY = (
    "end_times",
    "unestimated_hours",
    "max_topic_hours_per_day",
    "break_minutes",
    "basis",
    "keys",
    "sync",
    "busy",
    "busy_all_day",
    "theme",
    "roadmap",
    "tracks",
)
"""The settings the form does not show: kept as they are when it saves."""

_FIELD_NAMES = {
    "timezone": "Time zone",
    "start-date": "Start date",
    "hours-per-day": "Hours per study day",
    "min-session": "Shortest session",
    "days-off": "Days off",
}


def _field_names(keys: Iterable[str]) -> str:
    """The fields' labels as the form shows them: "Tue, Time zone"."""
    names = [
        WEEKDAYS[int(key[-1])] if key.startswith("day-") else _FIELD_NAMES.get(key, key)
        for key in keys
    ]
    return ", ".join(names)


class _ZoneSuggester(Suggester):
    """Completes IANA zone names as the user types."""

    def __init__(self) -> None:
        super().__init__(use_cache=True, case_sensitive=False)

    async def get_suggestion(self, value: str) -> str | None:
        for name in _zone_names():
            if name.casefold().startswith(value):
                return name
        return None
