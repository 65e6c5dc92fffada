"""The roadmap tree on its own: a tiny app hosting only a ``RoadmapTree`` records the
messages it posts (in the style of Textual's tests/tree/test_tree_messages.py)."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import App, ComposeResult
from textual.message import Message

from planner.progress import Progress, State
from planner.roadmap import Module, Roadmap, Topic
from planner.roadmap_file import load_roadmap
from planner.tui.widgets.roadmap_tree import RoadmapTree, TreeFacts

from .conftest import SEED_YAML

TOPIC = "advanced-python-features"
MODULE = "foundations-revisited"
QUEUE_KEYS = ("queue_front", "queue_up", "queue_down")


class TreeApp(App[None]):
    """Just the tree; records what it posts (its own messages, not Tree's)."""

    def __init__(self, roadmap: Roadmap) -> None:
        super().__init__()
        self.roadmap = roadmap
        self.messages: list[tuple[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield RoadmapTree(TreeFacts(self.roadmap, Progress(), {}, 6.0, 2.0), id="tree")

    def record(self, message: Message, detail: Any) -> None:
        self.messages.append((type(message).__name__, detail))

    @on(RoadmapTree.FilterChanged)
    def _filter(self, event: RoadmapTree.FilterChanged) -> None:
        assert event.control is self.query_one(RoadmapTree)
        self.record(event, event.text)

    @on(RoadmapTree.StateRequested)
    def _state(self, event: RoadmapTree.StateRequested) -> None:
        self.record(event, (event.item.id if event.item else None, event.state))

    @on(RoadmapTree.LogHoursRequested)
    @on(RoadmapTree.OpenLinkRequested)
    def _item(self, event: RoadmapTree.ItemRequest) -> None:
        self.record(event, event.item.id if event.item else None)

    @on(RoadmapTree.OrderRequested)
    def _order(self, event: RoadmapTree.OrderRequested) -> None:
        self.record(event, (event.item.id if event.item else None, event.where))


def make() -> TreeApp:
    return TreeApp(load_roadmap(SEED_YAML))


async def test_keys_post_requests_for_the_highlighted_item() -> None:
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.query_one(RoadmapTree)
        tree.focus()
        await pilot.pause()
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.id == MODULE
        await pilot.press("down", "space", "i", "s", "u", "l", "o")
        await pilot.pause()
        assert app.messages == [
            ("StateRequested", (TOPIC, None)),
            ("StateRequested", (TOPIC, State.IN_PROGRESS)),
            ("StateRequested", (TOPIC, State.SKIPPED)),
            ("StateRequested", (TOPIC, State.TODO)),
            ("LogHoursRequested", TOPIC),
            ("OpenLinkRequested", TOPIC),
        ]
        # a request changes nothing by itself: the tree still shows everything to do
        assert tree.line_text(TOPIC).startswith("○")


async def test_queue_keys_post_order_requests_for_the_highlighted_item() -> None:
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.query_one(RoadmapTree)
        tree.focus()
        await pilot.pause()
        # on the module too: the app, not the tree, says why nothing happens there
        await pilot.press("n", "down", "n", "left_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert app.messages == [
            ("OrderRequested", (MODULE, "front")),
            ("OrderRequested", (TOPIC, "front")),
            ("OrderRequested", (TOPIC, -1)),
            ("OrderRequested", (TOPIC, 1)),
        ]
        bound = {b.id: b.action for _, b in tree._bindings if b.id in QUEUE_KEYS}
        assert bound == {
            "queue_front": "queue_front",
            "queue_up": "queue_move(-1)",
            "queue_down": "queue_move(1)",
        }


async def test_filter_rebuilds_the_tree_and_says_so() -> None:
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.query_one(RoadmapTree)
        await pilot.pause()
        tree.move_to(tree.nodes_by_id[TOPIC])
        tree.mark_filter_origin()
        tree.set_filter("docker")
        await pilot.pause()
        assert app.messages == [("FilterChanged", "docker")]
        shown = set(tree.nodes_by_id)
        assert TOPIC not in shown and shown
        assert all(
            "docker" in app.roadmap.get(i).title.casefold()  # type: ignore[union-attr]
            or isinstance(app.roadmap.get(i), Module | Topic)
            for i in shown
        )
        first = tree.cursor_node
        assert first is not None and first.data is not None
        assert "docker" in first.data.title.casefold()  # the first match highlighted
        tree.set_filter("docker")  # the same filter: nothing to do, nothing said
        tree.set_filter("no title has this")
        await pilot.pause()
        assert tree.nodes_by_id == {} and tree.cursor_node is None
        tree.set_filter("")  # emptied: back where the filter started
        await pilot.pause()
        assert app.messages == [
            ("FilterChanged", "docker"),
            ("FilterChanged", "no title has this"),
            ("FilterChanged", ""),
        ]
        assert tree.filter_text == "" and TOPIC in tree.nodes_by_id
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.id == TOPIC


async def test_expand_all_and_collapse_all() -> None:
    app = make()
    async with app.run_test(size=(100, 30)) as pilot:
        tree = app.query_one(RoadmapTree)
        await pilot.pause()
        topic = app.roadmap.get(TOPIC)
        assert isinstance(topic, Topic) and topic.subtopics
        assert topic.subtopics[0].id not in tree.nodes_by_id  # created on first expand
        tree.expand_all()
        await pilot.pause()
        assert tree.nodes_by_id[TOPIC].is_expanded
        assert topic.subtopics[0].id in tree.nodes_by_id
        tree.collapse_all()
        await pilot.pause()
        assert not any(node.is_expanded for node in tree.root.children)
        assert app.messages == []
