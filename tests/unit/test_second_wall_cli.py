"""The second wall on the command line: text that got past the loader with escape
sequences in it (OSC 52, window title, clear screen, 8-bit CSI, BEL) is printed as
harmless visible characters by every command that shows titles, notes or ids."""

from __future__ import annotations

import pytest
from tainted import PAYLOAD, leaks, tainted

from planner import roadmap_file as loader
from planner.cli import main
from planner.roadmap import Roadmap


@pytest.fixture
def leaky(monkeypatch: pytest.MonkeyPatch, seed: Roadmap) -> Roadmap:
    """Every load gives the seed with the payload in each title and note."""
    bad = tainted(seed)
    monkeypatch.setattr(loader, "load_roadmap", lambda path: bad)
    return bad


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize(
    ("argv", "shows_titles"),
    [
        (["validate"], True),
        (["validate", "some.yaml"], True),
        (["status"], True),
        (["status", "-v"], True),
        (["done", "django-deep-dive"], True),
        (["start", "docker", "django-deep-dive/forms"], True),
        (["skip", "fastapi-introduction/testing"], True),
        (["todo", "django-deep-dive"], False),  # "already todo": the title is cut short
        (["log", "django-deep-dive", "1h"], False),
        (["done", "django"], True),  # refused: the candidates' titles are listed
        (["done", "djang0 deep"], True),  # refused: near misses listed
        (["plan"], True),
        (["plan", "--until", "2030-01-01"], False),
        (["plan", "--json"], False),
        (["status", "--json"], False),
        (["export", "-o", "-"], False),
    ],
)
def test_no_command_prints_a_control_character(
    capsys: pytest.CaptureFixture[str], leaky: Roadmap, argv: list[str], shows_titles: bool
) -> None:
    _, output = run(capsys, *argv)
    assert leaks(output) == []
    if shows_titles:  # what was there is shown, not dropped: each escape as a picture
        assert "␛]52;c;aGVsbG8=␇" in output


def test_status_shows_the_titles_harmlessly(
    capsys: pytest.CaptureFixture[str], leaky: Roadmap
) -> None:
    code, output = run(capsys, "status")
    assert code == 0
    first = output.splitlines()[0]
    assert first == leaky.title.replace(PAYLOAD, "␛]52;c;aGVsbG8=␇␛]0;pwned␇␛[2J␛31m␇")


def test_ids_from_the_progress_file_are_shown_harmlessly(
    capsys: pytest.CaptureFixture[str], seed: Roadmap, tmp_path: object
) -> None:
    from planner import locations

    path = locations.progress_path(seed.id)
    path.parent.mkdir(parents=True)
    path.write_text('version: 1\nitems:\n  "gone\\e[2J\\a": done\n', encoding="utf-8")
    for argv in (["status", "-v"], ["validate"]):
        code, output = run(capsys, *argv)
        assert code == 0 and leaks(output) == [], output
        assert "gone␛[2J␇" in output


def test_a_name_typed_with_escapes_is_echoed_harmlessly(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    code, output = run(capsys, "done", f"nothing{PAYLOAD}")
    assert code == 2 and leaks(output) == [] and "no item matches" in output


def test_status_json_escapes_control_characters_and_keeps_the_text(
    capsys: pytest.CaptureFixture[str], leaky: Roadmap
) -> None:
    import json

    code, output = run(capsys, "status", "--json")
    assert code == 0 and leaks(output) == []
    data = json.loads(output)
    assert data["roadmap"]["title"] == leaky.title  # the same text, only escaped
    assert data["modules"][0]["title"] == leaky.modules[0].title


@pytest.mark.parametrize(
    "argv", [["history"], ["history", "django-deep-dive"], ["undo", "--list"], ["undo"]]
)
def test_the_history_shows_titles_harmlessly(
    capsys: pytest.CaptureFixture[str], leaky: Roadmap, argv: list[str]
) -> None:
    assert main(["done", "django-deep-dive"]) == 0
    capsys.readouterr()
    code, output = run(capsys, *argv)
    assert code == 0 and leaks(output) == [], output
    assert "␛]52;c;aGVsbG8=␇" in output


def test_the_history_shows_what_the_progress_file_says_harmlessly(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    from planner import locations

    path = locations.progress_path(seed.id)
    path.parent.mkdir(parents=True)
    path.write_text(
        "version: 1\nitems:\n  django-deep-dive: {state: done}\nhistory:\n"
        '- {"id": "1a\\u001b[2J", "at": "2026-12-03T16:59:39+00:00", "source": '
        '"cli:\\u001b]0;pwned\\u0007", "kind": "state", "to": "done", '
        '"target": ["django-deep-dive", "gone\\u001b]52;c;aGVsbG8=\\u0007"], '
        '"items": {"django-deep-dive": [null, "done"]}}\n',
        encoding="utf-8",
    )
    for argv in (["history"], ["undo", "--list"]):
        code, output = run(capsys, *argv)
        assert code == 0 and leaks(output) == [], output
        assert "cli:␛]0;pwned␇" in output and "gone␛]52;c;aGVsbG8=␇" in output


def test_history_json_escapes_8_bit_control_characters(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    import json

    from planner import locations

    path = locations.progress_path(seed.id)
    path.parent.mkdir(parents=True)
    path.write_text(
        "version: 1\nitems:\n  django-deep-dive: {state: done}\nhistory:\n"
        '- {"id": "1a", "at": "2026-12-03T16:59:39+00:00", "source": "cli:\\u009b2J", '
        '"kind": "state", "to": "done", "target": ["django-deep-dive"], '
        '"items": {"django-deep-dive": [null, "done"]}}\n',
        encoding="utf-8",
    )
    code, output = run(capsys, "history", "--json")
    assert code == 0 and leaks(output) == [], output
    assert json.loads(output)[0]["source"] == "cli:\x9b2J"  # the same text, only escaped
