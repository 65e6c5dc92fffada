"""The first start's setup: the learner's week, and what it gives, before the plan is shown.

``SetupScreen(settings, effect, zone)`` is a short modal form: hours and start time per
weekday, the time zone (the system's, read for them) and the start date. Under it, one
line says what the week gives as they type (``effect``: the app's call of
``planner.pace.week_effect``, so the setup, the settings form and ``planner plan`` word it
alike): "at 11.5 h a week you finish on Thu 29 Jun 2028; the roadmap's ~17 weeks assume
40 h a week". A value that cannot be read takes that line's place, labelled with its
field. Dismissed with the new ``Settings`` (save: ``ctrl+s``, ``enter`` or the button) or
None (skip: ``esc`` or the button); the app writes the file either way, so the setup is
asked once, and the palette's "Set up your week" opens it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, time
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from planner.settings import Settings
from planner.tui.screens.settings import (
    WEEKDAYS,
    check_zone,
    parse_clock,
    parse_day,
    parse_hours,
)

__all__ = ["SetupScreen"]

INTRO = (
    "How many hours can you study on each weekday, and from when? "
    "The plan lays the roadmap onto this week. Change it any time in Settings (,)."
)
_KEYS = "ctrl+s save · esc skip"


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


class SetupScreen(ModalScreen[Settings | None]):
    """The first start's setup. Dismissed with the new Settings on save, None on skip."""

    DEFAULT_CSS = """
    SetupScreen {
        align: center middle;
        background: $background 60%;
    }
    SetupScreen #setup {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-style: bold;
        background: $surface;
        padding: 0 1;
    }
    SetupScreen #intro {
        color: $text-muted;
        margin-bottom: 1;
    }
    SetupScreen .day-row, SetupScreen .row {
        height: 1;
    }
    SetupScreen .day-label {
        width: 5;
    }
    SetupScreen .day-word {
        width: 9;
        color: $text-muted;
    }
    SetupScreen .row-label {
        width: 12;
    }
    SetupScreen Input {
        padding: 0 1;
        background: $boost;
    }
    SetupScreen Input.-textual-compact:focus {
        background: $primary 25%;
    }
    SetupScreen Input.-textual-compact.-invalid {
        background: $error 40%;
    }
    SetupScreen .hours {
        width: 7;
    }
    SetupScreen .clock {
        width: 9;
    }
    SetupScreen .wide {
        width: 24;
    }
    SetupScreen .row-note {
        width: 1fr;
        padding-left: 2;
        color: $text-muted;
    }
    SetupScreen #effect {
        margin-top: 1;
        height: auto;
        color: $text-success;
        text-style: bold;
    }
    SetupScreen #effect.-error {
        color: $text-error;
    }
    SetupScreen #setup-buttons {
        height: 1;
        margin-top: 1;
    }
    SetupScreen #setup-buttons Button {
        margin-right: 2;
    }
    SetupScreen #setup-keys {
        width: 1fr;
        color: $text-muted;
        content-align: right middle;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "skip", "Skip", id="setup.skip"),
        Binding("ctrl+s", "save", "Save", id="setup.save"),
    ]

    AUTO_FOCUS = "#setup-hours-0"

    def __init__(
        self,
        settings: Settings,
        effect: Callable[[Settings], str],
        *,
        zone: str | None,
        today: date,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.effect = effect
        self.zone = zone
        """The system's zone name, offered as the answer (None: it has no name)."""
        self.today = today

    def compose(self) -> ComposeResult:
        s = self.settings
        with Vertical(id="setup") as box:
            box.border_title = "Set up your week"
            yield Static(INTRO, id="intro", markup=False)
            for day, name in enumerate(WEEKDAYS):
                with Horizontal(classes="day-row"):
                    yield Label(name, classes="day-label")
                    yield self._input(f"setup-hours-{day}", _number(s.hours_on(day)), "hours")
                    yield Label(" h  from ", classes="day-word")
                    yield self._input(f"setup-start-{day}", f"{s.start_on(day):%H:%M}", "clock")
            with Horizontal(classes="row"):
                yield Label("Time zone", classes="row-label")
                yield self._input("setup-zone", s.timezone or self.zone or "", "wide")
                note = "read from this computer" if not s.timezone and self.zone else ""
                yield Static(note, classes="row-note", markup=False)
            with Horizontal(classes="row"):
                yield Label("Start date", classes="row-label")
                start = s.start_date.isoformat() if s.start_date else ""
                yield self._input("setup-start-date", start, "wide", "blank: today")
                yield Static("e.g. 2026-12-01 or 1 Dec 2026", classes="row-note", markup=False)
            yield Static(id="effect", markup=False)
            with Horizontal(id="setup-buttons"):
                yield Button("Save", id="setup-save", variant="primary", compact=True)
                yield Button("Skip: use the defaults", id="setup-skip", compact=True)
                yield Static(_KEYS, id="setup-keys", markup=False)

    @staticmethod
    def _input(widget_id: str, value: str, width: str, placeholder: str = "") -> Input:
        return Input(
            value,
            placeholder=placeholder,
            id=widget_id,
            classes=width,
            compact=True,
            select_on_focus=True,
        )

    def on_mount(self) -> None:
        self._show_effect()

    # -- reading ---------------------------------------------------------------------

    def _value(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def read(self) -> tuple[Settings | None, list[tuple[str, str]]]:
        """The settings the form holds, or None with the problems: (input id, message
        labelled with its field)."""
        problems: list[tuple[str, str]] = []
        hours: dict[int, float] = {}
        starts: dict[int, time] = dict(self.settings.start_times)
        for day, name in enumerate(WEEKDAYS):
            text = self._value(f"setup-hours-{day}")
            try:
                hours[day] = parse_hours(text) if text.strip() else 0.0
            except ValueError as exc:
                problems.append((f"setup-hours-{day}", f"{name} hours: {exc}"))
            clock = self._value(f"setup-start-{day}")
            if clock.strip():
                try:
                    starts[day] = parse_clock(clock)
                except ValueError as exc:
                    problems.append((f"setup-start-{day}", f"{name} start time: {exc}"))
        zone = self._value("setup-zone").strip()
        zone_problem = check_zone(zone)
        if zone_problem is not None:
            problems.append(("setup-zone", f"Time zone: {zone_problem}"))
        start_text = self._value("setup-start-date").strip()
        start: date | None = None
        if start_text:
            try:
                start = parse_day(start_text, self.today)
            except ValueError as exc:
                problems.append(("setup-start-date", f"Start date: {exc}"))
        if problems:
            return None, problems
        new = replace(
            self.settings,
            weekly_hours=hours,
            start_times=starts,
            timezone=zone or None,
            start_date=start,
        )
        from planner.settings import past_midnight

        for day, name in enumerate(WEEKDAYS):
            if past_midnight(new, day):
                hour, minute = divmod(
                    starts[day].hour * 60 + starts[day].minute + round(hours[day] * 60), 60
                )
                problems.append(
                    (
                        f"setup-start-{day}",
                        f"{name}: {_number(hours[day])} h from {starts[day]:%H:%M} runs past "
                        f"midnight (to {hour - 24:02d}:{minute:02d}); start earlier",
                    )
                )
        return (None, problems) if problems else (new, [])

    def _show_effect(self) -> list[tuple[str, str]]:
        new, problems = self.read()
        bad = {widget_id for widget_id, _ in problems}
        for widget in self.query(Input):
            widget.set_class(widget.id in bad, "-invalid")
        line = self.query_one("#effect", Static)
        if new is None:
            line.update(Text(problems[0][1]))
        else:
            line.update(Text(self.effect(new)))
        line.set_class(new is None, "-error")
        return problems

    # -- events and actions ------------------------------------------------------------

    @on(Input.Changed)
    def _changed(self) -> None:
        self._show_effect()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    @on(Button.Pressed, "#setup-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#setup-skip")
    def _skip_pressed(self) -> None:
        self.action_skip()

    def action_save(self) -> None:
        problems = self._show_effect()
        if problems:
            bad = self.query_one(f"#{problems[0][0]}", Input)
            bad.focus()
            bad.select_all()  # typing replaces what cannot be used
            return
        new, _ = self.read()
        if new is not None and sum(new.hours_on(d) for d in range(7)) <= 0:
            self.query_one("#effect", Static).set_class(True, "-error")
            self.query_one("#setup-hours-0", Input).focus()
            return
        self.dismiss(new)

    def action_skip(self) -> None:
        self.dismiss(None)
