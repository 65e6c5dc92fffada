"""Plan = dated, timed study sessions; pace and slippage.

CONTRACT STUB (filled in by the scheduler issue). Keep these names and fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from planner.progress import Progress
from planner.roadmap import Roadmap
from planner.settings import Settings


@dataclass(frozen=True)
class Session:
    topic_id: str
    module_id: str
    start: datetime  # aware, in the user's zone
    end: datetime
    hours: float
    part: int  # 1-based
    parts: int


@dataclass(frozen=True)
class Plan:
    sessions: tuple[Session, ...]
    finish: date | None
    hours_remaining: float
    basis: str = "topics"
    topic_spans: dict[str, tuple[date, date]] = field(default_factory=dict)
    module_spans: dict[str, tuple[date, date]] = field(default_factory=dict)

    def sessions_for(self, item_id: str) -> list[Session]:
        return [s for s in self.sessions if item_id in (s.topic_id, s.module_id)]


def schedule(roadmap: Roadmap, progress: Progress, settings: Settings, today: date) -> Plan:
    raise NotImplementedError
