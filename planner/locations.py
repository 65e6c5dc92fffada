"""Every path the planner reads or writes, and its override. Nothing is created here.

Order of precedence for each path: the command-line option, then the environment
variable, then the platform's default folder (platformdirs). ``PLANNER_DATA_DIR`` and
``PLANNER_CONFIG_DIR`` move the default folders as a whole (tests use them so they
never touch the real home folder).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "planner"

ENV_ROADMAP = "PLANNER_ROADMAP"
ENV_PROGRESS = "PLANNER_PROGRESS"
ENV_SETTINGS = "PLANNER_SETTINGS"
ENV_DATA_DIR = "PLANNER_DATA_DIR"
ENV_CONFIG_DIR = "PLANNER_CONFIG_DIR"


def bundled_roadmap() -> Path:
    """The roadmap shipped inside the package (the repo's ``roadmap.yaml``)."""
    return Path(__file__).resolve().parent / "data" / "roadmap.yaml"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """Where progress, baselines and export records live (not created here)."""
    return _env_path(ENV_DATA_DIR) or Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    """Where the settings file lives (not created here)."""
    return _env_path(ENV_CONFIG_DIR) or Path(
        platformdirs.user_config_dir(APP_NAME, appauthor=False)
    )


def roadmap_path(option: str | Path | None = None) -> Path:
    if option:
        return Path(option).expanduser()
    return _env_path(ENV_ROADMAP) or bundled_roadmap()


def progress_path(roadmap_id: str, option: str | Path | None = None) -> Path:
    """The progress file for one roadmap: two roadmaps never share one."""
    if option:
        return Path(option).expanduser()
    return _env_path(ENV_PROGRESS) or data_dir() / "progress" / f"{roadmap_id}.yaml"


def settings_path(option: str | Path | None = None) -> Path:
    if option:
        return Path(option).expanduser()
    return _env_path(ENV_SETTINGS) or config_dir() / "settings.yaml"


def baseline_path(roadmap_id: str) -> Path:
    """The first plan made for a roadmap, kept to measure slippage against."""
    return data_dir() / "baselines" / f"{roadmap_id}.json"


def export_record_path(roadmap_id: str) -> Path:
    """What was last exported to .ics, to raise SEQUENCE when a session moves."""
    return data_dir() / "exports" / f"{roadmap_id}.json"


ENV_CACHE_DIR = "PLANNER_CACHE_DIR"


def cache_dir() -> Path:
    """Where fetched busy calendars and their read intervals are kept (not created here)."""
    return _env_path(ENV_CACHE_DIR) or Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
