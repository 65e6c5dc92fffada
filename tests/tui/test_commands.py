"""The palette's planner commands (``planner.tui.commands``): live keys, each one runs."""

from __future__ import annotations

import pytest
from textual.actions import parse
from textual.command import CommandPalette

from planner.progress import State
from planner.settings import Settings
from planner.tui.app import PlannerApp
from planner.tui.commands import PALETTE, PlannerProvider
from planner.tui.screens.help import HelpScreen

from .conftest import SETTINGS, AppFactory

MODULE = "foundations-revisited"


async def hits_of(app: PlannerApp) -> dict[str, str]:
    """Title -> help of every planner command the palette offers on the current screen."""
    provider = PlannerProvider(app.screen)
    return {str(hit.display): hit.help or "" async for hit in provider.discover()}


async def test_every_row_is_offered_with_its_live_key(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        hits = await hits_of(app)
        assert set(hits) == {c.title for c in PALETTE}
        assert hits["Mark done / undone"] == "Toggle the highlighted item done (space)"
        assert hits["Show agenda"] == "The coming sessions, week by week (a)"
        assert hits["Settings..."] == "Weekly hours, start times, days off (,)"
        assert hits["Help: keys"] == "Every key (?)"
        assert hits["Clear the filter"] == "Show the whole roadmap again"  # no key


async def test_a_remapped_key_shows_in_the_palette(make_app: AppFactory) -> None:
    keymap = {"toggle_done": "v", "tab_agenda": "g"}  # v is free; d is the Today tab
    app = make_app(settings=Settings(timezone="UTC", start_date=SETTINGS.start_date, keymap=keymap))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        hits = await hits_of(app)
        assert hits["Mark done / undone"] == "Toggle the highlighted item done (v)"
        assert hits["Show agenda"] == "The coming sessions, week by week (g)"
        # and the palette itself shows it
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"mark done")
        await pilot.pause(0.3)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        shown = " ".join(str(option.prompt) for option in palette.query_one("CommandList").options)  # type: ignore[attr-defined]
        assert "Toggle the highlighted item done (v)" in shown


async def test_a_modal_palette_has_no_planner_commands(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.action_help()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert await hits_of(app) == {}


@pytest.mark.parametrize("command", PALETTE, ids=lambda c: c.title)
def test_every_row_names_an_app_action(command: object) -> None:
    _, name, _ = parse(command.action)  # type: ignore[attr-defined]
    assert callable(getattr(PlannerApp, f"action_{name}", None)), name


async def run_command(app: PlannerApp, title: str) -> None:
    provider = PlannerProvider(app.screen)
    (hit,) = [hit async for hit in provider.discover() if str(hit.display) == title]
    result = hit.command()
    if result is not None:
        await result


async def test_each_command_runs_its_action(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        tree = app.roadmap_tree
        for title, state in [
            ("Mark in progress", State.IN_PROGRESS),
            ("Mark to do", State.TODO),
            ("Mark skipped", State.SKIPPED),
            ("Mark to do", State.TODO),
            ("Mark done / undone", State.DONE),
        ]:
            await run_command(app, title)
            await pilot.pause(0.1)
            assert app.progress.state(app.roadmap, MODULE) is state, title
        await run_command(app, "Undo")
        await pilot.pause(0.1)
        assert app.progress.state(app.roadmap, MODULE) is State.TODO
        await run_command(app, "Redo")
        await pilot.pause()
        assert app.progress.state(app.roadmap, MODULE) is State.DONE
        await run_command(app, "Expand all")
        await pilot.pause()
        assert all(node.is_expanded for node in tree.root.children)
        await run_command(app, "Collapse all")
        await pilot.pause()
        assert not any(node.is_expanded for node in tree.root.children)
        for title, tab in [("Show agenda", "agenda"), ("Show calendar", "calendar")]:
            await run_command(app, title)
            await pilot.pause()
            assert app.active_tab == tab
        await run_command(app, "Filter the tree")
        await pilot.pause()
        assert app.active_tab == "roadmap" and app.focused is app.screen.query_one("#filter")
        await pilot.press(*"docker")
        await pilot.pause()
        assert tree.filter_text == "docker"
        await run_command(app, "Clear the filter")
        await pilot.pause()
        assert tree.filter_text == "" and app.focused is tree
        await run_command(app, "Help: keys")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
