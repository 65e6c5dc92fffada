"""The header with the calendar synced ("synced 08:30", the injected clock), at 80x24:
the app synced by itself against a real Radicale server started here."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from davserver import PASSWORD, USER, Radicale
from textual.pilot import Pilot

from planner.progress import ProgressStore
from planner.roadmap_file import load_roadmap
from planner.settings import Settings, SyncSettings
from planner.tui.app import PlannerApp

REPO = Path(__file__).resolve().parents[2]
SEED_YAML = REPO / "roadmap.yaml"
TODAY = date(2026, 3, 2)  # a Monday
NOW = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)


@pytest.fixture
def radicale(tmp_path: Path) -> Iterator[Radicale]:
    server = Radicale(tmp_path / "dav")
    yield server
    server.stop()


def test_header_synced(  # type: ignore[no-untyped-def]
    snap_compare, tmp_path: Path, radicale: Radicale, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_SYNC_PASSWORD", PASSWORD)
    roadmap = load_roadmap(SEED_YAML)
    settings = Settings(
        timezone="UTC",
        start_date=TODAY,
        sync=SyncSettings(service="caldav", url=radicale.url, username=USER),
    )
    app = PlannerApp(
        roadmap,
        roadmap_path=SEED_YAML,
        store=ProgressStore(tmp_path / "progress.yaml", roadmap),
        settings=settings,
        settings_path=tmp_path / "settings.yaml",
        today=TODAY,
        now=lambda: NOW,
        tz=timezone.utc,
        watch=False,
        export_dir=tmp_path,
    )

    async def synced(pilot: Pilot[Any]) -> None:
        deadline = time.monotonic() + 60
        while app.autosync.runs == 0 or app.autosync.status.running:
            assert time.monotonic() < deadline, "no sync in 60 s"
            await pilot.pause(0.05)
        assert app.header_facts().sync == "synced 08:30"
        await pilot.pause()

    assert snap_compare(app, run_before=synced, terminal_size=(80, 24))
