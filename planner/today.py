"""The learner's day: today's sessions and their state, what comes next, what was missed,
and the week so far. One rule, shown by both faces (``planner today`` and the app's Today).

``today_facts(roadmap, progress, plan, today, now, tz, baseline)`` is a pure function:

- *Today's sessions*: the sessions marked done today (from the history, where each
  mark is recorded), and the plan's sessions of today around them. The plan is re-made
  from today after every change, and takes the hours logged today from today's hours
  (``Plan.studied``, ``planner.schedule.studied_minutes``), laying what is left of the
  day after them: a session that still overlaps a done one (done at another time of
  day) moves to after it. A plan that kept today whole (one made in code,
  ``Plan.studied`` 0) gives the open ones no more than its hours of today less the
  hours done in sessions.
- *Next*: the first open session of today that has not ended by ``now``; else the
  plan's first session after today; else the first that no longer fits today.
- *Missed*: past days of the last ``MISSED_DAYS`` days (not before the baseline was made)
  on which the kept baseline planned more hours than were logged. The plan itself only
  looks forward, so the baseline (the plan as first made) is what was planned then.
- *The week so far* (Monday to today): hours planned (the baseline's days before today,
  plus today's sessions) and hours done (logged, from the history, by day).

Marking a session done (``mark_session_done``) logs the session's hours on its topic, as
``planner log`` does, and names the session in the recorded change (``session`` =
``session_key``): the mark is undone by the ordinary undo, which gives the hours back and
takes the mark with it. A track's session (``settings.tracks``) is marked done the same
way: its hours are logged on the track (``track:TITLE``, as ``planner log TRACK HOURS``
keeps them), and the plan's session of the track at that time is then shown done (the
plan keeps a track's sessions where they are, whatever was logged on it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from planner.history import Change, Intent, in_zone
from planner.history import logged_by_day as logged_by_day  # kept here too, as it was
from planner.progress import Progress
from planner.roadmap import Roadmap
from planner.schedule import Plan, Session
from planner.shape import TRACK_PREFIX, log_track

MISSED_DAYS = 7
"""How many past days Today looks back for planned hours not done."""


def session_key(session: Session) -> str:
    """The name a done mark gives a session: ``TOPIC@START`` (start as ISO 8601); a
    track's, ``track:TITLE@START``."""
    return _key(session.topic_id, session.track, session.start)


def _key(topic_id: str, track: str | None, start: datetime) -> str:
    name = topic_id if track is None else TRACK_PREFIX + track
    return f"{name}@{start.isoformat()}"


@dataclass(frozen=True)
class DaySession:
    """A session on the day's list: planned (open) or marked done."""

    topic_id: str
    start: datetime
    end: datetime
    hours: float
    done: bool
    last: bool
    """The topic's last planned session (marking it done asks whether the topic is done)."""
    session: Session | None
    """The plan's session (None for a done mark)."""
    track: str | None = None
    """The track's title for a track's session (``topic_id`` is then that title too)."""

    @property
    def key(self) -> str:
        return _key(self.topic_id, self.track, self.start)


@dataclass(frozen=True)
class Missed:
    """A past day on which less was done than the baseline planned."""

    day: date
    planned: float
    done: float


@dataclass(frozen=True)
class TodayFacts:
    today: date
    sessions: tuple[DaySession, ...]
    next: DaySession | None
    """What comes next: today's first open session not yet over, else the plan's next."""
    missed: tuple[Missed, ...]
    week_planned: float
    week_done: float
    done_today: float
    """Hours logged today (sessions marked done and other hours)."""

    @property
    def open_sessions(self) -> tuple[DaySession, ...]:
        return tuple(s for s in self.sessions if not s.done)

    def changes_after(self, now: datetime) -> datetime | None:
        """The first start or end after ``now`` of a session shown (today's, and what
        comes next): when these facts may change with the clock alone (what comes next
        is today's first open session not yet over); None when there is none to come."""
        shown = (*self.sessions, self.next) if self.next is not None else self.sessions
        return min((t for s in shown for t in (s.start, s.end) if t > now), default=None)


def mark_session_done(
    progress: Progress, roadmap: Roadmap, session: Session, now: datetime
) -> Intent:
    """Log the session's hours on its topic (a topic to do is started), or a track's
    session's on its track, and return the intent the store records with it (a ``log``
    naming the session). Use as the change given to ``ProgressStore.update``."""
    key = session_key(session)
    if session.track is not None:
        log_track(progress, session.track, session.hours, now)
        target = TRACK_PREFIX + session.track
    else:
        progress.log_work(roadmap, session.topic_id, session.hours, now)
        target = session.topic_id
    return Intent("log", (target,), hours=session.hours, session=key)


def done_marks(changes: Iterable[Change], since: datetime | None = None) -> dict[str, Change]:
    """The session marks in force (not undone), by session key, from ``changes`` newest
    first. With ``since``, the walk stops at the first change before it (marks of sessions
    before it are not looked for)."""
    undone: dict[str, int] = {}
    marks: dict[str, Change] = {}
    for change in changes:
        if since is not None and change.at is not None and _aware(change.at, since) < since:
            break
        if change.kind == "undo" and change.of is not None:
            undone[change.of] = undone.get(change.of, 0) + 1
            continue
        if change.kind == "redo" and change.of is not None:  # cancels an earlier undo
            undone[change.of] = undone.get(change.of, 0) - 1
            continue
        if change.session is None:
            continue
        if undone.get(change.id, 0) > 0:
            undone[change.id] -= 1
            continue
        marks.setdefault(change.session, change)
    return marks


def today_facts(
    roadmap: Roadmap,
    progress: Progress,
    plan: Plan,
    today: date,
    now: datetime,
    tz: tzinfo,
    baseline: Mapping[str, Any] | None = None,
) -> TodayFacts:
    """Today's sessions, what comes next, missed days and the week so far (see above)."""
    monday = today - timedelta(days=today.weekday())
    look_back = min(monday, today - timedelta(days=MISSED_DAYS))
    start = datetime.combine(look_back, time(0), tzinfo=tz)
    marks = done_marks(progress.history.newest_first(), since=start)
    logged = logged_by_day(progress.history.newest_first(), tz, since=look_back)

    done: list[DaySession] = []
    for key, change in marks.items():
        topic_id, _, when = key.rpartition("@")
        try:
            begins = in_zone(datetime.fromisoformat(when), tz)
        except ValueError:
            continue
        track = topic_id[len(TRACK_PREFIX) :] if topic_id.startswith(TRACK_PREFIX) else None
        if track is not None:
            topic_id = track
        if begins.date() != today or (track is None and roadmap.get(topic_id) is None):
            continue
        hours = change.hours or 0.0
        end = begins + timedelta(hours=hours)
        done.append(DaySession(topic_id, begins, end, hours, True, False, None, track))

    planned_today: list[Session] = []
    after_today: Session | None = None
    for s in plan.sessions:  # in time order
        day = s.start.date()
        if day < today:
            continue
        if day > today:
            after_today = s
            break
        planned_today.append(s)
    open_, leftover = _open_today(planned_today, done, plan.studied)
    sessions = tuple(sorted(done + open_, key=lambda d: (d.start, not d.done)))

    nxt = next((d for d in sessions if not d.done and d.end > now), None)
    if nxt is None:  # the plan's next day; else what no longer fits today
        nxt = _day_session(after_today) if after_today is not None else leftover

    planned_days: dict[date, float] = {}
    made: date | None = None
    if baseline is not None:
        made = date.fromisoformat(str(baseline["made"]))
        for day_text, hours in baseline["days"].items():
            day = date.fromisoformat(day_text)
            if look_back <= day < today:
                planned_days[day] = float(hours)
    missed = tuple(
        Missed(day, planned, max(0.0, logged.get(day, 0.0)))
        for day, planned in sorted(planned_days.items())
        if day >= today - timedelta(days=MISSED_DAYS)
        and (made is None or day >= made)
        and logged.get(day, 0.0) < planned - 1e-9
    )
    today_planned = sum(d.hours for d in sessions)
    week_planned = sum(h for d, h in planned_days.items() if d >= monday) + today_planned
    week_done = sum(h for d, h in logged.items() if monday <= d <= today)
    return TodayFacts(
        today,
        sessions,
        nxt,
        missed,
        week_planned,
        max(0.0, week_done),
        max(0.0, logged.get(today, 0.0)),
    )


def _day_session(s: Session) -> DaySession:
    last = s.track is None and s.part == s.parts  # a track has no last session
    return DaySession(s.topic_id, s.start, s.end, s.hours, False, last, s, s.track)


def _open_today(
    planned: list[Session], done: list[DaySession], studied: float = 0.0
) -> tuple[list[DaySession], DaySession | None]:
    """Today's planned sessions around the ones done: a track's session marked done is
    that one (the plan keeps it where it was); any other session whose time overlaps a
    done one moves to after it, and together they take no more than the hours the plan
    gives today less the hours done in sessions that the plan did not already take from
    today (``studied``, ``Plan.studied``). Returns them, and the first session that no
    longer fits today (None when all fit)."""
    budget = sum(s.hours for s in planned) - max(0.0, sum(d.hours for d in done) - studied)
    marked = {d.key for d in done if d.track is not None}
    out: list[DaySession] = []
    cursor: datetime | None = None
    for s in planned:
        if s.track is not None and session_key(s) in marked:
            continue
        start = s.start if cursor is None else max(s.start, cursor)
        moved = True
        while moved:  # past every done session it would overlap
            moved = False
            for d in done:
                if d.start < start + timedelta(hours=s.hours) and start < d.end:
                    start, moved = d.end, True
        hours = min(s.hours, round(budget, 6))
        if hours <= 0 or start.date() != s.start.date():
            span = replace(s, start=start, end=start + timedelta(hours=s.hours))
            return out, _day_session(span)
        end = start + timedelta(hours=hours)
        session = replace(s, start=start, end=end, hours=hours)
        last = s.track is None and s.part == s.parts and hours == s.hours
        out.append(DaySession(s.topic_id, start, end, hours, False, last, session, s.track))
        budget -= hours
        cursor = end
    return out, None


def _aware(moment: datetime, like: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=like.tzinfo)
    return moment
