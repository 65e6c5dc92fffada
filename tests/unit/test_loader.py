"""Every defect in a roadmap file is one FILE:LINE:COL line with a fix; never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from planner.loader import RoadmapError, load_roadmap, parse_roadmap

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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: [unclosed\n", "r.yaml:2:1: YAML syntax error"),
        (
            "modules:\n  - title: M\n    topics: [{title: A}]\n",
            "r.yaml:1:1: the roadmap has no title",
        ),
        (
            GOOD.replace("estimate:", "estimat:"),
            "r.yaml:6:9: unknown key 'estimat' in topic 'A'; did you mean 'estimate'?",
        ),
        (GOOD.replace("2 days", "two days"), "r.yaml:6:19: cannot read estimate 'two days'"),
        (GOOD.replace("2 days", "0 days"), "r.yaml:6:19: estimate '0 days' must be more than zero"),
        (GOOD.replace("2 days", "-1 days"), "r.yaml:6:19: cannot read estimate '-1 days'"),
        (GOOD.replace("2 days", "2"), "r.yaml:6:19: estimate '2' of topic 'A' has no unit"),
        (
            GOOD + "      - title: A\n",
            "r.yaml:7:9: duplicate id 'a' for topic 'A' (first used on line 5)",
        ),
        (
            "title: T\nmodules: Module one\n",
            "r.yaml:2:10: 'modules' of the roadmap must be a list; found the text 'Module one'",
        ),
        ("title: T\nmodules:\n  - title: M\n", "r.yaml:3:5: module 'M' has no topics"),
        (
            "title: T\nmodules:\n  - title: M\n    topics: []\n",
            "r.yaml:4:13: module 'M' has no topics",
        ),
        (
            "!!python/object:os.system\ntitle: T\n",
            "r.yaml:1:1: tag 'tag:yaml.org,2002:python/object:os.system' is not allowed",
        ),
        ("", "r.yaml:1:1: the file is empty"),
        ("# only a comment\n", "r.yaml:1:1: the file is empty"),
        ("- a\n- b\n", "r.yaml:1:1: the roadmap must be a mapping"),
        (
            GOOD + "        subtopics: {a: b}\n",
            "r.yaml:7:20: 'subtopics' of topic 'A' must be a list; found a mapping",
        ),
    ],
)
def test_each_defect_is_located_and_explained(text: str, expected: str) -> None:
    found = problems(text)
    assert any(p.startswith(expected) for p in found), found


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
