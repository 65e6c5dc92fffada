"""Keys and screen (issue 14, items 9 and 10): remaps checked at start, j/k and Esc in
the tree, expand/collapse all, short toasts, and Textual's own palette commands."""

from __future__ import annotations

from pathlib import Path

from textual.app import SystemCommand
from textual.color import Color
from textual.widgets._toast import Toast, ToastRack

from planner.settings import Settings
from planner.tui.app import INFO_TIMEOUT, PlannerApp
from planner.tui.keys import check_keymap
from planner.tui.screens.help import HelpScreen
from planner.tui.widgets.roadmap_tree import RoadmapTree

from .conftest import SETTINGS, AppFactory


def tree_of(app: PlannerApp) -> RoadmapTree:
    return app.screen.query_one("#tree", RoadmapTree)


def messages(app: PlannerApp) -> list[str]:
    return [n.message for n in app._notifications]


def commands(app: PlannerApp) -> dict[str, SystemCommand]:
    return {c.title: c for c in app.get_system_commands(app.screen)}


# -- remaps ----------------------------------------------------------------------------


async def test_a_remap_onto_another_bindings_key_is_refused_naming_both(
    make_app: AppFactory,
) -> None:
    settings = Settings(timezone="UTC", start_date=SETTINGS.start_date, keymap={"export": "space"})
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        said = messages(app)
        assert said == [
            "keys: export (Export) -> 'space' is refused: toggle_done (Done) has that key; "
            "pick another"
        ]
        assert next(iter(app._notifications)).severity == "error"
        await pilot.press("space")  # still done, not export
        await pilot.pause()
        assert app.progress.entries


async def test_an_unknown_binding_id_is_reported_with_the_closest(make_app: AppFactory) -> None:
    settings = Settings(timezone="UTC", start_date=SETTINGS.start_date, keymap={"exprot": "e"})
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert messages(app) == [
            "keys: 'exprot' is not a binding of the app; did you mean 'export'?"
        ]


async def test_a_valid_remap_applies_and_a_swap_is_fine(make_app: AppFactory) -> None:
    keymap = {"toggle_done": "v", "log_hours": "space"}  # space freed by the first
    settings = Settings(timezone="UTC", start_date=SETTINGS.start_date, keymap=keymap)
    app = make_app(settings=settings)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert messages(app) == []
        await pilot.press("v")
        await pilot.pause()
        assert app.progress.entries  # v marks done now


def test_check_keymap_scopes() -> None:
    from textual.binding import Binding

    groups = [
        ("agenda", [Binding("t", "today", "Today", id="agenda.today")]),
        ("calendar", [Binding("x", "go", "Go", id="calendar.go")]),
        ("anywhere", [Binding("q", "quit", "Quit", id="quit")]),
    ]
    # another view's key is free; the same key as an app-wide binding is not
    assert check_keymap({"agenda.today": "x"}, groups) == ({"agenda.today": "x"}, [])
    accepted, problems = check_keymap({"calendar.go": "q"}, groups)
    assert accepted == {} and "quit (Quit) has that key" in problems[0]
    # a remap to the key it has anyway is no conflict
    assert check_keymap({"agenda.today": "t"}, groups) == ({"agenda.today": "t"}, [])


# -- the tree --------------------------------------------------------------------------


async def test_j_and_k_move_in_the_tree(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = tree_of(app)
        start = tree.cursor_line
        await pilot.press("j", "j")
        assert tree.cursor_line == start + 2
        await pilot.press("k")
        assert tree.cursor_line == start + 1


async def test_esc_in_the_tree_clears_the_filter(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = tree_of(app)
        await pilot.press("slash", *"django", "enter")  # filtered, back in the tree
        await pilot.pause()
        assert app.focused is tree and tree.filter_text == "django"
        await pilot.press("escape")
        await pilot.pause()
        assert tree.filter_text == ""
        assert len(tree.root.children) == len(app.roadmap.modules)
        await pilot.press("escape")  # nothing to clear: said, not silent
        await pilot.pause()
        assert messages(app)[-1] == "The tree is not filtered (/ filters it)."


async def test_plus_and_minus_expand_and_collapse_all(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = tree_of(app)
        await pilot.press("minus")
        assert not any(n.is_expanded for n in tree.root.children)
        await pilot.press("plus")
        assert all(n.is_expanded for n in tree.root.children)
        topic = next(n for m in tree.root.children for n in m.children if n.allow_expand)
        assert topic.is_expanded


# -- toasts ----------------------------------------------------------------------------


async def test_information_toasts_are_short_and_never_cover_half_the_screen(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        long = " ".join(["A long message that goes on and on."] * 12)
        app.notify(long, timeout=15)
        app.notify(long)
        app.notify(long, severity="warning", timeout=10)
        await pilot.pause(0.3)
        info, other, warning = list(app._notifications)
        assert info.timeout == other.timeout == INFO_TIMEOUT <= 5
        assert warning.timeout == 10  # warnings stay as asked
        rack = app.screen.query_one(ToastRack)
        assert rack.region.height <= 12  # half of 24 rows
        for toast in app.screen.query(Toast):
            assert toast.region.width <= 40 and toast.region.height <= 10


# -- Textual's own palette commands ------------------------------------------------------


async def test_palette_keys_opens_our_help_which_esc_closes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        keys = commands(app)["Keys"]
        keys.callback()
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        assert not app.screen.query("HelpPanel")


async def test_palette_screenshot_saves_in_a_folder_that_exists_and_says_so(
    make_app: AppFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "shots"  # not there yet: made
    app = make_app(export_dir=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        assert str(folder) in commands(app)["Screenshot"].help
        path = app.action_save_screenshot()
        await pilot.pause()
        assert path is not None and path.parent == folder and path.suffix == ".svg"
        assert path.read_text(encoding="utf-8").startswith("<svg")
        said = messages(app)[-1]
        assert said == f"Saved the screenshot to {path}"
        assert "[" not in said


async def test_palette_screenshot_that_cannot_be_written_says_why(
    make_app: AppFactory, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    app = make_app(export_dir=blocker / "shots")  # under a file: cannot be made
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.action_save_screenshot() is None
        await pilot.pause()
        assert messages(app)[-1].startswith(f"Cannot save the screenshot in {blocker / 'shots'}")


# -- remembered in the settings ----------------------------------------------------------


async def test_the_chosen_theme_is_remembered_and_restored(
    make_app: AppFactory, settings_path: Path
) -> None:
    from planner.settings import load_settings

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme != "nord"
        app.theme = "nord"  # what the palette's "Theme" does
        await pilot.pause()
    assert load_settings(settings_path).theme == "nord"
    again = make_app(settings=load_settings(settings_path))
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"
        assert messages(again) == []
    assert load_settings(settings_path).theme == "nord"


async def test_an_unknown_theme_in_the_settings_is_said(make_app: AppFactory) -> None:
    settings = Settings(timezone="UTC", start_date=SETTINGS.start_date, theme="no-such")
    app = make_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert messages(app)[-1].startswith("Settings: theme 'no-such' is not one of")


async def test_the_roadmap_switched_to_is_remembered_for_the_next_start(
    make_app: AppFactory, settings_path: Path, tmp_path: Path
) -> None:
    import contextlib
    import io

    from planner.cli import main
    from planner.settings import load_settings

    from .conftest import SEED_YAML

    other = tmp_path / "other.yaml"
    other.write_text(
        SEED_YAML.read_text(encoding="utf-8").replace(
            "id: backend-roadmap", "id: other-roadmap", 1
        ),
        encoding="utf-8",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.switch_roadmap(other)
        await pilot.pause()
    assert load_settings(settings_path).roadmap == str(other.resolve())
    # the next start with no --roadmap (nor $PLANNER_ROADMAP) opens it: so do commands
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--settings", str(settings_path), "where"]) == 0
    assert str(other.resolve()) in out.getvalue()
    assert f"remembered in {settings_path}" in out.getvalue()
    other.unlink()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["--settings", str(settings_path), "status"]) == 2
    assert err.getvalue().startswith(f"planner: the roadmap file remembered in {settings_path}")
    assert err.getvalue().count("\n") == 1


# -- the screen ------------------------------------------------------------------------


async def test_tabs_show_their_keys_as_bound(make_app: AppFactory) -> None:
    from planner.tui.widgets.tab_bar import TabBar

    settings = Settings(timezone="UTC", start_date=SETTINGS.start_date, keymap={"tab_agenda": "g"})
    app = make_app(settings=settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one("#tab-bar", TabBar)
        assert bar.keys == {"today": "d", "roadmap": "r", "agenda": "g", "calendar": "c"}
        titles = bar.render().renderables[0].plain  # type: ignore[attr-defined]
        assert "Roadmap r" in titles and "Agenda g" in titles and "Calendar c" in titles
        await pilot.click("#tab-bar", offset=(bar.spans()[2][1] + 2, 0))  # spans fit the keys
        await pilot.pause()
        assert app.active_tab == "agenda"


async def test_the_focused_pane_is_marked(make_app: AppFactory) -> None:
    from planner.tui.widgets.details import DetailsPane

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tree = tree_of(app)
        details = app.screen.query_one(DetailsPane)
        accent = app.current_theme.accent
        assert accent is not None

        want = Color.parse(accent)

        def marked(widget: object) -> bool:
            edge, color = widget.styles.border_left  # type: ignore[attr-defined]
            near = all(abs(a - b) <= 2 for a, b in zip(color.rgb, want.rgb, strict=True))
            return bool(edge) and near

        assert app.focused is tree and marked(tree) and not marked(details)
        details.focus()
        await pilot.pause()
        assert marked(details) and not marked(tree)
