"""``planner today [--today DATE]``: today's sessions, what comes next, missed days and the
week so far, as the app's Today view shows them (``planner.today``), fitted to the
terminal (``planner.cli.width``)."""

from __future__ import annotations

import argparse
from datetime import datetime, time
from typing import TYPE_CHECKING

from planner.cli import Context
from planner.cli.width import fit, terminal_width
from planner.textutil import visible
from planner.units import time_range

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers
    from planner.roadmap import Roadmap
    from planner.shape import Pinned
    from planner.today import DaySession, TodayFacts


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    from planner.cli.planning import add_plan_options

    p = sub.add_parser(
        "today",
        parents=[common],
        help="print today's study sessions, what comes next and the week so far",
        description="Today's sessions with their times (done or to do), what comes next, "
        "past days on which less was done than first planned, and the week so far (hours "
        "planned, hours done): what the app's Today tab shows.",
    )
    add_plan_options(p)
    p.set_defaults(func=run)


def _hours(hours: float) -> str:
    return f"{round(hours, 2):g} h"


def _when(s: DaySession) -> str:
    return time_range(s.start, s.end)


def _title(roadmap: Roadmap, topic_id: str) -> str:
    """A session's topic title; a track's session (``settings.tracks``) is its title."""
    item = roadmap.get(topic_id)
    return item.title if item is not None else topic_id


def session_line(s: DaySession, roadmap: Roadmap, width: int, pinned: bool = False) -> str:
    """``  [x] 19:00-20:30  Topic title ....  1.5 h`` fitted to ``width``; a ``pinned``
    session's ends with ``  pinned`` (its title cut for it)."""
    mark = "[x]" if s.done else "[ ]"
    hours = _hours(s.hours) + ("  pinned" if pinned else "")
    head = f"  {mark} {_when(s)}  "
    room = max(8, width - len(head) - len(hours) - 2)
    title = fit(visible(_title(roadmap, s.topic_id)), room)
    return f"{head}{title:<{room}}  {hours}"


def today_lines(
    facts: TodayFacts, roadmap: Roadmap, width: int, pinned: Pinned | None = None
) -> list[str]:
    """The report, each line at most ``width`` characters; the sessions ``pinned`` holds
    (``planner.shape.Pinned``) say "pinned"."""
    day = facts.today
    lines = [f"Today, {day:%a} {day.day} {day:%b %Y}"]
    if facts.sessions:
        lines += [
            session_line(s, roadmap, width, pinned is not None and s in pinned)
            for s in facts.sessions
        ]
    else:
        lines.append("  No study session planned today.")
    lines.append("")
    nxt = facts.next
    if nxt is None:
        lines.append("Next: nothing left to plan.")
    else:
        when = (
            "today" if nxt.start.date() == day else f"{nxt.start:%a} {nxt.start.day} {nxt.start:%b}"
        )
        title = visible(_title(roadmap, nxt.topic_id))
        also = ", pinned" if pinned is not None and nxt in pinned else ""
        lines.append(f"Next: {when} {_when(nxt)}, {title} ({_hours(nxt.hours)}{also})")
    if facts.missed:
        lines += ["", "Planned on past days but not done:"]
        for m in facts.missed:
            lines.append(
                f"  {m.day:%a} {m.day.day} {m.day:%b}: {_hours(m.planned)} planned, "
                f"{_hours(m.done)} done"
            )
    lines += [
        "",
        f"This week so far: {_hours(facts.week_planned)} planned, "
        f"{_hours(facts.week_done)} done (today {_hours(facts.done_today)}).",
    ]
    return [fit(line, width) for line in lines]


def run(ctx: Context) -> int:
    from planner import locations
    from planner.cli.planning import plan_inputs
    from planner.schedule import BaselineError, read_baseline, schedule
    from planner.shape import Pinned
    from planner.today import today_facts

    i = plan_inputs(ctx)
    plan = schedule(i.roadmap, i.progress, i.settings, i.today, i.tz)
    try:
        baseline = read_baseline(locations.baseline_path(i.roadmap.id))
    except BaselineError:
        baseline = None  # 'planner plan' says what is wrong with it
    if getattr(ctx.args, "today", None) is not None:
        now = datetime.combine(i.today, time(0), tzinfo=i.tz)
    else:
        now = datetime.now(i.tz)
    facts = today_facts(i.roadmap, i.progress, plan, i.today, now, i.tz, baseline)
    for line in today_lines(facts, i.roadmap, terminal_width(), Pinned.of(i.progress)):
        print(line)
    return 0
