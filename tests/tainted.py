"""A roadmap whose every text carries terminal escape sequences, as if one got past the
loader: the second wall (textutil.visible in every face) must show them harmlessly."""

from __future__ import annotations

from dataclasses import replace

from planner.roadmap import Roadmap

PAYLOAD = "\x1b]52;c;aGVsbG8=\x07\x1b]0;pwned\x07\x1b[2J\x9b31m\x07"
"""OSC 52 (set the clipboard), OSC 0 (window title), CSI clear screen, 8-bit CSI, BEL."""

FORBIDDEN = "\x1b\x07\x9b\x9d"


def leaks(text: str) -> list[str]:
    """The control characters of the payload found in ``text`` (none, when all is well)."""
    return [c for c in FORBIDDEN if c in text]


def tainted(roadmap: Roadmap) -> Roadmap:
    """``roadmap`` with the payload in every title and note (ids stay clean)."""
    modules = tuple(
        replace(
            m,
            title=f"{m.title}{PAYLOAD}",
            goal=f"{m.goal or 'Goal'}{PAYLOAD}\nsecond line",
            tools=tuple(f"{t}{PAYLOAD}" for t in m.tools),
            topics=tuple(
                replace(
                    t,
                    title=f"{t.title}{PAYLOAD}",
                    qualifier=f"q{PAYLOAD}",
                    subtopics=tuple(replace(s, title=f"{s.title}{PAYLOAD}") for s in t.subtopics),
                )
                for t in m.topics
            ),
        )
        for m in roadmap.modules
    )
    return Roadmap(
        roadmap.id,
        f"{roadmap.title}{PAYLOAD}",
        modules,
        stated=roadmap.stated,
        description=f"About{PAYLOAD}",
    )
