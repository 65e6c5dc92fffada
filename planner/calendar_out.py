"""Plan -> iCalendar: the .ics file and the events sync sends, built with ``icalendar``.

One function makes the VEVENT of a session, ``vevent``; the .ics export (``build_calendar``)
and the sync payloads (``planner.sync``) both use it, so a session reads the same in a
file and in a synced calendar. What the events hold:

- the UID is stable, derived from roadmap, topic and part (``<roadmap>.<topic>.<part>@planner``;
  all-day ``<roadmap>.<topic>.<YYYYMMDD>@planner``), so re-exports and syncs find the same
  event again; two sessions that would share one get ``-2``, ``-3`` ... (with a warning);
- timed events are UTC instants (``DTSTART:20250330T170000Z``): the instant ``plan --json``
  gives, whatever the reader's zone; all-day events are the session's *local* date, with an
  explicit exclusive end (the next day);
- DTSTAMP is the export time ``now`` (a parameter: no clock is read here), SEQUENCE goes up
  for a session whose start or end moved since the last export (the export record);
- text is cleaned of control characters (RFC 5545 forbids them in TEXT) with every kind of
  line break made ``\\n`` before icalendar escapes it; a VALARM is added only when a
  reminder is asked for (sync): the .ics file has none (Google ignores alarms on import).

icalendar writes the content lines (properties before components, the header before the
events, events in time order); the file is then folded by ``fold`` at 75 octets, never
inside a UTF-8 character, with CRLF line ends and a final CRLF: icalendar folds the same
way, one character at a time, which is most of its writing time on a large plan.
icalendar costs about 40 ms to import, so it is imported only when an event is made.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import re
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol

from planner import locations
from planner.atomic import CALENDAR, EXPORT_RECORD, FileError, read_text, write_atomic
from planner.errors import PlannerError
from planner.roadmap import Module, Roadmap, Topic

if TYPE_CHECKING:
    from planner.schedule import Plan, Session

PRODID = "-//planner//study planner//EN"
UID_DOMAIN = "planner"
GOOGLE_IMPORT_LIMIT = 1_000_000
"""Google Calendar refuses import files above about 1 MB; bigger exports are split."""
RECORD_FORMAT = 1

_STATE_WORDS = {
    "todo": "to do",
    "in_progress": "in progress",
    "done": "done",
    "skipped": "skipped",
}


class ExportError(PlannerError):
    """The calendar or its record could not be written; the message says where and why."""


class StateSource(Protocol):
    """What the exporter needs from progress (``planner.progress.Progress`` is one)."""

    def state(self, roadmap: Roadmap, item_id: str) -> Any: ...


# -- the record of what was exported (for SEQUENCE) ------------------------------------


@dataclass(frozen=True)
class RecordEntry:
    """One exported event: its start and end as written (UTC instant or date), and SEQUENCE."""

    start: str
    end: str
    sequence: int = 0

    @property
    def timed(self) -> bool:
        return "T" in self.start


@dataclass
class ExportRecord:
    """What the last export wrote, per UID; ``problem`` says why a stored one was unusable."""

    entries: dict[str, RecordEntry] = field(default_factory=dict)
    roadmap_id: str | None = None
    exported: str | None = None
    """When (UTC, ISO 8601)."""
    problem: str | None = None

    def to_json(self) -> str:
        data = {
            "format": RECORD_FORMAT,
            "roadmap": self.roadmap_id,
            "exported": self.exported,
            "events": {
                uid: {"start": e.start, "end": e.end, "sequence": e.sequence}
                for uid, e in self.entries.items()
            },
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> ExportRecord:
        """Read a record; ValueError (with a short reason) when it is not one."""
        data, events = json_events_table(text, RECORD_FORMAT, "an export record")
        entries: dict[str, RecordEntry] = {}
        for uid, raw in events.items():
            if not (
                isinstance(raw, dict)
                and isinstance(raw.get("start"), str)
                and isinstance(raw.get("end"), str)
                and isinstance(raw.get("sequence"), int)
                and raw["sequence"] >= 0
            ):
                raise ValueError(f"bad entry for {uid!r}")
            entries[str(uid)] = RecordEntry(raw["start"], raw["end"], raw["sequence"])
        roadmap_id = data.get("roadmap")
        exported = data.get("exported")
        return cls(
            entries,
            roadmap_id if isinstance(roadmap_id, str) else None,
            exported if isinstance(exported, str) else None,
        )


def json_events_table(text: str, format_: int, what: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The data of one of the planner's small JSON files (the export record, the sync state)
    and its ``events`` table; ValueError (a short reason) when it is not ``what`` of
    ``format_`` (json.JSONDecodeError is a ValueError too)."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("format") != format_:
        raise ValueError(f"not {what} of format {format_}")
    events = data.get("events")
    if not isinstance(events, dict):
        raise ValueError("no 'events' table")
    return data, events


def load_record(path: Path) -> ExportRecord:
    """The stored record; an empty one if there is none, or (with ``problem`` set) if unreadable.

    Never raises for a bad file: the worst case is that SEQUENCE numbers start again at 0.
    """
    try:
        text = read_text(path, EXPORT_RECORD)
    except (FileNotFoundError, NotADirectoryError):  # no such file, or no such folder
        return ExportRecord()
    except FileError as exc:  # a folder, a device; too large; not UTF-8
        return ExportRecord(problem=str(exc))
    except OSError as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        return ExportRecord(problem=f"cannot read the export record {path} ({reason})")
    try:
        return ExportRecord.from_json(text)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        return ExportRecord(problem=f"the export record {path} is damaged ({exc})")


def _file_in_the_way(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` that is not a folder (so path cannot exist)."""
    for parent in path.parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def save_record(path: Path, record: ExportRecord) -> None:
    """Write the record atomically; ExportError (one line) when it cannot be written."""
    try:
        write_atomic(path, record.to_json(), EXPORT_RECORD)
    except FileError as exc:
        raise ExportError(str(exc)) from None
    except OSError as exc:
        blocker = _file_in_the_way(path)
        if blocker is not None:
            why = f"{blocker} is a file, not a folder"
            fix = f"move it aside, or set {locations.ENV_DATA_DIR} to a folder"
        else:
            why = str(exc.strerror or exc)
            fix = f"check that {path.parent} is a folder you can write to"
        raise ExportError(
            f"cannot save the export record {path}: {why}; the next export will not know "
            f"which sessions moved (SEQUENCE); {fix}"
        ) from exc


# -- the export ----------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    text: str
    """The whole .ics: CRLF line ends, folded at 75 octets, final CRLF."""
    record: ExportRecord
    events: int
    warnings: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        """In bytes (UTF-8)."""
        return len(self.text.encode("utf-8"))


@dataclass(frozen=True)
class SessionEvent:
    """What one calendar event says, before any library writes it (``vevent`` does)."""

    uid: str
    """The stable key: ``<roadmap>.<topic>.<part>@planner`` (all-day: ``.<YYYYMMDD>``)."""
    summary: str
    description: str
    category: str
    start: datetime  # timed: aware instant; all-day: midnight UTC of the local date
    end: datetime
    all_day: bool
    key: tuple[str, str]  # what the record compares: start and end as written

    @property
    def local_start(self) -> datetime | date:
        """The start as the learner reads it: the local date of an all-day event."""
        return self.start.date() if self.all_day else self.start


_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")  # C0, DEL, C1 (8-bit CSI...)


def clean_text(text: str) -> str:
    """Normalize every kind of line break to ``\\n`` and drop control characters but tab.

    icalendar escapes ``\\n``; a lone carriage return would reach the file as a raw CR, which
    readers take as a line end; other controls are not allowed in iCalendar text at all.
    """
    if text.isprintable():
        return text
    return _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text))


def fold(text: str) -> str:
    """Fold lines (separated by CRLF) at 75 octets, never inside a UTF-8 character.

    Returns the text with CRLF line ends and a final CRLF.
    """
    out: list[str] = []
    append = out.append
    for line in text.split("\r\n"):
        if len(line) <= 75 and (len(line) <= 18 or line.isascii() or len(line.encode()) <= 75):
            append(line)
        elif line.isascii():
            append(line[:75])
            for i in range(75, len(line), 74):
                append(" " + line[i : i + 74])
        else:
            out.extend(_fold_utf8(line))
    if out and out[-1] == "":
        out.pop()
    out.append("")
    return "\r\n".join(out)


def _fold_utf8(line: str) -> list[str]:
    raw = line.encode("utf-8")
    pieces: list[str] = []
    start, width = 0, 75
    while start < len(raw):
        end = min(start + width, len(raw))
        while end < len(raw) and (raw[end] & 0xC0) == 0x80:  # a continuation byte
            end -= 1
        piece = raw[start:end].decode("utf-8")
        pieces.append(piece if start == 0 else " " + piece)
        start, width = end, 74
    return pieces


def _hours_text(hours: float) -> str:
    return f"{round(hours, 2):g} h"


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


class _Describer:
    """Per-topic text, made once per topic however many sessions it has."""

    def __init__(self, roadmap: Roadmap, progress: StateSource) -> None:
        self.roadmap = roadmap
        self.progress = progress
        self.cache: dict[str, tuple[str, str, str]] = {}
        self.unknown: list[str] = []

    def topic(self, topic_id: str) -> tuple[str, str, str]:
        """(title, description, category) for a topic id."""
        hit = self.cache.get(topic_id)
        if hit is None:
            hit = self.cache[topic_id] = self._make(topic_id)
        return hit

    def _state(self, item_id: str) -> str:
        state = self.progress.state(self.roadmap, item_id)
        value = getattr(state, "value", state)
        return _STATE_WORDS.get(str(value), str(value))

    def _make(self, topic_id: str) -> tuple[str, str, str]:
        topic = self.roadmap.get(topic_id)
        if not isinstance(topic, Topic):
            self.unknown.append(topic_id)
            return clean_text(topic_id), "", ""
        owner = self.roadmap.get(topic.module_id)
        module = owner if isinstance(owner, Module) else None
        lines: list[str] = []
        if module is not None:
            lines.append(f"Module {module.number}: {module.title}")
        lines.append(f"Estimate: {topic.estimate_text()}")
        if topic.subtopics:
            lines.append("")
            lines.append("Subtopics:")
            lines.extend(f"- {s.title} ({self._state(s.id)})" for s in topic.subtopics)
        links = ([(topic.title, topic.link)] if topic.link else []) + [
            (s.title, s.link) for s in topic.subtopics if s.link
        ]
        if links:
            lines.append("")
            lines.append("Links:")
            lines.extend(f"- {title}: {link}" for title, link in links)
        if module is not None and module.practical_application:
            lines.append("")
            lines.append(f"Practical application: {module.practical_application}")
        category = module.title if module is not None else ""
        return clean_text(topic.title), clean_text("\n".join(lines)), clean_text(category)


def track_uid(title: str, day: date, k: int) -> str:
    """The stable middle of a track session's UID: the track's title made safe (letters,
    digits and dashes), its day, and which of the day's pieces (a track's session stays the
    same event while it stays on its day)."""
    slug = "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())
    return f"track-{slug or 'track'}.{day:%Y%m%d}" + (f"-{k}" if k > 1 else "")


def _timed_items(
    roadmap: Roadmap, sessions: Sequence[Session], describe: _Describer
) -> list[SessionEvent]:
    items: list[SessionEvent] = []
    on_day: dict[tuple[str, date], int] = {}
    for s in sessions:
        start, end = s.start, s.end
        if s.track is not None:  # a track's session (settings.tracks): its own UIDs
            day = start.date()
            k = on_day[s.track, day] = on_day.get((s.track, day), 0) + 1
            items.append(
                SessionEvent(
                    uid=f"{roadmap.id}.{track_uid(s.track, day, k)}@{UID_DOMAIN}",
                    summary=f"{clean_text(s.track)} ({s.part}/{s.parts})",
                    description="A track: ongoing work with its weekly share of the hours",
                    category="Track",
                    start=start,
                    end=end,
                    all_day=False,
                    key=(_utc_stamp(start), _utc_stamp(end)),
                )
            )
            continue
        title, description, category = describe.topic(s.topic_id)
        items.append(
            SessionEvent(
                uid=f"{roadmap.id}.{s.topic_id}.{s.part}@{UID_DOMAIN}",
                summary=f"{title} ({s.part}/{s.parts})",
                description=description,
                category=category,
                start=start,
                end=end,
                all_day=False,
                key=(_utc_stamp(start), _utc_stamp(end)),
            )
        )
    return items


def _all_day_items(
    roadmap: Roadmap, sessions: Sequence[Session], describe: _Describer
) -> list[SessionEvent]:
    # hours per (topic, local date): a session belongs to the day it starts on, in its zone
    days: dict[str, dict[date, float]] = {}
    for s in sessions:
        per_topic = days.setdefault(s.topic_id, {})
        day = s.start.date()
        per_topic[day] = per_topic.get(day, 0.0) + s.hours
    items: list[SessionEvent] = []
    tracks = {s.topic_id for s in sessions if s.track is not None}
    for topic_id, per_day in days.items():
        if topic_id in tracks:  # a track's (settings.tracks): its title, its own UIDs
            title, description, category = clean_text(topic_id), "A track", "Track"
        else:
            title, description, category = describe.topic(topic_id)
        ordered = sorted(per_day)
        for k, day in enumerate(ordered, 1):
            start = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
            end = start + timedelta(days=1)
            middle = (
                track_uid(topic_id, day, 1) if topic_id in tracks else f"{topic_id}.{day:%Y%m%d}"
            )
            items.append(
                SessionEvent(
                    uid=f"{roadmap.id}.{middle}@{UID_DOMAIN}",
                    summary=f"{title} ({k}/{len(ordered)}) · {_hours_text(per_day[day])}",
                    description=description,
                    category=category,
                    start=start,
                    end=end,
                    all_day=True,
                    key=(f"{day:%Y%m%d}", f"{end:%Y%m%d}"),
                )
            )
    return items


def _unique_uids(items: list[SessionEvent], warnings: list[str]) -> list[SessionEvent]:
    seen: dict[str, int] = {}
    out: list[SessionEvent] = []
    for item in items:
        n = seen.get(item.uid, 0) + 1
        seen[item.uid] = n
        if n > 1:
            local, _, domain = item.uid.partition("@")
            uid = f"{local}-{n}@{domain}"
            warnings.append(f"two sessions share the id {item.uid}; the second is {uid}")
            item = dataclasses.replace(item, uid=uid)
        out.append(item)
    return out


def session_events(
    roadmap: Roadmap,
    sessions: Sequence[Session],
    progress: StateSource,
    *,
    all_day: bool = False,
) -> tuple[list[SessionEvent], list[str]]:
    """The events for ``sessions`` (in time order, UIDs unique) and the warnings about them.

    Timed: one event per session. All-day: one per topic per local day, hours in the title.
    Raises ValueError for a session with a naive start or end.
    """
    warnings: list[str] = []
    describe = _Describer(roadmap, progress)
    for s in sessions:
        if s.start.tzinfo is None or s.end.tzinfo is None:
            raise ValueError(f"session {s.topic_id} {s.part}/{s.parts} has a naive start or end")
    ordered = sorted(sessions, key=lambda s: (s.start, s.end, s.topic_id, s.part))
    make = _all_day_items if all_day else _timed_items
    items = make(roadmap, ordered, describe)
    if all_day:
        items.sort(key=lambda i: (i.start, i.uid))
    items = _unique_uids(items, warnings)
    if describe.unknown:
        warnings.append(
            "sessions for topics not in the roadmap were exported under their ids: "
            + ", ".join(describe.unknown)
        )
    return items, warnings


def within_weeks(sessions: Sequence[Session], today: date, weeks: int | None) -> list[Session]:
    """The sessions that start (in their own zone) before ``today`` + ``weeks`` weeks.

    ``weeks`` None means all of them. The horizon of ``export --weeks`` and of sync.
    """
    if weeks is None:
        return list(sessions)
    if weeks < 1:
        raise ValueError(f"weeks must be 1 or more, not {weeks}")
    last = today + timedelta(weeks=weeks)
    return [s for s in sessions if s.start.date() < last]


def vevent(
    item: SessionEvent,
    *,
    stamp: datetime,
    sequence: int | None = None,
    reminder_minutes: int | None = None,
    extra: dict[str, str] | None = None,
    _texts: dict[str, Any] | None = None,
) -> Any:
    """The ``icalendar.Event`` of one session: what the .ics file and sync both send.

    UID, DTSTAMP (``stamp``, UTC), DTSTART/DTEND (UTC instants; all-day: dates with the
    exclusive end), SUMMARY, DESCRIPTION and CATEGORIES when there is one; SEQUENCE when
    given; a display VALARM ``reminder_minutes`` before the start when given; ``extra``
    adds text properties (sync's ``X-PLANNER-KEY`` and ``X-PLANNER-HASH``). ``_texts``
    lets a caller share one value object between the many sessions of a topic.
    """
    from icalendar import Alarm, Event
    from icalendar.prop import vCategory, vDDDTypes, vDuration, vInt, vText

    texts = _texts if _texts is not None else {}

    def text(value: str) -> Any:
        hit = texts.get(value)
        if hit is None:
            hit = texts[value] = vText(value)
        return hit

    event = Event()
    event["UID"] = vText(item.uid)
    event["DTSTAMP"] = vDDDTypes(stamp.astimezone(timezone.utc).replace(microsecond=0))
    if item.all_day:
        event["DTSTART"] = vDDDTypes(item.start.date())
        event["DTEND"] = vDDDTypes(item.end.date())
    else:
        event["DTSTART"] = vDDDTypes(item.start.astimezone(timezone.utc))
        event["DTEND"] = vDDDTypes(item.end.astimezone(timezone.utc))
    event["SUMMARY"] = vText(item.summary)
    if item.description:
        event["DESCRIPTION"] = text(item.description)
    if item.category:
        categories = texts.get("\0" + item.category)
        if categories is None:
            categories = texts["\0" + item.category] = vCategory([item.category])
        event["CATEGORIES"] = categories
    if sequence is not None:
        event["SEQUENCE"] = vInt(sequence)
    for name, value in (extra or {}).items():
        event[name] = vText(value)
    if reminder_minutes is not None:
        alarm = Alarm()
        alarm["ACTION"] = vText("DISPLAY")
        alarm["DESCRIPTION"] = vText(item.summary)
        alarm["TRIGGER"] = vDuration(timedelta(minutes=-reminder_minutes))
        event.add_component(alarm)
    return event


def calendar_text(calendar: Any) -> str:
    """An ``icalendar`` component as text: its content lines, folded by ``fold``."""
    return fold("\r\n".join(calendar.content_lines()))


def build_calendar(
    roadmap: Roadmap,
    plan: Plan,
    progress: StateSource,
    *,
    now: datetime,
    all_day: bool = False,
    previous: ExportRecord | None = None,
) -> Export:
    """The plan as an .ics calendar: one event per session, or one all-day event per topic-day.

    ``now`` (aware) is the export time written as DTSTAMP. ``previous`` is the record of the
    last export: an event whose start or end moved since then gets a higher SEQUENCE.
    """
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a time-zone-aware datetime")
    from icalendar import Calendar
    from icalendar.prop import vText

    warnings: list[str] = []
    if previous is not None and previous.problem:
        warnings.append(f"{previous.problem}; SEQUENCE numbers start again at 0")
    stamp = now.astimezone(timezone.utc).replace(microsecond=0)
    items, item_warnings = session_events(roadmap, plan.sessions, progress, all_day=all_day)
    warnings += item_warnings

    calendar = Calendar()
    calendar["VERSION"] = vText("2.0")
    calendar["PRODID"] = vText(PRODID)
    calendar["CALSCALE"] = vText("GREGORIAN")
    calendar["METHOD"] = vText("PUBLISH")
    calendar["X-WR-CALNAME"] = vText(clean_text(roadmap.title))
    old = previous.entries if previous is not None else {}
    entries: dict[str, RecordEntry] = {}
    texts: dict[str, Any] = {}
    for item in items:
        before = old.get(item.uid)
        if before is None:
            sequence = 0
        elif (before.start, before.end) == item.key:
            sequence = before.sequence
        else:
            sequence = before.sequence + 1
        entries[item.uid] = RecordEntry(item.key[0], item.key[1], sequence)
        calendar.add_component(vevent(item, stamp=stamp, sequence=sequence, _texts=texts))

    # a timed event that vanished but is still ahead keeps its SEQUENCE, should it come back
    stamp_now = _utc_stamp(stamp)
    for uid, entry in old.items():
        if uid not in entries and entry.timed and entry.end > stamp_now:
            entries[uid] = entry

    text = calendar_text(calendar)
    record = ExportRecord(entries, roadmap.id, stamp.isoformat())
    return Export(text=text, record=record, events=len(items), warnings=warnings)


# -- writing -------------------------------------------------------------------------


def split_calendar(text: str, limit: int = GOOGLE_IMPORT_LIMIT) -> list[str]:
    """The calendar as one text, or as several complete calendars each at most ``limit`` bytes.

    Splits only between events; every part repeats the calendar's header lines.
    """
    if len(text.encode("utf-8")) <= limit:
        return [text]
    begin, end = "BEGIN:VEVENT\r\n", "END:VEVENT\r\n"
    first = text.find(begin)
    footer_at = text.rfind("END:VCALENDAR\r\n")
    if first < 0 or footer_at < 0:
        return [text]
    header, footer = text[:first], text[footer_at:]
    chunks: list[str] = []
    pos = first
    while pos < footer_at:
        stop = text.find(end, pos)
        if stop < 0 or stop >= footer_at:
            break
        stop += len(end)
        chunks.append(text[pos:stop])
        pos = stop
    frame = len(header.encode("utf-8")) + len(footer.encode("utf-8"))
    parts: list[str] = []
    current: list[str] = []
    size = frame
    for chunk in chunks:
        n = len(chunk.encode("utf-8"))
        if current and size + n > limit:
            parts.append(header + "".join(current) + footer)
            current, size = [], frame
        current.append(chunk)
        size += n
    if current:
        parts.append(header + "".join(current) + footer)
    return parts


def part_paths(path: Path, count: int) -> list[Path]:
    """``study-plan.ics`` -> ``study-plan-1.ics`` ... when a calendar is split in ``count``."""
    if count == 1:
        return [path]
    suffix = path.suffix or ".ics"
    stem = path.stem if path.suffix else path.name
    return [path.with_name(f"{stem}-{i}{suffix}") for i in range(1, count + 1)]


def stale_parts(path: Path, written: Sequence[Path]) -> list[Path]:
    """Files that an earlier export split ``path`` into and this one did not overwrite."""
    suffix = path.suffix or ".ics"
    stem = path.stem if path.suffix else path.name
    pattern = re.compile(rf"{re.escape(stem)}-([1-9][0-9]*){re.escape(suffix)}")
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    found = [(int(m.group(1)), name) for name in names if (m := pattern.fullmatch(name))]
    keep = {p.name for p in written}
    return [path.parent / name for _, name in sorted(found) if name not in keep]


def _is_special(path: Path) -> bool:
    """True for a device, pipe or socket (``/dev/null``, ``/dev/stdout``, a FIFO)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _write_into(path: Path, data: bytes) -> None:
    """Write into a device or pipe (``/dev/stdout``, ``>(cat)``), never replacing it.

    It is opened without waiting, so a named pipe nobody reads is one clear error instead
    of a hang; once open, writing waits for a slow reader as a shell redirect does.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO with no reader
            raise ExportError(
                f"nobody is reading the pipe {path}; start its reader first, or write to a "
                "file with -o"
            ) from None
        raise ExportError(
            f"cannot write {path}: {exc.strerror or exc}; choose another file with -o"
        ) from exc
    try:
        os.set_blocking(fd, True)
        with os.fdopen(fd, "wb", closefd=True) as handle:
            handle.write(data)
    except OSError as exc:
        raise ExportError(
            f"cannot write {path}: {exc.strerror or exc}; choose another file with -o"
        ) from exc


def write_export(
    path: Path | None,
    export: Export,
    *,
    limit: int = GOOGLE_IMPORT_LIMIT,
    stream: BinaryIO | None = None,
) -> list[Path]:
    """Write the calendar; return the files written.

    ``path`` None writes the whole calendar to ``stream`` (default: standard output), unsplit;
    so does a ``path`` that is a device or a pipe (``/dev/stdout``), which is written into,
    never replaced. Otherwise a calendar above ``limit`` bytes (Google's import limit) is
    split into several complete files, ``NAME-1.ics``, ``NAME-2.ics``..., each imported on
    its own; a symbolic link is written through. Raises ExportError, with a one-line message,
    when the calendar cannot be written.
    """
    data = export.text.encode("utf-8")
    if path is None:
        out = stream if stream is not None else getattr(sys.stdout, "buffer", None)
        if out is None:
            raise ExportError("standard output is closed; write the calendar to a file with -o")
        try:
            out.write(data)
            out.flush()
        except BrokenPipeError:
            raise  # the reader went away: not a failure to report
        except OSError as exc:
            raise ExportError(
                f"cannot write the calendar to standard output: {exc.strerror or exc}; "
                "write it to a file with -o"
            ) from exc
        return []
    if _is_special(path):
        _write_into(path, data)
        return [path]
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name such as {path / 'study-plan.ics'}")
    folder = path.parent
    if not folder.is_dir():
        why = "is not a folder" if folder.exists() else "does not exist"
        raise ExportError(f"cannot write {path}: {folder} {why}; choose another file with -o")
    parts = split_calendar(export.text, limit)
    paths = part_paths(path, len(parts))
    for target, text in zip(paths, parts, strict=True):
        try:  # through a symbolic link, as open() would; a new file gets open()'s mode
            target = write_atomic(target, text, CALENDAR, new_mode=None)
        except FileError as exc:
            raise ExportError(str(exc)) from None
        except OSError as exc:
            raise ExportError(
                f"cannot write {target}: {exc.strerror or exc}; choose another file with -o"
            ) from exc
    return paths
