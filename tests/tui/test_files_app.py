"""The app's saves follow planner.atomic's rules: refusals are notified, files kept."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from planner.progress import ProgressStore, State
from planner.settings import Settings

from .conftest import NOW, SETTINGS, AppFactory, saved

TOPIC = "advanced-python-features"


async def test_space_on_a_read_only_progress_file_is_refused_and_told(
    make_app: AppFactory, progress_path: Path
) -> None:
    app = make_app()
    ProgressStore(progress_path, app.roadmap).update(
        lambda p: p.set_state(
            app.roadmap, ["git-mastery-collaboration-flow"], State.IN_PROGRESS, NOW
        )
    )
    before = progress_path.read_text()
    progress_path.chmod(0o444)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "space")
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert errors == [
            f"progress file {progress_path} is read-only (its owner may not write it); allow "
            f"writing with chmod u+w {progress_path}, or pass --progress with a file name"
        ]
        assert app.progress.state(app.roadmap, TOPIC) is State.TODO
    assert progress_path.read_text() == before
    assert stat.S_IMODE(progress_path.stat().st_mode) == 0o444
    assert saved(progress_path, app.roadmap).state(app.roadmap, TOPIC) is State.TODO


async def test_settings_onto_a_hard_linked_file_are_refused_and_told(
    make_app: AppFactory, settings_path: Path, tmp_path: Path
) -> None:
    settings_path.write_text("hours: {mon: 2}\n")
    os.link(settings_path, tmp_path / "other.yaml")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.apply_settings(Settings(timezone="UTC", start_date=SETTINGS.start_date)) is False
        await pilot.pause()
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and f"settings file {settings_path} has 2 hard links" in errors[0]
    assert settings_path.read_text() == "hours: {mon: 2}\n"
    assert settings_path.stat().st_nlink == 2
