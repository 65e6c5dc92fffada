"""Where ``planner status`` says the learner stands in time: the finish, and the pace.

The plan is the one ``planner plan`` and the app make: ``planner.schedule.schedule`` with
the settings, the progress, today and the settings' zone, so the tracks
(``settings.tracks``) take their weekly hours and the finish moves with them. One thing
differs, on purpose: status reads no busy calendars (``busy:``). Reading them means
fetching URLs or parsing iCalendar files, and status stays fast and offline, so the plan
is made without them and the line says so (``planner plan`` counts them). Busy times
only move the finish: the pace compares hours (``planner.schedule.slippage``), so it is
the same as ``planner plan``'s.

The pace is measured against the kept baseline, which is only read here: status never
keeps one (``planner.plan_flow.kept_baseline`` with ``keep=False``); ``planner plan``
and the app keep the first real plan.

A plan that cannot be made (``ScheduleError``: no study hours, a track asking for more
hours than its days have...) is the line's reason, never a failure of status.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from planner.cli.plan import finish_words, hours_text
from planner.textutil import visible
from planner.units import date_text

if TYPE_CHECKING:
    from planner.cli import Context
    from planner.progress import Progress
    from planner.schedule import Slippage

FINISH_LABEL = "Finish: "
PACE_LABEL = "Pace:   "


class StatusFinish(NamedTuple):
    """The facts of status's finish and pace lines (and of its JSON). A named tuple:
    status imports this module on every run, and defining a dataclass costs about a
    millisecond."""

    today: date
    finish: date | None
    """The plan's finish; None when nothing is left, or no plan can be made."""
    weekly_hours: float
    tracks: tuple[tuple[str, float], ...]
    """Each track's title and weekly hours, in the settings' order."""
    problem: str | None = None
    """Why no plan can be made (one line), or None."""
    busy_not_counted: bool = False
    """The settings name busy calendars, which status does not read."""
    slip: Slippage | None = None
    """The pace against the kept baseline (None: none kept, or not comparable)."""
    pace_note: str | None = None
    """Why the pace is not measured, when a baseline is kept but cannot be compared."""

    def lines(self) -> list[str]:
        """One line for the finish (its reason when there is none), and one for the pace
        when a baseline is kept."""
        if self.problem is not None:
            return [f"{FINISH_LABEL}no plan can be made: {self.problem}"]
        if self.finish is None:
            return ["All done: every topic is done or skipped."]
        finish = finish_words(self.finish, self.today)
        text = f"{FINISH_LABEL}{finish} at {hours_text(self.weekly_hours)} a week"
        if self.tracks:
            on_tracks = sum(hours for _, hours in self.tracks)
            text += f", {hours_text(on_tracks)} of it on tracks while they run"
        if self.busy_not_counted:
            text += "; busy calendars not counted (planner plan counts them)"
        elif self.tracks:
            text += " (planner plan for the sessions)"
        lines = [text]
        if self.slip is not None:
            pace = f"{self.slip.words()} against the plan kept on {date_text(self.slip.since)}"
            if self.slip.state == "behind":
                pace += "; planner plan shows a way back"
            lines.append(PACE_LABEL + pace)
        elif self.pace_note is not None:
            lines.append(PACE_LABEL + self.pace_note)
        return lines

    def json(self) -> dict[str, Any]:
        """``finish`` (ISO date or null), the week's hours, why no plan can be made (or
        null) and the pace (or null); with tracks, each one's weekly hours; with busy
        calendars, that they were not counted."""
        out: dict[str, Any] = {
            "finish": self.finish.isoformat() if self.finish is not None else None,
            "weekly_hours": self.weekly_hours,
            "plan_problem": self.problem,
            "pace": None,
        }
        if self.slip is not None:
            out["pace"] = {
                "state": self.slip.state,
                "hours": round(abs(self.slip.hours), 2),
                "since": self.slip.since.isoformat(),
            }
        if self.tracks:
            out["tracks"] = [{"title": title, "hours": hours} for title, hours in self.tracks]
            out["track_hours"] = sum(hours for _, hours in self.tracks)
        if self.busy_not_counted:
            out["busy_counted"] = False
        return out


def status_finish(ctx: Context, progress: Progress) -> StatusFinish:
    """The plan's finish and the pace for ``progress``, as ``planner plan`` makes them
    today (busy calendars aside: see the module's docstring)."""
    from planner import locations
    from planner.errors import PlannerError
    from planner.plan_flow import kept_baseline
    from planner.schedule import remaining_hours, schedule
    from planner.settings import load_settings, resolve_zone

    settings = load_settings(ctx.settings_path, ctx.settings_kind)
    tz = resolve_zone(settings)
    today = datetime.now(tz).date()
    roadmap = ctx.roadmap
    facts = StatusFinish(
        today,
        None,
        sum(settings.hours_on(d) for d in range(7)),
        tuple((t.title, t.hours) for t in settings.tracks),
        busy_not_counted=bool(settings.busy),
    )
    try:
        plan = schedule(roadmap, progress, settings, today, tz)
    except PlannerError as exc:  # the reason is the line; status itself goes on
        if not any(remaining_hours(roadmap, progress, settings).values()):
            return facts  # all done: no plan is needed
        return facts._replace(problem=str(exc))
    if plan.finish is None:
        return facts  # all done
    facts = facts._replace(finish=plan.finish)
    path = locations.baseline_path(roadmap.id)
    baseline, problem = kept_baseline(path, plan, today, keep=False)
    if problem is not None:
        print(visible(f"planner: warning: {problem}"), file=sys.stderr)
    if baseline is None:
        return facts
    from planner.pace import scope_slippage, skipped_topics

    slip = scope_slippage(baseline, plan, today, skipped_topics(roadmap, progress))
    if slip is None:
        return facts._replace(
            pace_note=f"not measured: the plan kept on {baseline['made']} used the other "
            "estimate basis; planner plan says more",
        )
    return facts._replace(slip=slip)
