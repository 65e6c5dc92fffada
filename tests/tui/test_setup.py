"""The first start's setup: asked when there is no settings file, shows what the week gives
as the learner types, saves atomically or is skipped (defaults, said so), and opens again
from the palette."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from planner.settings import Settings, load_settings
from planner.tui.screens.setup import SetupScreen
from tests.tui.conftest import AppFactory

DEFAULTS = Settings(timezone="UTC")


def effect(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#effect", Static).render())


async def test_no_setup_unless_it_is_the_first_start(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, SetupScreen)


async def test_the_first_start_asks_for_the_week_and_shows_its_effect_live(
    make_app: AppFactory, settings_path: Path
) -> None:
    app = make_app(settings=DEFAULTS, first_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        assert effect(app) == (
            "at 11.5 h a week you finish on Mon 27 Sep 2027; "
            "the roadmap's ~17 weeks assume 40 h a week"
        )
        assert app.focused is not None and app.focused.id == "setup-hours-0"
        await pilot.press("3")  # Monday: 3 h (the value is selected on focus)
        await pilot.pause()
        assert effect(app).startswith("at 13 h a week you finish on ")
        await pilot.press("tab", "2", "5", ":", "0", "0")
        await pilot.pause()
        assert effect(app) == (
            "Mon start time: 25:00 is not a time of day (00:00 to 23:59); write 19:00 or 7pm"
        )
        assert app.screen.query_one("#setup-start-0", Input).has_class("-invalid")
        await pilot.press("ctrl+s")  # refused: nothing written
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen) and not settings_path.exists()
        assert app.focused is not None and app.focused.id == "setup-start-0"
        await pilot.press("1", "8", ":", "3", "0", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, SetupScreen)
    saved = load_settings(settings_path)
    assert saved.hours_on(0) == 3.0 and f"{saved.start_on(0):%H:%M}" == "18:30"
    assert saved.timezone == "UTC"
    assert app.settings == saved


async def test_skipping_keeps_the_defaults_says_so_and_writes_them(
    make_app: AppFactory, settings_path: Path
) -> None:
    app = make_app(settings=DEFAULTS, first_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SetupScreen)
        messages = [n.message for n in app._notifications]
        assert any(
            m.startswith("Skipped: the defaults (11.5 h a week), saved to ")
            and '"Set up your week"' in m
            for m in messages
        )
    assert load_settings(settings_path) == DEFAULTS


async def test_the_palette_opens_the_setup_again(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Set up your week" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"set up your week")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SetupScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SetupScreen)


async def test_the_baseline_is_the_plan_of_the_learners_week(
    make_app: AppFactory, settings_path: Path
) -> None:
    """Pace is measured against the week the learner gave, not the defaults before it."""
    app = make_app(settings=DEFAULTS, first_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.baseline is None  # not kept from the defaults
        await pilot.press("8", "ctrl+s")  # Monday: 8 h from 19:00 runs past midnight
        await pilot.pause()
        await pilot.press("1", "2", ":", "0", "0", "ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert not isinstance(app.screen, SetupScreen)
        assert app.baseline is not None
        assert app.baseline["finish"] == app.plan.finish.isoformat()  # type: ignore[union-attr]
        assert app.pace()[0] == "on track"
