"""Plan = dated, timed study sessions; pace and slippage.

The scheduler is a pure function of (remaining hours per topic, settings, today, zone):
no clock, no I/O, deterministic. ``schedule`` works out the remaining hours from the
roadmap and progress and hands them to ``lay_out``.

Rules
    - Topics are laid out in roadmap order, each from its remaining hours (done and
      skipped work removed, a started topic only what remains). Work is counted in
      whole minutes (each topic's remainder rounded to the minute, at least 1), so
      there is no float drift: the sessions add up exactly to ``hours_remaining``.
    - Study days start at max(today, start_date). A day off, or a weekday with 0 hours,
      gets nothing; no day gets more than its hours.
    - Sessions on a day start at the weekday's start time and follow each other, with
      ``break_minutes`` between them (breaks push later sessions later; they do not
      take from the day's hours). A day may end one topic and start the next. A study
      day ends at midnight: the settings refuse hours that do not fit after the start
      time, and breaks never push a session past it.
    - No session is shorter than ``min_session`` except a topic's last: when less than
      that is left of a day, the next session waits for the next study day.
    - With ``max_topic_hours_per_day``, a topic gets at most that much a day and the rest
      of the day goes to the next topics, in order (so a few topics run side by side).
    - Times are local wall-clock times in the user's zone: a 19:00 session is at 19:00
      local on both sides of a DST change. A start time that does not exist that day
      (in the spring-forward gap) moves forward by the gap; an ambiguous one (fall-back)
      is the first occurrence. Durations are real time.
    - ``basis: stated`` scales each module's topics so the module totals its stated
      estimate (modules without one keep their topic estimates).
    - Nothing runs forever: when no study time is left (every weekday 0 h, days off
      covering everything, days too short for a minimum session for a year on end)
      ``ScheduleError`` says why.

Pace
    ``finish_for`` gives the finish date for a weekly availability; ``hours_needed_by``
    the smallest weekly hours (in 0.5 h steps, spread over the week in the settings'
    proportions) that finishes by a target date.

Slippage
    A *baseline* is the plan as first made: the hours remaining then and the hours it
    planned on each day. Later, *expected* = the hours the baseline planned on days
    before today, *done* = the baseline's hours remaining minus the hours remaining now
    (work finished, logged, skipped or removed since). Behind by expected - done when
    that is positive, ahead by done - expected when negative, "on track" within half an
    hour. The plan itself is always re-made from today.
"""

from __future__ import annotations

import gc
import json
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any, overload

from planner.atomic import write_atomic
from planner.errors import PlannerError
from planner.progress import Progress, remaining_topic_hours, remaining_topic_rows
from planner.roadmap import Effort, Roadmap, Topic
from planner.settings import WEEKDAYS, Settings, check_settings, resolve_zone

STALL_DAYS = 366
"""Study days in a row with nothing placed before the scheduler gives up."""

PACE_STEP = 0.5
"""Weekly hours are searched in steps of this many hours."""

ON_TRACK_HOURS = 0.5
"""Slippage within this many hours either way counts as on track."""

BASELINE_VERSION = 1

_UTC = timezone.utc
_MAX_ORDINAL = date.max.toordinal()


class ScheduleError(PlannerError):
    """No plan can be made with these settings; the message says why and what to change."""


@dataclass(frozen=True, slots=True)
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
    sessions: Sequence[Session]
    """In time order. A tuple, or (from ``lay_out`` and ``schedule``) ``Sessions``: the
    placements kept compact, made into Session objects when first used."""
    finish: date | None
    hours_remaining: float
    basis: str = "topics"
    topic_spans: Mapping[str, tuple[date, date]] = field(default_factory=dict)
    """Each topic's first and last study day (``Spans``, worked out when first used)."""
    module_spans: Mapping[str, tuple[date, date]] = field(default_factory=dict)
    busy_lost: Mapping[date, float] = field(default_factory=dict)
    """Hours lost to busy times, by week (its Monday), in date order; only weeks with some
    (empty when the plan was made without busy times)."""
    busy: Sequence[tuple[int, int]] = ()
    """The busy times the plan was made around (``planner.busy.BusyTimes``: merged, sorted
    minutes since the Unix epoch), for the views to show."""

    def made(self) -> Plan:
        """This plan, with its sessions and spans made now (if they were to be made when
        first used): for a plan made in a worker thread, so that the thread showing it
        does not make them (~1.5 us a session)."""
        iter(self.sessions)  # a Sessions makes them all on first use, once
        len(self.topic_spans)  # a Spans works out both kinds on first use, once
        return self

    def sessions_for(self, item_id: str) -> list[Session]:
        return [s for s in self.sessions if item_id in (s.topic_id, s.module_id)]

    def hours_by_day(self) -> dict[date, float]:
        """Planned hours per study day (the date a session starts on), in date order."""
        sessions = self.sessions
        if isinstance(sessions, Sessions):
            return sessions.hours_by_day()  # the same, from the placements
        out: dict[date, float] = {}
        for s in sessions:
            day = s.start.date()
            out[day] = out.get(day, 0.0) + s.hours
        return out


# -- remaining work -----------------------------------------------------------------------


def stated_roadmap(roadmap: Roadmap, hours_per_day: float, unestimated_hours: float) -> Roadmap:
    """The roadmap with each module's topics scaled to total the module's stated estimate.

    A module without a stated estimate (or whose topics weigh nothing) is kept as it is.
    Ids are unchanged, so progress applies to the result as to the original.
    """
    modules = []
    for module in roadmap.modules:
        stated = module.stated.as_hours(hours_per_day) if module.stated else None
        total = module.hours(hours_per_day, unestimated_hours)
        if stated is None or total <= 0 or not module.topics:
            modules.append(module)
            continue
        factor = stated / total
        topics: list[Topic] = []
        for topic in module.topics:
            hours = topic.hours(hours_per_day, unestimated_hours) * factor
            estimate = Effort(hours, "hours") if hours > 0 else topic.estimate
            topics.append(replace(topic, estimate=estimate))
        modules.append(replace(module, topics=tuple(topics)))
    return Roadmap(roadmap.id, roadmap.title, tuple(modules), roadmap.stated, roadmap.description)


def remaining_hours(roadmap: Roadmap, progress: Progress, settings: Settings) -> dict[str, float]:
    """Hours left per topic id, in roadmap order, on the settings' basis."""
    hpd, unest = settings.hours_per_day, settings.unestimated_hours
    if settings.basis == "stated":
        roadmap = stated_roadmap(roadmap, hpd, unest)
    return remaining_topic_hours(roadmap, progress, hpd, unest)


def _module_of(roadmap: Roadmap) -> dict[str, str]:
    return {t.id: m.id for m in roadmap.modules for t in m.topics}


# -- the rules, in minutes ------------------------------------------------------------------


@dataclass(frozen=True)
class _Rules:
    day_minutes: tuple[int, ...]  # per weekday
    start_minutes: tuple[int, ...]  # per weekday, from midnight
    min_minutes: int
    cap_minutes: int | None
    break_minutes: int
    off: tuple[tuple[int, int], ...]  # merged, sorted (first, last) ordinals

    @classmethod
    def of(cls, settings: Settings, weekly_hours: Mapping[int, float] | None = None) -> _Rules:
        hours = settings.weekly_hours if weekly_hours is None else weekly_hours
        cap = settings.max_topic_hours_per_day
        return cls(
            tuple(max(0, round(hours.get(d, 0.0) * 60)) for d in range(7)),
            tuple(_minute_of_day(settings.start_on(d)) for d in range(7)),
            max(0, round(settings.min_session_hours * 60)),
            round(cap * 60) if cap is not None else None,
            settings.break_minutes,
            _merge_off(settings),
        )


def _minute_of_day(clock: time) -> int:
    return clock.hour * 60 + clock.minute


def _merge_off(settings: Settings) -> tuple[tuple[int, int], ...]:
    spans = sorted((o.start.toordinal(), o.end.toordinal()) for o in settings.days_off)
    merged: list[list[int]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return tuple((a, b) for a, b in merged)


def _to_minutes(hours: float) -> int:
    """A topic's remainder in whole minutes; anything above zero is at least a minute."""
    if not hours > 0:
        return 0
    return max(1, round(hours * 60))


@dataclass
class _Layout:
    """The placed pieces in order, and the study days, as parallel lists of ints (no
    object per piece or day: a large plan has ~150,000 pieces on ~80,000 days)."""

    topic: list[int] = field(default_factory=list)
    """Each piece's topic index."""
    clock: list[int] = field(default_factory=list)
    """Each piece's start, in minutes from its day's midnight."""
    length: list[int] = field(default_factory=list)
    """Each piece's minutes."""
    day: list[int] = field(default_factory=list)
    """Each study day's ordinal."""
    first: list[int] = field(default_factory=list)
    """Each study day's first piece (its index)."""
    end: list[int] = field(default_factory=list)
    """The minute from midnight each study day's last piece ends."""
    last_day: int = 0
    """Ordinal of the last study day (0: nothing placed)."""

    def bounds(self) -> list[int]:
        """Where each study day's pieces end (the next day's first piece; the last: all)."""
        out = self.first[1:]
        if self.first:
            out.append(len(self.topic))
        return out


def _walk(minutes: Sequence[int], rules: _Rules, first_day: date, collect: bool) -> _Layout:
    """Place the minutes: the pieces and days if ``collect``, and the last day."""
    if (
        rules.cap_minutes is None
        and not rules.break_minutes
        and minutes
        and min(minutes) > 0
        and any(rules.day_minutes)
    ):
        return _walk_plain(minutes, rules, first_day, collect)
    return _walk_rules(minutes, rules, first_day, collect)


def _walk_rules(minutes: Sequence[int], rules: _Rules, first_day: date, collect: bool) -> _Layout:
    """``_walk`` for any rules and minutes."""
    n = len(minutes)
    rem = list(minutes)
    first = 0
    while first < n and rem[first] <= 0:
        first += 1
    out = _Layout()
    if first == n:
        return out
    if not any(rules.day_minutes):
        raise ScheduleError(
            "no study time: every weekday has 0 study hours while work remains; "
            "set some in the settings (hours: mon: 1.5) or try --hours mon=2,sat=4"
        )
    day_minutes, start_minutes = rules.day_minutes, rules.start_minutes
    min_minutes, cap, brk = rules.min_minutes, rules.cap_minutes, rules.break_minutes
    off = rules.off
    k = 0
    n_off = len(off)
    day = first_day.toordinal()
    last_day = 0
    idle = idle_from = 0
    add_topic, add_clock, add_length = out.topic.append, out.clock.append, out.length.append
    add_day, add_first, add_end = out.day.append, out.first.append, out.end.append
    while first < n:
        while k < n_off and off[k][1] < day:
            k += 1
        if k < n_off and off[k][0] <= day:
            day = off[k][1] + 1
            if day > _MAX_ORDINAL:
                raise _all_off(off[k][0])
            continue
        left = day_minutes[(day - 1) % 7]
        placed = False
        if left > 0:
            clock = start_minutes[(day - 1) % 7]
            at = len(out.topic)
            j = first
            while left > 0 and j < n:
                r = rem[j]
                if r <= 0:
                    j += 1
                    continue
                allow = left if cap is None or cap > left else cap
                take = r if r <= allow else allow
                if take < r and take < min_minutes:
                    break  # a sliver: wait for the next study day
                if collect:
                    add_topic(j)
                    add_clock(clock)
                    add_length(take)
                rem[j] = r - take
                left -= take
                clock += take + brk
                if brk and left > 1440 - clock:
                    left = 1440 - clock  # breaks may not push a session past midnight
                placed = True
                j += 1
                if cap is None and take < r:
                    break
            while first < n and rem[first] <= 0:
                first += 1
        if placed:
            idle = 0
            last_day = day
            if collect:
                add_day(day)
                add_first(at)
                add_end(clock - brk)
        else:
            if not idle:
                idle_from = day
            idle += 1
            if idle > STALL_DAYS:
                raise ScheduleError(_stall_message(rules, idle_from, day))
        day += 1
        if day > _MAX_ORDINAL and first < n:
            raise ScheduleError("no study time: the plan runs past the year 9999; add study hours")
    out.last_day = last_day
    return out


def _walk_plain(minutes: Sequence[int], rules: _Rules, first_day: date, collect: bool) -> _Layout:
    """``_walk`` without a daily cap per topic or breaks, every topic more than 0 minutes.

    Then only the first open topic can be partly done: a study day takes whole topics
    while they fit, then a piece of the next if at least a minimum session is left (a
    day of 0 hours, or with too little left for the first topic's piece, places nothing).
    The same pieces, days, errors and last day as ``_walk_rules``, several times faster
    (the tests compare the two).
    """
    out = _Layout()
    n = len(minutes)
    day_minutes, start_minutes = rules.day_minutes, rules.start_minutes
    min_minutes, off = rules.min_minutes, rules.off
    k = 0
    n_off = len(off)
    day = first_day.toordinal()
    last_day = 0
    idle = idle_from = 0
    add_topic, add_clock, add_length = out.topic.append, out.clock.append, out.length.append
    add_day, add_first, add_end = out.day.append, out.first.append, out.end.append
    j = 0
    at = 0  # pieces placed so far
    r = minutes[0]  # what is left of topic j, the first open one
    while True:
        while k < n_off and off[k][1] < day:
            k += 1
        if k < n_off and off[k][0] <= day:
            day = off[k][1] + 1
            if day > _MAX_ORDINAL:
                raise _all_off(off[k][0])
            continue
        weekday = (day - 1) % 7
        left = day_minutes[weekday]
        if left > 0 and (r <= left or left >= min_minutes):
            clock = start_minutes[weekday]
            if collect:
                add_day(day)
                add_first(at)
            while True:
                if r <= left:  # the whole topic
                    if collect:
                        add_topic(j)
                        add_clock(clock)
                        add_length(r)
                    at += 1
                    clock += r
                    left -= r
                    j += 1
                    if j == n:
                        break
                    r = minutes[j]
                    if left:
                        continue
                elif left >= min_minutes:  # a piece of it; the rest on the next study day
                    if collect:
                        add_topic(j)
                        add_clock(clock)
                        add_length(left)
                    at += 1
                    clock += left
                    r -= left
                break
            idle = 0
            last_day = day
            if collect:
                add_end(clock)
            if j == n:
                break
        else:
            if not idle:
                idle_from = day
            idle += 1
            if idle > STALL_DAYS:
                raise ScheduleError(_stall_message(rules, idle_from, day))
        day += 1
        if day > _MAX_ORDINAL:
            raise ScheduleError("no study time: the plan runs past the year 9999; add study hours")
    out.last_day = last_day
    return out


def _all_off(first: int) -> ScheduleError:
    """Days off from ``first`` (an ordinal) to the end of the calendar: no plan."""
    return ScheduleError(
        f"no study time: days off cover every day from {date.fromordinal(first)} on; shorten them"
    )


def _stall_message(rules: _Rules, idle_from: int, idle_to: int) -> str:
    longest = max(rules.day_minutes)
    if longest < rules.min_minutes:
        return (
            f"no study time: the longest study day ({_hm(longest)}) is shorter than the "
            f"minimum session ({_hm(rules.min_minutes)}); add hours or lower min_session "
            "in the settings"
        )
    return (
        f"no study time: nothing could be planned from {date.fromordinal(idle_from)} to "
        f"{date.fromordinal(idle_to)} (days off and short study days leave no room for a "
        "minimum session); check hours, days_off and min_session in the settings"
    )


def _hm(minutes: int) -> str:
    return f"{minutes} min" if minutes < 60 else f"{minutes / 60:g} h"


# -- sessions from raw placements ------------------------------------------------------------

_MINUTES: list[timedelta] = []
"""timedelta(minutes=i) for i up to two days, made on first use (a lookup is far cheaper)."""


def _minute_deltas() -> list[timedelta]:
    if not _MINUTES:
        _MINUTES.extend(timedelta(0, 60 * i) for i in range(2 * 1440 + 1))
    return _MINUTES


_DAYS: list[timedelta] = []
"""timedelta(days=i) for i up to a week and a day (how far a day is from its anchor)."""


def _day_deltas() -> list[timedelta]:
    if not _DAYS:
        _DAYS.extend(timedelta(i) for i in range(9))
    return _DAYS


def _td(minutes: int) -> timedelta:
    table = _minute_deltas()
    return table[minutes] if 0 <= minutes < len(table) else timedelta(0, 60 * minutes)


_new = object.__new__
_SETTERS: tuple[Callable[[Session, Any], None], ...] = tuple(
    getattr(Session, name).__set__ for name in Session.__slots__
)
"""The slots' own setters, in field order: a Session made with these skips the frozen
__setattr__ and __init__ (several times faster, and plans hold ~100k of them)."""


def _local(day: date, minute: int, tz: tzinfo) -> datetime:
    """The wall-clock time ``minute`` after midnight on ``day``, normalized (gap -> later)."""
    wall = datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
    return wall.astimezone(_UTC).astimezone(tz)


def _reach(day: int, end_clock: int) -> int:
    """The midnight after a study day's last session ends."""
    return day + 1 if end_clock <= 1440 else day - (-end_clock // 1440)


def _windows(
    layout: _Layout, tz: tzinfo, exact: bool = False
) -> Iterator[tuple[int, int, datetime | None, int]]:
    """The study days in runs timed alike: (index of the run's first day, index past its
    last, anchor, the anchor's day ordinal).

    An anchor is a local midnight from which the run's sessions are timed by wall-clock
    arithmetic: the zone's UTC offset is the same from it to a week ahead (or to where
    the run's last session ends, if later). No anchor (None): a single day with a change
    of offset in reach, timed by ``_exact_times``; ``exact`` makes every day one.
    """
    days, ends = layout.day, layout.end
    n = len(days)
    deltas = _day_deltas()
    probe: datetime | None = None  # the local midnight the last anchor was checked against
    probe_day = 0
    probe_offset: timedelta | None = None
    i = 0
    while i < n:
        day = days[i]
        if exact:
            yield i, i + 1, None, 0
            i += 1
            continue
        if probe is not None and day == probe_day:  # the same local midnight, made again
            anchor, offset = probe, probe_offset
        else:
            d = date.fromordinal(day)
            anchor = datetime(d.year, d.month, d.day, tzinfo=tz)
            offset = anchor.utcoffset()
        window_end = max(_reach(day, ends[i]), day + 7)
        ahead = window_end - day
        probe = anchor + (deltas[ahead] if ahead < len(deltas) else timedelta(ahead))
        probe_day, probe_offset = window_end, probe.utcoffset()
        if probe_offset != offset:
            yield i, i + 1, None, 0
            i += 1
            continue
        k = i + 1
        while k < n:
            next_day, next_end = days[k], ends[k]
            reach = next_day + 1 if next_end <= 1440 else _reach(next_day, next_end)
            if reach > window_end:
                break
            k += 1
        yield i, k, anchor, day
        i = k


def _exact_times(
    layout: _Layout, a: int, b: int, day: int, tz: tzinfo, ends: bool = True
) -> tuple[list[datetime], list[datetime]]:
    """The starts and (if ``ends``) ends of the pieces ``a`` to ``b`` of a day with a change
    of UTC offset in reach: the first start normalized (``_local``), the rest in real time
    from it."""
    clocks, lengths = layout.clock, layout.length
    first_clock = clocks[a]
    base_utc = _local(date.fromordinal(day), first_clock, tz).astimezone(_UTC)
    td = _td
    starts: list[datetime] = []
    finishes: list[datetime] = []
    for i in range(a, b):
        offset = clocks[i] - first_clock
        starts.append((base_utc + td(offset)).astimezone(tz))
        if ends:
            finishes.append((base_utc + td(offset + lengths[i])).astimezone(tz))
    return starts, finishes


def _sessions_of(
    layout: _Layout,
    topic_ids: Sequence[str],
    module_ids: Sequence[str],
    tz: tzinfo,
    exact: bool = False,
) -> tuple[Session, ...]:
    """The sessions of the placed pieces, timed as ``_windows`` says."""
    n = len(topic_ids)
    topics, clocks, lengths = layout.topic, layout.clock, layout.length
    days, firsts, bounds = layout.day, layout.first, layout.bounds()
    parts = [0] * n
    for j in topics:
        parts[j] += 1
    sessions: list[Session] = []
    add = sessions.append
    new = _new
    set_topic, set_module, set_start, set_end, set_hours, set_part, set_parts = _SETTERS
    seen = [0] * n
    mins = _minute_deltas()  # a study day's clock and lengths stay below 1440 minutes
    day_deltas = _day_deltas()
    for first, past, anchor, anchor_day in _windows(layout, tz, exact):
        if anchor is None:
            a, b = firsts[first], bounds[first]
            starts, finishes = _exact_times(layout, a, b, days[first], tz)
            for j, minutes, start, end in zip(
                topics[a:b], lengths[a:b], starts, finishes, strict=True
            ):
                k = seen[j] = seen[j] + 1
                add(Session(topic_ids[j], module_ids[j], start, end, minutes / 60, k, parts[j]))
            continue
        for x in range(first, past):
            midnight = anchor + day_deltas[days[x] - anchor_day]
            for i in range(firsts[x], bounds[x]):
                j = topics[i]
                minutes = lengths[i]
                start = midnight + mins[clocks[i]]
                k = seen[j] = seen[j] + 1
                session = new(Session)
                set_topic(session, topic_ids[j])
                set_module(session, module_ids[j])
                set_start(session, start)
                set_end(session, start + mins[minutes])
                set_hours(session, minutes / 60)
                set_part(session, k)
                set_parts(session, parts[j])
                add(session)
    return tuple(sessions)


SpanDict = dict[str, tuple[date, date]]


def _spans(
    layout: _Layout, topic_ids: Sequence[str], module_ids: Sequence[str]
) -> tuple[SpanDict, SpanDict]:
    """Each topic's and module's first and last study day (the days their pieces are on),
    topics in order, modules in the order of their first topic with a piece."""
    n = len(topic_ids)
    topics = layout.topic
    first_seen = [0] * n
    last_seen = [0] * n
    for day, a, b in zip(layout.day, layout.first, layout.bounds(), strict=True):
        for j in topics[a:b]:
            if not first_seen[j]:
                first_seen[j] = day
            last_seen[j] = day
    fromordinal = date.fromordinal
    dates = {day: fromordinal(day) for day in {*first_seen, *last_seen} if day}
    topic_spans = {
        topic: (dates[first], dates[last])
        for topic, first, last in zip(topic_ids, first_seen, last_seen, strict=True)
        if first
    }
    module_first: dict[str, int] = {}
    module_last: dict[str, int] = {}
    for module, first, last in zip(module_ids, first_seen, last_seen, strict=True):
        if not first:
            continue
        earliest = module_first.get(module)
        if earliest is None:
            module_first[module], module_last[module] = first, last
            continue
        if first < earliest:
            module_first[module] = first
        if last > module_last[module]:
            module_last[module] = last
    module_spans = {m: (dates[first], dates[module_last[m]]) for m, first in module_first.items()}
    return topic_spans, module_spans


def _build(
    layout: _Layout,
    topic_ids: Sequence[str],
    module_ids: Sequence[str],
    tz: tzinfo,
    exact: bool = False,
) -> tuple[tuple[Session, ...], SpanDict, SpanDict]:
    """Sessions, topic spans and module spans from the placed pieces.

    Times come from wall-clock arithmetic on an anchor (a local midnight) while the zone's
    UTC offset stays the same (checked a week ahead); a day with a change of offset in
    reach is worked out exactly: its start normalized, its sessions timed in real time.
    ``exact`` does every day the exact way (the tests compare the two).
    """
    sessions = _sessions_of(layout, topic_ids, module_ids, tz, exact)
    return (sessions, *_spans(layout, topic_ids, module_ids))


def _hours_by_day(layout: _Layout, tz: tzinfo) -> dict[date, float]:
    """``Plan.hours_by_day`` of the sessions ``_sessions_of`` makes, without making them:
    the same days (a session's start date) and the same sums, added in the same order.

    A session starts on its study day except, perhaps, on a day timed exactly (a change
    of UTC offset in reach): only those days' starts are worked out, and if one is on
    another day the sums are made session by session.
    """
    lengths, days, firsts = layout.length, layout.day, layout.first
    if not days:
        return {}
    bounds = layout.bounds()
    sums: list[float] = []
    add = sums.append
    total = 0.0
    x = 0
    day_end = bounds[0]
    for i, minutes in enumerate(lengths):
        if i == day_end:  # the next day's first piece
            add(total)
            total = 0.0
            x += 1
            day_end = bounds[x]
        total += minutes / 60
    add(total)
    keys = list(map(date.fromordinal, days))
    moved = max(layout.end) > 1440
    if not moved:
        for first, _, anchor, _ in _windows(layout, tz):
            if anchor is None:
                starts, _ = _exact_times(
                    layout, firsts[first], bounds[first], days[first], tz, ends=False
                )
                if any(start.date() != keys[first] for start in starts):
                    moved = True
                    break
    if not moved:
        return dict(zip(keys, sums, strict=True))  # one sum per day, each day once
    out: dict[date, float] = {}
    for start, minutes in zip(_starts(layout, tz), lengths, strict=True):
        key = start.date()
        out[key] = out.get(key, 0.0) + minutes / 60
    return out


def _starts(layout: _Layout, tz: tzinfo) -> Iterator[datetime]:
    """Each piece's start, as its session has it."""
    clocks, days, firsts = layout.clock, layout.day, layout.first
    bounds = layout.bounds()
    mins = _minute_deltas()
    day_deltas = _day_deltas()
    for first, past, anchor, anchor_day in _windows(layout, tz):
        if anchor is None:
            a, b = firsts[first], bounds[first]
            yield from _exact_times(layout, a, b, days[first], tz, ends=False)[0]
            continue
        for x in range(first, past):
            midnight = anchor + day_deltas[days[x] - anchor_day]
            for i in range(firsts[x], bounds[x]):
                yield midnight + mins[clocks[i]]


_MANY = 5000
"""Above this many pieces or topics the cyclic GC is paused while sessions or spans are made."""


@contextmanager
def _gc_paused(pause: bool) -> Iterator[None]:
    """The cyclic GC paused (if ``pause`` and it is on). Making many sessions or spans is
    all allocation of objects that are in no cycle: the GC would scan them over and over
    for nothing (about a fifth of the time). Process-wide, so only around such work."""
    paused = pause and gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


# -- the plan made when first used -------------------------------------------------------------


class _Placement:
    """What ``lay_out`` placed, kept compact: the layout, topic and module ids, the zone.

    Its sessions and its spans are made from it when first asked for, once each (a lock
    keeps a plan made in one thread and used in another from making them twice).
    """

    __slots__ = ("_lock", "_sessions", "_spans", "layout", "module_ids", "topic_ids", "tz")

    def __init__(
        self, layout: _Layout, topic_ids: Sequence[str], module_ids: Sequence[str], tz: tzinfo
    ) -> None:
        self.layout = layout
        self.topic_ids = topic_ids
        self.module_ids = module_ids
        self.tz = tz
        self._sessions: tuple[Session, ...] | None = None
        self._spans: tuple[SpanDict, SpanDict] | None = None
        self._lock = threading.Lock()

    def sessions(self) -> tuple[Session, ...]:
        made = self._sessions
        if made is None:
            with self._lock:
                made = self._sessions
                if made is None:
                    made = self._sessions = self._make_sessions()
        return made

    def _make_sessions(self) -> tuple[Session, ...]:
        with _gc_paused(len(self.layout.topic) > _MANY):
            return _sessions_of(self.layout, self.topic_ids, self.module_ids, self.tz)

    def spans(self) -> tuple[SpanDict, SpanDict]:
        made = self._spans
        if made is None:
            with self._lock:
                made = self._spans
                if made is None:
                    with _gc_paused(len(self.topic_ids) > _MANY):
                        made = _spans(self.layout, self.topic_ids, self.module_ids)
                    self._spans = made
        return made

    def hours_by_day(self) -> dict[date, float]:
        return _hours_by_day(self.layout, self.tz)


class Sessions(Sequence[Session]):
    """A plan's sessions, made into ``Session`` objects when first used, then kept.

    It behaves as the tuple of them: index it, slice it (a tuple), iterate, sort, count;
    it equals (and hashes as) that tuple. ``len`` and truth need no sessions made, nor do
    the plan's ``hours_by_day``, ``finish``, ``hours_remaining`` and its baseline: a plan
    that is only measured (status, the header, pace) never makes them.
    """

    __slots__ = ("_placement",)

    def __init__(self, placement: _Placement) -> None:
        self._placement = placement

    def __len__(self) -> int:
        return len(self._placement.layout.topic)

    def __bool__(self) -> bool:
        return bool(self._placement.layout.topic)

    @overload
    def __getitem__(self, index: int) -> Session: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Session, ...]: ...

    def __getitem__(self, index: int | slice) -> Session | tuple[Session, ...]:
        return self._placement.sessions()[index]

    def __iter__(self) -> Iterator[Session]:
        return iter(self._placement.sessions())

    def __reversed__(self) -> Iterator[Session]:
        return reversed(self._placement.sessions())

    def __contains__(self, value: object) -> bool:
        return value in self._placement.sessions()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sessions):
            if other._placement is self._placement:
                return True
            other = other._placement.sessions()
        if not isinstance(other, tuple):
            return NotImplemented
        return self._placement.sessions() == other

    def __hash__(self) -> int:
        return hash(self._placement.sessions())

    def __add__(self, other: tuple[Session, ...]) -> tuple[Session, ...]:
        return self._placement.sessions() + other

    def __radd__(self, other: tuple[Session, ...]) -> tuple[Session, ...]:
        return other + self._placement.sessions()

    def __repr__(self) -> str:
        return repr(self._placement.sessions())

    def __reduce__(self) -> tuple[type[tuple[Session, ...]], tuple[tuple[Session, ...]]]:
        return tuple, (self._placement.sessions(),)  # copied or pickled: the tuple

    def hours_by_day(self) -> dict[date, float]:
        """``Plan.hours_by_day``, from the placements (no sessions made)."""
        return self._placement.hours_by_day()


class Spans(Mapping[str, tuple[date, date]]):
    """A plan's topic spans (``which`` 0) or module spans (1), worked out when first used;
    equal to the dict of them."""

    __slots__ = ("_placement", "_which")

    def __init__(self, placement: _Placement, which: int) -> None:
        self._placement = placement
        self._which = which

    def _data(self) -> SpanDict:
        return self._placement.spans()[self._which]

    def __getitem__(self, key: str) -> tuple[date, date]:
        return self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __contains__(self, key: object) -> bool:
        return key in self._data()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spans):
            other = other._data()
        if isinstance(other, dict):
            return self._data() == other
        return super().__eq__(other)

    __hash__ = None  # type: ignore[assignment]  # as a dict's

    def __repr__(self) -> str:
        return repr(self._data())

    def __reduce__(self) -> tuple[type[SpanDict], tuple[SpanDict]]:
        return dict, (self._data(),)


# -- the public scheduler ----------------------------------------------------------------------


def planned_hours(remaining: Mapping[str, float], basis: str = "topics") -> float:
    """The hours a plan of ``remaining`` holds, in whole minutes as ``lay_out`` counts
    them (its ``hours_remaining``)."""
    return sum(_plan_minutes(remaining.values(), basis)) / 60


def first_day(settings: Settings, today: date) -> date:
    """The first day a session may be on: today, or the start date if that is later."""
    start = settings.start_date
    return start if start is not None and start > today else today


def lay_out(
    remaining: Mapping[str, float],
    module_of: Mapping[str, str] | Callable[[str], str],
    settings: Settings,
    today: date,
    tz: tzinfo,
    *,
    basis: str | None = None,
    busy: Sequence[tuple[int, int]] = (),
) -> Plan:
    """The plan for ``remaining`` (topic id -> hours, in the order to study them).

    Its sessions are ``Sessions``: made into Session objects when first used (a plan
    around ``busy`` times: a tuple).
    """
    check_settings(settings)
    topic_ids = list(remaining)
    lookup = module_of.__getitem__ if isinstance(module_of, Mapping) else module_of
    module_ids = [lookup(t) for t in topic_ids]
    basis = basis or settings.basis
    minutes = _plan_minutes(remaining.values(), basis)
    return _plan(topic_ids, module_ids, minutes, settings, today, tz, basis, busy)


def _minutes_of(hours: Iterable[float]) -> list[int]:
    """``_to_minutes`` of each, worked out once per distinct figure (most repeat)."""
    figures = list(hours)
    of = {h: _to_minutes(h) for h in set(figures)}  # equal floats: equal minutes
    return list(map(of.__getitem__, figures))


def _plan_minutes(hours: Iterable[float], basis: str) -> list[int]:
    """Each topic's remaining hours in whole minutes, as the plan holds them.

    Each is rounded on its own (estimates are whole minutes, so mostly nothing is), but
    on the stated basis every topic of a module is scaled by the module's factor, and 28
    topics rounded on their own made the seed's 640 stated hours plan as 640.05 h: there
    the minutes are shared out to add up to the rounded total (``_whole_minutes``).
    """
    if basis != "stated":
        return _minutes_of(hours)
    figures = list(hours)
    return _whole_minutes(figures, round(sum(h for h in figures if h > 0) * 60))


def _whole_minutes(hours: Sequence[float], total: int) -> list[int]:
    """``hours`` in whole minutes that add up to ``total`` (a share above zero keeps at
    least a minute): each rounded down, then the minutes left go to the largest
    remainders, the first of equal remainders first."""
    exact = [h * 60 if h > 0 else 0.0 for h in hours]
    whole = [math.floor(m) for m in exact]
    left = total - sum(whole)
    if left > 0:
        by_remainder = sorted(range(len(exact)), key=lambda i: whole[i] - exact[i])
        for i in by_remainder[:left]:
            whole[i] += 1
    return [max(1, w) if m > 0 else 0 for w, m in zip(whole, exact, strict=True)]


def _plan(
    topic_ids: Sequence[str],
    module_ids: Sequence[str],
    minutes: Sequence[int],
    settings: Settings,
    today: date,
    tz: tzinfo,
    basis: str,
    busy: Sequence[tuple[int, int]] = (),
) -> Plan:
    if busy or settings.end_times:  # the busy-aware walk (planner.schedule_busy)
        from planner.schedule_busy import plan_around

        start = first_day(settings, today)
        return plan_around(topic_ids, module_ids, minutes, settings, start, tz, basis, busy)
    layout = _walk(minutes, _Rules.of(settings), first_day(settings, today), collect=True)
    hours = sum(minutes) / 60
    if not layout.topic:
        return Plan((), None, hours, basis)
    placed = _Placement(layout, topic_ids, module_ids, tz)
    return Plan(
        Sessions(placed),
        date.fromordinal(layout.last_day),
        hours,
        basis,
        Spans(placed, 0),
        Spans(placed, 1),
    )


def schedule(
    roadmap: Roadmap,
    progress: Progress,
    settings: Settings,
    today: date,
    tz: tzinfo | None = None,
    busy: Sequence[tuple[int, int]] = (),
) -> Plan:
    """The plan from ``today``; ``tz`` defaults to the settings' zone (or the system's).

    ``lay_out`` of ``remaining_hours``, each topic in its module; its sessions are made
    when first used. ``busy`` (``planner.busy.BusyTimes``) are kept clear of
    (``planner.schedule_busy``).
    """
    check_settings(settings)
    zone = tz if tz is not None else resolve_zone(settings)
    hpd, unest = settings.hours_per_day, settings.unestimated_hours
    source = stated_roadmap(roadmap, hpd, unest) if settings.basis == "stated" else roadmap
    topic_ids, module_ids, hours = remaining_topic_rows(source, progress, hpd, unest)
    if not roadmap.unique_ids and len(set(topic_ids)) < len(topic_ids):
        # a topic id twice (a roadmap made in code): as the mappings have it
        left = remaining_hours(roadmap, progress, settings)
        return lay_out(left, _module_of(roadmap), settings, today, zone, busy=busy)
    minutes = _plan_minutes(hours, settings.basis)
    return _plan(topic_ids, module_ids, minutes, settings, today, zone, settings.basis, busy)


# -- pace -----------------------------------------------------------------------------------


def _finish(minutes: Sequence[int], rules: _Rules, start: date) -> date | None:
    last = _walk(minutes, rules, start, collect=False).last_day
    return date.fromordinal(last) if last else None


def finish_for(
    remaining: Mapping[str, float],
    settings: Settings,
    today: date,
    weekly_hours: Mapping[int, float] | None = None,
) -> date | None:
    """The finish date with ``weekly_hours`` (weekday -> hours; default the settings')."""
    check_settings(settings)
    minutes = _plan_minutes(remaining.values(), settings.basis)
    return _finish(minutes, _Rules.of(settings, weekly_hours), first_day(settings, today))


@dataclass(frozen=True)
class Pace:
    """The answer to "how many hours a week to finish by ``target``?"."""

    target: date
    weekly_hours: float
    """Total hours a week, a multiple of ``PACE_STEP``."""
    hours: dict[int, float]
    """That total spread over the weekdays (Monday = 0), in the settings' proportions."""
    finish: date | None
    """The finish date at that pace (None: nothing left to do)."""


def proportions(settings: Settings) -> dict[int, float]:
    """Each weekday's share of the week (Mon-Fri evenly when every weekday has 0 hours)."""
    total = sum(settings.hours_on(d) for d in range(7))
    if total <= 0:
        return {d: (0.2 if d < 5 else 0.0) for d in range(7)}
    return {d: settings.hours_on(d) / total for d in range(7)}


def spread(weekly: float, shares: Mapping[int, float]) -> dict[int, float]:
    """``weekly`` hours over the weekdays in ``shares``, each day rounded to the minute."""
    return {d: round(weekly * shares.get(d, 0.0) * 60) / 60 for d in range(7)}


def hours_needed_by(
    target: date,
    remaining: Mapping[str, float],
    settings: Settings,
    today: date,
) -> Pace:
    """The fewest weekly hours (in 0.5 h steps) that finish by ``target``.

    The hours keep the settings' weekly proportions; no day is given more hours than fit
    between its start time and midnight. Raises ``ScheduleError`` for a target before
    today, or one no pace can meet.
    """
    check_settings(settings)
    if target < today:
        raise ScheduleError(f"the target date {target} is before today ({today}); pick a later one")
    minutes = _plan_minutes(remaining.values(), settings.basis)
    if not any(m > 0 for m in minutes):
        return Pace(target, 0.0, dict.fromkeys(range(7), 0.0), None)
    shares = proportions(settings)
    start = first_day(settings, today)
    if start > target:
        raise ScheduleError(
            f"the plan starts on {start} (start_date), after the target date {target}"
        )
    # the most a week can hold: every study day filled up to midnight
    room = min(
        (24 * 60 - _minute_of_day(settings.start_on(d))) / 60 / share
        for d, share in shares.items()
        if share > 0
    )
    top = max(1, math.floor(room / PACE_STEP + 1e-9))

    def finish_at(step: int) -> date | None:
        hours = spread(step * PACE_STEP, shares)
        try:
            return _finish(minutes, _Rules.of(settings, hours), start)
        except ScheduleError:
            return None

    def meets(step: int) -> bool:
        end = finish_at(step)
        return end is not None and end <= target

    if not meets(top):
        end = finish_at(top)
        when = f"finishes on {end}" if end is not None else "cannot be planned"
        raise ScheduleError(
            f"cannot finish by {target}: even {top * PACE_STEP:g} h a week (every study day "
            f"filled up to midnight) {when}; pick a later date or remove days off"
        )
    low, high = 0, top  # meets(high) holds; meets(low) is taken as false
    while high - low > 1:
        mid = (low + high) // 2
        if meets(mid):
            high = mid
        else:
            low = mid
    weekly = high * PACE_STEP
    return Pace(target, weekly, spread(weekly, shares), finish_at(high))


# -- slippage ----------------------------------------------------------------------------------


class BaselineError(PlannerError):
    """The baseline file cannot be read (it is left as it is)."""


def make_baseline(plan: Plan, today: date) -> dict[str, Any]:
    """Plain data to keep (as JSON) for measuring slippage later."""
    hours = plan.hours_by_day()
    # round(h, 4) once per distinct figure (most days hold the same hours); equal floats
    # round alike, as a day's sum starts at 0.0 there is no -0.0 to tell from 0.0
    rounded = {h: round(h, 4) for h in set(hours.values())}
    figures = map(rounded.__getitem__, hours.values())
    days = dict(zip(map(date.isoformat, hours), figures, strict=True))
    return {
        "version": BASELINE_VERSION,
        "made": today.isoformat(),
        "basis": plan.basis,
        "hours_remaining": plan.hours_remaining,
        "finish": plan.finish.isoformat() if plan.finish else None,
        "days": days,
    }


@dataclass(frozen=True)
class Slippage:
    since: date
    """When the baseline was made."""
    expected: float
    """Hours the baseline planned on days before today."""
    done: float
    """Hours of work finished, logged, skipped or removed since the baseline."""
    baseline_finish: date | None = None

    @property
    def hours(self) -> float:
        """Positive: behind by that much; negative: ahead."""
        return self.expected - self.done

    @property
    def state(self) -> str:
        if abs(self.hours) < ON_TRACK_HOURS:
            return "on track"
        return "behind" if self.hours > 0 else "ahead"

    def words(self) -> str:
        """'on track', 'behind by 3 h' or 'ahead by 1.5 h'."""
        state = self.state
        if state == "on track":
            return state
        return f"{state} by {_round_hours(abs(self.hours))} h"


def _round_hours(hours: float) -> str:
    return f"{round(hours, 1):g}" if hours < 10 else f"{round(hours):d}"


def _check_baseline(data: object) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise ValueError("not a baseline of this version")
    date.fromisoformat(str(data["made"]))
    float(data["hours_remaining"])
    days = data["days"]
    if not isinstance(days, dict):
        raise ValueError("days is not a mapping")
    for key, value in days.items():
        date.fromisoformat(key)
        float(value)
    return data


def slippage(baseline: Mapping[str, Any], plan: Plan, today: date) -> Slippage | None:
    """Slippage of ``plan`` against ``baseline`` (None when they use different bases)."""
    if baseline.get("basis", "topics") != plan.basis:
        return None
    cutoff = today.isoformat()
    expected = sum(float(h) for day, h in baseline["days"].items() if day < cutoff)
    done = float(baseline["hours_remaining"]) - plan.hours_remaining
    finish = baseline.get("finish")
    return Slippage(
        date.fromisoformat(str(baseline["made"])),
        expected,
        done,
        date.fromisoformat(finish) if isinstance(finish, str) else None,
    )


def read_baseline(path: Path) -> dict[str, Any] | None:
    """The kept baseline; None when there is none; BaselineError when it cannot be used."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read the plan baseline {path} ({exc})") from None
    try:
        return _check_baseline(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise BaselineError(
            f"the plan baseline {path} cannot be used ({exc}); delete it to start a new one"
        ) from None


def ensure_baseline(path: Path, plan: Plan, today: date) -> dict[str, Any] | None:
    """The kept baseline, made from ``plan`` (and written atomically) when there is none.

    Nothing is written for an empty plan. A file that cannot be used raises
    ``BaselineError`` and is left as it is.
    """
    existing = read_baseline(path)
    if existing is not None or not plan.sessions:
        return existing
    data = make_baseline(plan, today)
    write_atomic(path, _baseline_text(data))
    return data


def _baseline_text(data: Mapping[str, Any]) -> str:
    """``json.dumps(data, indent=1)`` and a newline: the same text, made several times faster.

    The standard encoder indents in pure Python; a large roadmap's baseline has a line per
    study day (~80,000 for 10,000 topics), so the days are written here, one line each.
    """
    days = data.get("days")
    keys = list(data)
    if not isinstance(days, dict) or not days or len(keys) < 2 or keys[-1] != "days":
        return json.dumps(data, indent=1) + "\n"
    head = json.dumps({k: data[k] for k in keys[:-1]}, indent=1)
    quote, to_text, finite = json.encoder.encode_basestring_ascii, float.__repr__, math.isfinite
    rows = []
    for day, hours in days.items():
        value = to_text(hours) if type(hours) is float and finite(hours) else json.dumps(hours)
        rows.append(f"  {quote(day)}: {value}")
    return head[:-2] + ',\n "days": {\n' + ",\n".join(rows) + "\n }\n}\n"


def weekday_names(hours: Mapping[int, float]) -> str:
    """ "mon 1.5, tue 1.5, sat 4" (days with 0 hours left out)."""
    return ", ".join(f"{WEEKDAYS[d]} {hours[d]:g}" for d in range(7) if hours.get(d, 0) > 0)
