"""``--roadmap FILE`` and ``PLANNER_ROADMAP`` reach every command, and progress stays
separate per roadmap.

The parse-level tests walk every registered subcommand, so a command added later is
covered without editing this file; the behaviour tests run each known command against
an imported roadmap and a broken one (commands not registered yet are skipped).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from planner import locations
from planner.cli import Context, build_parser, main
from planner.md_import import import_markdown

ALT_MD = """# Zebra Roadmap
## Module 1: Zebra Module
- Goal: Prove that the option is honoured.
### Topics
- Zebra Topic (Stripes, Hooves) - Est. Time: 2 days
- Second Zebra Topic - Est. Time: 3 hours
"""

INVOCATIONS: dict[str, list[str]] = {
    "validate": [],
    "status": [],
    "done": ["zebra-topic"],
    "start": ["zebra-topic"],
    "skip": ["zebra-topic"],
    "todo": ["zebra-topic"],
    "log": ["zebra-topic", "1"],
    "plan": [],
    "export": ["-o", "-"],
}
"""Each command that reads the roadmap, with arguments valid only for the alt roadmap."""

NO_ROADMAP = {"import"}
"""Commands that make a roadmap instead of reading one."""


@pytest.fixture
def alt(tmp_path: Path) -> Path:
    path = tmp_path / "zebra.yaml"
    path.write_text(import_markdown(ALT_MD, "zebra.md").yaml, encoding="utf-8")
    return path


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text("title: Broken\nmodules: nope\n", encoding="utf-8")
    return path


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("no subcommands")


def _placeholders(sub: argparse.ArgumentParser) -> list[str]:
    """Values for a subcommand's required positionals, so that it parses."""
    out: list[str] = []
    for action in sub._actions:
        if action.option_strings or action.nargs in ("?", "*"):
            continue
        out += ["x"] * (action.nargs if isinstance(action.nargs, int) else 1)
    return out


def _registered(command: str) -> None:
    assert command in _subcommands(), f"'planner {command}' is not registered"


# -- parsing: every subcommand ----------------------------------------------------------


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_command_takes_roadmap_before_or_after_it(command: str, tmp_path: Path) -> None:
    sub = _subcommands()[command]
    args = _placeholders(sub)
    parser = build_parser()
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    after = parser.parse_args([command, *args, "--roadmap", str(a)])
    before = parser.parse_args(["--roadmap", str(a), command, *args])
    both = parser.parse_args(["--roadmap", str(a), command, "--roadmap", str(b), *args])
    assert Context(after).roadmap_path == a
    assert Context(before).roadmap_path == a
    assert Context(both).roadmap_path == b  # the later one wins


@pytest.mark.parametrize("command", sorted(_subcommands()))
def test_every_command_takes_planner_roadmap_from_the_environment(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sub = _subcommands()[command]
    parser = build_parser()
    env, option = tmp_path / "env.yaml", tmp_path / "option.yaml"
    monkeypatch.setenv(locations.ENV_ROADMAP, str(env))
    args = [command, *_placeholders(sub)]
    assert Context(parser.parse_args(args)).roadmap_path == env
    assert Context(parser.parse_args([*args, "--roadmap", str(option)])).roadmap_path == option
    monkeypatch.setenv(locations.ENV_ROADMAP, "  ")
    assert Context(parser.parse_args(args)).roadmap_path == locations.bundled_roadmap()


def test_roadmap_path_expands_the_home_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert locations.roadmap_path("~/r.yaml") == tmp_path / "r.yaml"
    monkeypatch.setenv(locations.ENV_ROADMAP, "~/e.yaml")
    assert locations.roadmap_path() == tmp_path / "e.yaml"


# -- behaviour: each command really loads the roadmap it was given ----------------------


@pytest.mark.parametrize("command", sorted(INVOCATIONS))
@pytest.mark.parametrize("how", ["option", "env"])
def test_each_command_reports_a_broken_roadmap_it_was_given(
    command: str,
    how: str,
    broken: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _registered(command)
    monkeypatch.chdir(tmp_path)
    argv = [command, *INVOCATIONS[command]]
    if how == "option":
        argv += ["--roadmap", str(broken)]
    else:
        monkeypatch.setenv(locations.ENV_ROADMAP, str(broken))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{broken}:2:"), err
    assert "Traceback" not in err


@pytest.mark.parametrize("command", sorted(INVOCATIONS))
def test_each_command_works_on_an_imported_roadmap(
    command: str,
    alt: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The arguments name topics that only the alt roadmap has: success proves it was read."""
    _registered(command)
    monkeypatch.chdir(tmp_path)
    assert main([command, *INVOCATIONS[command], "--roadmap", str(alt)]) == 0, capsys.readouterr()
    out = capsys.readouterr().out
    if command in ("validate", "status", "plan", "export"):
        assert "Zebra" in out


def test_the_bundled_roadmap_does_not_have_the_alt_topics(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The counterpart of the test above: without --roadmap the same id is unknown."""
    _registered("done")
    assert main(["done", "zebra-topic"]) == 2
    assert "zebra-topic" in capsys.readouterr().err


def test_progress_stays_separate_per_roadmap(alt: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _registered("done")
    bundled_progress = locations.progress_path("backend-roadmap")
    alt_progress = locations.progress_path("zebra")
    assert bundled_progress != alt_progress
    assert main(["done", "zebra-topic", "--roadmap", str(alt)]) == 0
    assert alt_progress.exists()
    assert not bundled_progress.exists()
    assert main(["done", "django-deep-dive"]) == 0
    assert bundled_progress.exists()
    assert "zebra-topic" in alt_progress.read_text()
    assert "zebra-topic" not in bundled_progress.read_text()
    assert "django-deep-dive" not in alt_progress.read_text()


def test_the_app_opens_the_roadmap_it_was_given(
    alt: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``planner --roadmap FILE`` with no command: the app gets that roadmap and its path."""
    import planner.tui.app as tui_app

    seen: dict[str, object] = {}

    class FakeApp:
        return_code = 0

        def __init__(self, roadmap: object, **kwargs: object) -> None:
            seen["roadmap"] = roadmap
            seen.update(kwargs)

        def run(self) -> None:
            seen["ran"] = True

    monkeypatch.setattr(tui_app, "PlannerApp", FakeApp)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert main(["--roadmap", str(alt)]) == 0
    assert seen["ran"] is True
    assert seen["roadmap_path"] == alt
    assert getattr(seen["roadmap"], "id", None) == "zebra"


def test_the_app_reports_a_broken_roadmap_in_one_line(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv(locations.ENV_ROADMAP, str(broken))
    assert main([]) == 2
    assert capsys.readouterr().err.startswith(f"{broken}:2:")


def test_a_missing_roadmap_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["validate", "--roadmap", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"{missing}: no such file; check the path or pass --roadmap FILE\n"
    )


def test_main_leaves_the_garbage_collector_as_it_found_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import gc

    assert gc.isenabled()
    assert main(["validate"]) == 0
    assert gc.isenabled()
    gc.disable()
    try:
        assert main(["validate"]) == 0
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert main(["--roadmap", "/nowhere/roadmap.yaml", "status"]) == 2  # an error, too
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("argv", "opens"),
    [
        ([], True),
        (["--roadmap", "r.yaml"], True),
        (["--roadmap=r.yaml", "--progress", "p.yaml", "--settings=s.yaml"], True),
        (["--roadmap"], True),  # argparse then says the value is missing
        (["status"], False),
        (["--roadmap", "r.yaml", "plan"], False),
        (["--help"], False),
        (["-h"], False),
        (["--road", "r.yaml"], False),  # an abbreviation: the full parser knows it
        (["--roadmap", "r.yaml", "--bogus"], False),
    ],
)
def test_only_file_options_open_the_app_without_the_commands_parser(
    argv: list[str], opens: bool
) -> None:
    from planner.cli import _opens_app

    assert _opens_app(argv) is opens


def test_the_app_path_parses_the_file_options_as_the_full_parser(tmp_path: Path) -> None:
    from planner.cli import _app_parser

    argv = ["--roadmap", "r.yaml", "--progress=p.yaml", "--settings", "s.yaml"]
    assert vars(_app_parser().parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_the_app_path_reports_a_missing_value_in_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--roadmap"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "planner: error: argument --roadmap: expected one argument" in err
    assert "Traceback" not in err


def test_help_still_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(command in out for command in ("validate", "status", "plan", "export", "import"))
