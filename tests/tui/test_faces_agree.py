"""The command line and the app follow one rule each (issue 16): logging hours, the
export (its record and its warnings), the plan's baseline, the roadmap's roll-up."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from textual.widgets import Input

from planner import locations
from planner.cli import main
from planner.progress import ProgressStore, State, roadmap_state
from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap
from planner.settings import Settings
from planner.tui.app import PlannerApp
from planner.tui.screens.log_hours import LogHoursScreen

from .conftest import SEED_YAML, AppFactory, saved

TOPIC = "advanced-python-features"  # the first topic: "down" from the first module


def _cli(*argv: str) -> int:
    return main([*argv, "--roadmap", str(SEED_YAML)])


# -- logging hours ----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "hours"), [("1.5", 1.5), ("-0.5", -0.5)])
async def test_logging_hours_in_the_app_and_on_the_command_line_agree(
    typed: str,
    hours: float,
    make_app: AppFactory,
    progress_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Hours spent on a topic still to do start it, from either face; hours taken back
    start nothing."""
    cli_progress = tmp_path / "cli-progress.yaml"
    assert _cli("log", TOPIC, typed, "--progress", str(cli_progress)) == 0
    out = capsys.readouterr().out
    assert ("is now in progress" in out) is (hours > 0)

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("down", "l")
        await pilot.pause()
        assert isinstance(app.screen, LogHoursScreen)
        app.screen.query_one("#prompt-input", Input).value = typed
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, LogHoursScreen)
        shown = app.facts.state(TOPIC)
    roadmap = app.roadmap
    from_cli, from_app = saved(cli_progress, roadmap), saved(progress_path, roadmap)
    expected = State.IN_PROGRESS if hours > 0 else State.TODO
    assert from_app.state(roadmap, TOPIC) is expected
    assert shown is expected  # the tree shows what was saved
    assert from_cli.states(roadmap) == from_app.states(roadmap)
    assert from_cli.logged(TOPIC) == from_app.logged(TOPIC) == max(0.0, hours)


# -- the export ---------------------------------------------------------------------------


def _record() -> dict[str, object]:
    data: dict[str, object] = json.loads(
        locations.export_record_path("backend-roadmap").read_text(encoding="utf-8")
    )
    return data


def _uids(ics: Path) -> set[str]:
    return {
        line.removeprefix("UID:")
        for line in ics.read_text(encoding="utf-8").splitlines()
        if line.startswith("UID:")
    }


async def test_the_apps_export_keeps_its_record(make_app: AppFactory, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    app = make_app(export_dir=out)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x")
        await pilot.pause()
    record = _record()
    events = record["events"]
    assert isinstance(events, dict)
    assert set(events) == _uids(out / "study-plan.ics")
    assert record["exported"] == "2026-03-02T08:30:00+00:00"  # the app's clock


async def test_a_stale_part_is_named_by_both_faces(
    make_app: AppFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli_dir, app_dir = tmp_path / "cli", tmp_path / "app"
    for folder in (cli_dir, app_dir):
        folder.mkdir()
        (folder / "study-plan-2.ics").write_text("old", encoding="utf-8")
    assert _cli("export", "-o", str(cli_dir / "study-plan.ics")) == 0
    warnings = [
        line.removeprefix("planner: warning: ")
        for line in capsys.readouterr().err.splitlines()
        if "earlier export" in line
    ]
    assert warnings == [
        f"{cli_dir / 'study-plan-2.ics'} is from an earlier export; do not import it with this file"
    ]
    app = make_app(export_dir=app_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
    expected = warnings[0].replace(str(cli_dir), str(app_dir))
    assert any(expected in message for message in messages)


def test_only_a_real_export_to_a_file_keeps_the_record(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """What-if options, standard output and a device are looks, not exports: the record
    (what was imported, for SEQUENCE) stays as the last real export left it."""
    record = locations.export_record_path("backend-roadmap")
    looks = [
        ["export", "-o", str(tmp_path / "a.ics"), "--today", "2026-03-02"],
        ["export", "-o", str(tmp_path / "b.ics"), "--hours", "mon-fri=2"],
        ["export", "-o", str(tmp_path / "c.ics"), "--tz", "Asia/Tokyo"],
        ["export", "-o", str(tmp_path / "d.ics"), "--off", "2030-01-01"],
        ["export", "-o", str(tmp_path / "e.ics"), "--start", "2030-01-01"],
        ["export", "-o", "-"],
        ["export", "-o", "/dev/stdout"],  # a device: written into (documented), not a file
    ]
    for argv in looks:
        assert _cli(*argv) == 0, argv
        assert not record.exists(), argv
    capfd.readouterr()
    assert _cli("export", "-o", str(tmp_path / "real.ics")) == 0
    first = record.read_text(encoding="utf-8")
    assert set(json.loads(first)["events"]) == _uids(tmp_path / "real.ics")
    # a what-if export after it reads the record (SEQUENCE) but leaves it as it was
    assert _cli("export", "-o", str(tmp_path / "f.ics"), "--start", "2030-01-01") == 0
    assert record.read_text(encoding="utf-8") == first
    assert "SEQUENCE:1" in (tmp_path / "f.ics").read_text(encoding="utf-8")


# -- the plan's baseline --------------------------------------------------------------------


def _real_today_app(tmp_path: Path) -> PlannerApp:
    """An app planning from today, as ``planner plan`` does (the baseline is real)."""
    roadmap = load_roadmap(SEED_YAML)
    return PlannerApp(
        roadmap,
        roadmap_path=SEED_YAML,
        store=ProgressStore(tmp_path / "app-progress.yaml", roadmap),
        settings=Settings(timezone="UTC"),
        settings_path=tmp_path / "app-settings.yaml",
        today=datetime.now(timezone.utc).date(),
        tz=timezone.utc,
        watch=False,
        export_dir=tmp_path,
    )


async def test_the_first_plan_becomes_the_same_baseline_from_either_face(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "cli-settings.yaml"
    settings.write_text("timezone: UTC\n", encoding="utf-8")
    baseline = locations.baseline_path("backend-roadmap")
    assert _cli("plan", "--settings", str(settings), "--progress", str(tmp_path / "p.yaml")) == 0
    capsys.readouterr()
    from_cli = baseline.read_bytes()
    baseline.unlink()

    app = _real_today_app(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
    assert baseline.read_bytes() == from_cli


async def test_an_unusable_baseline_is_told_alike_by_both_faces(
    make_app: AppFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = locations.baseline_path("backend-roadmap")
    baseline.parent.mkdir(parents=True)
    baseline.write_text("{oops", encoding="utf-8")
    assert _cli("plan", "--progress", str(tmp_path / "p.yaml")) == 0
    problems = [
        line.removeprefix("planner: warning: ")
        for line in capsys.readouterr().err.splitlines()
        if "baseline" in line
    ]
    assert len(problems) == 1 and str(baseline) in problems[0]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
    assert problems[0] in messages
    assert baseline.read_text(encoding="utf-8") == "{oops"  # left as it is


# -- the roadmap's roll-up ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("states", "whole"),
    [
        ({"skip": "all"}, "skipped"),
        ({"skip": "all but one", "done": "one"}, "done"),
        ({"start": "one"}, "in_progress"),
        ({}, "todo"),
    ],
)
def test_status_rolls_the_whole_roadmap_up_as_a_module_is(
    states: dict[str, str],
    whole: str,
    seed: Roadmap,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An all-skipped roadmap is skipped, not done; one done module among skipped ones
    makes it done; the command line's total is the domain's roll-up."""
    progress = tmp_path / "p.yaml"
    modules = [m.id for m in seed.modules]
    picks = {"all": modules, "all but one": modules[1:], "one": modules[:1]}
    for verb, which in states.items():
        assert _cli(verb, *picks[which], "--progress", str(progress)) == 0
    capsys.readouterr()
    assert _cli("status", "--json", "--progress", str(progress)) == 0
    total = json.loads(capsys.readouterr().out)["total"]
    assert total["state"] == whole
    on_disk = saved(progress, seed)
    assert roadmap_state(seed, on_disk.states(seed)).value == whole


# -- a session's time range ---------------------------------------------------------------

WHOLE_DAYS = """\
id: whole
title: Whole days
modules:
  - id: m
    title: Module
    topics:
      - {id: long, title: Long topic, estimate: 100 hours}
"""


async def test_a_session_ending_at_midnight_ends_at_24_00_on_both_faces(
    make_app: AppFactory,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A whole day's session (00:00 to the next midnight) reads 00:00-24:00 in every
    place either face shows a session's times, never 00:00-00:00."""
    from datetime import time

    from planner.tui.widgets.agenda import Agenda
    from planner.tui.widgets.details import fmt_session
    from planner.tui.widgets.month_calendar import MonthCalendar
    from planner.tui.widgets.today_view import TodayView

    from .conftest import TODAY, small_roadmap

    roadmap, path = small_roadmap(tmp_path, WHOLE_DAYS)
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text(
        'hours: {mon-sun: 24}\nstart_times: {mon-sun: "00:00"}\ntimezone: UTC\n'
        f"start_date: {TODAY.isoformat()}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PLANNER_ROADMAP", str(path))
    monkeypatch.setenv("PLANNER_SETTINGS", str(settings_file))
    assert main(["today", "--today", TODAY.isoformat()]) == 0
    today_out = capsys.readouterr().out
    assert "  [ ] 00:00-24:00  Long topic" in today_out
    assert "Next: today 00:00-24:00, Long topic" in today_out
    assert main(["plan", "--today", TODAY.isoformat()]) == 0
    plan_out = capsys.readouterr().out
    assert " 00:00-24:00 " in plan_out and "00:00-00:00" not in plan_out

    whole = Settings(
        timezone="UTC",
        start_date=TODAY,
        weekly_hours=dict.fromkeys(range(7), 24.0),
        start_times=dict.fromkeys(range(7), time(0, 0)),
    )
    app = make_app(roadmap, roadmap_path=path, settings=whole, first_tab="today")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = app.plan.sessions[0]
        assert (first.start.date(), first.end.date()) == (TODAY, TODAY + timedelta(days=1))
        today_text = app.screen.query_one(TodayView).render().plain
        assert "00:00–24:00  Long topic" in today_text
        assert "today 00:00–24:00  Long topic" in today_text
        assert "00:00-24:00" in fmt_session(first)
        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one(Agenda)
        lines = [agenda.render_line(y).text for y in range(agenda.size.height)]
        assert any("00:00–24:00" in line for line in lines)
        await pilot.press("c")
        await pilot.pause()
        calendar = app.screen.query_one(MonthCalendar)
        calendar.select_day(TODAY)
        await pilot.pause()
        assert calendar.day_text(TODAY).plain.startswith("00:00–24:00  Long topic")
        details = str(calendar.query_one("#calendar-details").render())
        assert "00:00–24:00 Long topic" in details
        text = "\n".join([today_text, *lines, calendar.day_text(TODAY).plain, details])
        assert "00:00–00:00" not in text
