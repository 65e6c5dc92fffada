"""The detail pane: everything known about the highlighted module, topic or subtopic.

Built as one ``rich.text.Text`` (titles, goals and links are shown literally, never as
markup) inside a scrolling container.
"""

from __future__ import annotations

import io
from datetime import date, datetime, tzinfo

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from planner.history import in_zone
from planner.progress import State
from planner.roadmap import Item, Module, Roadmap, Subtopic, Topic
from planner.schedule import Plan, Session
from planner.textutil import visible
from planner.tui.widgets.roadmap_tree import (
    STATE_WORDS,
    TreeFacts,
    effort_bar,
    mark,
)
from planner.units import time_range

LABEL_WIDTH = 10
MAX_SESSIONS = 8
ESTIMATE_TOLERANCE_HOURS = 0.5


def fmt_hours(hours: float) -> str:
    return f"{hours:.1f}".rstrip("0").rstrip(".") + " h"


def fmt_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def fmt_span(start: date, end: date) -> str:
    """'2 Mar - 14 Mar 2026', with both years when they differ."""
    first = f"{start.day} {start:%b}" + (f" {start.year}" if start.year != end.year else "")
    return f"{first} - {end.day} {end:%b %Y}"


def fmt_moment(moment: datetime, today: date | None = None) -> str:
    """'2 Mar 09:05', with the year when it is not this year's."""
    year = "" if today is not None and moment.year == today.year else f" {moment.year}"
    return f"{moment.day} {moment:%b}{year} {moment:%H:%M}"


def fmt_session(session: Session) -> str:
    part = f"  {session.part}/{session.parts}" if session.parts > 1 else ""
    return (
        f"{session.start:%a} {session.start.day:>2} {session.start:%b}  "
        f"{time_range(session.start, session.end)} {fmt_hours(session.hours):>6}{part}"
    )


def estimate_lines(item: Item, facts: TreeFacts) -> list[Text]:
    """The estimate, and for a module whose stated figure disagrees, both figures."""
    hpd, unest = facts.hours_per_day, facts.unestimated_hours
    if isinstance(item, Topic):
        if item.estimate is None:
            return [Text(f"no estimate (counted as {fmt_hours(unest)})", style="italic")]
        line = Text(item.estimate_text())
        if item.estimate.unit != "hours":
            line.append(f"  ({fmt_hours(item.hours(hpd, unest))})", style="dim")
        return [line]
    if isinstance(item, Module):
        topics_hours = item.hours(hpd, unest)
        line = Text(f"{fmt_hours(topics_hours)} (its topics)")
        lines = [line]
        stated = item.stated
        stated_hours = stated.as_hours(hpd) if stated is not None else None
        if stated is not None and stated_hours is not None:
            if abs(stated_hours - topics_hours) > ESTIMATE_TOLERANCE_HOURS:
                more = topics_hours - stated_hours
                word = "more" if more > 0 else "less"
                lines.append(Text(f"stated: {stated}", style="yellow"))
                lines.append(
                    Text(f"(the topics add up to {fmt_hours(abs(more))} {word})", style="dim")
                )
            else:
                lines.append(Text(f"stated: {stated} (agrees)", style="dim"))
        elif stated is not None and str(stated):
            lines.append(Text(f"stated: {stated}", style="dim"))
        return lines
    return [Text("counted with its topic", style="dim")]


def _logged(item: Item, facts: TreeFacts) -> float:
    entries = facts.progress.entries
    if isinstance(item, Module):
        return sum(entries[t.id].logged_hours for t in item.topics if t.id in entries)
    entry = entries.get(item.id)
    return entry.logged_hours if entry is not None else 0.0


def _changed(item: Item, facts: TreeFacts) -> datetime | None:
    entry = facts.progress.entries.get(item.id)
    return entry.changed if entry is not None else None


class _Rows:
    """Label/value rows: the label dim in a column of its own (``LABEL_WIDTH`` cells with
    the gap), the value wrapped beside it. Draws what a ``Table.grid`` of two columns
    draws, without measuring every cell first (the pane is redrawn on every move)."""

    def __init__(self) -> None:
        self.rows: list[tuple[Text, Text]] = []

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        # as the grid (not expanded): the values' column as wide as its longest line
        longest = max(
            (cell_len(line) for _, value in self.rows for line in value.plain.split("\n")),
            default=0,
        )
        value_width = max(1, min(options.max_width - LABEL_WIDTH, longest))
        label_options = options.update(
            width=LABEL_WIDTH - 1, height=None, justify="left", no_wrap=True, overflow="ellipsis"
        )
        value_options = options.update(
            width=value_width, height=None, justify="left", overflow="ellipsis"
        )
        dim = console.get_style("dim")
        plain = Style()
        blank_label = [Segment(" " * LABEL_WIDTH, dim)]
        new_line = Segment.line()
        for label, value in self.rows:
            labels = console.render_lines(label, label_options, style=dim)
            values = console.render_lines(value, value_options, style=plain)
            for i, value_line in enumerate(values):
                if i < len(labels):
                    yield from labels[i]
                    yield Segment(" ", dim)
                else:
                    yield from blank_label
                yield from value_line
                yield new_line


class _Builder:
    """Text blocks and label/value rows (values wrap under their own column)."""

    def __init__(self) -> None:
        self.parts: list[RenderableType] = []
        self.out = Text()
        self.grid: _Rows | None = None

    def _flush_text(self) -> None:
        if self.out.plain:
            if self.out.plain.endswith("\n"):
                self.out.right_crop(1)  # the next part starts on a line of its own
            self.parts.append(self.out)
        self.out = Text()

    def row(self, label: str, value: Text | str) -> None:
        if self.grid is None:
            self._flush_text()
            self.grid = _Rows()
        shown = value if isinstance(value, Text) else Text(value)
        if not shown.plain.isprintable():  # an estimate's rider, a stated text: the file's
            shown = Text(visible(shown.plain), style=shown.style, spans=shown.spans)
        self.grid.rows.append((Text(label), shown))

    def append(self, text: str, style: str = "") -> None:
        """Add literal text: titles and notes come from files, so any control
        character in them is shown harmlessly (line breaks and tabs stay)."""
        self._end_grid()
        self.out.append(visible(text, multiline=True), style=style)

    def append_text(self, text: Text) -> None:
        self._end_grid()
        self.out.append_text(text)

    def _end_grid(self) -> None:
        if self.grid is not None:
            self.parts.append(self.grid)
            self.grid = None

    def done(self) -> Group:
        self._end_grid()
        self.out.rstrip()
        self._flush_text()
        return Group(*self.parts)


def sessions_index(plan: Plan) -> dict[str, list[Session]]:
    """Sessions by topic id and by module id (one pass, instead of a scan per lookup)."""
    index: dict[str, list[Session]] = {}
    for session in plan.sessions:
        index.setdefault(session.topic_id, []).append(session)
        index.setdefault(session.module_id, []).append(session)
    return index


def render_details(
    item: Item | None,
    facts: TreeFacts,
    plan: Plan | None,
    *,
    today: date | None = None,
    index: dict[str, list[Session]] | None = None,
    tz: tzinfo | None = None,
) -> RenderableType:
    """The whole pane: text blocks and label/value grids; moments shown in ``tz`` (the
    settings' zone)."""
    if item is None:
        return Text("Nothing highlighted.", style="dim")
    roadmap: Roadmap = facts.roadmap
    out = _Builder()
    row = out.row

    def heading(title: str) -> None:
        out.append("\n")
        out.append(title, style="bold underline")
        out.append("\n")

    out.append(item.title, style="bold")
    out.append("\n")
    if isinstance(item, Module):
        where = f"Module {item.number}"
    elif isinstance(item, Topic):
        module = roadmap.module(item.module_id)
        where = f"Topic in {module.number}. {module.title}"
    else:
        topic = roadmap.parent_topic(item.id)
        where = f"Subtopic of {topic.title}"
    out.append(where, style="dim italic")
    out.append("\n\n")  # a blank line before the grid

    state = facts.state(item.id)
    state_text = mark(state)
    state_text.append(f" {STATE_WORDS[state]}")
    row("State", state_text)
    changed = _changed(item, facts)
    if changed is not None:
        row("Since", fmt_moment(in_zone(changed, tz), today))

    lines = estimate_lines(item, facts)
    row("Estimate", lines[0])
    for extra in lines[1:]:
        row("", extra)

    if not isinstance(item, Subtopic):
        fig = facts.figures.get(item.id)
        if fig is not None:
            bar = effort_bar(fig.percent, 10)
            bar.append(f" {fig.whole_percent}%")
            row("Progress", bar)
            row("Left", fmt_hours(fig.remaining))
        logged = _logged(item, facts)
        row("Logged", fmt_hours(logged) if logged else Text("none (l logs)", style="dim"))

    span = None
    if plan is not None:
        if isinstance(item, Module):
            span = plan.module_spans.get(item.id)
        elif isinstance(item, Topic):
            span = plan.topic_spans.get(item.id)
    if span is not None:
        start, end = span
        when = fmt_day(start) if start == end else fmt_span(start, end)
        row("Planned", when)
    elif state in (State.DONE, State.SKIPPED):
        pass
    elif plan is not None and not isinstance(item, Subtopic):
        row("Planned", Text("not scheduled", style="dim"))

    if isinstance(item, Topic) and item.note:
        heading("Note")
        out.append(item.note + "\n")

    if isinstance(item, Topic) and item.subtopics:
        states = [facts.state(s.id) for s in item.subtopics]
        done = sum(s is State.DONE for s in states)
        heading(f"Subtopics ({done}/{len(states)} done)")
        for sub, sub_state in zip(item.subtopics, states, strict=True):
            out.append("  ")
            out.append_text(mark(sub_state))
            out.append(f" {sub.title}")
            if sub.link:
                out.append(" (link)", style="dim")
            out.append("\n")

    links: list[str] = []
    if isinstance(item, (Topic, Subtopic)) and item.link:
        links.append(item.link)
    if links:
        heading("Link")
        for link in links:
            out.append(f"  {link}", style="underline")
            out.append("\n")
        out.append("  o opens it\n", style="dim")

    if isinstance(item, Module):
        if item.goal:
            heading("Goal")
            out.append(item.goal + "\n")
        if item.core_practice:
            heading("Core practice")
            out.append(item.core_practice + "\n")
        if item.tools:
            heading("Tools")
            out.append(", ".join(item.tools) + "\n")
        if item.practical_application:
            heading("Practical application")
            out.append(item.practical_application + "\n")

    if plan is not None:
        owner_id = roadmap.parent_topic(item.id).id if isinstance(item, Subtopic) else item.id
        sessions = index.get(owner_id, []) if index is not None else plan.sessions_for(owner_id)
        if sessions:
            total = sum(s.hours for s in sessions)
            heading(f"Sessions ({len(sessions)}, {fmt_hours(total)})")
            last_topic = None
            for session in sessions[:MAX_SESSIONS]:
                if isinstance(item, Module) and session.topic_id != last_topic:
                    last_topic = session.topic_id  # a module's sessions, under their topics
                    session_topic = roadmap.get(session.topic_id)
                    title = session_topic.title if session_topic is not None else session.topic_id
                    out.append(f"  {title}\n", style="italic")
                style = "bold" if today is not None and session.start.date() == today else ""
                out.append(f"  {fmt_session(session)}", style=style)
                out.append("\n")
            if len(sessions) > MAX_SESSIONS:
                last = sessions[-1]
                out.append(
                    f"  ... {len(sessions) - MAX_SESSIONS} more, until {fmt_day(last.end.date())}\n",
                    style="dim",
                )
    return out.done()


class DetailsPane(ScrollView):
    """Shows ``render_details`` for the item the app tells it about.

    A line-API widget: the details are laid out once per width and drawn line by line
    as they scroll (a ``Static`` in a scrolling container laid them out twice, once to
    measure its height and once to draw, and was one more widget to mount and style).
    """

    DEFAULT_CSS = """
    DetailsPane { overflow-x: hidden; }
    """

    item: Item | None = None
    _indexed_plan: Plan | None = None
    _shown: tuple[object, ...] | None = None
    _index: dict[str, list[Session]] | None = None
    _content: RenderableType = Text("")
    _strips: tuple[int, list[Strip]] | None = None
    """The content laid out: (width, one strip per line)."""

    def show(
        self,
        item: Item | None,
        facts: TreeFacts,
        plan: Plan | None,
        today: date | None = None,
        tz: tzinfo | None = None,
    ) -> None:
        shown = (item, facts, plan, today, tz)
        if self._shown is not None and all(a is b for a, b in zip(shown, self._shown, strict=True)):
            return  # the same item from the same facts and plan: nothing to redraw
        other_item = self._shown is None or item is not self._shown[0]
        self._shown = shown
        self.item = item
        index = None
        if plan is not None:
            if plan is not self._indexed_plan:
                self._indexed_plan, self._index = plan, sessions_index(plan)
            index = self._index
        self._set_content(
            render_details(item, facts, plan, today=today, index=index, tz=tz), top=other_item
        )

    def message(self, text: str) -> None:
        """Show a plain message instead of an item (shown literally)."""
        self.item = None
        self._shown = None
        self._set_content(Text(text), top=True)

    @property
    def content(self) -> RenderableType:
        """What the pane shows (a Rich renderable)."""
        return self._content

    @property
    def text(self) -> str:
        """The pane's plain text, laid out 100 columns wide (for tests)."""
        return plain_text(self._content)

    # -- layout and drawing ------------------------------------------------------------

    def _set_content(self, content: RenderableType, *, top: bool) -> None:
        self._content = content
        self._strips = None
        if top:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self._fit()
        self.refresh()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Lay the content out for the room there is: without a scrollbar if it fits,
        else one column narrower, beside the scrollbar."""
        if not self.is_mounted:
            return
        room = self.content_region.size
        if room.width <= 0:
            return
        height = room.height
        narrow = max(1, room.width - self.styles.scrollbar_size_vertical)
        # try first the width of the last layout (a scrollbar usually stays)
        kept_bar = self.show_vertical_scrollbar and len(self._lines(narrow)) > height
        width = narrow if kept_bar or len(self._lines(room.width)) > height else room.width
        self.virtual_size = Size(width, len(self._lines(width)))

    def _lines(self, width: int) -> list[Strip]:
        if self._strips is None or self._strips[0] != width:
            console = self.app.console
            options = self.app.console_options.update(width=width, height=None, highlight=False)
            lines = console.render_lines(self._content, options, pad=True)
            self._strips = (width, [Strip(line, width) for line in lines])
        return self._strips[1]

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        style = self.rich_style
        lines = self._lines(self.virtual_size.width or width)
        index = scroll_y + y
        if not 0 <= index < len(lines):
            return Strip.blank(width, style)
        return lines[index].apply_style(style).crop_extend(scroll_x, scroll_x + width, style)


def plain_text(renderable: object, width: int = 100) -> str:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())
