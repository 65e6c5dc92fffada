"""Every path the planner reads or writes, and its override. Nothing is created here.

Order of precedence for each path: the command-line option, then the environment
variable, then the platform's default folder (platformdirs). ``PLANNER_DATA_DIR``,
``PLANNER_CONFIG_DIR`` and ``PLANNER_CACHE_DIR`` move the default folders as a whole
(tests use them so they never touch the real home folder). ``locate_*`` also say where
each path comes from (``planner where``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import platformdirs

if TYPE_CHECKING:
    from planner.atomic import FileKind

APP_NAME = "planner"

ENV_ROADMAP = "PLANNER_ROADMAP"
ENV_PROGRESS = "PLANNER_PROGRESS"
ENV_SETTINGS = "PLANNER_SETTINGS"
ENV_DATA_DIR = "PLANNER_DATA_DIR"
ENV_CONFIG_DIR = "PLANNER_CONFIG_DIR"
ENV_CACHE_DIR = "PLANNER_CACHE_DIR"

Source = Literal["option", "environment", "default"]
"""Where a path comes from: a command-line option, an environment variable, or the default."""


def bundled_roadmap() -> Path:
    """The roadmap shipped inside the package: a copy of the repo's ``roadmap.yaml``
    (a regular file, so that a checkout without symlinks works; a test keeps them equal)."""
    return Path(__file__).resolve().parent / "data" / "roadmap.yaml"


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name, "").strip()
    return Path(value).expanduser() if value else None


@dataclass(frozen=True)
class Located:
    """A path and where it comes from, as ``planner where`` shows it."""

    path: Path
    source: Source
    name: str
    """The option (``--settings``) or variable (``PLANNER_SETTINGS``) that named it, or
    what the default is (``the bundled roadmap``, ``the platform's data folder``)."""


def _locate(
    option: str | Path | None, option_name: str, env: str, default: Callable[[], Located]
) -> Located:
    if option:
        return Located(Path(option).expanduser(), "option", option_name)
    from_env = _env_path(env)
    if from_env is not None:
        return Located(from_env, "environment", env)
    return default()


def locate_data_dir() -> Located:
    """Where progress, baselines and export records live (not created here)."""
    return _locate(
        None,
        "",
        ENV_DATA_DIR,
        lambda: Located(
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            "default",
            "the platform's data folder",
        ),
    )


def locate_config_dir() -> Located:
    """Where the settings file lives (not created here)."""
    return _locate(
        None,
        "",
        ENV_CONFIG_DIR,
        lambda: Located(
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            "default",
            "the platform's config folder",
        ),
    )


def _inside(folder: Located, *parts: str) -> Located:
    """A default path inside a folder: it comes from where the folder does."""
    source = folder.source if folder.source == "environment" else "default"
    name = folder.name if source == "environment" else f"in {folder.name}"
    return Located(folder.path.joinpath(*parts), source, name)


def locate_roadmap(option: str | Path | None = None) -> Located:
    return _locate(
        option,
        "--roadmap",
        ENV_ROADMAP,
        lambda: Located(bundled_roadmap(), "default", "the bundled roadmap"),
    )


def locate_progress(roadmap_id: str, option: str | Path | None = None) -> Located:
    """The progress file for one roadmap: two roadmaps never share one."""
    return _locate(
        option,
        "--progress",
        ENV_PROGRESS,
        lambda: _inside(locate_data_dir(), "progress", f"{roadmap_id}.yaml"),
    )


def locate_settings(option: str | Path | None = None) -> Located:
    return _locate(
        option,
        "--settings",
        ENV_SETTINGS,
        lambda: _inside(locate_config_dir(), "settings.yaml"),
    )


def file_kind(located: Located, kind: FileKind) -> FileKind:
    """``kind`` (``atomic.PROGRESS``, ``atomic.SETTINGS``) for the file at ``located``: when
    ``PLANNER_PROGRESS`` or ``PLANNER_SETTINGS`` named it, its messages say to set that
    variable (``set PLANNER_PROGRESS to a file name``), not to pass the option."""
    if located.source == "environment" and located.name in (ENV_PROGRESS, ENV_SETTINGS):
        return replace(kind, fix=f"set {located.name} to a file name")
    return kind


def data_dir() -> Path:
    """Where progress, baselines and export records live (not created here)."""
    return locate_data_dir().path


def config_dir() -> Path:
    """Where the settings file lives (not created here)."""
    return locate_config_dir().path


def roadmap_path(option: str | Path | None = None) -> Path:
    return locate_roadmap(option).path


def progress_path(roadmap_id: str, option: str | Path | None = None) -> Path:
    """The progress file for one roadmap: two roadmaps never share one."""
    return locate_progress(roadmap_id, option).path


def settings_path(option: str | Path | None = None) -> Path:
    return locate_settings(option).path


def baseline_path(roadmap_id: str) -> Path:
    """The first plan made for a roadmap, kept to measure slippage against."""
    return data_dir() / "baselines" / f"{roadmap_id}.json"


def export_record_path(roadmap_id: str) -> Path:
    """What was last exported to .ics, to raise SEQUENCE when a session moves."""
    return data_dir() / "exports" / f"{roadmap_id}.json"


def locate_cache_dir() -> Located:
    """Where copies of fetched data may be kept; nothing is created here, and the
    planner can always do without it."""
    return _locate(
        None,
        "",
        ENV_CACHE_DIR,
        lambda: Located(
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            "default",
            "the platform's cache folder",
        ),
    )


def cache_dir() -> Path:
    """Where copies of fetched data may be kept (not created here)."""
    return locate_cache_dir().path


def sync_state_path(roadmap_id: str) -> Path:
    """What the last ``planner sync`` wrote (calendar, events' etags), to find what changed."""
    return data_dir() / "sync" / f"{roadmap_id}.json"
