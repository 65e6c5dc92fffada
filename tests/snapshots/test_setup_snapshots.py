"""Snapshots of the first start's setup and of the settings form's finish preview.

Today, the clock and the zone are injected; the setup is opened as the command line
opens it when there is no settings file (``first_start``). Approve changes with
``--snapshot-update`` only after looking at the images.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from planner.progress import ProgressStore
from planner.roadmap_file import load_roadmap
from planner.settings import Settings
from planner.tui.app import PlannerApp

SEED_YAML = Path(__file__).resolve().parents[2] / "roadmap.yaml"
TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 8, 30, tzinfo=timezone.utc)
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def _app(tmp_path: Path, *, first_start: bool) -> PlannerApp:
    roadmap = load_roadmap(SEED_YAML)
    return PlannerApp(
        roadmap,
        roadmap_path=SEED_YAML,
        store=ProgressStore(tmp_path / "progress.yaml", roadmap),
        settings=Settings(timezone="UTC"),
        settings_path=tmp_path / "settings.yaml",
        today=TODAY,
        now=lambda: NOW,
        tz=timezone.utc,
        watch=False,
        export_dir=tmp_path,
        first_start=first_start,
    )


@SIZES
def test_setup(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(tmp_path, first_start=True), terminal_size=size)


@SIZES
def test_setup_as_the_learner_types(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    # Monday 3 h, Tuesday 2.5 h: the finish moves before anything is saved
    press = ["3", "tab", "tab", "2", ".", "5"]
    assert snap_compare(_app(tmp_path, first_start=True), press=press, terminal_size=size)


@SIZES
def test_settings_preview_before_saving(
    snap_compare, tmp_path: Path, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    # Monday 4 h in the form: the finish it gives shows before anything is saved
    press = ["comma", "4"]
    assert snap_compare(_app(tmp_path, first_start=False), press=press, terminal_size=size)
