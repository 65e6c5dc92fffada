"""Roadmap Markdown -> roadmap YAML (and the Roadmap it loads as).

The shape read (the seed, ``backend-roadmap.md``)::

    # Roadmap title
    Optional paragraphs: the roadmap's description.
    ## Module 1: Module title
    - Goal: what the module is for.
    ### Topics
    - Topic title (Sub A, Sub B; Sub C) - Est. Time: 2 days (plus practice)
    - Topic title (Est. Time: 0.5 days)
      - [Nested subtopic](./link.md)
      - Est. Time: 3 hours          <- a nested estimate also counts
    > [!NOTE]
    > Tools: Git, VS Code (or preferred editor).
    > Core Practice: ...
    > Practical Application: ...
    > Estimated Module Time: ~5 Weeks (approx. 200 hours) + Ongoing effort
    > Total Estimated Time: ~17 Weeks / Just over 4 months (a qualifier).

Rules (what "titles keep their text exactly" means here):

- A title is the text as written, minus the Markdown that renders as something else:
  backslash escapes (``\\(`` is a literal ``(``), ``**bold**`` markers, backtick code
  spans (their content is kept, literally), a ``[text](url)`` link (its text is the
  title, its url the item's link), an image ``![alt](src)`` (left out; its alt text is
  the title only when nothing else is) and a leading task box ``[ ]``/``[x]``. Everything
  else - Unicode, quotes, ``&``, ``[Optional]``, inner parentheses, inner runs of
  spaces - is kept exactly; only the ends are trimmed.
- A topic's subtopics are the items of its LAST parenthesized group, split on
  top-level ``,`` and ``;`` (a comma between digits, as in ``1,000``, does not
  split), plus its nested bullets. An earlier group stays in the title:
  ``Django REST Framework (DRF) (Serializers, ...)`` keeps ``(DRF)``. To keep a
  trailing group in a title, escape it: ``Title \\(note\\)``.
- ``Est. Time:`` (also ``Estimated Time:``, ``Estimate:``) after `` - `` or inside the
  topic's parentheses; values such as ``2 days``, ``12 hours``, ``1.5 weeks``,
  ``0.5 days``, ``1/2 day``, ``half a day``, ``30 minutes``; words after the figure are
  its qualifier (``2 days (plus integration)`` -> qualifier ``plus integration``).
  A range (``2-3 days``) is read as its upper bound, with a warning.
- Ids: modules and topics get ``slugify(title)``, unique within the roadmap (a clash
  gets ``-2`` and a warning); subtopics a slug unique within their topic. The
  roadmap's id is the slug of the file name (``backend-roadmap.md`` ->
  ``backend-roadmap``), since that is what a user calls it.

Nothing is dropped silently: every line not understood becomes a warning
``FILE:LINE: what was not understood``. A topic with no estimate is imported
without one, flagged with a comment in the YAML and a warning.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import cast

import yaml

from planner.errors import PlannerError
from planner.loader import RoadmapError, parse_roadmap
from planner.roadmap import (
    DAYS_PER_WEEK,
    Effort,
    EffortError,
    Module,
    Roadmap,
    StatedEstimate,
    Subtopic,
    Topic,
    Unit,
)
from planner.textutil import control_name, slugify, unique_slug

__all__ = [
    "ImportNote",
    "MarkdownImport",
    "MarkdownImportError",
    "dump_roadmap",
    "import_markdown",
    "roadmap_id_for",
]


# -- public results -------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class ImportNote:
    """Something in the Markdown that was not understood (or was changed), and where."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class MarkdownImport:
    """The outcome of an import: the roadmap, its YAML text, and what was not understood."""

    roadmap: Roadmap
    yaml: str
    warnings: tuple[ImportNote, ...]

    @property
    def unestimated(self) -> tuple[Topic, ...]:
        return tuple(t for t in self.roadmap.topics() if t.estimate is None)


class MarkdownImportError(PlannerError):
    """Nothing usable was found; ``warnings`` says what was read and not understood."""

    def __init__(self, message: str, warnings: Sequence[ImportNote] = ()) -> None:
        super().__init__(message)
        self.warnings = tuple(warnings)


def roadmap_id_for(name: str) -> str | None:
    """The roadmap id a file name suggests (``backend-roadmap.md`` -> ``backend-roadmap``).

    None for names that are not file names (``<stdin>``, ``-``, empty).
    """
    if not name or name == "-" or name.startswith("<"):
        return None
    stem = PurePath(name).stem.strip()
    return slugify(stem) if stem else None


# -- inline Markdown: escapes, code spans, bold, links ----------------------------------

_ESC_BASE = 0xF0000
"""Escaped ASCII punctuation is carried as a private-use character until the end, so
no structural rule (parentheses, separators, links) ever sees it."""
_LINK_BASE = 0xF1000
"""A link found in a line is replaced by one private-use character while parsing."""

_ESCAPE_RE = re.compile(r"\\([!-/:-@\[-`{-~])")
_CODE_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_LINK_RE = re.compile(
    r"!?\[([^\[\]]*)\]\(\s*(<[^<>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)"
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
_PROTECTED_RE = re.compile("[\U000f0000-\U000f007f]")
_LINK_TOKEN_RE = re.compile("[\U000f1000-\U000f1fff]")
_TASK_BOX_RE = re.compile(r"^\[[ xX]\]\s+")
_RESERVED_RE = re.compile("[\U000f0000-\U000f1fff]")


def _protect_char(c: str) -> str:
    return chr(_ESC_BASE + ord(c)) if ord(c) < 128 and not c.isalnum() and c != " " else c


def _unprotect(text: str) -> str:
    return _PROTECTED_RE.sub(lambda m: chr(ord(m.group()) - _ESC_BASE), text)


def _reraw(text: str) -> str:
    """Protected text back to Markdown source: protected characters as escapes."""
    return _PROTECTED_RE.sub(lambda m: "\\" + chr(ord(m.group()) - _ESC_BASE), text)


def _code_span(match: re.Match[str]) -> str:
    content = match.group(2)
    if len(content) > 2 and content[0] == " " and content[-1] == " " and content.strip():
        content = content[1:-1]
    return "".join(_protect_char(c) for c in content)


def _strip_inline(raw: str) -> str:
    """Escapes and code spans protected, bold markers removed; links left as they are."""
    text = _ESCAPE_RE.sub(lambda m: chr(_ESC_BASE + ord(m.group(1))), raw)
    text = _CODE_RE.sub(_code_span, text)
    return _BOLD_RE.sub(r"\1", text)


def _normalize(raw: str) -> str:
    """Markdown source with bold and code spans resolved, for matching 'Key:' prefixes."""
    return _reraw(_strip_inline(raw))


@dataclass
class _Inline:
    """One piece of text with its Markdown neutralized for structural parsing.

    ``text`` has escaped punctuation as private-use characters and each link as one
    token character; ``prose`` and ``titled`` turn parts of it back into final text.
    """

    text: str
    links: list[tuple[str, str, str]] = field(default_factory=list)
    """(text, url, source) of each link, in order."""

    @classmethod
    def parse(cls, raw: str) -> _Inline:
        inline = cls("")
        inline.text = _LINK_RE.sub(inline._token, _strip_inline(raw))
        return inline

    def _token(self, match: re.Match[str]) -> str:
        url = match.group(2)
        if url.startswith("<") and url.endswith(">"):
            url = url[1:-1]
        self.links.append((match.group(1), url, match.group(0)))
        return chr(_LINK_BASE + len(self.links) - 1)

    def _link(self, token: str) -> tuple[str, str, str]:
        return self.links[ord(token) - _LINK_BASE]

    def prose(self, text: str | None = None) -> str:
        """Final text of a free-text field: links kept as written, escapes resolved."""
        text = self.text if text is None else text
        return _unprotect(_LINK_TOKEN_RE.sub(lambda m: self._link(m.group())[2], text)).strip()

    def titled(self, text: str | None = None) -> tuple[str, str | None, int]:
        """(title, link, number of links) of a title: a link's text stands for the link.

        An image (``![alt](src)``) is decoration: left out of the title and never the
        item's link; its alt text is the title only when nothing else is.
        """
        text = _TASK_BOX_RE.sub("", (self.text if text is None else text).strip())
        urls: list[str] = []
        alts: list[str] = []

        def sub(match: re.Match[str]) -> str:
            label, url, source = self._link(match.group())
            if source.startswith("!"):
                alts.append(label.strip())
                return "\0"
            urls.append(_unprotect(url))
            return label if label.strip() else url

        title = _LINK_TOKEN_RE.sub(sub, text)
        if alts:  # an image and the spaces around it become one space
            title = re.sub(r"\s*\0\s*", " ", title)
        title = _unprotect(title).strip()
        if not title:
            title = _unprotect(" ".join(a for a in alts if a))
        return title, (urls[0] if urls else None), len(urls)


# -- estimates -----------------------------------------------------------------------

_WORD_NUMBERS = {
    "a": 1.0,
    "an": 1.0,
    "one": 1.0,
    "two": 2.0,
    "three": 3.0,
    "four": 4.0,
    "five": 5.0,
    "six": 6.0,
    "seven": 7.0,
    "eight": 8.0,
    "nine": 9.0,
    "ten": 10.0,
    "eleven": 11.0,
    "twelve": 12.0,
}
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3, "⅛": 0.125}
_NUM = (
    r"(?:\d+\s+\d+/\d+|\d+/\d+|\d*[½¼¾⅓⅔⅛]|\d+(?:[.,]\d+)?|[.,]\d+"
    r"|half\s+an?\b|(?:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b)"
)
_UNIT = r"(hours?|hrs?|h|minutes?|mins?|days?|d|weeks?|wks?|wk|w|months?)\b"
_ABOUT = r"(?:~|≈|approx(?:imately|\.)?\s*|about\s+|around\s+|ca\.\s*)?"
_FIGURE_RE = re.compile(
    rf"^{_ABOUT}\s*({_NUM})(?:\s*(?:-|–|—|to)\s*({_NUM}))?\s*{_UNIT}\.?", re.IGNORECASE
)
_SECOND_FIGURE_RE = re.compile(rf"^\(\s*{_ABOUT}\s*({_NUM})\s*{_UNIT}\s*\)", re.IGNORECASE)
_EST_MARK_RE = re.compile(
    r"(?<!\w)(?:(Est(?:\.|imated)?\s*Time)|Estimated?|Est\.?)\s*:\s*", re.IGNORECASE
)
_SEPARATOR_BEFORE_RE = re.compile(r"(?:^|[-–—|,;(])\s*$")


def _est_marker(text: str, anywhere: bool = True) -> re.Match[str] | None:
    """The first 'Est. Time:' outside parentheses (``anywhere``) or at the start of ``text``.

    "Est. Time:" and "Estimated Time:" count after any space; the shorter "Estimate:"
    and "Est.:" only at the start or after a separator (" - ", ",", ";", "|"), so a
    title such as "Cost Estimate: basics" stays whole.
    """
    if not anywhere:
        return _EST_MARK_RE.match(text)
    for m in _EST_MARK_RE.finditer(text):
        if not _depth_zero(text, m.start()):
            continue
        if m.group(1) or _SEPARATOR_BEFORE_RE.search(text[: m.start()]):
            return m
    return None


def _number(text: str) -> float:
    t = " ".join(text.lower().split())
    if t.startswith("half"):
        return 0.5
    if t in _WORD_NUMBERS:
        return _WORD_NUMBERS[t]
    if " " in t:  # "1 1/2"
        whole, frac = t.split(" ", 1)
        return float(whole) + _number(frac)
    if "/" in t:
        num, den = t.split("/", 1)
        return float(num) / float(den) if float(den) else 0.0
    if t and t[-1] in _FRACTIONS:
        return float(t[:-1] or 0) + _FRACTIONS[t[-1]]
    return float(t.replace(",", "."))


def _unit(word: str) -> str:
    """hours, minutes, days, weeks or months."""
    w = word.lower()
    if w.startswith("h"):
        return "hours"
    if w.startswith("mi"):
        return "minutes"
    if w.startswith("d"):
        return "days"
    if w.startswith("mo"):
        return "months"
    return "weeks"


def _rider(rest: str) -> str | None:
    """The words after a figure, as a qualifier: "(plus integration)" -> plus integration."""
    rest = rest.strip()
    if rest.endswith("."):
        rest = rest[:-1].rstrip()
    if rest.startswith("(") and rest.endswith(")") and _matching_open(rest, len(rest) - 1) == 0:
        rest = rest[1:-1].strip()
    else:
        rest = rest.lstrip(",;:-–— \t").strip()
    return rest or None


@dataclass(frozen=True)
class _Estimate:
    effort: Effort | None
    qualifier: str | None
    problem: str | None = None


_HINT = "write it as '2 days', '12 hours' or '1.5 weeks'"
_NEGATIVE_RE = re.compile(r"[-−]\s*[\d.]")
"""A figure with a minus sign ("-2 days")."""


def _parse_estimate(text: str) -> _Estimate:
    """Read "2 days (plus integration)", "1.5 weeks", "half a day", "2-3 hours"."""
    text = text.strip()
    match = _FIGURE_RE.match(text)
    if not match:
        if _NEGATIVE_RE.match(text):
            return _Estimate(None, text, f"the estimate '{text}' is negative; {_HINT}")
        return _Estimate(None, text or None, f"cannot read the estimate '{text}'; {_HINT}")
    low, high, unit_word = match.groups()
    value = _number(high or low)
    unit = _unit(unit_word)
    if unit == "months":
        return _Estimate(None, text, f"months are not a study unit ('{text}'); {_HINT}")
    problem = None
    if high:
        shown = f"{_num(value)} {unit}"
        problem = f"the estimate '{match.group(0).strip()}' is a range; imported as {shown}"
    if unit == "minutes":
        value, unit = value / 60, "hours"
    try:
        effort = Effort(value, cast(Unit, unit))
    except EffortError as exc:
        return _Estimate(None, text, f"{exc}; {_HINT}")
    return _Estimate(effort, _rider(text[match.end() :]), problem)


def _parse_stated(text: str) -> tuple[StatedEstimate, str | None]:
    """Read "~5 Weeks (approx. 200 hours) + Ongoing effort" and the like."""
    s = text.strip()
    if s.endswith("."):
        s = s[:-1].rstrip()
    match = _FIGURE_RE.match(s)
    if not match:
        return StatedEstimate(text=s), f"no figure in weeks or hours in '{s}'; kept as text"
    weeks: float | None = None
    hours: float | None = None
    words: str | None = None
    low, high, unit_word = match.groups()
    value, unit = _number(high or low), _unit(unit_word)
    figure = match.group(0).strip().lstrip("~≈").strip()
    if unit == "months":
        return StatedEstimate(text=s), f"months are not a study unit in '{s}'; kept as text"
    if not (value > 0 and math.isfinite(value)):
        return StatedEstimate(
            text=s
        ), f"the estimate '{s}' is not a figure above zero; kept as text"
    if high:
        words = figure
    if unit == "weeks":
        weeks = value
    elif unit in ("hours", "minutes"):
        hours = value if unit == "hours" else value / 60
    else:  # days: as weeks of study days, the words kept as said
        weeks, words = value / DAYS_PER_WEEK, figure
    problem = None
    rest = s[match.end() :].strip()
    second = _SECOND_FIGURE_RE.match(rest)
    if second:
        v2, u2 = _number(second.group(1)), _unit(second.group(2))
        usable = v2 > 0 and math.isfinite(v2)
        if u2 == "hours" and hours is None and usable:
            hours = v2
        elif u2 == "weeks" and weeks is None and usable:
            weeks = v2
        else:
            problem = f"the figure '{second.group(0)}' in '{s}' was not used"
        rest = rest[second.end() :].strip()
    if rest.startswith("/"):
        cut = next((i for i, c in enumerate(rest) if c in "(+" and i > 1), len(rest))
        words = rest[1:cut].strip() or words
        rest = rest[cut:].strip()
    qualifier = (rest if rest.startswith("+") else _rider(rest)) if rest else None
    return StatedEstimate(weeks=weeks, hours=hours, text=words, qualifier=qualifier), problem


# -- parentheses and lists ---------------------------------------------------------------


def _matching_open(text: str, close: int) -> int | None:
    """Index of the '(' that the ')' at ``close`` closes, or None."""
    depth = 0
    for i in range(close, -1, -1):
        c = text[i]
        if c == ")":
            depth += 1
        elif c == "(":
            depth -= 1
            if depth == 0:
                return i
    return None


def _split_items(text: str, separators: str = ",;") -> list[str]:
    """Split on separators outside parentheses ("1,000" stays whole)."""
    items: list[str] = []
    depth = 0
    start = 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
        elif c in separators and depth == 0:
            if (
                c == ","
                and 0 < i < len(text) - 1
                and text[i - 1].isdigit()
                and text[i + 1].isdigit()
            ):
                continue
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item.strip() for item in items if item.strip()]


def _depth_zero(text: str, pos: int) -> bool:
    depth = 0
    for c in text[:pos]:
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
    return depth == 0


# -- lines -------------------------------------------------------------------------------

_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")
_CLOSING_HASHES_RE = re.compile(r"(?:^|[ \t]+)#+$")
_QUOTE_RE = re.compile(r"^ {0,3}>[ \t]?(.*)$")
_BULLET_RE = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])(?:[ \t]+(.*))?$")
_RULE_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ADMONITION_RE = re.compile(r"^\[!\w+\]\s*")
_MODULE_HEADING_RE = re.compile(r"^Module\s+(\d+)\s*(?:(?:[:.\-–—]|$)\s*(.*))?$", re.IGNORECASE)
_NUMBERED_HEADING_RE = re.compile(r"^(\d+)[.):]\s+(.+)$")
_GOAL_RE = re.compile(r"^Goals?\s*:\s*(.*)$", re.IGNORECASE | re.DOTALL)
_KEY_RE = re.compile(r"^([A-Za-z][A-Za-z ]*?)\s*:\s*(.*)$", re.DOTALL)
_NOTE_KEYS = {
    "tools": "tools",
    "core practice": "core_practice",
    "practical application": "practical_application",
    "estimated module time": "module_time",
    "module time": "module_time",
    "estimated time": "module_time",
    "total estimated time": "total_time",
    "total time": "total_time",
}
_NOTE_NAMES = {
    "tools": "Tools",
    "core_practice": "Core Practice",
    "practical_application": "Practical Application",
    "module_time": "Estimated Module Time",
    "total_time": "Total Estimated Time",
}
_KNOWN_NOTES = ", ".join(_NOTE_NAMES.values())


def _indent(prefix: str) -> int:
    col = 0
    for c in prefix:
        col = col + 4 - col % 4 if c == "\t" else col + 1
    return col


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# -- what the reader collects -----------------------------------------------------------


@dataclass
class _Item:
    line: int
    indent: int
    text: str
    """Raw Markdown; continuation lines joined with a space."""
    children: list[_Item] = field(default_factory=list)


@dataclass
class _Section:
    line: int
    title: str
    """Raw Markdown of the title (without "Module N:")."""
    number: int | None
    goal: _Item | None = None
    topics: list[_Item] = field(default_factory=list)
    notes: dict[str, tuple[int, str]] = field(default_factory=dict)
    """Note key -> (line, raw Markdown value)."""
    has_topics_heading: bool = False
    in_topics: bool = False


class _Reader:
    """Reads the lines into sections, items and notes; parses no inline syntax yet."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.warnings: list[ImportNote] = []
        self.title: tuple[int, str] | None = None
        self.description: list[list[str]] = [[]]
        self.loose: _Section | None = None
        """Topics before any module heading."""
        self.sections: list[_Section] = []
        self.total: tuple[int, str] | None = None
        self._last: _Item | None = None
        """The item a continuation line joins."""
        self._blank = False
        self._quote: list[tuple[int, str]] = []
        self._topic_headings: set[int] = set()

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ImportNote(self.name, line, message))

    @property
    def section(self) -> _Section | None:
        return self.sections[-1] if self.sections else self.loose

    def read(self, text: str) -> None:
        if text.startswith("\ufeff"):
            text = text[1:]
        lines = re.split(r"\r\n|\r|\n", text)
        for number, line in enumerate(lines, start=1):
            if _RESERVED_RE.search(line):  # the parser's own marks: never in real text
                lines[number - 1] = _RESERVED_RE.sub("\ufffd", line)
                self.warn(number, "private-use characters U+F0000-U+F1FFF replaced with U+FFFD")
        self._prescan(lines)
        fence: str | None = None
        comment = False
        for number, line in enumerate(lines, start=1):
            if fence is not None:
                if line.strip().startswith(fence):
                    fence = None
                continue
            if comment:
                comment = "-->" not in line
                continue
            stripped = line.strip()
            if stripped.startswith("<!--"):
                self._end_quote()
                comment = "-->" not in stripped[4:]
                continue
            opening = _FENCE_RE.match(line)
            if opening:
                self._end_quote()
                fence = opening.group(1)[0] * 3
                self.warn(number, "a code block is not part of a roadmap; not imported")
                self._last = None
                continue
            self.line(number, line)
        self._end_quote()

    def _prescan(self, lines: list[str]) -> None:
        """Which sections (by heading line; 0 before any) have a '### Topics' heading."""
        current = 0
        for number, line in enumerate(lines, start=1):
            m = _HEADING_RE.match(line)
            if not m:
                continue
            level = len(m.group(1))
            if level <= 2:
                current = number
            elif level == 3 and "topic" in (m.group(2) or "").lower():
                self._topic_headings.add(current)

    def line(self, number: int, line: str) -> None:
        if not line.strip():
            self._end_quote()
            self._blank = True
            return
        quote = _QUOTE_RE.match(line)
        if quote:
            self._last = None
            self._quote.append((number, quote.group(1)))
            return
        self._end_quote()
        heading = _HEADING_RE.match(line)
        if heading:
            self._last = None
            text = _CLOSING_HASHES_RE.sub("", (heading.group(2) or "").strip()).strip()
            self.heading(number, len(heading.group(1)), text)
            return
        if _RULE_RE.match(line):
            self._last = None
            return
        bullet = _BULLET_RE.match(line)
        if bullet:
            self.bullet(number, _indent(bullet.group(1)), (bullet.group(3) or "").strip())
            return
        self.text(number, _indent(line[: len(line) - len(line.lstrip())]), line.strip())

    # -- headings ---------------------------------------------------------------------

    def heading(self, number: int, level: int, text: str) -> None:
        self._blank = False
        if level == 1:
            if self.title is None and not self.sections and self.loose is None:
                self.title = (number, text)
            else:
                self.warn(number, f"a second title '# {text}' is not understood; not imported")
            return
        if level == 2:
            title, num = text, None
            norm = _normalize(text)
            m = _MODULE_HEADING_RE.match(norm) or _NUMBERED_HEADING_RE.match(norm)
            if m:
                num, title = int(m.group(1)), (m.group(2) or "").strip()
            new = _Section(number, title, num)
            new.has_topics_heading = number in self._topic_headings
            self.sections.append(new)
            return
        section = self.section
        if level == 3 and section is not None:
            section.in_topics = True
            if "topic" not in text.lower():
                self.warn(
                    number,
                    f"heading '### {text}' is not '### Topics'; "
                    "the list items under it were read as topics",
                )
            return
        self.warn(number, f"heading '{'#' * level} {text}' is not understood; not imported")

    # -- list items -------------------------------------------------------------------

    def bullet(self, number: int, indent: int, text: str) -> None:
        self._blank = False
        self._last = None
        if not text:
            self.warn(number, "an empty list item; not imported")
            return
        section = self.section
        if section is None:
            section = self.loose = _Section(number, "", None)
            section.has_topics_heading = 0 in self._topic_headings
            self.warn(
                number,
                "topics before the first '## Module' heading were put in a module "
                "named after the roadmap",
            )
        topics = section.topics
        parent = topics[-1] if topics else None
        if parent is not None and indent > parent.indent:
            item = _Item(number, indent, text)
            last_sub = parent.children[-1] if parent.children else None
            if last_sub is not None and indent > last_sub.indent:
                self.warn(
                    number,
                    "a list nested three deep is not part of a roadmap "
                    f"(module > topic > subtopic); read as a subtopic of line {parent.line}",
                )
            parent.children.append(item)
            self._last = item
            return
        if section.goal is not None and indent > section.goal.indent and not topics:
            self.warn(number, "a list under 'Goal:' is not understood; not imported")
            return
        is_goal = _GOAL_RE.match(_normalize(text)) is not None
        if is_goal and not section.in_topics and not topics and section.goal is None:
            section.goal = self._last = _Item(number, indent, text)
            return
        if is_goal and not section.in_topics and not topics and section.goal is not None:
            self.warn(
                number,
                f"a second 'Goal:' in this module (the first is on line {section.goal.line})"
                "; not imported: join them into one",
            )
            return
        if section.has_topics_heading and not section.in_topics:
            self.warn(
                number,
                f"list item '{_short(text)}' before '### Topics' is not understood "
                "(only '- Goal: ...' is read there); not imported",
            )
            return
        item = _Item(number, indent, text)
        topics.append(item)
        self._last = item

    # -- text lines -------------------------------------------------------------------

    def text(self, number: int, indent: int, text: str) -> None:
        last = self._last
        if last is not None and (not self._blank or indent > last.indent):
            last.text = f"{last.text} {text}"
            self._blank = False
            return
        if self.section is None:
            if self._blank and self.description[-1]:
                self.description.append([])
            self.description[-1].append(text)
            self._blank = False
            return
        self._blank = False
        self._last = None
        if text.startswith("|"):
            self.warn(number, "a table is not part of a roadmap; not imported")
        else:
            self.warn(number, f"text '{_short(text)}' is not understood; not imported")

    # -- quote blocks ([!NOTE]) ---------------------------------------------------------

    def _end_quote(self) -> None:
        lines, self._quote = self._quote, []
        if not lines:
            return
        key: str | None = None
        parts: dict[str, tuple[int, list[str]]] = {}
        for number, raw in lines:
            content = _ADMONITION_RE.sub("", raw.strip())
            if not content:
                key = None
                continue
            m = _KEY_RE.match(_normalize(content))
            name = _NOTE_KEYS.get(" ".join(m.group(1).lower().split())) if m else None
            if m and name:
                if name in parts:
                    self.warn(number, f"'{m.group(1)}' appears twice in this note; kept the first")
                    key = None
                    continue
                key = name
                parts[key] = (number, [m.group(2).strip()])
            elif key is not None:
                parts[key][1].append(content)
                label = m.group(1) if m else ""
                if label[:1].isupper() and len(label.split()) <= 4:  # "Prerequisites: ..."
                    self.warn(
                        number,
                        f"note line '{_short(content)}' is not a known note ({_KNOWN_NOTES});"
                        f" read as more of '{_NOTE_NAMES[key]}'",
                    )
            else:
                self.warn(
                    number,
                    f"note line '{_short(content)}' is not understood; not imported "
                    f"(known: {_KNOWN_NOTES})",
                )
        section = self.section
        for name, (number, words) in parts.items():
            value = " ".join(w for w in words if w).strip()
            if not value:
                self.warn(number, f"'{_NOTE_NAMES[name]}' has no value; not imported")
            elif name == "total_time":
                if self.total is not None:
                    self.warn(number, "a second 'Total Estimated Time'; kept the first")
                else:
                    self.total = (number, value)
            elif section is None:
                self.warn(number, f"'{_NOTE_NAMES[name]}' outside a module; not imported")
            elif name in section.notes:
                self.warn(number, f"a second '{_NOTE_NAMES[name]}' in this module; kept the first")
            else:
                section.notes[name] = (number, value)


# -- building the roadmap -----------------------------------------------------------------


class _Builder:
    def __init__(self, reader: _Reader, name: str, roadmap_id: str | None) -> None:
        self.r = reader
        self.name = name
        self.roadmap_id = roadmap_id
        self.taken: set[str] = set()
        self.first_line: dict[str, int] = {}
        self.notes: dict[str, str] = {}

    def warn(self, line: int, message: str) -> None:
        self.r.warn(line, message)

    def claim(self, title: str, line: int, what: str) -> str:
        base = slugify(title)
        got = unique_slug(base, self.taken)
        if got != base:
            self.warn(
                line,
                f"the id '{base}' of {what} '{title}' is already used on line "
                f"{self.first_line.get(base, '?')}; this one gets '{got}'",
            )
        self.first_line.setdefault(got, line)
        return got

    def build(self) -> Roadmap:
        r = self.r
        title = ""
        if r.title is not None:
            inline = _Inline.parse(r.title[1])
            title, _, links = inline.titled()
            if links:
                self.warn(r.title[0], "links in the title are not kept, only their text")
        if not title:
            title = _fallback_title(self.name)
            self.warn(
                r.title[0] if r.title else 1,
                f"no '# Title' line; the roadmap is titled '{title}' (edit it in the YAML)",
            )
        sections = list(r.sections)
        if r.loose is not None:
            r.loose.title = _reraw("".join(_protect_char(c) for c in title))
            sections.insert(0, r.loose)
        modules: list[Module] = []
        number = 0
        for section in sections:
            number = section.number if section.number is not None else number + 1
            module = self.module(section, number)
            if module is not None:
                modules.append(module)
        if not modules:
            raise MarkdownImportError(
                f"{self.name}:1: no roadmap found; {_SHAPE_HINT}", _in_order(r.warnings)
            )
        stated = None
        if r.total is not None:
            stated = self.stated(r.total, "Total Estimated Time")
        description = "\n\n".join(
            _Inline.parse(" ".join(para)).prose() for para in r.description if para
        )
        rid = self.roadmap_id or roadmap_id_for(self.name) or slugify(title)
        return Roadmap(rid, title, tuple(modules), stated=stated, description=description or None)

    def stated(self, entry: tuple[int, str], what: str) -> StatedEstimate:
        line, raw = entry
        value, problem = _parse_stated(_Inline.parse(raw).prose())
        if problem:
            self.warn(line, f"{what}: {problem}")
        return value

    def module(self, section: _Section, number: int) -> Module | None:
        inline = _Inline.parse(section.title)
        title, _, links = inline.titled()
        if links:
            self.warn(section.line, "links in a module heading are not kept, only their text")
        title = title or f"Module {number}"
        if not section.topics:
            self.warn(section.line, f"section '{title}' has no topics; not imported as a module")
            return None
        mid = self.claim(title, section.line, "module")
        topics = [t for t in (self.topic(item, mid) for item in section.topics) if t]
        if not topics:
            self.warn(section.line, f"module '{title}' has no usable topics; not imported")
            return None
        notes = section.notes
        goal = None
        if section.goal is not None:
            m = _GOAL_RE.match(_normalize(section.goal.text))
            goal = _Inline.parse(m.group(1)).prose() if m else None
        tools: tuple[str, ...] = ()
        if "tools" in notes:
            tools_inline = _Inline.parse(notes["tools"][1])
            text = tools_inline.text.strip()
            text = text[:-1] if text.endswith(".") else text
            tools = tuple(t for t in (tools_inline.prose(p) for p in _split_items(text, ",")) if t)
        stated = None
        if "module_time" in notes:
            stated = self.stated(notes["module_time"], f"Estimated Module Time of '{title}'")

        def prose(key: str) -> str | None:
            return _Inline.parse(notes[key][1]).prose() or None if key in notes else None

        return Module(
            id=mid,
            title=title,
            number=number,
            topics=tuple(topics),
            goal=goal or None,
            tools=tools,
            core_practice=prose("core_practice"),
            practical_application=prose("practical_application"),
            stated=stated,
        )

    def topic(self, item: _Item, module_id: str) -> Topic | None:
        inline = _Inline.parse(item.text)
        text = inline.text
        estimates: list[tuple[int, str]] = []  # (line, final text)
        head = text
        # "Title (...) - Est. Time: 2 days (qualifier)": the marker outside parentheses
        marker = _est_marker(text)
        if marker is not None:
            estimates.append((item.line, inline.prose(text[marker.end() :])))
            head = re.sub(r"\s*[-–—|,;:]?\s*$", "", text[: marker.start()])
        # trailing groups: estimate-only groups, then one group of subtopics
        group: list[str] = []
        while head.endswith(")"):
            start = _matching_open(head, len(head) - 1)
            if start is None or not head[:start].strip():
                break
            parts = _split_items(head[start + 1 : -1])
            others = []
            for part in parts:
                m = _est_marker(part, anywhere=False)
                if m:
                    estimates.append((item.line, inline.prose(part[m.end() :])))
                else:
                    others.append(part)
            head = head[:start].rstrip()
            if others:
                group = others
                break
        title, link, links = inline.titled(head)
        if not title:
            self.warn(item.line, f"a topic with no title ('{_short(item.text)}'); not imported")
            return None
        if links > 1:
            self.warn(item.line, f"topic '{title}' has {links} links; kept the first only")
        tid = self.claim(title, item.line, "topic")
        subtopics: list[Subtopic] = []
        seen: set[str] = set()

        def add(source: _Inline, text: str, line: int) -> None:
            sub_title, sub_link, sub_links = source.titled(text)
            if not sub_title:
                return
            if sub_links > 1:
                self.warn(line, f"subtopic '{sub_title}' has {sub_links} links; kept the first")
            base = slugify(sub_title)
            local = unique_slug(base, seen)
            if local != base:
                self.warn(
                    line,
                    f"subtopic '{sub_title}' has the same id as an earlier one in "
                    f"'{title}'; it gets '{tid}/{local}'",
                )
            subtopics.append(Subtopic(f"{tid}/{local}", sub_title, sub_link))

        for part in group:
            add(inline, part, item.line)
        for child in item.children:
            sub = _Inline.parse(child.text)
            body = _TASK_BOX_RE.sub("", sub.text)
            m = _est_marker(body, anywhere=False)
            if m:
                estimates.append((child.line, sub.prose(body[m.end() :])))
                continue
            if _est_marker(body):
                self.warn(
                    child.line,
                    "only topics have estimates; this subtopic's estimate stays in its title",
                )
            add(sub, body, child.line)
        for line, extra in estimates[1:]:
            self.warn(line, f"a second estimate '{extra}' for topic '{title}'; kept the first")
        est = _parse_estimate(estimates[0][1]) if estimates else None
        if est is None:
            self.warn(
                item.line,
                f"topic '{title}' has no estimate; imported without one "
                "(planned at the default hours until you add one)",
            )
        elif est.effort is None:  # one defect, one line: the estimate that was not read
            self.warn(
                estimates[0][0], f"topic '{title}' imported without an estimate: {est.problem}"
            )
        elif est.problem:
            self.warn(estimates[0][0], f"topic '{title}': {est.problem}")
        if est is None or est.effort is None:
            self.notes[tid] = (
                f"no estimate in {PurePath(self.name).name}:{item.line};"
                " add one, such as 'estimate: 2 days'"
            )
        return Topic(
            id=tid,
            title=title,
            module_id=module_id,
            estimate=est.effort if est else None,
            qualifier=est.qualifier if est else None,
            link=link,
            subtopics=tuple(subtopics),
        )


_SHAPE_HINT = (
    "write a '# Title' line, '## Module 1: Title' headings and topic list items "
    "such as '- Topic - Est. Time: 2 days'"
)


def _in_order(warnings: Sequence[ImportNote]) -> tuple[ImportNote, ...]:
    return tuple(sorted(warnings, key=lambda w: w.line))


def _fallback_title(name: str) -> str:
    return PurePath(name).stem if roadmap_id_for(name) else "Imported roadmap"


# -- YAML ------------------------------------------------------------------------------

_WIDTH = 100
_RESERVED_WORDS = re.compile(
    r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|"
    r"off|Off|OFF|null|Null|NULL)$"
)
_YAML_PLAIN_CHARS = re.compile(
    "^[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*$"
)


def _plain_ok(text: str, flow: bool = False) -> bool:
    """Whether ``text`` reads back as the same string written without quotes.

    Deliberately narrow: a plain scalar must start with a letter (or '(' or a path
    such as './x'), contain no ': ', ' #', tab or line break, and not be a YAML
    boolean or null word; in a flow list or mapping it also has no ',[]{}:'.
    Anything else is double-quoted.
    """
    if not text or text != text.strip() or not _YAML_PLAIN_CHARS.match(text):
        return False
    first, second = text[0], text[1:2]
    if not (
        first.isalpha()
        or first == "("
        or (first in "./" and second in ("/", "."))
        or (first == "/" and second.isalpha())
        or (first == "+" and second == " ")
    ):
        return False
    if _RESERVED_WORDS.match(text) or ": " in text or " #" in text or text.endswith(":"):
        return False
    if any(0xE000 <= ord(c) <= 0xF8FF or ord(c) >= 0xF0000 or c == "\ufeff" for c in text):
        return False
    return not (flow and any(c in text for c in ",[]{}:?&*!|>'\"%@`#"))


def _quoted(text: str) -> str:
    dumped: str = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**30)
    return dumped.rstrip("\n")


def _scalar(text: str, flow: bool = False) -> str:
    return text if _plain_ok(text, flow) else _quoted(text)


def _num(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    text = repr(float(value))
    return text if "e" not in text else f"{value:.6f}".rstrip("0").rstrip(".")


def _effort(effort: Effort) -> str:
    unit = effort.unit[:-1] if effort.value == 1 else effort.unit
    return f"{_num(effort.value)} {unit}"


def _text_field(indent: str, key: str, text: str) -> list[str]:
    """``key: text``, folded (``>-``) over several lines when long and safe to fold."""
    line = f"{indent}{key}: {_scalar(text)}"
    if len(line) <= _WIDTH or not _plain_ok(text):
        return [line]
    room = max(40, _WIDTH - len(indent) - 2)
    lines: list[str] = []
    current = ""
    for word in re.split(r"(?<=\S) (?=\S)", text):
        if current and len(current) + 1 + len(word) > room:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    try:
        back = yaml.safe_load("k: >-\n" + "\n".join(f"  {x}" for x in lines))
    except yaml.YAMLError:  # pragma: no cover - plain-safe text always folds
        return [line]
    if back != {"k": text}:
        return [line]
    return [f"{indent}{key}: >-"] + [f"{indent}  {x}" for x in lines]


def _description(text: str) -> list[str]:
    paragraphs = text.split("\n\n")
    if len(paragraphs) == 1:
        return _text_field("", "description", text)
    if not all(_plain_ok(p) and "\n" not in p for p in paragraphs):
        return [f"description: {_quoted(text)}"]
    out = ["description: |-"]
    for i, p in enumerate(paragraphs):
        out += [""] * bool(i) + [f"  {p}"]
    return out


def _stated_lines(indent: str, stated: StatedEstimate) -> list[str]:
    pairs = [(k, _num(v)) for k, v in (("weeks", stated.weeks), ("hours", stated.hours)) if v]
    texts = [(k, v) for k, v in (("text", stated.text), ("qualifier", stated.qualifier)) if v]
    if not pairs and not texts:
        return []
    if len(texts) <= 1 and all(_plain_ok(v, flow=True) for _, v in texts):
        flow = ", ".join(f"{k}: {v}" for k, v in pairs + texts)
        line = f"{indent}stated_estimate: {{{flow}}}"
        if len(line) <= _WIDTH:
            return [line]
    out = [f"{indent}stated_estimate:"] + [f"{indent}  {k}: {v}" for k, v in pairs]
    for k, v in texts:
        out += _text_field(indent + "  ", k, v)
    return out


def _list_lines(indent: str, key: str, items: Sequence[str]) -> list[str]:
    if all(_plain_ok(i, flow=True) for i in items):
        line = f"{indent}{key}: [{', '.join(items)}]"
        if len(line) <= _WIDTH:
            return [line]
    return [f"{indent}{key}:"] + [f"{indent}  - {_scalar(i)}" for i in items]


def _subtopic_entry(sub: Subtopic, topic_id: str) -> tuple[str, bool]:
    """(YAML for one subtopic, whether it is written as a plain title)."""
    local = sub.id[len(topic_id) + 1 :]
    if sub.link is None and local == slugify(sub.title):
        return _scalar(sub.title), True
    parts = [f"id: {_scalar(local, flow=True)}", f"title: {_scalar(sub.title, flow=True)}"]
    if sub.link is not None:
        parts.append(f"link: {_scalar(sub.link, flow=True)}")
    return "{" + ", ".join(parts) + "}", False


def _comment(text: str) -> str:
    clean = "".join(c if _YAML_PLAIN_CHARS.match(c) else "?" for c in " ".join(text.split()))
    return f"# {clean}" if clean else "#"


def dump_roadmap(
    roadmap: Roadmap,
    header: Sequence[str] = (),
    notes: Mapping[str, str] | None = None,
) -> str:
    """Roadmap -> readable YAML in the layout of the bundled ``roadmap.yaml``.

    Every module and topic gets an explicit ``id:`` (so ids survive title edits);
    ``header`` lines become comments at the top; ``notes`` maps a topic id to a
    comment written above its entry. The text loads back (``parse_roadmap``) equal
    to ``roadmap``: strings that YAML would read as something else are quoted.
    """
    notes = notes or {}
    out = [_comment(line) for line in header]
    out += [f"id: {_scalar(roadmap.id)}", f"title: {_scalar(roadmap.title)}"]
    if roadmap.description:
        out += _description(roadmap.description)
    if roadmap.stated is not None:
        out += _stated_lines("", roadmap.stated)
    out.append("modules:")
    for i, module in enumerate(roadmap.modules):
        ind = "    "
        out += [""] * bool(i) + [f"  - id: {_scalar(module.id)}", f"{ind}number: {module.number}"]
        out += _text_field(ind, "title", module.title)
        if module.goal:
            out += _text_field(ind, "goal", module.goal)
        if module.core_practice:
            out += _text_field(ind, "core_practice", module.core_practice)
        if module.tools:
            out += _list_lines(ind, "tools", module.tools)
        if module.practical_application:
            out += _text_field(ind, "practical_application", module.practical_application)
        if module.stated is not None:
            out += _stated_lines(ind, module.stated)
        out.append(f"{ind}topics:")
        for topic in module.topics:
            if topic.id in notes:
                out.append(f"      {_comment(notes[topic.id])}")
            out.append(f"      - id: {_scalar(topic.id)}")
            ind = "        "
            out += _text_field(ind, "title", topic.title)
            if topic.estimate is not None:
                out.append(f"{ind}estimate: {_effort(topic.estimate)}")
            if topic.qualifier:
                out += _text_field(ind, "qualifier", topic.qualifier)
            if topic.link:
                out.append(f"{ind}link: {_scalar(topic.link)}")
            if topic.subtopics:
                entries = [_subtopic_entry(s, topic.id) for s in topic.subtopics]
                line = f"{ind}subtopics: [{', '.join(e for e, _ in entries)}]"
                flow = all(plain and _plain_ok(e, flow=True) for e, plain in entries)
                if flow and len(line) <= 88:
                    out.append(line)
                else:
                    out += [f"{ind}subtopics:"] + [f"{ind}  - {e}" for e, _ in entries]
    return "\n".join(out) + "\n"


# -- the entry point ----------------------------------------------------------------------


def import_markdown(
    text: str, name: str = "<markdown>", roadmap_id: str | None = None
) -> MarkdownImport:
    """Convert roadmap Markdown to a roadmap; ``name`` is used in warnings and for the id.

    ``roadmap_id`` defaults to the slug of the file name (``backend-roadmap.md`` ->
    ``backend-roadmap``), or of the title when ``name`` is not a file name. Raises
    MarkdownImportError when nothing usable was found. The YAML is checked to load
    back equal to the returned roadmap.
    """
    if not text.lstrip("\ufeff").strip():
        raise MarkdownImportError(f"{name}:1: the file is empty; {_SHAPE_HINT}")
    text, dropped = _without_controls(text, name)
    reader = _Reader(name)
    reader.warnings.extend(dropped)
    reader.read(text)
    builder = _Builder(reader, name, roadmap_id)
    roadmap = builder.build()
    source = PurePath(name).name if roadmap_id_for(name) else "Markdown"
    header = [
        f"Imported from {source} by planner import.",
        "Ids are stable: progress and calendar events key on them,",
        "so a title may be reworded freely, but an id only with care.",
    ]
    yaml_text = dump_roadmap(roadmap, header, builder.notes)
    try:
        back = parse_roadmap(yaml_text, name)
    except RoadmapError as exc:  # pragma: no cover - a bug in the emitter
        raise AssertionError(f"imported YAML does not load:\n{exc}\n{yaml_text}") from exc
    if back != roadmap:  # pragma: no cover - a bug in the emitter
        raise AssertionError(f"imported YAML does not load back equal:\n{yaml_text}")
    return MarkdownImport(back, yaml_text, _in_order(reader.warnings))


_LINES_WITH_BREAKS = re.compile(r"(\r\n|\r|\n)")
_CONTROLS_NOT_TAB = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _without_controls(text: str, name: str) -> tuple[str, list[ImportNote]]:
    """``text`` without control characters (tabs and line breaks stay), and a FILE:LINE
    note for each line that had any: terminal control codes (ESC, BEL, CSI...) are never
    carried into a roadmap. Lines are counted as the reader counts them."""
    if _CONTROLS_NOT_TAB.search(text) is None:
        return text, []
    notes: list[ImportNote] = []
    parts = _LINES_WITH_BREAKS.split(text)
    for k in range(0, len(parts), 2):  # even parts are lines, odd ones their breaks
        found = _CONTROLS_NOT_TAB.findall(parts[k])
        if found:
            shown = ", ".join(control_name(c) for c in dict.fromkeys(found))
            notes.append(
                ImportNote(
                    name,
                    k // 2 + 1,
                    f"control character{'s' if len(set(found)) > 1 else ''} {shown} left out: "
                    "terminal control codes are never imported",
                )
            )
            parts[k] = _CONTROLS_NOT_TAB.sub("", parts[k])
    return "".join(parts), notes
