"""The second wall in the app: titles, notes and labels with escape sequences (as if
one got past the loader) are drawn as harmless visible characters in the tree, the
details pane, the header, the agenda, the calendar, dialogs and notifications, and a
title is never read as markup."""

from __future__ import annotations

from dataclasses import replace

from tainted import leaks, tainted

from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap
from planner.settings import DayOff
from planner.tui.app import PlannerApp
from planner.tui.screens.log_hours import LogHoursScreen

from .conftest import SEED_YAML, SETTINGS, TODAY, AppFactory

PICTURE = "␛]52;c;aGVsbG8=␇"
"""How the payload's OSC 52 is drawn."""


def screen_text(app: PlannerApp) -> str:
    """Every character the screen draws now (all layers: toasts and dialogs too)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def bad_seed() -> Roadmap:
    return tainted(load_roadmap(SEED_YAML))


async def test_every_view_draws_the_payload_harmlessly(make_app: AppFactory) -> None:
    settings = replace(SETTINGS, days_off=(DayOff(TODAY, TODAY, "Off\x1b]0;pwned\x07\x1b[2J"),))
    app = make_app(bad_seed(), settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        seen: list[str] = []

        def look(where: str) -> None:
            text = screen_text(app)
            assert leaks(text) == [], where
            seen.append(text)

        look("tree, header and a module's details (title, goal, tools)")
        assert PICTURE in seen[-1]
        await pilot.press("down")  # a topic: its subtopics and qualifier in the details
        await pilot.pause()
        look("a topic's details")
        await pilot.press("space", "space", "space")  # done, todo, done: notifications
        await pilot.pause()
        await pilot.press("space")
        await pilot.pause()
        look("after check-offs")
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogHoursScreen)
        look("the log dialog naming the topic")
        assert PICTURE in seen[-1]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        look("the agenda")
        assert PICTURE in seen[-1] and "Off␛]0;pwned␇␛[2J" in seen[-1]
        await pilot.press("c")
        await pilot.pause()
        look("the calendar")
        assert "␛]" in seen[-1]
        # a notification quoting a title: it is shown literally
        app.notify(f"'{app.roadmap.modules[0].title}' is already done.")
        await pilot.pause()
        look("a notification")
        assert any(PICTURE in n.message for n in app._notifications)


async def test_a_title_is_never_read_as_markup(make_app: AppFactory) -> None:
    seed = load_roadmap(SEED_YAML)
    markup = "[/] [bold red]Loud[/bold red] [@click=app.quit]quit[/]"
    first = seed.modules[0]
    odd = Roadmap(
        seed.id,
        f"Road {markup}",
        (replace(first, title=f"M {markup}"), *seed.modules[1:]),
        stated=seed.stated,
    )
    app = make_app(odd)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert f"M {markup}"[:40] in text  # drawn as written, brackets and all
        assert f"Road {markup}"[:40] in text
        await pilot.press("down", "space")  # a topic of the module: its parent relabels
        await pilot.pause()
        assert f"M {markup}"[:40] in screen_text(app)
        app.notify(f"'{odd.modules[0].title}' is already done.")
        await pilot.pause()
        assert any(markup in n.message for n in app._notifications)
        assert markup[:30] in screen_text(app)  # the toast shows it literally
