"""Output that fits the terminal: its width (``COLUMNS`` wins), 80 when the output is not
a terminal. ``plan``, ``status``, ``today`` and ``validate`` fit their lines to it."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterable

DEFAULT_WIDTH = 80
"""The width of the output when it does not go to a terminal."""

MIN_WIDTH = 40
"""Narrower terminals are written to as if they were this wide."""


def terminal_width() -> int:
    """The terminal's width (``COLUMNS`` wins), 80 when the output is not a terminal."""
    return max(MIN_WIDTH, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, with "..." where it was cut."""
    return text if len(text) <= width else text[: max(0, width - 3)].rstrip() + "..."


def wrap_lines(lines: Iterable[str], width: int) -> list[str]:
    """Each line longer than ``width`` wrapped at spaces, its continuation indented two
    more than the line itself (a word longer than the width is cut)."""
    out: list[str] = []
    for line in lines:
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out += textwrap.wrap(
            line,
            width,
            initial_indent="",
            subsequent_indent=indent + "  ",
            break_on_hyphens=False,
            drop_whitespace=True,
        ) or [fit(line, width)]
    return out
