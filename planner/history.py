"""The record of changes: one line per change, at the end of the progress file.

Every change the progress store saves is appended as one line under a ``history:`` key
that closes the progress file, a flow mapping written as JSON (which YAML reads too)::

    history:
    - {"id": "5c1f0e9a2b", "at": "2026-12-03T16:26:00+01:00", "source": "cli:done",
       "kind": "state", "to": "done", "target": ["django-deep-dive"], "items": {
       "django-deep-dive": [{"state": "in_progress", "changed": "2026-12-01T09:00:00+01:00",
       "logged_hours": 3.0}, "done"], "django-deep-dive/orm": [null, "done"], ...}}

(one line in the file). ``items`` maps every id the change touched to its record
before and after (``null``: no record), as the ``items`` section writes it, so a change
can be taken back exactly: state, ``changed`` and logged hours. To keep lines short,
the record after gives only what differs from the one before (``changed`` left out where
it is what the domain's rule makes it: the change's time ``at`` when the state changed,
else as before), and a record of a state alone is written as the bare state.
``kind`` is ``state`` (done/start/skip/todo), ``log`` (hours logged or taken back),
``reopen`` (a second ``space`` on a parent, giving back what the first one changed),
``undo`` and ``redo`` (``of`` names the change taken back or made again), ``clock`` (the
study timer started: ``to`` is ``in``; stopping it logs the time, a ``log`` change); a
``log`` that marks a planned session done names it (``session``, see ``planner.today``);
``order`` (the queue, ``planner next``) and ``pin`` (pins set or removed, see
``planner.shape``); later kinds may be added, and a reader keeps kinds it does not know.

The study timer (``Progress.clock``) is recorded as an item of its own, ``@clock`` (no
roadmap id starts with ``@``), whose records are ``{"topic": ID, "since": ISO}`` or
``null``, written whole: starting and stopping it are taken back like any change. The
queue and the pins are items ``@order`` and ``@pins`` likewise, recorded whole as the
file writes them (``{"order": [ID, ...]}``, ``{"pins": [LINE, ...]}``). A line edited by
hand in YAML's own flow style is read too.

Order is file order: append-only, so two machines' files merge in git by keeping both
sides' new lines (``merge=union`` in ``.gitattributes``, see the README). ``id`` is a
hash of the line's content, so it is the same on every machine.

Undo follows a stack: undo takes back the newest change not yet taken back, again and
again; redo makes the newest undone change again, until a new change is made. Both
are recorded like any change. A change is taken back only while every item it touched
still holds what the change left there: if one was changed since by something outside
the history (a hand edit, a merge, an older planner), ``UndoError`` names it and nothing
changes.

The history is read lazily: loading the progress file keeps its text, and only the
commands that look back (history, undo, a second ``space``) parse it, newest first and
only as far as they need.

An item's ``changed`` (its "since") is the time of the newest recorded change of its
state, and its logged hours add up its ``log`` changes (less those undone): the items
keep the figures, the history shows where they came from. Times are shown in the
settings' zone (``in_zone``), so "since" moments and history lines read the same in the
app and at the command line, wherever they were recorded.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

import yaml

from planner.errors import PlannerError
from planner.roadmap import Roadmap

try:  # the C loader is several times faster; fall back to the pure one
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Row = dict[str, Any]
"""An item's record as the progress file's ``items`` section writes it:
``{state: done, changed: '2026-...', logged_hours: 1.5}`` (the last two when set)."""

KINDS = ("state", "log", "reopen", "undo", "redo", "clock", "order", "pin")
"""The kinds this planner writes; others (from a newer planner) are read and kept."""


CLOCK = "@clock"
"""The item key under which a change records the study timer (see the module docstring)."""


class HistoryError(PlannerError):
    """The history cannot be read, or a change cannot be taken back; the message says why."""


class UndoError(HistoryError):
    """Nothing to undo or redo, or the change cannot be taken back as it is."""


def in_zone(moment: datetime, tz: tzinfo | None) -> datetime:
    """``moment`` as the settings' zone shows it: a moment with an offset is converted to
    ``tz``; one without (a hand-written date) is shown as it was written."""
    if tz is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(tz)


@dataclass(frozen=True)
class Change:
    """One recorded change: when, where from, what kind, and each item before and after."""

    at: datetime | None
    source: str
    kind: str
    items: dict[str, tuple[Row | None, Row | None]]
    target: tuple[str, ...] = ()
    """The ids the user named (``planner done X Y``); empty when not known."""
    to: str | None = None
    """The state asked for (``state`` changes)."""
    hours: float | None = None
    """The hours asked to log (``log`` changes; negative to take back)."""
    of: str | None = None
    """``undo``/``redo``: the id of the change taken back or made again."""
    session: str | None = None
    """``log``: the planned session marked done with these hours (``planner.today``'s
    key, ``TOPIC@START``); None for hours logged otherwise."""
    id: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", self._digest())

    def _digest(self) -> str:
        data = self._data(with_id=False)
        text = json.dumps(data, sort_keys=True, ensure_ascii=True, default=str)
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]

    def _data(self, with_id: bool = True, compact: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if with_id:
            data["id"] = self.id
        data["at"] = self.at.isoformat() if self.at is not None else None
        data["source"] = self.source
        data["kind"] = self.kind
        if self.to is not None:
            data["to"] = self.to
        if self.target:
            data["target"] = list(self.target)
        if self.hours is not None:
            data["hours"] = self.hours
        if self.of is not None:
            data["of"] = self.of
        if self.session is not None:
            data["session"] = self.session
        if compact:
            at = data["at"]
            data["items"] = {
                # the timer, the queue and the pins (planner.shape): written whole
                k: [before, after]
                if k.startswith("@")
                else [_written_before(before), _written_after(before, after, at)]
                for k, (before, after) in self.items.items()
            }
        else:
            data["items"] = {k: [before, after] for k, (before, after) in self.items.items()}
        return data

    def line(self) -> str:
        """The change as one line of the file (with its ``- `` and newline)."""
        return "- " + json.dumps(self._data(compact=True), ensure_ascii=True) + "\n"

    # -- words --------------------------------------------------------------------

    def summary(self, roadmap: Roadmap | None = None) -> str:
        """What the change did, in words: ``done Django Deep Dive and 6 subtopics``.

        With ``roadmap``, items are named by title, and the items under the named ones
        are counted by kind; parents that only rolled up are not counted."""

        def title(item_id: str) -> str:
            item = roadmap.get(item_id) if roadmap is not None else None
            if item is None and item_id.startswith("track:"):  # planner.shape.TRACK_PREFIX
                return f"the track {item_id[len('track:') :]}"
            return item.title if item is not None else item_id

        if self.kind == "log":
            hours = self.hours if self.hours is not None else _logged_delta(self)
            topic = self.target[0] if self.target else next(iter(self.items), "?")
            timer = "timer stopped: " if CLOCK in self.items else ""
            if hours < 0:
                return f"took back {_hours(-hours)} on {title(topic)}"
            if self.session is not None:
                return f"session done: {_hours(hours)} on {title(topic)}"
            return f"{timer}logged {_hours(hours)} on {title(topic)}"
        if self.kind == "clock":
            topic = self.target[0] if self.target else "?"
            if self.to == "out":
                return f"timer stopped on {title(topic)} (nothing logged)"
            return f"timer started on {title(topic)}"
        verb = {
            "state": _STATE_VERBS.get(self.to or "", self.to or "changed"),
            "reopen": "reopened",
            "undo": "undo of",
            "redo": "redo of",
        }.get(self.kind, self.kind)
        if self.kind in ("order", "pin"):  # the queue, the pins (planner.shape)
            verb = self.to or self.kind
        named = list(self.target)
        if not named and self.kind in ("order", "pin"):
            return verb
        if not named:
            return f"{verb} {_count_items(len(self.items))}"
        names = ", ".join(title(t) for t in named[:3])
        if len(named) > 3:
            names += f" and {len(named) - 3} more"
        under = [i for i in self.items if i not in named and _under_any(roadmap, i, named)]
        subs = sum("/" in i for i in under)
        parts = [
            f"{n} {word}{'' if n == 1 else 's'}"
            for n, word in ((len(under) - subs, "topic"), (subs, "subtopic"))
            if n
        ]
        return f"{verb} {names}" + (f" and {' and '.join(parts)}" if parts else "")


_STATE_VERBS = {"done": "done", "in_progress": "started", "skipped": "skipped", "todo": "todo"}


def _under_any(roadmap: Roadmap | None, item_id: str, named: Sequence[str]) -> bool:
    """Whether ``item_id`` lies under one of ``named`` (a subtopic under its topic or
    module, a topic under its module)."""
    if roadmap is None:
        return any(item_id.startswith(n + "/") for n in named)
    item = roadmap.get(item_id)
    if item is None:
        return False
    if "/" in item_id:
        topic = roadmap.parent_topic(item_id)
        return topic.id in named or topic.module_id in named
    return getattr(item, "module_id", None) in named


def _count_items(n: int) -> str:
    return f"{n} item{'' if n == 1 else 's'}"


def _hours(h: float) -> str:
    return f"{round(h, 2):g} h"


def _logged_delta(change: Change) -> float:
    total = 0.0
    for before, after in change.items.values():
        total += _item_logged(before, after)
    return total


def _item_logged(before: Row | None, after: Row | None) -> float:
    """The hours an item's change logged (negative: took back)."""
    return float((after or {}).get("logged_hours", 0.0)) - float(
        (before or {}).get("logged_hours", 0.0)
    )


# -- reading ------------------------------------------------------------------------


def read_moment(value: object, what: str) -> datetime | None:
    """A time as the progress file writes it (ISO 8601, ``Z`` allowed; a bare date is its
    midnight); None stays None. ``ValueError`` naming the field ``what`` otherwise."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    raise ValueError(
        f"'{what}' must be a date and time like 2026-11-28T19:05:00+01:00, got {value!r}"
    )


def _bare(row: Row) -> object:
    """A record of a state alone as the bare state."""
    return row["state"] if len(row) == 1 and "state" in row else row


def _written_before(row: Row | None) -> object:
    """The record before, as a history line writes it: whole (``changed`` and
    ``logged_hours`` when set), a state alone as the bare state."""
    return None if row is None else _bare(row)


def _written_after(before: Row | None, after: Row | None, at: str | None) -> object:
    """The record after, as a history line writes it: only what differs from the record
    before. ``changed`` is left out where it follows the rule of the domain: the change's
    time ``at`` when the state changed, else as before (``"changed": null`` when there is
    none although the rule says otherwise); ``"logged_hours": 0`` when the hours went."""
    if after is None:
        return None
    base = before if before is not None else {"state": "todo"}
    out: Row = {}
    if after.get("state") != base.get("state"):
        out["state"] = after.get("state")
        implied = at
    else:
        implied = base.get("changed")
    if after.get("changed") != implied:
        out["changed"] = after.get("changed")
    if after.get("logged_hours", 0.0) != base.get("logged_hours", 0.0):
        out["logged_hours"] = after.get("logged_hours", 0.0)
    return _bare(out)


def _read_before(value: object) -> Row | None:
    """The record before, from a history line (see ``_written_before``)."""
    if value is None:
        return None
    return _clean(_mapping(value))


def _read_after(value: object, before: Row | None, at: str | None) -> Row | None:
    """The record after, from a history line (see ``_written_after``)."""
    if value is None:
        return None
    delta = _mapping(value)
    base = before if before is not None else {"state": "todo"}
    row: Row = {"state": delta.get("state", base.get("state"))}
    if "changed" in delta:
        row["changed"] = delta["changed"]
    else:
        row["changed"] = at if row["state"] != base.get("state") else base.get("changed")
    row["logged_hours"] = delta.get("logged_hours", base.get("logged_hours", 0.0))
    return _clean(row)


def _mapping(value: object) -> Row:
    if isinstance(value, str):
        return {"state": value}
    if not isinstance(value, dict):
        raise ValueError(f"an item's record must be a state, a mapping or null, got {value!r}")
    return {
        str(k): v.isoformat() if isinstance(v, datetime | date) else v for k, v in value.items()
    }


def _clean(row: Row) -> Row:
    """A record as the ``items`` section writes it: ``changed`` and ``logged_hours``
    only when set, nothing but the three keys."""
    out: Row = {"state": row.get("state", "todo")}
    if row.get("changed") is not None:
        out["changed"] = row["changed"]
    hours = row.get("logged_hours")
    if hours:
        out["logged_hours"] = hours
    return out


def _whole(value: object) -> Row | None:
    """A record of the queue or the pins (``{"order": [...]}``), as written."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError(f"a record of the order or the pins must be a mapping, got {value!r}")
    return {str(k): [str(x) for x in v] if isinstance(v, list) else v for k, v in value.items()}


def _clock_row(value: object) -> Row | None:
    """A record of the timer from a history line: ``{topic, since}`` or None."""
    if value is None:
        return None
    if not isinstance(value, dict) or not {"topic", "since"} <= value.keys():
        raise ValueError(
            f"the timer's record must be {{topic: ID, since: TIME}} or null, got {value!r}"
        )
    since = value["since"]
    return {
        "topic": str(value["topic"]),
        "since": since.isoformat() if isinstance(since, datetime | date) else str(since),
    }


def change_from_data(data: object) -> Change:
    """A change from its parsed YAML mapping; ``ValueError`` saying what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("expected a mapping {at: ..., source: ..., kind: ..., items: ...}")
    items_data = data.get("items")
    if not isinstance(items_data, dict):
        raise ValueError("'items' must map item ids to [before, after]")
    at = read_moment(data.get("at"), "at")
    at_text = at.isoformat() if at is not None else None
    items: dict[str, tuple[Row | None, Row | None]] = {}
    for key, pair in items_data.items():
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"item {key!r}: expected [before, after]")
        if key == CLOCK:
            items[CLOCK] = (_clock_row(pair[0]), _clock_row(pair[1]))
            continue
        if str(key).startswith("@"):  # the queue and the pins: written whole
            items[str(key)] = (_whole(pair[0]), _whole(pair[1]))
            continue
        before = _read_before(pair[0])
        items[str(key)] = (before, _read_after(pair[1], before, at_text))
    target = data.get("target") or ()
    if not isinstance(target, list | tuple):
        target = (target,)
    hours = data.get("hours")
    if hours is not None and (isinstance(hours, bool) or not isinstance(hours, int | float)):
        raise ValueError(f"'hours' must be a number, got {hours!r}")
    return Change(
        at=at,
        source=str(data.get("source") or "?"),
        kind=str(data.get("kind") or "?"),
        items=items,
        target=tuple(str(t) for t in target),
        to=None if data.get("to") is None else str(data["to"]),
        hours=None if hours is None else float(hours),
        of=None if data.get("of") is None else str(data["of"]),
        session=None if data.get("session") is None else str(data["session"]),
        id=str(data.get("id") or ""),
    )


_ENTRY_START = re.compile("\n-")
"""A line starting with ``-``: where a history entry starts (``History._entry_starts``)."""


class History:
    """The changes recorded in one progress file, oldest first, read on demand.

    ``text[start:]`` is the file's text after its ``history:`` line, kept as it was
    read (not copied); ``first_line`` is the file line number where it starts (for
    messages). New changes are appended with ``append`` and written after that text.
    Each entry is read when it is first needed: as JSON (as it is written, fast), or
    as YAML when a hand edit gave it another shape.
    """

    def __init__(
        self, text: str = "", first_line: int = 1, path: Path | None = None, start: int = 0
    ) -> None:
        self._source = text
        self._start = start
        self._first_line = first_line
        self._path = path
        self._new: list[Change] = []
        self._starts: list[int] | None = None
        self._cache: dict[int, Change] = {}

    # -- writing -------------------------------------------------------------------------

    def append(self, change: Change) -> None:
        self._new.append(change)

    def parts(self) -> list[str]:
        """The text to write after ``history:``, in parts (what was read, then what was
        appended): joined with the rest of the file, the history is copied once."""
        source = self._source
        parts = []
        if len(source) > self._start:
            parts.append(source[self._start :] if self._start else source)
            if not source.endswith("\n"):
                parts.append("\n")
        parts.extend(c.line() for c in self._new)
        return parts

    def text(self) -> str:
        """The lines to write after ``history:`` (what was read, then what was appended)."""
        return "".join(self.parts())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, History):
            return NotImplemented
        return self.text() == other.text()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"History({len(self._entry_starts())} read, {len(self._new)} new)"

    def __bool__(self) -> bool:
        return bool(self._new) or bool(self._source[self._start :].strip())

    @property
    def appended(self) -> list[Change]:
        """The changes appended since the file was read."""
        return list(self._new)

    # -- reading -------------------------------------------------------------------------

    def _bad(self, line: int, problem: str) -> HistoryError:
        where = f"progress file {self._path}" if self._path is not None else "progress history"
        return HistoryError(
            f"{where}, line {line}: history entry cannot be read ({problem}); "
            "fix or delete that line (the items above it are not affected)"
        )

    def _entry_starts(self) -> list[int]:
        """Where each entry starts in the text: a line starting with ``-`` (an entry may
        go on over more lines, as YAML allows)."""
        if self._starts is None:
            text, start = self._source, self._start
            starts = [start] if text.startswith("-", start) else []
            # (a regular expression finds them twice as fast as str.find in a loop)
            starts.extend(m.end() - 1 for m in _ENTRY_START.finditer(text, start))
            if text[start : starts[0] if starts else len(text)].strip(" \n#"):
                raise self._bad(self._first_line, "expected entries starting with '- '")
            self._starts = starts
        return self._starts

    def _end(self, n: int) -> int:
        starts = self._entry_starts()
        return starts[n + 1] if n + 1 < len(starts) else len(self._source)

    def _line_of(self, n: int) -> int:
        return self._first_line + self._source.count("\n", self._start, self._entry_starts()[n])

    def _entry(self, n: int) -> Change:
        cached = self._cache.get(n)
        if cached is not None:
            return cached
        start, end = self._entry_starts()[n], self._end(n)
        block = self._source[start:end]
        data: Any
        try:
            data = [json.loads(block[1:])]
        except ValueError:
            try:
                data = yaml.load(block, Loader=_Loader)
            except yaml.YAMLError as exc:
                line = self._line_of(n)
                mark = getattr(exc, "problem_mark", None)
                last = line + max(0, block.rstrip("\n").count("\n"))
                at = min(line + mark.line, last) if mark is not None else line
                raise self._bad(at, getattr(exc, "problem", None) or "not valid YAML") from None
        if not isinstance(data, list) or len(data) != 1:
            raise self._bad(self._line_of(n), "expected one entry per '- '")
        try:
            change = change_from_data(data[0])
        except ValueError as exc:
            raise self._bad(self._line_of(n), str(exc)) from None
        self._cache[n] = change
        return change

    def changes(self) -> list[Change]:
        """Every change, oldest first (file order). Reads the whole history."""
        return [self._entry(n) for n in range(len(self._entry_starts()))] + self._new

    def newest_first(self, mentioning: str | None = None) -> Iterator[Change]:
        """The changes, newest first, each read only when reached. With ``mentioning``,
        only entries whose text holds it are read and yielded (a fast search finds them)."""
        for change in reversed(self._new):
            if mentioning is None or mentioning in change.line():
                yield change
        starts = self._entry_starts()
        if mentioning is None:
            for n in range(len(starts) - 1, -1, -1):
                yield self._entry(n)
            return
        text, end = self._source, len(self._source)
        n = len(starts) - 1
        while n >= 0:
            at = text.rfind(mentioning, self._start, end)
            if at == -1:
                return
            n = bisect_right(starts, at) - 1
            if n < 0:
                return
            yield self._entry(n)
            end = starts[n]
            n -= 1

    def find(self, change_id: str) -> Change | None:
        for change in self.newest_first(change_id):
            if change.id == change_id:
                return change
        return None

    # -- undo and redo -------------------------------------------------------------------

    def undo_target(self) -> Change | None:
        """The newest change not yet taken back (what ``undo`` takes back), or None."""
        return next(self._undo_stack(), None)

    def undo_list(self, limit: int | None = None) -> list[Change]:
        """What successive undos would take back, newest first."""
        out: list[Change] = []
        for change in self._undo_stack():
            if limit is not None and len(out) >= limit:
                break
            out.append(change)
        return out

    def _undo_stack(self) -> Iterator[Change]:
        """The undo stack, top first, walking back: every change, and every redo of one,
        puts a change on the stack; an undo takes the newest one off. Walking back, an
        undo of X cancels the nearest earlier putting of X; the rest is the stack."""
        pending: dict[str, int] = {}
        for change in self.newest_first():
            if change.kind == "undo" and change.of is not None:
                pending[change.of] = pending.get(change.of, 0) + 1
                continue
            made = change.of if change.kind == "redo" and change.of is not None else change.id
            if pending.get(made):
                pending[made] -= 1
                continue
            if change.kind == "redo":
                original = self.find(made)
                if original is not None:
                    yield original
                continue
            yield change

    def redo_target(self) -> Change | None:
        """The newest undone change that may be made again, or None (a new change
        since the undo ends redo, as in an editor)."""
        pending: dict[str, int] = {}
        for change in self.newest_first():
            if change.kind == "redo" and change.of is not None:
                pending[change.of] = pending.get(change.of, 0) + 1
            elif change.kind == "undo" and change.of is not None:
                if pending.get(change.of):
                    pending[change.of] -= 1
                    continue
                return self.find(change.of)
            else:
                return None
        return None


def logged_by_day(
    changes: Iterable[Change], tz: tzinfo | None, since: date | None = None
) -> dict[date, float]:
    """Hours logged per day (in ``tz``), net of hours taken back and undone, from
    ``changes`` newest first; with ``since``, the walk stops before that day."""
    out: dict[date, float] = {}
    for change in changes:
        if change.at is None:
            continue
        day = in_zone(change.at, tz).date()
        if since is not None and day < since:
            break
        delta = _logged_delta(change)
        if delta:
            out[day] = out.get(day, 0.0) + delta
    return out


def studied_on(changes: Iterable[Change], day: date, tz: tzinfo | None) -> dict[str, float]:
    """Hours logged on ``day`` (in ``tz``) per item (a topic's id, a track's
    ``track:TITLE``), net of hours taken back and undone that day, from ``changes`` newest
    first: the walk stops at the first change before that day (a 10,000-entry history
    reads only that day's). The plan from today takes them from today's study hours
    (``planner.schedule.studied_minutes``), as Today (``planner.today``) counts them done."""
    out: dict[str, float] = {}
    for change in changes:
        if change.at is None:
            continue
        when = in_zone(change.at, tz).date()
        if when < day:
            break
        if when > day:
            continue
        for item, (before, after) in change.items.items():
            delta = _item_logged(before, after)
            if delta:
                out[item] = out.get(item, 0.0) + delta
    return out


def since(changes: Sequence[Change], start: datetime) -> list[Change]:
    """The changes made at or after ``start`` (a time without an offset is taken in
    ``start``'s zone; changes without a time are left out)."""
    out = []
    for change in changes:
        at = change.at
        if at is None:
            continue
        if at.tzinfo is None:
            at = at.replace(tzinfo=start.tzinfo)
        elif start.tzinfo is None:
            at = at.replace(tzinfo=None)
        if at >= start:
            out.append(change)
    return out


@dataclass(frozen=True)
class Intent:
    """What a change was asked to do, recorded with it (the store works out the items)."""

    kind: str | None = None
    target: tuple[str, ...] = ()
    to: str | None = None
    hours: float | None = None
    of: str | None = None
    session: str | None = None
