"""Shared fixtures. Every test runs with its data and config folders in a temp dir."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap

REPO = Path(__file__).resolve().parent.parent
SEED_YAML = REPO / "roadmap.yaml"


@pytest.fixture(autouse=True)
def _isolated_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PLANNER_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("PLANNER_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("PLANNER_CACHE_DIR", str(base / "cache"))
    for var in ("PLANNER_ROADMAP", "PLANNER_PROGRESS", "PLANNER_SETTINGS"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def seed() -> Roadmap:
    return load_roadmap(SEED_YAML)
