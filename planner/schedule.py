"""Plan = dated, timed study sessions; pace and slippage.

The scheduler is a pure function of (remaining hours per topic, settings, today, zone):
no clock, no I/O, deterministic. ``schedule`` works out the remaining hours from the
roadmap and progress and hands them to ``lay_out``.

This module says what a plan is; how it is made fast (the walks that place the minutes,
sessions and spans made when first used, the baseline's JSON) is in
``planner.schedule_fast``, which gives the same results as the rules below.

Rules
    - The learner's shape comes first: topics are taken in the queue's order
      (``planner.shape.queue``: those put first with ``planner next``, then those in
      progress, then the rest in roadmap order; it is the roadmap's when nothing was put
      first and no topic in progress stands behind one not started), and pins and
      tracks (``settings.tracks``) are laid by ``planner.schedule_shape``, which keeps
      the rules below around them. Without pins or tracks:
    - Topics are laid out in that order, each from its remaining hours (done and
      skipped work removed, a started topic only what remains). Work is counted in
      whole minutes (each topic's remainder rounded to the minute, at least 1), so
      there is no float drift: the sessions add up exactly to ``hours_remaining``.
    - Study days start at max(today, start_date). A day off, or a weekday with 0 hours,
      gets nothing; no day gets more than its hours.
    - What was already studied today comes off today's hours: the hours logged today (in
      the zone; on topics and tracks, net of hours taken back or undone:
      ``studied_minutes``) are taken first, from the start time, and the rest of the day
      is laid after them (so a day studied in full gets nothing more, and the finish date
      counts it). The domain reads no clock, so the minutes left are laid from the usual
      start time that much later, not from "now": a session done at the start time is
      followed, not overlapped; Today (``planner.today``) moves a session past one done
      at another hour. The pace answers take the same minutes (``studied``).
    - Sessions on a day start at the weekday's start time and follow each other, with
      ``break_minutes`` between them (breaks push later sessions later; they do not
      take from the day's hours). A day may end one topic and start the next. A study
      day ends at midnight: the settings refuse hours that do not fit after the start
      time, and breaks never push a session past it. On a day the clocks change, the
      day is as long as it really is: a day of 23 hours holds at most 23 hours of study
      from 00:00 (and no more than fits from its start time to its midnight), so no two
      sessions ever overlap.
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
    hour. The plan itself is always re-made from today. The baseline also keeps each
    topic's minutes, in the order laid out, so that ``planner.pace.scope_slippage`` can
    leave work skipped since out of both sides (what both faces show).
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

from planner.atomic import BASELINE, FileError, read_text, write_atomic
from planner.errors import PlannerError
from planner.progress import Progress, remaining_topic_rows
from planner.roadmap import Effort, Roadmap, Topic
from planner.schedule_fast import Sessions, Spans, _baseline_text, _local, _Placement, _walk
from planner.settings import Settings, check_settings, resolve_zone

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
    track: str | None = None
    """The title of the track (``settings.tracks``) this is a session of; None: a topic's."""


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
    studied: float = 0.0
    """Hours already studied on the plan's first day (logged today) that it took from that
    day's hours (``studied_minutes``); 0 when none, or the plan keeps the day whole."""

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
    """Hours left per topic id, in the order the plan takes them (the queue,
    ``planner.shape.queue``), on the settings' basis: ``lay_out`` of it is the plan
    (without pins and tracks), and the finish dates worked out from it agree with it."""
    topic_ids, _, hours = _queued_rows(roadmap, progress, settings)
    return dict(zip(topic_ids, hours, strict=True))


def _queued_rows(
    roadmap: Roadmap, progress: Progress, settings: Settings
) -> tuple[list[str], list[str], list[float]]:
    """``progress.remaining_topic_rows`` on the settings' basis, in the queue's order.

    The rows come in roadmap order, which is the queue's unless something was put first
    or a topic in progress stands behind one that is not (the rows in progress are then
    not the first ones): only then are they put in order. A topic id listed twice (a
    roadmap made in code) keeps its rows in roadmap order (``schedule`` plans it as the
    mappings have it)."""
    hpd, unest = settings.hours_per_day, settings.unestimated_hours
    source = stated_roadmap(roadmap, hpd, unest) if settings.basis == "stated" else roadmap
    started: list[int] = []  # the rows of topics in progress
    rows = remaining_topic_rows(source, progress, hpd, unest, started)
    topic_ids, module_ids, hours = rows
    if not progress.order and (not started or started[-1] == len(started) - 1):
        return rows
    if not roadmap.unique_ids and len(set(topic_ids)) < len(topic_ids):
        return rows
    from planner.shape import queue

    in_progress = {topic_ids[i] for i in started}
    rank = {t: i for i, t in enumerate(queue(roadmap, progress, in_progress))}
    at = sorted(range(len(topic_ids)), key=lambda i: rank.get(topic_ids[i], len(rank)))
    return [topic_ids[i] for i in at], [module_ids[i] for i in at], [hours[i] for i in at]


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
    lengths: _DayLengths
    """The days of the zone that are not 24 hours long."""
    used: tuple[int, int] = (0, 0)
    """A day (its ordinal; 0: none) and the minutes already studied on it: that day holds
    that much less, laid from its start time that much later (``studied_minutes``)."""

    @classmethod
    def of(
        cls,
        settings: Settings,
        weekly_hours: Mapping[int, float] | None = None,
        tz: tzinfo | None = None,
        used: tuple[int, int] = (0, 0),
    ) -> _Rules:
        """The rules of ``settings`` (with ``weekly_hours`` instead of its own, if given) in
        ``tz`` (default: the settings' zone, or the system's), with ``used`` minutes
        already studied on a day (``studied_minutes``)."""
        hours = settings.weekly_hours if weekly_hours is None else weekly_hours
        cap = settings.max_topic_hours_per_day
        return cls(
            tuple(max(0, round(hours.get(d, 0.0) * 60)) for d in range(7)),
            tuple(_minute_of_day(settings.start_on(d)) for d in range(7)),
            max(0, round(settings.min_session_hours * 60)),
            round(cap * 60) if cap is not None else None,
            settings.break_minutes,
            _merge_off(settings),
            _DayLengths(tz if tz is not None else resolve_zone(settings)),
            used if used[1] > 0 else (0, 0),
        )


class _DayLengths:
    """Where a zone's days are not 24 hours long: a study day ends at its real midnight.

    On a day whose clocks change (23 or 25 hours, 23.5 on Lord Howe) the sessions after
    the start time run in real time, so a day of 23 hours holds at most 23 hours of
    study from 00:00. ``at`` tells the walks which days those are; ``room`` gives the
    real minutes from a start time to midnight on one of them.
    """

    __slots__ = ("tz",)

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz

    def at(self, day: int) -> tuple[bool, int]:
        """Whether the day ``day`` (an ordinal) is not 24 hours long, and the next day
        to ask about (the next such day, or the first day of a later year)."""
        year = date.fromordinal(day).year
        changes = _offset_changes(self.tz, year)
        at = bisect_left(changes, day)
        is_change = at < len(changes) and changes[at] == day
        if is_change:
            at += 1
        if at < len(changes):
            return is_change, changes[at]
        if year >= date.max.year:
            return is_change, _MAX_ORDINAL + 1
        return is_change, date(year + 1, 1, 1).toordinal()

    def room(self, day: int, start: int) -> int:
        """The real minutes from ``start`` minutes after midnight on the day ``day`` (in a
        gap: later by the gap) to the next midnight."""
        return _room(day, start, self.tz)


_WEEK = 7


@lru_cache(maxsize=4096)
def _offset_changes(tz: tzinfo, year: int) -> tuple[int, ...]:
    """The ordinals of the days of ``year`` whose midnight and the next midnight have
    different UTC offsets in ``tz``: the days that are not 24 hours long.

    Offsets are compared a week apart and the weeks that differ looked at day by day (a
    zone is taken not to change and change back within a week, as ``_windows`` does).
    """
    if isinstance(tz, timezone):
        return ()
    first = date(year, 1, 1).toordinal()
    past = min(date(year, 12, 31).toordinal(), _MAX_ORDINAL - 1) + 1

    def offset(day: int) -> timedelta | None:
        return tz.utcoffset(datetime.fromordinal(day))

    out: list[int] = []
    a, before = first, offset(first)
    while a < past:
        b = min(a + _WEEK, past)
        after = offset(b)
        if after != before:
            now = before
            for day in range(a, b):
                later = offset(day + 1)
                if later != now:
                    out.append(day)
                    now = later
        a, before = b, after
    return tuple(out)


def _room(day: int, start: int, tz: tzinfo) -> int:
    """The real minutes from ``start`` minutes after midnight on the day ``day`` (in a
    gap: later by the gap) to the next midnight, in ``tz``."""
    begin = _local(date.fromordinal(day), start, tz).astimezone(_UTC)
    end = _local(date.fromordinal(day + 1), 0, tz).astimezone(_UTC)
    return max(0, (end - begin) // _ONE_MINUTE)


_ONE_MINUTE = timedelta(minutes=1)


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
    studied: int = 0,
) -> Plan:
    """The plan for ``remaining`` (topic id -> hours, in the order to study them), with
    ``studied`` minutes already studied today (``studied_minutes``).

    Its sessions are ``Sessions``: made into Session objects when first used (a plan
    around ``busy`` times: a tuple).
    """
    check_settings(settings)
    topic_ids = list(remaining)
    lookup = module_of.__getitem__ if isinstance(module_of, Mapping) else module_of
    module_ids = [lookup(t) for t in topic_ids]
    basis = basis or settings.basis
    minutes = _plan_minutes(remaining.values(), basis)
    return _plan(topic_ids, module_ids, minutes, settings, today, tz, basis, busy, studied)


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


def studied_minutes(progress: Progress, settings: Settings, today: date, tz: tzinfo) -> int:
    """The minutes the plan from ``today`` takes from today's study hours: the hours logged
    today (in ``tz``) on topics and tracks, net of hours taken back
    (``planner.history.studied_on``); 0 when the plan starts later (``start_date``).

    Only the newest changes are read (the walk stops at the first before today)."""
    return round(max(0.0, sum(_studied_items(progress, settings, today, tz).values())) * 60)


def _studied_items(
    progress: Progress, settings: Settings, today: date, tz: tzinfo
) -> dict[str, float]:
    """Hours logged today per item (``planner.history.studied_on``); none when the plan
    starts later than today."""
    if first_day(settings, today) != today or not progress.history:
        return {}
    from planner.history import studied_on

    return studied_on(progress.history.newest_first(), today, tz)


def _plan(
    topic_ids: Sequence[str],
    module_ids: Sequence[str],
    minutes: Sequence[int],
    settings: Settings,
    today: date,
    tz: tzinfo,
    basis: str,
    busy: Sequence[tuple[int, int]] = (),
    studied: int = 0,
) -> Plan:
    start = first_day(settings, today)
    used = (start.toordinal(), studied) if studied > 0 else (0, 0)
    if busy or settings.end_times:  # the busy-aware walk (planner.schedule_busy)
        from planner.schedule_busy import plan_around

        plan = plan_around(topic_ids, module_ids, minutes, settings, start, tz, basis, busy, used)
        return replace(plan, studied=studied / 60) if studied > 0 else plan
    layout = _walk(minutes, _Rules.of(settings, tz=tz, used=used), start, collect=True)
    hours = sum(minutes) / 60
    if not layout.topic:
        return Plan((), None, hours, basis, studied=studied / 60)
    placed = _Placement(layout, topic_ids, module_ids, tz)
    return Plan(
        Sessions(placed),
        date.fromordinal(layout.last_day),
        hours,
        basis,
        Spans(placed, 0),
        Spans(placed, 1),
        studied=studied / 60,
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
    topic_ids, module_ids, hours = _queued_rows(roadmap, progress, settings)
    twice = not roadmap.unique_ids and len(set(topic_ids)) < len(topic_ids)
    if (progress.pins or settings.tracks) and not twice:  # the learner's shape
        minutes = _plan_minutes(hours, settings.basis)
        return _shaped(
            roadmap, progress, settings, today, zone, topic_ids, module_ids, minutes, busy
        )
    studied = studied_minutes(progress, settings, today, zone)
    if twice:
        # a topic id twice (a roadmap made in code): as the mappings have it
        left = dict(zip(topic_ids, hours, strict=True))
        return lay_out(left, _module_of(roadmap), settings, today, zone, busy=busy, studied=studied)
    minutes = _plan_minutes(hours, settings.basis)
    return _plan(
        topic_ids, module_ids, minutes, settings, today, zone, settings.basis, busy, studied
    )


def _shaped(
    roadmap: Roadmap,
    progress: Progress,
    settings: Settings,
    today: date,
    zone: tzinfo,
    topic_ids: list[str],
    module_ids: list[str],
    minutes: list[int],
    busy: Sequence[tuple[int, int]] = (),
) -> Plan:
    """The plan of the rows (in the learner's queue) around their pins, beside their
    tracks (``planner.shape``, ``planner.schedule_shape``)."""
    from planner.shape import TRACK_PREFIX, pins_of

    for track in settings.tracks:
        for key, item_id in (("from", track.from_id), ("until", track.until_id)):
            if item_id is not None and roadmap.get(item_id) is None:
                raise ScheduleError(
                    f"tracks: '{track.title}' {key}: {item_id!r} is no module or topic id, "
                    "nor a date (YYYY-MM-DD); fix it in the settings"
                )
    from planner.schedule_shape import Blocked, plan_shaped

    start = first_day(settings, today)
    pins = pins_of(progress)
    blocked = Blocked(busy, settings.end_times, zone) if busy or settings.end_times else None
    items = _studied_items(progress, settings, today, zone)  # studied today, by item
    studied = round(max(0.0, sum(items.values())) * 60)
    cut = len(TRACK_PREFIX)
    on_tracks = {k[cut:]: round(h * 60) for k, h in items.items() if k.startswith(TRACK_PREFIX)}
    plan = plan_shaped(
        topic_ids,
        module_ids,
        minutes,
        settings,
        start,
        zone,
        settings.basis,
        pins,
        settings.tracks,
        blocked,
        busy,
        _used(start, today, studied),
        on_tracks,
    )
    return replace(plan, studied=studied / 60) if studied > 0 else plan


# -- pace -----------------------------------------------------------------------------------


def _finish(minutes: Sequence[int], rules: _Rules, start: date) -> date | None:
    last = _walk(minutes, rules, start, collect=False).last_day
    return date.fromordinal(last) if last else None


def finish_for(
    remaining: Mapping[str, float],
    settings: Settings,
    today: date,
    weekly_hours: Mapping[int, float] | None = None,
    tz: tzinfo | None = None,
    studied: int = 0,
) -> date | None:
    """The finish date with ``weekly_hours`` (weekday -> hours; default the settings'), in
    ``tz`` (default: the settings' zone, or the system's), with ``studied`` minutes
    already studied today (``studied_minutes``), as the plan has it."""
    check_settings(settings)
    minutes = _plan_minutes(remaining.values(), settings.basis)
    start = first_day(settings, today)
    rules = _Rules.of(settings, weekly_hours, tz, _used(start, today, studied))
    return _finish(minutes, rules, start)


def _used(start: date, today: date, studied: int) -> tuple[int, int]:
    """``_Rules.used`` for a plan from ``start`` with ``studied`` minutes studied today."""
    return (start.toordinal(), studied) if studied > 0 and start == today else (0, 0)


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
    tz: tzinfo | None = None,
    studied: int = 0,
) -> Pace:
    """The fewest weekly hours (in 0.5 h steps) that finish by ``target``, in ``tz``
    (default: the settings' zone, or the system's), with ``studied`` minutes already
    studied today (``studied_minutes``).

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
    zone = tz if tz is not None else resolve_zone(settings)
    used = _used(start, today, studied)

    def finish_at(step: int) -> date | None:
        hours = spread(step * PACE_STEP, shares)
        try:
            return _finish(minutes, _Rules.of(settings, hours, zone, used), start)
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
        "topics": topic_minutes(plan),
        "days": days,
    }


def topic_minutes(plan: Plan) -> dict[str, int]:
    """The minutes the plan gives each topic, in the order it lays them out: kept with the
    baseline so that work skipped later can be left out of both sides of the comparison
    (``planner.pace``)."""
    sessions = plan.sessions
    out: dict[str, int] = {}
    if isinstance(sessions, Sessions):  # from the placements, no sessions made
        placed = sessions._placement
        ids = placed.topic_ids
        totals = [0] * len(ids)
        for index, minutes in zip(placed.layout.topic, placed.layout.length, strict=True):
            totals[index] += minutes
        for topic_id, minutes in zip(ids, totals, strict=True):
            if minutes:
                out[topic_id] = out.get(topic_id, 0) + minutes
        return out
    for session in sessions:  # a plan made in code: its figures as they are
        if math.isfinite(session.hours) and session.hours > 0:
            out[session.topic_id] = out.get(session.topic_id, 0) + round(session.hours * 60)
    return out


@dataclass(frozen=True)
class Slippage:
    since: date
    """When the baseline was made."""
    expected: float
    """Hours the baseline planned on days before today."""
    done: float
    """Hours of work finished, logged, skipped or removed since the baseline (skipped
    work left out when ``planner.pace.scope_slippage`` measured it)."""
    dropped: float = 0.0
    """Hours of work skipped since, left out of both sides (``planner.pace``)."""

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


class _Unusable(ValueError):
    """A baseline that is valid JSON but not a baseline; its message says why."""


def _check_baseline(data: object) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("version") != BASELINE_VERSION:
        raise _Unusable("not a baseline of this version")
    date.fromisoformat(str(data["made"]))
    float(data["hours_remaining"])
    days = data["days"]
    if not isinstance(days, dict):
        raise _Unusable("days is not a mapping")
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
    return Slippage(date.fromisoformat(str(baseline["made"])), expected, done)


def read_baseline(path: Path) -> dict[str, Any] | None:
    """The kept baseline; None when there is none; BaselineError when it cannot be used."""
    try:
        text = read_text(path, BASELINE)
    except FileNotFoundError:
        return None
    except FileError as exc:  # a folder, a device; too large; not UTF-8
        raise BaselineError(str(exc)) from None
    except OSError as exc:
        raise BaselineError(
            f"cannot read the plan baseline {path} ({exc.strerror or exc}); "
            "check its permissions, or delete it to start a new one"
        ) from None
    try:
        return _check_baseline(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, KeyError):
            why = f"no {exc.args[0]!r} entry"
        elif isinstance(exc, json.JSONDecodeError):
            why = f"not valid JSON at line {exc.lineno}, column {exc.colno}"
        elif isinstance(exc, _Unusable):
            why = str(exc)
        else:  # float("x"), float(None), date.fromisoformat("x") and the like
            why = "an entry is not a number or a date"
        raise BaselineError(
            f"the plan baseline {path} cannot be used ({why}); delete it to start a new one"
        ) from None


def ensure_baseline(path: Path, plan: Plan, today: date) -> dict[str, Any] | None:
    """The kept baseline, made from ``plan`` (and written atomically) when there is none.

    Nothing is written for an empty plan. A file that cannot be used, or written, raises
    ``BaselineError`` and is left as it is.
    """
    existing = read_baseline(path)
    if existing is not None or not plan.sessions:
        return existing
    data = make_baseline(plan, today)
    try:
        write_atomic(path, _baseline_text(data), BASELINE)
    except FileError as exc:
        raise BaselineError(str(exc)) from None
    except OSError as exc:
        raise BaselineError(
            f"cannot keep the plan baseline {path} ({exc.strerror or exc}); "
            "check its folder's permissions"
        ) from None
    return data
