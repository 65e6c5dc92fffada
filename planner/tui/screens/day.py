"""One day's sessions, opened by ``enter`` on a day in the calendar."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType

from planner.tui.screens.help import TextBoxScreen


class DayScreen(TextBoxScreen):
    """A day's sessions (and hours logged) as text; Esc, q or enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close", show=True),
    ]

    def __init__(self, title: str, body: Text) -> None:
        super().__init__("day", title, body, "Esc closes.")
