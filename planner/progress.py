"""Item states, roll-up, effort-weighted figures, and the progress store.

CONTRACT STUB (filled in by the progress issue). Other modules code against the
names and signatures below; keep them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from pathlib import Path

from planner.errors import PlannerError
from planner.roadmap import Roadmap


class State(str, Enum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


class ProgressError(PlannerError):
    """The progress file cannot be used; the message names the file and what to do."""


@dataclass
class Entry:
    """What is recorded for one id (module, topic or subtopic)."""

    state: State = State.TODO
    changed: datetime | None = None
    logged_hours: float = 0.0


@dataclass
class Progress:
    """All recorded entries, keyed by item id. Ids the roadmap lacks are kept (orphans)."""

    entries: dict[str, Entry] = field(default_factory=dict)

    def state(self, roadmap: Roadmap, item_id: str) -> State:
        """The rolled-up state of a module, topic or subtopic."""
        raise NotImplementedError

    def set_state(
        self, roadmap: Roadmap, ids: Iterable[str], state: State, now: datetime
    ) -> list[str]:
        """Apply roll-up rules; return every id whose state changed."""
        raise NotImplementedError

    def log_hours(self, topic_id: str, hours: float, now: datetime) -> None:
        raise NotImplementedError

    def orphans(self, roadmap: Roadmap) -> list[str]:
        raise NotImplementedError


@dataclass(frozen=True)
class Figures:
    """Effort-weighted progress for one item or the whole roadmap (hours)."""

    done: float
    remaining: float
    skipped: float

    @property
    def percent(self) -> float:
        total = self.done + self.remaining
        return 100.0 if total == 0 else 100.0 * self.done / total


def figures(
    roadmap: Roadmap,
    progress: Progress,
    hours_per_day: float,
    unestimated_hours: float,
) -> dict[str, Figures]:
    """Figures for every module and topic id, and for the roadmap under ``roadmap.id``."""
    raise NotImplementedError


def remaining_topic_hours(
    roadmap: Roadmap,
    progress: Progress,
    hours_per_day: float,
    unestimated_hours: float,
) -> dict[str, float]:
    """Hours still to do per topic id, in roadmap order (done/skipped topics omitted)."""
    raise NotImplementedError


class ProgressStore:
    """The progress file: atomic writes, never overwritten when unreadable, merge on write."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Progress:
        raise NotImplementedError

    def update(self, change: Callable[[Progress], object]) -> Progress:
        """Lock, re-read, apply ``change``, write atomically, return the new state."""
        raise NotImplementedError

    def signature(self) -> object:
        """Cheap token that changes when the file changes on disk (for live reload)."""
        raise NotImplementedError
