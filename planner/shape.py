"""The plan's shape that is the learner's: the queue of topics and pinned sessions.

Order
    The queue is: the topics the learner put first (``planner next``), in the order
    given; then the topics in progress (in roadmap order), whether or not anything was
    put first, so starting a topic (or logging hours on it) brings it to the front; then
    the rest in roadmap order. A module put first stands for its open topics, in roadmap
    order. Ids the roadmap no longer has, and closed topics, are passed over (and kept in
    the file: nothing is lost).

Pins
    A pin fixes a session of a topic at a local date and wall-clock time, for some
    minutes. The plan lays everything else around its pins: the pinned minutes come out
    of the topic's remaining hours (a pin longer than what is left is cut to it) and out
    of the day's hours; no other session overlaps a pin. A pin before the plan's first
    day is passed over (the plan is made from today). Pins are kept in the progress file
    as ``TOPIC YYYY-MM-DD HH:MM MINUTES`` lines, in time order.

Both live in the progress file (``Progress.order``, ``Progress.pins``): plain text, one
line each, recorded in its history like any change (so ``planner undo`` takes them back).
The domain reads no clock: ``now`` is a parameter.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol

from planner.errors import PlannerError
from planner.history import Intent
from planner.progress import Progress, State
from planner.roadmap import Module, Roadmap, Topic

if TYPE_CHECKING:
    from planner.schedule import Session


class ShapeError(PlannerError):
    """An order or a pin that cannot be used; the message names the command or setting."""


# -- the queue ---------------------------------------------------------------------------


def _topics_of(roadmap: Roadmap, item_id: str) -> list[str]:
    item = roadmap.get(item_id)
    if isinstance(item, Module):
        return [t.id for t in item.topics]
    if isinstance(item, Topic):
        return [item.id]
    if item is not None and "/" in item_id:  # a subtopic stands for its topic
        return [roadmap.parent_topic(item_id).id]
    return []


def queue(
    roadmap: Roadmap, progress: Progress, started: Collection[str] | None = None
) -> list[str]:
    """Every topic id of the roadmap, in the order the plan takes them (see the module's
    docstring); closed topics stay in it (the plan passes over what has nothing left).

    ``started``: the topics in progress, when the caller knows them already (the
    scheduler does, for the topics with hours left, from
    ``progress.remaining_topic_rows``; it looks up no other); else they are worked out
    from ``progress``."""
    roadmap_order = [t.id for t in roadmap.topics()]
    first: list[str] = []
    seen: set[str] = set()
    for item_id in progress.order:
        for topic_id in _topics_of(roadmap, item_id):
            if topic_id not in seen:
                seen.add(topic_id)
                first.append(topic_id)
    if started is None:
        states = progress.states(roadmap)
        started = {t for t in roadmap_order if states[t] is State.IN_PROGRESS}
    in_progress = [t for t in roadmap_order if t in started and t not in seen]
    seen.update(in_progress)
    return first + in_progress + [t for t in roadmap_order if t not in seen]


def open_queue(roadmap: Roadmap, progress: Progress) -> list[str]:
    """``queue`` without the closed (done or skipped) topics: what ``planner order`` shows."""
    states = progress.states(roadmap)
    started = {t for t, s in states.items() if s is State.IN_PROGRESS}
    return [t for t in queue(roadmap, progress, started) if not states[t].closed]


def put_next(progress: Progress, ids: Sequence[str]) -> None:
    """Put ``ids`` first, in that order, before what was put first already."""
    ids = list(dict.fromkeys(ids))
    progress.order = ids + [i for i in progress.order if i not in ids]


def move(roadmap: Roadmap, progress: Progress, topic_id: str, step: int) -> bool:
    """Move a topic ``step`` places (-1 up, +1 down) in the open queue; the whole queue
    becomes the learner's order. False when it is already at that end."""
    shown = open_queue(roadmap, progress)
    if topic_id not in shown:
        raise ShapeError(f"{topic_id} is not in the queue (it is done or skipped)")
    at = shown.index(topic_id)
    to = at + step
    if not 0 <= to < len(shown):
        return False
    shown[at], shown[to] = shown[to], shown[at]
    progress.order = shown[: max(at, to) + 1]
    return True


def reset_order(progress: Progress) -> None:
    progress.order = []


# -- pins --------------------------------------------------------------------------------

_PIN_RE = re.compile(r"^(\S+)\s+(\d{4}-\d{2}-\d{2})\s+(\d{1,2}):(\d{2})\s+(\d+)$")


@dataclass(frozen=True, order=True)
class Pin:
    """A session fixed by the learner: a topic, a local wall-clock start, its minutes."""

    day: date
    clock: int
    """Minutes after the day's midnight (wall clock)."""
    topic_id: str
    minutes: int

    @property
    def start(self) -> datetime:
        return datetime.combine(self.day, time(self.clock // 60, self.clock % 60))

    def line(self) -> str:
        return f"{self.topic_id} {self.day.isoformat()} {self.clock // 60:02d}:{self.clock % 60:02d} {self.minutes}"

    @classmethod
    def parse(cls, text: str) -> Pin:
        match = _PIN_RE.match(text.strip())
        if match is None:
            raise ShapeError(
                f"pin {text!r} in the progress file: expected TOPIC YYYY-MM-DD HH:MM MINUTES; "
                "fix or delete the line"
            )
        topic, day, hour, minute, minutes = match.groups()
        try:
            when = date.fromisoformat(day)
            clock = int(hour) * 60 + int(minute)
            if not (int(hour) < 24 and int(minute) < 60 and 0 < int(minutes) <= 24 * 60):
                raise ValueError
        except ValueError:
            raise ShapeError(
                f"pin {text!r} in the progress file: no such date, time or length; "
                "fix or delete the line"
            ) from None
        return cls(when, clock, topic, int(minutes))

    def overlaps(self, other: Pin) -> bool:
        a = self.day.toordinal() * 1440 + self.clock
        b = other.day.toordinal() * 1440 + other.clock
        return a < b + other.minutes and b < a + self.minutes


def parse_when(text: str) -> tuple[datetime, int]:
    """``YYYY-MM-DD HH:MM [HOURS]`` (hours in the grammar of ``planner.units``, default 1):
    the start, as a local wall-clock time, and the minutes; ValueError saying what to write."""
    from planner.settings import parse_clock
    from planner.units import parse_duration

    words = text.split()
    if len(words) not in (2, 3):
        raise ValueError("Write the date, the time and the hours: 2026-12-05 19:00 1.5")
    try:
        day = date.fromisoformat(words[0])
    except ValueError:
        raise ValueError(f"Cannot read {words[0]!r} as a date; write YYYY-MM-DD.") from None
    try:
        clock = parse_clock(words[1])
    except ValueError:
        raise ValueError(f"Cannot read {words[1]!r} as a time; write HH:MM.") from None
    hours = parse_duration(words[2]) if len(words) == 3 else 1.0
    minutes = round(hours * 60)
    if minutes <= 0:
        raise ValueError("A pinned session needs some time: 1.5, 90m or 1:30.")
    return datetime.combine(day, clock), minutes


def pins_of(progress: Progress) -> list[Pin]:
    """The progress file's pins, in time order; ``ShapeError`` for a line that is not one."""
    return sorted(Pin.parse(line) for line in progress.pins)


class _Timed(Protocol):
    """A session as the views hold it (``schedule.Session``, ``today.DaySession``)."""

    @property
    def topic_id(self) -> str: ...
    @property
    def start(self) -> datetime: ...
    @property
    def track(self) -> str | None: ...


PIN_MARK = "\u26b2"
"""The mark the app's views put on a pinned session (U+26B2, one cell wide); where
there is room it is followed by the word, as ``planner plan`` and ``planner today``
print it: "pinned"."""


@dataclass(frozen=True)
class Pinned:
    """Which sessions of a plan are pinned: ``session in pinned``. A session is pinned
    when it is the session a pin made: a topic's (not a track's) session of the pin's
    topic that starts at the pin's local date and wall-clock time (the plan puts the
    pinned minutes there, as one session, and nothing else of the topic). Both faces ask
    this one rule (``planner plan`` and its ``--json``, ``planner today``, the app's
    agenda, calendar and Today)."""

    starts: frozenset[tuple[str, datetime]] = frozenset()
    """(topic id, local wall-clock start without a zone) of each pin."""

    @classmethod
    def of(cls, progress: Progress) -> Pinned:
        """The pins of ``progress``; a line that is no pin marks nothing (the plan itself
        refuses it, naming the line)."""
        starts = set()
        for line in progress.pins:
            try:
                pin = Pin.parse(line)
            except ShapeError:
                continue
            starts.add((pin.topic_id, pin.start))
        return cls(frozenset(starts))

    def __bool__(self) -> bool:
        return bool(self.starts)

    def __contains__(self, session: _Timed) -> bool:
        if not self.starts or session.track is not None:
            return False
        return (session.topic_id, session.start.replace(tzinfo=None)) in self.starts


def add_pin(
    roadmap: Roadmap,
    progress: Progress,
    topic_id: str,
    start: datetime,
    minutes: int,
    now: datetime,
    busy: Sequence[tuple[datetime, datetime]] = (),
) -> Pin:
    """Pin ``topic_id`` at ``start`` (a local wall-clock time) for ``minutes``.

    A pin replaces the topic's pins on the same day. ``ShapeError`` (naming
    ``planner pin``) for a topic that is not open, a time in the past (before ``now``), a
    length of nothing or past midnight, or one that overlaps another pin or a ``busy``
    time (local wall-clock intervals)."""
    item = roadmap.get(topic_id)
    if not isinstance(item, Topic):
        raise ShapeError(f"pin: {topic_id} is not a topic; pin a topic")
    if progress.state(roadmap, topic_id).closed:
        raise ShapeError(f"pin: {topic_id} is closed (done or skipped); nothing to pin")
    wall = start.replace(tzinfo=None, second=0, microsecond=0)
    if wall < now.replace(tzinfo=None):
        raise ShapeError(
            f"pin: {wall:%Y-%m-%d %H:%M} is in the past (now {now:%Y-%m-%d %H:%M}); "
            "pick a later time"
        )
    clock = wall.hour * 60 + wall.minute
    if not 0 < minutes <= 1440 - clock:
        raise ShapeError(
            f"pin: {minutes / 60:g} h from {wall:%H:%M} does not fit before midnight; "
            "give fewer hours or an earlier time"
        )
    pin = Pin(wall.date(), clock, topic_id, minutes)
    for a, b in busy:
        if a.replace(tzinfo=None) < wall + timedelta(minutes=minutes) and wall < b.replace(
            tzinfo=None
        ):
            raise ShapeError(
                f"pin: {wall:%Y-%m-%d %H:%M} is on a busy time "
                f"({a:%H:%M}-{b:%H:%M}); pick a free time"
            )
    kept = [p for p in pins_of(progress) if not (p.topic_id == topic_id and p.day == pin.day)]
    for other in kept:
        if other.overlaps(pin):
            raise ShapeError(
                f"pin: {wall:%Y-%m-%d %H:%M} overlaps the pin of {other.topic_id} "
                f"at {other.start:%H:%M}; unpin it first (planner unpin {other.topic_id})"
            )
    progress.pins = [p.line() for p in sorted([*kept, pin])]
    return pin


def remove_pins(progress: Progress, topic_id: str, day: date | None = None) -> list[Pin]:
    """Take away ``topic_id``'s pins (on ``day`` only, if given); returns those taken."""
    pins = pins_of(progress)
    gone = [p for p in pins if p.topic_id == topic_id and (day is None or p.day == day)]
    progress.pins = [p.line() for p in pins if p not in gone]
    return gone


def moved_pins(
    roadmap: Roadmap,
    sessions: Sequence[Session],
    moves: Sequence[tuple[str, datetime]],
) -> list[tuple[str, str, datetime, int]]:
    """The pins that sessions the learner moved in their calendar become: (the event's
    UID, topic id, the new start as a local wall-clock time, the session's minutes) for
    each ``moves`` entry (an event's UID as ``planner.calendar_out`` makes it, its new
    start), when the UID is a topic's timed session of ``sessions`` and the new start is
    another time than the session's (an event edited but not moved is no move); a
    track's, an all-day one's, are passed over."""
    by_uid: dict[str, Session] = {}
    for s in sessions:
        if s.track is None:
            by_uid[f"{roadmap.id}.{s.topic_id}.{s.part}"] = s
    out = []
    for uid, start in moves:
        session = by_uid.get(uid.partition("@")[0])
        if session is not None:
            wall = start.astimezone(session.start.tzinfo) if start.tzinfo else start
            if wall.replace(tzinfo=None) == session.start.replace(tzinfo=None):
                continue
            out.append(
                (uid, session.topic_id, wall.replace(tzinfo=None), round(session.hours * 60))
            )
    return out


@dataclass
class PinMoves:
    """The change (give it to ``ProgressStore.update``) that makes the sessions the learner
    moved in their calendar pins where they moved them: what ``planner sync`` and the
    app's sync both do after a sync that reported moves (``planner.sync.engine.Report.moved``).

    ``sessions`` are the plan's sessions the sync worked from (the moved events' UIDs name
    them), ``now`` the local time. A move into the past, onto another pin, or of a topic
    closed meanwhile is passed over (left as the calendar has it). After the change ran,
    ``made`` holds the pins made, by the UID of the event moved."""

    roadmap: Roadmap
    sessions: Sequence[Session]
    moves: Sequence[tuple[str, datetime]]
    now: datetime
    made: dict[str, Pin] = field(default_factory=dict)

    @property
    def wanted(self) -> bool:
        """Whether a move is of a topic's session (else there is nothing to change)."""
        return bool(moved_pins(self.roadmap, self.sessions, self.moves))

    def __call__(self, progress: Progress) -> Intent:
        self.made.clear()
        for uid, topic_id, start, minutes in moved_pins(self.roadmap, self.sessions, self.moves):
            try:
                pin = add_pin(self.roadmap, progress, topic_id, start, minutes, self.now)
            except ShapeError:
                continue  # in the past, or on another pin: left as the calendar has it
            self.made[uid] = pin
        topics = tuple(dict.fromkeys(p.topic_id for p in self.made.values()))
        return Intent("pin", topics, "moved in the calendar, pinned")


TRACK_PREFIX = "track:"
"""The progress file keeps a track's logged hours under ``track:TITLE``."""


def track_named(titles: Sequence[str], text: str) -> str | None:
    """The track title ``text`` names (its title, in any case), or None."""
    low = text.strip().casefold()
    return next((t for t in titles if t.casefold() == low), None)


def log_track(progress: Progress, title: str, hours: float, now: datetime) -> None:
    """Hours spent on a track, kept as a topic's are (``track:TITLE`` in the file)."""
    progress.log_hours(TRACK_PREFIX + title, hours, now)
