"""Item states, roll-up, effort-weighted figures, and the progress store.

States
    Every module, topic and subtopic id has a state: todo, in progress, done or
    skipped. *Leaves* (subtopics, topics without subtopics, modules without topics)
    hold their own state. A *parent* (a topic with subtopics, a module with topics)
    follows its children:

    - every child done or skipped: the parent is done (skipped when none is done);
    - any child done or in progress: the parent is in progress;
    - otherwise todo, unless the parent itself was started (``planner start``).

    Marking a parent done (or skipped) marks its open descendants done (or skipped);
    ``todo`` resets the item and everything under it. Each id whose state changes
    gets ``changed = now``. Ids the roadmap no longer has (orphans) are kept.

Figures
    Weighted by effort hours (``Topic.hours``); a subtopic weighs its topic's hours
    divided among its subtopics. Skipped work leaves both sides of the percentage.
    An open topic's remaining hours are the lesser of (a) its open subtopics' share
    and (b) its estimate minus skipped share minus hours logged on it, so either
    kind of evidence of progress counts. An open topic is never counted as finished
    though: at least ``OPEN_FLOOR`` (10 %) of its open share stays remaining until
    it is marked done, so 100 % means exactly "everything done or skipped".

Store
    A YAML file, one line per item, in roadmap order then orphans. Loading a file
    that cannot be used raises ``ProgressError`` naming the file, the problem and how
    to move it aside; ``update`` never overwrites such a file. ``update`` takes a
    lock (``fcntl.flock`` on ``FILE.lock`` where available, owned as ``FILE`` is),
    re-reads the file, applies the change and writes atomically, so two processes
    never lose each other's changes.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import shlex
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from glob import escape as glob_escape
from pathlib import Path
from typing import Any

import yaml

from planner.atomic import (
    PROGRESS,
    FileError,
    FileKind,
    owner_beside,
    read_bytes,
    write_atomic,
    write_target,
)
from planner.errors import PlannerError
from planner.history import (
    CLOCK,
    Change,
    History,
    Intent,
    Row,
    UndoError,
    change_from_data,
    read_moment,
)
from planner.roadmap import Module, Roadmap, Subtopic, Topic
from planner.textutil import bidi_control, refused_yaml_char

try:  # the C loader is several times faster; fall back to the pure one
    _Loader: Any = yaml.CSafeLoader
    _Dumper: Any = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper


class _DuplicateKey(Exception):
    def __init__(self, key: str, first: int, again: int) -> None:
        super().__init__(key)
        self.key, self.first, self.again = key, first, again


class _ProgressLoader(_Loader):  # type: ignore[misc]
    """The YAML loader, refusing a key given twice in one mapping.

    YAML loaders keep the last of two equal keys without a word, so a file where a merge
    (git, by hand) left an item twice would silently lose one of its records on the next
    save. Such a file is reported instead, like any other that cannot be used.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        pairs = node.value
        if len(pairs) > 1:
            keys = [key.value for key, _ in pairs if isinstance(key, yaml.ScalarNode)]
            if len(set(keys)) != len(keys):
                lines: dict[object, int] = {}
                for key, _ in pairs:
                    if not isinstance(key, yaml.ScalarNode):
                        continue
                    line = key.start_mark.line + 1
                    if key.value in lines:
                        raise _DuplicateKey(str(key.value), lines[key.value], line)
                    lines[key.value] = line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep)
        return mapping


FILE_VERSION = 1

ORDER_KEY = "@order"
PINS_KEY = "@pins"
SHAPE_KEYS = (ORDER_KEY, PINS_KEY)
"""The history's names for the file's ``order`` and ``pins`` lists: a change to either is
recorded (whole, before and after) as the change of an item of that name."""
"""The progress file format written and read by this version of the planner."""

OPEN_FLOOR = 0.1
"""Share of an open topic's open estimate that stays remaining, however many hours are logged."""


class State(str, Enum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"

    @property
    def closed(self) -> bool:
        """Done or skipped: nothing more to do."""
        return self in (State.DONE, State.SKIPPED)

    @property
    def label(self) -> str:
        """Words for people: ``in progress``."""
        return self.value.replace("_", " ")


class ProgressError(PlannerError):
    """The progress file cannot be used; the message names the file and what to do."""


@dataclass
class Entry:
    """What is recorded for one id (module, topic or subtopic)."""

    state: State = State.TODO
    changed: datetime | None = None
    logged_hours: float = 0.0


@dataclass(frozen=True)
class Clock:
    """The study timer, running: on which topic, since when (as Org-mode's clock)."""

    topic: str
    since: datetime

    def minutes(self, now: datetime) -> int:
        """Whole minutes run by ``now`` (never below zero, whatever the clocks did)."""
        since, now_ = self.since, now
        if (since.tzinfo is None) != (now_.tzinfo is None):  # a hand-written time
            since = since.replace(tzinfo=now_.tzinfo)
        return max(0, int((now_ - since).total_seconds() // 60))

    def hours(self, now: datetime) -> float:
        """The time run by ``now`` in hours, counted in whole minutes (what is logged)."""
        return self.minutes(now) / 60

    def elapsed_text(self, now: datetime) -> str:
        """``0:25``, ``2:05``: hours and minutes run by ``now``."""
        hours, minutes = divmod(self.minutes(now), 60)
        return f"{hours}:{minutes:02d}"

    def row(self) -> Row:
        return {"topic": self.topic, "since": self.since.isoformat()}


@dataclass(frozen=True)
class ClockOut:
    """What stopping the timer did: the topic, the hours logged, the ids started."""

    clock: Clock
    hours: float
    started: list[str]


@dataclass
class Progress:
    """All recorded entries, keyed by item id. Ids the roadmap lacks are kept (orphans)."""

    entries: dict[str, Entry] = field(default_factory=dict)
    roadmap_id: str | None = None
    """The roadmap the file belongs to, when known (written to the file)."""
    history: History = field(default_factory=History, compare=False)
    """Every change recorded in the file, read when first needed (see ``planner.history``)."""
    clock: Clock | None = None
    """The study timer when it runs (``clock_in``/``clock_out``), kept in the file."""
    order: list[str] = field(default_factory=list)
    """The ids the learner put first (``planner next``), in that order (see
    ``planner.shape``); written as the file's ``order`` list, one id a line."""
    pins: list[str] = field(default_factory=list)
    """Pinned sessions, one ``TOPIC DATE HH:MM MINUTES`` line each (``planner.shape.Pin``),
    in time order; written as the file's ``pins`` list."""

    # -- reading ---------------------------------------------------------------

    def state(self, roadmap: Roadmap, item_id: str) -> State:
        """The rolled-up state of a module, topic or subtopic."""
        item = roadmap.get(item_id)
        if item is None:
            raise ProgressError(f"unknown id {item_id!r} in roadmap {roadmap.id!r}")
        return self._state_of(item)

    def states(self, roadmap: Roadmap, modules: set[str] | None = None) -> dict[str, State]:
        """The rolled-up state of every id in the roadmap (or in ``modules``: module
        ids), in roadmap order."""
        out: dict[str, State] = {}
        for module in roadmap.modules:
            if modules is not None and module.id not in modules:
                continue
            out[module.id] = State.TODO  # placeholder keeps roadmap order
            topic_states = []
            for topic in module.topics:
                sub_states = [self._own(s.id) for s in topic.subtopics]
                out[topic.id] = state = (
                    _rollup(sub_states, self.entries.get(topic.id))
                    if sub_states
                    else self._own(topic.id)
                )
                topic_states.append(state)
                for sub, sub_state in zip(topic.subtopics, sub_states, strict=True):
                    out[sub.id] = sub_state
            out[module.id] = (
                _rollup(topic_states, self.entries.get(module.id))
                if topic_states
                else self._own(module.id)
            )
        return out

    def orphans(self, roadmap: Roadmap) -> list[str]:
        """Recorded ids the roadmap no longer has, in file order."""
        return [
            item_id
            for item_id in self.entries
            if item_id not in roadmap and not item_id.startswith("track:")  # planner.shape
        ]

    def logged(self, topic_id: str) -> float:
        entry = self.entries.get(topic_id)
        return entry.logged_hours if entry else 0.0

    # -- changing --------------------------------------------------------------

    def set_state(
        self, roadmap: Roadmap, ids: Iterable[str], state: State, now: datetime
    ) -> list[str]:
        """Apply roll-up rules; return every id whose state changed (roadmap order).

        ``done``/``skipped`` close the item and its open descendants; ``todo``
        resets the item and all its descendants; ``in_progress`` marks the item
        started (a parent whose children are all closed stays closed).
        """
        state = State(state)
        targets: list[str] = []
        for item_id in ids:
            if item_id not in roadmap:
                raise ProgressError(f"unknown id {item_id!r} in roadmap {roadmap.id!r}")
            if item_id not in targets:
                targets.append(item_id)
        # only the targets' modules can change: compare those, not the whole roadmap
        scope = {_module_id(roadmap, i) for i in targets}
        before = self.states(roadmap, scope)
        for item_id in targets:
            item = roadmap.get(item_id)
            assert item is not None
            under = list(_descendants(item))
            if state is State.TODO:
                for d in [item_id, *under]:
                    self._put(d, State.TODO)
            elif state.closed:
                self._put(item_id, state)
                for d in under:
                    if not self._own(d).closed:
                        self._put(d, state)
            else:
                self._put(item_id, state)
            # ancestors follow their children; undoing work below clears a parent's
            # own "started" mark, other changes keep it
            for parent in _ancestors(roadmap, item):
                if parent.id in targets:
                    continue
                children = _children(parent)
                child_states = [self._state_of(c) for c in children]
                own = None if state is State.TODO else self.entries.get(parent.id)
                self._put(parent.id, _rollup(child_states, own))
        after = self.states(roadmap, scope)
        for item_id, entry in self.entries.items():  # a parent's record shows its state
            item = roadmap.get(item_id)
            if item is not None and _children(item):
                rolled = after.get(item_id)
                entry.state = rolled if rolled is not None else self._state_of(item)
        changed = [i for i, s in after.items() if s is not before[i]]
        for item_id in changed:
            entry = self.entries.setdefault(item_id, Entry())
            entry.state = after[item_id]
            entry.changed = now
        return changed

    def log_hours(self, topic_id: str, hours: float, now: datetime) -> None:
        """Add ``hours`` (may be negative to correct) to the hours spent on a topic.

        The total never goes below zero. ``now`` is accepted for symmetry; logging
        time is not a change of state, so ``changed`` is left alone.
        """
        if not math.isfinite(hours):
            raise ProgressError(f"hours must be a number, got {hours!r}")
        entry = self.entries.setdefault(topic_id, Entry())
        entry.logged_hours = max(0.0, entry.logged_hours + hours)

    def log_work(self, roadmap: Roadmap, topic_id: str, hours: float, now: datetime) -> list[str]:
        """Log hours spent on a topic, as ``planner log`` and the app's log dialog both do:
        hours spent on a topic still to do start it (in progress). Taking hours back
        changes no state. Returns the ids whose state changed (roadmap order).
        """
        if not isinstance(roadmap.get(topic_id), Topic):
            raise ProgressError(f"hours are logged on a topic; {topic_id!r} is not one")
        self.log_hours(topic_id, hours, now)
        if hours > 0 and self.state(roadmap, topic_id) is State.TODO:
            return self.set_state(roadmap, [topic_id], State.IN_PROGRESS, now)
        return []

    # -- the study timer --------------------------------------------------------------

    def clock_topic(self, roadmap: Roadmap, item_id: str) -> str:
        """The topic a timer on ``item_id`` runs on: the topic, or a subtopic's topic;
        ``ProgressError`` for a module or an unknown id."""
        item = roadmap.get(item_id)
        if isinstance(item, Subtopic):
            return roadmap.parent_topic(item_id).id
        if isinstance(item, Topic):
            return item.id
        if item is None:
            raise ProgressError(f"unknown id {item_id!r} in roadmap {roadmap.id!r}")
        raise ProgressError(
            f"the timer runs on a topic; {item_id!r} is a module: pick one of its topics"
        )

    def clock_in(self, roadmap: Roadmap, item_id: str, now: datetime) -> Clock:
        """Start the timer on a topic (a subtopic's: its topic) at ``now``.

        One timer at a time: ``ProgressError`` when one runs (stop it first with
        ``clock_out``, which logs its time). Returns the running timer."""
        topic = self.clock_topic(roadmap, item_id)
        if self.clock is not None:
            raise ProgressError(
                f"the timer already runs on {self.clock.topic!r} since "
                f"{self.clock.since:%H:%M}; stop it first"
            )
        self.clock = Clock(topic, now)
        return self.clock

    def clock_out(self, roadmap: Roadmap, now: datetime) -> ClockOut:
        """Stop the timer at ``now`` and log its time (whole minutes) on its topic, as
        ``log_work`` does (a topic still to do starts). ``ProgressError`` when none runs."""
        clock = self.clock
        if clock is None:
            raise ProgressError("no timer is running; start one with 'planner clock in ID'")
        self.clock = None
        hours = clock.hours(now)
        started: list[str] = []
        if hours > 0:
            if isinstance(roadmap.get(clock.topic), Topic):
                started = self.log_work(roadmap, clock.topic, hours, now)
            else:  # the roadmap lost the topic: its hours are kept with it all the same
                self.log_hours(clock.topic, hours, now)
        return ClockOut(clock, hours, started)

    # -- looking back ----------------------------------------------------------------

    def row(self, item_id: str) -> Row | None:
        """The item's record as the file writes it (None when there is none)."""
        if item_id == CLOCK:
            return self.clock.row() if self.clock is not None else None
        if item_id in SHAPE_KEYS:
            listed = self.order if item_id == ORDER_KEY else self.pins
            return {item_id[1:]: list(listed)} if listed else None
        entry = self.entries.get(item_id)
        return entry_row(entry) if entry is not None else None

    def undo(self) -> Intent:
        """Take back the newest change not yet taken back (see ``planner.history``).

        Every item it touched gets its record from before the change again (state,
        ``changed``, logged hours). ``UndoError`` (nothing changed) when there is nothing
        to undo, or when an item no longer holds what the change left there. Returns
        what the store records with it (an ``undo`` ``of`` that change's id).
        """
        change = self.history.undo_target()
        if change is None:
            raise UndoError("nothing to undo: no change is recorded in the progress file")
        self._check_holds(change, after=True, verb="undo")
        for item_id, (before, _) in change.items.items():
            self._set_row(item_id, before)
        return Intent("undo", change.target, change.to, change.hours, change.id)

    def redo(self) -> Intent:
        """Make the newest undone change again (while no new change was made since);
        ``UndoError`` as ``undo``. Returns what the store records (a ``redo``)."""
        change = self.history.redo_target()
        if change is None:
            raise UndoError("nothing to redo: redo makes again what undo took back")
        self._check_holds(change, after=False, verb="redo")
        for item_id, (_, after) in change.items.items():
            self._set_row(item_id, after)
        return Intent("redo", change.target, change.to, change.hours, change.id)

    def _check_holds(self, change: Change, *, after: bool, verb: str) -> None:
        for item_id, pair in change.items.items():
            if item_id == CLOCK:
                self._check_clock_holds(change, pair[1] if after else pair[0], verb)
                continue
            expected = _normal_row(pair[1] if after else pair[0])
            now = self.row(item_id)
            if _normal_row(now) != expected:
                was = expected["state"] if expected else "no record"
                is_ = now["state"] if now else "no record"
                raise UndoError(
                    f"cannot {verb} '{change.summary()}': {item_id} was changed since "
                    f"outside the history (it is {is_}, the change left it {was}); "
                    f"nothing was changed; set it by hand (planner done/start/skip/todo)"
                )

    def _check_clock_holds(self, change: Change, expected: Row | None, verb: str) -> None:
        try:
            left = _parse_clock(expected)
        except ValueError as exc:
            raise UndoError(f"history record of the timer cannot be used ({exc})") from None
        if left != self.clock:
            is_ = f"runs on {self.clock.topic}" if self.clock is not None else "is stopped"
            was = f"running on {left.topic}" if left is not None else "stopped"
            raise UndoError(
                f"cannot {verb} '{change.summary()}': the timer was changed since (it {is_}, "
                f"the change left it {was}); nothing was changed; use 'planner clock'"
            )

    def _set_row(self, item_id: str, row: Row | None) -> None:
        if item_id in SHAPE_KEYS:
            listed = [str(x) for x in (row or {}).get(item_id[1:], [])]
            if item_id == ORDER_KEY:
                self.order = listed
            else:
                self.pins = listed
            return
        if item_id == CLOCK:
            try:
                self.clock = _parse_clock(row)
            except ValueError as exc:
                raise UndoError(f"history record of the timer cannot be used ({exc})") from None
            return
        if row is None:
            self.entries.pop(item_id, None)
        else:
            try:
                self.entries[item_id] = _parse_entry(row)
            except ValueError as exc:
                raise UndoError(f"history record of {item_id!r} cannot be used ({exc})") from None

    def reopen(self, roadmap: Roadmap, item_id: str, now: datetime) -> list[str]:
        """Toggle a closed item open again, giving back what closing it changed.

        The newest recorded change that closed ``item_id`` is found; the item and each
        item under it that the change closed, and that still holds the state the change
        left, get back its earlier state and ``changed`` date (logged hours are never
        touched by closing, and stay). Items that were closed before stay closed. With no
        such change in the history (a file from an older planner, a hand edit), this is
        ``set_state(..., TODO)``: the item and everything under it to todo. Returns every
        id whose state changed, in roadmap order (as ``set_state``).
        """
        item = roadmap.get(item_id)
        if item is None:
            raise ProgressError(f"unknown id {item_id!r} in roadmap {roadmap.id!r}")
        closing = self._closing_change(item_id)
        if closing is None:
            return self.set_state(roadmap, [item_id], State.TODO, now)
        scope = {_module_id(roadmap, item_id)}
        before = self.states(roadmap, scope)
        restored: set[str] = set()
        for d in [item_id, *_descendants(item), *(a.id for a in _ancestors(roadmap, item))]:
            pair = closing.items.get(d)
            if pair is None or pair[1] is None:
                continue
            if self._own(d).value != str(pair[1].get("state", "todo")):
                continue  # changed again since: left as it is now
            earlier = _parse_entry(pair[0]) if pair[0] is not None else Entry()
            entry = self.entries.setdefault(d, Entry())
            entry.state, entry.changed = earlier.state, earlier.changed
            if pair[0] is None and not entry.logged_hours:
                del self.entries[d]
            restored.add(d)
        for parent in _ancestors(roadmap, item):
            children = _children(parent)
            own = self.entries.get(parent.id)
            self._put(parent.id, _rollup([self._state_of(c) for c in children], own))
        after = self.states(roadmap, scope)
        changed = [i for i, st in after.items() if st is not before[i]]
        for i in changed:
            if i in restored:
                continue  # its record is the earlier one, as it was
            entry = self.entries.setdefault(i, Entry())
            entry.state = after[i]
            entry.changed = now
        return changed

    def _closing_change(self, item_id: str) -> Change | None:
        """The newest change that closed ``item_id``, if the item still holds what it left."""
        for change in self.history.newest_first(item_id):
            pair = change.items.get(item_id)
            if pair is None:
                continue
            before, after = pair
            after_state = str((after or {}).get("state", "todo"))
            before_state = str((before or {}).get("state", "todo"))
            if before_state == after_state:
                continue  # hours logged, or a record touched without a change of state
            closed = after_state in (State.DONE.value, State.SKIPPED.value)
            if closed and self._own(item_id).value == after_state:
                return change
            return None  # the newest change of its state did not close it, or is undone
        return None

    # -- helpers ---------------------------------------------------------------

    def _own(self, item_id: str) -> State:
        entry = self.entries.get(item_id)
        return entry.state if entry else State.TODO

    def _put(self, item_id: str, state: State) -> None:
        """Give ``item_id`` its own ``state``. An item without a record is todo already:
        making it todo writes none (a reset records only what it changed)."""
        entry = self.entries.get(item_id)
        if entry is None:
            if state is not State.TODO:
                self.entries[item_id] = Entry(state)
        else:
            entry.state = state

    def _state_of(self, item: Module | Topic | Subtopic) -> State:
        children = _children(item)
        if not children:
            return self._own(item.id)
        return _rollup([self._state_of(c) for c in children], self.entries.get(item.id))


def roadmap_state(roadmap: Roadmap, states: Mapping[str, State]) -> State:
    """The whole roadmap's state, rolled up from its modules (``states``: from
    ``Progress.states``) by the rule a module follows from its topics: done when every
    module is closed and one is done, skipped when every one is skipped."""
    modules = [states[m.id] for m in roadmap.modules]
    return _rollup(modules, None) if modules else State.TODO


def _rollup(children: list[State], own: Entry | None) -> State:
    if all(c.closed for c in children):
        return State.DONE if State.DONE in children else State.SKIPPED
    if any(c in (State.DONE, State.IN_PROGRESS) for c in children):
        return State.IN_PROGRESS
    if own is not None and own.state in (State.IN_PROGRESS, State.DONE):
        return State.IN_PROGRESS  # started by hand, or done before the roadmap changed
    return State.TODO


def _children(item: Module | Topic | Subtopic) -> tuple[Topic, ...] | tuple[Subtopic, ...]:
    if isinstance(item, Module):
        return item.topics
    if isinstance(item, Topic):
        return item.subtopics
    return ()


def _descendants(item: Module | Topic | Subtopic) -> Iterator[str]:
    """Every id under ``item``, deepest first within each branch."""
    for child in _children(item):
        yield from _descendants(child)
        yield child.id


def _module_id(roadmap: Roadmap, item_id: str) -> str:
    item = roadmap.get(item_id)
    if isinstance(item, Module):
        return item.id
    if isinstance(item, Topic):
        return item.module_id
    return roadmap.parent_topic(item_id).module_id


def _ancestors(roadmap: Roadmap, item: Module | Topic | Subtopic) -> list[Module | Topic]:
    """Parents of ``item``, nearest first."""
    if isinstance(item, Subtopic):
        topic = roadmap.parent_topic(item.id)
        return [topic, roadmap.module(topic.module_id)]
    if isinstance(item, Topic):
        return [roadmap.module(item.module_id)]
    return []


# -- figures -------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Effort-weighted progress for one item or the whole roadmap (hours)."""

    done: float
    remaining: float
    skipped: float
    open_items: int = 0
    """Leaves (subtopics, topics, empty modules) not yet done or skipped."""

    @property
    def total(self) -> float:
        """Hours that count: done plus remaining (skipped work counts on neither side)."""
        return self.done + self.remaining

    @property
    def percent(self) -> float:
        """0..100; exactly 100 when (and only when) nothing is left open."""
        if not self.open_items and self.remaining == 0:
            return 100.0
        total = self.done + self.remaining
        if total == 0:
            return 0.0
        percent = min(100.0, 100.0 * (self.done / total))
        if self.open_items and percent >= 100.0:
            return math.nextafter(100.0, 0.0)
        return percent

    @property
    def whole_percent(self) -> int:
        """The percent as shown everywhere (see ``whole_percent``)."""
        return whole_percent(self.percent)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.done + other.done,
            self.remaining + other.remaining,
            self.skipped + other.skipped,
            self.open_items + other.open_items,
        )


def _file_in_the_way(path: Path) -> str:
    """The message for a progress path one of whose folders is a file."""
    blocker = next((p for p in path.parents if p.is_file()), path.parent)
    return (
        f"cannot use progress file {path}: {blocker} is a file, not a folder; "
        "move that file, or point PLANNER_DATA_DIR (or --progress) elsewhere"
    )


def shown_percent(percent: float, decimals: int = 0) -> float:
    """A percent rounded down to ``decimals`` for display: 100 only when it is exactly
    100 (nothing open, see ``Figures.percent``). Rounding error is forgiven first:
    3.2 h of 16 h is 20 %, not the 19.999... % that floats make of it."""
    scale = int(10**decimals)
    shown = math.floor(percent * scale + 1e-9 * scale)
    if percent < 100.0:
        shown = min(shown, 100 * scale - 1)
    return shown / scale


def whole_percent(percent: float) -> int:
    """``shown_percent`` in whole percent, as status, the header and details show it."""
    return int(shown_percent(percent))


_ZERO = Figures(0.0, 0.0, 0.0, 0)


def _topic_figures(
    topic: Topic,
    states: dict[str, State],
    progress: Progress,
    hours: float,
    out: dict[str, Figures] | None = None,
) -> Figures:
    state = states[topic.id]
    if topic.subtopics:
        share = hours / len(topic.subtopics)
        n_done = n_skipped = 0
        for sub in topic.subtopics:
            sub_state = states[sub.id]
            n_done += sub_state is State.DONE
            n_skipped += sub_state is State.SKIPPED
            if out is not None:
                if sub_state is State.DONE:
                    out[sub.id] = Figures(share, 0.0, 0.0, 0)
                elif sub_state is State.SKIPPED:
                    out[sub.id] = Figures(0.0, 0.0, share, 0)
                else:
                    out[sub.id] = Figures(0.0, share, 0.0, 1)
        n_open = len(topic.subtopics) - n_done - n_skipped
        skipped = share * n_skipped
        open_share = share * n_open
    else:
        n_open = 0 if state.closed else 1
        skipped = hours if state is State.SKIPPED else 0.0
        open_share = 0.0 if state.closed else hours
    if n_open == 0:
        return _closed(hours, skipped)
    remaining = _open_remaining(hours, skipped, open_share, progress.logged(topic.id))
    return Figures(max(0.0, hours - skipped - remaining), remaining, skipped, n_open)


def _open_remaining(hours: float, skipped: float, open_share: float, logged: float) -> float:
    """An open topic's remaining hours: the smaller of its open subtopics' share and its
    estimate minus logged hours, but never under ``OPEN_FLOOR`` of the open share. The
    floor keeps it above zero even where a tiny share underflows (10 % of a subnormal
    float is 0.0): then all of it remains."""
    by_log = max(0.0, hours - skipped - logged)
    floor = OPEN_FLOOR * open_share or max(0.0, hours - skipped)
    return max(min(open_share, by_log), floor)


def _closed(hours: float, skipped: float) -> Figures:
    return Figures(max(0.0, hours - skipped), 0.0, skipped, 0)


def _all_figures(
    roadmap: Roadmap,
    progress: Progress,
    hours_per_day: float,
    unestimated_hours: float,
    out: dict[str, Figures] | None,
) -> tuple[dict[str, Figures], Figures]:
    states = progress.states(roadmap)
    topics: dict[str, Figures] = {}
    total = _ZERO
    for module in roadmap.modules:
        module_figures = _ZERO
        if not module.topics and not states[module.id].closed:
            module_figures = Figures(0.0, 0.0, 0.0, 1)
        if out is not None:
            out[module.id] = module_figures  # placeholder keeps roadmap order
        for topic in module.topics:
            hours = topic.hours(hours_per_day, unestimated_hours)
            f = _topic_figures(topic, states, progress, hours, out)
            topics[topic.id] = f
            if out is not None:
                out[topic.id] = f
            module_figures = module_figures + f
        if out is not None:
            out[module.id] = module_figures
        total = total + module_figures
    return topics, total


def figures(
    roadmap: Roadmap,
    progress: Progress,
    hours_per_day: float,
    unestimated_hours: float,
) -> dict[str, Figures]:
    """Figures for every module, topic and subtopic id, and the roadmap under ``roadmap.id``.

    Roadmap order: each module, then its topics, each followed by its subtopics;
    the roadmap's own figures come last.
    """
    out: dict[str, Figures] = {}
    _, total = _all_figures(roadmap, progress, hours_per_day, unestimated_hours, out)
    out[roadmap.id] = total
    return out


def remaining_topic_hours(
    roadmap: Roadmap,
    progress: Progress,
    hours_per_day: float,
    unestimated_hours: float,
) -> dict[str, float]:
    """Hours still to do per topic id, in roadmap order (done/skipped topics omitted).

    Every open topic is listed with more than zero hours (see ``OPEN_FLOOR``),
    except one that weighs nothing (``unestimated_hours == 0``).

    The same figures as ``_topic_figures`` gives, worked out straight from the recorded
    states: a topic's remaining hours depend on its own leaves only, never on its module,
    so no roll-up and no ``Figures`` are needed (the scheduler calls this on every plan).
    """
    ids, _, hours = remaining_topic_rows(roadmap, progress, hours_per_day, unestimated_hours)
    return dict(zip(ids, hours, strict=True))


def remaining_topic_rows(
    roadmap: Roadmap,
    progress: Progress,
    hours_per_day: float,
    unestimated_hours: float,
    started: list[int] | None = None,
) -> tuple[list[str], list[str], list[float]]:
    """``remaining_topic_hours`` as three lists in roadmap order: the topic ids, the id of
    the module each is listed in, and the hours (the scheduler takes them as they are).

    With ``started``, the indexes of the rows whose topic is in progress (its rolled-up
    state, as ``Progress.states`` gives it) are appended to it, in order: the scheduler
    puts those first (``planner.shape.queue``) without working out every state again.

    A topic id listed twice (in a roadmap made in code) gives two rows; the mapping keeps
    the first one's place and the last one's hours, as ``dict(zip(ids, hours))`` does.
    """
    entries = progress.entries
    get = entries.get
    done, skipped_state = State.DONE, State.SKIPPED
    in_progress = State.IN_PROGRESS
    ids: list[str] = []
    module_ids: list[str] = []
    out: list[float] = []
    add_id, add_hours = ids.append, out.append
    # estimate -> remaining hours of a topic with no subtopics and nothing recorded (no
    # entry: nothing logged, not closed): _open_remaining then depends on the estimate
    # only, and estimates repeat, so most topics cost a lookup. Floats that are equal give
    # equal results (0.0 and -0.0 aside, and neither is listed).
    fresh: dict[float, float] = {}
    for module in roadmap.modules:
        before = len(ids)
        for topic in module.topics:
            hours = topic.hours(hours_per_day, unestimated_hours)
            subtopics = topic.subtopics
            if subtopics:
                n_done = n_skipped = n_started = 0
                for sub in subtopics:
                    entry = get(sub.id)
                    if entry is not None:
                        state = entry.state
                        if state is done:
                            n_done += 1
                        elif state is skipped_state:
                            n_skipped += 1
                        elif state is in_progress:
                            n_started += 1
                n_open = len(subtopics) - n_done - n_skipped
                if not n_open:
                    continue
                share = hours / len(subtopics)
                skipped = share * n_skipped
                open_share = share * n_open
                entry = get(topic.id)
                # the roll-up (_rollup) of an open topic: started when a subtopic is done
                # or started, or the topic itself was started (or done) by hand
                is_started = bool(n_done or n_started) or (
                    entry is not None and entry.state in (in_progress, done)
                )
            else:
                entry = get(topic.id)
                if entry is None:
                    remaining = fresh.get(hours)
                    if remaining is None:
                        remaining = fresh[hours] = _open_remaining(hours, 0.0, hours, 0.0)
                    if remaining > 0:
                        add_id(topic.id)
                        add_hours(remaining)
                    continue
                if entry.state in (done, skipped_state):
                    continue
                skipped = 0.0
                open_share = hours
                is_started = entry.state is in_progress
            logged = entry.logged_hours if entry is not None else 0.0
            remaining = _open_remaining(hours, skipped, open_share, logged)
            if remaining > 0:
                if is_started and started is not None:
                    started.append(len(ids))
                add_id(topic.id)
                add_hours(remaining)
        if len(ids) > before:
            module_ids.extend([module.id] * (len(ids) - before))
    return ids, module_ids, out


# -- the file ------------------------------------------------------------------


def _move_aside(path: Path) -> str:
    quoted = shlex.quote(str(path))
    bak = shlex.quote(str(path) + ".bak")
    return f"move it aside to start afresh: mv {quoted} {bak}"


def parse_progress(
    text: str,
    path: Path,
    roadmap_id: str | None = None,
    *,
    split: bool = True,
    fix: str = PROGRESS.fix,
) -> Progress:
    """Read progress file text; ``ProgressError`` (naming ``path``) when it cannot be used.

    The closing ``history:`` section is kept as text, read when needed (``split=False``:
    the whole text is read as YAML, as for a file whose keys were moved by hand). ``fix``
    says how to pick another file (``FileKind.fix``)."""

    def bad(problem: str) -> ProgressError:
        return ProgressError(f"progress file {path}: {problem}; {_move_aside(path)}")

    match = _HISTORY_RE.search(text) if split else None
    head = text[: match.start()] if match is not None else text
    try:
        data = yaml.load(head, Loader=_ProgressLoader)
    except _DuplicateKey as dup:
        raise bad(
            f"{dup.key!r} is given twice (lines {dup.first} and {dup.again}), as a merge may "
            "leave it; keep the right one and delete the other"
        ) from None
    except yaml.YAMLError as exc:
        refused = refused_yaml_char(text)
        if refused is not None:
            line, column, char = refused
            raise bad(
                f"control character {char} at line {line}, column {column} is not allowed "
                "in a YAML file; remove it"
            ) from None
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None)
        raise bad(f"not valid YAML{where}" + (f" ({problem})" if problem else "")) from None
    bidi = bidi_control(head)
    if bidi is not None:
        line, column, char = bidi
        raise bad(
            f"control character {char} at line {line}, column {column} is not allowed: it can "
            "reorder the text shown after it; remove it"
        )
    if data is None:
        return Progress(roadmap_id=roadmap_id)  # an empty file holds nothing to lose
    if not isinstance(data, dict):
        raise bad("expected a mapping with 'version', 'roadmap' and 'items'")
    known = ("version", "roadmap", "items", "clock", "order", "pins", "history")
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise bad(f"unexpected key(s) {', '.join(unknown)}; is this a progress file?")
    version = data.get("version")
    if version is None:
        raise bad("no 'version' line; is this a progress file?")
    if version != FILE_VERSION:
        raise bad(
            f"format version {version!r}; this planner reads version {FILE_VERSION} "
            "(was it written by a newer planner?)"
        )
    file_roadmap = data.get("roadmap")
    if file_roadmap is not None and not isinstance(file_roadmap, str):
        raise bad("'roadmap' must be a roadmap id")
    if roadmap_id is not None and file_roadmap is not None and file_roadmap != roadmap_id:
        raise ProgressError(
            f"progress file {path} belongs to roadmap {file_roadmap!r}, not {roadmap_id!r}; "
            f"{fix}, or {_move_aside(path)}"
        )
    items = data.get("items")
    if items is None:
        items = {}
    if not isinstance(items, dict):
        raise bad("'items' must be a mapping of item id to state")
    entries: dict[str, Entry] = {}
    for key, value in items.items():
        item_id = str(key)
        try:
            entries[item_id] = _parse_entry(value)
        except ValueError as exc:
            raise bad(f"item {item_id!r}: {exc}") from None
    try:
        clock = _parse_clock(data.get("clock"))
    except ValueError as exc:
        raise bad(str(exc)) from None
    shape: dict[str, list[str]] = {}
    for key in ("order", "pins"):
        listed = data.get(key) or []
        if not isinstance(listed, list) or not all(isinstance(x, str) for x in listed):
            raise bad(
                f"'{key}' must be a list of lines, one {key[:-1] if key == 'pins' else 'id'} each"
            )
        shape[key] = [x.strip() for x in listed]
    if "history" in data:  # not where it is written (last): read with the rest
        history = History(_history_lines(data["history"], bad), 1, path)
    elif match is not None:
        if not {"version", "items"} <= data.keys():
            # the closing section is not the last: a hand edit moved keys after it
            return parse_progress(text, path, roadmap_id, split=False, fix=fix)
        first_line = text.count("\n", 0, match.end()) + 1
        history = History(text, first_line, path, start=match.end())
    else:
        history = History()
    return Progress(
        entries,
        file_roadmap if file_roadmap is not None else roadmap_id,
        history,
        clock,
        order=shape["order"],
        pins=shape["pins"],
    )


_HISTORY_RE = re.compile(r"^history:\n", re.MULTILINE)


def split_history(text: str) -> tuple[str, str, int]:
    """(the file before its ``history:`` line, the entry lines after it, the file line
    number of the first). The entries are left unparsed (see ``History``): reading a file
    with a long history costs little more than reading one without.

    A ``history:`` line of its own is taken as the closing section, as it is written;
    ``parse_progress`` reads the whole file as YAML when keys turn out to follow it.
    """
    match = _HISTORY_RE.search(text)
    if match is None:
        return text, "", 1
    return text[: match.start()], text[match.end() :], text.count("\n", 0, match.end()) + 1


def _history_lines(value: object, bad: Callable[[str], ProgressError]) -> str:
    """A ``history`` the YAML reader read (hand-moved in the file) as entry lines."""
    if value is None:
        return ""
    if not isinstance(value, list):
        raise bad("'history' must be a list of changes")
    lines = []
    for n, data in enumerate(value, 1):
        try:
            lines.append(change_from_data(data).line())
        except ValueError as exc:
            raise bad(f"history entry {n}: {exc}") from None
    return "".join(lines)


_STATE_WORDS = ", ".join(s.value for s in State)


def _parse_state(value: object) -> State:
    word = str(value).strip().lower().replace(" ", "_").replace("-", "_")
    try:
        return State(word)
    except ValueError:
        raise ValueError(f"unknown state {value!r}; use one of {_STATE_WORDS}") from None


def _parse_entry(value: object) -> Entry:
    if isinstance(value, str):  # shorthand for hand edits: `some-topic: done`
        return Entry(_parse_state(value))
    if not isinstance(value, dict):
        raise ValueError("expected a state or {state: ..., changed: ..., logged_hours: ...}")
    unknown = sorted(str(k) for k in value if k not in ("state", "changed", "logged_hours"))
    if unknown:
        raise ValueError(f"unexpected key(s) {', '.join(unknown)}")
    state = _parse_state(value.get("state", "todo"))
    changed = _parse_changed(value.get("changed"))
    hours = value.get("logged_hours", 0.0)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not math.isfinite(hours):
        raise ValueError(f"logged_hours must be a number of hours, got {hours!r}")
    if hours < 0:
        raise ValueError(f"logged_hours cannot be negative, got {hours!r}")
    return Entry(state, changed, float(hours))


def _parse_clock(value: object) -> Clock | None:
    """The timer from the file's ``clock`` key (or a history record): None when absent."""
    if value is None:
        return None
    if not isinstance(value, dict) or not {"topic", "since"} <= value.keys():
        raise ValueError("'clock' must be {topic: ID, since: 2026-12-03T18:00:00+01:00}")
    unknown = sorted(str(k) for k in value if k not in ("topic", "since"))
    if unknown:
        raise ValueError(f"'clock': unexpected key(s) {', '.join(unknown)}")
    try:
        since = _parse_changed(value["since"])
    except ValueError:
        since = None
    if since is None:
        raise ValueError(
            f"'clock': 'since' must be a date and time like 2026-12-03T18:00:00+01:00, "
            f"got {value['since']!r}"
        )
    return Clock(str(value["topic"]), since)


def _parse_changed(value: object) -> datetime | None:
    return read_moment(value, "changed")


def entry_row(entry: Entry) -> Row:
    """An entry as the file writes it: ``{state, changed?, logged_hours?}``."""
    row: Row = {"state": State(entry.state).value}
    if entry.changed is not None:
        row["changed"] = entry.changed.isoformat()
    if entry.logged_hours:
        row["logged_hours"] = float(entry.logged_hours)
    return row


def _normal_row(row: Row | None) -> Row | None:
    """A record as it compares: read back as an entry and written again."""
    if row is None:
        return None
    try:
        return entry_row(_parse_entry(dict(row)))
    except ValueError:
        return dict(row)


def dump_progress(progress: Progress, roadmap: Roadmap | None = None) -> str:
    """The file text: one line per item, in roadmap order, then orphans (sorted)."""
    entries = progress.entries
    if roadmap is not None:
        ordered = [i for i in roadmap.ids() if i in entries]
        ordered += sorted(i for i in entries if i not in roadmap)
    else:
        ordered = list(entries)
    items: dict[str, dict[str, object]] = {}
    for item_id in ordered:
        items[item_id] = entry_row(entries[item_id])
    roadmap_id = roadmap.id if roadmap is not None else progress.roadmap_id
    head: dict[str, object] = {"version": FILE_VERSION}
    if roadmap_id is not None:
        head["roadmap"] = roadmap_id
    body = yaml.dump(head, Dumper=_Dumper, sort_keys=False, allow_unicode=True)
    if items:
        body += yaml.dump(
            {"items": items},
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=None,
            width=10_000,
        )
    else:
        body += "items: {}\n"
    if progress.clock is not None:
        body += yaml.dump(
            {"clock": progress.clock.row()},
            Dumper=_Dumper,
            sort_keys=False,
            allow_unicode=True,
            default_flow_style=None,
            width=10_000,
        )
    for key, listed in (("order", progress.order), ("pins", progress.pins)):
        if listed:  # one line each: two machines' additions merge line by line
            body += yaml.dump({key: list(listed)}, Dumper=_Dumper, allow_unicode=True, width=10_000)
    header = (
        "# Study progress kept by `planner`. Plain YAML: fine to keep in git and to edit\n"
        "# by hand. Ids the roadmap no longer has are kept, so editing the roadmap loses nothing.\n"
    )
    history = progress.history.parts()
    if not history:
        return header + body
    return "".join([header, body, "history:\n", *history])  # the history copied once


def _record(
    progress: Progress,
    was: dict[str, tuple[State, datetime | None, float]],
    source: str,
    now: datetime | None,
    intent: Intent | None,
    was_clock: Clock | None = None,
    was_shape: dict[str, Row | None] | None = None,
) -> Change | None:
    """The change from ``was`` (and ``was_clock``, and ``was_shape``: the order and pins
    rows before) to ``progress``'s entries (and timer, queue and pins), or None when
    nothing changed."""
    entries = progress.entries
    items: dict[str, tuple[Row | None, Row | None]] = {}
    if progress.clock != was_clock:
        items[CLOCK] = (
            was_clock.row() if was_clock is not None else None,
            progress.clock.row() if progress.clock is not None else None,
        )
    states_changed = False
    for key, before_row in (was_shape or {}).items():
        after_row = progress.row(key)
        if before_row != after_row:
            items[key] = (before_row, after_row)
    for item_id, entry in entries.items():
        old = was.get(item_id)
        if old is not None and old == (entry.state, entry.changed, entry.logged_hours):
            continue
        before = None if old is None else entry_row(Entry(*old))
        after = entry_row(entry)
        if before != after:
            items[item_id] = (before, after)
            states_changed |= before is None or before["state"] != after["state"]
    for item_id, old in was.items():
        if item_id not in entries:
            items[item_id] = (entry_row(Entry(*old)), None)
            states_changed = True
    if not items:
        return None
    intent = intent or Intent()
    kind = intent.kind
    if kind is None:
        kind = "log" if intent.hours is not None or not states_changed else "state"
    hours = intent.hours
    if kind == "log" and hours is not None:  # what was logged or taken back, not what was
        hours = round(  # asked: the total never goes below zero
            sum(
                float((after or {}).get("logged_hours", 0.0))
                - float((before or {}).get("logged_hours", 0.0))
                for before, after in items.values()
            ),
            6,
        )
    return Change(
        now, source, kind, items, intent.target, intent.to, hours, intent.of, intent.session
    )


class ProgressStore:
    """The progress file: atomic writes, never overwritten when unreadable, merge on write.

    With ``roadmap`` the file must belong to that roadmap and is written in its order.
    A symlinked file is written through the link (the link stays a link); anything but a
    regular file, one too large, read-only or hard-linked is refused (planner.atomic).
    """

    def __init__(
        self, path: Path, roadmap: Roadmap | None = None, kind: FileKind = PROGRESS
    ) -> None:
        self.path = path
        self.roadmap = roadmap
        self.kind = kind
        """How messages name the file and say to pick another (``locations.file_kind``)."""

    @property
    def _target(self) -> Path:
        return Path(os.path.realpath(self.path))

    @property
    def lock_path(self) -> Path:
        target = self._target
        return target.with_name(target.name + ".lock")

    def exists(self) -> bool:
        return self.path.exists()

    def _read(self) -> str | None:
        try:
            raw = read_bytes(self.path, self.kind)
        except FileNotFoundError:
            return None
        except FileError as exc:  # a folder, a device, a pipe; too large
            raise ProgressError(str(exc)) from None
        except NotADirectoryError:
            raise ProgressError(_file_in_the_way(self.path)) from None
        except OSError as exc:
            raise ProgressError(
                f"cannot read progress file {self.path} ({exc.strerror or exc}); "
                f"check its permissions, or {_move_aside(self.path)}"
            ) from None
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProgressError(
                f"progress file {self.path}: not UTF-8 text (byte {exc.start}); "
                f"{_move_aside(self.path)}"
            ) from None

    def _parse(self, text: str | None) -> Progress:
        roadmap_id = self.roadmap.id if self.roadmap is not None else None
        if text is None:
            return Progress(roadmap_id=roadmap_id)
        return parse_progress(text, self.path, roadmap_id, fix=self.kind.fix)

    def load(self) -> Progress:
        """The saved progress; empty when there is no file yet. Creates nothing."""
        return self._parse(self._read())

    def update(
        self,
        change: Callable[[Progress], object],
        source: str = "planner",
        now: datetime | None = None,
        intent: Intent | None = None,
    ) -> Progress:
        """Lock, re-read, apply ``change``, record it, write atomically, return the new state.

        Every entry the change altered is recorded, before and after, as one change in the
        file's history (``planner.history``), with ``now``, ``source`` (``cli:done``,
        ``app``...) and what was asked (``intent``, or the ``Intent`` that ``change``
        returns). Raises ``ProgressError`` (and writes nothing) when the file cannot be
        read. Nothing is written when ``change`` alters no entry and leaves the file's
        text as it was.
        """
        try:  # before the lock: no lock file next to a device, nothing done for nothing
            target, _ = write_target(self.path, self.kind)
        except FileError as exc:
            raise ProgressError(str(exc)) from None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise ProgressError(_file_in_the_way(self.path)) from None
        except OSError as exc:
            raise ProgressError(
                f"cannot create the folder for progress file {self.path} "
                f"({exc.strerror or exc}); {self.kind.fix}"
            ) from None
        with self._locked() as locked:
            if locked:  # no writer is mid-write: temp files left by a killed one can go
                for stale in target.parent.glob(f".{glob_escape(target.name)}.*.tmp"):
                    with contextlib.suppress(OSError):
                        stale.unlink()
            old = self._read()
            progress = self._parse(old)
            was = {k: (e.state, e.changed, e.logged_hours) for k, e in progress.entries.items()}
            was_clock = progress.clock
            was_shape = {key: progress.row(key) for key in SHAPE_KEYS}
            asked = change(progress)
            if isinstance(asked, Intent):
                intent = asked
            record = _record(progress, was, source, now, intent, was_clock, was_shape)
            if record is not None:
                progress.history.append(record)
            new = dump_progress(progress, self.roadmap)
            if new != old:
                try:
                    write_atomic(self.path, new, self.kind)
                except FileError as exc:
                    raise ProgressError(str(exc)) from None
                except OSError as exc:
                    raise ProgressError(
                        f"cannot save progress file {self.path} ({exc.strerror or exc}); "
                        "it was left as it was"
                    ) from None
        return progress

    def signature(self) -> object:
        """Cheap token that changes when the file changes on disk (for live reload).

        ``(mtime_ns, size, inode)``, or None when there is no file.
        """
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[bool]:
        """Hold the store's lock; yields whether a lock is really held."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: re-read and write, unlocked
            yield False
            return
        try:
            handle = open(self.lock_path, "a")  # noqa: SIM115 - held for the with block
        except OSError as exc:
            raise ProgressError(
                f"cannot lock progress file {self.path} ({exc.strerror or exc}); "
                "check the folder's permissions"
            ) from None
        with handle:
            owner_beside(handle.fileno(), self._target)  # someone else's file: their lock
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield True
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
