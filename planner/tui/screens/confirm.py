"""A yes/no question in a small modal: ``y`` (or Enter) for yes, ``n`` or Esc for no."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from planner.textutil import visible


class ConfirmScreen(ModalScreen[bool]):
    """Ask before doing something the learner should see first; dismissed with the answer.

    The question is shown literally (never markup, control characters made visible):
    it quotes what a file says.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("enter", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: 72;
        max-width: 100%;
        height: auto;
        border: round $warning;
        background: $surface;
        padding: 0 1;
    }
    ConfirmScreen #confirm-question { height: auto; }
    ConfirmScreen #confirm-hint { color: $text-muted; }
    """

    def __init__(self, title: str, question: str, hint: str = "y yes · n or Esc no") -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = visible(self.title_text)
            yield Static(Text(visible(self.question, multiline=True)), id="confirm-question")
            yield Static(Text(self.hint), id="confirm-hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
