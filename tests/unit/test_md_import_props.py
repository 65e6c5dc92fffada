"""Properties of the Markdown importer: titles survive import and load unchanged.

What "survive" means (documented in planner/md_import.py):

1. Plain titles: any printable text with no space at either end and none of the
   characters Markdown uses for inline structure here - backslash (escapes), backtick
   (code spans), '*' (bold), '(' and ')' (subtopic groups and link targets) - comes
   out exactly, as the roadmap title, a module title, a topic title and a subtopic
   title. Brackets, '#', '&', quotes, '<', '>', '|', '_', ':' and Unicode are included.
   Excluded by assumption: a trailing ' #' (a heading's closing sequence), a leading
   task box '[ ] '/'[x] ', an 'Est. Time:'-like marker (the estimate's syntax), and a
   title of only dashes and spaces ('- --' is a horizontal rule in Markdown).
2. Escaped titles: ANY printable text without space at its ends, written with every
   ASCII punctuation character backslash-escaped (as a Markdown writer would), comes
   out exactly: escaping is how a title keeps characters Markdown would otherwise read.
"""

from __future__ import annotations

import re
import string

import yaml
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from planner.md_import import _EST_MARK_RE, _LEAD_IN_RE, import_markdown
from planner.roadmap_file import _plain_ok, _scalar, parse_roadmap

STRUCTURAL = set("\\`*()")

printable = st.characters(
    blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"),
    blacklist_characters="",
) | st.just(" ")


def _ok(t: str) -> bool:
    return bool(t) and t == t.strip() and t.isprintable()


plain_titles = st.text(
    printable.filter(lambda c: c not in STRUCTURAL), min_size=1, max_size=40
).filter(_ok)
any_titles = st.text(printable, min_size=1, max_size=40).filter(_ok)


def escape(text: str) -> str:
    return "".join("\\" + c if c in string.punctuation else c for c in text)


def _document(roadmap: str, module: str, topic: str, sub: str) -> str:
    return (
        f"# {roadmap}\n\n## Module 1: {module}\n\n- Goal: learn.\n\n### Topics\n\n"
        f"- {topic} (First sub) - Est. Time: 2 days\n  - {sub}\n"
    )


def _check(md: str, title: str) -> None:
    result = import_markdown(md, "road.md")
    loaded = parse_roadmap(result.yaml, "road.yaml")
    assert loaded == result.roadmap
    (module,) = loaded.modules
    (topic,) = module.topics
    assert loaded.title == title
    assert module.title == title
    assert topic.title == title
    assert [s.title for s in topic.subtopics] == ["First sub", title]
    assert topic.estimate is not None and topic.estimate.value == 2


@settings(max_examples=100, deadline=None)
@given(plain_titles)
def test_plain_titles_survive_import_and_load(title: str) -> None:
    assume(not re.search(r"(^|\s)#+$", title))
    assume(not re.match(r"\[[ xX]\]\s", title))
    assume(not _EST_MARK_RE.search(title))
    assume(not re.fullmatch(r"[-\s]+", title))
    _check(_document(title, title, title, title), title)


@settings(max_examples=100, deadline=None)
@given(any_titles)
def test_escaped_titles_of_any_printable_text_survive(title: str) -> None:
    e = escape(title)
    _check(_document(e, e, e, e), title)


@settings(max_examples=50, deadline=None)
@given(plain_titles)
def test_plain_titles_survive_as_parenthesized_subtopics(title: str) -> None:
    assume(not any(c in title for c in ",;"))
    assume(not re.match(r"\[[ xX]\]\s", title))
    assume(not _EST_MARK_RE.match(title))
    assume(not _LEAD_IN_RE.match(title))  # "Label: item": the label is the topic's note
    md = f"# R\n## Module 1: M\n- Topic ({title}, Other) - Est. Time: 1 day\n"
    (topic,) = import_markdown(md, "r.md").roadmap.topics()
    assert [s.title for s in topic.subtopics] == [title, "Other"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_scalars_load_back_as_written(text: str) -> None:
    assume(text == text.strip() and text)
    assert yaml.safe_load(f"k: {_scalar(text)}") == {"k": text}
    assert yaml.safe_load(f"k: [{_scalar(text, flow=True)}]") == {"k": [text]}
    if _plain_ok(text, flow=True):
        assert yaml.safe_load(f"{{k: {text}}}") == {"k": text}


FRAGMENTS = st.sampled_from(
    [
        "# ",
        "## Module 1: ",
        "## ",
        "### Topics",
        "### ",
        "- ",
        "  - ",
        "\t- ",
        "      - ",
        "1. ",
        "> [!NOTE]",
        "> Tools: ",
        "> Estimated Module Time: ",
        "> Total Estimated Time: ",
        "> ",
        "- Goal: ",
        "```",
        "<!-- ",
        "---",
        "",
        " - Est. Time: ",
        " (Est. Time: ",
        "(",
        ")",
        ", ",
        "; ",
        "[x](y)",
        "**",
        "`",
        "\\",
        "2 days",
        "1.5 weeks",
        "0 hours",
        "~3 Weeks (approx. 120 hours)",
    ]
)
lines = st.lists(st.lists(FRAGMENTS | st.text(max_size=8), max_size=4).map("".join), max_size=25)


@settings(max_examples=150, deadline=None)
@given(lines, st.sampled_from(["\n", "\r\n"]))
def test_any_markdown_imports_or_says_nothing_usable(doc: list[str], newline: str) -> None:
    from planner.md_import import MarkdownImportError

    text = newline.join(doc)
    try:
        result = import_markdown(text, "fuzz.md")
    except MarkdownImportError as exc:
        blank = not text.lstrip("\ufeff").strip()
        assert str(exc).startswith(
            "fuzz.md:1: the file is empty" if blank else "fuzz.md:1: no roadmap found"
        )
        return
    # import_markdown itself checks that the YAML loads back equal; check it once more
    assert parse_roadmap(result.yaml, "fuzz.yaml") == result.roadmap
    count = len(re.split(r"\r\n|\r|\n", text))
    for warning in result.warnings:
        assert str(warning).startswith("fuzz.md:")
        assert 1 <= warning.line <= count
