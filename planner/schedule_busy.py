"""Laying the plan around busy times (the learner's own calendars), and end times.

``schedule`` comes here instead of its fast walks when there are busy times or a weekday
has an end time; with neither it never does, so a plan without them is made as fast as
before. The rules are ``planner.schedule``'s, with these:

    - A study day's window runs from its start time to its end time (``end_times``;
      midnight when not set), in real time: a day of a DST change is as long as it is.
    - The day's hours are laid into the free parts of that window, in order: a session
      never overlaps a busy time. A topic may go on after a busy time the same day; a
      free part too short for a minimum session (unless it holds the topic's rest) is
      left empty; breaks still come between sessions.
    - The day's hours are what it may hold (as without busy times); what does not fit in
      its free parts moves on to the next study days, as hours that do not fit do.
    - Hours lost to busy times, per day: the day's hours less the free minutes of its
      window (none when the free part holds them all); the plan sums them by week.

Busy times are ``planner.busy.BusyTimes``: merged, sorted minutes since the Unix epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from planner.schedule import STALL_DAYS, Plan, ScheduleError, Session, first_day, schedule
from planner.settings import Settings

if TYPE_CHECKING:
    from planner.progress import Progress
    from planner.roadmap import Roadmap

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_UTC = timezone.utc
_MAX_ORDINAL = date.max.toordinal()


def _epoch_minute(day: date, minute: int, tz: tzinfo) -> int:
    """The real minute (since the epoch) of wall-clock ``minute`` after ``day``'s midnight;
    a time in a spring-forward gap moves forward by the gap."""
    extra, minute = divmod(minute, 1440)
    if extra:
        day = day + timedelta(days=extra)
    wall = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
    return int((wall.astimezone(_UTC) - _EPOCH).total_seconds() // 60)


def _off_days(settings: Settings) -> list[tuple[int, int]]:
    spans = sorted((o.start.toordinal(), o.end.toordinal()) for o in settings.days_off)
    merged: list[list[int]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(a, b) for a, b in merged]


def plan_around(
    topic_ids: Sequence[str],
    module_ids: Sequence[str],
    minutes: Sequence[int],
    settings: Settings,
    first_day: date,
    tz: tzinfo,
    basis: str,
    busy: Sequence[tuple[int, int]],
) -> Plan:
    """The plan of ``minutes`` (per topic, in order) laid around ``busy``."""
    n = len(minutes)
    rem = list(minutes)
    hours_total = sum(minutes) / 60
    day_minutes = [max(0, round(settings.hours_on(d) * 60)) for d in range(7)]
    starts = [settings.start_on(d).hour * 60 + settings.start_on(d).minute for d in range(7)]
    ends = [settings.end_minute(d) for d in range(7)]
    min_minutes = max(0, round(settings.min_session_hours * 60))
    cap_hours = settings.max_topic_hours_per_day
    cap = round(cap_hours * 60) if cap_hours is not None else None
    brk = settings.break_minutes
    off = _off_days(settings)
    first = 0
    while first < n and rem[first] <= 0:
        first += 1
    if first == n:
        return Plan((), None, hours_total, basis)
    if not any(day_minutes):
        raise ScheduleError(
            "no study time: every weekday has 0 study hours while work remains; "
            "set some in the settings (hours: mon: 1.5) or try --hours mon=2,sat=4"
        )
    # placed pieces: (topic index, start minute since the epoch, minutes)
    pieces: list[tuple[int, int, int]] = []
    lost: dict[date, int] = {}
    k = 0  # the first day off that may still come
    b = 0  # the first busy time that may still overlap a window
    nb = len(busy)
    day = first_day.toordinal()
    last_day = 0
    idle = idle_from = 0
    while first < n:
        while k < len(off) and off[k][1] < day:
            k += 1
        if k < len(off) and off[k][0] <= day:
            day = off[k][1] + 1
            if day > _MAX_ORDINAL:
                raise ScheduleError(
                    f"no study time: days off cover every day from "
                    f"{date.fromordinal(off[k][0])} on; shorten them"
                )
            continue
        weekday = (day - 1) % 7
        left = day_minutes[weekday]
        placed = False
        if left > 0:
            d = date.fromordinal(day)
            ws = _epoch_minute(d, starts[weekday], tz)
            we = _epoch_minute(d, ends[weekday], tz)
            while b < nb and busy[b][1] <= ws:
                b += 1
            # the free parts of the window
            free: list[tuple[int, int]] = []
            at = ws
            x = b
            while x < nb and busy[x][0] < we:
                if busy[x][0] > at:
                    free.append((at, busy[x][0]))
                at = max(at, busy[x][1])
                x += 1
            if at < we:
                free.append((at, we))
            room = sum(e - s for s, e in free)
            if room < left:
                monday = d - timedelta(days=weekday)
                lost[monday] = lost.get(monday, 0) + left - room
            used: dict[int, int] = {}
            j = first
            s = 0
            p = free[0][0] if free else we
            while left > 0 and j < n and s < len(free):
                r = rem[j]
                if r <= 0:
                    j += 1
                    continue
                seg_end = free[s][1]
                if p < free[s][0]:
                    p = free[s][0]
                if p >= seg_end:
                    s += 1
                    continue
                allow = left
                limit = "day"
                if seg_end - p < allow:
                    allow, limit = seg_end - p, "part"
                if cap is not None and cap - used.get(j, 0) < allow:
                    allow, limit = cap - used.get(j, 0), "cap"
                if allow <= 0:
                    j += 1
                    continue
                take = r if r <= allow else allow
                if take < r and take < min_minutes:
                    if limit == "day":
                        break  # a sliver of the day: the rest waits for the next study day
                    if limit == "cap":
                        j += 1
                        continue
                    s += 1  # too short a free part: the next one
                    continue
                pieces.append((j, p, take))
                rem[j] = r - take
                left -= take
                p += take + brk
                placed = True
                if cap is not None:
                    used[j] = used.get(j, 0) + take
                    if used[j] >= cap or rem[j] <= 0:
                        j += 1
                elif rem[j] <= 0:
                    j += 1
            while first < n and rem[first] <= 0:
                first += 1
        if placed:
            idle = 0
            last_day = day
        else:
            if not idle:
                idle_from = day
            idle += 1
            if idle > STALL_DAYS:
                raise ScheduleError(
                    f"no study time: nothing could be planned from {date.fromordinal(idle_from)} "
                    f"to {date.fromordinal(day)} (busy times, days off and short study days "
                    "leave no room for a minimum session); check busy, hours, days_off and "
                    "min_session in the settings"
                )
        day += 1
        if day > _MAX_ORDINAL and first < n:
            raise ScheduleError("no study time: the plan runs past the year 9999; add study hours")
    return _plan_of(pieces, topic_ids, module_ids, tz, basis, hours_total, last_day, lost)


def _plan_of(
    pieces: list[tuple[int, int, int]],
    topic_ids: Sequence[str],
    module_ids: Sequence[str],
    tz: tzinfo,
    basis: str,
    hours_total: float,
    last_day: int,
    lost: dict[date, int],
) -> Plan:
    parts = [0] * len(topic_ids)
    for j, _, _ in pieces:
        parts[j] += 1
    seen = [0] * len(topic_ids)
    sessions: list[Session] = []
    topic_spans: dict[str, tuple[date, date]] = {}
    module_spans: dict[str, tuple[date, date]] = {}
    minute = timedelta(minutes=1)
    for j, start_minute, length in pieces:
        start = (_EPOCH + start_minute * minute).astimezone(tz)
        end = (_EPOCH + (start_minute + length) * minute).astimezone(tz)
        seen[j] += 1
        sessions.append(
            Session(topic_ids[j], module_ids[j], start, end, length / 60, seen[j], parts[j])
        )
        day = start.date()
        for key, spans in ((topic_ids[j], topic_spans), (module_ids[j], module_spans)):
            span = spans.get(key)
            if span is None:
                spans[key] = (day, day)
            elif day > span[1]:
                spans[key] = (span[0], day)
            elif day < span[0]:
                spans[key] = (day, span[1])
    finish = date.fromordinal(last_day) if last_day else None
    lost_hours = {monday: minutes / 60 for monday, minutes in sorted(lost.items())}
    if finish is not None:
        lost_hours = {m: h for m, h in lost_hours.items() if m <= finish}
    return Plan(
        tuple(sessions),
        finish,
        hours_total,
        basis,
        topic_spans,
        module_spans,
        busy_lost=lost_hours,
    )


def schedule_around(
    roadmap: Roadmap,
    progress: Progress,
    settings: Settings,
    today: date,
    tz: tzinfo,
    read: Callable[[date, date], Sequence[tuple[int, int]]],
) -> Plan:
    """The plan from ``today`` around the busy times ``read(start, end)`` gives for the
    days from ``start`` to ``end`` (exclusive).

    Busy times are read only over the plan's horizon: twice the span of the plan made
    without them, and four weeks more (read again over a window twice as long in the rare
    case the plan ends later), so a calendar with a million instances costs what the
    horizon holds.
    """
    plain = schedule(roadmap, progress, settings, today, tz)
    if plain.finish is None:
        return plain
    start = first_day(settings, today)
    end = start + timedelta(days=2 * ((plain.finish - start).days + 1) + 28)
    while True:
        busy = read(start, end)
        plan = schedule(roadmap, progress, settings, today, tz, busy=busy)
        if plan.finish is None or plan.finish < end or end >= date.max - (end - start):
            return plan
        end = start + 2 * (end - start)


def lost_text(monday: date, hours: float) -> str:
    """ "week of 11 Jan: 2.5 h lost to busy times"."""
    return f"week of {monday.day} {monday:%b}: {round(hours, 2):g} h lost to busy times"


def lost_lines(plan: Plan) -> list[str]:
    """One ``lost_text`` per week that lost hours to busy times, in date order."""
    return [lost_text(monday, hours) for monday, hours in plan.busy_lost.items()]
