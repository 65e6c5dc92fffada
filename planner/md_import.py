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

- The file is read as CommonMark (markdown-it-py's tokens, with their line numbers), so
  a line continuing a paragraph, a list item or a ``>`` quote joins it, and nesting
  follows the list item's indentation. Not read: HTML blocks (an HTML comment is
  skipped), setext headings (a ``---`` line is a rule), link reference definitions,
  character references (``&amp;`` stays as written) and indented code. A list item's
  own line is always its text: ``- # x``, ``- > x`` and ``- - x`` are items.
- A title is the text as written, minus the Markdown that renders as something else:
  backslash escapes (``\\(`` is a literal ``(``), ``**bold**`` markers, backtick code
  spans (their content is kept, literally), a ``[text](url)`` link (its text is the
  title, its url the item's link), an image ``![alt](src)`` (left out; its alt text is
  the title only when nothing else is) and a leading task box ``[ ]``/``[x]``. Everything
  else - Unicode, quotes, ``&``, ``[Optional]``, inner parentheses, inner runs of
  spaces - is kept exactly; only the ends are trimmed.
- A topic's subtopics are the items of its LAST parenthesized group, split on
  top-level ``,`` and ``;`` (a comma between digits, as in ``1,000``, does not
  split), plus its nested bullets. A label before the first item is the topic's note,
  a lead-in to its subtopics: ``(PostgreSQL: Advanced SELECT, JOINs)`` (up to a
  `` - ``: ``(Python focus: Review for interviews - Lists, Dicts)``); where ``;``
  separates items, a labelled item keeps its commas (``Concepts: CAP, BASE; Use cases``). An earlier group stays in the title:
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

import functools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import cast

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from planner.errors import PlannerError
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
from planner.roadmap_file import RoadmapError, _num, dump_roadmap, parse_roadmap
from planner.textutil import BIDI_CONTROLS, control_name, slugify, unique_slug

__all__ = [
    "ImportNote",
    "MarkdownImport",
    "MarkdownImportError",
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


# -- inline Markdown: markdown-it tokens to text ----------------------------------------

_ESC_BASE = 0xF0000
"""Escaped ASCII punctuation and code-span text are carried as private-use characters
until the end, so no structural rule (parentheses, separators, markers) ever sees them."""
_LINK_BASE = 0xF1000
"""Each link or image in a piece of text is carried as one private-use character."""

_PROTECTED_RE = re.compile("[\U000f0000-\U000f007f]")
_LINK_TOKEN_RE = re.compile("[\U000f1000-\U000f1fff]")
_TASK_BOX_RE = re.compile(r"^\[[ xX]\]\s+")
_RESERVED_RE = re.compile("[\U000f0000-\U000f1fff]")


def _protect_char(c: str) -> str:
    return chr(_ESC_BASE + ord(c)) if ord(c) < 128 and not c.isalnum() and c != " " else c


def _unprotect(text: str) -> str:
    return _PROTECTED_RE.sub(lambda m: chr(ord(m.group()) - _ESC_BASE), text)


def _destination(url: str, title: str) -> str:
    """A link's ``(url "title")`` part as Markdown writes it."""
    shown = f"<{url}>" if not url or any(c.isspace() or c in "()" for c in url) else url
    return f'{shown} "{title}"' if title else shown


_Link = tuple[str, str, str]
"""(text, url, Markdown source) of a link; the source starts with '!' for an image."""


def _flatten(tokens: Sequence[Token], out: list[str], links: list[_Link] | None) -> None:
    """Append the text of inline ``tokens`` to ``out``, Markdown resolved as the rules say.

    Kept literally: text, inline HTML, ``*emphasis*`` markers, autolinks. Escaped
    punctuation and code-span text become protected characters, ``**`` markers go,
    breaks become spaces. A link or image becomes one token character that indexes
    ``links``; with ``links`` None (inside a link's text) an image stands for its alt
    text and a link for its text.
    """
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        if kind in ("text_special", "code_inline"):  # a backslash escape, a code span
            out.append("".join(_protect_char(c) for c in tok.content))
        elif kind in ("softbreak", "hardbreak"):
            out.append(" ")
        elif kind in ("strong_open", "strong_close"):
            out.append("" if tok.markup == "**" else tok.markup)
        elif kind in ("em_open", "em_close"):
            out.append(tok.markup)
        elif kind == "image":
            alt: list[str] = []
            _flatten(tok.children or (), alt, None)
            label = "".join(alt)
            if links is None:
                out.append(label)
            else:
                src = str(tok.attrGet("src") or "")
                source = f"![{label}]({_destination(src, str(tok.attrGet('title') or ''))})"
                links.append((label, src, source))
                out.append(chr(_LINK_BASE + len(links) - 1))
        elif kind == "link_open":
            end = i + 1
            while end < len(tokens) and tokens[end].type != "link_close":
                end += 1
            inner: list[str] = []
            _flatten(tokens[i + 1 : end], inner, None)
            label = "".join(inner)
            if tok.markup == "autolink" or links is None:
                out.append(f"<{label}>" if tok.markup == "autolink" else label)
            else:
                href = str(tok.attrGet("href") or "")
                title = str(tok.attrGet("title") or "")
                links.append((label, href, f"[{label}]({_destination(href, title)})"))
                out.append(chr(_LINK_BASE + len(links) - 1))
            i = end
        else:  # text, inline HTML and anything else: as written
            out.append(tok.content)
        i += 1


def _shift(offset: int) -> Callable[[re.Match[str]], str]:
    """A link token character renumbered by ``offset``."""
    return lambda m: chr(ord(m.group()) + offset)


@dataclass
class _Inline:
    """One piece of text with its Markdown neutralized for structural parsing.

    ``text`` has escaped punctuation and code-span text as private-use characters and
    each link as one token character; ``prose`` and ``titled`` turn parts of it back
    into final text. Pieces cut from one text share its ``links``.
    """

    text: str
    links: list[_Link] = field(default_factory=list)
    """(text, url, source) of each link, in order."""

    @classmethod
    def of(cls, tokens: Sequence[Token]) -> _Inline:
        """The text of inline tokens (line breaks read as spaces)."""
        inline = cls("")
        out: list[str] = []
        _flatten(tokens, out, inline.links)
        inline.text = "".join(out)
        return inline

    @classmethod
    def literal(cls, text: str) -> _Inline:
        """Text taken as it is: no Markdown in it."""
        return cls("".join(_protect_char(c) for c in text))

    @classmethod
    def joined(cls, pieces: Sequence[_Inline], separator: str = " ") -> _Inline:
        """The pieces as one text, each piece's links renumbered."""
        inline = cls("")
        texts: list[str] = []
        for piece in pieces:
            offset = len(inline.links)
            inline.links.extend(piece.links)
            texts.append(_LINK_TOKEN_RE.sub(_shift(offset), piece.text) if offset else piece.text)
        inline.text = separator.join(texts)
        return inline

    def part(self, text: str) -> _Inline:
        """A piece cut from ``self.text``, sharing its links."""
        return _Inline(text, self.links)

    def _link(self, token: str) -> _Link:
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


_LEAD_IN_RE = re.compile(r"^([^:,;()]*[^\s:,;()])\s*:\s+(?=\S)")
"""'PostgreSQL: ' at the start of a group's item: a label, a colon and a space."""
_DASH_RE = re.compile(r"\s[-–—]\s")


def _lead_in(part: str) -> re.Match[str] | None:
    """The 'Label: ' that starts ``part``; an estimate ('Est. Time: ...') has none."""
    return None if _est_marker(part, anywhere=False) else _LEAD_IN_RE.match(part)


def _group(text: str) -> tuple[str | None, list[str]]:
    """(lead-in, items) of the text inside a topic's parentheses.

    Items are split on top-level ``,`` and ``;``. Where ``;`` separates them, a part
    that starts with a label keeps its commas: ``Concepts: CAP, BASE; Use cases`` is two
    items. Where only ``,`` does, a label before the first item is the group's lead-in,
    not part of the item: ``PostgreSQL: Advanced SELECT, JOINs`` has the lead-in
    ``PostgreSQL``; words after it up to a `` - `` belong to it too
    (``Python focus: Review for interviews - Lists``).
    """
    parts = _split_items(text, ";")
    if len(parts) > 1:
        return None, [i for p in parts for i in ([p] if _lead_in(p) else _split_items(p, ","))]
    items = _split_items(text, ",")
    lead = _lead_in(items[0]) if items else None
    if lead is None or _est_marker(items[0][lead.end() :], anywhere=False):
        return None, items
    note, first = lead.group(1), items[0][lead.end() :]
    dashes = list(_DASH_RE.finditer(first))
    if dashes:
        note = items[0][: lead.end() + dashes[-1].start()].strip()
        first = first[dashes[-1].end() :].strip()
    return (note, [first, *items[1:]]) if first else (None, items)


def _depth_zero(text: str, pos: int) -> bool:
    depth = 0
    for c in text[:pos]:
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(0, depth - 1)
    return depth == 0


# -- lines and notes ------------------------------------------------------------------------------

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


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


# -- what the reader collects -----------------------------------------------------------


@dataclass
class _Item:
    line: int
    raw: str
    """The item's Markdown as written, its lines joined with a space (for messages)."""
    inline: _Inline
    children: list[_Item] = field(default_factory=list)


@dataclass
class _Section:
    line: int
    title: _Inline
    """The heading's text (without "Module N:")."""
    number: int | None
    goal: _Item | None = None
    topics: list[_Item] = field(default_factory=list)
    notes: dict[str, tuple[int, _Inline]] = field(default_factory=dict)
    """Note key -> (line, value)."""
    has_topics_heading: bool = False
    in_topics: bool = False


def _line(tok: Token) -> int:
    """The 1-based line a block token starts on."""
    return tok.map[0] + 1 if tok.map else 1


def _block_end(tokens: Sequence[Token], start: int) -> int:
    """Index just past the block that opens at ``start`` (a single token is its own block)."""
    if tokens[start].nesting != 1:
        return start + 1
    depth = 0
    for i in range(start, len(tokens)):
        depth += tokens[i].nesting
        if depth == 0:
            return i + 1
    return len(tokens)  # pragma: no cover - markdown-it closes every block


class _AsWritten(MarkdownIt):
    """Links taken as written: not validated, not percent-encoded."""

    def validateLink(self, url: str) -> bool:
        return True

    def normalizeLink(self, url: str) -> str:
        return url

    def normalizeLinkText(self, link: str) -> str:
        return link


def _not_on_an_items_line(rule: Callable[..., bool]) -> Callable[..., bool]:
    """``rule``, except on a list item's own line: there the item's text is a paragraph
    ("- # x", "- > x", "- - x", "- ~~~" are items titled "# x", "> x", "- x", "~~~")."""

    def guarded(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        last = state.tokens[-1] if state.tokens else None
        if last is not None and last.type == "list_item_open" and last.map:
            return last.map[0] != start and rule(state, start, end, silent)
        return rule(state, start, end, silent)

    return guarded


@functools.cache
def _markdown() -> MarkdownIt:
    """CommonMark as a roadmap reads it.

    Off: HTML blocks (an HTML comment is skipped where it stands; any other tag is
    text), setext headings (a '---' line is a rule), link reference definitions,
    character references (``&amp;`` stays as written) and indented code (indentation
    only nests lists). Escapes stay tokens of their own (no text joining). A list
    item's first line is always its text.
    """
    md = _AsWritten("commonmark", {"html": True})
    md.disable(["html_block", "lheading", "reference", "entity", "code", "text_join"])
    for rule in md.block.ruler.__rules__:
        if rule.name in ("fence", "blockquote", "hr", "list", "heading"):
            md.block.ruler.at(rule.name, _not_on_an_items_line(rule.fn), {"alt": rule.alt})
    return md


_LISTS = ("bullet_list_open", "ordered_list_open")


def _lines_of(inline: Token) -> list[tuple[int, str, _Inline]]:
    """(line, Markdown as written, text) of each line of a paragraph's inline token."""
    first = _line(inline)
    raws = inline.content.split("\n")
    pieces: list[list[Token]] = [[]]
    for child in inline.children or ():
        if child.type in ("softbreak", "hardbreak"):
            pieces.append([])
        else:
            pieces[-1].append(child)
    out = []
    for i, piece in enumerate(pieces):
        text = _Inline.of(piece)
        raw = raws[i].strip() if len(raws) == len(pieces) else _unprotect(text.text).strip()
        out.append((first + i, raw, text))
    return out


def _only_comments(inline: Token) -> bool:
    """Whether a paragraph is HTML comments and nothing else."""
    return all(
        (c.type == "html_inline" and c.content.startswith("<!--"))
        or c.type in ("softbreak", "hardbreak")
        or (c.type == "text" and not c.content.strip())
        for c in inline.children or ()
    )


class _Reader:
    """Reads markdown-it's block tokens into sections, items and notes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.warnings: list[ImportNote] = []
        self.title: tuple[int, _Inline] | None = None
        self.description: list[_Inline] = []
        self.loose: _Section | None = None
        """Topics before any module heading."""
        self.sections: list[_Section] = []
        self.total: tuple[int, _Inline] | None = None
        self._topic_headings: set[int] = set()
        self._source: list[str] = []

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
        self._source = lines
        tokens = _markdown().parse("\n".join(lines))
        self._prescan(tokens)
        i = 0
        while i < len(tokens):
            end = _block_end(tokens, i)
            self.block(tokens[i:end])
            i = end

    def _prescan(self, tokens: Sequence[Token]) -> None:
        """Which sections (by heading line; 0 before any) have a '### Topics' heading."""
        current = 0
        for i, tok in enumerate(tokens):
            if tok.type != "heading_open" or tok.level != 0:
                continue
            level = int(tok.tag[1:])
            if level <= 2:
                current = _line(tok)
            elif level == 3 and "topic" in tokens[i + 1].content.lower():
                self._topic_headings.add(current)

    def block(self, tokens: Sequence[Token]) -> None:
        """One top-level block: its tokens, open to close."""
        tok = tokens[0]
        number = _line(tok)
        if tok.type == "heading_open":
            self.heading(number, int(tok.tag[1:]), tokens[1])
        elif tok.type == "paragraph_open":
            self.paragraph(tokens[1])
        elif tok.type in _LISTS:
            for item in self._items(tokens[1:-1]):
                self.list_item(item)
        elif tok.type == "blockquote_open":
            self.quote(tokens)
        elif tok.type == "fence":
            self.warn(number, "a code block is not part of a roadmap; not imported")
        elif tok.type != "hr":  # pragma: no cover - every other block is turned off
            self.warn(number, f"text '{_short(self._raw(number))}' is not understood; not imported")

    def _raw(self, number: int) -> str:
        return self._source[number - 1].strip() if number <= len(self._source) else ""

    # -- headings ---------------------------------------------------------------------

    def heading(self, number: int, level: int, inline: Token) -> None:
        text = inline.content
        if level == 1:
            if self.title is None and not self.sections and self.loose is None:
                self.title = (number, _Inline.of(inline.children or ()))
            else:
                self.warn(number, f"a second title '# {text}' is not understood; not imported")
            return
        if level == 2:
            title = _Inline.of(inline.children or ())
            num = None
            m = _MODULE_HEADING_RE.match(title.text) or _NUMBERED_HEADING_RE.match(title.text)
            if m:
                num, title = int(m.group(1)), title.part((m.group(2) or "").strip())
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

    # -- paragraphs -------------------------------------------------------------------

    def paragraph(self, inline: Token) -> None:
        if _only_comments(inline):
            return
        if self.section is None:
            self.description.append(_Inline.of(inline.children or ()))
            return
        for number, raw, _text in _lines_of(inline):
            if raw.startswith("|"):
                self.warn(number, "a table is not part of a roadmap; not imported")
            else:
                self.warn(number, f"text '{_short(raw)}' is not understood; not imported")

    # -- list items -------------------------------------------------------------------

    def _items(self, tokens: Sequence[Token], depth: int = 1) -> list[tuple[int, _Item]]:
        """(depth, item) of each item of a list's tokens and of the lists nested in them,
        in order. A quote in an item is read as a note; code or a heading is reported."""
        found: list[tuple[int, _Item]] = []
        i = 0
        while i < len(tokens):
            end = _block_end(tokens, i)
            if tokens[i].type == "list_item_open":
                found += self._item(tokens[i:end], depth)
            i = end
        return found

    def _item(self, tokens: Sequence[Token], depth: int) -> list[tuple[int, _Item]]:
        number = _line(tokens[0])
        texts: list[_Inline] = []
        raws: list[str] = []
        nested: list[tuple[int, _Item]] = []
        body = tokens[1:-1]
        i = 0
        while i < len(body):
            end = _block_end(body, i)
            tok = body[i]
            if tok.type == "paragraph_open" and not _only_comments(body[i + 1]):
                texts.append(_Inline.of(body[i + 1].children or ()))
                raws.append(" ".join(body[i + 1].content.split("\n")))
            elif tok.type in _LISTS:
                nested += self._items(body[i + 1 : end - 1], depth + 1)
            elif tok.type == "blockquote_open":
                self.quote(body[i:end])
            elif tok.type == "fence":
                self.warn(_line(tok), "a code block is not part of a roadmap; not imported")
            elif tok.type == "heading_open":
                self.warn(_line(tok), "a heading in a list item is not understood; not imported")
            i = end
        item = _Item(number, " ".join(raws), _Inline.joined(texts))
        return [(depth, item), *nested]

    def list_item(self, entry: tuple[int, _Item]) -> None:
        depth, item = entry
        number = item.line
        if not item.raw.strip():
            self.warn(number, "an empty list item; not imported")
            return
        section = self.section
        if section is None:
            section = self.loose = _Section(number, _Inline(""), None)
            section.has_topics_heading = 0 in self._topic_headings
            self.warn(
                number,
                "topics before the first '## Module' heading were put in a module "
                "named after the roadmap",
            )
        topics = section.topics
        if depth > 1:
            if section.goal is not None and not topics:
                self.warn(number, "a list under 'Goal:' is not understood; not imported")
                return
            if topics:
                parent = topics[-1]
                if depth > 2:
                    self.warn(
                        number,
                        "a list nested three deep is not part of a roadmap "
                        f"(module > topic > subtopic); read as a subtopic of line {parent.line}",
                    )
                parent.children.append(item)
                return
        is_goal = _GOAL_RE.match(item.inline.text) is not None
        if is_goal and not section.in_topics and not topics and section.goal is None:
            section.goal = item
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
                f"list item '{_short(item.raw)}' before '### Topics' is not understood "
                "(only '- Goal: ...' is read there); not imported",
            )
            return
        topics.append(item)

    # -- quote blocks ([!NOTE]) ---------------------------------------------------------

    def _quote_lines(self, tokens: Sequence[Token]) -> list[tuple[int, str, _Inline] | None]:
        """The lines of a quote's paragraphs; None where a paragraph ends."""
        lines: list[tuple[int, str, _Inline] | None] = []
        i = 1
        while i < len(tokens) - 1:
            end = _block_end(tokens, i)
            tok = tokens[i]
            if tok.type == "paragraph_open":
                lines += [*_lines_of(tokens[i + 1]), None]
            elif tok.type == "blockquote_open":
                lines += self._quote_lines(tokens[i:end])
            else:
                number = _line(tok)
                raw = _short(self._raw(number).lstrip("> \t"))
                self.warn(
                    number,
                    f"note line '{raw}' is not understood; not imported (known: {_KNOWN_NOTES})",
                )
                lines.append(None)
            i = end
        return lines

    def quote(self, tokens: Sequence[Token]) -> None:
        key: str | None = None
        parts: dict[str, tuple[int, list[_Inline]]] = {}
        for entry in self._quote_lines(tokens):
            if entry is None:
                key = None
                continue
            number, raw, line = entry
            content = line.part(_ADMONITION_RE.sub("", line.text.strip()))
            if not content.text:
                key = None
                continue
            m = _KEY_RE.match(content.text)
            name = _NOTE_KEYS.get(" ".join(m.group(1).lower().split())) if m else None
            shown = _short(_ADMONITION_RE.sub("", raw))
            if m and name:
                if name in parts:
                    self.warn(number, f"'{m.group(1)}' appears twice in this note; kept the first")
                    key = None
                    continue
                key = name
                parts[key] = (number, [content.part(m.group(2).strip())])
            elif key is not None:
                parts[key][1].append(content)
                label = m.group(1) if m else ""
                if label[:1].isupper() and len(label.split()) <= 4:  # "Prerequisites: ..."
                    self.warn(
                        number,
                        f"note line '{shown}' is not a known note ({_KNOWN_NOTES});"
                        f" read as more of '{_NOTE_NAMES[key]}'",
                    )
            else:
                self.warn(
                    number,
                    f"note line '{shown}' is not understood; not imported (known: {_KNOWN_NOTES})",
                )
        section = self.section
        for name, (number, pieces) in parts.items():
            value = _Inline.joined([p for p in pieces if p.text])
            value.text = value.text.strip()
            if not value.text:
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
            title, _, links = r.title[1].titled()
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
            r.loose.title = _Inline.literal(title)
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
        description = "\n\n".join(p for p in (para.prose() for para in r.description) if p)
        rid = self.roadmap_id or roadmap_id_for(self.name) or slugify(title)
        return Roadmap(rid, title, tuple(modules), stated=stated, description=description or None)

    def stated(self, entry: tuple[int, _Inline], what: str) -> StatedEstimate:
        line, text = entry
        value, problem = _parse_stated(text.prose())
        if problem:
            self.warn(line, f"{what}: {problem}")
        return value

    def module(self, section: _Section, number: int) -> Module | None:
        title, _, links = section.title.titled()
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
            goal_text = section.goal.inline
            m = _GOAL_RE.match(goal_text.text)
            goal = goal_text.prose(m.group(1)) if m else None
        tools: tuple[str, ...] = ()
        if "tools" in notes:
            tools_inline = notes["tools"][1]
            text = tools_inline.text.strip()
            text = text[:-1] if text.endswith(".") else text
            tools = tuple(t for t in (tools_inline.prose(p) for p in _split_items(text, ",")) if t)
        stated = None
        if "module_time" in notes:
            stated = self.stated(notes["module_time"], f"Estimated Module Time of '{title}'")

        def prose(key: str) -> str | None:
            return notes[key][1].prose() or None if key in notes else None

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
        inline = item.inline
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
        note: str | None = None
        while head.endswith(")"):
            start = _matching_open(head, len(head) - 1)
            if start is None or not head[:start].strip():
                break
            lead, parts = _group(head[start + 1 : -1])
            others = []
            for part in parts:
                m = _est_marker(part, anywhere=False)
                if m:
                    estimates.append((item.line, inline.prose(part[m.end() :])))
                else:
                    others.append(part)
            head = head[:start].rstrip()
            if others:
                group, note = others, (inline.prose(lead) or None) if lead else None
                break
        title, link, links = inline.titled(head)
        if not title:
            self.warn(item.line, f"a topic with no title ('{_short(item.raw)}'); not imported")
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
            sub = child.inline
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
            note=note,
        )


_SHAPE_HINT = (
    "write a '# Title' line, '## Module 1: Title' headings and topic list items "
    "such as '- Topic - Est. Time: 2 days'"
)


def _in_order(warnings: Sequence[ImportNote]) -> tuple[ImportNote, ...]:
    return tuple(sorted(warnings, key=lambda w: w.line))


def _fallback_title(name: str) -> str:
    return PurePath(name).stem if roadmap_id_for(name) else "Imported roadmap"


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
_CONTROLS_NOT_TAB = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


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
