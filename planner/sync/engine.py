"""The sync engine: make the planner's own calendar equal to the plan's next weeks.

Domain code: no UI, no clock (``now`` and ``today`` are parameters), no network library.
A service is reached through a ``CalendarAdapter`` (``planner.sync.caldav`` for CalDAV;
Google's adapter follows the same protocol).

How one sync goes (``sync``):

1. The desired events are the plan's sessions within the horizon (``desired_events``),
   each keyed by the exporter's stable UID (``<roadmap>.<topic>.<part>@planner``) and
   carrying a content hash of what the event says (summary, description, category, times,
   reminder).
2. The remote events are those in the planner's calendar that carry that key (CalDAV:
   the ``X-PLANNER-KEY`` property); every other event is invisible to the engine, so it is
   never changed or deleted. The engine never deletes a calendar.
3. ``plan_changes`` compares them, with the ``SyncState`` (what the last sync wrote: each
   event's etag and hash): a missing event is created, one whose stored hash differs is
   updated, one no longer desired is deleted, and one whose hash is equal is left alone.
   So a second run with nothing changed sends no change at all.
4. The learner's own edits are respected: an event whose etag differs from the one this
   planner recorded when it wrote it (the learner moved or edited it in their calendar
   app), or that is gone although we wrote it (the learner deleted it), is left as the
   learner left it and reported (``Kept``) once; from then on sync leaves that event alone
   (it is "kept" in the state). Events that ended before ``now`` are history: never
   deleted or changed. A move that became a pin (``planner.shape.PinMoves``, after the
   sync) is no longer kept (``release_pinned``): the plan now has the session where the
   learner put it, and the next sync makes the event equal to the plan again.
5. ``apply_changes`` sends the changes one by one and records each result in the state at
   once; ``sync_plan`` (one whole sync, as the command line and the app run it) saves the
   state even when a change failed halfway (server gone), so the next sync carries on
   from where this one stopped. Without a state (a new machine), the stored hash alone
   tells unchanged events from changed ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from planner.atomic import SYNC_STATE, FileError, read_text, write_atomic
from planner.calendar_out import (
    SessionEvent,
    StateSource,
    json_events_table,
    session_events,
    vevent,
    within_weeks,
)
from planner.errors import PlannerError

if TYPE_CHECKING:
    from planner.roadmap import Roadmap
    from planner.schedule import Session
    from planner.settings import SyncSettings

KEY_PROPERTY = "X-PLANNER-KEY"
"""The property that marks an event as the planner's, holding its stable key (the UID)."""
HASH_PROPERTY = "X-PLANNER-HASH"
"""The content hash of what the planner wrote into the event."""
STATE_FORMAT = 1
HASH_VERSION = "1"


class SyncError(PlannerError):
    """Sync could not finish; the message says what is wrong and what to do (one line).

    Nothing is lost: what was sent before the error is recorded, and the next sync
    completes the rest.
    """


class CalendarGone(SyncError):
    """The planner's calendar is no longer on the server (deleted there)."""


class Conflict(SyncError):
    """The event changed on the server since it was listed (an If-Match failed)."""


# -- what is compared -------------------------------------------------------------------


@dataclass(frozen=True)
class DesiredEvent:
    """One event the calendar should hold: a session's event, its reminder and hash."""

    item: SessionEvent
    reminder_minutes: int | None
    content_hash: str

    @property
    def key(self) -> str:
        return self.item.uid

    @property
    def summary(self) -> str:
        return self.item.summary

    @property
    def start(self) -> datetime:
        return self.item.start

    @property
    def end(self) -> datetime:
        return self.item.end

    def vevent(self, stamp: datetime) -> Any:
        """The ``icalendar.Event`` to send (the .ics export's, plus key, hash and alarm)."""
        return vevent(
            self.item,
            stamp=stamp,
            reminder_minutes=self.reminder_minutes,
            extra={KEY_PROPERTY: self.key, HASH_PROPERTY: self.content_hash},
        )


@dataclass(frozen=True)
class RemoteEvent:
    """One of the planner's events as the calendar holds it (listed by an adapter)."""

    key: str
    """The planner's key (CalDAV: ``X-PLANNER-KEY``)."""
    ref: str
    """Where the adapter finds it again (CalDAV: the resource's URL; Google: the event id)."""
    etag: str | None
    summary: str
    start: datetime | date | None
    end: datetime | date | None
    content_hash: str | None
    """The hash the planner stored in it (``X-PLANNER-HASH``); None when there is none."""


class CalendarAdapter(Protocol):
    """What the engine needs from a calendar service. Every method raises ``SyncError``
    (one line: what failed, what to do) for a failure the learner can act on: wrong
    password, server unreachable, and so on; ``CalendarGone`` when the calendar is gone.

    ``calendar`` is the adapter's id of the planner's calendar (CalDAV: its URL; Google:
    its calendar id), as ``ensure_calendar`` returned it; the engine records it in the
    sync state and hands it back on the next sync.
    """

    @property
    def calendar_name(self) -> str:
        """The planner's calendar's name, as the learner sees it (for reports)."""
        ...

    def ensure_calendar(self, known: str | None, *, create: bool) -> str | None:
        """The planner's calendar's id. ``known`` (from the last sync) is trusted without
        asking the server (listing then says ``CalendarGone`` if it is gone); otherwise the
        calendar is looked up by name and, when ``create`` is true, made when missing
        (CalDAV: MKCALENDAR). None: there is none and ``create`` is false (a dry run)."""
        ...

    def list_events(self, calendar: str) -> list[RemoteEvent]:
        """Every event of the calendar that carries the planner's key, with its etag,
        summary, start, end and stored hash; events without the key are left out."""
        ...

    def create(self, calendar: str, event: DesiredEvent, stamp: datetime) -> str | None:
        """Add the event; return its new etag (None when the server does not say)."""
        ...

    def update(
        self, calendar: str, remote: RemoteEvent, event: DesiredEvent, stamp: datetime
    ) -> str | None:
        """Replace ``remote`` with ``event``, only if it is unchanged since it was listed
        (``Conflict`` otherwise); return the new etag (None when the server does not say)."""
        ...

    def delete(self, calendar: str, remote: RemoteEvent) -> None:
        """Remove ``remote``, only if unchanged since listed (``Conflict`` otherwise); an
        event that is already gone is not an error."""
        ...


def content_hash(item: SessionEvent, reminder_minutes: int | None) -> str:
    """A short hash of everything the event says (not its DTSTAMP)."""
    data = json.dumps(
        [
            HASH_VERSION,
            item.uid,
            item.summary,
            item.description,
            item.category,
            item.key[0],
            item.key[1],
            item.all_day,
            reminder_minutes,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:20]


def desired_events(
    roadmap: Roadmap,
    sessions: Sequence[Session],
    progress: StateSource,
    *,
    today: date,
    weeks: int | None,
    reminder_minutes: int | None,
) -> tuple[list[DesiredEvent], list[str]]:
    """The events for the sessions of the next ``weeks`` weeks from ``today`` (None: all),
    and the exporter's warnings about them."""
    items, warnings = session_events(roadmap, within_weeks(sessions, today, weeks), progress)
    return [DesiredEvent(i, reminder_minutes, content_hash(i, reminder_minutes)) for i in items], (
        warnings
    )


# -- the state: what the last sync wrote ---------------------------------------------------


@dataclass
class StateEntry:
    etag: str | None
    content_hash: str | None
    kept: bool = False
    """The learner changed or deleted it: sync leaves it alone from now on."""
    pinned: bool = False
    """The learner moved it and the move became a pin (``release_pinned``): the next sync
    makes it equal to the plan, whatever hash it carries (it carries ours from before the
    move)."""


@dataclass
class SyncState:
    """What the last sync wrote, for one roadmap: the calendar and each event's etag."""

    target: str = ""
    """Which service, account and calendar name the state is about; another means none."""
    calendar: str | None = None
    events: dict[str, StateEntry] = field(default_factory=dict)
    problem: str | None = None
    """Why a stored state could not be used (then this one is empty)."""

    def to_json(self) -> str:
        data = {
            "format": STATE_FORMAT,
            "target": self.target,
            "calendar": self.calendar,
            "events": {
                key: {"etag": e.etag, "hash": e.content_hash, "kept": e.kept}
                | ({"pinned": True} if e.pinned else {})
                for key, e in sorted(self.events.items())
            },
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> SyncState:
        """Read a state; ValueError (with a short reason) when it is not one."""
        data, events = json_events_table(text, STATE_FORMAT, "a sync state")
        entries: dict[str, StateEntry] = {}
        for key, raw in events.items():
            if not isinstance(raw, dict):
                raise ValueError(f"bad entry for {key!r}")
            etag, digest, kept = raw.get("etag"), raw.get("hash"), raw.get("kept", False)
            pinned = raw.get("pinned", False)
            if not (
                (etag is None or isinstance(etag, str))
                and (digest is None or isinstance(digest, str))
                and isinstance(kept, bool)
                and isinstance(pinned, bool)
            ):
                raise ValueError(f"bad entry for {key!r}")
            entries[str(key)] = StateEntry(etag, digest, kept, pinned)
        calendar = data.get("calendar")
        target = data.get("target")
        return cls(
            str(target) if isinstance(target, str) else "",
            calendar if isinstance(calendar, str) else None,
            entries,
        )


def load_state(path: Path, target: str) -> SyncState:
    """The stored state for ``target``; an empty one when there is none, it is about another
    calendar, or it cannot be read (``problem`` then says why). Never raises."""
    try:
        text = read_text(path, SYNC_STATE)
    except (FileNotFoundError, NotADirectoryError):
        return SyncState(target)
    except FileError as exc:  # a folder, a device or pipe; too large; not UTF-8
        return SyncState(target, problem=str(exc))
    except OSError as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return SyncState(target, problem=f"cannot read the sync state {path} ({reason})")
    try:
        state = SyncState.from_json(text)
    except ValueError as exc:
        return SyncState(target, problem=f"the sync state {path} is damaged ({exc})")
    if state.target != target:
        return SyncState(target)  # another calendar or account: start afresh
    return state


def save_state(path: Path, state: SyncState) -> None:
    """Write the state atomically; SyncError (one line) when it cannot be written."""
    try:
        write_atomic(path, state.to_json(), SYNC_STATE)
    except FileError as exc:  # a device or folder there, read-only, hard-linked
        raise SyncError(str(exc)) from None
    except OSError as exc:
        raise SyncError(
            f"cannot save the sync state {path}: {exc.strerror or exc}; the calendar is "
            f"up to date, but the next sync cannot tell your own edits from ours; check that "
            f"{path.parent} is a folder you can write to"
        ) from exc


# -- comparing and applying --------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    """An event the learner changed or deleted in the calendar, left as they left it."""

    key: str
    summary: str
    start: datetime | date | None
    """Where the learner moved it to; None when they deleted it."""
    deleted: bool


@dataclass
class Changes:
    """What a sync sends (``create``, ``update``, ``delete``) and what it leaves."""

    create: list[DesiredEvent] = field(default_factory=list)
    update: list[tuple[RemoteEvent, DesiredEvent]] = field(default_factory=list)
    delete: list[RemoteEvent] = field(default_factory=list)
    unchanged: int = 0
    kept: list[Kept] = field(default_factory=list)
    """Newly noticed edits of the learner (reported once)."""
    adopt: dict[str, StateEntry] = field(default_factory=dict)
    """State entries learnt without sending anything (unchanged events' etags, kept ones)."""

    @property
    def count(self) -> int:
        return len(self.create) + len(self.update) + len(self.delete)


def _ended(remote: RemoteEvent, now: datetime) -> bool:
    end = remote.end
    if isinstance(end, datetime):
        if end.tzinfo is None:
            return False  # a floating time: cannot tell; treat as current
        return end <= now
    if isinstance(end, date):
        return end <= now.date()
    return False


def plan_changes(
    desired: Iterable[DesiredEvent],
    remote: Iterable[RemoteEvent],
    state: SyncState,
    *,
    now: datetime,
) -> Changes:
    """What to create, update and delete so the calendar holds ``desired``.

    ``now`` (aware) keeps events that already ended out of it. Pure: sends nothing.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a time-zone-aware datetime")
    changes = Changes()
    by_key: dict[str, RemoteEvent] = {}
    for r in remote:
        if r.key in by_key:  # two of ours with one key (an interrupted create): one goes
            changes.delete.append(r)
        else:
            by_key[r.key] = r
    wanted: dict[str, DesiredEvent] = {}
    for d in desired:
        wanted.setdefault(d.key, d)
    for key, d in wanted.items():
        found = by_key.get(key)
        s = state.events.get(key)
        if s is not None and s.kept:
            changes.unchanged += 1
            continue
        if found is None:
            if s is not None and s.etag is not None:  # we wrote it and saw it; now gone
                changes.kept.append(Kept(key, d.summary, None, deleted=True))
                changes.adopt[key] = StateEntry(None, s.content_hash, kept=True)
            else:
                changes.create.append(d)
            continue
        r = found
        if s is not None and s.etag is not None and r.etag != s.etag:
            changes.kept.append(Kept(key, r.summary or d.summary, r.start, deleted=False))
            changes.adopt[key] = StateEntry(r.etag, r.content_hash, kept=True)
            continue
        if r.content_hash == d.content_hash and not (s is not None and s.pinned):
            changes.unchanged += 1
            if s is None or s.etag != r.etag or s.content_hash != d.content_hash:
                changes.adopt[key] = StateEntry(r.etag, d.content_hash)
            continue
        changes.update.append((r, d))
    for key, r in by_key.items():
        if key in wanted:
            continue
        s = state.events.get(key)
        if s is not None and s.kept:
            continue
        if _ended(r, now):
            continue  # history: what was planned then stays
        if s is not None and s.etag is not None and r.etag != s.etag:
            changes.kept.append(Kept(key, r.summary, r.start, deleted=False))
            changes.adopt[key] = StateEntry(r.etag, r.content_hash, kept=True)
            continue
        changes.delete.append(r)
    return changes


@dataclass
class Report:
    """What one sync did (or, in a dry run, would do)."""

    calendar: str
    created: list[DesiredEvent] = field(default_factory=list)
    updated: list[DesiredEvent] = field(default_factory=list)
    deleted: list[RemoteEvent] = field(default_factory=list)
    unchanged: int = 0
    kept: list[Kept] = field(default_factory=list)
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def moved(self) -> list[tuple[str, datetime]]:
        """The timed events the learner changed (key, start as they left it), from
        ``kept``: ``planner.shape.PinMoves`` makes pins of those moved to another time."""
        return [
            (k.key, k.start) for k in self.kept if not k.deleted and isinstance(k.start, datetime)
        ]


def _forget_unlisted(state: SyncState, remote: Iterable[RemoteEvent], desired: set[str]) -> None:
    """Drop state entries of events that are neither on the server nor wanted."""
    listed = {r.key for r in remote}
    for key in list(state.events):
        if key not in listed and key not in desired:
            del state.events[key]


def apply_changes(
    adapter: CalendarAdapter,
    calendar: str,
    changes: Changes,
    state: SyncState,
    report: Report,
    *,
    stamp: datetime,
) -> None:
    """Send the changes, recording each in ``state`` and ``report`` as soon as it is done.

    Creates first, then updates, then deletes. A ``Conflict`` (the learner edited the
    event after it was listed) keeps the learner's version; any other ``SyncError``
    stops here, with everything done so far recorded.
    """
    state.events.update(changes.adopt)
    for d in changes.create:
        etag = adapter.create(calendar, d, stamp)
        state.events[d.key] = StateEntry(etag, d.content_hash)
        report.created.append(d)
    for r, d in changes.update:
        try:
            etag = adapter.update(calendar, r, d, stamp)
        except Conflict:
            report.kept.append(Kept(r.key, r.summary, r.start, deleted=False))
            state.events[r.key] = StateEntry(None, r.content_hash, kept=True)
            continue
        state.events[d.key] = StateEntry(etag, d.content_hash)
        report.updated.append(d)
    for r in changes.delete:
        try:
            adapter.delete(calendar, r)
        except Conflict:
            report.kept.append(Kept(r.key, r.summary, r.start, deleted=False))
            state.events[r.key] = StateEntry(None, r.content_hash, kept=True)
            continue
        if not any(x is not r and x.key == r.key for x in changes.delete):
            state.events.pop(r.key, None)
        report.deleted.append(r)


def sync(
    adapter: CalendarAdapter,
    desired: Sequence[DesiredEvent],
    state: SyncState,
    *,
    now: datetime,
    dry_run: bool = False,
    scope: str = "",
) -> Report:
    """Make the adapter's calendar hold ``desired``; update ``state`` (the caller saves it,
    also when this raises: it then holds everything done before the error).

    Only the planner's events whose key starts with ``scope`` (``ROADMAP.``: one roadmap's)
    are compared, so another roadmap's events in the same calendar are never touched.
    A dry run lists and compares but sends nothing and leaves ``state`` as it was.
    """
    report = Report(adapter.calendar_name, dry_run=dry_run)
    if state.problem:
        report.warnings.append(
            f"{state.problem}; sync cannot tell your own edits from ours this time"
        )
    calendar = adapter.ensure_calendar(state.calendar, create=not dry_run)
    if calendar is None:  # dry run, no calendar yet: everything would be created
        report.created = list(desired)
        return report
    if not dry_run:
        state.calendar = calendar
    try:
        remote = [r for r in adapter.list_events(calendar) if r.key.startswith(scope)]
    except CalendarGone:
        if not dry_run:
            state.calendar = None
            state.events.clear()
        raise
    changes = plan_changes(desired, remote, state, now=now)
    report.unchanged = changes.unchanged
    report.kept = list(changes.kept)
    if dry_run:
        report.created = list(changes.create)
        report.updated = [d for _, d in changes.update]
        report.deleted = list(changes.delete)
        return report
    _forget_unlisted(state, remote, {d.key for d in desired})
    apply_changes(adapter, calendar, changes, state, report, stamp=now.astimezone(timezone.utc))
    return report


def state_target(sync_settings: SyncSettings) -> str:
    """What a sync state is about: service, account and calendar name (not secret)."""
    s = sync_settings
    return f"{s.service} {s.username or ''}@{s.url or ''} {s.calendar}"


def sync_plan(
    adapter: CalendarAdapter,
    roadmap: Roadmap,
    sessions: Sequence[Session],
    progress: StateSource,
    sync_settings: SyncSettings,
    *,
    state_path: Path,
    today: date,
    now: datetime,
    weeks: int | None,
    dry_run: bool = False,
) -> Report:
    """One whole sync of a plan, as the command line and the app run it: the desired events
    of the next ``weeks`` weeks (None: all), the state read from ``state_path`` and saved
    back (also when the sync stops halfway, so the next one carries on), the report.

    Raises ``SyncError`` (one line) when the sync could not finish.
    """
    desired, warnings = desired_events(
        roadmap,
        sessions,
        progress,
        today=today,
        weeks=weeks,
        reminder_minutes=sync_settings.reminder_minutes,
    )
    state = load_state(state_path, state_target(sync_settings))
    try:
        report = sync(adapter, desired, state, now=now, dry_run=dry_run, scope=f"{roadmap.id}.")
    finally:
        if not dry_run:
            save_state(state_path, state)
    report.warnings[:0] = warnings
    return report


def release_pinned(state_path: Path, sync_settings: SyncSettings, keys: Iterable[str]) -> None:
    """Stop keeping the learner's moved events ``keys`` that became pins
    (``planner.shape.PinMoves``): the pins now hold those sessions where they were moved,
    so the next sync makes the events equal to the plan again. Kept, the moved event would
    stay beside the pinned session (two events at that time) and the session it was would
    be missing from the calendar. ``SyncError`` (one line) when the state cannot be saved."""
    state = load_state(state_path, state_target(sync_settings))
    released = False
    for key in keys:
        entry = state.events.get(key)
        if entry is not None and entry.kept:
            entry.kept, entry.pinned = False, True
            released = True
    if released:
        save_state(state_path, state)


def when_text(moment: datetime | date | None, tz: Any) -> str:
    """ "Thu 19:30" (or "Thu 20 Mar" for a date) in the zone ``tz``."""
    if isinstance(moment, datetime):
        local = moment.astimezone(tz) if moment.tzinfo is not None else moment
        return f"{local:%a %d %b %H:%M}"
    if isinstance(moment, date):
        return f"{moment:%a %d %b}"
    return "an unknown time"


def kept_text(kept: Kept, tz: Any) -> str:
    """The line that tells the learner their edit was kept."""
    if kept.deleted:
        return f"kept your deletion of {kept.summary}"
    return f"kept your change to {kept.summary}, moved to {when_text(kept.start, tz)}"
