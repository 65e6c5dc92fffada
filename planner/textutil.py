"""Small text helpers shared by the loader, the importer and the commands."""

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
    before = text[: bad.start()]
    breaks = list(_LINE_BREAK.finditer(before))
    column = bad.start() - (breaks[-1].end() if breaks else 0) + 1
    return len(breaks) + 1, column, f"U+{ord(bad.group()):04X}"
