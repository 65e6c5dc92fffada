"""The app's side of the history: ctrl+z / ctrl+y, one history with the command line,
the second space giving back what the first changed, "Since" in the settings' zone."""

from __future__ import annotations

import contextlib
import io
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from planner.cli import main
from planner.progress import ProgressStore, State
from planner.tui.app import PlannerApp
from planner.tui.widgets.details import DetailsPane
from planner.tui.widgets.roadmap_tree import RoadmapTree

from .conftest import NOW, SEED_YAML, AppFactory, saved

MODULE = "foundations-revisited"
DJANGO = "django-deep-dive"


def cli(progress_path: Path, *argv: str) -> tuple[int, str]:
    """Run a command as a user would (its output: the app under test holds stdout)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--roadmap", str(SEED_YAML), "--progress", str(progress_path), *argv])
    return code, out.getvalue()


def messages(app: PlannerApp) -> list[str]:
    return [n.message for n in app._notifications]


def tree_of(app: PlannerApp) -> RoadmapTree:
    return app.screen.query_one("#tree", RoadmapTree)


async def test_app_change_is_undone_by_the_cli_and_cli_change_by_ctrl_z(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("space")  # the first module, with everything under it
        await pilot.pause()
        roadmap = app.roadmap
        on_disk = saved(progress_path, roadmap)
        assert on_disk.state(roadmap, MODULE) is State.DONE
        change = on_disk.history.changes()[-1]
        assert change.source == "app" and change.at == NOW
        # the command line sees the app's change and takes it back as a whole
        code, out = cli(progress_path, "undo")
        assert code == 0
        assert out.startswith(
            "undid: done Foundations Revisited (Leveraging Your Background) and 3 "
        )
        assert saved(progress_path, roadmap).entries == {}
        app.action_reload()
        await pilot.pause()
        assert tree_of(app).line_text(MODULE).startswith("○")
        # a change at the command line, undone with ctrl+z, made again with ctrl+y
        assert cli(progress_path, "done", DJANGO)[0] == 0
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert "undid: done Django Deep Dive and 7 subtopics" in messages(app)
        assert saved(progress_path, roadmap).state(roadmap, DJANGO) is State.TODO
        assert app.progress.state(roadmap, DJANGO) is State.TODO
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert "redid: done Django Deep Dive and 7 subtopics" in messages(app)
        assert saved(progress_path, roadmap).state(roadmap, DJANGO) is State.DONE
        assert tree_of(app).line_text(DJANGO).startswith("✓")
        await pilot.press("ctrl+z", "ctrl+shift+z")
        await pilot.pause()
        assert saved(progress_path, roadmap).state(roadmap, DJANGO) is State.DONE
        kinds = [c.kind for c in saved(progress_path, roadmap).history.changes()]
        assert kinds == ["state", "undo", "state", "undo", "redo", "undo", "redo"]


async def test_ctrl_z_with_nothing_to_undo_says_so(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert any(m.startswith("nothing to undo") for m in messages(app))
        await pilot.press("ctrl+y")
        await pilot.pause()
        assert any(m.startswith("nothing to redo") for m in messages(app))
        assert not progress_path.exists()


async def test_second_space_gives_back_what_the_first_changed(
    make_app: AppFactory, progress_path: Path
) -> None:
    """The issue's steps: done two topics, start one, log hours, then Home, space, space."""
    assert cli(progress_path, "done", "advanced-python-features", "linux-command")[0] == 0
    assert cli(progress_path, "start", "git-mastery")[0] == 0
    assert cli(progress_path, "log", "git-mastery", "1.5")[0] == 0
    app = make_app()
    before = saved(progress_path, app.roadmap)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("home", "space")
        await pilot.pause()
        roadmap = app.roadmap
        assert saved(progress_path, roadmap).state(roadmap, MODULE) is State.DONE
        await pilot.press("space")
        await pilot.pause()
        after = saved(progress_path, roadmap)
        module = roadmap.module(MODULE)
        under = [t.id for t in module.topics] + [s.id for t in module.topics for s in t.subtopics]
        for item_id in under:
            assert after.entries.get(item_id) == before.entries.get(item_id), item_id
        assert after.state(roadmap, "git-mastery-collaboration-flow") is State.IN_PROGRESS
        assert after.logged("git-mastery-collaboration-flow") == 1.5
        assert after.state(roadmap, MODULE) is State.IN_PROGRESS
        assert tree_of(app).line_text("advanced-python-features").startswith("✓")
        assert after.history.changes()[-1].kind == "reopen"


async def test_since_is_shown_in_the_settings_zone_whoever_stamped_it(
    make_app: AppFactory, progress_path: Path
) -> None:
    """A change stamped in UTC (a command on a machine in UTC) and one stamped by the app
    in the settings' zone 7 s later show the same clock time."""
    berlin = ZoneInfo("Europe/Berlin")
    stamped = datetime(2026, 3, 2, 15, 26, tzinfo=timezone.utc)
    app_time = datetime(2026, 3, 2, 16, 26, 7, tzinfo=berlin)
    app = make_app(tz=berlin, now=lambda: app_time)
    store = ProgressStore(progress_path, app.roadmap)
    store.update(
        lambda p: p.set_state(app.roadmap, ["advanced-python-features"], State.DONE, stamped),
        "cli:done",
        stamped,
    )
    app = make_app(tz=berlin, now=lambda: app_time)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down")
        await pilot.pause()
        text = app.screen.query_one(DetailsPane).text
        assert re.search(r"^Since +2 Mar 16:26$", text, re.M), text
        await pilot.press("down", "down", "down", "down", "down", "down", "down", "space")
        await pilot.pause()
        text = app.screen.query_one(DetailsPane).text
        assert re.search(r"^Since +2 Mar 16:26$", text, re.M), text
        assert app_time - stamped == timedelta(seconds=7)


async def test_a_check_off_shown_at_once_and_not_saved_is_taken_off_again(
    make_app: AppFactory, progress_path: Path
) -> None:
    """The frame comes before the save; when the save then fails, the tree shows the
    file again and says so."""
    assert cli(progress_path, "start", DJANGO)[0] == 0
    app = make_app()
    before = progress_path.read_text()
    async with app.run_test(size=(120, 40)) as pilot:
        lock = app.store.lock_path
        lock.unlink(missing_ok=True)
        lock.mkdir()  # the store cannot take its lock: the save fails
        await pilot.press("down", "space")
        await pilot.pause()
        notes = [n for n in app._notifications if n.severity == "error"]
        assert notes and notes[-1].title == "Not saved" and "cannot lock" in notes[-1].message
        assert progress_path.read_text() == before
        assert app.progress.state(app.roadmap, "advanced-python-features") is State.TODO
        assert tree_of(app).line_text("advanced-python-features").startswith("○")
        lock.rmdir()
        await pilot.press("space")
        await pilot.pause()
        assert saved(progress_path, app.roadmap).state(app.roadmap, "advanced-python-features") is (
            State.DONE
        )
        assert tree_of(app).line_text("advanced-python-features").startswith("✓")
