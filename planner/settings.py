"""Availability and preferences: the settings file.

CONTRACT STUB (filled in by the scheduler issue). Keep these names and fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Literal

from planner.errors import PlannerError


class SettingsError(PlannerError):
    """The settings file or a settings value is invalid; the message says where and why."""


@dataclass(frozen=True)
class DayOff:
    start: date
    end: date  # inclusive; equal to start for a single day
    label: str | None = None


def _default_hours() -> dict[int, float]:
    return {0: 1.5, 1: 1.5, 2: 1.5, 3: 1.5, 4: 1.5, 5: 4.0, 6: 0.0}


def _default_times() -> dict[int, time]:
    return {d: time(19, 0) if d < 5 else time(9, 0) for d in range(7)}


@dataclass(frozen=True)
class Settings:
    weekly_hours: dict[int, float] = field(default_factory=_default_hours)
    """Study hours per weekday, Monday = 0."""
    start_times: dict[int, time] = field(default_factory=_default_times)
    timezone: str | None = None
    """IANA name; None means the system's zone (resolved by the caller)."""
    days_off: tuple[DayOff, ...] = ()
    start_date: date | None = None
    """None means today."""
    hours_per_day: float = 8.0
    unestimated_hours: float = 8.0
    min_session_hours: float = 0.5
    max_topic_hours_per_day: float | None = None
    break_minutes: int = 0
    basis: Literal["topics", "stated"] = "topics"
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, for remapping the app's keys."""


def load_settings(path: Path) -> Settings:
    """Defaults when the file does not exist; SettingsError when it cannot be used."""
    raise NotImplementedError


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically (planner.atomic.write_atomic)."""
    raise NotImplementedError
