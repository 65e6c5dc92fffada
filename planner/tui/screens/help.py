"""The help screen: every key, as currently bound (after the user's keymap)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KeyRow = tuple[str, str, str]
"""(section, keys as shown, what it does)."""


def render_rows(rows: list[KeyRow]) -> Text:
    out = Text()
    width = max((len(keys) for _, keys, _ in rows), default=4) + 2
    section = None
    for sec, keys, what in rows:
        if sec != section:
            if section is not None:
                out.append("\n")
            out.append(sec, style="bold underline")
            out.append("\n")
            section = sec
        out.append(f"  {keys:<{width}}", style="bold cyan")
        out.append(what)
        out.append("\n")
    out.rstrip()
    return out


class HelpScreen(ModalScreen[None]):
    """Lists every key; any of escape, q, ? or enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,enter", "dismiss_help", "Close", show=True),
    ]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen VerticalScroll { height: auto; max-height: 100%; }
    HelpScreen #help-footer { color: $text-muted; }
    """

    def __init__(self, rows: list[KeyRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Keys"
            with VerticalScroll():
                yield Static(render_rows(self.rows), id="help-body")
            yield Static(
                Text("Remap a key in the settings file: keymap: {toggle_done: d}. Esc closes."),
                id="help-footer",
            )

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
