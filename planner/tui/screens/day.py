"""One day's sessions, opened by ``enter`` on a day in the calendar."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class DayScreen(ModalScreen[None]):
    """A day's sessions (and hours logged) as text; Esc, q or enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,enter", "close", "Close", show=True),
    ]

    DEFAULT_CSS = """
    DayScreen { align: center middle; }
    DayScreen > Vertical {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    DayScreen VerticalScroll { height: auto; max-height: 100%; }
    DayScreen #day-footer { color: $text-muted; }
    """

    def __init__(self, title: str, body: Text) -> None:
        super().__init__()
        self.title_text = title
        self.body = body

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            with VerticalScroll():
                yield Static(self.body, id="day-body")
            yield Static(Text("Esc closes."), id="day-footer")

    def action_close(self) -> None:
        self.dismiss(None)
