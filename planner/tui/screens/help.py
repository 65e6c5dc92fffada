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


class TextBoxScreen(ModalScreen[None]):
    """A box of text over the screen, with a footer line, closed by its ``close`` binding:
    the help (every key) and a calendar day's sessions. ``name`` makes the ids
    (``NAME-body``, ``NAME-footer``)."""

    DEFAULT_CSS = """
    TextBoxScreen { align: center middle; }
    TextBoxScreen > Vertical {
        width: 76;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    TextBoxScreen VerticalScroll { height: auto; max-height: 100%; }
    TextBoxScreen .text-box-footer { color: $text-muted; }
    """

    def __init__(self, name: str, title: str, body: Text, footer: str) -> None:
        super().__init__()
        self.box_name = name
        self.title_text = title
        self.body = body
        self.footer = footer

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            with VerticalScroll():
                yield Static(self.body, id=f"{self.box_name}-body")
            yield Static(Text(self.footer), id=f"{self.box_name}-footer", classes="text-box-footer")

    def action_close(self) -> None:
        self.dismiss(None)


class HelpScreen(TextBoxScreen):
    """Lists every key; any of escape, q, ? or enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark,enter", "close", "Close", show=True),
    ]

    def __init__(self, rows: list[KeyRow]) -> None:
        super().__init__(
            "help",
            "Keys",
            render_rows(rows),
            "Remap a key in the settings file: keymap: {toggle_done: d}. Esc closes.",
        )
        self.rows = rows
