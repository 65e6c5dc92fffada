"""The Today tab: today's sessions (done or to do), what comes next, past days planned
but not done, and the week so far, from ``planner.today.today_facts``.

One widget drawn by ``render()`` (a handful of lines: cheap at start). A cursor walks
the sessions it can act on (today's, and the next one when it is on a later day):
``space`` marks the session done, ``l`` logs other hours on its topic, ``enter`` shows
the topic in the roadmap (a track's session: ``space`` and ``l`` on the track, ``enter``
says it is no topic); each posts :class:`TodayView.Act` and the app does it. On a
line with no session (nothing planned today) the keys say so instead. A pinned session
(``planner.shape.Pinned``) ends with ``⚲ pinned``, its title cut to keep it in view.

Titles come from the roadmap: drawn as plain text, never read as markup.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from planner.roadmap import Roadmap
from planner.schedule import Session
from planner.shape import PIN_MARK, Pinned
from planner.textutil import visible
from planner.today import DaySession, TodayFacts, session_key
from planner.units import time_range

__all__ = ["TodayView"]


def _hours(hours: float) -> str:
    return f"{round(hours, 2):g} h"


_PINNED = f"{PIN_MARK} pinned"


def _when(s: DaySession) -> str:
    return time_range(s.start, s.end, dash="–")


class TodayView(Widget, can_focus=True):
    """Today's sessions with a cursor; see the module docstring."""

    DEFAULT_CSS = """
    TodayView {
        height: 1fr;
        padding: 1 2;
        overflow-y: auto;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor(-1)", "Previous session", show=False, id="today.cursor_up"),
        Binding("down,j", "cursor(1)", "Next session", show=False, id="today.cursor_down"),
        Binding("space", "act('done')", "Session done", id="today.done"),
        Binding("l", "act('log')", "Log hours", id="today.log"),
        Binding("enter", "act('show')", "Show topic", id="today.show"),
        Binding(
            "i,s,u,o",
            "roadmap_key",
            "Roadmap keys: say where they work",
            show=False,
            id="today.roadmap_keys",
        ),
    ]

    cursor: reactive[int] = reactive(0, init=False)
    """Index of the highlighted session in ``actionable``."""

    class Act(Message):
        """A key on a session: ``what`` is "done", "log" or "show"."""

        def __init__(self, view: TodayView, what: str, session: DaySession) -> None:
            super().__init__()
            self.view = view
            self.what = what
            self.session = session

        @property
        def control(self) -> TodayView:
            return self.view

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.facts: TodayFacts | None = None
        self._roadmap: Roadmap | None = None
        self._pinned = Pinned()
        self.actionable: list[DaySession] = []

    def show_facts(
        self, facts: TodayFacts | None, roadmap: Roadmap, pinned: Pinned | None = None
    ) -> None:
        """Show the day (None: the plan is still being made), the sessions ``pinned``
        holds marked. The cursor stays on the same session when it is still there, else
        on the next open one."""
        before = self.current
        self.facts, self._roadmap = facts, roadmap
        self._pinned = pinned if pinned is not None else Pinned()
        rows = list(facts.sessions) if facts is not None else []
        if facts is not None and facts.next is not None and facts.next not in rows:
            rows.append(facts.next)
        self.actionable = rows
        keys = [s.key for s in rows]
        if before is not None and before.key in keys:
            at = keys.index(before.key)
        else:
            at = next((i for i, s in enumerate(rows) if not s.done), 0)
        self.set_reactive(TodayView.cursor, at)
        self.refresh(layout=True)

    def show_done(self, session: Session) -> None:
        """Show a session done at once (the app saves it right after this frame)."""
        facts = self.facts
        if facts is None:
            return
        key = session_key(session)

        def done(s: DaySession) -> DaySession:
            return replace(s, done=True) if s.key == key else s

        sessions = tuple(done(s) for s in facts.sessions)
        nxt = facts.next
        if nxt is not None and nxt.key == key:
            nxt = next((s for s in sessions if not s.done and s.end > nxt.end), None)
        self.facts = replace(facts, sessions=sessions, next=nxt)
        self.actionable = [done(s) for s in self.actionable]
        after = [  # the cursor goes on to today's next open session, if there is one
            i
            for i, s in enumerate(self.actionable)
            if i > self.cursor and not s.done and s in sessions
        ]
        if after:
            self.set_reactive(TodayView.cursor, after[0])
        self.refresh()

    @property
    def current(self) -> DaySession | None:
        if 0 <= self.cursor < len(self.actionable):
            return self.actionable[self.cursor]
        return None

    def _title(self, topic_id: str) -> str:
        item = self._roadmap.get(topic_id) if self._roadmap is not None else None
        return visible(item.title) if item is not None else topic_id

    def render(self) -> Text:
        facts = self.facts
        out = Text(no_wrap=True, overflow="ellipsis")
        if facts is None:
            out.append("Making the plan…", style="dim")
            return out
        day = facts.today
        out.append(f"Today, {day:%a} {day.day} {day:%b %Y}\n", style="bold")
        if not facts.sessions:
            out.append("  No study session planned today.\n", style="dim")
        focused = self.has_focus
        for index, s in enumerate(self.actionable):
            if s not in facts.sessions:
                continue
            self._session_line(out, s, index == self.cursor, focused)
        out.append("\n")
        nxt = facts.next
        out.append("Next  ", style="bold")
        if nxt is None:
            out.append("nothing left to plan\n", style="dim")
        elif nxt in facts.sessions:
            head = f"today {_when(nxt)}  "
            title = Text(self._title(nxt.topic_id))
            if nxt in self._pinned:
                self._cut(title, 6 + len(head) + 2 + len(_PINNED))
                title.append(f"  {_PINNED}")
            out.append(head)
            out.append_text(title)
            out.append("\n")
        else:
            when = f"{nxt.start:%a} {nxt.start.day} {nxt.start:%b}"
            out.append(f"{when}\n")
            self._session_line(out, nxt, self.current is nxt, focused)
        if facts.missed:
            out.append("\nPlanned on past days but not done\n", style="bold")
            for m in facts.missed:
                out.append(
                    f"  {m.day:%a} {m.day.day} {m.day:%b}  "
                    f"{_hours(m.planned)} planned, {_hours(m.done)} done\n"
                )
        out.append("\nThis week so far  ", style="bold")
        out.append(
            f"{_hours(facts.week_planned)} planned, {_hours(facts.week_done)} done "
            f"(today {_hours(facts.done_today)})"
        )
        return out

    def _session_line(self, out: Text, s: DaySession, cursor: bool, focused: bool) -> None:
        mark = "✓" if s.done else "○"
        style = "reverse" if cursor and focused else ("underline" if cursor else "")
        line = Text(f" {mark} {_when(s)}  ", style=style)
        title = Text(self._title(s.topic_id), style="strike dim" if s.done else "")
        after = Text(f"  {_hours(s.hours)}")
        if s.last and not s.done:
            after.append("  last session", style="italic dim")
        if s in self._pinned:
            after.append(f"  {_PINNED}")
            self._cut(title, len(line) + len(after))
        line.append_text(title)
        line.append_text(after)
        out.append_text(line)
        out.append("\n")

    def _cut(self, title: Text, beside: int) -> None:
        """Cut ``title`` (with "…") to what the width leaves beside ``beside`` cells."""
        room = self.content_region.width - beside
        if room > 0 and title.cell_len > room:
            title.truncate(room, overflow="ellipsis")

    # -- keys ------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        if self.actionable:
            self.cursor = max(0, min(len(self.actionable) - 1, self.cursor + step))
        else:
            self.notify("No session to move to: nothing is planned today.", timeout=3)

    def action_act(self, what: str) -> None:
        session = self.current
        if session is None:
            why = "the plan is still being made" if self.facts is None else "no session here"
            self.notify(f"Nothing to act on: {why}.", timeout=3)
            return
        self.post_message(self.Act(self, what, session))

    def action_roadmap_key(self) -> None:
        self.notify(
            "That key works on an item in the Roadmap tab: enter shows this session's "
            "topic there (r: the roadmap).",
            timeout=4,
        )

    def watch_cursor(self) -> None:
        self.refresh()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        self.focus()
