"""planner.md_import: roadmap Markdown -> roadmap YAML, rule by rule."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from planner.md_import import (
    MarkdownImport,
    MarkdownImportError,
    import_markdown,
    roadmap_id_for,
)
from planner.roadmap import Effort, Roadmap, StatedEstimate, Topic
from planner.roadmap_file import dump_roadmap, load_roadmap, parse_roadmap

REPO = Path(__file__).resolve().parents[2]
SEED_MD = REPO / "tests" / "data" / "backend-roadmap.md"
"""A copy of the seed, so the test never depends on the sibling shared/ folder."""
SEED_MD_SHA256 = "6e5b15d1ba82a2c3ef0295970e6947796919c9ad91ebbead75bfb96feb1ec5e8"
"""The seed as it was given (``shared/seed/backend-roadmap.md``), LF line ends: the copy
must stay that text, since the bundled roadmap is checked against its import."""


def imp(md: str, name: str = "road.md") -> MarkdownImport:
    result = import_markdown(md, name)
    # every import must load back, through the real loader, equal to what it returned
    assert parse_roadmap(result.yaml, name) == result.roadmap
    return result


def only_topic(result: MarkdownImport) -> Topic:
    topics = list(result.roadmap.topics())
    assert len(topics) == 1, topics
    return topics[0]


def messages(result: MarkdownImport) -> list[str]:
    return [str(w) for w in result.warnings]


HEAD = "# Road\n\n## Module 1: Basics\n\n- Goal: Learn.\n\n### Topics\n\n"


# -- the seed -------------------------------------------------------------------------


def test_seed_imports_equal_to_the_committed_roadmap_yaml() -> None:
    result = import_markdown(SEED_MD.read_text(encoding="utf-8"), str(SEED_MD))
    committed = load_roadmap(REPO / "roadmap.yaml")
    assert parse_roadmap(result.yaml, "imported") == committed
    assert result.roadmap == committed
    assert result.roadmap.ids() == committed.ids()
    assert result.warnings == ()


def test_seed_import_is_field_by_field_equal(seed: Roadmap) -> None:
    got = import_markdown(SEED_MD.read_text(encoding="utf-8"), "backend-roadmap.md").roadmap
    assert (got.id, got.title, got.stated, got.description) == (
        seed.id,
        seed.title,
        seed.stated,
        seed.description,
    )
    for mine, theirs in zip(got.modules, seed.modules, strict=True):
        assert mine.topics == theirs.topics
        assert mine == theirs


def test_seed_copy_is_the_given_seed() -> None:
    text = SEED_MD.read_bytes().replace(b"\r\n", b"\n")  # as a CRLF checkout has it too
    assert hashlib.sha256(text).hexdigest() == SEED_MD_SHA256, (
        f"{SEED_MD} is no longer the seed as it was given; restore it"
    )


def test_imported_seed_file_loads_with_the_loader(tmp_path: Path) -> None:
    out = tmp_path / "backend-roadmap.yaml"
    out.write_text(import_markdown(SEED_MD.read_text(encoding="utf-8"), "x.md").yaml)
    assert load_roadmap(out).counts() == (5, 28, 104)


def test_seed_yaml_is_readable_block_style() -> None:
    text = import_markdown(SEED_MD.read_text(encoding="utf-8"), "backend-roadmap.md").yaml
    assert "  - id: foundations-revisited\n    number: 1\n" in text
    assert "        estimate: 2 days\n" in text
    assert "          - Asyncio\n" in text  # plain strings, not mappings
    assert '"Concepts: CAP, BASE"' in text  # quoted only where YAML needs it
    assert "stated_estimate: {weeks: 4, hours: 160, qualifier: + Ongoing effort}" in text


# -- the roadmap id -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("backend-roadmap.md", "backend-roadmap"),
        ("/some/where/My Roadmap.markdown", "my-roadmap"),
        ("<stdin>", None),
        ("-", None),
    ],
)
def test_roadmap_id_for(name: str, expected: str | None) -> None:
    assert roadmap_id_for(name) == expected


def test_roadmap_id_from_the_title_without_a_file_name_and_given_explicitly() -> None:
    md = "# Go Basics\n## Module 1: A\n- T - Est. Time: 1 day\n"
    assert import_markdown(md, "<stdin>").roadmap.id == "go-basics"
    assert import_markdown(md, "go.md").roadmap.id == "go"
    assert import_markdown(md, "go.md", roadmap_id="mine").roadmap.id == "mine"


# -- a table of small inputs, one rule each --------------------------------------------

Check = Callable[[MarkdownImport], None]


def _est(value: float, unit: str, qualifier: str | None = None) -> Check:
    def check(r: MarkdownImport) -> None:
        t = only_topic(r)
        assert (t.estimate, t.qualifier) == (Effort(value, unit), qualifier)  # type: ignore[arg-type]

    return check


def _titles(title: str, subs: list[str]) -> Check:
    def check(r: MarkdownImport) -> None:
        t = only_topic(r)
        assert (t.title, [s.title for s in t.subtopics]) == (title, subs)

    return check


def _noted(note: str | None, subs: list[str]) -> Check:
    def check(r: MarkdownImport) -> None:
        t = only_topic(r)
        assert (t.note, [s.title for s in t.subtopics]) == (note, subs)
        assert r.warnings == ()

    return check


CASES: list[tuple[str, str, Check]] = [
    ("estimate after dash", "- T (A, B) - Est. Time: 2 days", _est(2, "days")),
    ("estimate in parentheses", "- T (Est. Time: 1.5 weeks)", _est(1.5, "weeks")),
    ("estimate among subtopics", "- T (A; B, Est. Time: 3 hours)", _est(3, "hours")),
    ("half day decimal", "- T - Est. Time: 0.5 days", _est(0.5, "days")),
    ("fraction", "- T - Est. Time: 1/2 day", _est(0.5, "days")),
    ("unicode fraction", "- T - Est. Time: 1½ days", _est(1.5, "days")),
    ("decimal comma", "- T - Est. Time: 1,5 days", _est(1.5, "days")),
    ("words", "- T - Est. Time: half a day", _est(0.5, "days")),
    ("hours short", "- T - Est. Time: 12h", _est(12, "hours")),
    ("minutes", "- T - Est. Time: 90 minutes", _est(1.5, "hours")),
    ("one week", "- T - Est. Time: 1 week", _est(1, "weeks")),
    ("approx", "- T - Est. Time: ~4 days", _est(4, "days")),
    ("estimated time", "- T — Estimated Time: 2 days", _est(2, "days")),
    (
        "qualifier",
        "- T - Est. Time: 5 days (plus ongoing practice)",
        _est(5, "days", "plus ongoing practice"),
    ),
    (
        "qualifier after comma",
        "- T - Est. Time: 5 days, plus review",
        _est(5, "days", "plus review"),
    ),
    (
        "qualifier in parens",
        "- T (Est. Time: 2 days (plus integration))",
        _est(2, "days", "plus integration"),
    ),
    (
        "subtopics split on , and ;",
        "- T (A, B; C) - Est. Time: 1 day",
        _titles("T", ["A", "B", "C"]),
    ),
    (
        "digit comma stays",
        "- T (1,000 rows, B) - Est. Time: 1 day",
        _titles("T", ["1,000 rows", "B"]),
    ),
    (
        "nested parens stay in an item",
        "- T (A (x, y), B) - Est. Time: 1 day",
        _titles("T", ["A (x, y)", "B"]),
    ),
    (
        "last group only",
        "- Django REST Framework (DRF) (Serializers, Routers) - Est. Time: 8 days",
        _titles("Django REST Framework (DRF)", ["Serializers", "Routers"]),
    ),
    (
        "inner group kept",
        "- Project(s) Refinement (Ensure 1-2 strong projects) - Est. Time: 1 day",
        _titles("Project(s) Refinement", ["Ensure 1-2 strong projects"]),
    ),
    ("escaped group kept", r"- Title \(note\) - Est. Time: 1 day", _titles("Title (note)", [])),
    ("only a group", "- (Just this) - Est. Time: 1 day", _titles("(Just this)", [])),
    (
        "bold and code",
        "- **Async** `asyncio.run()` - Est. Time: 1 day",
        _titles("Async asyncio.run()", []),
    ),
    ("task box", "- [ ] Docker - Est. Time: 1 day", _titles("Docker", [])),
    (
        "optional kept",
        "- [Optional] Docker & Compose - Est. Time: 1 day",
        _titles("[Optional] Docker & Compose", []),
    ),
    (
        "unicode and quotes",
        "- Ünïcödé “smart” \"dumb\" 'single' 日本語 — ok - Est. Time: 1 day",
        _titles("Ünïcödé “smart” \"dumb\" 'single' 日本語 — ok", []),
    ),
    ("ampersand entity kept literally", "- Q&amp;A - Est. Time: 1 day", _titles("Q&amp;A", [])),
    (
        "title with Estimate word",
        "- Cost Estimate: basics - Est. Time: 1 day",
        _titles("Cost Estimate: basics", []),
    ),
    (
        "nested bullets",
        "- T - Est. Time: 1 day\n  - A\n  - B (b)\n  - C, D",
        _titles("T", ["A", "B (b)", "C, D"]),
    ),
    ("group and nested bullets", "- T (A) - Est. Time: 1 day\n  - B", _titles("T", ["A", "B"])),
    ("nested estimate", "- T\n  - A\n  - Est. Time: 3 days", _est(3, "days")),
    (
        "continuation line",
        "- Long title\n  (A, B) - Est. Time: 2 days",
        _titles("Long title", ["A", "B"]),
    ),
    ("numbered list", "1. T (A) - Est. Time: 1 day", _titles("T", ["A"])),
    ("star bullets", "* T (A) - Est. Time: 1 day\n    + B", _titles("T", ["A", "B"])),
    (
        "an item's line is its text",
        "- # C - Est. Time: 1 day\n  - > B\n  - - A\n  - ~~~",
        _titles("# C", ["> B", "- A", "~~~"]),
    ),
    ("lead-in is a note", "- T (Lead: A, B) - Est. Time: 1 day", _noted("Lead", ["A", "B"])),
    (
        "lead-in up to a dash",
        "- T (Focus: Review - A, B) - Est. Time: 1 day",
        _noted("Focus: Review", ["A", "B"]),
    ),
    (
        "labelled item keeps its commas",
        "- T (L: A, B; C) - Est. Time: 1 day",
        _noted(None, ["L: A, B", "C"]),
    ),
    ("no lead-in alone", "- T (A, B: C) - Est. Time: 1 day", _noted(None, ["A", "B: C"])),
    (
        "a label before an estimate is an item",
        "- T (X: Est. Time: 2 days) - Est. Time: 1 day",
        _noted(None, ["X: Est. Time: 2 days"]),
    ),
]


@pytest.mark.parametrize(("md", "check"), [pytest.param(m, c, id=n) for n, m, c in CASES])
def test_rule(md: str, check: Check) -> None:
    check(imp(HEAD + md + "\n"))


def test_links_are_kept() -> None:
    r = imp(
        HEAD + "- [Docker](https://docs.docker.com/get-started/) - Est. Time: 1 day\n"
        "  - [OOP](./01-OOP/OOP.md)\n"
        "  - [Wiki](https://en.wikipedia.org/wiki/Python_(language))\n"
        "- Web (HTTP, [REST](https://x.org/rest), DNS) - Est. Time: 2 days\n"
    )
    docker, web = r.roadmap.topics()
    assert (docker.title, docker.link) == ("Docker", "https://docs.docker.com/get-started/")
    assert [(s.id, s.title, s.link) for s in docker.subtopics] == [
        ("docker/oop", "OOP", "./01-OOP/OOP.md"),
        ("docker/wiki", "Wiki", "https://en.wikipedia.org/wiki/Python_(language)"),
    ]
    assert [(s.title, s.link) for s in web.subtopics] == [
        ("HTTP", None),
        ("REST", "https://x.org/rest"),
        ("DNS", None),
    ]


def test_images_in_titles_are_decoration_not_links() -> None:
    r = imp(
        HEAD + "- Docker ![logo](docker.png) Basics - Est. Time: 1 day\n"
        "  - ![Compose](compose.png)\n"
        "  - ![icon](i.png) [Registries](./reg.md)\n"
        "- ![k8s](k.png)[Kubernetes](https://k8s.io) - Est. Time: 2 days\n"
    )
    docker, kube = r.roadmap.topics()
    assert (docker.title, docker.link) == ("Docker Basics", None)
    assert [(s.title, s.link) for s in docker.subtopics] == [
        ("Compose", None),  # only an image: its alt text names it
        ("Registries", "./reg.md"),
    ]
    assert (kube.title, kube.link) == ("Kubernetes", "https://k8s.io")
    assert not any("links" in w for w in r.warnings)


def test_topic_with_only_nested_bullets_and_no_estimate_is_imported_and_flagged() -> None:
    r = imp(HEAD + "- Advanced Python\n  - Asyncio\n  - Typing\n- Git - Est. Time: 1 day\n")
    apf = r.roadmap.topic("advanced-python")
    assert apf.estimate is None and [s.title for s in apf.subtopics] == ["Asyncio", "Typing"]
    assert [t.id for t in r.unestimated] == ["advanced-python"]
    assert messages(r) == [
        "road.md:9: topic 'Advanced Python' has no estimate; imported without one "
        "(planned at the default hours until you add one)"
    ]
    assert "      # no estimate in road.md:9; add one, such as 'estimate: 2 days'\n" in r.yaml


def test_module_without_note_block() -> None:
    r = imp("# R\n## Module 1: A\n- Goal: g\n### Topics\n- T - Est. Time: 1 day\n")
    (m,) = r.roadmap.modules
    assert (m.goal, m.tools, m.stated, m.core_practice, m.practical_application) == (
        "g",
        (),
        None,
        None,
        None,
    )
    assert r.warnings == ()


def test_note_block() -> None:
    md = (
        "# R\n## Module 1: A\n### Topics\n- T - Est. Time: 1 day\n\n"
        "> [!NOTE]\n"
        "> **Tools:** Python 3.10+, VS Code (or preferred editor, any), Git.\n"
        "> Core Practice: Clean code (DRY, KISS)\n"
        "> and more on a second line.\n"
        "> Practical Application: Build [a thing](https://x.org).\n"
        "> Estimated Module Time: ~4 Weeks (approx. 160 hours) + Ongoing effort\n"
        "> Total Estimated Time: ~17 Weeks / Just over 4 months (highly dependent on pace).\n"
    )
    r = imp(md)
    (m,) = r.roadmap.modules
    assert m.tools == ("Python 3.10+", "VS Code (or preferred editor, any)", "Git")
    assert m.core_practice == "Clean code (DRY, KISS) and more on a second line."
    assert m.practical_application == "Build [a thing](https://x.org)."
    assert m.stated == StatedEstimate(weeks=4, hours=160, qualifier="+ Ongoing effort")
    assert r.roadmap.stated == StatedEstimate(
        weeks=17, text="Just over 4 months", qualifier="highly dependent on pace"
    )
    assert r.warnings == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("~1 Week (approx. 40 hours)", StatedEstimate(weeks=1, hours=40)),
        ("~40 hours", StatedEstimate(hours=40)),
        ("2.5 weeks", StatedEstimate(weeks=2.5)),
        ("~3 Weeks (approx. 120 hours)", StatedEstimate(weeks=3, hours=120)),
        ("10 days", StatedEstimate(weeks=2, text="10 days")),
    ],
)
def test_stated_estimates(text: str, expected: StatedEstimate) -> None:
    md = f"# R\n## Module 1: A\n- T - Est. Time: 1 day\n> Estimated Module Time: {text}\n"
    assert imp(md).roadmap.modules[0].stated == expected


def test_stated_estimate_without_a_figure_is_kept_as_text_and_reported() -> None:
    r = imp("# R\n## Module 1: A\n- T - Est. Time: 1 day\n> Estimated Module Time: a while\n")
    assert r.roadmap.modules[0].stated == StatedEstimate(text="a while")
    assert messages(r) == [
        "road.md:4: Estimated Module Time of 'A': no figure in weeks or hours in "
        "'a while'; kept as text"
    ]


LF = HEAD + "- T (A, B) - Est. Time: 2 days\n  - C\n> Tools: X, Y\n"


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(LF.replace("\n", "\r\n"), id="crlf"),
        pytest.param(LF.replace("\n", "\r"), id="cr"),
        pytest.param("\ufeff" + LF, id="bom"),
        pytest.param(LF.replace("  - C", "\t- C"), id="tab-indent"),
        pytest.param("\ufeff" + LF.replace("  - C", "\t- C").replace("\n", "\r\n"), id="all"),
    ],
)
def test_line_endings_bom_and_tabs_read_like_plain_lf(variant: str) -> None:
    plain = imp(LF)
    got = imp(variant)
    assert got.roadmap == plain.roadmap
    assert got.warnings == plain.warnings == ()


def test_tabs_nest_subtopics_and_deeper_lists_flatten_with_a_warning() -> None:
    r = imp(HEAD + "- T - Est. Time: 1 day\n\t- A\n\t\t- A1\n\t- B\n")
    assert [s.title for s in only_topic(r).subtopics] == ["A", "A1", "B"]
    assert messages(r) == [
        "road.md:11: a list nested three deep is not part of a roadmap "
        "(module > topic > subtopic); read as a subtopic of line 9"
    ]


# -- ids ----------------------------------------------------------------------------------


def test_id_clashes_get_a_suffix_and_are_reported() -> None:
    md = (
        "# R\n## Module 1: Testing\n- Testing - Est. Time: 1 day\n"
        "- Testing! - Est. Time: 1 day\n  - C++\n  - C\n  - C\n"
    )
    r = imp(md)
    (m,) = r.roadmap.modules
    assert m.id == "testing"
    assert [t.id for t in m.topics] == ["testing-2", "testing-3"]
    assert [s.id for s in m.topics[1].subtopics] == [
        "testing-3/c",
        "testing-3/c-2",
        "testing-3/c-3",
    ]
    assert messages(r) == [
        "road.md:3: the id 'testing' of topic 'Testing' is already used on line 2; "
        "this one gets 'testing-2'",
        "road.md:4: the id 'testing' of topic 'Testing!' is already used on line 2; "
        "this one gets 'testing-3'",
        "road.md:6: subtopic 'C' has the same id as an earlier one in 'Testing!'; "
        "it gets 'testing-3/c-2'",
        "road.md:7: subtopic 'C' has the same id as an earlier one in 'Testing!'; "
        "it gets 'testing-3/c-3'",
    ]


def test_module_and_topic_ids_are_explicit_in_the_yaml() -> None:
    text = imp(HEAD + "- T - Est. Time: 1 day\n").yaml
    data = yaml.safe_load(text)
    assert data["modules"][0]["id"] == "basics"
    assert data["modules"][0]["topics"][0]["id"] == "t"


def test_module_numbers_and_headings_without_module_prefix() -> None:
    md = "# R\n## Module 3: A\n- T - Est. Time: 1 day\n## B\n- U - Est. Time: 1 day\n"
    r = imp(md)
    assert [(m.number, m.title) for m in r.roadmap.modules] == [(3, "A"), (4, "B")]


# -- what cannot be read is reported, never dropped silently ---------------------------


def test_unreadable_lines_are_reported_with_file_and_line() -> None:
    md = (
        "# R\n\nAn intro paragraph.\n\n## Module 1: A\n- Goal: g\n### Topics\n"
        "- T - Est. Time: a while\n\nStray paragraph.\n\n| a | b |\n"
        "```\ncode\n```\n#### Deep heading\n> Weird: note\n## Empty section\n"
    )
    r = imp(md, "dir/r.md")
    t = only_topic(r)
    assert (t.estimate, t.qualifier) == (None, "a while")
    assert r.roadmap.description == "An intro paragraph."
    assert messages(r) == [
        "dir/r.md:8: topic 'T' imported without an estimate: cannot read the estimate "
        "'a while'; write it as '2 days', '12 hours' or '1.5 weeks'",
        "dir/r.md:10: text 'Stray paragraph.' is not understood; not imported",
        "dir/r.md:12: a table is not part of a roadmap; not imported",
        "dir/r.md:13: a code block is not part of a roadmap; not imported",
        "dir/r.md:16: heading '#### Deep heading' is not understood; not imported",
        "dir/r.md:17: note line 'Weird: note' is not understood; not imported "
        "(known: Tools, Core Practice, Practical Application, Estimated Module Time, "
        "Total Estimated Time)",
        "dir/r.md:18: section 'Empty section' has no topics; not imported as a module",
    ]


def test_a_negative_estimate_is_named_as_such() -> None:
    r = imp(HEAD + "- T - Est. Time: -2 days\n- U - Est. Time: − 1.5 hours\n")
    t, u = r.roadmap.topics()
    assert (t.estimate, t.qualifier, u.estimate) == (None, "-2 days", None)
    assert messages(r) == [
        "road.md:9: topic 'T' imported without an estimate: the estimate '-2 days' is "
        "negative; write it as '2 days', '12 hours' or '1.5 weeks'",
        "road.md:10: topic 'U' imported without an estimate: the estimate '− 1.5 hours' is "
        "negative; write it as '2 days', '12 hours' or '1.5 weeks'",
    ]


def test_a_range_is_read_as_its_upper_bound_with_a_warning() -> None:
    r = imp(HEAD + "- T - Est. Time: 2-3 days\n")
    assert only_topic(r).estimate == Effort(3, "days")
    assert messages(r) == [
        "road.md:9: topic 'T': the estimate '2-3 days' is a range; imported as 3 days"
    ]


def test_list_items_before_topics_heading_are_reported() -> None:
    r = imp("# R\n## Module 1: A\n- Goal: g\n- Prereq: x\n### Topics\n- T - Est. Time: 1 day\n")
    assert messages(r) == [
        "road.md:4: list item 'Prereq: x' before '### Topics' is not understood "
        "(only '- Goal: ...' is read there); not imported"
    ]


def test_without_topics_heading_bullets_after_goal_are_topics() -> None:
    r = imp("# R\n## Module 1: A\n- Goal: g\n- T - Est. Time: 1 day\n")
    assert [t.title for t in r.roadmap.topics()] == ["T"]
    assert r.roadmap.modules[0].goal == "g"


def test_topics_without_modules_go_into_one_module_named_after_the_roadmap() -> None:
    r = imp("# Learn Go\n- Syntax - Est. Time: 1 day\n- Tooling - Est. Time: 2 days\n")
    (m,) = r.roadmap.modules
    assert (m.title, [t.title for t in m.topics]) == ("Learn Go", ["Syntax", "Tooling"])
    assert len(r.warnings) == 1


def test_no_title_falls_back_to_the_file_name() -> None:
    r = imp("## Module 1: A\n- T - Est. Time: 1 day\n", "go-basics.md")
    assert r.roadmap.title == "go-basics"
    assert messages(r) == [
        "go-basics.md:1: no '# Title' line; the roadmap is titled 'go-basics' (edit it in the YAML)"
    ]


@pytest.mark.parametrize("md", ["just text\n", "# Title only\n", "# T\n## Module 1: A\n"])
def test_nothing_usable_raises(md: str) -> None:
    with pytest.raises(MarkdownImportError) as info:
        import_markdown(md, "x.md")
    assert str(info.value) == (
        "x.md:1: no roadmap found; write a '# Title' line, '## Module 1: Title' headings "
        "and topic list items such as '- Topic - Est. Time: 2 days'"
    )


@pytest.mark.parametrize("md", ["", "\n\n", " \t\r\n", "\ufeff"])
def test_an_empty_file_is_one_line_and_no_warnings(md: str) -> None:
    with pytest.raises(MarkdownImportError) as info:
        import_markdown(md, "x.md")
    assert str(info.value) == (
        "x.md:1: the file is empty; write a '# Title' line, '## Module 1: Title' headings "
        "and topic list items such as '- Topic - Est. Time: 2 days'"
    )
    assert info.value.warnings == ()


def test_html_comments_and_rules_are_ignored() -> None:
    r = imp(HEAD + "<!-- a comment\nover lines -->\n---\n- T - Est. Time: 1 day\n")
    assert only_topic(r).title == "T" and r.warnings == ()


# -- YAML that round-trips --------------------------------------------------------------

TRICKY = [
    "yes",
    "No",
    "null",
    "~",
    "123",
    "1.5",
    "0x1F",
    "2024-01-01",
    ".inf",
    "- dash",
    "#hash",
    "a: b",
    "a #b",
    "ends:",
    "@at",
    "%pct",
    "!bang",
    "&anchor",
    "*alias",
    "{brace}",
    "[Optional]",
    "[a, b]",
    "'single'",
    '"double"',
    "|pipe",
    ">fold",
    "?q",
    "`tick`",
    "= eq",
    "<< merge",
    "tab\there",
    "nbsp\u00a0x",
    "line\u2028sep",
    "Ünïcödé 日本語",
    "back\\slash",
]


@pytest.mark.parametrize("title", TRICKY)
def test_tricky_titles_survive_dump_and_load(title: str) -> None:
    roadmap = parse_roadmap(
        yaml.safe_dump(
            {
                "id": "r",
                "title": title,
                "modules": [
                    {
                        "id": "m",
                        "title": title,
                        "tools": [title],
                        "goal": title,
                        "stated_estimate": {"weeks": 1, "text": title, "qualifier": title},
                        "topics": [
                            {
                                "id": "t",
                                "title": title,
                                "qualifier": title,
                                "link": title,
                                "subtopics": [{"id": "s", "title": title, "link": title}, "Plain"],
                                "note": title,
                            },
                            {"id": "u", "title": "U", "subtopics": [title]},
                        ],
                    }
                ],
            },
            allow_unicode=True,
        )
    )
    assert parse_roadmap(dump_roadmap(roadmap)) == roadmap


def test_the_parsers_private_marks_in_the_input_are_replaced_and_reported() -> None:
    r = imp("# R \U000f1000\n## Module 1: A\n- T \U000f0028 - Est. Time: 1 day\n")
    assert r.roadmap.title == "R \ufffd"
    assert only_topic(r).title == "T \ufffd"
    assert [w.line for w in r.warnings] == [1, 3]


def test_figures_too_large_to_count_are_reported_not_a_crash() -> None:
    huge = "9" * 400
    r = imp(
        f"# R\n## Module 1: A\n- T - Est. Time: {huge} days\n- U - Est. Time: 1 day\n"
        f"> Estimated Module Time: ~{huge} weeks (approx. {huge} hours)\n"
    )
    t, _u = r.roadmap.topics()
    assert t.estimate is None
    assert r.roadmap.modules[0].stated == StatedEstimate(
        text=f"~{huge} weeks (approx. {huge} hours)"
    )
    assert [(w.line, w.message[:40]) for w in r.warnings] == [
        (3, "topic 'T' imported without an estimate: "),
        (5, "Estimated Module Time of 'A': the estima"),
    ]


def test_a_second_goal_and_empty_or_unknown_note_lines_are_reported() -> None:
    r = imp(
        "# R\n## Module 1: A\n- Goal: g\n- Goal: more\n### Topics\n- T - Est. Time: 1 day\n"
        "> [!TIP]\n> Tools: X\n> Prerequisites: Y\n> Core Practice:\n"
    )
    (m,) = r.roadmap.modules
    assert (m.goal, m.tools, m.core_practice) == ("g", ("X Prerequisites: Y",), None)
    assert messages(r) == [
        "road.md:4: a second 'Goal:' in this module (the first is on line 3); "
        "not imported: join them into one",
        "road.md:9: note line 'Prerequisites: Y' is not a known note (Tools, Core Practice, "
        "Practical Application, Estimated Module Time, Total Estimated Time); "
        "read as more of 'Tools'",
        "road.md:10: 'Core Practice' has no value; not imported",
    ]


def test_a_notes_continuation_lines_are_not_reported() -> None:
    r = imp(
        "# R\n## Module 1: A\n- T - Est. Time: 1 day\n"
        "> Core Practice: Clean code\n> and tests: every day, e.g. TDD\n"
    )
    assert r.roadmap.modules[0].core_practice == "Clean code and tests: every day, e.g. TDD"
    assert r.warnings == ()


def test_lines_inside_paragraphs_quotes_and_items_are_reported_where_they_are() -> None:
    r = imp(
        HEAD + "- T\n  (A) - Est. Time: a while\n\nStray one\nstray two\n\n"
        "> [!NOTE]\n>\n> Odd: x\n> Tools: X\n> Tools: Y\n"
    )
    assert only_topic(r).subtopics[0].title == "A"
    assert [w.line for w in r.warnings] == [9, 12, 13, 17, 19]
    assert r.warnings[0].message.startswith("topic 'T' imported without an estimate")
    assert r.warnings[2].message == "text 'stray two' is not understood; not imported"
    assert r.warnings[3].message.startswith("note line 'Odd: x' is not understood")
    assert r.warnings[4].message == "'Tools' appears twice in this note; kept the first"
    assert r.roadmap.modules[0].tools == ("X",)


def test_control_characters_are_left_out_and_reported_by_line() -> None:
    text = (
        "# Road\x1b]52;c;aGVsbG8=\x07map\n\n## Module 1: Basics\n\n"
        "- Topic \x1b[2J one\n  - sub \x9b31m red\r\n  - tab\tstays\n"
    )
    result = import_markdown(text, "r.md")
    notes = [str(w) for w in result.warnings if "control" in w.message]
    assert notes == [
        "r.md:1: control characters U+001B (ESC), U+0007 (BEL) left out: "
        "terminal control codes are never imported",
        "r.md:5: control character U+001B (ESC) left out: terminal control codes are never imported",
        "r.md:6: control character U+009B (CSI) left out: terminal control codes are never imported",
    ]
    assert result.roadmap.title == "Road]52;c;aGVsbG8=map"
    titles = [i.title for i in result.roadmap.items()]
    assert "Topic [2J one" in titles and "sub 31m red" in titles
    assert not any(c in result.yaml for c in "\x1b\x07\x9b")


def test_bidi_controls_are_left_out_as_control_characters() -> None:
    """A right-to-left override would make the roadmap written refuse to load (and could
    reorder a terminal line): left out with a note, as ESC is."""
    text = "# Road\u202emap\n\n## Module 1: Basics\n\n- Topic \u2067one\u2069\n"
    result = import_markdown(text, "r.md")
    notes = [str(w) for w in result.warnings if "control" in w.message]
    assert notes == [
        "r.md:1: control character U+202E (RLO) left out: terminal control codes are never "
        "imported",
        "r.md:5: control characters U+2067 (RLI), U+2069 (PDI) left out: terminal control "
        "codes are never imported",
    ]
    assert result.roadmap.title == "Roadmap"
    assert "Topic one" in [i.title for i in result.roadmap.items()]
    assert not any(c in result.yaml for c in "\u202e\u2067\u2069")
