"""Snapshot apps run with the text cursor's blink off: a blinking cursor is drawn or not
depending on when the picture is taken, so a snapshot of a screen with a focused input
(the settings, the filter) could fail at random. The cursor is drawn, steady."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Input, TextArea


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    for widget in (Input, TextArea):
        made: Callable[..., None] = widget.__init__

        def steady(self: Any, *args: Any, _made: Callable[..., None] = made, **kw: Any) -> None:
            _made(self, *args, **kw)
            self.cursor_blink = False

        monkeypatch.setattr(widget, "__init__", steady)
