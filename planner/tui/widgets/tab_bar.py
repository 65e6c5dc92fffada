"""The row of view titles over the main screen's views (Roadmap, Agenda, Calendar).

One widget drawn by ``render()``: two lines, the titles and an underline with the
active title's part highlighted, as Textual's ``Tabs`` look. ``TabbedContent`` builds
the same from a dozen widgets (tabs, containers, an underline, a pane per view), which
cost about 12 ms of the app's start. The views themselves are siblings on the main
screen: the app shows one (the ``-shown`` class) and marks its title here, mounting a
plan view the first time it is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.renderables.bar import Bar
from textual.widget import Widget


class TabBar(Widget):
    """Titles of the views; a click on one posts ``TabBar.Clicked`` (the app switches)."""

    DEFAULT_CSS = """
    TabBar {
        height: 2;
        width: 1fr;
        pointer: pointer;
        & > .tab-bar--title {
            color: $foreground 50%;
        }
        & > .tab-bar--hover {
            color: $foreground;
        }
        & > .tab-bar--active {
            color: $foreground;
        }
        & > .tab-bar--bar {
            color: $block-cursor-background;
            background: $foreground 10%;
        }
        & > .tab-bar--key {
            color: $footer-key-foreground;
        }
        &:ansi {
            & > .tab-bar--title { text-style: dim; }
            & > .tab-bar--active { text-style: not dim bold; }
            & > .tab-bar--bar { background: $border-blurred; }
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "tab-bar--title",
        "tab-bar--hover",
        "tab-bar--active",
        "tab-bar--bar",
        "tab-bar--key",
    }

    PADDING = 1
    """Cells either side of a title (Textual's ``Tab`` has ``padding: 0 1``)."""

    class Clicked(Message):
        """A title was clicked."""

        def __init__(self, tab: str) -> None:
            super().__init__()
            self.tab = tab

    def __init__(
        self,
        tabs: Sequence[tuple[str, str]],
        *,
        active: str,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.tabs = tuple(tabs)
        """(tab id, title) in order."""
        self._active = active
        self._hover: str | None = None
        self._keys: dict[str, str] = {}

    @property
    def keys(self) -> dict[str, str]:
        """Tab id -> the key that shows it, drawn after its title (the app keeps it
        as bound, the user's keymap applied)."""
        return dict(self._keys)

    @keys.setter
    def keys(self, keys: dict[str, str]) -> None:
        if keys != self._keys:
            self._keys = dict(keys)
            self.refresh()

    def _label(self, tab: str, title: str) -> str:
        key = self._keys.get(tab)
        return f"{title} {key}" if key else title

    @property
    def active(self) -> str:
        """The id of the tab shown as active."""
        return self._active

    @active.setter
    def active(self, tab: str) -> None:
        if tab not in dict(self.tabs):
            raise ValueError(f"no tab {tab!r}")
        if tab != self._active:
            self._active = tab
            self.refresh()

    def spans(self) -> list[tuple[str, int, int]]:
        """(tab id, first cell, cell after the last) of each title with its padding."""
        out: list[tuple[str, int, int]] = []
        x = 0
        for tab, title in self.tabs:
            width = Text(self._label(tab, title)).cell_len + 2 * self.PADDING
            out.append((tab, x, x + width))
            x += width
        return out

    def tab_at(self, x: int) -> str | None:
        for tab, start, end in self.spans():
            if start <= x < end:
                return tab
        return None

    def render(self) -> Group:
        pad = " " * self.PADDING
        titles = Text(no_wrap=True, overflow="crop")
        for tab, title in self.tabs:
            if tab == self._active:
                cls = "tab-bar--active"
            elif tab == self._hover:
                cls = "tab-bar--hover"
            else:
                cls = "tab-bar--title"
            style = self.get_component_rich_style(cls)
            titles.append(f"{pad}{title}", style=style)
            key = self._keys.get(tab)
            if key:
                key_style = self.get_component_rich_style("tab-bar--key")
                titles.append(" ", style=style)
                titles.append(key, style=style + key_style)
            titles.append(pad, style=style)
        bar_style = self.get_component_rich_style("tab-bar--bar")
        # under the active title, not its padding (as Textual's Tabs)
        highlight = next(
            ((s + self.PADDING, e - self.PADDING) for t, s, e in self.spans() if t == self._active),
            (0, 0),
        )
        bar = Bar(
            highlight_range=highlight,
            highlight_style=Style.from_color(bar_style.color),
            background_style=Style.from_color(bar_style.bgcolor),
        )
        return Group(titles, bar)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        tab = self.tab_at(offset.x) if offset is not None else None
        if tab is not None:
            event.stop()
            self.post_message(self.Clicked(tab))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        self._set_hover(self.tab_at(offset.x) if offset is not None and offset.y == 0 else None)

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, tab: str | None) -> None:
        if tab != self._hover:
            self._hover = tab
            self.refresh()
