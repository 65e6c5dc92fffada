"""``planner plan [--until DATE] [--json]``: the study plan week by week, and the pace."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from planner.cli import Context
from planner.cli.width import fit, terminal_width, wrap_lines
from planner.textutil import visible
from planner.units import time_range

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers
    from planner.cli.planning import PlanContext, PlanInputs
    from planner.schedule import Plan, Session
    from planner.settings import DayOff
    from planner.shape import Pinned


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    from planner.cli.planning import add_plan_options

    p = sub.add_parser(
        "plan",
        parents=[common],
        help="print the study plan week by week, its finish date and pace",
        description="Lay the remaining work onto your study week and print it week by week: "
        "each day's sessions, the week's total, then the finish date, the hours remaining, "
        "the estimate basis used and, once a first plan has been kept, whether you are on "
        "track, behind or ahead of it (by the hours it planned before today against the "
        "work done since). The what-if options change nothing on disk, and a what-if plan "
        "is never kept as the baseline.",
    )
    p.add_argument(
        "--until",
        metavar="DATE",
        help="print the hours per weekday needed to finish by DATE (in 15-minute steps, "
        "spread over the week like your current hours; a day that cannot hold its share "
        "before midnight names the start time to move to) instead of the plan",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"finish", "hours_remaining", "sessions": [...]} as JSON',
    )
    p.add_argument(
        "--weeks",
        metavar="N",
        type=_weeks_option,
        help="print only the next N weeks of the plan (the finish and pace as ever)",
    )
    add_plan_options(p)
    p.set_defaults(func=run)


# -- formatting -------------------------------------------------------------------------------


def hours_text(hours: float) -> str:
    return f"{round(hours, 2):g} h"


def clock_text(hours: float) -> str:
    """1.25 -> "1:15"."""
    minutes = round(hours * 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


def _day(d: date) -> str:
    return f"{d:%a %Y-%m-%d}"


def _time_range(s: Session) -> str:
    return time_range(s.start, s.end)


_PINNED = "  pinned"
"""After a pinned session's hours (``planner.shape.Pinned``)."""


def _off_rows(offs: list[DayOff], first: date, last: date) -> list[tuple[date, str]]:
    """Days off between ``first`` and ``last``, clipped to them: (first day, row)."""
    rows: list[tuple[date, str]] = []
    for off in offs:
        if off.end < first or off.start > last:
            continue
        a, b = max(off.start, first), min(off.end, last)
        span = f"{a:%a %m-%d}" if a == b else f"{a:%a %m-%d}..{b:%a %m-%d}"
        text = f"day off: {off.label}" if off.label else "day off"
        rows.append((a, f"  {span}  ({text})"))
    return rows


def _empty_weeks(first: date, last: date, offs: list[DayOff]) -> Iterator[str]:
    """Weeks ``first`` (a Monday) to ``last`` (a Sunday) with nothing planned, as one block."""
    n = ((last - first).days + 1) // 7
    if n == 1:
        yield f"Week of {_day(first)}"
    else:
        yield f"Weeks of {_day(first)} to {_day(last - timedelta(days=6))}"
    yield from (text for _, text in _off_rows(offs, first, last))
    yield "  week total: 0 h" if n == 1 else f"  nothing planned in these {n} weeks"
    yield ""


def _weeks_option(text: str) -> int:
    try:
        weeks = int(text)
    except ValueError:
        weeks = 0
    if weeks < 1:
        raise argparse.ArgumentTypeError(f"give a whole number of weeks, 1 or more, not {text!r}")
    return weeks


def week_lines(pc: PlanContext, width: int = 80, weeks_shown: int | None = None) -> Iterator[str]:
    """The plan week by week: each day's sessions and days off, the week's total; the
    session lines fit ``width`` (long titles cut). With ``weeks_shown``, only the weeks
    that start before that many weeks from today's week, then a line saying what is left.
    A pinned session (``planner.shape.Pinned``) ends with "pinned" (its title cut for it).

    Weeks with nothing planned between the first and the last (a long holiday) are shown
    as one block with their days off, so the plan never jumps over time unannounced.
    """
    from planner.shape import Pinned

    plan, roadmap = pc.plan, pc.roadmap
    pinned = Pinned.of(pc.progress)
    titles = {t.id: t.title for t in roadmap.topics()}
    weeks: dict[date, list[Session]] = {}
    for s in plan.sessions:
        day = s.start.date()
        weeks.setdefault(day - timedelta(days=day.weekday()), []).append(s)
    labels = [f"{titles.get(s.topic_id, s.topic_id)} ({s.part}/{s.parts})" for s in plan.sessions]
    marked = [s in pinned for s in plan.sessions] if pinned else []
    room = width - 36 - (len(_PINNED) if any(marked) else 0)
    label_width = min(60, max((len(label) for label in labels), default=0), max(10, room))
    labels = [fit(label, label_width) for label in labels]
    offs = sorted(pc.settings.days_off, key=lambda o: o.start)
    this_week = pc.today - timedelta(days=pc.today.weekday())
    stop = this_week + timedelta(weeks=weeks_shown) if weeks_shown is not None else None
    index = 0
    after_last: date | None = None  # the Monday after the last week shown
    for monday, sessions in weeks.items():
        if stop is not None and monday >= stop:
            left = sum(s.hours for s in plan.sessions if s.start.date() >= stop)
            yield (
                f"... {hours_text(left)} more from {_day(stop)} "
                f"(shown: the next {weeks_shown} week{'s' if weeks_shown != 1 else ''})"
            )
            yield ""
            return
        if after_last is not None and monday > after_last:
            yield from _empty_weeks(after_last, monday - timedelta(days=1), offs)
        after_last = monday + timedelta(days=7)
        sunday = monday + timedelta(days=6)
        yield f"Week of {_day(monday)}"
        rows: list[tuple[date, str]] = []
        shown: set[date] = set()
        for s in sessions:
            day = s.start.date()
            label = labels[index]
            mark = _PINNED if marked and marked[index] else ""
            index += 1
            when = f"{day:%a %m-%d}" if day not in shown else ""
            shown.add(day)
            rows.append(
                (
                    day,
                    f"  {when:<9}  {_time_range(s):<13} {label:<{label_width}}  "
                    f"{hours_text(s.hours):>7}{mark}",
                )
            )
        rows += _off_rows(offs, monday, sunday)
        rows.sort(key=lambda row: row[0])  # stable: sessions keep their order within a day
        yield from (text for _, text in rows)
        yield f"  week total: {hours_text(sum(s.hours for s in sessions))}"
        lost = plan.busy_lost.get(monday)
        if lost:
            yield f"  {hours_text(lost)} lost to busy times"
        yield ""


def basis_text(basis: str) -> str:
    if basis == "stated":
        return "stated module estimates (basis: stated)"
    return "topic estimates (basis: topics)"


def finish_words(finish: date, today: date) -> str:
    """``Thu 2026-03-05 (in 5 weeks)``: the finish as ``plan`` and ``status`` write it."""
    weeks = (finish - today).days // 7 + 1
    return f"{_day(finish)} (in {weeks} week{'s' if weeks != 1 else ''})"


def summary_lines(pc: PlanContext, pace: str | None) -> list[str]:
    plan = pc.plan
    if plan.finish is not None:
        finish = finish_words(plan.finish, pc.today)
    else:
        finish = "nothing left to plan"
    from planner.pace import week_effect

    effect = week_effect(pc.roadmap, pc.progress, pc.settings, pc.today, pc.tz)
    lines = [
        f"Finish:           {finish}",
        f"Hours remaining:  {hours_text(plan.hours_remaining)}",
        f"Basis:            {basis_text(plan.basis)}",
        f"Your week:        {effect.sentence()}",
    ]
    if pace is not None:  # one line, or more (a finish, a way back, what is compared)
        first, *more = pace.split("\n")
        lines.append(f"Pace:             {first}")
        lines += [f"{'':18}{line}" for line in more]
    if plan.busy_lost:
        from planner.schedule_busy import lost_lines

        lost = sum(plan.busy_lost.values())
        lines.append(
            f"Lost to busy:     {hours_text(lost)} in {len(plan.busy_lost)} "
            f"week{'s' if len(plan.busy_lost) != 1 else ''}"
        )
        lines += [f"  {line}" for line in lost_lines(plan)]
    return lines


def week_hours_text(hours: dict[int, float]) -> str:
    from planner.settings import WEEKDAYS

    return ", ".join(f"{WEEKDAYS[d]} {clock_text(h)}" for d, h in hours.items() if h > 0)


# -- running ------------------------------------------------------------------------------------


def _warn(message: str) -> None:
    print(visible(f"planner: warning: {message}"), file=sys.stderr)


def _pace(pc: PlanContext) -> str | None:
    """Where the learner stands against the kept baseline, in dates and with a way back
    (``planner.pace.standing``); a real (not what-if) plan becomes the baseline when there
    is none."""
    from planner import locations
    from planner.pace import skipped_topics, standing
    from planner.plan_flow import kept_baseline
    from planner.schedule import remaining_hours

    path = locations.baseline_path(pc.roadmap.id)
    baseline, problem = kept_baseline(path, pc.plan, pc.today, keep=not pc.what_if)
    if problem is not None:
        _warn(problem)
    if baseline is None:
        return None
    left = remaining_hours(pc.roadmap, pc.progress, pc.settings)
    skipped = skipped_topics(pc.roadmap, pc.progress)
    where = standing(baseline, pc.plan, left, pc.settings, pc.today, pc.tz, skipped)
    if where is None:  # made on the other basis: hours that cannot be compared
        return (
            f"not measured: the plan kept on {baseline['made']} used the "
            f"{basis_text(str(baseline.get('basis', 'topics')))}; delete {path} to keep "
            "the next plan instead"
        )
    return "\n".join(where.lines())


def plan_json(plan: Plan, busy: bool = False, pinned: Pinned | None = None) -> dict[str, Any]:
    """The plan as JSON data; with ``busy`` (busy calendars were read) also the hours lost
    to them by week. A session ``pinned`` holds has ``"pinned": true`` (only those)."""
    sessions = [_session_json(s) for s in plan.sessions]
    if pinned:
        for s, data in zip(plan.sessions, sessions, strict=True):
            if s in pinned:
                data["pinned"] = True
    out: dict[str, Any] = {
        "finish": plan.finish.isoformat() if plan.finish else None,
        "hours_remaining": plan.hours_remaining,
        "sessions": sessions,
    }
    if busy:
        out["busy_lost"] = [
            {"week": monday.isoformat(), "hours": hours} for monday, hours in plan.busy_lost.items()
        ]
    return out


def _session_json(s: Session) -> dict[str, Any]:
    """A topic's session: its topic and module; a track's (``settings.tracks``): its title."""
    head: dict[str, Any] = (
        {"track": s.track} if s.track is not None else {"topic": s.topic_id, "module": s.module_id}
    )
    return {
        **head,
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "hours": s.hours,
        "part": s.part,
        "parts": s.parts,
    }


def _until(i: PlanInputs, target: date, as_json: bool) -> int:
    from planner.pace import hours_until
    from planner.schedule import (
        ScheduleError,
        finish_for,
        planned_hours,
        remaining_hours,
        studied_minutes,
    )

    remaining = remaining_hours(i.roadmap, i.progress, i.settings)
    studied = studied_minutes(i.progress, i.settings, i.today, i.tz)  # taken from today
    pace = hours_until(target, remaining, i.settings, i.today, i.tz, studied)
    try:
        current = finish_for(remaining, i.settings, i.today, tz=i.tz, studied=studied)
        plannable = True
    except ScheduleError:  # e.g. no study hours at all: the pace is still the answer
        current, plannable = None, False
    left = planned_hours(remaining, i.settings.basis)
    if as_json:
        from planner.settings import WEEKDAYS

        out = {
            "target": target.isoformat(),
            "weekly_hours": pace.weekly_hours,
            "hours": {WEEKDAYS[d]: h for d, h in pace.hours.items()},
            "start_times": {WEEKDAYS[d]: f"{t:%H:%M}" for d, t in pace.moves.items()},
            "finish": pace.finish.isoformat() if pace.finish else None,
            "current_finish": current.isoformat() if current else None,
            "hours_remaining": left,
            "basis": i.settings.basis,
        }
        print(json.dumps(out, indent=2))
        return 0
    if pace.finish is None:
        print("Nothing left to plan: every topic is done or skipped.")
        return 0
    now = sum(i.settings.hours_on(d) for d in range(7))
    print(f"To finish by {_day(target)}: {pace.weekly_hours:g} h a week")
    print(f"  {week_hours_text(pace.hours)}  (in 15-minute steps)")
    for line in pace.move_lines(i.settings):
        print(f"  {line}")
    print(f"  at that pace the plan ends on {_day(pace.finish)}")
    with_now = f"with your current {round(now, 2):g} h a week"
    if plannable and current is not None:
        print(f"  {with_now} it ends on {_day(current)}")
    else:
        print(f"  {with_now} no plan can be made")
    print(f"  {hours_text(left)} remaining, on the {basis_text(i.settings.basis)}")
    return 0


def run(ctx: Context) -> int:
    from planner.cli.planning import parse_date_option, plan_context, plan_inputs
    from planner.schedule import first_day

    args = ctx.args
    target = parse_date_option("--until", args.until) if args.until is not None else None
    if target is not None:
        return _until(plan_inputs(ctx), target, args.json)
    pc = plan_context(ctx)
    pace = _pace(pc)
    if args.json:
        from planner.shape import Pinned

        print(json.dumps(plan_json(pc.plan, pc.busy, Pinned.of(pc.progress)), indent=1))
        return 0
    total = sum(pc.settings.hours_on(d) for d in range(7))
    start = first_day(pc.settings, pc.today)
    width = terminal_width()
    head = (
        f"{pc.roadmap.title}: plan from {_day(start)}, {pc.tz.key}, "
        f"{round(total, 2):g} h a week ({week_hours_text(pc.settings.weekly_hours)})"
    )
    lines = [*wrap_lines([head], width), ""]  # the rest keeps paths whole, on one line
    if not pc.plan.sessions:
        lines += ["Nothing left to plan: every topic is done or skipped.", ""]
    lines += week_lines(pc, width, args.weeks)
    lines += summary_lines(pc, pace)
    for line in lines:
        print(visible(line))  # titles and day-off labels are the files': never control codes
    return 0
