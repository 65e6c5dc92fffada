"""`planner busy`, `planner plan --busy` and the settings' busy: list (issue 13)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from planner.cli import main

DATA = Path(__file__).resolve().parents[1] / "data" / "busy"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def settings(tmp_path: Path) -> Path:
    folder = tmp_path / "conf"
    folder.mkdir()
    shutil.copy(DATA / "google.ics", folder / "me.ics")
    path = folder / "settings.yaml"
    path.write_text("timezone: Europe/Berlin\nbusy:\n  - me.ics\n  - sync\n", encoding="utf-8")
    return path


def test_busy_lists_what_it_read(capsys: pytest.CaptureFixture[str], settings: Path) -> None:
    code, out, err = run(
        capsys, "busy", "--settings", str(settings), "--today", "2027-01-18", "--weeks", "1"
    )
    assert code == 0
    assert (
        err == "planner: warning: busy: 'sync' is not available until sync is configured; skipped\n"
    )
    assert out.splitlines()[1:] == [
        "  Mon 2027-01-18  19:00-20:00",
        "  Tue 2027-01-19  19:00-22:30",
        "  Wed 2027-01-20  19:00-20:00",
        "  Thu 2027-01-21  all day, to Fri 01-22",
        "  4 busy times, 53.5 h",
    ]
    assert out.splitlines()[0].startswith(
        "Busy times from Mon 2027-01-18 for 1 weeks, Europe/Berlin"
    )
    code, out, _ = run(
        capsys,
        "busy",
        "--settings",
        str(settings),
        "--today",
        "2027-01-18",
        "--weeks",
        "1",
        "--json",
    )
    data = json.loads(out)
    assert data[0] == {"start": "2027-01-18T19:00:00+01:00", "end": "2027-01-18T20:00:00+01:00"}


def test_plan_with_a_settings_calendar_keeps_clear_and_reports_lost_hours(
    capsys: pytest.CaptureFixture[str], settings: Path
) -> None:
    code, out, _ = run(capsys, "plan", "--settings", str(settings), "--today", "2027-01-11")
    assert code == 0
    assert "  Tue 01-12  21:00-22:30" in out
    assert "  3 h lost to busy times" in out
    assert "  week of 18 Jan: 3 h lost to busy times" in out
    assert "Hours remaining:  944 h" in out


def test_plan_busy_option_adds_a_calendar(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text("timezone: Europe/Berlin\n", encoding="utf-8")
    base = ["plan", "--settings", str(plain), "--today", "2027-01-11", "--json"]
    _, without, _ = run(capsys, *base)
    assert "busy_lost" not in json.loads(without)
    code, with_busy, err = run(capsys, *base, "--busy", str(DATA / "google.ics"))
    assert code == 0 and err == ""
    first = json.loads(with_busy)["sessions"][0]
    assert first["start"] == "2027-01-11T20:00:00+01:00"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a calendar\n", "bad.ics:1: not an iCalendar file"),
        (b"BEGIN:VCALENDAR\n\xff\n", "bad.ics:2: not UTF-8 text"),
    ],
)
def test_a_bad_calendar_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.ics"
    bad.write_bytes(content)
    code, out, err = run(capsys, "plan", "--today", "2027-01-11", "--busy", str(bad))
    assert code == 2 and out == ""
    assert err.startswith(f"planner: {tmp_path / message}") and err.count("\n") == 1


def test_a_missing_calendar_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "plan", "--busy", str(tmp_path / "nope.ics"))
    assert code == 2 and "does not exist" in err and err.count("\n") == 1


@pytest.mark.parametrize("kind", ["folder", "pipe", "device"])
def test_a_calendar_that_is_not_a_regular_file_is_one_line_not_a_hang(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, kind: str
) -> None:
    """A busy calendar goes through the same regular-file rule as the learner's other
    files: a folder, a named pipe nobody writes or /dev/zero is refused, never read."""
    import os

    if kind == "folder":
        where = tmp_path / "cal.ics"
        where.mkdir()
        said = "is a folder"
    elif kind == "pipe":
        where = tmp_path / "cal.ics"
        os.mkfifo(where)
        said = "is a named pipe"
    else:
        where = Path("/dev/zero")
        said = "is a character device"
    code, out, err = run(capsys, "plan", "--busy", str(where))
    assert code == 2 and out == ""
    assert err.startswith(f"planner: busy calendar {where} {said}") and err.count("\n") == 1


def test_busy_without_calendars_says_what_to_do(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "busy", "--settings", str(tmp_path / "none.yaml"))
    assert code == 2 and err.startswith("planner: no busy calendars: list some under busy:")
