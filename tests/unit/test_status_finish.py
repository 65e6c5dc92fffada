"""`planner status`'s Finish and Pace lines and their JSON: the plan `planner plan` makes
(tracks included), a plan that cannot be made, all done, the baseline only read, busy
calendars never read."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner import locations
from planner.cli import main
from planner.roadmap import Roadmap

TRACKS = """\
tracks:
  - {title: Portfolio project, hours: 3, from: web-frameworks-apis}
  - {title: DSA practice, hours: 1, from: data-structures-algorithms, days: [sat, sun]}
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def settings(text: str) -> Path:
    path = locations.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("timezone: UTC\n" + text, encoding="utf-8")
    return path


def status_tail(out: str) -> list[str]:
    """The lines after the Total's."""
    lines = out.splitlines()
    total = next(i for i, line in enumerate(lines) if line.split()[:1] == ["Total"])
    return lines[total + 1 :]


def plan_finish(capsys: pytest.CaptureFixture[str]) -> date:
    code, out, _ = run(capsys, "plan", "--json")
    assert code == 0
    return date.fromisoformat(json.loads(out)["finish"])


def weeks_to(finish: date) -> int:
    today = datetime.now(ZoneInfo("UTC")).date()
    return (finish - today).days // 7 + 1


def test_finish_line_is_plans_finish(capsys: pytest.CaptureFixture[str], seed: Roadmap) -> None:
    settings("")
    code, out, err = run(capsys, "status")
    assert code == 0 and err == ""
    finish = plan_finish(capsys)
    weeks = weeks_to(finish)
    assert status_tail(out) == [
        f"Finish: {finish:%a %Y-%m-%d} (in {weeks} weeks) at 11.5 h a week",
    ]
    code, out, _ = run(capsys, "status", "--json")
    data = json.loads(out)
    assert code == 0 and data["finish"] == finish.isoformat()
    assert data["weekly_hours"] == 11.5 and data["plan_problem"] is None
    assert "tracks" not in data and "busy_counted" not in data


def test_tracks_move_the_finish_and_say_what_they_take(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    settings("")
    without = plan_finish(capsys)
    settings(TRACKS)
    finish = plan_finish(capsys)
    assert finish > without  # the tracks take part of the week
    code, out, _ = run(capsys, "status")
    assert code == 0
    *finish_line, pace = status_tail(out)  # planner plan kept a baseline: the pace
    assert pace.startswith("Pace:   on track against the plan kept on ")
    line = " ".join(part.strip() for part in finish_line)  # wrapped at 80 columns
    assert line == (
        f"Finish: {finish:%a %Y-%m-%d} (in {weeks_to(finish)} weeks) at 11.5 h a week, "
        "4 h of it on tracks while they run (planner plan for the sessions)"
    )
    assert max(len(x) for x in out.splitlines() if "/" not in x) <= 80
    _, out, _ = run(capsys, "status", "--json")
    data = json.loads(out)
    assert data["finish"] == finish.isoformat()
    assert data["tracks"] == [
        {"title": "Portfolio project", "hours": 3.0},
        {"title": "DSA practice", "hours": 1.0},
    ]
    assert data["track_hours"] == 4.0


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "hours: {mon: 0, tue: 0, wed: 0, thu: 0, fri: 0, sat: 0, sun: 0}\n",
            "no study time: every weekday has 0 study hours while work remains",
        ),
        (
            "tracks:\n  - {title: Project, hours: 30}\n",
            "tracks: 'Project' asks 30 h a week, but its days have 11.5 h",
        ),
    ],
    ids=["no-hours", "track-too-big"],
)
def test_a_plan_that_cannot_be_made_is_the_lines_reason(
    capsys: pytest.CaptureFixture[str], seed: Roadmap, text: str, reason: str
) -> None:
    settings(text)
    code, out, err = run(capsys, "status")
    assert code == 0 and err == ""
    assert out.splitlines()[0] == seed.title and "   Total" in out  # the table as ever
    line = " ".join(part.strip() for part in status_tail(out))
    assert line.startswith(f"Finish: no plan can be made: {reason}")
    code, out, _ = run(capsys, "status", "--json")
    data = json.loads(out)
    assert code == 0 and data["finish"] is None and data["plan_problem"].startswith(reason)


def test_all_done_says_so(capsys: pytest.CaptureFixture[str], seed: Roadmap) -> None:
    settings("tracks:\n  - {title: Project, hours: 3, from: no-such-topic}\n")
    assert main(["done", *(m.id for m in seed.modules)]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "status")
    assert code == 0
    assert status_tail(out) == ["All done: every topic is done or skipped."]
    _, out, _ = run(capsys, "status", "--json")
    data = json.loads(out)
    assert data["finish"] is None and data["plan_problem"] is None and data["pace"] is None


def test_status_only_reads_the_baseline_plan_keeps_it(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    settings("")
    baseline = locations.baseline_path(seed.id)
    for argv in (["status"], ["status", "--json"], ["status", "-v"]):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and "Pace" not in out and '"pace": null' in run_json(capsys)
    assert not baseline.exists() and not locations.data_dir().exists()
    assert main(["plan"]) == 0  # keeps the first plan as the baseline
    capsys.readouterr()
    assert baseline.exists()
    kept = baseline.read_bytes()
    _, out, _ = run(capsys, "status")
    today = datetime.now(ZoneInfo("UTC")).date()
    since = f"{today:%a} {today.day} {today:%b %Y}"
    assert status_tail(out)[-1] == f"Pace:   on track against the plan kept on {since}"
    assert main(["done", "foundations-revisited"]) == 0
    capsys.readouterr()
    _, out, _ = run(capsys, "status")
    assert status_tail(out)[-1].startswith("Pace:   ahead by ")
    data = json.loads(run_json(capsys))
    assert data["pace"]["state"] == "ahead" and data["pace"]["since"] == today.isoformat()
    assert data["pace"]["hours"] > 0
    assert baseline.read_bytes() == kept


def run_json(capsys: pytest.CaptureFixture[str]) -> str:
    code, out, _ = run(capsys, "status", "--json")
    assert code == 0
    return out


@pytest.fixture
def silent_port() -> Iterator[socket.socket]:
    """A local port that listens and never answers: a fetch would connect, then wait."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.setblocking(False)
    try:
        yield server
    finally:
        server.close()


def test_busy_calendars_are_not_read(
    capsys: pytest.CaptureFixture[str], seed: Roadmap, silent_port: socket.socket
) -> None:
    port = silent_port.getsockname()[1]
    settings(f"busy:\n  - http://127.0.0.1:{port}/busy.ics\n  - mine.ics\n")
    start = time.perf_counter()
    code, out, err = run(capsys, "status")
    assert time.perf_counter() - start < 5  # a fetch would wait for its timeout
    assert code == 0 and err == ""
    line = " ".join(part.strip() for part in status_tail(out))
    assert line.endswith("; busy calendars not counted (planner plan counts them)")
    code, out, err = run(capsys, "status", "--json")
    assert code == 0 and err == "" and json.loads(out)["busy_counted"] is False
    with pytest.raises(BlockingIOError):  # nobody knocked
        silent_port.accept()
    assert not locations.cache_dir().exists()


def test_status_imports_no_calendar_library(tmp_path: Path) -> None:
    """With busy calendars and tracks set, status loads neither the calendar readers nor
    the network."""
    path = tmp_path / "settings.yaml"
    path.write_text(TRACKS + "busy:\n  - http://127.0.0.1:9/busy.ics\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from planner.cli import main\n"
        f"assert main(['--settings', {str(path)!r}, 'status']) == 0\n"
        "heavy = ('icalendar', 'recurring_ical_events', 'x_wr_timezone', 'urllib.request',\n"
        "         'planner.busy', 'textual')\n"
        "print('MODS', ','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "MODS"
    assert "Finish:" in out.stdout
