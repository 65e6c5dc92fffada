"""Small text helpers shared by the loader, the importer, the commands and the app: ids
from titles, near misses, and control characters found, named and shown harmlessly.

A control character here is any C0 or C1 control (the tab aside), DEL, and the bidi
controls that open or close an embedding, override or isolate (U+202A to U+202E, U+2066
to U+2069): YAML takes those as letters, but one of them reorders the rest of a terminal
line ("Trojan Source"), so that text can read other than it is. The bidi marks (LRM, RLM,
ALM) are not among them: right-to-left text uses them, and they act only on the
characters next to them."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

_PARENS = re.compile(r"\s*\([^()]*\)")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_NON_UNICODE_WORD = re.compile(r"[\W_]+")


def slugify(title: str) -> str:
    """A readable id from a title: ``Django REST Framework (DRF)`` -> ``django-rest-framework``.

    Parenthesized asides are dropped when something is left without them;
    accents are folded to ASCII (a title with no Latin letters keeps its own);
    anything else that is not a letter or digit
    becomes a single dash. Never empty: a title with nothing usable gives ``item``.
    """
    base = (_PARENS.sub("", title).strip() or title) if "(" in title else title
    if not base.isascii():
        base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", base.lower()).strip("-")
    if not slug:  # nothing Latin in it: keep the letters as they are (日本語 -> 日本語)
        slug = _NON_UNICODE_WORD.sub("-", title.lower()).strip("-_")
    return slug or "item"


def unique_slug(slug: str, taken: set[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3``... whichever is not in ``taken``; adds it there."""
    candidate, n = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice nearest to ``word``, if any is reasonably near."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


_NOT_YAML_CHAR = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def refused_yaml_char(text: str) -> tuple[int, int, str] | None:
    """The first character YAML refuses anywhere in a file (a control character, a lone
    surrogate) as (line, column, ``U+0001``), both 1-based as YAML counts lines; else None.
    """
    bad = _NOT_YAML_CHAR.search(text)
    if bad is None:
        return None
    line, column = _line_column(text, bad.start())
    return line, column, f"U+{ord(bad.group()):04X}"


BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
"""The bidi embeddings, overrides, isolates and their pops, as a regex character range."""
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def bidi_control(text: str) -> tuple[int, int, str] | None:
    """The first bidi control (``BIDI_CONTROLS``) written as itself in ``text``, which
    YAML reads as any letter, as (line, column, ``U+202E (RLO)``), both 1-based as YAML
    counts lines; else None."""
    bad = _BIDI.search(text)
    if bad is None:
        return None
    line, column = _line_column(text, bad.start())
    return line, column, control_name(bad.group())


def _line_column(text: str, index: int) -> tuple[int, int]:
    breaks = list(_LINE_BREAK.finditer(text, 0, index))
    return len(breaks) + 1, index - (breaks[-1].end() if breaks else 0) + 1


def _control_pictures() -> dict[int, str]:
    table = {code: chr(0x2400 + code) for code in range(0x20)}  # ESC -> ␛, BEL -> ␇
    table[0x7F] = "\u2421"  # DEL -> ␡
    for code in range(0x80, 0xA0):  # C1 (CSI, OSC...) acts as ESC and a letter does
        table[code] = "\u241b"
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)):  # no picture of their own
        table[code] = "\u21c4"  # ⇄
    return table


_PICTURES = _control_pictures()
del _PICTURES[0x09]  # a tab moves the cursor, nothing more: it stays
_PICTURES_MULTILINE = {k: v for k, v in _PICTURES.items() if k != 0x0A}
_CONTROL = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def visible(text: str, *, multiline: bool = False) -> str:
    """``text`` with every control character but the tab shown as a harmless visible
    one, so that nothing a file says can act on the terminal: ESC is ``␛``, BEL ``␇``,
    CR ``␍``, a newline ``␊`` (kept as a line break when ``multiline``), DEL ``␡``,
    a C1 control character (U+0080 to U+009F, the 8-bit CSI and OSC) ``␛`` too, and a
    bidi control (RLO and its kin, see the module's docstring) ``⇄``.

    One character for one, so styled spans over the text stay where they were. Text
    without any (nearly all) is returned as it is, at the cost of one scan.
    """
    if _CONTROL.search(text) is None:
        return text
    return text.translate(_PICTURES_MULTILINE if multiline else _PICTURES)


def control_character(text: str, *, multiline: bool = False) -> int | None:
    """The index of the first control character in ``text`` other than a tab (or a
    newline when ``multiline``), or None when there is none."""
    for match in _CONTROL.finditer(text):
        if not (multiline and match.group() == "\n"):
            return match.start()
    return None


def control_name(char: str) -> str:
    """``U+001B (ESC)``: how a message names a control character."""
    code = ord(char)
    short = _NAMES.get(code)
    return f"U+{code:04X} ({short})" if short else f"U+{code:04X}"


_NAMES = {
    0x00: "NUL",
    0x07: "BEL",
    0x08: "BS",
    0x09: "tab",
    0x0A: "newline",
    0x0B: "VT",
    0x0C: "FF",
    0x0D: "CR",
    0x1B: "ESC",
    0x7F: "DEL",
    0x85: "NEL",
    0x9B: "CSI",
    0x9D: "OSC",
    0x202A: "LRE",
    0x202B: "RLE",
    0x202C: "PDF",
    0x202D: "LRO",
    0x202E: "RLO",
    0x2066: "LRI",
    0x2067: "RLI",
    0x2068: "FSI",
    0x2069: "PDI",
}
