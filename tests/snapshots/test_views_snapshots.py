"""Snapshots of the plan views and the settings screen, through the real app.

Everything that could move is injected: today, the clock, the zone, the settings (with
days off) and a progress file in tmp_path (one topic done, one in progress). Approve
changes with ``--snapshot-update`` only after looking at the images.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from pathlib import Path

import pytest

from planner.progress import ProgressStore, State
from planner.roadmap_file import load_roadmap
from planner.settings import DayOff, Settings
from planner.tui.app import PlannerApp

REPO = Path(__file__).resolve().parents[2]
SEED_YAML = REPO / "roadmap.yaml"
TODAY = date(2026, 12, 2)  # a Wednesday: December holds study days, a day off and holidays
NOW = datetime(2026, 12, 2, 8, 30, tzinfo=timezone.utc)
SETTINGS = Settings(
    weekly_hours={0: 1.5, 1: 1.5, 2: 2.0, 3: 1.5, 4: 1.0, 5: 4.0, 6: 0.0},
    start_times={d: time(19, 0) if d < 5 else time(9, 30) for d in range(7)},
    timezone="UTC",
    start_date=TODAY,
    days_off=(
        DayOff(date(2026, 12, 24), date(2027, 1, 1), "Holidays"),
        DayOff(date(2026, 12, 10), date(2026, 12, 10), "Dentist"),
    ),
)


@pytest.fixture
def app(tmp_path: Path) -> PlannerApp:
    roadmap = load_roadmap(SEED_YAML)
    store = ProgressStore(tmp_path / "progress.yaml", roadmap)

    def change(progress):  # type: ignore[no-untyped-def]
        progress.set_state(roadmap, ["advanced-python-features"], State.DONE, NOW)
        progress.set_state(roadmap, ["git-mastery-collaboration-flow"], State.IN_PROGRESS, NOW)
        progress.log_hours("git-mastery-collaboration-flow", 3.0, NOW)

    store.update(change)
    return PlannerApp(
        roadmap,
        roadmap_path=SEED_YAML,
        store=store,
        settings=SETTINGS,
        settings_path=tmp_path / "settings.yaml",
        today=TODAY,
        now=lambda: NOW,
        tz=timezone.utc,
        watch=False,
        export_dir=tmp_path,
    )


SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@SIZES
def test_agenda(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, press=["a", "down", "down"], terminal_size=size)


@SIZES
def test_calendar(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, press=["c"], terminal_size=size)


@SIZES
def test_calendar_next_month(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    # January: the holidays' end, then the next module starts (two colours)
    assert snap_compare(app, press=["c", "right_square_bracket"], terminal_size=size)


@SIZES
def test_settings(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, press=["comma"], terminal_size=size)


@SIZES
def test_settings_refuses_input(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    # Monday from 23:30 runs past midnight; Tuesday's hours are not hours
    press = ["comma", "tab", "2", "3", ":", "3", "0", "tab", "l", "o", "t", "s", "ctrl+s"]
    assert snap_compare(app, press=press, terminal_size=size)


async def test_snapshot_apps_run_with_the_cursor_blink_off(app: PlannerApp) -> None:
    """The settings form's fields (and the filter) draw a steady cursor here (conftest)."""
    from textual.widgets import Input, TextArea

    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("comma")
        await pilot.pause()
        fields = [*app.screen.query(Input), *app.screen.query(TextArea)]
        assert fields and not any(field.cursor_blink for field in fields)
