"""``planner import FILE.md [-o FILE|-] [--force] [--id ID]``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from planner.cli import main
from planner.roadmap_file import load_roadmap

REPO = Path(__file__).resolve().parents[2]
SEED_MD = REPO / "tests" / "data" / "backend-roadmap.md"

SMALL = "# Go\n## Module 1: Basics\n- Syntax (Types, Loops) - Est. Time: 1 day\n- Tooling\n"


@pytest.fixture
def md(tmp_path: Path) -> Path:
    path = tmp_path / "go-basics.md"
    path.write_text(SMALL, encoding="utf-8")
    return path


def test_default_output_is_the_input_name_with_yaml(
    md: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(md)]) == 0
    out = md.with_suffix(".yaml")
    roadmap = load_roadmap(out)
    assert roadmap.id == "go-basics"
    assert [t.title for t in roadmap.topics()] == ["Syntax", "Tooling"]
    cap = capsys.readouterr()
    assert cap.out.splitlines() == [
        f"wrote {out} (roadmap id 'go-basics'): 1 modules, 2 topics, 2 subtopics, "
        "1 without an estimate; 1 warnings above",
        f"open it with: planner --roadmap {out}",
    ]
    assert cap.err.splitlines() == [
        f"{md}:4: topic 'Tooling' has no estimate; imported without one "
        "(planned at the default hours until you add one)"
    ]


def test_the_seed_imports_to_the_bundled_roadmap(tmp_path: Path) -> None:
    src = tmp_path / "backend-roadmap.md"
    src.write_bytes(SEED_MD.read_bytes())
    assert main(["import", str(src)]) == 0
    assert load_roadmap(src.with_suffix(".yaml")) == load_roadmap(REPO / "roadmap.yaml")


def test_refuses_to_overwrite_without_force(md: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = md.with_suffix(".yaml")
    out.write_text("mine\n")
    assert main(["import", str(md)]) == 2
    err = capsys.readouterr().err
    assert err == f"planner: {out} already exists; pass --force to overwrite it, or -o FILE\n"
    assert out.read_text() == "mine\n"
    assert main(["import", str(md), "--force"]) == 0
    assert load_roadmap(out).title == "Go"


def test_dash_o_dash_writes_stdout_and_no_file(
    md: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(md), "-o", "-"]) == 0
    cap = capsys.readouterr()
    assert cap.out.startswith("# Imported from go-basics.md by planner import.\n")
    assert "id: go-basics\n" in cap.out
    assert "imported" in cap.err.splitlines()[-1]
    assert not md.with_suffix(".yaml").exists()


def test_output_option_and_id_option(md: Path, tmp_path: Path) -> None:
    out = tmp_path / "sub" / "x.yaml"
    (tmp_path / "sub").mkdir()
    assert main(["import", str(md), "-o", str(out), "--id", "my-go"]) == 0
    assert load_roadmap(out).id == "my-go"


def test_stdin_input_goes_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SMALL))
    assert main(["import", "-"]) == 0
    out = capsys.readouterr().out
    assert "id: go\n" in out and "title: Go\n" in out


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("missing", "planner: {src}: no such file\n"),
        (
            "folder",
            "planner: {src}: is a folder, not a regular file; give the path of a Markdown file\n",
        ),
        (
            "latin1",
            "{src}:1: the file is not UTF-8 (byte 0xe9); save it as UTF-8 and try again\n",
        ),
        (
            "same",
            "planner: {src}: the output would replace the input; choose another with -o FILE\n",
        ),
        (
            "no-folder",
            "planner: {parent}/nowhere: no such folder; create it or choose another -o FILE\n",
        ),
    ],
)
def test_mistakes_are_one_line_exit_2(
    setup: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "r.md"
    extra: list[str] = []
    if setup == "folder":
        src.mkdir()
    elif setup == "latin1":
        src.write_bytes("# Caf\xe9\n".encode("latin-1"))
    elif setup == "same":
        src = tmp_path / "r.yaml"
        src.write_text(SMALL)
    elif setup == "no-folder":
        src.write_text(SMALL)
        extra = ["-o", str(tmp_path / "nowhere" / "x.yaml")]
    assert main(["import", str(src), *extra]) == 2
    cap = capsys.readouterr()
    assert cap.err == expected.format(src=src, parent=tmp_path)
    assert cap.out == ""


def test_nothing_usable_lists_what_was_read_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "notes.md"
    src.write_text("# Notes\n\n## Ideas\n\nSome text.\n")
    assert main(["import", str(src)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{src}:3: section 'Ideas' has no topics; not imported as a module",
        f"{src}:5: text 'Some text.' is not understood; not imported",
        f"{src}:1: no roadmap found; write a '# Title' line, '## Module 1: Title' headings "
        "and topic list items such as '- Topic - Est. Time: 2 days'",
    ]
    assert not src.with_suffix(".yaml").exists()
