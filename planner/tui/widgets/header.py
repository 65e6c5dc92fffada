"""The progress header: overall bar and percent, hours remaining, finish date, pace, and
where the calendar sync stands ("synced 14:02") when sync is set up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual.widget import Widget

from planner.progress import whole_percent
from planner.textutil import visible
from planner.tui.widgets.roadmap_tree import effort_bar


@dataclass(frozen=True)
class HeaderFacts:
    title: str
    percent: float
    hours_remaining: float
    finish: date | None
    pace: str
    """'on track', 'behind by 6 h', 'ahead by 3 h' (or '' when unknown)."""
    pace_style: str = ""
    planning: bool = False
    """A plan is being made (large roadmaps): the figures that depend on it are pending."""
    clock: str = ""
    """The running study timer, ``0:25 Topic title`` (or '' when none runs)."""
    sync: str = ""
    """Where the calendar sync stands ("synced 14:02", "syncing…", "sync failed: offline,
    will retry"); "" when sync is not set up."""


SYNC_FAILED_STYLE = "bold red"


def render_header(facts: HeaderFacts, width: int) -> Text:
    """Two lines: the roadmap's title with the sync state and the pace on the right; the
    bar and figures."""
    pace = Text(facts.pace, style=facts.pace_style) if facts.pace else Text("")
    pace = Text.assemble(clock_segment(facts.clock, width // 2), pace)
    if facts.sync:
        failed = facts.sync.startswith("sync failed")
        sync = Text(facts.sync, style=SYNC_FAILED_STYLE if failed else "dim")
        pace = Text.assemble(sync, "  ·  " if pace.plain else "", pace)
    title = Text(visible(facts.title), style="bold")
    room = max(10, width - pace.cell_len - 2)
    if title.cell_len > room:
        title.truncate(room, overflow="ellipsis")
    first = Text.assemble(title, " " * max(1, width - title.cell_len - pace.cell_len), pace)
    first.truncate(width)

    left = f"{facts.hours_remaining:.0f} h left"
    if facts.planning:
        left, finish = "planning...", ""
    elif facts.finish is not None:
        finish = f"finish {facts.finish:%a} {facts.finish.day} {facts.finish:%b %Y}"
    elif facts.hours_remaining <= 0:
        finish = "all done"
    else:
        finish = "no finish date (no study hours set)"
    figures = Text(f" {whole_percent(facts.percent):3d}%  ", style="bold")  # as planner status
    figures.append(left)
    if finish:
        figures.append("  ·  ", style="dim")
        figures.append(finish)
    bar_width = max(8, width - figures.cell_len)
    second = Text.assemble(effort_bar(facts.percent, bar_width), figures)
    second.truncate(width)
    return Text("\n").join([first, second])


def clock_segment(clock: str, room: int) -> Text:
    """The running timer, at most ``room`` cells, before the pace: ``timer 0:25 Topic``."""
    if not clock:
        return Text("")
    segment = Text.assemble(("timer ", "yellow"), (visible(clock), "bold yellow"))
    segment.truncate(max(8, room - 2), overflow="ellipsis")
    return Text.assemble(segment, "  ")


class ProgressHeader(Widget):
    """Shows ``render_header``; the app calls ``show`` whenever progress or plan change.

    Drawn from ``render`` at the current width: a resize or a new plan repaints the
    two lines without a new layout of the screen.
    """

    DEFAULT_CSS = """
    ProgressHeader {
        height: 2;
        padding: 0 1;
        background: $panel;
    }
    """

    facts: HeaderFacts | None = None

    def show(self, facts: HeaderFacts) -> None:
        if facts != self.facts:
            self.facts = facts
            self.refresh()

    def render(self) -> Text:
        if self.facts is None:
            return Text("")
        return render_header(self.facts, max(20, self.content_size.width or 78))

    @property
    def text(self) -> str:
        return render_header(self.facts, 200).plain if self.facts is not None else ""
