"""What item a name typed by the learner means: the one rule every command that takes an ID uses.

A name resolves only when it is unambiguous across every way of matching, tried in
this order:

1. the exact id (``django-deep-dive``), in any case;
2. the exact title (``Django Deep Dive``), in any case; a subtopic's title is its
   topic's and its own (``FastAPI Introduction > Testing``);
3. everything else at once: id prefixes (``django-deep``, ``djang/mig`` for
   ``django-deep-dive/migrations``) and title words (``deep dive``, ``fast api``,
   ``testing``). When these together match more than one item (an id prefix here, a
   title word there), nothing is picked: the error lists the candidates;
4. only when nothing matches: a near miss (``djngo deep dive``), when one item is near.

A topic beats its own subtopics (``docker`` is the Docker topic, not also each of its
subtopics that says Docker), but never another topic's subtopic.
"""

from __future__ import annotations

import difflib
import re

from planner.errors import PlannerError
from planner.roadmap import Roadmap, Subtopic
from planner.textutil import visible

MAX_CANDIDATES = 8
"""How many candidates a message lists before "and N more"."""

NEAR = 0.8
"""How close a misspelt title must be to be taken without asking (difflib ratio)."""


class ItemNameError(PlannerError):
    """A name matched no item or more than one; ``candidates`` are the ids it could mean."""

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


def full_title(roadmap: Roadmap, item_id: str) -> str:
    """An item's title as a message names it: a subtopic with its topic (``Topic > Sub``)."""
    item = roadmap.get(item_id)
    if isinstance(item, Subtopic):
        return f"{roadmap.parent_topic(item_id).title} > {item.title}"
    return item.title if item is not None else item_id


def describe(roadmap: Roadmap, ids: list[str], limit: int = MAX_CANDIDATES) -> str:
    """``id (Title), id (Title) and 3 more``: titles shown harmlessly (no control characters)."""
    shown = [f"{i} ({visible(full_title(roadmap, i))})" for i in ids[:limit]]
    more = len(ids) - limit
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def resolve(roadmap: Roadmap, text: str) -> str:
    """The id ``text`` means; ``ItemNameError`` listing the candidates when it matches
    no item or more than one (see the module's docstring for the order of matching)."""
    query = text.strip()
    if query in roadmap:
        return query
    low = query.lower()
    if not low:
        raise ItemNameError("an empty ID; give a module, topic or topic/subtopic id", [])
    ids = roadmap.ids()
    shown = repr(visible(query))

    exact = [i for i in ids if i.lower() == low]
    if len(exact) == 1:
        return exact[0]
    titles = {i: full_title(roadmap, i).lower() for i in ids}
    same = exact or [i for i in ids if titles[i] == low]
    if len(same) == 1:
        return same[0]
    if same:
        raise ItemNameError(
            f"{shown} names {len(same)} items: {describe(roadmap, same)}; give the id instead",
            same,
        )

    found = set(_by_prefix(low, ids) + _by_words(low, ids, titles))
    matches = _prefer_outer(low, [i for i in ids if i in found])  # in roadmap order
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ItemNameError(
            f"{shown} matches {len(matches)} items: {describe(roadmap, matches)}; "
            "give more of the title or the id",
            matches,
        )

    own_titles = {item.id: item.title.lower() for item in roadmap.items()}
    scored = sorted(
        (
            (max(_closeness(low, own_titles[i]), _closeness(low, i.rsplit("/", 1)[-1])), i)
            for i in ids
        ),
        key=lambda pair: -pair[0],
    )
    near = [i for score, i in scored if score >= NEAR]
    if len(near) == 1:
        return near[0]
    if near:
        raise ItemNameError(
            f"{shown} is close to {len(near)} items: {describe(roadmap, near)}; "
            "give more of the title or the id",
            near,
        )
    suggestions = [i for score, i in scored if score >= 0.6][:MAX_CANDIDATES]
    if suggestions:
        raise ItemNameError(
            f"no item matches {shown}; did you mean: {describe(roadmap, suggestions)}?",
            suggestions,
        )
    raise ItemNameError(f"no item matches {shown}; `planner status --json` lists every id", [])


def resolve_all(roadmap: Roadmap, texts: list[str]) -> list[str]:
    """The ids ``texts`` mean, each once, in the order given; the first name that does
    not resolve raises ``ItemNameError``."""
    out: list[str] = []
    for text in texts:
        item_id = resolve(roadmap, text)
        if item_id not in out:
            out.append(item_id)
    return out


def _by_prefix(low: str, ids: list[str]) -> list[str]:
    """Ids that start with ``low``; ``topic/sub`` also by a prefix of each part."""
    found = [i for i in ids if i.lower().startswith(low)]
    if "/" in low:  # "djang/mig" -> django-deep-dive/migrations
        topic_part, sub_part = low.split("/", 1)
        for i in ids:
            if "/" in i and i not in found:
                t, s = i.lower().split("/", 1)
                if t.startswith(topic_part) and s.startswith(sub_part):
                    found.append(i)
    return found


def _by_words(low: str, ids: list[str], titles: dict[str, str]) -> list[str]:
    """Ids whose title holds ``low`` (spacing and punctuation aside: ``fast api`` is in
    ``FastAPI``), or each of its words (``fastapi testing``)."""
    squashed = _squash(low)
    words = low.split()
    found = []
    for i in ids:
        title = titles[i]
        if (
            low in title
            or (squashed and squashed in _squash(title))
            or (len(words) > 1 and all(w in title for w in words))
        ):
            found.append(i)
    return found


def _prefer_outer(text: str, ids: list[str]) -> list[str]:
    """Without a slash in the query, a topic beats its own subtopics (not another
    topic's: 'test' matching a topic here and a subtopic there is ambiguous)."""
    if "/" in text:
        return ids
    chosen = set(ids)
    return [i for i in ids if not ("/" in i and i.split("/", 1)[0] in chosen)]


def _squash(text: str) -> str:
    """Letters and digits only: ``Fast API`` and ``FastAPI`` both give ``fastapi``."""
    return re.sub(r"[\W_]+", "", text)


def _closeness(query: str, text: str) -> float:
    """The best difflib ratio of ``query`` against ``text`` or any run of as many words.

    Scoring runs of words means a typo of a word shared by several titles
    ("testng") is close to each of them, and so is reported as ambiguous.
    """
    words = re.split(r"[\s/-]+", text)
    n = max(1, len(query.split()))
    runs = {text, *(" ".join(words[k : k + n]) for k in range(max(1, len(words) - n + 1)))}
    return max(difflib.SequenceMatcher(None, query, run).ratio() for run in runs)
