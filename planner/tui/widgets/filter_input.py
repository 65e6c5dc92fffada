"""The tree's title filter, mounted above the tree the first time ``/`` is pressed
(``Input`` and its styles are not on the app's start-up path)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class FilterInput(Input):
    """The tree's title filter; Esc clears it and goes back to the tree."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.clear_filter", "Clear filter", show=True),
        Binding("down", "app.focus_tree", "To tree", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="filter by title (Esc clears)", id=id)
