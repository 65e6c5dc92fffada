"""``planner export``: default file, stdout, all-day, the record, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from test_ics_export import lint  # tests/unit is on sys.path (pytest rootdir import mode)

from planner import locations
from planner.cli import main
from planner.roadmap_file import load_roadmap


def parse(text: str) -> Any:
    return icalendar.Calendar.from_ical(text)


PINNED = ["--today", "2025-03-20", "--tz", "Europe/Berlin"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([*argv, *PINNED])
    out, err = capsys.readouterr()
    return code, out, err


def run_real(
    capsys: pytest.CaptureFixture[str], *argv: str, settings: str = ""
) -> tuple[int, str, str]:
    """A real export (no what-if option: today is today), the only kind that keeps the
    export record; the zone and anything else come from a settings file."""
    path = locations.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("timezone: Europe/Berlin\n" + settings, encoding="utf-8")
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_default_output_is_study_plan_ics_in_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_real(capsys, "export")
    assert code == 0, err
    target = tmp_path / "study-plan.ics"
    text = target.read_bytes().decode("utf-8")
    assert lint(text) == []
    cal = parse(text)
    assert all(c.errors == [] for c in cal.walk())
    events = list(cal.walk("VEVENT"))
    assert len(vobject.readOne(text, validate=True).vevent_list) == len(events)
    assert events and all(str(e["UID"]).startswith("backend-roadmap.") for e in events)
    assert f"Wrote {len(events)} study sessions to study-plan.ics" in out
    assert "Import & export" in out
    assert err == ""
    record = json.loads(locations.export_record_path("backend-roadmap").read_text())
    assert len(record["events"]) == len(events)


def test_dash_writes_the_calendar_to_stdout_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["export", "-o", "-", *PINNED])
    out, err = capsysbinary.readouterr()
    assert code == 0, err
    text = out.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and lint(text) == []
    assert err == b""
    assert not (tmp_path / "study-plan.ics").exists()


def test_all_day_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "days.ics"
    code, out, err = run(capsys, "export", "--all-day", "-o", str(target))
    assert code == 0, err
    text = target.read_bytes().decode("utf-8")
    assert lint(text) == []
    assert "DTSTART;VALUE=DATE:" in text and "DTSTART:" not in text
    assert "all-day events" in out


def test_two_exports_give_the_same_uids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.ics", tmp_path / "b.ics"
    assert run(capsys, "export", "-o", str(a))[0] == 0
    assert run(capsys, "export", "-o", str(b))[0] == 0
    uids = [[str(e["UID"]) for e in parse(p.read_bytes().decode()).walk("VEVENT")] for p in (a, b)]
    assert uids[0] == uids[1]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing/plan.ics", "does not exist"),
        (".", "is a folder"),
        ("file.txt/plan.ics", "is not a folder"),
    ],
)
def test_unwritable_output_is_one_line_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    target: str,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file.txt").write_text("x")
    code, out, err = run(capsys, "export", "-o", target)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("planner: ") and message in err
    assert "Traceback" not in err and out == ""
    assert not locations.export_record_path("backend-roadmap").exists()  # nothing exported


def test_a_damaged_record_is_a_warning_not_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    record = locations.export_record_path("backend-roadmap")
    record.parent.mkdir(parents=True)
    record.write_text("{oops")
    code, _, err = run_real(capsys, "export", "-o", str(tmp_path / "x.ics"))
    assert code == 0
    assert err.startswith("planner: warning: the export record") and "damaged" in err
    assert "SEQUENCE numbers start again at 0" in err
    assert json.loads(record.read_text())["format"] == 1  # rewritten, usable next time


@pytest.mark.parametrize("in_the_way", ["exports folder", "data folder"])
def test_an_unsavable_record_is_a_warning(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    in_the_way: str,
) -> None:
    if in_the_way == "data folder":  # PLANNER_DATA_DIR names a regular file
        blocker = tmp_path / "data-file"
        monkeypatch.setenv("PLANNER_DATA_DIR", str(blocker))
        monkeypatch.setenv("PLANNER_PROGRESS", str(tmp_path / "progress.yaml"))
    else:
        blocker = locations.export_record_path("backend-roadmap").parent
        blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("x")  # a file where a folder should be
    code, out, err = run_real(capsys, "export", "-o", str(tmp_path / "x.ics"))
    assert code == 0, err
    assert err.count("\n") == 1  # one warning: nothing about reading the record
    assert err.startswith("planner: warning: cannot save the export record ")
    assert f"{blocker} is a file, not a folder" in err and "move it aside" in err
    assert blocker.read_text() == "x"
    text = (tmp_path / "x.ics").read_bytes().decode("utf-8")
    assert lint(text) == [] and "SEQUENCE:0" in text
    assert "Wrote " in out


def test_a_failed_write_to_stdout_is_one_line_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import errno
    import io

    class Full(io.BytesIO):
        def write(self, data: Any) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    class Stdout:
        buffer = Full()

    monkeypatch.setattr(sys, "stdout", Stdout())
    code = main(["export", "-o", "-", *PINNED])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        "planner: cannot write the calendar to standard output: No space left on device; "
        "write it to a file with -o\n"
    )
    assert not locations.export_record_path("backend-roadmap").exists()  # nothing exported


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc/self/fd")
def test_dev_stdout_gets_the_calendar_only(tmp_path: Path) -> None:
    """``-o /dev/stdout`` is written into (not replaced), and no summary follows the calendar.

    /proc/self/fd/1 is what /dev/stdout links to; named directly, a regression fails to make
    its temp file in /proc rather than replacing the system's /dev/stdout link."""
    args = ["export", "-o", "/proc/self/fd/1", *PINNED]
    done = subprocess.run(
        [sys.executable, "-m", "planner", *args], capture_output=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stderr
    text = done.stdout.decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and lint(text) == []
    assert done.stderr == b""
    assert list(tmp_path.iterdir()) == []


def test_parts_of_an_earlier_split_export_are_pointed_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "export", "--hours", "mon-sun=0.5")[0] == 0
    code, out, err = run(capsys, "export")
    assert code == 0 and "Wrote " in out
    assert err == (
        "planner: warning: study-plan-1.ics, study-plan-2.ics are from an earlier export; "
        "do not import them with this file\n"
    )
    assert (tmp_path / "study-plan-1.ics").exists()  # the user's files are never deleted


def test_export_help_and_start_up_do_not_import_icalendar() -> None:
    code = (
        "import sys\n"
        "from planner.cli import build_parser\n"
        "build_parser()\n"
        "print('MODS', ','.join(m for m in sys.modules\n"
        "    if m.startswith(('icalendar', 'caldav', 'planner.sync'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "MODS"


def test_what_if_options_reach_the_export_and_a_big_one_is_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "study-plan.ics").write_text("old")
    code, out, err = run(capsys, "export", "--hours", "mon-sun=0.5")
    assert code == 0, err
    parts = sorted(tmp_path.glob("study-plan-*.ics"))
    assert [p.name for p in parts] == ["study-plan-1.ics", "study-plan-2.ics"]
    assert "split into 2 files" in out
    assert "study-plan.ics is from an earlier export" in err
    total = 0
    for p in parts:
        text = p.read_bytes().decode("utf-8")
        assert len(text.encode()) <= 1_000_000 and lint(text) == []
        events = list(parse(text).walk("VEVENT"))
        assert all(
            e.decoded("DTEND") - e.decoded("DTSTART") <= timedelta(minutes=30) for e in events
        )
        total += len(events)
    assert f"Wrote {total} study sessions" in out


def test_nothing_to_export_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["done", *[m.id for m in load_roadmap(locations.bundled_roadmap()).modules]]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "export")
    assert code == 2 and out == ""
    assert err.startswith("planner: nothing to export") and err.count("\n") == 1
    assert not (tmp_path / "study-plan.ics").exists()


def test_sessions_moved_since_the_last_export_get_a_higher_sequence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a.ics", tmp_path / "b.ics"
    assert run_real(capsys, "export", "-o", str(a))[0] == 0
    later = date.today() + timedelta(days=4)  # the settings move the plan: a real export
    assert run_real(capsys, "export", "-o", str(b), settings=f"start_date: {later}\n")[0] == 0

    def seq(p: Path) -> dict[str, tuple[int, object]]:
        cal = parse(p.read_bytes().decode())
        return {
            str(e["UID"]): (int(e["SEQUENCE"]), e.decoded("DTSTART")) for e in cal.walk("VEVENT")
        }

    first, second = seq(a), seq(b)
    assert {s for s, _ in first.values()} == {0}
    for uid, (sequence, start) in second.items():
        assert sequence == (0 if uid not in first or first[uid][1] == start else 1)
    assert any(s == 1 for s, _ in second.values())


def test_weeks_exports_the_horizon_from_today(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import date

    target = tmp_path / "four.ics"
    code, out, err = run(capsys, "export", "--weeks", "4", "-o", str(target))
    assert code == 0, err
    events = list(parse(target.read_bytes().decode("utf-8")).walk("VEVENT"))
    starts = [e.decoded("DTSTART").astimezone(ZoneInfo("Europe/Berlin")).date() for e in events]
    assert events and min(starts) >= date(2025, 3, 20)
    assert max(starts) < date(2025, 4, 17) and max(starts) >= date(2025, 4, 10)
    assert f"Wrote {len(events)} study sessions" in out
    whole = tmp_path / "all.ics"
    assert run(capsys, "export", "-o", str(whole))[0] == 0
    assert len(list(parse(whole.read_bytes().decode()).walk("VEVENT"))) > 4 * len(events)


@pytest.mark.parametrize(("weeks", "message"), [("0", "too few"), ("x", "not a whole number")])
def test_bad_weeks_is_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], weeks: str, message: str
) -> None:
    code, out, err = run(capsys, "export", "--weeks", weeks, "-o", "-")
    assert code == 2 and err.count("\n") == 1 and message in err and out == ""


def test_a_pipe_nobody_reads_is_one_line_not_a_hang(tmp_path: Path) -> None:
    """A named pipe as the target is written into (process substitution works), but one
    that nobody reads is refused at once instead of blocking forever."""
    import os
    import subprocess
    import sys
    import threading

    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    env = dict(os.environ, PLANNER_SETTINGS=str(tmp_path / "none.yaml"))
    done = subprocess.run(
        [sys.executable, "-m", "planner", "export", "-o", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"planner: nobody is reading the pipe {fifo};")
    assert done.stderr.count("\n") == 1
    assert fifo.exists() and not fifo.is_file()  # still the pipe

    got: list[bytes] = []

    def read() -> None:
        with open(fifo, "rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    for _ in range(200):  # wait until the reader has the pipe open
        done = subprocess.run(
            [sys.executable, "-m", "planner", "export", "-o", str(fifo)],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=False,
        )
        if done.returncode == 0:
            break
    reader.join(timeout=30)
    assert done.returncode == 0, done.stderr
    assert got and got[0].startswith(b"BEGIN:VCALENDAR")
