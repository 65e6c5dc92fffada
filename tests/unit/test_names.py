"""planner.names: a name resolves only when it is unambiguous across every way of matching."""

from __future__ import annotations

import pytest

from planner.names import ItemNameError, describe, resolve, resolve_all
from planner.roadmap import Module, Roadmap, Topic
from planner.roadmap_file import parse_roadmap


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("django-deep-dive", "django-deep-dive"),  # exact id
        ("DJANGO-DEEP-DIVE", "django-deep-dive"),  # any case
        ("Django Deep Dive", "django-deep-dive"),  # exact title
        ("api authentication in-depth", "api-authentication-in-depth"),  # title, any case
        ("FastAPI Introduction > Testing", "fastapi-introduction/testing"),  # a subtopic's
        ("fastapi testing", "fastapi-introduction/testing"),  # each word of its title
        ("fastapi-introduction/test", "fastapi-introduction/testing"),  # id prefix
        ("django-deep", "django-deep-dive"),  # a prefix no title shares
        ("asyncio", "advanced-python-features/asyncio"),  # one title word, one item
        ("docker", "containerization-with-docker"),  # a topic beats its own subtopics
        ("djngo deep dive", "django-deep-dive"),  # a near miss when nothing matches
    ],
)
def test_resolves_when_unambiguous(seed: Roadmap, text: str, expected: str) -> None:
    assert resolve(seed, text) == expected


@pytest.mark.parametrize(
    ("text", "candidates"),
    [
        # a unique id prefix (api-authentication-in-depth) and title words elsewhere
        (
            "api",
            [
                "web-frameworks-apis",
                "django-rest-framework/apiviews-viewsets",
                "fastapi-introduction",
                "restful-api-design-principles",
                "api-authentication-in-depth",
            ],
        ),
        # a subtopic's own title is 'Testing', yet other titles say testing too
        (
            "testing",
            [
                "django-deep-dive/testing-w-pytest",
                "fastapi-introduction/testing",
                "advanced-testing",
            ],
        ),
        ("django", ["django-deep-dive", "django-rest-framework"]),
        # an id prefix here (git-mastery-...), a title word there (GitHub Actions ...)
        ("git", ["git-mastery-collaboration-flow", "basic-ci-cd/"]),
    ],
)
def test_refuses_when_the_ways_of_matching_disagree(
    seed: Roadmap, text: str, candidates: list[str]
) -> None:
    with pytest.raises(ItemNameError) as info:
        resolve(seed, text)
    message = str(info.value)
    assert message.startswith(f"'{text}' matches ")
    assert message.endswith("; give more of the title or the id")
    for candidate in candidates:
        assert candidate in message
        assert any(c.startswith(candidate) for c in info.value.candidates)
    first = next(c for c in info.value.candidates if c.startswith(candidates[0]))
    assert f"{first} (" in message  # each candidate with its title


def test_candidates_are_listed_in_roadmap_order(seed: Roadmap) -> None:
    with pytest.raises(ItemNameError) as info:
        resolve(seed, "api")
    order = seed.ids()
    assert info.value.candidates == sorted(info.value.candidates, key=order.index)


def test_two_items_with_one_title_are_refused() -> None:
    roadmap = parse_roadmap(
        "title: R\nmodules:\n  - title: M\n    topics:\n"
        "      - {id: a, title: Intro}\n      - {id: b, title: intro}\n"
    )
    with pytest.raises(ItemNameError, match=r"'INTRO' names 2 items: a \(Intro\), b \(intro\)"):
        resolve(roadmap, "INTRO")
    assert resolve(roadmap, "b") == "b"


def test_unknown_names_suggest_or_say_where_ids_are(seed: Roadmap) -> None:
    with pytest.raises(ItemNameError, match="no item matches 'kubernets'; did you mean"):
        resolve(seed, "kubernets")
    with pytest.raises(ItemNameError, match="`planner status --json` lists every id"):
        resolve(seed, "xyzzy-plugh")
    with pytest.raises(ItemNameError, match="an empty ID"):
        resolve(seed, "  ")


def test_resolve_all_keeps_order_and_drops_repeats(seed: Roadmap) -> None:
    assert resolve_all(seed, ["docker", "django-deep", "Django Deep Dive"]) == [
        "containerization-with-docker",
        "django-deep-dive",
    ]


def test_messages_show_control_characters_harmlessly() -> None:
    # built in code: the loader refuses such titles
    roadmap = Roadmap(
        "r",
        "R",
        (
            Module(
                "m",
                "M",
                1,
                (Topic("a", "Bad\x1b]52;c;aGk=\x07one", "m"), Topic("b", "Bad two", "m")),
            ),
        ),
    )
    with pytest.raises(ItemNameError) as info:
        resolve(roadmap, "bad\x1b[2J")
    assert "\x1b" not in str(info.value) and "\x07" not in str(info.value)
    assert "Bad␛]52;c;aGk=␇one" in describe(roadmap, ["a"])
