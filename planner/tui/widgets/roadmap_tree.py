"""The roadmap as a ``Tree[Item]``: modules > topics > subtopics, one line each.

Every node carries its domain object (``Module``/``Topic``/``Subtopic``) as ``data``.
A line is two parts: on the left the state mark and the title (the node's label, a
``rich.text.Text`` so a title is never read as markup), on the right the figures
(done/total, the module's effort bar, the estimate), right-aligned to the tree's width
so the columns line up and a long title is shortened rather than the figures.

A check-off relabels only the affected nodes (``set_label``); the tree is rebuilt only
when its shape changes (a filter, another roadmap). Subtopic nodes are created when
their topic is first expanded, so a roadmap of ten thousand topics opens quickly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from planner.progress import Figures, Progress, State
from planner.roadmap import Item, Module, Roadmap, Subtopic, Topic
from planner.textutil import visible

MARKS: dict[State, tuple[str, str]] = {
    State.TODO: ("○", "dim"),
    State.IN_PROGRESS: ("◐", "bold yellow"),
    State.DONE: ("✓", "bold green"),
    State.SKIPPED: ("⊘", "dim"),
}
"""State -> (mark, style). One cell each."""

STATE_WORDS: dict[State, str] = {
    State.TODO: "to do",
    State.IN_PROGRESS: "in progress",
    State.DONE: "done",
    State.SKIPPED: "skipped",
}

BAR_WIDTH = 8
_TOGGLE = Style.from_meta({"toggle": True})


def mark(state: State) -> Text:
    glyph, style = MARKS[state]
    return Text.assemble((glyph, style))


def compact_hours(hours: float, hours_per_day: float) -> str:
    """'12h' under a day, else days: '2d', '2.5d', '25d'."""
    if hours < hours_per_day or hours_per_day <= 0:
        return f"{hours:.3g}h" if hours < 100 else f"{hours:.0f}h"
    days = hours / hours_per_day
    return f"{days:.1f}".rstrip("0").rstrip(".") + "d" if days < 10 else f"{days:.0f}d"


def effort_bar(percent: float, width: int = BAR_WIDTH) -> Text:
    """A bar of ``width`` cells, eighth-block precise, done green on a dim track."""
    percent = max(0.0, min(100.0, percent))
    eighths = round(percent / 100 * width * 8)
    full, part = divmod(eighths, 8)
    done = "█" * full + ("" if part == 0 or full >= width else " ▏▎▍▌▋▊▉"[part])
    text = Text(done, style="green")
    text.append("─" * (width - len(done)), style="dim")
    return text


@dataclass
class TreeFacts:
    """What the labels are computed from; the app replaces it when anything changes."""

    roadmap: Roadmap
    progress: Progress
    figures: dict[str, Figures]
    hours_per_day: float
    unestimated_hours: float
    _states: dict[str, State] = field(default_factory=dict)

    def state(self, item_id: str) -> State:
        state = self._states.get(item_id)
        if state is None:
            state = self._states[item_id] = self.progress.state(self.roadmap, item_id)
        return state

    def prefetch(self) -> TreeFacts:
        """Work out every item's state at once (one pass, for building a whole tree)."""
        if len(self._states) < len(self.roadmap.ids()):
            self._states = self.progress.states(self.roadmap)
        return self


def _count(states: Iterable[State]) -> tuple[int, int]:
    """(done, total) where skipped items are left out of the total."""
    done = total = 0
    for state in states:
        if state is State.SKIPPED:
            continue
        total += 1
        done += state is State.DONE
    return done, total


def left_label(item: Item, facts: TreeFacts) -> Text:
    """The mark and the title, literally (never markup, no control character)."""
    state = facts.state(item.id)
    title_style = "strike dim" if state is State.SKIPPED else ("dim" if state is State.DONE else "")
    text = mark(state)
    text.append(" ")
    if isinstance(item, Module):
        text.append(f"{item.number}. ", style="bold " + title_style)
        text.append(visible(item.title), style="bold " + title_style)
    else:
        text.append(visible(item.title), style=title_style)
    return text


def _counts(done: int, total: int, style: str = "") -> Text:
    if total == 0:  # everything under it skipped
        return Text("  -  ", style="dim")
    return Text(f"{done:>2}/{total:<2}", style=style)


def right_label(item: Item, facts: TreeFacts) -> Text:
    """The figures, in columns that line up: [bar] done/total estimate.

    Modules have the effort bar left of their counts; topics only counts and estimate.
    """
    text = Text(no_wrap=True)
    hpd, unest = facts.hours_per_day, facts.unestimated_hours
    if isinstance(item, Module):
        done, total = _count(facts.state(t.id) for t in item.topics)
        fig = facts.figures.get(item.id)
        text.append_text(effort_bar(fig.percent if fig is not None else 0.0))
        text.append(" ")
        text.append_text(_counts(done, total, "bold green" if total and done == total else ""))
        text.append(" ")
        text.append(f"{compact_hours(item.hours(hpd, unest), hpd):>4}", style="bold")
    elif isinstance(item, Topic):
        if item.subtopics:
            done, total = _count(facts.state(s.id) for s in item.subtopics)
            text.append_text(_counts(done, total, "green" if total and done == total else "dim"))
        else:
            text.append(" " * 5)
        text.append(" ")
        if item.estimate is None:
            text.append(f"{'?':>4}", style="dim italic")
        else:
            text.append(f"{compact_hours(item.hours(hpd, unest), hpd):>4}")
    return text


def _depth(item: Item | None) -> int:
    if isinstance(item, Module):
        return 0
    if isinstance(item, Topic):
        return 1
    return 2


class RoadmapTree(Tree[Item]):
    """Modules, topics and subtopics, with state marks and figures.

    The tree owns its filter (``set_filter``; ``FilterChanged`` tells the change) and
    changes nothing itself: its keys post requests (``StateRequested``,
    ``LogHoursRequested``, ``OpenLinkRequested``, ``OrderRequested``) for the highlighted
    item, which the app carries out.
    """

    class FilterChanged(Message):
        """The filter changed: the tree was rebuilt with ``text`` as its filter."""

        def __init__(self, tree: RoadmapTree, text: str) -> None:
            super().__init__()
            self.tree = tree
            self.text = text

        @property
        def control(self) -> RoadmapTree:
            return self.tree

    class ItemRequest(Message):
        """A key asked for something to be done to the highlighted item (None: none)."""

        def __init__(self, tree: RoadmapTree, item: Item | None) -> None:
            super().__init__()
            self.tree = tree
            self.item = item

        @property
        def control(self) -> RoadmapTree:
            return self.tree

    class StateRequested(ItemRequest):
        """Set the highlighted item's state; ``state`` None toggles it done / not done."""

        def __init__(self, tree: RoadmapTree, item: Item | None, state: State | None) -> None:
            super().__init__(tree, item)
            self.state = state

    class LogHoursRequested(ItemRequest):
        """Log hours on the highlighted item's topic."""

    class OpenLinkRequested(ItemRequest):
        """Open the highlighted item's linked note."""

    class OrderRequested(ItemRequest):
        """Move the highlighted item's topic in the queue (``planner.shape``): ``where``
        is "front" (study it next), -1 (one place earlier) or 1 (one place later)."""

        def __init__(self, tree: RoadmapTree, item: Item | None, where: str | int) -> None:
            super().__init__(tree, item)
            self.where = where

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "space",
            "toggle_done",
            "Done",
            id="toggle_done",
            tooltip="Done / not done (a parent: everything under it)",
        ),
        Binding(
            "i", "set_in_progress", "Doing", id="in_progress", show=False, tooltip="In progress"
        ),
        Binding(
            "s",
            "set_skipped",
            "Skip",
            id="skip",
            show=False,
            tooltip="Skip (left out of the plan and the percentages)",
        ),
        Binding(
            "u",
            "set_todo",
            "To do",
            id="todo",
            show=False,
            tooltip="Back to to do (with everything under it)",
        ),
        Binding("l", "log_hours", "Log", id="log_hours", tooltip="Log hours spent on a topic"),
        Binding(
            "o",
            "open_link",
            "Open",
            id="open_link",
            show=False,
            tooltip="Open the linked note (relative to the roadmap file)",
        ),
        Binding(
            "right",
            "expand_cursor",
            "Expand",
            show=False,
            tooltip="Expand, or go to the first child",
        ),
        Binding(
            "left",
            "collapse_cursor",
            "Collapse",
            show=False,
            tooltip="Collapse, or go to the parent",
        ),
        Binding("j", "cursor_down", "Down", id="tree.down", show=False, tooltip="Move down"),
        Binding("k", "cursor_up", "Up", id="tree.up", show=False, tooltip="Move up"),
        Binding(
            "escape",
            "app.clear_tree_filter",
            "Clear filter",
            id="tree.clear_filter",
            show=False,
            tooltip="Clear the filter (show the whole roadmap)",
        ),
        Binding(
            "plus",
            "app.expand_all",
            "Expand all",
            id="expand_all",
            show=False,
            tooltip="Expand everything (every subtopic shown)",
        ),
        Binding(
            "minus",
            "app.collapse_all",
            "Collapse all",
            id="collapse_all",
            show=False,
            tooltip="Collapse everything (modules only)",
        ),
        Binding(
            "n",
            "queue_front",
            "Next",
            id="queue_front",
            show=False,
            tooltip="Study this topic next: first in the queue",
        ),
        Binding(
            "left_square_bracket",
            "queue_move(-1)",
            "Earlier",
            id="queue_up",
            show=False,
            tooltip="Move this topic up the queue: studied earlier",
        ),
        Binding(
            "right_square_bracket",
            "queue_move(1)",
            "Later",
            id="queue_down",
            show=False,
            tooltip="Move this topic down the queue: studied later",
        ),
    ]

    DEFAULT_CSS = """
    RoadmapTree {
        overflow-x: hidden;
    }
    """

    def __init__(
        self,
        facts: TreeFacts,
        *,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(facts.roadmap.title, id=id, classes=classes)
        self.show_root = False
        self.guide_depth = 3
        self.auto_expand = True
        self.facts = facts
        self.nodes_by_id: dict[str, TreeNode[Item]] = {}
        """Created nodes by item id (subtopics appear once their topic has been expanded)."""
        self._right: dict[str, Text] = {}
        self._line_width = 0
        self.filter_text = ""
        """Shown: only items whose title contains it (and their parents); see ``set_filter``."""
        self._filter_origin: str | None = None
        self.populate()

    # -- building ----------------------------------------------------------------

    def _new_node(self, parent: TreeNode[Item], item: Item, expand: bool) -> TreeNode[Item]:
        """``parent.add(...)`` without invalidating the whole tree once per node.

        Mirrors ``TreeNode.add`` of Textual 8.2.8 (pinned); ``populate`` and
        ``_fill_topic`` invalidate once when they are done.
        """
        allow = isinstance(item, Module) or (isinstance(item, Topic) and bool(item.subtopics))
        node = self._add_node(parent, left_label(item, self.facts), item, expand)
        node._allow_expand = allow
        parent._updates += 1
        parent._children.append(node)
        self.nodes_by_id[item.id] = node
        return node

    def process_label(self, label: str | Text) -> Text:
        # a Text of one line is used as it is: no copy, never parsed as markup
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(Text(label) if isinstance(label, str) else label)

    def right(self, item: Item) -> Text:
        """The figures part of an item's line, computed when first drawn."""
        text = self._right.get(item.id)
        if text is None:
            text = self._right[item.id] = right_label(item, self.facts)
        return text

    def populate(self, keep: str | None = None) -> str | None:
        """(Re)build every node from the roadmap, honouring ``filter_text``.

        The cursor goes to ``keep`` when it is shown. Returns the id of the first item
        whose own title matches the filter (None without a filter or a match).
        """
        self.clear()
        self.nodes_by_id.clear()
        self._right.clear()
        self.facts.prefetch()
        needle = self.filter_text.casefold().strip()
        root = self.root
        first: str | None = None
        for module in self.facts.roadmap.modules:
            if not needle:
                module_node = self._new_node(root, module, expand=True)
                for topic in module.topics:
                    self._new_node(module_node, topic, expand=False)
                continue
            module_hit = needle in module.title.casefold()
            topics = []
            for topic in module.topics:
                subs = [s for s in topic.subtopics if needle in s.title.casefold()]
                topic_hit = needle in topic.title.casefold()
                if module_hit or subs or topic_hit:
                    topics.append((topic, subs, topic_hit))
            if not topics and not module_hit:
                continue
            if module_hit and first is None:
                first = module.id
            module_node = self._new_node(root, module, expand=True)
            for topic, subs, topic_hit in topics:
                if topic_hit and first is None:
                    first = topic.id
                topic_node = self._new_node(module_node, topic, expand=bool(subs))
                for sub in subs:  # only the matching subtopics
                    if first is None:
                        first = sub.id
                    self._new_node(topic_node, sub, expand=False)
        self._invalidate()
        self.cursor_line = -1
        if keep is not None and keep in self.nodes_by_id:
            self.select_id(keep)
        elif first is not None:
            self.select_id(first)
        elif root.children:
            self.move_to(root.children[0])
        return first

    def _fill_topic(self, node: TreeNode[Item], topic: Topic) -> None:
        if node.children or not topic.subtopics:
            return
        for sub in topic.subtopics:
            self._new_node(node, sub, expand=False)
        self._invalidate()

    def ensure_node(self, item_id: str) -> TreeNode[Item] | None:
        """The node for an id, creating a subtopic's node (and expanding its topic)."""
        node = self.nodes_by_id.get(item_id)
        if node is not None:
            return node
        item = self.facts.roadmap.get(item_id)
        if isinstance(item, Subtopic):
            topic_node = self.nodes_by_id.get(item_id.split("/", 1)[0])
            if topic_node is not None and isinstance(topic_node.data, Topic):
                self._fill_topic(topic_node, topic_node.data)
                with self.prevent(Tree.NodeExpanded):
                    topic_node.expand()
                    if topic_node.parent is not None:
                        topic_node.parent.expand()
                return self.nodes_by_id.get(item_id)
        return None

    def select_id(self, item_id: str) -> bool:
        """Move the cursor to an item (if it is shown); True when it moved."""
        node = self.ensure_node(item_id)
        if node is None:
            return False
        if node.parent is not None and not node.parent.is_root:
            with self.prevent(Tree.NodeExpanded):
                node.parent.expand()
        self.move_to(node)
        return True

    def move_to(self, node: TreeNode[Item]) -> None:
        """Move the cursor to a node, even one added or shown a moment ago."""
        self._tree_lines  # noqa: B018 - builds the lines so the node knows its line
        self.move_cursor(node, animate=False)

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[Item]) -> None:
        node = event.node
        if isinstance(node.data, Topic):
            self._fill_topic(node, node.data)

    # -- labels ------------------------------------------------------------------

    def set_facts(self, facts: TreeFacts) -> None:
        """New facts; lines already drawn keep their figures until ``relabel``."""
        self.facts = facts

    def relabel(self, ids: Iterable[str]) -> int:
        """Recompute the labels of these items and of their topics and modules.

        Only existing nodes are touched (``set_label``); returns how many.
        """
        roadmap = self.facts.roadmap
        wanted: dict[str, None] = {}
        for item_id in ids:
            item = roadmap.get(item_id)
            if item is None:
                continue
            wanted[item_id] = None
            if isinstance(item, Subtopic):
                topic = roadmap.parent_topic(item_id)
                wanted[topic.id] = None
                wanted[topic.module_id] = None
            elif isinstance(item, Topic):
                wanted[item.module_id] = None
        count = 0
        for item_id in wanted:
            node = self.nodes_by_id.get(item_id)
            if node is None or node.data is None:
                continue
            self._right.pop(item_id, None)
            node.set_label(left_label(node.data, self.facts))
            count += 1
        return count

    def relabel_all(self) -> None:
        self.relabel(list(self.nodes_by_id))

    def line_text(self, item_id: str) -> str:
        """The plain text of an item's line (left and right parts), for tests."""
        node = self.nodes_by_id[item_id]
        label = node.label if isinstance(node.label, Text) else Text(str(node.label))
        right = self.right(node.data).plain if node.data is not None else ""
        return f"{label.plain}  {right}".rstrip()

    def right_text(self, item_id: str) -> str:
        node = self.nodes_by_id[item_id]
        return self.right(node.data).plain if node.data is not None else ""

    # -- rendering ---------------------------------------------------------------

    def _label_room(self, node: TreeNode[Item]) -> int:
        return self.scrollable_content_region.width - _depth(node.data) * self.guide_depth - 2

    def _build(self) -> None:
        self._line_width = self.scrollable_content_region.width  # once per build, not per line
        super()._build()

    def get_label_width(self, node: TreeNode[Item]) -> int:
        # every line is laid out to the tree's width: no horizontal scrolling
        return max(0, self._line_width - _depth(node.data) * self.guide_depth)

    def render_label(self, node: TreeNode[Item], base_style: Style, style: Style) -> Text:
        if node._allow_expand:
            prefix = Text(
                self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE,
                style=base_style + _TOGGLE,
            )
        else:
            prefix = Text("  ", style=base_style)
        label = node._label.copy()
        right = self.right(node.data) if node.data is not None else None
        room = self._label_room(node)
        if right is not None and right.cell_len and room > 0:
            space = room - right.cell_len - 1
            if space < 12:  # too narrow for figures: the title matters more
                right = None
            else:
                if label.cell_len > space:
                    label.truncate(space, overflow="ellipsis")
                label.append(" " * (room - label.cell_len - right.cell_len))
                label.append_text(right)
        if right is None and room > 0 and label.cell_len > room:
            label.truncate(room, overflow="ellipsis")
        label.stylize(style)
        return Text.assemble(prefix, label)

    # -- filter ------------------------------------------------------------------

    def mark_filter_origin(self) -> None:
        """Remember the highlighted item as where a filter started: when the filter
        hides every item and is then emptied, the cursor goes back there."""
        node = self.cursor_node
        if node is not None and node.data is not None:
            self._filter_origin = node.data.id

    def set_filter(self, text: str) -> None:
        """Show only items whose title contains ``text`` (and their parents); posts
        ``FilterChanged``. The cursor stays on its item when it is still shown, and goes
        back to it (or to the filter's origin) when the filter is emptied."""
        if text == self.filter_text:
            return
        node = self.cursor_node
        keep = node.data.id if node is not None and node.data is not None else self._filter_origin
        self.filter_text = text
        first = self.populate()
        if not text.strip() and keep is not None:
            self.select_id(keep)  # back to where the user was
        elif first is None and keep is not None and keep in self.nodes_by_id:
            self.select_id(keep)
        self.post_message(self.FilterChanged(self, text))

    # -- expanding -----------------------------------------------------------------

    def expand_all(self) -> None:
        """Every module and topic expanded (subtopic nodes created as needed)."""
        with self.prevent(Tree.NodeExpanded):
            for module_node in self.root.children:
                module_node.expand()
                for topic_node in module_node.children:
                    if isinstance(topic_node.data, Topic):
                        self._fill_topic(topic_node, topic_node.data)
                    if topic_node.allow_expand:
                        topic_node.expand()

    def collapse_all(self) -> None:
        """Modules only."""
        for module_node in self.root.children:
            module_node.collapse()

    # -- actions -----------------------------------------------------------------

    @property
    def _cursor_item(self) -> Item | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def action_toggle_done(self) -> None:
        self.post_message(self.StateRequested(self, self._cursor_item, None))

    def action_set_in_progress(self) -> None:
        self.post_message(self.StateRequested(self, self._cursor_item, State.IN_PROGRESS))

    def action_set_skipped(self) -> None:
        self.post_message(self.StateRequested(self, self._cursor_item, State.SKIPPED))

    def action_set_todo(self) -> None:
        self.post_message(self.StateRequested(self, self._cursor_item, State.TODO))

    def action_log_hours(self) -> None:
        self.post_message(self.LogHoursRequested(self, self._cursor_item))

    def action_open_link(self) -> None:
        self.post_message(self.OpenLinkRequested(self, self._cursor_item))

    def action_queue_front(self) -> None:
        self.post_message(self.OrderRequested(self, self._cursor_item, "front"))

    def action_queue_move(self, step: int) -> None:
        self.post_message(self.OrderRequested(self, self._cursor_item, step))

    def action_expand_cursor(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and not node.is_expanded:
            node.expand()
        elif node.children:
            self.move_cursor(node.children[0], animate=False)

    def action_collapse_cursor(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and not node.parent.is_root:
            self.move_cursor(node.parent, animate=False)
