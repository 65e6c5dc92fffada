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
      day's free parts moves on. The hours they take are the plan's ``busy_lost``, as
      ``planner.schedule_busy`` counts them (the day's hours, less its pins', less the
      free minutes of its study).
    - Minutes already studied today (``used``, ``planner.schedule.studied_minutes``) come
      out of today's hours like a pin at its start time (today is laid as a general
      day), and each track's share of today less the minutes logged on that track today:
      a track's session marked done is not planned again, and the topics keep their part.

Times are wall-clock minutes from midnight as in ``planner.schedule``; a study day ends
at its real midnight (on a day the clocks change, ``lengths.room``), and the pieces of a
day are timed in real time from its first, so no two sessions overlap. On a day the
clocks change, pins and busy times are placed by their real time (``Blocked.real``,
``_realigned``).

Speed: a day with no pin, no blocked time and no change of clocks, under rules without
a daily cap or breaks, needs no free parts worked out. Such days are laid in runs in
which the same tracks are active; a run's days hold only the topics' pieces (the
tracks' are the same on each of its weekdays), and whole weeks of one topic are laid at
once. Both are kept compact (``_Runs``) and made into pieces when the sessions are first
used, so planning the seed with two tracks costs about what planning it without does
(``bench/bench_schedule.py``). ``_FAST = False`` lays every day one by one (the tests
compare the two).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo

from planner.schedule import STALL_DAYS, Plan, ScheduleError, _Rules
from planner.schedule_busy import _epoch_minute
from planner.schedule_fast import (
    Sessions,
    Spans,
    _Layout,
    _past_the_calendar,
    _Placement,
    _stall_message,
)
from planner.settings import Settings, Track
from planner.shape import Pin

_FAST = True
"""Whether plain days are laid in runs and weeks (see the module's docstring); the tests
compare the plans made with and without."""

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
    busy_times: Sequence[tuple[int, int]] = (),
    used: tuple[int, int] = (0, 0),
    track_used: Mapping[str, int] | None = None,
) -> Plan:
    """The plan of ``minutes`` (per topic, in queue order) from ``start``, around ``pins``
    and beside ``tracks`` (see the module's docstring).

    ``used``: a day (its ordinal) and the minutes already studied on it
    (``planner.schedule._Rules.used``): that day is laid as a general day, the minutes
    taken first from its start time, and each track's share of it less the minutes
    ``track_used`` says were logged on that track (by title).

    ``blocked``: times no session may take (busy times and end times, ``Blocked``); unlike
    pins they take nothing from the day's hours (what does not fit moves on, as hours that
    do not fit do), and the hours they cost are the plan's ``busy_lost``. ``busy_times``:
    the busy times themselves (``planner.busy.BusyTimes``), kept as the plan's ``busy``.

    Days that need no free parts worked out (no pin, no blocked time, no change of clocks;
    no daily cap and no breaks) are laid in runs, ``_plain_run``: each run keeps the same
    tracks active, and its days hold only the topics' pieces, the tracks' being the same
    on every such weekday (``_Runs``, made into pieces when the sessions are first used).
    """
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
    pin_days = sorted(pinned)
    last_pin = pin_days[-1] if pin_days else 0
    n_pin_days = len(pin_days)
    pk = 0  # the next pinned day that may come

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
    pieces: list[tuple[int, int, int]] = []  # a general day's (clock, length, row or -1 - track)
    layout = _Layout()
    topics, days, firsts, ends = layout.topic, layout.day, layout.first, layout.end
    put_topic, put_clock, put_length = topics.append, layout.clock.append, layout.length.append
    add_day, add_first, add_end = days.append, firsts.append, ends.append
    in_runs: list[tuple[int, int, tuple[tuple[tuple[int, int, int], ...], ...]]] = []
    spans: list[tuple[int, int, int, Sequence[int], Sequence[int], int]] = []
    last_day = 0
    day = first_ordinal
    k = 0
    idle = idle_from = 0
    lost: dict[int, int] = {}  # minutes lost to busy times, by week (its Monday's ordinal)
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
    by_active: dict[tuple[int, ...], _Shares] = {}
    used_day, used_minutes = used if used[1] > 0 else (0, 0)
    while first < n or day <= last_pin:
        change = False
        if day >= look:
            change, look = lengths.at(day)
        while pk < n_pin_days and pin_days[pk] < day:
            pk += 1
        here = pinned.get(day) if pk < n_pin_days and pin_days[pk] == day else None
        busy = blocked.get(day) if blocked else None
        if plain and not change and not here and not busy and day != used_day:
            # a run of plain days: the same tracks active all through it
            active = tuple(r for r, run in enumerate(runs) if _active(run, day, first, rem))
            stop = _MAX_ORDINAL + 1
            if pk < n_pin_days:
                stop = pin_days[pk]
            watch = n  # the queue index whose reaching may change the active tracks
            for r, run in enumerate(runs):
                if day < run.from_day < stop:
                    stop = run.from_day
                if day <= run.until_day < stop - 1:
                    stop = run.until_day + 1
                if first < run.from_index < watch:
                    watch = run.from_index
                if r in active and run.until_rows:
                    last_open = max(i for i in run.until_rows if i >= 0 and rem[i] > 0)
                    if last_open + 1 < watch:
                        watch = last_open + 1
            while look < stop and look - day < 800:  # a new year is no change of clocks
                change_then, after = lengths.at(look)
                if change_then:
                    break
                look = after
            if look < stop:
                stop = look
            shares = by_active.get(active)
            if shares is None:
                shares = by_active[active] = _shares(active, runs, rules, n)
            free, begins, track_pieces, week, short = shares
            if first == n:
                watch = n + 1  # (only tracks until the next pin: the run ends there)
            began = day
            at = len(topics)
            r_j = rem[first] if first < n else 0  # what is left of the first open topic
            # the walk of ``_walk_plain``, each day's topics after its tracks
            while day < stop:
                while k < n_off and off[k][1] < day:
                    k += 1
                if blocked and blocked.get(day):
                    break
                if r_j > week and not blocked:  # weeks of the same topic: laid at once
                    calm = off[k][0] if k < n_off and off[k][0] < stop else stop
                    m = (calm - day) // 7  # whole weeks before a day off or the run's end
                    # whole weeks the topic fills with more left than a short day holds
                    # (a day too short for a minimum session still takes a topic's rest)
                    whole = (r_j - 1 - short) // week
                    if whole < m:
                        m = whole
                    if m > 0:
                        past = day + 7 * m
                        spans.append((day, past, first, free, begins, min_minutes))
                        r_j -= m * week
                        last = past - 1
                        while not (free[(last - 1) % 7] >= min_minutes and free[(last - 1) % 7]):
                            last -= 1
                        last_day = last
                        idle, idle_from = past - 1 - last, last + 1
                        day = past
                        continue
                weekday = (day - 1) % 7
                left = free[weekday]
                if (
                    left > 0
                    and first < n
                    and (r_j <= left or left >= min_minutes)
                    and not (k < n_off and off[k][0] <= day)
                ):
                    clock = begins[weekday]
                    add_day(day)
                    add_first(at)
                    while True:
                        if r_j <= left:  # the whole topic
                            put_topic(first)
                            put_clock(clock)
                            put_length(r_j)
                            at += 1
                            clock += r_j
                            left -= r_j
                            rem[first] = 0
                            first += 1
                            while first < n and rem[first] <= 0:
                                first += 1
                            if first == n:
                                break
                            r_j = rem[first]
                            if left:
                                continue
                        elif left >= min_minutes:  # a piece; the rest on the next day
                            put_topic(first)
                            put_clock(clock)
                            put_length(left)
                            at += 1
                            clock += left
                            r_j -= left
                        break
                    add_end(clock)
                    idle = 0
                    last_day = day
                elif first < n:
                    if not idle:
                        idle_from = day
                    idle += 1
                    if idle > STALL_DAYS:
                        raise ScheduleError(_stall_message(rules, idle_from, day))
                day += 1
                if first >= watch:
                    break  # a track may start or end: a new run
            if first < n:
                rem[first] = r_j
            if day > began and any(track_pieces):
                in_runs.append((began, day, track_pieces))
            if day > _MAX_ORDINAL and first < n:
                raise _past_the_calendar(start)
            continue
        # a general day: its free parts worked out
        while k < n_off and off[k][1] < day:
            k += 1
        day_off = k < n_off and off[k][0] <= day
        weekday = (day - 1) % 7
        at = len(topics)
        pieces.clear()
        base = 0
        if change:  # the day's times in real minutes from its start time (``_realigned``)
            begin = start_minutes[weekday]
            d = date.fromordinal(day)
            base = _epoch_minute(d, begin, tz)
            if here:
                here = [(begin + _epoch_minute(d, c, tz) - base, m, j) for c, m, j in here]
            if isinstance(blocked, Blocked):
                busy = blocked.real(day, begin, base)
        if here:
            for clock, length, j in here:
                add((clock, length, j))
            left = 0 if day_off else day_minutes[weekday] - sum(p[1] for p in here)
        else:
            left = 0 if day_off else day_minutes[weekday]
        late = 0  # minutes already studied this day: taken first, from its start time
        if day == used_day:
            late = used_minutes if used_minutes < left else max(0, left)
            left -= late
        placed = bool(here)  # a topic's piece (tracks alone do not keep the walk going)
        working = first < n
        if left > 0:
            begin = start_minutes[weekday]
            limit = begin + lengths.room(day, begin) if change else 1440
            wanted = left
            taken = [*((c, c + m) for c, m, _ in here or ()), *(busy or ())]
            if late:
                taken.append((begin, begin + late))
            gaps = _gaps(begin, limit, taken)
            g = 0
            n_gaps = len(gaps)
            clock = gaps[0][0] if gaps else limit
            for r, run in enumerate(runs):  # the tracks' shares first
                want = run.day_minutes[weekday]
                if late and track_used:  # less what was logged on the track that day
                    want -= track_used.get(run.title, 0)
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
            if busy and working and left > 0:  # hours busy times took from the day
                room = sum(b - a for a, b in gaps)
                if room < wanted:
                    monday = day - weekday
                    lost[monday] = lost.get(monday, 0) + wanted - room
        if pieces:  # in clock order
            pieces.sort()
            if change:
                _realigned(pieces, day, start_minutes[weekday], base, tz)
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
            raise _past_the_calendar(start)
    layout.last_day = last_day
    lost_hours = {
        date.fromordinal(monday): m / 60 for monday, m in sorted(lost.items()) if monday <= last_day
    }
    return _made(
        layout,
        _Runs(in_runs, spans, off),
        topic_ids,
        module_ids,
        runs,
        tz,
        sum(minutes) / 60,
        basis,
        lost_hours,
        busy_times,
    )


_Shares = tuple[
    Sequence[int], Sequence[int], tuple[tuple[tuple[int, int, int], ...], ...], int, int
]


def _shares(active: Sequence[int], runs: Sequence[_TrackRun], rules: _Rules, n: int) -> _Shares:
    """With the tracks ``active`` (indexes in ``runs``), per weekday: the topics' minutes,
    where they begin, and the tracks' pieces (track ``r`` as index ``n + r``, clock,
    minutes), laid from the day's start time in the tracks' order; the minutes a topic
    gets in a week of days of a piece each (its days of a minimum session or more); and
    the most minutes of a day shorter than a minimum session."""
    free = list(rules.day_minutes)
    begins = list(rules.start_minutes)
    pieces: list[tuple[tuple[int, int, int], ...]] = []
    for weekday in range(7):
        made = []
        if free[weekday] > 0:
            for r in active:
                want = runs[r].day_minutes[weekday]
                if want > 0:
                    made.append((n + r, begins[weekday], want))
                    begins[weekday] += want
                    free[weekday] -= want
        pieces.append(tuple(made))
    week = sum(f for f in free if f > 0 and f >= rules.min_minutes)
    short = max((f for f in free if 0 < f < rules.min_minutes), default=0)
    return free, begins, tuple(pieces), week, short


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
        self._busy = busy
        self._tz = tz

    def real(self, day: int, begin: int, base: int) -> list[tuple[int, int]]:
        """The blocked times of ``day`` (one the clocks change) as real minutes from its
        wall-clock minute ``begin`` (``base``: its real minute since the epoch): the busy
        times from where they really are, the end time's block from its real time."""
        d = date.fromordinal(day)
        lo = _epoch_minute(d, 0, self._tz)
        hi = _epoch_minute(d + timedelta(days=1), 0, self._tz)
        busy = self._busy
        out = []
        at = bisect_right(busy, (lo, lo))
        if at:
            at -= 1
        while at < len(busy) and busy[at][0] < hi:
            a, b = busy[at]
            if b > lo:
                out.append((begin + max(a, lo) - base, begin + min(b, hi) - base))
            at += 1
        end = self._ends.get((day - 1) % 7)
        if end is not None:
            out.append((begin + _epoch_minute(d, end, self._tz) - base, begin + hi - base))
        return out

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


def _realigned(
    pieces: list[tuple[int, int, int]], day: int, begin: int, base: int, tz: tzinfo
) -> None:
    """A day the clocks change, laid in real minutes from its start time ``begin`` (whose
    real minute since the epoch is ``base``), made as the sessions are timed on such a day
    (``schedule_fast._exact_times``: the first piece at its wall-clock time, the rest in
    real time from it): every piece moved by the first's wall clock less its real one."""
    first = pieces[0][0]
    wall = (_EPOCH + timedelta(minutes=base + first - begin)).astimezone(tz)
    shift = (wall.toordinal() - day) * 1440 + wall.hour * 60 + wall.minute - first
    if shift:
        pieces[:] = [(c + shift, m, j) for c, m, j in pieces]


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


_Span = tuple[int, int, int, Sequence[int], Sequence[int], int]
"""Days ``plan_shaped`` laid a week at a time: the first, the day past the last, the
topic's index, per weekday its minutes and where they begin, the minimum session."""
_TrackPieces = tuple[tuple[tuple[int, int, int], ...], ...]
"""Per weekday, the tracks' pieces (index, clock, minutes) of a run of days."""


class _Runs:
    """What ``plan_shaped`` laid without a piece of its own in the layout: the tracks'
    pieces of the days it laid in runs (for each run, its first day, the day past its
    last, and per weekday the tracks' pieces, the same on every day of the run that is
    not a day off), and the days it laid a week at a time (``_Span``)."""

    __slots__ = ("off", "runs", "spans")

    def __init__(
        self,
        runs: Sequence[tuple[int, int, _TrackPieces]],
        spans: Sequence[_Span],
        off: Sequence[tuple[int, int]],
    ) -> None:
        self.runs = runs
        self.spans = spans
        self.off = off

    def __bool__(self) -> bool:
        return bool(self.runs or self.spans)

    def merged(self, layout: _Layout) -> _Layout:
        """``layout`` with the runs' track pieces and the spans' pieces put in: the
        plan's whole layout, day by day in order."""
        if not self:
            return layout
        out = _Layout()
        topic, clock, length = out.topic, out.clock, out.length
        l_topic, l_clock, l_length = layout.topic, layout.clock, layout.length
        l_day, l_first, l_end = layout.day, layout.first, layout.end
        l_bounds = layout.bounds()
        n_days = len(l_day)
        off, n_off = self.off, len(self.off)
        runs, spans = self.runs, self.spans
        n_runs, n_spans = len(runs), len(spans)
        never = _MAX_ORDINAL + 2
        x = k = ti = si = 0

        def copy(x: int) -> None:
            a, b = l_first[x], l_bounds[x]
            topic.extend(l_topic[a:b])
            clock.extend(l_clock[a:b])
            length.extend(l_length[a:b])

        day = min(runs[0][0] if runs else never, spans[0][0] if spans else never)
        while True:
            while ti < n_runs and runs[ti][1] <= day:
                ti += 1
            while si < n_spans and spans[si][1] <= day:
                si += 1
            in_run = ti < n_runs and runs[ti][0] <= day
            in_span = si < n_spans and spans[si][0] <= day
            if not in_run and not in_span:
                if ti == n_runs and si == n_spans:
                    break
                day = min(
                    runs[ti][0] if ti < n_runs else never, spans[si][0] if si < n_spans else never
                )
                continue
            while x < n_days and l_day[x] < day:  # the days laid on their own before it
                out.day.append(l_day[x])
                out.first.append(len(topic))
                copy(x)
                out.end.append(l_end[x])
                x += 1
            while k < n_off and off[k][1] < day:
                k += 1
            if k < n_off and off[k][0] <= day:  # a day off places nothing
                day += 1
                continue
            weekday = (day - 1) % 7
            track = runs[ti][2][weekday] if in_run else ()
            here = x < n_days and l_day[x] == day
            piece = None
            if in_span:
                _, _, j, free, begins, min_minutes = spans[si]
                if free[weekday] > 0 and free[weekday] >= min_minutes:
                    piece = (j, begins[weekday], free[weekday])
            if track or piece or here:
                out.day.append(day)
                out.first.append(len(topic))
                end = 0
                for j, c, m in track:
                    topic.append(j)
                    clock.append(c)
                    length.append(m)
                    end = c + m
                if piece is not None:
                    j, c, m = piece
                    topic.append(j)
                    clock.append(c)
                    length.append(m)
                    end = c + m
                if here:
                    copy(x)
                    end = l_end[x]
                    x += 1
                out.end.append(end)
            day += 1
        while x < n_days:
            out.day.append(l_day[x])
            out.first.append(len(topic))
            copy(x)
            out.end.append(l_end[x])
            x += 1
        out.last_day = layout.last_day
        return out


def _made(
    layout: _Layout,
    in_runs: _Runs,
    topic_ids: Sequence[str],
    module_ids: Sequence[str],
    runs: Sequence[_TrackRun],
    tz: tzinfo,
    hours: float,
    basis: str,
    busy_lost: Mapping[date, float],
    busy: Sequence[tuple[int, int]],
) -> Plan:
    """The plan of the placed pieces (track ``r`` as index ``len(topic_ids) + r``): its
    sessions made when first used (``Sessions``), track pieces as sessions of their
    track (the runs' track pieces put in first, ``_Runs.merged``)."""
    n = len(topic_ids)
    if not layout.topic and not in_runs:
        return Plan((), None, hours, basis, busy_lost=busy_lost, busy=busy)
    titles = [run.title for run in runs]
    ids = [*topic_ids, *titles]
    modules = [*module_ids, *([TRACK_MODULE] * len(runs))]
    tracks: list[str | None] = [None] * n
    tracks += titles
    placed = _Placement(lambda: in_runs.merged(layout), ids, modules, tz, tracks)
    last_day = layout.last_day
    return Plan(
        Sessions(placed),
        date.fromordinal(last_day) if last_day else None,
        hours,
        basis,
        Spans(placed, 0),
        Spans(placed, 1),
        busy_lost=busy_lost,
        busy=busy,
    )
