"""The roadmap model: Roadmap / Module / Topic / Subtopic and Effort.

Plain frozen data. No I/O, no clock, no Textual: the loader builds these from
YAML, the importer from Markdown, and everything else only reads them.

Ids: modules and topics have ids unique within the roadmap (``django-deep-dive``);
a subtopic's id is its topic's id, a slash and a slug unique within the topic
(``django-deep-dive/migrations``). Progress and calendar UIDs key on these ids,
so a title can be reworded without losing anything.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

Unit = Literal["hours", "days", "weeks"]

DEFAULT_HOURS_PER_DAY = 8.0
"""What the seed means by a day of study: 1 week is about 40 hours, 5 days."""

DAYS_PER_WEEK = 5
"""Study days in a week, for converting "1 week" (the seed: ~1 week = 40 h)."""

DEFAULT_UNESTIMATED_HOURS = 8.0
"""Hours assumed for a topic with no estimate, unless the user sets another figure."""

_UNIT_ALIASES: dict[str, Unit] = {
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "wk": "weeks",
    "wks": "weeks",
    "week": "weeks",
    "weeks": "weeks",
}

_EFFORT_RE = re.compile(r"^\s*~?\s*([-+−]?\s*(?:\d+(?:[.,]\d+)?|\.\d+))\s*([A-Za-z]+)\s*$")


class EffortError(ValueError):
    """An estimate could not be read; the message says what to write instead."""


@dataclass(frozen=True, order=True)
class Effort:
    """An amount of study effort with its unit, as the roadmap states it."""

    value: float
    unit: Unit

    def __post_init__(self) -> None:
        if not self.value > 0:
            raise EffortError(f"estimate must be more than zero, got {self.value:g} {self.unit}")
        if not math.isfinite(self.value):
            raise EffortError(f"estimate must be a finite figure, got {self.value:g} {self.unit}")

    @classmethod
    def parse(cls, text: str) -> Effort:
        """Read "2 days", "12 hours", "1.5 weeks", "0.5 days", "3d", "1 week"."""
        match = _EFFORT_RE.match(text)
        if not match:
            raise EffortError(
                f"cannot read estimate {text!r}; write a number and a unit, "
                "such as '2 days', '12 hours' or '1.5 weeks'"
            )
        number, unit_word = match.groups()
        unit = _UNIT_ALIASES.get(unit_word.lower())
        if unit is None:
            raise EffortError(
                f"unknown unit {unit_word!r} in estimate {text!r}; use hours, days or weeks"
            )
        value = float(number.replace(",", ".").replace("−", "-").replace(" ", ""))
        if not value > 0:
            raise EffortError(
                f"estimate {text!r} must be more than zero; write a figure such as '2 days', "
                "or remove the estimate to leave the topic unestimated"
            )
        if not math.isfinite(value):
            raise EffortError(
                f"estimate {text!r} is too large to count; write a figure such as '2 days'"
            )
        return cls(value, unit)

    def hours(self, hours_per_day: float = DEFAULT_HOURS_PER_DAY) -> float:
        """This effort in hours; a day is ``hours_per_day``, a week five such days."""
        if self.unit == "hours":
            return self.value
        if self.unit == "days":
            return self.value * hours_per_day
        return self.value * DAYS_PER_WEEK * hours_per_day

    def __str__(self) -> str:
        singular = self.unit[:-1]
        return f"{self.value:g} {singular if self.value == 1 else self.unit}"


@dataclass(frozen=True)
class StatedEstimate:
    """What a roadmap's authors say a module (or the whole roadmap) takes.

    Kept as data beside the topic estimates, never mixed into them: the seed's
    stated figures disagree with the sum of its topics, and the user should see both.
    """

    weeks: float | None = None
    hours: float | None = None
    text: str | None = None
    """Free words that go with the figure ("Just over 4 months")."""
    qualifier: str | None = None
    """A rider on the figure ("+ Ongoing effort", "highly dependent on ...")."""

    def as_hours(self, hours_per_day: float = DEFAULT_HOURS_PER_DAY) -> float | None:
        if self.hours is not None:
            return self.hours
        if self.weeks is not None:
            return self.weeks * DAYS_PER_WEEK * hours_per_day
        return None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.weeks is not None:
            unit = "week" if self.weeks == 1 else "weeks"
            parts.append(f"~{self.weeks:g} {unit}")
        if self.hours is not None:
            parts.append(f"(approx. {self.hours:g} hours)" if parts else f"~{self.hours:g} hours")
        if self.text:
            parts.append(f"/ {self.text}" if parts else self.text)
        if self.qualifier:
            plus = self.qualifier.startswith("+")
            parts.append(self.qualifier if plus or not parts else f"({self.qualifier})")
        return " ".join(parts)


@dataclass(frozen=True)
class Subtopic:
    id: str
    """Qualified id: ``topic-id/subtopic-slug``."""
    title: str
    link: str | None = None


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    module_id: str
    estimate: Effort | None = None
    qualifier: str | None = None
    """Words that ride on the estimate: "plus ongoing practice", "polish"."""
    link: str | None = None
    subtopics: tuple[Subtopic, ...] = ()
    note: str | None = None
    """A short lead-in that belongs to the topic, not to a subtopic: "PostgreSQL" in
    "(PostgreSQL: Advanced SELECT, JOINs)"."""

    @property
    def estimated(self) -> bool:
        return self.estimate is not None

    def hours(
        self,
        hours_per_day: float = DEFAULT_HOURS_PER_DAY,
        unestimated_hours: float = DEFAULT_UNESTIMATED_HOURS,
    ) -> float:
        """Estimated hours; a topic with no estimate counts ``unestimated_hours``."""
        if self.estimate is None:
            return unestimated_hours
        return self.estimate.hours(hours_per_day)

    def estimate_text(self) -> str:
        if self.estimate is None:
            return "no estimate"
        return f"{self.estimate} ({self.qualifier})" if self.qualifier else str(self.estimate)


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    number: int
    topics: tuple[Topic, ...]
    goal: str | None = None
    tools: tuple[str, ...] = ()
    core_practice: str | None = None
    practical_application: str | None = None
    stated: StatedEstimate | None = None

    def hours(
        self,
        hours_per_day: float = DEFAULT_HOURS_PER_DAY,
        unestimated_hours: float = DEFAULT_UNESTIMATED_HOURS,
    ) -> float:
        """The sum of the topics' estimates (not the stated figure)."""
        return sum(t.hours(hours_per_day, unestimated_hours) for t in self.topics)


Item = Module | Topic | Subtopic


@dataclass(frozen=True)
class Roadmap:
    id: str
    title: str
    modules: tuple[Module, ...]
    stated: StatedEstimate | None = None
    description: str | None = None
    _index: dict[str, Item] = field(default_factory=dict, init=False, repr=False, compare=False)
    _items: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = self._index
        items = 0
        for module in self.modules:
            index[module.id] = module
            items += 1 + len(module.topics)
            for topic in module.topics:
                index[topic.id] = topic
                items += len(topic.subtopics)
                for sub in topic.subtopics:
                    index[sub.id] = sub
        object.__setattr__(self, "_items", items)

    @property
    def unique_ids(self) -> bool:
        """No id is used twice (the loader makes sure; a roadmap made in code may not)."""
        return len(self._index) == self._items

    # -- lookups ---------------------------------------------------------------

    def topics(self) -> Iterator[Topic]:
        for module in self.modules:
            yield from module.topics

    def items(self) -> Iterator[Item]:
        """Every module, topic and subtopic, in roadmap order (depth first)."""
        for module in self.modules:
            yield module
            for topic in module.topics:
                yield topic
                yield from topic.subtopics

    def get(self, item_id: str) -> Item | None:
        return self._index.get(item_id)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._index

    def ids(self) -> list[str]:
        return list(self._index)

    def module(self, module_id: str) -> Module:
        item = self._index[module_id]
        assert isinstance(item, Module)
        return item

    def topic(self, topic_id: str) -> Topic:
        item = self._index[topic_id]
        assert isinstance(item, Topic)
        return item

    def parent_topic(self, subtopic_id: str) -> Topic:
        return self.topic(subtopic_id.split("/", 1)[0])

    # -- figures ---------------------------------------------------------------

    def hours(
        self,
        hours_per_day: float = DEFAULT_HOURS_PER_DAY,
        unestimated_hours: float = DEFAULT_UNESTIMATED_HOURS,
    ) -> float:
        return sum(m.hours(hours_per_day, unestimated_hours) for m in self.modules)

    def counts(self) -> tuple[int, int, int]:
        """(modules, topics, subtopics)."""
        topics = [t for m in self.modules for t in m.topics]
        return len(self.modules), len(topics), sum(len(t.subtopics) for t in topics)
