"""The domain imports no Textual and reads no clock; icalendar and caldav stay off the start-up
path."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[2] / "planner"
DOMAIN = [
    "atomic",
    "busy",
    "errors",
    "calendar_out",
    "export_flow",
    "history",
    "locations",
    "md_import",
    "plan_flow",
    "progress",
    "roadmap",
    "roadmap_file",
    "schedule",
    "schedule_busy",
    "settings",
    "textutil",
    "sync/engine",
    "schedule_fast",
    "sync/status",
]


def _domain_files() -> list[Path]:
    return [PKG / f"{name}.py" for name in DOMAIN if (PKG / f"{name}.py").exists()]


@pytest.mark.parametrize("path", _domain_files(), ids=lambda p: p.stem)
def test_domain_module_imports_no_textual(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert not name.startswith(("textual", "rich", "planner.tui", "planner.cli")), (
                f"{path.name} imports {name}"
            )


CLOCK_CALLS = {"now", "today", "utcnow", "time", "monotonic", "perf_counter"}


@pytest.mark.parametrize("path", _domain_files(), ids=lambda p: p.stem)
def test_domain_module_reads_no_clock(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if owner_name in {"date", "datetime", "time"} and node.func.attr in CLOCK_CALLS:
                pytest.fail(
                    f"{path.name}:{node.lineno} reads the clock ({owner_name}.{node.func.attr})"
                )


def test_importing_the_domain_loads_no_textual() -> None:
    mods = ", ".join(f"planner.{m.replace('/', '.')}" for m in DOMAIN if (PKG / f"{m}.py").exists())
    code = (
        f"import sys, importlib\n"
        f"for m in '{mods}'.split(', '): importlib.import_module(m)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'icalendar', 'caldav')]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_cli_start_up_does_not_import_icalendar_or_textual() -> None:
    code = (
        "import sys\n"
        "from planner.cli import main\n"
        "main(['validate'])\n"
        "print('MODS', ','.join(m for m in sys.modules if m.split('.')[0] in ('textual', 'icalendar', 'caldav')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "MODS"


def test_the_app_start_up_imports_no_command_machinery() -> None:
    """Plain ``planner`` opens the app without argparse or the commands' modules, and
    with file options only without the commands' modules (start-up time, issue 6)."""
    code = (
        "import sys\n"
        "import planner.cli.app as app\n"
        "def run_app(ctx):\n"
        "    print('ROADMAP', ctx.roadmap_path.name)\n"
        "    print('MODS', ','.join(sorted(m for m in sys.modules\n"
        "        if m == 'argparse' or m.startswith(('planner.cli.', 'icalendar', 'caldav', 'textual')))))\n"
        "    return 0\n"
        "app.run_app = run_app\n"
        "from planner.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    plain = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert plain.stdout.splitlines() == ["ROADMAP roadmap.yaml", "MODS planner.cli.app"]
    with_file = subprocess.run(
        [sys.executable, "-c", code, "--roadmap", "other.yaml"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert with_file.stdout.splitlines() == ["ROADMAP other.yaml", "MODS argparse,planner.cli.app"]


def test_markdown_it_loads_only_for_planner_import() -> None:
    """The Markdown parser is the importer's alone: neither the app's start-up nor another
    command loads it."""
    code = (
        "import sys\n"
        "import planner.cli.app as app\n"
        "app.run_app = lambda ctx: 0\n"
        "from planner.cli import main\n"
        "main([])\n"
        "main(['validate'])\n"
        "print('MODS', ','.join(m for m in sys.modules if m.split('.')[0] == 'markdown_it'))\n"
        "import planner.md_import\n"
        "print('MODS', ','.join(m for m in sys.modules if m == 'markdown_it'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    mods = [line.strip() for line in out.stdout.splitlines() if line.startswith("MODS")]
    assert mods == ["MODS", "MODS markdown_it"]


def test_busy_calendar_libraries_stay_off_the_start_up_path() -> None:
    """icalendar, recurring-ical-events, x-wr-timezone and urllib.request are imported
    only when busy calendars are read (in the app: in a worker), never at start-up."""
    code = (
        "import sys\n"
        "import planner.tui.app, planner.tui.widgets.agenda, planner.tui.widgets.month_calendar\n"
        "import planner.schedule, planner.schedule_busy, planner.busy, planner.cli.planning\n"
        "heavy = ('icalendar', 'recurring_ical_events', 'x_wr_timezone', 'urllib.request')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
