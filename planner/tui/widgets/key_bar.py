"""The footer: the keys that work here, drawn as one line by ``render()``.

Textual's ``Footer`` mounts a widget per key and mounts them again (``recompose``) after
every change of the active bindings, starting with the first focus: its keys reached the
screen some 50 ms after the rest of the first frame. This bar reads the screen's active
bindings when it paints, so it is complete in the first frame, and a change of focus or
tab only repaints one line. It looks and acts as the compact ``Footer``: a click on a
key presses it, a disabled key is dim (and rings the bell), hovering shows its tooltip.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.text import Text
from textual import events
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.screen import Screen


class _Key(NamedTuple):
    start: int
    end: int
    key: str
    enabled: bool
    tooltip: str


class KeyBar(Widget, can_focus=False):
    """The active bindings with ``show=True``, one per action, in the screen's order."""

    ALLOW_SELECT = False

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .key-bar--item {
            background: $footer-item-background;
        }
        & > .key-bar--hover {
            color: $footer-key-foreground;
            background: $block-hover-background;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-bar--key",
        "key-bar--description",
        "key-bar--item",
        "key-bar--hover",
    }

    _keys: tuple[_Key, ...] = ()
    _hover: int | None = None
    """Index in ``_keys`` of the key under the mouse."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        self.refresh()

    def shown(self) -> list[tuple[Binding, bool, str]]:
        """(binding, enabled, tooltip) of each key on the bar, in order."""
        by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show:
                by_action[binding.action].append((binding, enabled, tooltip))
        return [bindings[0] for bindings in by_action.values()]

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        item_style = self.get_component_rich_style("key-bar--item")
        hover_style = self.get_component_rich_style("key-bar--hover")
        line = Text(no_wrap=True, overflow="crop", end="")
        keys: list[_Key] = []
        for index, (binding, enabled, tooltip) in enumerate(self.shown()):
            start = line.cell_len
            display = self.app.get_key_display(binding)
            line.append(display, key_style)
            line.append(f" {binding.description}", description_style)
            end = line.cell_len
            line.stylize_before(item_style, start, end)
            if index == self._hover:
                line.stylize(hover_style, start, end)
            if not enabled:
                line.stylize("dim", start, end)
            keys.append(_Key(start, end, binding.key, enabled, tooltip or binding.description))
            line.append(" ")
        self._keys = tuple(keys)
        return line

    def key_at(self, x: int) -> int | None:
        """Index of the key drawn at column ``x`` (as last painted), if any."""
        for index, key in enumerate(self._keys):
            if key.start <= x < key.end:
                return index
        return None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        offset = event.get_content_offset(self)
        index = self.key_at(offset.x) if offset is not None else None
        if index is None:
            return
        event.stop()
        key = self._keys[index]
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        self._set_hover(self.key_at(offset.x) if offset is not None else None)

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            self._hover = index
            self.tooltip = self._keys[index].tooltip if index is not None else None
            self.refresh()
