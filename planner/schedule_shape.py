"""Laying the plan around pinned sessions and beside parallel tracks.

``schedule`` comes here instead of its fast walks when the progress holds pins or the
settings have tracks; with neither it never does, so a plan without them is made as
before, as fast. The rules are ``planner.schedule``'s, with these:

    - Pins (``planner.shape``) stay where they are pinned, on any day (a day off too):
      their minutes come out of their topic's remaining hours (a pin longer than what is
      left is cut to it) and out of their day's hours. Nothing else overlaps a pin.
    - A track (``settings.tracks``) gets its weekly hours spread over its days (the
      weekdays it names, or every weekday with hours) in the week's proportions, in whole
      minutes that add up to its weekly hours; on each of its days its share comes out of
      the day's hours first, laid from the start time. Topics take the rest, in the
      queue's order, in the free parts of the day (a part too short for a minimum session
      is passed over, unless it holds the topic's rest).
    - A track runs from ``from`` (a date; or a module or topic id: the day that topic,
      or the module's first topic in the queue, comes up: every topic before it in the
      queue done) to ``until`` (a date, inclusive; or an id: the day that topic, or the
      module's last, is done); never past the end of the plan (when the topics are done).
    - Track sessions are ``Session``s with ``track`` set to the track's title (their
      ``topic_id`` is that title, their ``module_id`` ``"track"``); the plan's hours
      remaining, finish and spans are the topics'.
    - Busy times and end times (``planner.schedule_busy``'s rules), handed in as
      ``Blocked``: no session, of a topic or a track, takes them; what does not fit a
      day's free parts moves on. The hours lost to them are not reported for such a
      plan (``Plan.busy_lost`` stays empty).

Times are wall-clock minutes from midnight as in ``planner.schedule``; a study day ends
at its real midnight (on a day the clocks change, ``lengths.room``), and the pieces of a
day are timed in real time from its first, so no two sessions overlap.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from planner.schedule import STALL_DAYS, Plan, ScheduleError, _Rules
from planner.schedule_fast import Sessions, Spans, _Layout, _Placement, _stall_message
from planner.settings import Settings, Track
from planner.shape import Pin

_FAST = True
"""Whether days without pins, cap or breaks are laid by the short path (the tests compare
the plans made with and without it)."""

TRACK_MODULE = "track"
"""The ``module_id`` of a track's sessions."""
_MAX_ORDINAL = date.max.toordinal()


@dataclass
class _TrackRun:
    title: str
    day_minutes: tuple[int, ...]  # per weekday
    from_day: int  # ordinal; 0: none
    until_day: int  # ordinal; 0: none
    from_index: int  # queue index; -1: none
    until_rows: tuple[int, ...]  # queue indexes; (): none


def track_minutes(track: Track, day_minutes: Sequence[int]) -> tuple[int, ...]:
    """A track's weekly hours over its days, in whole minutes per weekday, in the week's
    proportions, adding up to the weekly hours (the largest remainders get the minutes
    left); ``ScheduleError`` naming ``tracks`` when its days have fewer hours."""
    days = [d for d in range(7) if (not track.days or d in track.days) and day_minutes[d] > 0]
    total = round(track.hours * 60)
    room = sum(day_minutes[d] for d in days)
    if total > room:
        raise ScheduleError(
            f"tracks: '{track.title}' asks {track.hours:g} h a week, but its days have "
            f"{room / 60:g} h; lower its hours or give it more days"
        )
    exact = {d: total * day_minutes[d] / room for d in days} if room else {}
    whole = {d: int(v) for d, v in exact.items()}
    left = total - sum(whole.values())
    for d in sorted(days, key=lambda d: whole[d] - exact[d])[:left]:
        whole[d] += 1
    return tuple(whole.get(d, 0) for d in range(7))


def _runs(
    tracks: Sequence[Track], rules: _Rules, topic_ids: Sequence[str], module_ids: Sequence[str]
) -> list[_TrackRun]:
    runs = []
    per_day = [0] * 7
    for track in tracks:
        minutes = track_minutes(track, rules.day_minutes)
        for d in range(7):
            per_day[d] += minutes[d]
        from_index = -1
        if track.from_id is not None:
            rows = [
                i
                for i, (t, m) in enumerate(zip(topic_ids, module_ids, strict=True))
                if track.from_id in (t, m)
            ]
            from_index = min(rows) if rows else -1  # nothing left of it: it has come up
        until_rows: tuple[int, ...] = ()
        if track.until_id is not None:
            until_rows = tuple(
                i
                for i, (t, m) in enumerate(zip(topic_ids, module_ids, strict=True))
                if track.until_id in (t, m)
            ) or (-1,)  # nothing left of it: it has ended
        runs.append(
            _TrackRun(
                track.title,
                minutes,
                track.from_date.toordinal() if track.from_date else 0,
                track.until_date.toordinal() if track.until_date else 0,
                from_index,
                until_rows,
            )
        )
    for d in range(7):
        if per_day[d] > rules.day_minutes[d]:
            raise ScheduleError(
                "tracks: together they ask more hours than the week's days have; lower them"
            )
    return runs


def plan_shaped(
    topic_ids: Sequence[str],
    module_ids: Sequence[str],
    minutes: Sequence[int],
    settings: Settings,
    start: date,
    tz: tzinfo,
    basis: str,
    pins: Sequence[Pin],
    tracks: Sequence[Track],
    blocked: Mapping[int, Sequence[tuple[int, int]]] | None = None,
) -> Plan:
    """The plan of ``minutes`` (per topic, in queue order) from ``start``, around ``pins``
    and beside ``tracks`` (see the module's docstring).

    ``blocked``: times no session may take (busy times, ``planner.schedule_busy``), by day
    ordinal, as (start, end) wall-clock minutes of that day; unlike pins they take nothing
    from the day's hours (what does not fit moves on, as hours that do not fit do)."""
    rules = _Rules.of(settings, tz=tz)
    n = len(topic_ids)
    rem = list(minutes)
    index = {t: i for i, t in enumerate(topic_ids)}
    first_ordinal = start.toordinal()
    pinned: dict[int, list[tuple[int, int, int]]] = {}  # day -> (clock, length, row)
    for pin in sorted(pins):
        j = index.get(pin.topic_id)
        day = pin.day.toordinal()
        if j is None or day < first_ordinal or rem[j] <= 0:
            continue
        take = min(pin.minutes, rem[j])
        rem[j] -= take
        pinned.setdefault(day, []).append((pin.clock, take, j))
    runs = _runs(tracks, rules, topic_ids, module_ids)
    last_pin = max(pinned, default=0)

    day_minutes, start_minutes = rules.day_minutes, rules.start_minutes
    min_minutes, cap, brk, off = (
        rules.min_minutes,
        rules.cap_minutes,
        rules.break_minutes,
        rules.off,
    )
    first = 0
    while first < n and rem[first] <= 0:
        first += 1
    # (day, clock, length, row or -1 - track)
    pieces: list[tuple[int, int, int]] = []  # a general day's (clock, length, row or -1 - track)
    layout = _Layout()
    topics, days, firsts, ends = layout.topic, layout.day, layout.first, layout.end
    put_topic, put_clock, put_length = topics.append, layout.clock.append, layout.length.append
    last_day = 0
    day = first_ordinal
    k = 0
    idle = idle_from = 0
    if first < n and not any(day_minutes):
        raise ScheduleError(
            "no study time: every weekday has 0 study hours while work remains; "
            "set some in the settings (hours: mon: 1.5) or try --hours mon=2,sat=4"
        )
    lengths = rules.lengths
    plain = _FAST and cap is None and not brk
    look = 0  # the next day to ask ``lengths`` about
    add = pieces.append
    n_off = len(off)
    while first < n or day <= last_pin:
        while k < n_off and off[k][1] < day:
            k += 1
        day_off = k < n_off and off[k][0] <= day
        weekday = (day - 1) % 7
        here = pinned.get(day)
        busy = blocked.get(day) if blocked else None
        at = len(topics)
        fast_end = -1
        pieces.clear()
        if here:
            for clock, length, j in here:
                add((clock, length, j))
            left = 0 if day_off else day_minutes[weekday] - sum(p[1] for p in here)
        else:
            left = 0 if day_off else day_minutes[weekday]
        placed = bool(here)  # a topic's piece (tracks alone do not keep the walk going)
        if left > 0:
            begin = start_minutes[weekday]
            limit = 1440
            if day >= look:
                change, look = lengths.at(day)
                if change:  # a day of 23 or 25 hours: it ends at its real midnight
                    limit = begin + lengths.room(day, begin)
            if plain and not here and not busy and limit == 1440:
                # the common day: one free part that holds the day's hours (the settings
                # see to that), no cap, no breaks: the tracks' shares, then whole topics
                # while they fit and a piece of the next (as ``_walk_plain`` does)
                clock = begin
                for r, run in enumerate(runs):
                    want = run.day_minutes[weekday]
                    if want <= 0 or not _active(run, day, first, rem):
                        continue
                    if want > left:
                        want = left
                    put_topic(n - 1 - (-1 - r))
                    put_clock(clock)
                    put_length(want)
                    clock += want
                    left -= want
                while left > 0 and first < n:
                    r_j = rem[first]
                    if r_j <= left:
                        put_topic(first)
                        put_clock(clock)
                        put_length(r_j)
                        clock += r_j
                        left -= r_j
                        rem[first] = 0
                        placed = True
                        first += 1
                        while first < n and rem[first] <= 0:
                            first += 1
                    else:
                        if left >= min_minutes:
                            put_topic(first)
                            put_clock(clock)
                            put_length(left)
                            clock += left
                            rem[first] = r_j - left
                            placed = True
                        break
                left = 0
                fast_end = clock
            if left <= 0:
                pass
            elif here or busy:
                taken = [(c, c + length) for c, length, _ in here or ()]
                gaps = _gaps(begin, limit, [*taken, *(busy or ())])
            else:
                gaps = [(begin, limit)] if limit > begin else []
        if left > 0:
            g = 0
            n_gaps = len(gaps)
            clock = gaps[0][0] if gaps else limit
            for r, run in enumerate(runs):  # the tracks' shares first
                want = run.day_minutes[weekday]
                if want > left:
                    want = left
                if want <= 0 or not _active(run, day, first, rem):
                    continue
                while want > 0 and g < n_gaps:
                    room = gaps[g][1] - clock
                    if room <= 0:
                        g += 1
                        clock = gaps[g][0] if g < n_gaps else limit
                        continue
                    take = want if want < room else room
                    add((clock, take, -1 - r))
                    want -= take
                    left -= take
                    clock += take + brk
            got: dict[int, int] = {}
            j = first
            while left > 0 and j < n and g < n_gaps:
                r_j = rem[j]
                if r_j <= 0:
                    j += 1
                    continue
                room = gaps[g][1] - clock
                if room <= 0:
                    g += 1
                    clock = gaps[g][0] if g < n_gaps else limit
                    continue
                allow = left
                if cap is not None and cap - got.get(j, 0) < allow:
                    allow = cap - got.get(j, 0)
                if allow <= 0:
                    j += 1
                    continue
                take = r_j if r_j < allow else allow
                if room < take:
                    take = room
                if take < r_j and take < min_minutes:
                    if room < allow:  # this free part is too short: try the next
                        g += 1
                        clock = gaps[g][0] if g < n_gaps else limit
                        continue
                    break  # a sliver: wait for the next study day
                add((clock, take, j))
                if cap is not None:
                    got[j] = got.get(j, 0) + take
                rem[j] = r_j - take
                left -= take
                clock += take + brk
                placed = True
                if take < r_j:
                    if take == room:  # the free part is full: go on after it
                        continue
                    if cap is None:
                        break
                j += 1
            while first < n and rem[first] <= 0:
                first += 1
        if pieces:  # a day laid by the general path (pins on it): in clock order
            pieces.sort()
            end = 0
            for clock, length, j in pieces:
                put_topic(j if j >= 0 else n - 1 - j)
                put_clock(clock)
                put_length(length)
                if clock + length > end:
                    end = clock + length
                if j >= 0:
                    last_day = day
            days.append(day)
            firsts.append(at)
            ends.append(end)
        elif len(topics) > at:
            days.append(day)
            firsts.append(at)
            ends.append(fast_end)
            if placed:
                last_day = day
        if placed:
            idle = 0
        elif first < n:
            if not idle:
                idle_from = day
            idle += 1
            if idle > STALL_DAYS:
                raise ScheduleError(_stall_message(rules, idle_from, day))
        day += 1
        if day > _MAX_ORDINAL and first < n:
            raise ScheduleError(
                f"the plan starting {start} runs past the calendar's last day (9999-12-31); "
                "set an earlier start date, or add study hours"
            )
    layout.last_day = last_day
    return _made(layout, topic_ids, module_ids, runs, tz, sum(minutes) / 60, basis)


def _active(run: _TrackRun, day: int, first: int, rem: Sequence[int]) -> bool:
    if run.from_day and day < run.from_day:
        return False
    if run.until_day and day > run.until_day:
        return False
    if run.from_index >= 0 and first < run.from_index:
        return False
    return not (run.until_rows and all(i < 0 or rem[i] <= 0 for i in run.until_rows))


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class Blocked(Mapping[int, Sequence[tuple[int, int]]]):
    """Busy times and end times as ``plan_shaped``'s ``blocked``: by day ordinal, the
    (start, end) wall-clock minutes of that day no session may take.

    ``busy``: ``planner.busy.BusyTimes`` (merged (start, end) minutes since the epoch),
    cut at each local midnight of ``tz``; ``end_times`` (weekday -> the latest end of its
    study; midnight: none) blocks the rest of every such weekday, so it holds for days
    without busy times too (``get`` answers for any day; iteration and ``len`` are the
    days with busy times)."""

    def __init__(
        self, busy: Sequence[tuple[int, int]], end_times: Mapping[int, time], tz: tzinfo
    ) -> None:
        by_day: dict[int, list[tuple[int, int]]] = {}
        for a, b in busy:
            start = (_EPOCH + timedelta(minutes=a)).astimezone(tz)
            end = (_EPOCH + timedelta(minutes=b)).astimezone(tz)
            day, last = start.toordinal(), end.toordinal()
            while day <= last:
                lo = start.hour * 60 + start.minute if day == start.toordinal() else 0
                hi = end.hour * 60 + end.minute if day == last else 1440
                if hi > lo:
                    by_day.setdefault(day, []).append((lo, hi))
                day += 1
        self._by_day = by_day
        self._ends = {w: c.hour * 60 + c.minute for w, c in end_times.items() if c != time(0, 0)}

    def get(  # type: ignore[override]
        self, day: int, default: Sequence[tuple[int, int]] | None = None
    ) -> Sequence[tuple[int, int]] | None:
        parts: Sequence[tuple[int, int]] = self._by_day.get(day, ())
        end = self._ends.get((day - 1) % 7)  # the ordinal's weekday (Monday 0)
        if end is not None:
            parts = [*parts, (end, 1440)]
        return parts or default

    def __getitem__(self, day: int) -> Sequence[tuple[int, int]]:
        parts = self.get(day)
        if parts is None:
            raise KeyError(day)
        return parts

    def __iter__(self) -> Iterator[int]:
        return iter(self._by_day)

    def __len__(self) -> int:
        return len(self._by_day)

    def __bool__(self) -> bool:
        return bool(self._by_day or self._ends)


def _gaps(begin: int, limit: int, taken: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The free parts of ``begin`` to ``limit`` outside ``taken`` (minutes of a day)."""
    out = []
    at = begin
    for a, b in sorted(taken):
        if a > at:
            out.append((at, min(a, limit)))
        at = max(at, b)
    if at < limit:
        out.append((at, limit))
    return [(a, b) for a, b in out if b > a]


def _made(
    layout: _Layout,
    topic_ids: Sequence[str],
    module_ids: Sequence[str],
    runs: Sequence[_TrackRun],
    tz: tzinfo,
    hours: float,
    basis: str,
) -> Plan:
    """The plan of the placed pieces (track ``r`` as index ``len(topic_ids) + r``): its
    sessions made when first used (``Sessions``), track pieces as sessions of their
    track."""
    n = len(topic_ids)
    if not layout.topic:
        return Plan((), None, hours, basis)
    titles = [run.title for run in runs]
    ids = [*topic_ids, *titles]
    modules = [*module_ids, *([TRACK_MODULE] * len(runs))]
    tracks: list[str | None] = [None] * n
    tracks += titles
    placed = _Placement(layout, ids, modules, tz, tracks)
    last_day = layout.last_day
    return Plan(
        Sessions(placed),
        date.fromordinal(last_day) if last_day else None,
        hours,
        basis,
        Spans(placed, 0),
        Spans(placed, 1),
    )
