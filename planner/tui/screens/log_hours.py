"""Small modal forms: log hours on a topic, and a one-line prompt (a path, a number)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from planner.textutil import visible
from planner.units import hours_text, parse_duration

T = TypeVar("T")


class PromptScreen(ModalScreen[T | None], Generic[T]):
    """Ask for one value; ``parse`` turns the text into a value or raises ValueError
    with a message, which is shown under the field (the form stays open)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    PromptScreen { align: center middle; }
    PromptScreen > Vertical {
        width: 64;
        max-width: 100%;
        height: auto;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    PromptScreen #prompt-error { color: $error; height: auto; }
    PromptScreen #prompt-hint { color: $text-muted; }
    PromptScreen #prompt-question { height: auto; }
    """

    def __init__(
        self,
        title: str,
        question: str,
        parse: Callable[[str], T],
        *,
        value: str = "",
        placeholder: str = "",
        hint: str = "Enter to confirm, Esc to cancel",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.question = question
        self.parse = parse
        self.value = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield Static(Text(self.question), id="prompt-question")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")
            yield Static("", id="prompt-error")
            yield Static(Text(self.hint), id="prompt-hint")

    @on(Input.Submitted)
    def _submit(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            result = self.parse(event.value)
        except ValueError as exc:
            self.query_one("#prompt-error", Static).update(Text(str(exc)))
            return
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)


def parse_hours(text: str) -> float:
    """Hours in the grammar of ``planner.units`` ('1.5', '90m', '1:30', '1h30', '-1h');
    refuses zero and more than a day's worth either way."""
    if not text.strip():
        raise ValueError("Type a number of hours, such as 1.5 (or 90m).")
    hours = parse_duration(text)
    if hours == 0:
        raise ValueError("Zero hours changes nothing; type a number such as 1.5.")
    if abs(hours) > 24:
        raise ValueError("At most 24 hours at a time; log a long stretch in parts.")
    return round(hours, 4)


class LogHoursScreen(PromptScreen[float]):
    """Hours spent on a topic (a negative figure corrects an earlier entry)."""

    def __init__(self, topic_title: str, logged: float) -> None:
        already = f" ({hours_text(logged)} logged so far)" if logged else ""
        super().__init__(
            "Log hours",
            f"Hours spent on {visible(topic_title)}{already}:",
            parse_hours,
            placeholder="1.5, 90m or 1:30",
            hint="Enter to log, Esc to cancel; -1h takes back a mistake",
        )
