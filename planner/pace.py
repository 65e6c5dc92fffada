"""What a week of study gives: the rule the setup, the settings form and ``planner plan``
word alike.

``week_effect`` answers "if I study these hours, when do I finish?" in one sentence:
"at 11.5 h a week you finish on Thu 29 Jun 2028; the roadmap's ~17 weeks assume 40 h a
week". A roadmap's stated weeks are full-time weeks: five days of ``hours_per_day``
(``planner.roadmap.StatedEstimate.as_hours``), so the sentence says so, and the learner
sees why their finish is later than the title card's figure.

Pure: no clock (``today`` is a parameter), no I/O; fast enough to run on every key
stroke (the finish alone is walked, no sessions are made).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from planner.errors import PlannerError
from planner.progress import Progress
from planner.roadmap import DAYS_PER_WEEK, Roadmap
from planner.schedule import finish_for, remaining_hours
from planner.settings import Settings
from planner.units import date_text


def _hours(value: float) -> str:
    return f"{round(value, 2):g} h"


@dataclass(frozen=True)
class WeekEffect:
    """The finish a week of study hours gives, and what the roadmap's own figure assumes."""

    weekly_hours: float
    finish: date | None
    """None: nothing left to plan, or no plan can be made (``problem`` says why)."""
    problem: str | None = None
    stated_weeks: float | None = None
    """The roadmap's stated estimate in weeks, when it gives one."""
    stated_week_hours: float = 0.0
    """The hours a week that estimate assumes: five days of ``hours_per_day``."""

    def sentence(self) -> str:
        """One line: the finish at these hours, and what the roadmap's estimate assumes."""
        if self.problem is not None:
            return self.problem
        if self.weekly_hours <= 0:
            return "0 h a week: give at least one weekday some study hours"
        if self.finish is None:
            return "nothing left to plan: every topic is done or skipped"
        text = f"at {_hours(self.weekly_hours)} a week you finish on {date_text(self.finish)}"
        if self.stated_weeks is not None:
            unit = "week" if self.stated_weeks == 1 else "weeks"
            text += (
                f"; the roadmap's ~{self.stated_weeks:g} {unit} assume "
                f"{_hours(self.stated_week_hours)} a week"
            )
        return text


def week_effect(
    roadmap: Roadmap, progress: Progress, settings: Settings, today: date, tz: tzinfo
) -> WeekEffect:
    """What ``settings``' weekly hours give for the work left in ``roadmap``.

    Settings no plan can be made with (hours past midnight, no study time left) are a
    ``problem`` in words, never an exception.
    """
    weekly = sum(settings.hours_on(d) for d in range(7))
    stated = roadmap.stated.weeks if roadmap.stated is not None else None
    basis = DAYS_PER_WEEK * settings.hours_per_day
    try:
        left = remaining_hours(roadmap, progress, settings)
        finish = finish_for(left, settings, today, tz=tz) if weekly > 0 else None
    except PlannerError as exc:
        return WeekEffect(weekly, None, str(exc).removeprefix("planner: "), stated, basis)
    return WeekEffect(weekly, finish, None, stated, basis)
