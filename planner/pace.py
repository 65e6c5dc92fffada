"""Pace in the learner's terms, one rule each for both faces: what a week of study gives,
where the learner stands against the kept plan, and the hours that finish by a date.

``week_effect`` answers "if I study these hours, when do I finish?" in one sentence:
"at 11.5 h a week you finish on Thu 29 Jun 2028; the roadmap's ~17 weeks assume 40 h a
week". A roadmap's stated weeks are full-time weeks: five days of ``hours_per_day``
(``planner.roadmap.StatedEstimate.as_hours``), so the sentence says so, and the learner
sees why their finish is later than the title card's figure.

``standing`` says where the learner stands in dates ("finish Thu 14 May 2026, 5 days
later than planned on 4 May (behind by 6 h)"), with a way back ("+1.5 h a week for the
next 4 weeks gets you back on the plan") and what is compared; skipped work is a change of
scope, left out of both sides (``scope_slippage``). ``hours_until`` gives the hours per
weekday, in 15-minute steps, that finish by a date, and the start times to move.

Pure: no clock (``today`` is a parameter), no I/O; ``week_effect`` is fast enough to run
on every key stroke (the finish alone is walked, no sessions are made).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, time, tzinfo
from typing import Any

from planner.errors import PlannerError
from planner.progress import Progress
from planner.roadmap import DAYS_PER_WEEK, Roadmap
from planner.schedule import (
    ON_TRACK_HOURS,
    Plan,
    Slippage,
    finish_for,
    proportions,
    remaining_hours,
    slippage,
    studied_minutes,
)
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
        studied = studied_minutes(progress, settings, today, tz)
        finish = finish_for(left, settings, today, tz=tz, studied=studied) if weekly > 0 else None
    except PlannerError as exc:
        return WeekEffect(weekly, None, str(exc).removeprefix("planner: "), stated, basis)
    return WeekEffect(weekly, finish, None, stated, basis)


# -- where the learner stands: pace in dates, and what would fix it ---------------------

CATCH_UP_WEEKS = (4, 8, 12, 26)
"""Catch-up spans tried, shortest first: the first whose extra hours fit is offered."""

STEP_HOURS = 0.25
"""Extra hours a week are offered in steps of a quarter hour."""


def skipped_topics(roadmap: Roadmap, progress: Progress) -> set[str]:
    """Topic ids whose work is skipped: the topic's own state, or its module's."""
    from planner.progress import State

    states = progress.states(roadmap)
    out: set[str] = set()
    for module in roadmap.modules:
        whole = states.get(module.id) == State.SKIPPED
        out.update(t.id for t in module.topics if whole or states.get(t.id) == State.SKIPPED)
    return out


def scope_slippage(
    baseline: Mapping[str, Any], plan: Plan, today: date, skipped: Collection[str]
) -> Slippage | None:
    """``schedule.slippage`` with skipped work left out of both sides: a skipped topic's
    hours leave the baseline's remaining hours, and the hours the baseline planned for it
    before today leave what was expected by now. Skipping is a change of scope, never
    "ahead". None when the plans use different bases.

    The baseline's ``topics`` (each topic's minutes, in the order it laid them out) place
    a topic's minutes on its days; a baseline kept before it had them is measured as
    ``schedule.slippage`` measures it.
    """
    slip = slippage(baseline, plan, today)
    if slip is None:
        return None
    topics = baseline.get("topics")
    if not isinstance(topics, dict) or not skipped:
        return slip
    before = slip.expected * 60  # minutes the baseline planned before today
    offset = 0.0
    dropped_before = dropped = 0.0
    for topic_id, minutes in topics.items():
        try:
            length = float(minutes)
        except (TypeError, ValueError):
            return slip  # a hand-edited baseline: measured as before
        if topic_id in skipped:
            dropped += length
            dropped_before += max(0.0, min(offset + length, before) - offset)
        offset += length
    expected = slip.expected - dropped_before / 60
    done = slip.done - dropped / 60
    return Slippage(slip.since, expected, done, dropped / 60)


def _short_date(day: date, today: date) -> str:
    return f"{day.day} {day:%b}" if day.year == today.year else f"{day.day} {day:%b %Y}"


def _span_words(days: int) -> str:
    if abs(days) < 7:
        return f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
    weeks = round(abs(days) / 7)
    return f"{weeks} week{'s' if weeks != 1 else ''}"


@dataclass(frozen=True)
class Standing:
    """Where the learner stands against the kept plan, in dates, with a way back."""

    slip: Slippage
    finish: date | None
    """The finish of the plan as it is now."""
    on_plan_finish: date | None
    """The finish had the work the kept plan expected by now been done."""
    catch_up: tuple[float, int] | None
    """Extra hours a week, and for how many weeks, that get back on the plan (when
    behind and one fits before midnight)."""
    today: date

    def lines(self) -> list[str]:
        """The standing in words: finish and how it compares, the fix, what is compared."""
        slip, today = self.slip, self.today
        since = _short_date(slip.since, today)
        out: list[str] = []
        if self.finish is None:
            out.append(f"nothing left to plan; {slip.words()} against the plan kept on {since}")
        else:
            delta = (
                (self.finish - self.on_plan_finish).days if self.on_plan_finish is not None else 0
            )
            if slip.state == "on track" or delta == 0:
                when = f"as planned on {since}"
            else:
                later = "later" if delta > 0 else "earlier"
                when = f"{_span_words(delta)} {later} than planned on {since}"
            out.append(f"finish {date_text(self.finish)}, {when} ({slip.words()})")
        if slip.state == "behind":
            if self.catch_up is not None:
                extra, weeks = self.catch_up
                out.append(
                    f"+{extra:g} h a week for the next {weeks} weeks gets you back on the plan"
                )
            else:
                out.append("no catch-up fits before midnight: plan a later finish")
        against = f"against the plan kept on {date_text(slip.since)}"
        if slip.dropped > 0:
            against += f"; work skipped since ({_hours(slip.dropped)}) is left out of both sides"
        else:
            against += "; skipped work is left out of both sides"
        out.append(against)
        return out


def standing(
    baseline: Mapping[str, Any],
    plan: Plan,
    remaining: Mapping[str, float],
    settings: Settings,
    today: date,
    tz: tzinfo,
    skipped: Collection[str],
) -> Standing | None:
    """Where the learner stands against ``baseline`` (None when it cannot be compared)."""
    slip = scope_slippage(baseline, plan, today, skipped)
    if slip is None:
        return None
    behind = slip.hours
    on_plan: date | None = plan.finish
    if plan.finish is not None and abs(behind) >= ON_TRACK_HOURS:
        adjusted = dict(remaining)
        if behind > 0:  # the work expected by now, taken off the front
            left = behind
            for topic_id, hours in adjusted.items():
                take = min(hours, left)
                adjusted[topic_id] = hours - take
                left -= take
                if left <= 0:
                    break
        elif adjusted:  # ahead: as if that work were still to do
            first = next(iter(adjusted))
            adjusted[first] += -behind
        try:
            studied = round(plan.studied * 60)  # as the plan took it from today
            on_plan = finish_for(adjusted, settings, today, tz=tz, studied=studied)
        except PlannerError:
            on_plan = plan.finish
        if on_plan is None:  # the work expected by now is all there was: the kept finish
            kept = baseline.get("finish")
            on_plan = date.fromisoformat(str(kept)) if kept else plan.finish
    catch_up = _catch_up(behind, settings) if slip.state == "behind" else None
    return Standing(slip, plan.finish, on_plan, catch_up, today)


def _catch_up(behind: float, settings: Settings) -> tuple[float, int] | None:
    """The fewest extra hours a week (quarter-hour steps, spread as the week is) that make
    up ``behind`` within the first span of ``CATCH_UP_WEEKS`` they fit before midnight."""
    shares = proportions(settings)
    for weeks in CATCH_UP_WEEKS:
        extra = math.ceil(behind / weeks / STEP_HOURS - 1e-9) * STEP_HOURS
        fits = all(
            settings.hours_on(d) + extra * shares[d]
            <= 24 - (settings.start_on(d).hour + settings.start_on(d).minute / 60) + 1e-9
            for d in range(7)
        )
        if fits:
            return extra, weeks
    return None


# -- the hours a week that finish by a date, in quarter hours per weekday -------------------


@dataclass(frozen=True)
class UntilPace:
    """The answer to "how many hours on each weekday to finish by ``target``?"."""

    target: date
    hours: dict[int, float]
    """Hours per weekday (Monday = 0), each a multiple of 15 minutes, in the week's
    proportions."""
    finish: date | None
    """The finish at that pace (None: nothing left to do)."""
    moves: dict[int, time]
    """Weekdays whose hours do not fit between their start time and midnight: the latest
    start time that holds them."""

    @property
    def weekly_hours(self) -> float:
        return sum(self.hours.values())

    def move_lines(self, settings: Settings) -> list[str]:
        """ "sat: 16:30 h from 09:00 runs past midnight; start at 07:30 or earlier"."""
        from planner.settings import WEEKDAYS

        return [
            f"{WEEKDAYS[d]}: {_clock(self.hours[d])} h from {settings.start_on(d):%H:%M} runs "
            f"past midnight; start at {latest:%H:%M} or earlier"
            for d, latest in sorted(self.moves.items())
        ]


def _clock(hours: float) -> str:
    minutes = round(hours * 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def _quarter_hours(weekly: float, shares: Mapping[int, float]) -> dict[int, float]:
    """``weekly`` over the weekdays in ``shares``, each to the nearest 15 minutes (a day
    with a share gets at least 15 minutes)."""
    out: dict[int, float] = {}
    for d in range(7):
        share = shares.get(d, 0.0)
        quarters = math.floor(weekly * share / STEP_HOURS + 0.5) if share > 0 else 0
        out[d] = max(quarters, 1 if share > 0 else 0) * STEP_HOURS
    return out


def _moves(settings: Settings, hours: Mapping[int, float]) -> dict[int, time]:
    """Weekdays whose ``hours`` run past midnight from their start: the latest start."""
    moves: dict[int, time] = {}
    for d, h in hours.items():
        start = settings.start_on(d)
        minutes = round(h * 60)
        if start.hour * 60 + start.minute + minutes > 24 * 60:
            latest = (24 * 60 - minutes) // 15 * 15
            moves[d] = time(latest // 60, latest % 60)
    return moves


def hours_until(
    target: date,
    remaining: Mapping[str, float],
    settings: Settings,
    today: date,
    tz: tzinfo,
    studied: int = 0,
) -> UntilPace:
    """The fewest hours per weekday (15-minute steps, in the week's proportions) that
    finish by ``target``, with ``studied`` minutes already studied today taken from
    today's hours (``planner.schedule.studied_minutes``). A day whose share does not fit
    between its start time and midnight is planned from the latest start that holds it,
    and named in ``moves``.

    Raises ``ScheduleError`` for a target before today or the plan's start, or one no
    pace can meet (every study day from 00:00 to midnight).
    """
    from dataclasses import replace

    from planner.schedule import ScheduleError, first_day, planned_hours

    if target < today:
        raise ScheduleError(f"the target date {target} is before today ({today}); pick a later one")
    if planned_hours(remaining, settings.basis) <= 0:
        return UntilPace(target, dict.fromkeys(range(7), 0.0), None, {})
    start = first_day(settings, today)
    if start > target:
        raise ScheduleError(
            f"the plan starts on {start} (start_date), after the target date {target}"
        )
    shares = proportions(settings)
    biggest = max(shares.values())
    top = math.floor(24 / biggest / STEP_HOURS + 1e-9)  # the largest share: a whole day
    while top > 1 and max(_quarter_hours(top * STEP_HOURS, shares).values()) > 24:
        top -= 1

    def finish_at(step: int) -> tuple[date | None, dict[int, float], dict[int, time]]:
        hours = _quarter_hours(step * STEP_HOURS, shares)
        moves = _moves(settings, hours)
        moved = replace(settings, start_times={**settings.start_times, **moves})
        try:
            end = finish_for(remaining, moved, today, weekly_hours=hours, tz=tz, studied=studied)
        except ScheduleError:
            end = None
        return end, hours, moves

    def meets(step: int) -> bool:
        end = finish_at(step)[0]
        return end is not None and end <= target

    if not meets(top):
        end = finish_at(top)[0]
        when = f"finishes on {end}" if end is not None else "cannot be planned"
        raise ScheduleError(
            f"cannot finish by {target}: even {top * STEP_HOURS:g} h a week (the fullest "
            f"study day from 00:00 to midnight) {when}; pick a later date or remove days off"
        )
    low, high = 0, top  # meets(high) holds; meets(low) is taken as false
    while high - low > 1:
        mid = (low + high) // 2
        if meets(mid):
            high = mid
        else:
            low = mid
    end, hours, moves = finish_at(high)
    return UntilPace(target, hours, end, moves)
