"""Every defect in a roadmap file is one FILE:LINE:COL line with a fix; never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planner.roadmap_file import RoadmapError, load_roadmap, parse_roadmap

REPO = Path(__file__).resolve().parents[2]

GOOD = """\
title: T
modules:
  - title: M
    topics:
      - title: A
        estimate: 2 days
"""


def problems(text: str) -> list[str]:
    with pytest.raises(RoadmapError) as info:
        parse_roadmap(text, "r.yaml")
    return [str(p) for p in info.value.problems]


def test_minimal_roadmap_gets_ids_from_titles() -> None:
    r = parse_roadmap(GOOD)
    assert r.id == "t" and r.modules[0].id == "m" and r.modules[0].topics[0].id == "a"
    assert r.modules[0].topics[0].hours() == 16


M = "modules:\n  - title: M\n    topics:\n      - title: A\n"

DEFECTS: list[tuple[str, str, str]] = [
    (
        "yaml syntax",
        "title: [unclosed\n",
        "r.yaml:2:1: YAML syntax error: did not find expected ',' or ']'; "
        "check indentation and quoting",
    ),
    (
        "missing title",
        "modules:\n  - title: M\n    topics: [{title: A}]\n",
        "r.yaml:1:1: the roadmap has no title; add 'title: My Roadmap' at the top",
    ),
    (
        "unknown key",
        GOOD.replace("estimate:", "estimat:"),
        "r.yaml:6:9: unknown key 'estimat' in topic 'A'; did you mean 'estimate'?",
    ),
    (
        "misspelled title is one defect",
        GOOD.replace("title: T", "titel: T"),
        "r.yaml:1:1: unknown key 'titel' in the roadmap; did you mean 'title'?",
    ),
    (
        "misspelled topics is one defect",
        GOOD.replace("    topics:", "    topcs:"),
        "r.yaml:4:5: unknown key 'topcs' in module 'M'; did you mean 'topics'?",
    ),
    (
        "misspelled modules is one defect",
        GOOD.replace("modules:", "modles:"),
        "r.yaml:2:1: unknown key 'modles' in the roadmap; did you mean 'modules'?",
    ),
    (
        "unparseable estimate",
        GOOD.replace("2 days", "two days"),
        "r.yaml:6:19: topic 'A': cannot read estimate 'two days'; write a number and a unit, "
        "such as '2 days', '12 hours' or '1.5 weeks'",
    ),
    (
        "zero estimate",
        GOOD.replace("2 days", "0 days"),
        "r.yaml:6:19: topic 'A': estimate '0 days' must be more than zero; write a figure "
        "such as '2 days', or remove the estimate to leave the topic unestimated",
    ),
    (
        "negative estimate",
        GOOD.replace("2 days", "-1 days"),
        "r.yaml:6:19: topic 'A': estimate '-1 days' must be more than zero; write a figure "
        "such as '2 days', or remove the estimate to leave the topic unestimated",
    ),
    (
        "estimate without unit",
        GOOD.replace("2 days", "2"),
        "r.yaml:6:19: estimate '2' of topic 'A' has no unit; write '2 days' or '2 hours'",
    ),
    (
        "duplicate id",
        GOOD + "      - title: A\n",
        "r.yaml:7:9: duplicate id 'a' for topic 'A' (first used on line 5); give it another 'id:'",
    ),
    (
        "a string where a list belongs",
        "title: T\nmodules: Module one\n",
        "r.yaml:2:10: 'modules' of the roadmap must be a list; found the text 'Module one'; "
        "write 'modules:' followed by '- title: ...' items",
    ),
    (
        "a mapping where a list belongs",
        GOOD + "        subtopics: {a: b}\n",
        "r.yaml:7:20: 'subtopics' of topic 'A' must be a list; found a mapping; "
        "write 'subtopics:' followed by '- Title' items",
    ),
    (
        "a list where text belongs",
        GOOD.replace("title: T", "title: [T]"),
        "r.yaml:1:8: 'title' of the roadmap must be text; found a list; "
        "write the text on the same line, after 'title: '",
    ),
    (
        "module with no topics",
        "title: T\nmodules:\n  - title: M\n",
        "r.yaml:3:5: module 'M' has no topics; add 'topics:' with at least one '- title: ...'",
    ),
    (
        "module with an empty topic list",
        "title: T\nmodules:\n  - title: M\n    topics: []\n",
        "r.yaml:4:13: module 'M' has no topics; add 'topics:' with at least one '- title: ...'",
    ),
    (
        "python tag",
        "!!python/object:os.system\ntitle: T\n",
        "r.yaml:1:1: tag '!!python/object:os.system' is not allowed: a roadmap is plain YAML; "
        "remove the tag and write the value as text",
    ),
    (
        "local tag",
        "title: !shout T\n" + M,
        "r.yaml:1:8: tag '!shout' is not allowed: a roadmap is plain YAML; "
        "remove the tag and write the value as text",
    ),
    ("empty", "", "r.yaml:1:1: the file is empty; a roadmap needs 'title:' and 'modules:'"),
    (
        "only a comment",
        "# only a comment\n",
        "r.yaml:1:1: the file is empty; a roadmap needs 'title:' and 'modules:'",
    ),
    (
        "a list at the top",
        "- a\n- b\n",
        "r.yaml:1:1: the roadmap must be a mapping of keys to values; found a list; "
        "write 'title: My Roadmap' and 'modules:' lines",
    ),
    (
        "tab indentation",
        "title: T\nmodules:\n\t- title: M\n",
        "r.yaml:3:1: YAML syntax error: found character that cannot start any token; "
        "YAML indents with spaces only; replace the tab with spaces",
    ),
    (
        "control character",
        "title: T\nmodules:\n  - title: M\x00\n",
        "r.yaml:3:13: control character U+0000 is not allowed in a YAML file; remove it",
    ),
    (
        "a second document",
        GOOD + "---\ntitle: U\n",
        "r.yaml:7:1: YAML syntax error: but found another document; a roadmap is one YAML "
        "document; remove the '---' line and what follows it",
    ),
    (
        "infinite stated figure",
        "title: T\nstated_estimate: {weeks: .inf}\n" + M,
        "r.yaml:2:26: 'weeks' of the stated estimate of the roadmap must be a finite number; "
        "got .inf; write a figure such as 5, or remove the line",
    ),
    (
        "stated figure as words",
        "title: T\nstated_estimate: {weeks: five}\n" + M,
        "r.yaml:2:26: 'weeks' of the stated estimate of the roadmap must be a number; "
        "found the text 'five'; write a figure such as 5",
    ),
    (
        "negative module number",
        GOOD.replace("  - title: M\n", "  - title: M\n    number: -1\n"),
        "r.yaml:4:13: 'number' of module 'M' must be a whole number, 0 or more; found the "
        "text '-1'; write 'number: 1', or remove the line to number it by position",
    ),
    (
        "slash in an id",
        GOOD.replace("      - title: A\n", "      - title: A\n        id: a/b\n"),
        "r.yaml:6:13: id 'a/b' of topic 'A' must not contain '/'; write 'a-b'",
    ),
    (
        "windows line endings",
        GOOD.replace("estimate:", "estimat:").replace("\n", "\r\n"),
        "r.yaml:6:9: unknown key 'estimat' in topic 'A'; did you mean 'estimate'?",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=n) for n, t, e in DEFECTS])
def test_each_defect_is_one_line_located_and_explained(text: str, expected: str) -> None:
    assert problems(text) == [expected]


@pytest.mark.parametrize("number", ["0x10", "020", "1_6", "16", "16.0", "1.6e+1"], ids=str)
def test_yaml_number_forms_are_read_not_a_traceback(number: str) -> None:
    text = f"title: T\nstated_estimate: {{weeks: {number}, hours: {number}}}\n" + M
    stated = parse_roadmap(text).stated
    assert stated is not None and stated.weeks == stated.hours == 16
    module = GOOD.replace("  - title: M\n", f"  - title: M\n    number: {number}\n")
    if "." not in number and "e" not in number:
        assert parse_roadmap(module).modules[0].number == 16


def test_all_defects_reported_in_one_pass() -> None:
    text = GOOD.replace("estimate:", "estimat:") + "  - title: N\n"
    assert len(problems(text)) == 2


def test_python_tag_constructs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"title: !!python/object/apply:os.system ['touch {marker}']\nmodules: []\n"
    problems(text)
    assert not marker.exists()


def test_file_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(b"title: caf\xe9\n")
    with pytest.raises(RoadmapError) as info:
        load_roadmap(path)
    assert (
        str(info.value)
        == f"{path}:1:11: the file is not UTF-8 (byte 0xe9); save it as UTF-8 and try again"
    )


def test_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert load_roadmap(path).title == "T"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(RoadmapError, match="no such file"):
        load_roadmap(tmp_path / "nope.yaml")


def test_topic_without_estimate_is_kept_and_flagged() -> None:
    r = parse_roadmap(GOOD.replace("        estimate: 2 days\n", ""))
    topic = r.modules[0].topics[0]
    assert not topic.estimated
    assert topic.hours(unestimated_hours=5) == 5


def test_markup_like_titles_are_plain_text() -> None:
    r = parse_roadmap(GOOD.replace("title: A", "title: '[bold]x[/bold]'"))
    assert r.modules[0].topics[0].title == "[bold]x[/bold]"


@pytest.mark.parametrize(
    "text",
    ["title: [unclosed\n", "", GOOD.replace("estimate:", "estimat:"), "!!python/object:x {}\n"],
)
def test_validate_command_exits_2_without_traceback(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "planner", "validate", str(path)], capture_output=True, text=True
    )
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith(f"{path}:")


def test_validate_seed_shows_both_figures() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "planner", "validate"], capture_output=True, text=True, check=True
    )
    assert "5 modules, 28 topics" in out.stdout
    assert "35 d   280 h   ~5 weeks   200 h  +80 h" in out.stdout
    assert "118 d   944 h  ~17 weeks   680 h  +264 h" in out.stdout
    assert "module 2 Web Frameworks & APIs states ~5 weeks" in out.stdout
    assert "Plans are built from the topic estimates" in out.stdout


def test_an_aliased_node_is_checked_once() -> None:
    """An alias is its anchor's node: one defect, one line (and nested aliases, a
    "billion laughs", cost the file's size, not their expansion)."""
    text = "title: T\nx: &a !shout v\ny: [*a, *a, *a]\n" + M
    tag_problems = [p for p in problems(text) if "tag '!shout'" in p]
    assert tag_problems == [
        "r.yaml:2:4: tag '!shout' is not allowed: a roadmap is plain YAML; "
        "remove the tag and write the value as text"
    ]


def test_validate_counts_at_the_settings_hours(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """hours_per_day and unestimated_hours are the user's: validate uses them as plan does."""
    from planner.cli import main

    settings = tmp_path / "settings.yaml"
    settings.write_text("hours_per_day: 6\nunestimated_hours: 3\n", encoding="utf-8")
    road = tmp_path / "r.yaml"
    road.write_text(GOOD + "      - title: B\n", encoding="utf-8")
    assert main(["validate", str(road), "--settings", str(settings)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[3:5] == [
        "  topic estimates: 15 h = 2.5 d at 6 h per study day",
        "  1 topic has no estimate (counted at 3 h each, 'unestimated_hours' in the settings): b",
    ]
    assert main(["validate", "--settings", str(settings)]) == 0
    assert "  topic estimates: 708 h = 118 d at 6 h per study day" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (
            "    id: m/x\n",
            "r.yaml:4:9: id 'm/x' of module 'M' must not contain '/'; write 'm-x'",
        ),
        (
            "        subtopics: [{id: a/b, title: B}]\n",
            "r.yaml:7:26: id 'a/b' of subtopic 1 of topic 'A' must not contain '/'; write 'a-b'",
        ),
    ],
)
def test_no_id_has_a_slash_but_a_subtopics_own(where: str, expected: str) -> None:
    """'topic/sub' is how a subtopic's id is made: another id with a '/' could clash."""
    text = (
        GOOD.replace("    topics:\n", where + "    topics:\n")
        if "    id" in where
        else GOOD + where
    )
    assert problems(text) == [expected]


SCALARS = [
    "", "~", "null", "Null", "NULL", "yes", "No", "on", "OFF", "y", "n", "true", "False",
    "0", "-3", "+7", "0x1F", "0o17", "017", "0b101", "1_000", "1:30", "190:20:30",
    "1.5", "-.5", "1e3", "1.0e+3", ".inf", "-.Inf", ".NaN", "2024-01-01",
    "2001-12-14t21:59:43.10-05:00", "<<", "=", "2 days", "Testing", "Tools & more",
    "'quoted'", '"double"', "a: b", "!!str 5", "! 5", "[a, 1, yes]", "{k: 1.5, n: ~}",
]  # fmt: skip


def test_the_fast_composer_resolves_every_tag_as_yaml_does() -> None:
    import yaml

    from planner import roadmap_file

    def tags(node: yaml.Node) -> list[tuple[str, object]]:
        if isinstance(node, yaml.ScalarNode):
            return [(node.tag, node.value)]
        if isinstance(node, yaml.SequenceNode):
            return [(node.tag, None)] + [t for n in node.value for t in tags(n)]
        return [(node.tag, None)] + [t for k, v in node.value for t in tags(k) + tags(v)]

    scalars = "\n".join(f"- {s}" for s in SCALARS) + "\n"
    seed = (REPO / "roadmap.yaml").read_text(encoding="utf-8")
    for text, kinds in ((scalars, 10), (seed, 4)):  # str int float bool null merge value ...
        ours = tags(yaml.compose(text, Loader=roadmap_file._Loader))
        assert ours == tags(yaml.compose(text, Loader=yaml.SafeLoader))
        assert len({tag for tag, _ in ours}) == kinds


def test_a_markdown_roadmap_is_pointed_to_import(tmp_path: Path) -> None:
    path = tmp_path / "road.md"
    path.write_text("# Road\n\n## Module 1: A\n\n- T - Est. Time: 1 day\n", encoding="utf-8")
    with pytest.raises(RoadmapError) as info:
        load_roadmap(path)
    assert str(info.value) == (
        f"{path}: this is Markdown, not a roadmap file; convert it with "
        f"'planner import {path}' and open the .yaml file it writes"
    )


def test_a_topics_note_is_read_written_and_must_be_text() -> None:
    from planner.roadmap_file import dump_roadmap

    noted = GOOD.replace("        estimate:", "        note: 'Lead: in'\n        estimate:")
    r = parse_roadmap(noted)
    assert r.modules[0].topics[0].note == "Lead: in"
    text = dump_roadmap(r)
    assert '        note: "Lead: in"\n' in text
    assert parse_roadmap(text) == r
    assert parse_roadmap(GOOD).modules[0].topics[0].note is None
    assert problems(GOOD.replace("        estimate:", "        note: [a]\n        estimate:")) == [
        "r.yaml:6:15: 'note' of topic 'A' must be text; found a list; "
        "write the text on the same line, after 'note: '"
    ]


# -- control characters: refused in any text, where the file writes them ------------------

OSC52 = r"\e]52;c;aGVsbG8=\a"

CONTROLS: list[tuple[str, str, str]] = [
    (
        "OSC 52 in the roadmap's title",
        f'title: "Road{OSC52}"\n' + M,
        "r.yaml:1:13: 'title' of the roadmap holds the control character U+001B (ESC); remove it",
    ),
    (
        "clear screen in a topic title",
        'title: T\nmodules:\n  - title: M\n    topics:\n      - title: "A \\x1b[2J"\n',
        "r.yaml:5:19: 'title' of topic 'A ␛[2J' holds the control character U+001B (ESC); "
        "remove it",
    ),
    (
        "BEL in an inline subtopic",
        "title: T\nmodules:\n  - title: M\n    topics:\n      - title: A\n"
        '        subtopics: [ok, "ding \\a"]\n',
        "r.yaml:6:31: the title of subtopic 2 of topic 'A' holds the control character "
        "U+0007 (BEL); remove it",
    ),
    (
        "8-bit CSI in a module's goal",
        'title: T\nmodules:\n  - title: M\n    goal: "red \\x9b31m"\n    topics:\n'
        "      - title: A\n",
        "r.yaml:4:16: 'goal' of module 'M' holds the control character U+009B (CSI); remove it",
    ),
    (
        "a line break in a title",
        "title: |\n  one\n  two\n" + M,
        "r.yaml:2:6: 'title' of the roadmap holds the control character U+000A (newline); "
        "only notes may hold line breaks; remove it",
    ),
    (
        "DEL in a link",
        'title: T\nmodules:\n  - title: M\n    topics:\n      - title: A\n        link: "x\\x7f"\n',
        "r.yaml:6:17: 'link' of topic 'A' holds the control character U+007F (DEL); remove it",
    ),
    (
        "ESC in a tool",
        'title: T\nmodules:\n  - title: M\n    tools: [git, "\\e[1mbold"]\n    topics:\n'
        "      - title: A\n",
        "r.yaml:4:19: tool 2 of module 'M' holds the control character U+001B (ESC); remove it",
    ),
    (
        "a carriage return in a note",
        'title: T\ndescription: "over\\rwrite"\n' + M,
        "r.yaml:2:19: 'description' of the roadmap holds the control character U+000D (CR); "
        "remove it",
    ),
    (
        "a right-to-left override in a topic title, as itself",
        "title: T\nmodules:\n  - title: M\n    topics:\n      - title: evil\u202eexe.txt\n",
        "r.yaml:5:20: 'title' of topic 'evil⇄exe.txt' holds the control character U+202E (RLO); "
        "remove it",
    ),
    (
        "a right-to-left isolate in a topic title, as an escape",
        'title: T\nmodules:\n  - title: M\n    topics:\n      - title: "a \\u2067b"\n',
        "r.yaml:5:19: 'title' of topic 'a ⇄b' holds the control character U+2067 (RLI); remove it",
    ),
    (
        "a left-to-right override in a note that may hold line breaks",
        "title: T\ndescription: |\n  one\n  two \u202dthree\n" + M,
        "r.yaml:4:7: 'description' of the roadmap holds the control character U+202D (LRO); "
        "remove it",
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in CONTROLS], ids=[c[0] for c in CONTROLS]
)
def test_control_characters_are_refused_where_written(text: str, expected: str) -> None:
    found = problems(text)
    assert found == [expected]


def test_tabs_are_kept_and_notes_keep_their_line_breaks() -> None:
    roadmap = parse_roadmap(
        'title: T\ndescription: "one\\n\\ttwo"\nmodules:\n  - title: M\n'
        '    goal: |\n      first line\n      \tsecond\n    topics:\n      - title: "A\\tB"\n'
    )
    assert roadmap.modules[0].topics[0].title == "A\tB"
    assert roadmap.description == "one\n\ttwo"
    assert roadmap.modules[0].goal == "first line\n\tsecond"


def test_validate_prints_no_control_character(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(f'title: "Road{OSC52}"\n' + M.replace("A\n", '"\\x1b[2J\\x07"\n'))
    run = subprocess.run(
        [sys.executable, "-m", "planner", "validate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2 and run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"{path}:") for line in lines)
    assert "U+001B (ESC)" in lines[0] and "U+001B (ESC)" in lines[1]
    assert not any(c in run.stderr for c in "\x1b\x07\x9b")
