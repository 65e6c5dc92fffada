"""The scheduler's speed machinery: how ``planner.schedule`` places and builds a plan fast.

``planner.schedule`` says what a plan is (its rules, ``Plan``, ``Session``, pace,
slippage, the baseline); this module does the work, with the same results as the plain
reading of those rules (the tests compare them, and pin a fingerprint of many plans):

- the walks: ``_walk_rules`` places any rules' minutes; ``_walk_plain``, its twin, the
  common case (no daily cap, no breaks) several times faster. Both keep the pieces as
  parallel lists of ints (``_Layout``), no object per piece or day;
- sessions made from the placements only when first used (``Sessions``, ``Spans``,
  ``_Placement``), timed by wall-clock arithmetic from an anchor where the zone's offset
  stays the same and exactly around a change, with the cyclic GC paused while many are
  made;
- the baseline's JSON written a line per day (``_baseline_text``).

``planner.schedule`` imports this module; the few names this one takes from it
(``Session``, ``ScheduleError``, ``STALL_DAYS``) are imported where they are used, so
either module may be imported first.
"""

from __future__ import annotations

import gc
import json
import math
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from planner.schedule import ScheduleError, Session, _Rules

_UTC = timezone.utc
_MAX_ORDINAL = date.max.toordinal()


# -- the walks --------------------------------------------------------------------------------


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
    from planner.schedule import STALL_DAYS, ScheduleError

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
    off, lengths = rules.off, rules.lengths
    used_day, used = rules.used
    starts = start_minutes  # the start times, the used day's later (``_after_used``)
    look = 0  # the next day to ask ``lengths`` about (and the used day's next)
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
        weekday = (day - 1) % 7
        left = day_minutes[weekday]
        limit = 1440  # the day's midnight, in minutes from the last
        if day >= look:
            change, look = lengths.at(day)
            if change and left > 0:  # a day of 23 or 25 hours: sessions run in real time
                room = lengths.room(day, start_minutes[weekday])
                limit = start_minutes[weekday] + room
                if room < left:
                    left = room
            starts = start_minutes
            if used and day == used_day:  # minutes already studied that day: taken first
                left, starts = _after_used(left, start_minutes, weekday, used)
                look = day + 1  # the next day has its own start again
        placed = False
        if left > 0:
            clock = starts[weekday]
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
                if brk and left > limit - clock:
                    left = limit - clock  # breaks may not push a session past midnight
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
            raise _past_the_calendar(first_day)
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
    from planner.schedule import STALL_DAYS, ScheduleError

    out = _Layout()
    n = len(minutes)
    day_minutes, start_minutes = rules.day_minutes, rules.start_minutes
    min_minutes, off, lengths = rules.min_minutes, rules.off, rules.lengths
    used_day, used = rules.used
    starts = start_minutes  # the start times, the used day's later (``_after_used``)
    look = 0  # the next day to ask ``lengths`` about (and the used day's next)
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
        if day >= look:
            change, look = lengths.at(day)
            if change and left > 0:  # a day of 23 or 25 hours
                left = min(left, lengths.room(day, start_minutes[weekday]))
            starts = start_minutes
            if used and day == used_day:  # minutes already studied that day: taken first
                left, starts = _after_used(left, start_minutes, weekday, used)
                look = day + 1  # the next day has its own start again
        if left > 0 and (r <= left or left >= min_minutes):
            clock = starts[weekday]
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
            raise _past_the_calendar(first_day)
    out.last_day = last_day
    return out


def _after_used(
    left: int, start_minutes: Sequence[int], weekday: int, used: int
) -> tuple[int, tuple[int, ...]]:
    """The day's minutes less the ``used`` minutes already studied on it, and the start
    times with that weekday's ``used`` minutes later (the rest of the day after them).

    The walks apply it where they ask ``lengths`` about a day (the first day always), so
    the other days pay nothing for it."""
    later = tuple(m + used if d == weekday else m for d, m in enumerate(start_minutes))
    return (left - used if left > used else 0), later


def _past_the_calendar(first_day: date) -> ScheduleError:
    """The plan from ``first_day`` (the start date, or today) does not end by 9999-12-31."""
    from planner.schedule import ScheduleError

    return ScheduleError(
        f"the plan starting {first_day} runs past the calendar's last day (9999-12-31); "
        "set an earlier start date, or add study hours"
    )


def _all_off(first: int) -> ScheduleError:
    """Days off from ``first`` (an ordinal) to the end of the calendar: no plan."""
    from planner.schedule import ScheduleError

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
_SETTERS: list[Callable[[Session, Any], None]] = []
"""The slots' own setters, in field order: a Session made with these skips the frozen
__setattr__ and __init__ (several times faster, and plans hold ~100k of them)."""


def _setters() -> list[Callable[[Session, Any], None]]:
    if not _SETTERS:
        from planner.schedule import Session

        _SETTERS.extend(getattr(Session, name).__set__ for name in Session.__slots__)
    return _SETTERS


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
    the run's last session ends, if later), and no session of the run ends at a midnight
    in a gap. No anchor (None): a single day with a change of offset in reach, timed by
    ``_exact_times``; ``exact`` makes every day one.
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
            if reach == window_end and next_end % 1440 == 0 and _in_gap(probe, offset):
                break  # it ends at a midnight the clocks skip: timed on its own
            k += 1
        yield i, k, anchor, day
        i = k


def _in_gap(midnight: datetime, offset: timedelta | None) -> bool:
    """Whether ``midnight`` (whose offset is ``offset``) is a time the clocks skip, in a
    zone that changes at midnight (America/Santiago): a session that ends there, timed
    from an anchor before it, would read as that time, not as the hour after the gap."""
    return midnight.replace(fold=1).utcoffset() != offset


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
    tracks: Sequence[str | None] | None = None,
) -> tuple[Session, ...]:
    """The sessions of the placed pieces, timed as ``_windows`` says (``tracks``: each
    index's track title, None for a topic; see ``planner.schedule_shape``)."""
    from planner.schedule import Session

    n = len(topic_ids)
    topics, clocks, lengths = layout.topic, layout.clock, layout.length
    days, firsts, bounds = layout.day, layout.first, layout.bounds()
    parts = [0] * n
    for j in topics:
        parts[j] += 1
    sessions: list[Session] = []
    add = sessions.append
    new = _new
    set_topic, set_module, set_start, set_end, set_hours, set_part, set_parts, set_track = (
        _setters()
    )
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
                track = tracks[j] if tracks is not None else None
                add(
                    Session(
                        topic_ids[j], module_ids[j], start, end, minutes / 60, k, parts[j], track
                    )
                )
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
                set_track(session, tracks[j] if tracks is not None else None)
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

    __slots__ = (
        "_layout",
        "_lock",
        "_make_layout",
        "_sessions",
        "_spans",
        "module_ids",
        "topic_ids",
        "tracks",
        "tz",
    )

    def __init__(
        self,
        layout: _Layout | Callable[[], _Layout],
        topic_ids: Sequence[str],
        module_ids: Sequence[str],
        tz: tzinfo,
        tracks: Sequence[str | None] | None = None,
    ) -> None:
        """``layout``: the placed pieces, or what makes them when first needed (a shaped
        plan's tracks, ``planner.schedule_shape``)."""
        self.tracks = tracks
        """Each index's track title (None: a topic's); None: no tracks. Track pieces are
        sessions of their track, and in neither kind of span."""
        if isinstance(layout, _Layout):
            self._layout: _Layout | None = layout
            self._make_layout: Callable[[], _Layout] | None = None
        else:
            self._layout, self._make_layout = None, layout
        self.topic_ids = topic_ids
        self.module_ids = module_ids
        self.tz = tz
        self._sessions: tuple[Session, ...] | None = None
        self._spans: tuple[SpanDict, SpanDict] | None = None
        self._lock = threading.RLock()  # (the layout is made under it too)

    @property
    def layout(self) -> _Layout:
        made = self._layout
        if made is None:
            with self._lock:
                made = self._layout
                if made is None:
                    assert self._make_layout is not None
                    made = self._layout = self._make_layout()
                    self._make_layout = None
        return made

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
            if self.tracks is None:
                return _sessions_of(self.layout, self.topic_ids, self.module_ids, self.tz)
            return _sessions_of(
                self.layout, self.topic_ids, self.module_ids, self.tz, tracks=self.tracks
            )

    def spans(self) -> tuple[SpanDict, SpanDict]:
        made = self._spans
        if made is None:
            with self._lock:
                made = self._spans
                if made is None:
                    with _gc_paused(len(self.topic_ids) > _MANY):
                        made = _spans(self.layout, self.topic_ids, self.module_ids)
                    if self.tracks is not None:  # the topics' spans only
                        titles = {t for t in self.tracks if t is not None}
                        modules = {
                            m
                            for m, t in zip(self.module_ids, self.tracks, strict=True)
                            if t is None
                        }
                        made = (
                            {k: v for k, v in made[0].items() if k not in titles},
                            {k: v for k, v in made[1].items() if k in modules},
                        )
                    self._spans = made
        return made

    def hours_by_day(self) -> dict[date, float]:
        """The topics' planned hours per day (a track's are not work on the roadmap: the
        baseline and slippage count the topics' only)."""
        if self.tracks is None:
            return _hours_by_day(self.layout, self.tz)
        return _hours_by_day(_topics_only(self.layout, self.tracks), self.tz)


def _topics_only(layout: _Layout, tracks: Sequence[str | None]) -> _Layout:
    """``layout`` without the pieces of tracks (their indexes' ``tracks`` entry set)."""
    out = _Layout()
    for day, a, b, end in zip(layout.day, layout.first, layout.bounds(), layout.end, strict=True):
        at = len(out.topic)
        for i in range(a, b):
            if tracks[layout.topic[i]] is None:
                out.topic.append(layout.topic[i])
                out.clock.append(layout.clock[i])
                out.length.append(layout.length[i])
        if len(out.topic) > at:
            out.day.append(day)
            out.first.append(at)
            out.end.append(end)
    out.last_day = layout.last_day
    return out


class Sessions(Sequence["Session"]):
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


# -- the baseline's text ---------------------------------------------------------------------


def _baseline_text(data: Mapping[str, Any]) -> str:
    """``json.dumps(data, indent=1)`` and a newline: the same text, made several times faster.

    The standard encoder indents in pure Python; a large roadmap's baseline has a line per
    study day (~80,000 for 10,000 topics), so the days are written here, one line each.
    """
    days = data.get("days")
    keys = list(data)
    if not isinstance(days, dict) or not days or len(keys) < 2 or keys[-1] != "days":
        return json.dumps(data, indent=1) + "\n"
    quote, to_text, finite = json.encoder.encode_basestring_ascii, float.__repr__, math.isfinite
    topics = data.get("topics")
    if len(keys) > 2 and keys[-2:] == ["topics", "days"] and isinstance(topics, dict) and topics:
        if not all(type(m) is int for m in topics.values()):
            return json.dumps(data, indent=1) + "\n"
        # each topic's whole minutes, one line each, as the standard encoder writes them
        head = json.dumps({k: data[k] for k in keys[:-2]}, indent=1)
        lines = ",\n".join(f"  {quote(t)}: {m}" for t, m in topics.items())
        head = head[:-2] + ',\n "topics": {\n' + lines + "\n }\n}"
    else:
        head = json.dumps({k: data[k] for k in keys[:-1]}, indent=1)
    rows = []
    for day, hours in days.items():
        value = to_text(hours) if type(hours) is float and finite(hours) else json.dumps(hours)
        rows.append(f"  {quote(day)}: {value}")
    return head[:-2] + ',\n "days": {\n' + ",\n".join(rows) + "\n }\n}\n"
