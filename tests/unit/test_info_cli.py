"""``planner --version``, ``planner where`` and ``planner completion``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

import planner
from planner import locations
from planner.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_version_is_the_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"planner {planner.__version__} (distribution roadmap-planner, ")
    assert version("roadmap-planner") == planner.__version__


def _where(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, dict[str, object]]:
    assert main(["where", "--json", *args]) == 0
    data: dict[str, dict[str, object]] = json.loads(capsys.readouterr().out)
    return data


def test_where_says_where_each_path_comes_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    monkeypatch.setenv(locations.ENV_DATA_DIR, str(data_dir))
    monkeypatch.setenv(locations.ENV_SETTINGS, str(tmp_path / "s.yaml"))
    monkeypatch.delenv(locations.ENV_CACHE_DIR, raising=False)
    got = _where(capsys)
    assert got["roadmap"] == {
        "path": str(locations.bundled_roadmap()),
        "source": "default",
        "name": "the bundled roadmap",
        "exists": True,
    }
    # the default progress file: inside the data folder the environment moved, named
    # after the roadmap's id
    assert got["progress"]["path"] == str(data_dir / "progress" / "backend-roadmap.yaml")
    assert got["progress"]["source"] == "environment"
    assert got["progress"]["name"] == locations.ENV_DATA_DIR
    assert got["progress"]["exists"] is False
    assert got["settings"] == {
        "path": str(tmp_path / "s.yaml"),
        "source": "environment",
        "name": locations.ENV_SETTINGS,
        "exists": False,
    }
    assert got["data"]["path"] == str(data_dir) and got["data"]["source"] == "environment"
    assert got["cache"]["source"] == "default"
    assert got["cache"]["name"] == "the platform's cache folder"

    # options win over the environment
    got = _where(capsys, "--settings", str(tmp_path / "o.yaml"), "--progress", "p.yaml")
    assert got["settings"]["path"] == str(tmp_path / "o.yaml")
    assert got["settings"]["source"] == "option" and got["settings"]["name"] == "--settings"
    assert got["progress"] == {
        "path": "p.yaml",
        "source": "option",
        "name": "--progress",
        "exists": False,
    }


def test_where_without_any_override_shows_the_platform_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in (locations.ENV_DATA_DIR, locations.ENV_CONFIG_DIR, locations.ENV_CACHE_DIR):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    assert main(["where"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == [
        "roadmap",
        "progress",
        "settings",
        "data",
        "config",
        "cache",
    ]
    settings = locations.config_dir() / "settings.yaml"
    origin = "(default: in the platform's config folder, not there yet)"
    assert lines[2] == f"settings  {settings}  {origin}"
    assert str(tmp_path) in lines[3] and "(default: the platform's data folder" in lines[3]
    assert not (tmp_path / ".local").exists()  # where creates nothing


def test_where_with_an_unreadable_roadmap_still_shows_every_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.yaml"
    assert main(["where", "--roadmap", str(missing)]) == 2
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0] == f"roadmap   {missing}  (option --roadmap, not there yet)"
    assert lines[1].startswith("progress  ") and "ROADMAP-ID.yaml" in lines[1]
    assert len(lines) == 6
    assert err.startswith(f"{missing}:") and err.count("\n") == 1


def test_completion_bash_completes_commands_and_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    assert main(["completion", "bash"]) == 0
    script = tmp_path / "planner.bash"
    script.write_text(capsys.readouterr().out, encoding="utf-8")
    (tmp_path / "my-roadmap.yaml").write_text("", encoding="utf-8")

    def complete(*words: str) -> list[str]:
        line = " ".join(("planner", *words))
        code = (
            f"source {script}\n"
            f"COMP_WORDS=(planner {' '.join(words)}); COMP_CWORD={len(words)}\n"
            f"COMP_LINE='{line}'; COMP_POINT={len(line)}\n"
            "_shtab_planner planner\n"
            'printf "%s\\n" "${COMPREPLY[@]}"\n'
        )
        run = subprocess.run(
            [bash, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
        )
        return run.stdout.split()

    assert complete("wh") == ["where"]
    assert {"completion", "done", "export", "status", "where"} <= set(complete(""))
    assert "--all-day" in complete("export", "--al")
    assert complete("status", "--roadmap", "my-r") == ["my-roadmap.yaml"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_completion_for_zsh_and_fish(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert "where" in script and "--roadmap" in script
    program = shutil.which(shell)
    if program is not None:  # the shell reads it without a syntax error
        check = [program, "-n"] if shell == "zsh" else [program, "--no-execute"]
        subprocess.run([*check], input=script, text=True, check=True)


def test_completion_of_another_shell_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "tcsh"]) == 2
    err = capsys.readouterr().err
    assert err == "planner: no completion for 'tcsh'; give one of bash, zsh, fish\n"


def test_completion_and_zone_lookup_stay_off_the_start_up_path() -> None:
    code = (
        "import sys\n"
        "from planner.cli import main\n"
        "main(['status'])\n"
        "print('MODS', ','.join(m for m in sys.modules if m.split('.')[0] in "
        "('shtab', 'tzlocal')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "MODS"
