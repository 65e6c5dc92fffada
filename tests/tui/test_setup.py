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
        from planner.tui.commands import PALETTE

        assert any(c.title == "Set up your week" and c.action == "setup_week" for c in PALETTE)
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


# -- the settings form: the finish before saving, Esc asks, file-only settings ----------


def preview(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#preview", Static).render())


async def test_the_form_shows_the_new_finish_before_saving(
    make_app: AppFactory, settings_path: Path
) -> None:
    from planner.tui.screens.settings import SettingsScreen

    app = make_app(settings=DEFAULTS)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("comma")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert preview(app) == (
            "now: at 11.5 h a week you finish on Mon 27 Sep 2027; "
            "the roadmap's ~17 weeks assume 40 h a week"
        )
        await pilot.press("3")  # Monday 3 h
        await pilot.pause()
        assert preview(app).startswith("if saved: at 13 h a week you finish on ")
        assert not settings_path.exists()  # nothing saved yet
        await pilot.press("tab", *"lots")
        await pilot.pause()
        assert preview(app) == "fix Mon to see the finish these settings give"


async def test_esc_with_unsaved_edits_asks_and_no_keeps_them(make_app: AppFactory) -> None:
    from planner.tui.screens.confirm import ConfirmScreen
    from planner.tui.screens.settings import SettingsScreen

    app = make_app(settings=DEFAULTS)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("comma")
        await pilot.pause()
        await pilot.press("escape")  # nothing edited: closes at once
        await pilot.pause()
        assert not isinstance(app.screen, (SettingsScreen, ConfirmScreen))
        await pilot.press("comma")
        await pilot.pause()
        await pilot.press("3", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert app.screen.query_one("#hours-0", Input).value == "3"
        await pilot.press("escape", "y")
        await pilot.pause()
        assert not isinstance(app.screen, (SettingsScreen, ConfirmScreen))
        assert app.settings == DEFAULTS


async def test_the_form_names_the_settings_it_does_not_show(
    make_app: AppFactory, settings_path: Path
) -> None:
    import dataclasses

    from planner.settings import _KEYS
    from planner.tui.screens.settings import FILE_ONLY

    shown = {"hours", "start_times", "timezone", "days_off", "start_date"}
    shown |= {"hours_per_day", "min_session"}
    assert set(_KEYS) == shown | set(FILE_ONLY)  # every key: in the form or named
    assert len(dataclasses.fields(Settings)) == len(_KEYS)
    app = make_app(settings=DEFAULTS)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("comma")
        await pilot.pause()
        text = str(app.screen.query_one("#file-only", Static).render())
        assert text == (
            "In the settings file only (edit it by hand): end_times, unestimated_hours, "
            "max_topic_hours_per_day, break_minutes, basis, keys, sync, busy, busy_all_day, "
            "theme, roadmap, tracks."
        )


# -- pace in the app: in dates, with a way back, skipped work left out ------------------


async def test_the_app_says_where_the_learner_stands_against_the_kept_plan(
    make_app: AppFactory,
) -> None:
    import dataclasses
    from datetime import timedelta

    from planner import locations
    from planner.progress import Progress
    from planner.schedule import ensure_baseline, schedule
    from tests.tui.conftest import SETTINGS, TODAY

    app = make_app()
    made = TODAY - timedelta(days=14)  # kept two weeks ago; nothing done since
    earlier = dataclasses.replace(SETTINGS, start_date=None)  # study from the day it was kept
    kept = schedule(app.roadmap, Progress(), earlier, made, app.tz)
    path = locations.baseline_path(app.roadmap.id)
    path.unlink(missing_ok=True)
    ensure_baseline(path, kept, made)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pace, _ = app.pace()
        assert pace.startswith("behind by ")
        lines = app.standing_lines()
        assert lines[0].startswith("finish ") and "later than planned on 16 Feb" in lines[0]
        assert lines[1].endswith("gets you back on the plan")
        assert lines[2] == (
            "against the plan kept on Mon 16 Feb 2026; skipped work is left out of both sides"
        )
        from planner.tui.commands import PALETTE

        assert any(c.title == "Where do I stand" and c.action == "standing" for c in PALETTE)
        app.action_standing()
        await pilot.pause()
        assert any("gets you back on the plan" in n.message for n in app._notifications)
        # skipping the first topic is a change of scope: no nearer to "ahead"
        behind = float(pace.split()[2])
        tree = app.query_one("#tree")
        tree.focus()
        await pilot.press("down", "s")  # the first topic, skipped
        await pilot.pause()
        await pilot.pause()
        after, _ = app.pace()
        assert after.startswith("behind by ")
        assert float(after.split()[2]) <= behind
        assert "work skipped since" in app.standing_lines()[-1]
