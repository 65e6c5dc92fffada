"""Fixtures for the app's Pilot tests: an app with today, clock, zone and files injected."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from planner.progress import Progress, ProgressStore
from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap
from planner.settings import Settings
from planner.tui.app import PlannerApp

REPO = Path(__file__).resolve().parents[2]
SEED_YAML = REPO / "roadmap.yaml"
TODAY = date(2026, 3, 2)  # a Monday
NOW = datetime(2026, 3, 2, 8, 30, tzinfo=timezone.utc)
SETTINGS = Settings(timezone="UTC", start_date=TODAY)

AppFactory = Callable[..., PlannerApp]


@pytest.fixture
def progress_path(tmp_path: Path) -> Path:
    return tmp_path / "progress.yaml"


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "settings.yaml"


@pytest.fixture
def make_app(tmp_path: Path, progress_path: Path, settings_path: Path) -> AppFactory:
    """Build a PlannerApp on the seed (or another roadmap) with everything injected."""

    def factory(
        roadmap: Roadmap | None = None,
        *,
        roadmap_path: Path = SEED_YAML,
        settings: Settings = SETTINGS,
        progress: Path | None = None,
        **kw: Any,
    ) -> PlannerApp:
        rm = roadmap if roadmap is not None else load_roadmap(roadmap_path)
        store = ProgressStore(progress or progress_path, rm)
        kw.setdefault("now", lambda: NOW)
        kw.setdefault("tz", timezone.utc)
        kw.setdefault("watch", False)
        kw.setdefault("export_dir", tmp_path)
        # the app opens on Today (test_today_app.py); the roadmap's tests start there
        kw.setdefault("first_tab", "roadmap")
        return PlannerApp(
            rm,
            roadmap_path=roadmap_path,
            store=store,
            settings=settings,
            settings_path=settings_path,
            today=TODAY,
            **kw,
        )

    return factory


def saved(path: Path, roadmap: Roadmap) -> Progress:
    """What the progress file on disk says (read by a fresh store)."""
    return ProgressStore(path, roadmap).load()


def small_roadmap(tmp_path: Path, text: str, name: str = "small.yaml") -> tuple[Roadmap, Path]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_roadmap(path), path
