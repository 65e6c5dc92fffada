"""Snapshots of the main screen (Today), the roadmap tab, a session marked done, the
detail pane, the filter and the help screen.

Today, the clock, the zone, the settings and a progress file in tmp_path are injected,
so the images are stable. Approve changes with ``--snapshot-update`` only after looking
at the images.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from pathlib import Path

import pytest

from planner.progress import ProgressStore, State
from planner.roadmap_file import load_roadmap
from planner.settings import Settings
from planner.tui.app import PlannerApp

REPO = Path(__file__).resolve().parents[2]
SEED_YAML = REPO / "roadmap.yaml"
TODAY = date(2026, 3, 2)  # a Monday
NOW = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)
SETTINGS = Settings(
    weekly_hours={0: 1.5, 1: 1.5, 2: 1.5, 3: 1.5, 4: 1.0, 5: 4.0, 6: 0.0},
    start_times={d: time(19, 0) if d < 5 else time(9, 30) for d in range(7)},
    timezone="UTC",
    start_date=TODAY,
)
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@pytest.fixture
def app(tmp_path: Path) -> PlannerApp:
    roadmap = load_roadmap(SEED_YAML)
    store = ProgressStore(tmp_path / "progress.yaml", roadmap)

    def change(progress):  # type: ignore[no-untyped-def]
        progress.set_state(roadmap, ["advanced-python-features"], State.DONE, NOW)
        progress.set_state(
            roadmap, ["git-mastery-collaboration-flow/pull-requests"], State.DONE, NOW
        )
        progress.set_state(
            roadmap, ["git-mastery-collaboration-flow/code-reviews"], State.IN_PROGRESS, NOW
        )
        progress.set_state(roadmap, ["networking-fundamentals-for-web-devs"], State.SKIPPED, NOW)
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


@SIZES
def test_main_screen(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    # the app opens on Today
    assert snap_compare(app, terminal_size=size)


@SIZES
def test_roadmap_tab(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, press=["r"], terminal_size=size)


@SIZES
def test_today_session_done(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    # space: today's first session marked done (its hours logged), the next one highlighted
    assert snap_compare(app, press=["space"], terminal_size=size)


@SIZES
def test_details_of_a_topic(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    # the topic in progress, expanded: subtopics with their marks, logged hours, sessions
    assert snap_compare(app, press=["r", "down", "down", "right"], terminal_size=size)


@SIZES
def test_details_of_a_module(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    # module 2: its stated estimate (200 h) disagrees with its topics (280 h)
    press = ["r", *["down"] * 4]
    assert snap_compare(app, press=press, terminal_size=size)


@SIZES
def test_filter(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, press=["r", "slash", *"docker"], terminal_size=size)


@SIZES
def test_help(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, press=["question_mark"], terminal_size=size)


def test_too_small(snap_compare, app: PlannerApp) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(app, terminal_size=(70, 20))


@SIZES
def test_timer_running(snap_compare, app: PlannerApp, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    # the study timer started 25 minutes ago on the topic in progress: shown in the header
    from datetime import timedelta

    topic = "git-mastery-collaboration-flow"
    since = NOW - timedelta(minutes=25)
    app.store.update(lambda p: p.clock_in(app.roadmap, topic, since), "test", since)

    async def reload(pilot) -> None:  # type: ignore[no-untyped-def]
        assert app.reload_if_changed()
        await pilot.pause()

    assert snap_compare(app, run_before=reload, terminal_size=size)
