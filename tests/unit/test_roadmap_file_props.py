"""Property: no roadmap file, however broken, gets anything but one-line located messages.

Broken files are made from the bundled roadmap by the edits people make by mistake:
a line dropped, doubled or re-indented, a fragment of YAML or text typed into a line.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.roadmap import Roadmap
from planner.roadmap_file import RoadmapError, parse_roadmap

SEED = (Path(__file__).resolve().parents[2] / "roadmap.yaml").read_text(encoding="utf-8")
LINES = SEED.splitlines()

FRAGMENTS = st.sampled_from(
    [
        "", " ", "  ", "\t", "-", "- ", ":", ": ", "#", "!", "!!python/object:os.system ", "&a ",
        "*a", "[", "]", "{", "}", ",", "'", '"', "|", ">", "?", "%", "@", "`", "~", "null",
        "yes", "0", "-1", "0x10", ".inf", "1e400", "2", "2 days", "0 days", "-3 hours",
        "estimat", "title", "id", "topics", "subtopics", "weeks", "number", "\x00", "\x1b",
        "\ufeff", "é", "日本", "\r", "---", "...",
    ]
)  # fmt: skip
LOCATED = re.compile(r"^r\.yaml:(\d+):(\d+): [^\n]+; [^\n]+$")


@st.composite
def broken(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["drop", "double", "indent", "dedent", "insert", "type"]))
        if edit == "drop":
            del lines[i]
        elif edit == "double":
            lines.insert(i, lines[i])
        elif edit == "indent":
            lines[i] = draw(st.sampled_from([" ", "  ", "\t"])) + lines[i]
        elif edit == "dedent":
            lines[i] = lines[i][draw(st.integers(1, 4)) :]
        elif edit == "insert":
            lines.insert(i, draw(FRAGMENTS) + draw(FRAGMENTS))
        else:
            at = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:at] + draw(FRAGMENTS) + lines[i][at:]
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(broken())
def test_a_broken_roadmap_is_a_list_of_located_one_line_messages(text: str) -> None:
    try:
        roadmap = parse_roadmap(text, "r.yaml")
    except RoadmapError as exc:
        assert exc.problems
        count = len(re.split(r"\r\n|\r|\n", text))
        for problem in exc.problems:
            assert LOCATED.match(str(problem)), str(problem)
            assert 1 <= problem.line <= count and problem.column >= 1
        return
    assert isinstance(roadmap, Roadmap)
