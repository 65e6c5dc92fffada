"""Pilot tests of the app: every interaction, asserting on the app AND on the saved file."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest
from rich.text import Text
from textual.widgets import Input, Static

from planner.progress import ProgressStore, State
from planner.roadmap import Module
from planner.schedule import Plan
from planner.settings import Settings
from planner.tui import app as app_module
from planner.tui.app import PlannerApp
from planner.tui.commands import PlannerProvider
from planner.tui.screens.help import HelpScreen
from planner.tui.screens.log_hours import LogHoursScreen, PromptScreen
from planner.tui.widgets.details import DetailsPane, plain_text
from planner.tui.widgets.header import ProgressHeader
from planner.tui.widgets.key_bar import KeyBar
from planner.tui.widgets.roadmap_tree import RoadmapTree
from planner.tui.widgets.tab_bar import TabBar

from .conftest import NOW, SETTINGS, AppFactory, saved, small_roadmap

TOPIC = "advanced-python-features"
MODULE = "foundations-revisited"


def tree_of(app: PlannerApp) -> RoadmapTree:
    return app.screen.query_one("#tree", RoadmapTree)


def counts_of(tree: RoadmapTree, item_id: str) -> str:
    """The done/total figure on an item's line."""
    return next(word for word in tree.right_text(item_id).split() if "/" in word)


VIEWS = {"roadmap": "roadmap", "agenda": "agenda-view", "calendar": "calendar-view"}


def shown_tab(app: PlannerApp) -> str:
    """The one view on screen; the tab bar and ``app.active_tab`` must agree with it."""
    visible = [w.id for w in app.screen.query(".view") if w.display and w.region.area]
    assert len(visible) == 1, visible
    shown = next(tab for tab, view_id in VIEWS.items() if view_id == visible[0])
    assert app.screen.query_one("#tab-bar", TabBar).active == shown == app.active_tab
    return shown


def details_text(app: PlannerApp) -> str:
    return app.screen.query_one(DetailsPane).text


async def test_opens_with_modules_expanded_to_topics(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        tree = tree_of(app)
        modules = tree.root.children
        assert [n.data.id for n in modules if n.data] == [m.id for m in app.roadmap.modules]
        assert all(n.is_expanded for n in modules)
        topics = [t for m in modules for t in m.children]
        assert len(topics) == 28
        assert not any(t.is_expanded for t in topics)
        assert isinstance(tree.cursor_node.data, Module) if tree.cursor_node else False
        assert app.focused is tree
        assert details_text(app).startswith("Foundations Revisited")
        # every line: state mark, title, counts, estimate; modules an effort bar
        assert tree.line_text(MODULE).startswith("○ 1. Foundations Revisited")
        assert "0/3" in tree.right_text(MODULE) and "5d" in tree.right_text(MODULE)
        assert "─" * 8 in tree.right_text(MODULE)
        assert tree.right_text(TOPIC).split() == ["0/6", "2d"]


async def test_space_toggles_done_and_saves(make_app: AppFactory, progress_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = tree_of(app)
        module_node = tree.nodes_by_id[MODULE]
        topic_node = tree.nodes_by_id[TOPIC]
        node_count = len(tree._tree_nodes)
        before_plan = app.plan
        await pilot.press("down", "space")
        await pilot.pause()
        assert app.progress.state(app.roadmap, TOPIC) is State.DONE
        assert saved(progress_path, app.roadmap).state(app.roadmap, TOPIC) is State.DONE
        assert saved(progress_path, app.roadmap).entries[TOPIC].changed == NOW
        assert tree.line_text(TOPIC).startswith("✓ Advanced Python Features")
        assert counts_of(tree, TOPIC) == "6/6"
        assert counts_of(tree, MODULE) == "1/3"
        assert tree.line_text(MODULE).startswith("◐ 1.")
        # relabelled in place: same node objects, no rebuild
        assert tree.nodes_by_id[MODULE] is module_node and tree.nodes_by_id[TOPIC] is topic_node
        assert len(tree._tree_nodes) == node_count
        # the plan and header follow
        assert app.plan is not before_plan
        assert app.plan.hours_remaining == pytest.approx(before_plan.hours_remaining - 16)
        assert re.search(r"^State +✓ done", details_text(app), re.M)
        header = app.screen.query_one(ProgressHeader).text
        assert f"{app.plan.hours_remaining:.0f} h left" in header

        await pilot.press("space")  # again: back to to do
        await pilot.pause()
        assert saved(progress_path, app.roadmap).state(app.roadmap, TOPIC) is State.TODO
        assert tree.line_text(TOPIC).startswith("○ Advanced")
        assert counts_of(tree, MODULE) == "0/3"


async def test_in_progress_skip_todo_on_a_subtopic(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    sub = f"{TOPIC}/asyncio"
    async with app.run_test(size=(120, 40)) as pilot:
        tree = tree_of(app)
        await pilot.press("down", "right", "down", "down")  # expand the topic, 2nd subtopic
        await pilot.pause()
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.id == sub
        await pilot.press("i")
        await pilot.pause()
        on_disk = saved(progress_path, app.roadmap)
        assert on_disk.state(app.roadmap, sub) is State.IN_PROGRESS
        assert on_disk.state(app.roadmap, TOPIC) is State.IN_PROGRESS
        assert tree.line_text(sub).startswith("◐ Asyncio")
        assert tree.line_text(TOPIC).startswith("◐ Advanced")

        await pilot.press("s")
        await pilot.pause()
        assert saved(progress_path, app.roadmap).state(app.roadmap, sub) is State.SKIPPED
        assert tree.line_text(sub).startswith("⊘ Asyncio")
        assert counts_of(tree, TOPIC) == "0/5"  # skipped leaves the count

        await pilot.press("left", "left", "s")  # collapse, up to the topic, skip all of it
        await pilot.pause()
        assert saved(progress_path, app.roadmap).state(app.roadmap, TOPIC) is State.SKIPPED
        assert tree.line_text(TOPIC).startswith("⊘ Advanced")
        assert tree.right_text(TOPIC).split() == ["-", "2d"]  # nothing left to count
        await pilot.press("u", "right", "down", "down")
        await pilot.pause()

        await pilot.press("u")
        await pilot.pause()
        assert saved(progress_path, app.roadmap).state(app.roadmap, sub) is State.TODO
        assert tree.line_text(sub).startswith("○ Asyncio")
        assert counts_of(tree, TOPIC) == "0/6"


async def test_done_on_a_module_closes_its_topics(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")
        await pilot.pause()
        on_disk = saved(progress_path, app.roadmap)
        module = app.roadmap.module(MODULE)
        assert all(on_disk.state(app.roadmap, t.id) is State.DONE for t in module.topics)
        tree = tree_of(app)
        assert all(tree.line_text(t.id).startswith("✓") for t in module.topics)
        assert counts_of(tree, MODULE) == "3/3"
        assert "████████" in tree.right_text(MODULE)


async def test_log_hours(make_app: AppFactory, progress_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "l")
        await pilot.pause()
        assert isinstance(app.screen, LogHoursScreen)
        await pilot.press("a", "b", "c", "enter")
        await pilot.pause()
        assert isinstance(app.screen, LogHoursScreen)  # refused, form stays open
        assert "cannot read 'abc' as a duration" in str(
            app.screen.query_one("#prompt-error").content
        )
        field = app.screen.query_one("#prompt-input", Input)
        field.value = "90m"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, LogHoursScreen)
        assert saved(progress_path, app.roadmap).logged(TOPIC) == pytest.approx(1.5)
        assert re.search(r"^Logged +1.5 h", details_text(app), re.M)

        await pilot.press("l", "escape")  # cancel changes nothing
        await pilot.pause()
        assert saved(progress_path, app.roadmap).logged(TOPIC) == pytest.approx(1.5)


async def test_log_hours_on_a_module_is_refused(make_app: AppFactory, progress_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("l")
        await pilot.pause()
        assert not isinstance(app.screen, LogHoursScreen)
        assert any("logged on a topic" in n.message for n in app._notifications)
        assert not progress_path.exists()


LINKED = """\
id: linked
title: Linked
modules:
  - id: m
    title: "[bold]x[/bold] module"
    topics:
      - id: t
        title: "[link=http://x]y[/] topic"
        estimate: 3 hours
        link: notes/t.md
        subtopics:
          - {id: gone, title: Gone, link: ./missing.md}
          - {id: web, title: Web, link: "https://example.com/a"}
"""


async def test_open_link_relative_to_the_roadmap(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roadmap, path = small_roadmap(tmp_path, LINKED)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "t.md").write_text("# t\n")
    opened: list[str] = []
    monkeypatch.setattr(app_module, "open_with_system", opened.append)
    app = make_app(roadmap, roadmap_path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("o")  # the module has no link
        await pilot.pause()
        assert opened == []
        assert any("has no link" in n.message for n in app._notifications)
        await pilot.press("down", "o")
        await pilot.pause()
        assert opened == [str((tmp_path / "notes" / "t.md").resolve())]
        await pilot.press("right", "down", "o")  # a link to a missing file: told, not opened
        await pilot.pause()
        assert len(opened) == 1
        assert any("does not exist" in n.message for n in app._notifications)
        await pilot.press("down", "o")  # a URL goes to the opener as it is
        await pilot.pause()
        assert opened[-1] == "https://example.com/a"


async def test_titles_are_literal_never_markup(make_app: AppFactory, tmp_path: Path) -> None:
    roadmap, path = small_roadmap(tmp_path, LINKED)
    app = make_app(roadmap, roadmap_path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        tree = tree_of(app)
        module_label = tree.nodes_by_id["m"].label
        assert isinstance(module_label, Text)
        assert "[bold]x[/bold] module" in module_label.plain
        assert "[link=http://x]y[/] topic" in tree.line_text("t")
        assert details_text(app).startswith("[bold]x[/bold] module")
        await pilot.press("down", "space")
        await pilot.pause()
        assert "[link=http://x]y[/] topic" in tree.line_text("t")
        assert details_text(app).startswith("[link=http://x]y[/] topic")
        # the rendered line shows the brackets too
        line = tree.render_line(1).text
        assert "[link=http://x]y[/]" in line
        # and so do notifications that quote a title
        await pilot.press("space")  # back to todo, then "in progress" twice: "already"
        await pilot.press("i", "i")
        await pilot.pause()
        from textual.widgets._toast import Toast

        shown = " ".join(Toast(note).render().plain for note in app._notifications)
        assert "'[link=http://x]y[/] topic' is already in progress" in shown


async def test_export_writes_ics_and_says_how_to_import(
    make_app: AppFactory, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(export_dir=out)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        ics = out / "study-plan.ics"
        assert ics.exists()
        text = ics.read_text()
        assert text.startswith("BEGIN:VCALENDAR") and text.count("BEGIN:VEVENT") == len(
            app.plan.sessions
        )
        messages = [n.message for n in app._notifications]
        assert any(str(ics) in m and "Google Calendar" in m and "Import" in m for m in messages)


async def test_export_into_a_missing_folder_is_a_notification(
    make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(export_dir=tmp_path / "nope")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert any(n.severity == "error" for n in app._notifications)
        assert app.is_running


async def test_filter_by_title(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = tree_of(app)
        assert not app.screen.query("#filter")  # mounted by the first "/", not at start
        assert not app.screen.query("#too-small")  # mounted when the window is too small
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.focused, Input) and app.focused.id == "filter"
        await pilot.press(*"django")
        await pilot.pause()
        shown = [n.data.id for n in tree.root.children if n.data]
        assert shown == ["web-frameworks-apis", "data-management"]  # a subtopic matches there
        topics = [n.data.title for n in tree.root.children[0].children if n.data]
        assert topics == ["Django Deep Dive", "Django REST Framework (DRF)"]
        orm = tree.root.children[1].children[0]
        assert [n.data.title for n in orm.children if n.data] == ["Django ORM advanced usage"]
        assert orm.is_expanded
        # space types into the field, it does not check anything off
        await pilot.press("space")
        await pilot.pause()
        assert app.progress.entries == {}
        await pilot.press("escape")
        await pilot.pause()
        assert len(tree.root.children) == len(app.roadmap.modules)
        assert app.focused is tree
        assert not app.screen.query_one("#filter").display
        await pilot.press("slash", *"fast")  # the second "/" reuses the field
        await pilot.pause()
        assert len(app.screen.query("#filter")) == 1
        assert [n.data.id for n in tree.root.children if n.data] == ["web-frameworks-apis"]


async def test_filter_matches_subtopics_and_expands_their_topic(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = tree_of(app)
        await pilot.press("slash", *"migrations", "enter")
        await pilot.pause()
        assert app.focused is tree
        node = tree.nodes_by_id["django-deep-dive/migrations"]
        assert node.parent is not None and node.parent.is_expanded
        assert tree.cursor_node is node  # the cursor goes to the first match
        assert details_text(app).startswith("Migrations")
        await pilot.press("slash", *"zzzz")
        await pilot.pause()
        assert len(tree.root.children) == 0
        assert "No title contains 'zzzz'" in details_text(app)
        await pilot.press("space", "i", "l")  # typed into the filter; nothing happens
        await pilot.pause()
        assert app.progress.entries == {}
        await pilot.press("escape")
        await pilot.pause()
        assert len(tree.root.children) == len(app.roadmap.modules)
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.id == "django-deep-dive/migrations"  # where it was


async def test_help_lists_every_key(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body").content)
        for key, what in [
            ("space", "Done / not done"),
            ("i", "In progress"),
            ("s", "Skip"),
            ("u", "Back to to do"),
            ("l", "Log hours"),
            ("o", "Open the linked note"),
            ("x", "Export the plan"),
            ("/", "Filter the tree"),
            ("?", "This list of keys"),
            (",", "Weekly hours"),
            ("a", "Show the agenda"),
            ("c", "Show the month calendar"),
            ("q", "Quit"),
        ]:
            assert any(line.split()[:1] == [key] and what in line for line in text.splitlines()), (
                key,
                what,
            )
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_keymap_from_settings_remaps_keys(make_app: AppFactory, progress_path: Path) -> None:
    settings = Settings(timezone="UTC", start_date=SETTINGS.start_date, keymap={"toggle_done": "g"})
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "space")
        await pilot.pause()
        assert not progress_path.exists()
        bar = app.screen.query_one("#footer", KeyBar).render().plain
        assert "g Done" in bar and "space" not in bar
        await pilot.press("g")
        await pilot.pause()
        assert saved(progress_path, app.roadmap).state(app.roadmap, TOPIC) is State.DONE
        await pilot.press("question_mark")
        await pilot.pause()
        text = str(app.screen.query_one("#help-body").content)
        assert any(line.split()[:2] == ["g", "Done"] for line in text.splitlines())
        # space is still "Session done" in Today and the agenda, no longer the tree's Done
        assert not any(line.split()[:2] == ["space", "Done"] for line in text.splitlines())


async def test_every_action_is_in_the_command_palette(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        planner_hits = [hit async for hit in PlannerProvider(app.screen).discover()]
        assert PlannerProvider in app.COMMANDS
        titles = {c.title for c in app.get_system_commands(app.screen)}
        titles |= {str(hit.display) for hit in planner_hits}
        for title in [
            "Mark done / undone",
            "Mark in progress",
            "Mark skipped",
            "Mark to do",
            "Log hours...",
            "Open link",
            "Export calendar (.ics)",
            "Filter the tree",
            "Settings...",
            "Switch roadmap file...",
            "Help: keys",
            "Show agenda",
            "Show calendar",
            "Quit",
        ]:
            assert title in titles, title
        # run one through the palette itself
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"mark in progress")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.progress.state(app.roadmap, MODULE) is State.IN_PROGRESS


async def test_switch_roadmap_file_uses_its_own_progress(
    make_app: AppFactory, tmp_path: Path, progress_path: Path
) -> None:
    _, other = small_roadmap(tmp_path, LINKED)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_switch_roadmap()
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        field = app.screen.query_one("#prompt-input", Input)
        field.value = str(tmp_path / "nothing.yaml")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # refused in the form
        field.value = str(other)
        await pilot.press("enter")
        await pilot.pause()
        assert app.roadmap.id == "linked"
        tree = tree_of(app)
        assert [n.data.id for n in tree.root.children if n.data] == ["m"]
        await pilot.press("space")
        await pilot.pause()
        new_store = app.store.path
        assert new_store != progress_path and new_store.name == "linked.yaml"
        assert saved(new_store, app.roadmap).state(app.roadmap, "m") is State.DONE
        assert not progress_path.exists()


async def test_switch_to_a_broken_roadmap_is_a_notification(
    make_app: AppFactory, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [unclosed\n")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.switch_roadmap(bad) is False
        await pilot.pause()
        assert app.roadmap.id == "backend-roadmap"
        assert any(n.severity == "error" and "bad.yaml" in n.message for n in app._notifications)


async def test_changes_made_outside_show_up(make_app: AppFactory, progress_path: Path) -> None:
    app = make_app(watch=True)
    async with app.run_test(size=(120, 40)) as pilot:
        tree = tree_of(app)
        node = tree.nodes_by_id[TOPIC]
        other = ProgressStore(progress_path, app.roadmap)
        other.update(lambda p: p.set_state(app.roadmap, [TOPIC], State.DONE, NOW))
        for _ in range(30):  # the poll runs once a second
            await pilot.pause(0.1)
            if app.progress.state(app.roadmap, TOPIC) is State.DONE:
                break
        assert app.progress.state(app.roadmap, TOPIC) is State.DONE
        assert tree.nodes_by_id[TOPIC] is node
        assert tree.line_text(TOPIC).startswith("✓")
        assert counts_of(tree, MODULE) == "1/3"


async def test_outside_change_is_kept_when_checking_off(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        other = ProgressStore(progress_path, app.roadmap)
        other.update(lambda p: p.set_state(app.roadmap, ["django-deep-dive"], State.DONE, NOW))
        await pilot.press("down", "space")  # before any poll
        await pilot.pause()
        on_disk = saved(progress_path, app.roadmap)
        assert on_disk.state(app.roadmap, "django-deep-dive") is State.DONE
        assert on_disk.state(app.roadmap, TOPIC) is State.DONE
        assert tree_of(app).line_text("django-deep-dive").startswith("✓")


async def test_unreadable_progress_file_is_never_overwritten(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        garbage = "items: [this is: not, a progress file\n"
        progress_path.write_text(garbage)
        await pilot.press("down", "space")
        await pilot.pause()
        assert progress_path.read_text() == garbage
        assert app.is_running
        assert any(n.severity == "error" for n in app._notifications)
        assert app.progress.state(app.roadmap, TOPIC) is State.TODO
        assert app.reload_if_changed() is False  # told once, app keeps going
        assert tree_of(app).line_text(TOPIC).startswith("○")


async def test_small_terminal_shows_a_message(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(70, 20)) as pilot:
        await pilot.pause()
        message = app.screen.query_one("#too-small", Static)
        assert message.display
        assert "at least 80x24" in str(message.content)
        assert not app.screen.query_one("#roadmap").display
        assert not app.screen.query_one("#tab-bar").display
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not message.display
        assert app.screen.query_one("#roadmap").display
        assert app.screen.query_one("#tab-bar").display
        await pilot.resize_terminal(79, 30)  # too small again: the same message, updated
        await pilot.pause()
        assert message.display and "this one is 79x30" in str(message.content)
        assert len(app.screen.query("#too-small")) == 1


async def test_tabs_switch_with_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert shown_tab(app) == "agenda"
        await pilot.press("c")
        await pilot.pause()
        assert shown_tab(app) == "calendar"
        await pilot.press("space")  # no highlighted item outside the roadmap tab
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert shown_tab(app) == "roadmap"
        assert app.progress.entries == {}


async def test_clicking_a_title_in_the_tab_bar_shows_its_view(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        bar = app.screen.query_one("#tab-bar", TabBar)
        spans = {tab: (start, end) for tab, start, end in bar.spans()}
        assert list(spans) == ["today", "roadmap", "agenda", "calendar"]
        await pilot.click("#tab-bar", offset=(spans["calendar"][0] + 1, 0))
        await pilot.pause()
        assert shown_tab(app) == "calendar"
        assert app.screen.query_one("#calendar-view").is_mounted
        await pilot.click("#tab-bar", offset=(spans["agenda"][1] - 1, 1))  # the underline
        await pilot.pause()
        assert shown_tab(app) == "agenda"
        await pilot.click("#tab-bar", offset=(spans["calendar"][1] + 5, 0))  # past the titles
        await pilot.pause()
        assert shown_tab(app) == "agenda"
        await pilot.click("#tab-bar", offset=(spans["roadmap"][0], 0))
        await pilot.pause()
        assert shown_tab(app) == "roadmap"
        assert app.focused is tree_of(app)


async def test_the_key_bar_shows_the_keys_that_work_here_and_clicks_press_them(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one("#footer", KeyBar)
        # complete in the first frame: the tree has the focus, its keys are there
        line = bar.render().plain
        assert line.startswith("space Done l Log") and "/ Filter" in line and "q Quit" in line
        await pilot.press("a")
        await pilot.pause()
        line = bar.render().plain
        assert "t Today" in line and "Filter" not in line and "space Done" not in line
        assert "space Session done" in line and "l Log hours" in line
        await pilot.press("r")
        await pilot.pause()
        line = bar.render().plain
        help_at = line.index("? Help")
        await pilot.hover("#footer", offset=(help_at + 1, 0))
        await pilot.pause()
        assert bar.tooltip == "This list of keys"
        await pilot.click("#footer", offset=(help_at + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_details_pane_scrolls_and_starts_each_item_at_its_top(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        pane = app.screen.query_one(DetailsPane)
        width = pane.scrollable_content_region.width
        lines = plain_text(pane.content, width).splitlines()
        assert pane.virtual_size.height == len(lines) > pane.scrollable_content_region.height
        assert pane.show_vertical_scrollbar
        first = pane.render_line(0).text
        assert first.strip() == lines[0].strip()
        pane.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y > 0
        last_row = pane.scrollable_content_region.height - 1
        assert pane.render_line(last_row).text.strip() == lines[-1].strip()
        await pilot.press("down")  # the next item starts at its top
        await pilot.pause()
        assert pane.scroll_y == 0
        assert pane.render_line(0).text.strip() == pane.text.splitlines()[0].strip()
        await pilot.resize_terminal(120, 40)  # laid out again for the new width
        await pilot.pause()
        wide = pane.scrollable_content_region.width
        assert wide > width
        assert pane.virtual_size.height == len(plain_text(pane.content, wide).splitlines())


async def test_details_of_a_module_show_both_estimates(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = tree_of(app)
        # module 2: stated 5 weeks (200 h); its topics add up to 35 days (280 h)
        tree.select_id("web-frameworks-apis")
        await pilot.pause()
        text = details_text(app)
        assert "280 h (its topics)" in text
        assert "stated: ~5 weeks (approx. 200 hours)" in text
        assert "Goal" in text and "Tools" in text and "Practical application" in text
        assert "Django, DRF, FastAPI" in text
        tree.select_id("django-deep-dive")
        await pilot.pause()
        text = details_text(app)
        assert "10 days" in text and "Subtopics (0/7 done)" in text
        assert "Sessions (" in text


async def test_details_of_a_topic_list_its_sessions(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree_of(app).select_id(TOPIC)
        await pilot.pause()
        sessions = app.plan.sessions_for(TOPIC)
        assert sessions
        text = details_text(app)
        first = sessions[0]
        assert f"{first.start:%H:%M}-{first.end:%H:%M}" in text


async def test_settings_change_saves_and_replans(make_app: AppFactory, settings_path: Path) -> None:
    from planner.settings import load_settings

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        before = app.plan.finish
        more = Settings(
            timezone="UTC",
            start_date=SETTINGS.start_date,
            weekly_hours={d: 4.0 for d in range(7)},
        )
        assert app.apply_settings(more) is True
        await pilot.pause()
        assert load_settings(settings_path).weekly_hours == more.weekly_hours
        assert app.plan.finish is not None and before is not None and app.plan.finish < before
        assert app.settings is more
        header = app.screen.query_one(ProgressHeader).text
        assert f"finish {app.plan.finish:%a} {app.plan.finish.day}" in header

        # 8 hours from 19:00 runs past midnight: refused, nothing saved, plan kept
        saved_text = settings_path.read_text()
        plan = app.plan
        late = Settings(timezone="UTC", weekly_hours={d: 8.0 for d in range(7)})
        assert app.apply_settings(late) is False
        await pilot.pause()
        assert settings_path.read_text() == saved_text
        assert app.settings is more and app.plan is plan
        assert any(n.severity == "error" for n in app._notifications)


async def test_large_roadmaps_plan_in_the_background(
    make_app: AppFactory, progress_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PlannerApp, "sync_plan_topics", 0)  # the seed counts as large
    made_in: list[str] = []
    made = Plan.made

    def spy(plan: Plan) -> Plan:
        made_in.append(threading.current_thread().name)
        return made(plan)

    monkeypatch.setattr(Plan, "made", spy)
    app = make_app()
    assert app.planning and app.plan.sessions == ()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not app.planning and app.plan.sessions
        # the sessions were made in the planning thread, not on the app's
        assert made_in and threading.main_thread().name not in made_in
        header = app.screen.query_one(ProgressHeader).text
        assert "planning" not in header and "h left" in header
        before = app.plan.hours_remaining
        tree = tree_of(app)
        await pilot.press("down", "space")
        # the mark changes at once, before the plan
        assert tree.line_text(TOPIC).startswith("✓")
        assert saved(progress_path, app.roadmap).state(app.roadmap, TOPIC) is State.DONE
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.plan.hours_remaining == pytest.approx(before - 16)
        assert "███" in tree.right_text(MODULE)  # the module's bar follows the new figures


async def test_plan_views_follow_check_offs(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one("#agenda-view")
        shown: list[object] = []
        original = agenda.show  # type: ignore[attr-defined]

        def spy(roadmap: object, plan: object, settings: object, today: object) -> None:
            shown.append(plan)
            original(roadmap, plan, settings, today)

        agenda.show = spy  # type: ignore[attr-defined]
        await pilot.press("r", "down", "space")
        await pilot.pause()
        assert shown and shown[-1] is app.plan


async def test_palette_shows_a_tab(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"show calendar")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert shown_tab(app) == "calendar"
        view = app.screen.query_one("#calendar-view")
        assert view.is_mounted and app.focused is view


async def test_enter_on_an_agenda_session_shows_its_topic(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"docker", "enter")  # a filter hiding the topics below
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one("#agenda-view")
        assert app.focused is agenda
        await pilot.press("end")
        await pilot.pause()
        session = agenda.cursor_session  # type: ignore[attr-defined]
        assert session is not None and session.topic_id != app.plan.sessions[0].topic_id
        await pilot.press("enter")
        await pilot.pause()
        assert shown_tab(app) == "roadmap"
        tree = tree_of(app)
        assert app.focused is tree and tree.filter_text == ""
        assert tree.cursor_node is not None and tree.cursor_node.data is not None
        assert tree.cursor_node.data.id == session.topic_id
        assert details_text(app).startswith(app.roadmap.get(session.topic_id).title)  # type: ignore[union-attr]


async def test_details_of_a_topic_show_its_note_before_its_subtopics(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree_of(app).select_id("relational-databases-sql")
        await pilot.pause()
        lines = [line.strip() for line in details_text(app).splitlines()]
        note = lines.index("Note")
        assert lines[note + 1] == "PostgreSQL"
        assert lines[note + 3 : note + 5] == ["Subtopics (0/7 done)", "○ Advanced SELECT"]
        tree_of(app).select_id(TOPIC)  # a topic without a note has no such block
        await pilot.pause()
        assert "Note" not in details_text(app).splitlines()


async def test_log_dialog_takes_back_in_every_spelling_and_says_what_it_took(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:

        async def log(text: str) -> str:
            await pilot.press("l")
            await pilot.pause()
            assert isinstance(app.screen, LogHoursScreen)
            app.screen.query_one("#prompt-input", Input).value = text
            await pilot.press("enter")
            await pilot.pause()
            assert not isinstance(app.screen, LogHoursScreen), text
            return list(app._notifications)[-1].message

        await pilot.press("down")
        assert (await log("3h")).startswith("Logged 3 h on Advanced Python Features (3 h in all)")
        for spelling in ("-1:00", "-60m", "-1h"):
            said = await log(spelling)
            assert said.startswith("Took back 1 h on Advanced Python Features"), said
        assert saved(progress_path, app.roadmap).logged(TOPIC) == 0.0
        await log("30 min")
        said = await log("-1h30")
        assert (
            said
            == "Took back 0.5 h (all that was logged) on Advanced Python Features (0 h in all)."
        )
        assert saved(progress_path, app.roadmap).logged(TOPIC) == 0.0


RISKY = """\
title: R
modules:
  - id: m
    title: M
    topics:
      - id: t
        title: T
        link: ../outside.md
        subtopics:
          - {id: shadow, title: Shadow, link: /etc/hostname}
          - {id: file, title: File, link: "file:///etc/passwd"}
          - {id: opt, title: Opt, link: "--help://x"}
"""


async def test_links_outside_the_folder_need_a_confirmation(
    make_app: AppFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from planner.tui.screens.confirm import ConfirmScreen

    folder = tmp_path / "road"
    folder.mkdir()
    roadmap, path = small_roadmap(folder, RISKY)
    (tmp_path / "outside.md").write_text("# outside\n")
    (folder / "--help:").mkdir()
    (folder / "--help:" / "x").write_text("a file with an odd name\n")
    opened: list[str] = []
    monkeypatch.setattr(app_module, "open_with_system", opened.append)
    app = make_app(roadmap, roadmap_path=path)
    async with app.run_test(size=(120, 40)) as pilot:
        outside = str((tmp_path / "outside.md").resolve())
        await pilot.press("down", "o")  # ../outside.md: asks, showing the full target
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        question = str(app.screen.query_one("#confirm-question", Static).content)
        assert outside in question and "leads out of the roadmap's folder" in question
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen) and opened == []
        assert any(f"Not opened: {outside}" in n.message for n in app._notifications)
        await pilot.press("o", "escape")  # Esc is no, too
        await pilot.pause()
        assert opened == []
        await pilot.press("o", "y")  # yes: opened by its absolute path
        await pilot.pause()
        assert opened == [outside]

        await pilot.press("right", "down", "o")  # an absolute path asks too
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "/etc/hostname" in str(app.screen.query_one("#confirm-question", Static).content)
        await pilot.press("n", "down", "o")  # file:// asks
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "file:///etc/passwd" in str(
            app.screen.query_one("#confirm-question", Static).content
        )
        await pilot.press("n", "down", "o")  # --help://x is a file inside: opened at once,
        await pilot.pause()  # by its absolute path, never as an option
        assert not isinstance(app.screen, ConfirmScreen)
        assert opened[-1] == str((folder / "--help:" / "x").resolve())
        assert len(opened) == 2 and not any(o.startswith("-") for o in opened)


def test_the_opener_is_never_given_an_option() -> None:
    with pytest.raises(OSError, match="looks like an option"):
        app_module.open_with_system("--help://x")
