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
    - Minutes already studied today (``_Rules.used``) come off today's hours, and today's
      window starts that much later, as in the other walks.

Busy times are ``planner.busy.BusyTimes``: merged, sorted minutes since the Unix epoch.
The pace answers (``finish_for``, ``hours_needed_by``) do not see them (nor end times).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from planner.schedule import (
    STALL_DAYS,
    Plan,
    ScheduleError,
    Session,
    _offset_changes,
    first_day,
    schedule,
)
from planner.schedule_fast import _day_deltas, _minute_deltas
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


class _Clock:
    """Wall-clock minutes of a day -> real minutes since the epoch, for a run of days.

    The zone's changes of UTC offset come from ``planner.schedule._offset_changes`` (the
    days whose midnight and next midnight differ, kept per year); between two of them a
    day's minutes are plain arithmetic from the offset of its midnight, one look-up for
    the whole run. A day that is a change day or the eve of one (its window may end at a
    midnight the clocks skip or repeat) is worked out exactly (``_epoch_minute``).
    """

    __slots__ = ("_first", "_last", "_offset", "_tz")

    def __init__(self, tz: tzinfo) -> None:
        self._tz = tz
        self._first = 1
        self._last = 0
        self._offset = 0

    def span(self) -> tuple[int, int, int]:
        """The days (first, past the last) the last offset found holds for, and it."""
        return self._first, self._last, self._offset

    def offset(self, day: int) -> int | None:
        """The UTC offset in minutes all day ``day`` and the next (None: it changes)."""
        if not self._first <= day < self._last:
            tz = self._tz
            d = date.fromordinal(day)
            year = d.year
            changes = _offset_changes(tz, year)
            at = bisect_left(changes, day)
            if at < len(changes):
                change = changes[at]
            elif year < date.max.year:  # none left this year: the next year's first
                later = _offset_changes(tz, year + 1)
                change = later[0] if later else date(year + 1, 12, 31).toordinal()
            else:
                change = _MAX_ORDINAL + 2
            if change <= day + 1:
                return None
            a = datetime(d.year, d.month, d.day, tzinfo=tz).utcoffset()
            if a is None:
                return None
            self._first, self._last = day, change - 1
            self._offset = int(a.total_seconds() // 60)
        return self._offset


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_NO_WALL = -(1 << 62)
"""A piece's day midnight where there is none to time it from (a change of offset)."""


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
    used: tuple[int, int] = (0, 0),
) -> Plan:
    """The plan of ``minutes`` (per topic, in order) laid around ``busy``; ``used``: a day
    (its ordinal) and the minutes already studied on it (``planner.schedule._Rules.used``),
    taken from that day's hours, its window starting that much later."""
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
    # placed pieces: (topic index, start minute since the epoch, minutes, day ordinal,
    # the day's midnight in minutes since the epoch, or _NO_WALL where its offset changes)
    pieces: list[tuple[int, int, int, int, int]] = []
    lost: dict[int, int] = {}  # minutes lost by week (its Monday's ordinal)
    k = 0  # the first day off that may still come
    b = 0  # the first busy time that may still overlap a window
    nb = len(busy)
    day = first_day.toordinal()
    used_day, used_minutes = used
    last_day = 0
    idle = idle_from = 0
    clock = _Clock(tz)
    clock_first, clock_last, clock_offset = clock.span()
    n_off = len(off)
    add = pieces.append
    while first < n:
        while k < n_off and off[k][1] < day:
            k += 1
        if k < n_off and off[k][0] <= day:
            day = off[k][1] + 1
            if day > _MAX_ORDINAL:
                raise ScheduleError(
                    f"no study time: days off cover every day from "
                    f"{date.fromordinal(off[k][0])} on; shorten them"
                )
            continue
        weekday = (day - 1) % 7
        left = full = day_minutes[weekday]
        late = 0  # minutes already studied this day: taken first
        if day == used_day:
            late = used_minutes if used_minutes < full else full
            left = full = full - late
        placed = False
        if left > 0:
            if clock_first <= day < clock_last:  # the offset known to hold (clock.offset)
                offset: int | None = clock_offset
            else:
                offset = clock.offset(day)
                clock_first, clock_last, clock_offset = clock.span()
            if offset is None:  # a change of offset in reach: each time worked out
                d = date.fromordinal(day)
                ws = _epoch_minute(d, starts[weekday], tz)
                we = _epoch_minute(d, ends[weekday], tz)
                wall = _NO_WALL
            else:
                wall = (day - _EPOCH_ORDINAL) * 1440 - offset  # the day's midnight
                ws = wall + starts[weekday]
                we = wall + ends[weekday]
            ws += late
            while b < nb and busy[b][1] <= ws:
                b += 1
            if cap is None:  # the free parts found and filled in one pass
                j = first
                p = ws
                room = 0  # the free minutes of the window (exact unless all was laid)
                at = ws  # where the next free part may start
                x = b
                filling = True
                while True:
                    if x < nb:
                        busy_start, busy_end = busy[x]
                        if busy_start >= we:
                            x = nb  # no more busy times in the window
                            continue
                        x += 1
                        if busy_start <= at:
                            if busy_end > at:
                                at = busy_end
                            continue
                        part_start, part_end, at = at, busy_start, busy_end
                    elif at < we:
                        part_start, part_end, at = at, we, we
                    else:
                        break
                    room += part_end - part_start
                    if not filling:
                        continue
                    if p < part_start:
                        p = part_start
                    while j < n:
                        r = rem[j]
                        if r <= 0:
                            j += 1
                            continue
                        allow = part_end - p
                        if allow <= 0:
                            break  # the part is full: the next one
                        if left <= allow:  # the day's hours are the limit
                            if r <= left:
                                take = r
                            elif left >= min_minutes:
                                take = left
                            else:
                                filling = False  # a sliver: the rest waits for the next day
                                break
                        elif r <= allow:
                            take = r
                        elif allow >= min_minutes:
                            take = allow
                        else:
                            break  # too short a free part: the next one
                        add((j, p, take, day, wall))
                        rem[j] = r - take
                        left -= take
                        p += take + brk
                        placed = True
                        if take == r:
                            j += 1
                        if not left:
                            break
                    else:
                        filling = False  # every topic laid
                    if not left:
                        break  # all the day's hours laid: none lost, room is not needed
                if left and room < full:
                    monday = day - weekday  # its ordinal
                    lost[monday] = lost.get(monday, 0) + full - room
            else:  # a daily cap per topic: the free parts, then the pieces
                free: list[tuple[int, int]] = []
                room = 0
                at = ws
                x = b
                while x < nb:
                    busy_start, busy_end = busy[x]
                    if busy_start >= we:
                        break
                    if busy_start > at:
                        free.append((at, busy_start))
                        room += busy_start - at
                    if busy_end > at:
                        at = busy_end
                    x += 1
                if at < we:
                    free.append((at, we))
                    room += we - at
                if room < left:
                    monday = day - weekday  # its ordinal
                    lost[monday] = lost.get(monday, 0) + left - room
                placed = _place_parts(free, first, rem, left, cap, min_minutes, brk, day, wall, add)
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
    kept = busy if isinstance(busy, tuple) else tuple(busy)
    return _plan_of(pieces, topic_ids, module_ids, tz, basis, hours_total, last_day, lost, kept)


def _place_parts(
    free: list[tuple[int, int]],
    first: int,
    rem: list[int],
    left: int,
    cap: int | None,
    min_minutes: int,
    brk: int,
    day: int,
    wall: int,
    add: Callable[[tuple[int, int, int, int, int]], None],
) -> bool:
    """Lay a day's ``left`` minutes into its free parts (in order), from topic ``first``;
    ``rem`` is updated. Whether anything was placed."""
    n = len(rem)
    placed = False
    used: dict[int, int] = {}
    j = first
    s = 0
    p = free[0][0] if free else 0
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
        add((j, p, take, day, wall))
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
    return placed


_SETTERS = tuple(getattr(Session, name).__set__ for name in Session.__slots__)
"""Session's slot setters in field order: a Session made with them skips the frozen
__setattr__ and __init__ (as planner.schedule makes its sessions)."""


def _plan_of(
    pieces: list[tuple[int, int, int, int, int]],
    topic_ids: Sequence[str],
    module_ids: Sequence[str],
    tz: tzinfo,
    basis: str,
    hours_total: float,
    last_day: int,
    lost: dict[int, int],
    busy: tuple[tuple[int, int], ...],
) -> Plan:
    parts = [0] * len(topic_ids)
    for piece in pieces:
        parts[piece[0]] += 1
    seen = [0] * len(topic_ids)
    sessions: list[Session] = []
    add = sessions.append
    first_seen = [0] * len(topic_ids)  # each topic's first and last day (0: none)
    last_seen = [0] * len(topic_ids)
    set_topic, set_module, set_start, set_end, set_hours, set_part, set_parts, set_track = _SETTERS
    new = object.__new__
    stamp = datetime.fromtimestamp
    deltas = _minute_deltas()  # a window's minutes stay within its day
    day_deltas = _day_deltas()
    far = len(day_deltas)
    midnight_day = 0
    midnight_wall = _NO_WALL
    midnight = _EPOCH
    for j, start_minute, length, day, wall in pieces:
        k = seen[j] = seen[j] + 1
        session = new(Session)
        set_topic(session, topic_ids[j])
        set_module(session, module_ids[j])
        if wall == _NO_WALL:  # a change of offset in reach: from real time
            start = stamp(start_minute * 60, tz)
            end = stamp((start_minute + length) * 60, tz)
        else:  # one offset all day: wall-clock arithmetic from the local midnight
            if day != midnight_day:
                gap = day - midnight_day
                if wall - midnight_wall == gap * 1440:  # the same offset
                    midnight += day_deltas[gap] if gap < far else timedelta(gap)
                else:
                    d = date.fromordinal(day)
                    midnight = datetime(d.year, d.month, d.day, tzinfo=tz)
                midnight_day, midnight_wall = day, wall
            start = midnight + deltas[start_minute - wall]
            end = midnight + deltas[start_minute - wall + length]
        set_start(session, start)
        set_end(session, end)
        set_hours(session, length / 60)
        set_part(session, k)
        set_parts(session, parts[j])
        set_track(session, None)  # a topic's (tracks: planner.schedule_shape)
        add(session)
        if k == 1:
            first_seen[j] = day
        last_seen[j] = day
    dates: dict[int, date] = {}

    def on(day: int) -> date:
        found = dates.get(day)
        if found is None:
            found = dates[day] = date.fromordinal(day)
        return found

    topic_spans: dict[str, tuple[date, date]] = {}
    module_first: dict[str, int] = {}
    module_last: dict[str, int] = {}
    for j, a in enumerate(first_seen):
        if not a:
            continue
        b = last_seen[j]
        topic_spans[topic_ids[j]] = (on(a), on(b))
        module = module_ids[j]
        if module not in module_first:
            module_first[module], module_last[module] = a, b
        else:
            module_first[module] = min(module_first[module], a)
            module_last[module] = max(module_last[module], b)
    module_spans = {m: (on(a), on(module_last[m])) for m, a in module_first.items()}
    finish = date.fromordinal(last_day) if last_day else None
    lost_hours = {
        date.fromordinal(monday): minutes / 60
        for monday, minutes in sorted(lost.items())
        if monday <= last_day
    }
    return Plan(
        tuple(sessions),
        finish,
        hours_total,
        basis,
        topic_spans,
        module_spans,
        busy_lost=lost_hours,
        busy=busy,
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
