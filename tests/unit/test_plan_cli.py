"""`planner plan`: week-by-week output, --json, --until, what-if options, baseline, errors."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner import locations
from planner.cli import main
from planner.roadmap_file import load_roadmap
from planner.units import date_text

ROADMAP = """\
id: tiny
title: Tiny roadmap
modules:
  - title: Basics
    topics:
      - title: Alpha [bold]markup[/bold]
        estimate: 3 hours
      - title: Beta
        estimate: 2 hours
  - title: More
    topics:
      - title: Gamma
        estimate: 4 hours
"""

SETTINGS = """\
hours: {mon-fri: 1.5, sat: 4}
start_times: {weekdays: "19:00", weekend: "09:00"}
timezone: Europe/Berlin
days_off:
  - {date: 2026-05-06, label: Dentist}
"""


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    roadmap = tmp_path / "tiny.yaml"
    roadmap.write_text(ROADMAP, encoding="utf-8")
    settings = tmp_path / "settings.yaml"
    settings.write_text(SETTINGS, encoding="utf-8")
    monkeypatch.setenv("PLANNER_ROADMAP", str(roadmap))
    monkeypatch.setenv("PLANNER_SETTINGS", str(settings))
    return roadmap, settings


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_plan_week_by_week(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]) -> None:
    code, out, err = run(capsys, "plan", "--today", "2026-05-04")
    assert code == 0 and err == ""
    assert out.splitlines() == [
        # the head wrapped to fit 80 columns (not a terminal)
        "Tiny roadmap: plan from Mon 2026-05-04, Europe/Berlin, 11.5 h a week (mon 1:30,",
        "  tue 1:30, wed 1:30, thu 1:30, fri 1:30, sat 4:00)",
        "",
        "Week of Mon 2026-05-04",
        "  Mon 05-04  19:00-20:30   Alpha [bold]markup[/bold] (1/2)    1.5 h",
        "  Tue 05-05  19:00-20:30   Alpha [bold]markup[/bold] (2/2)    1.5 h",
        "  Wed 05-06  (day off: Dentist)",
        "  Thu 05-07  19:00-20:30   Beta (1/2)                         1.5 h",
        "  Fri 05-08  19:00-19:30   Beta (2/2)                         0.5 h",
        "             19:30-20:30   Gamma (1/2)                          1 h",
        "  Sat 05-09  09:00-12:00   Gamma (2/2)                          3 h",
        "  week total: 9 h",
        "",
        "Finish:           Sat 2026-05-09 (in 1 week)",
        "Hours remaining:  9 h",
        "Basis:            topic estimates (basis: topics)",
        "Your week:        at 11.5 h a week you finish on Sat 9 May 2026",
    ]


def test_plan_json(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]) -> None:
    code, out, _ = run(capsys, "plan", "--json", "--today", "2026-05-04")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"finish", "hours_remaining", "sessions"}
    assert data["finish"] == "2026-05-09" and data["hours_remaining"] == 9
    first = data["sessions"][0]
    assert first == {
        "topic": "alpha-bold-markup-bold",
        "module": "basics",
        "start": "2026-05-04T19:00:00+02:00",
        "end": "2026-05-04T20:30:00+02:00",
        "hours": 1.5,
        "part": 1,
        "parts": 2,
    }
    assert sum(s["hours"] for s in data["sessions"]) == data["hours_remaining"]
    for s in data["sessions"]:
        assert datetime.fromisoformat(s["start"]).utcoffset() is not None


def test_what_if_options_override_without_saving(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    _, settings = files
    before = settings.read_bytes()
    code, out, _ = run(
        capsys,
        "plan",
        "--json",
        "--today",
        "2026-05-04",
        "--start",
        "2026-05-05",
        "--hours",
        "tue=2,sat=5",
        "--tz",
        "America/New_York",
        "--off",
        "2026-05-09",
        "--off",
        "2026-05-12..2026-05-15",
    )
    assert code == 0
    starts = [s["start"] for s in json.loads(out)["sessions"]]
    assert starts == [
        "2026-05-05T19:00:00-04:00",  # tue, from the start date; sat 9 is off
        "2026-05-16T09:00:00-04:00",  # the week of 12..15 is off
        "2026-05-16T10:00:00-04:00",
        "2026-05-16T12:00:00-04:00",
        "2026-05-19T19:00:00-04:00",  # mondays have no hours now
    ]
    assert settings.read_bytes() == before
    assert not locations.baseline_path("tiny").exists()  # a what-if is never the baseline


def test_until_prints_the_weekly_hours_needed(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    code, out, _ = run(capsys, "plan", "--today", "2026-05-04", "--until", "2026-05-07")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "To finish by Thu 2026-05-07: 22.75 h a week"
    assert lines[1] == (
        "  mon 3:00, tue 3:00, wed 3:00, thu 3:00, fri 3:00, sat 7:45  (in 15-minute steps)"
    )
    assert lines[2] == "  at that pace the plan ends on Thu 2026-05-07"
    assert lines[3] == "  with your current 11.5 h a week it ends on Sat 2026-05-09"
    code, out, _ = run(capsys, "plan", "--json", "--today", "2026-05-04", "--until", "2026-05-07")
    data = json.loads(out)
    assert data["weekly_hours"] == 22.75 and data["finish"] == "2026-05-07"
    assert data["hours"]["sat"] == 7.75 and data["start_times"] == {}


def test_first_real_plan_becomes_the_baseline_then_slippage_shows(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    path = locations.baseline_path("tiny")
    code, out, _ = run(capsys, "plan")
    assert code == 0 and path.exists()
    assert "Pace:             finish " in out and "(on track)" in out
    # pretend the baseline was made two weeks ago and planned 6 h since
    baseline = json.loads(path.read_text())
    past = datetime.now(ZoneInfo("Europe/Berlin")).date() - timedelta(days=14)
    baseline["made"] = past.isoformat()
    baseline["days"] = {(past + timedelta(days=i)).isoformat(): 1.5 for i in range(4)}
    path.write_text(json.dumps(baseline))
    _, out, _ = run(capsys, "plan")
    assert "(behind by 6 h)" in out
    assert "h a week for the next 4 weeks gets you back on the plan" in out
    assert f"against the plan kept on {date_text(past)}; skipped work is left out" in out
    _, out, _ = run(capsys, "done", "alpha")
    _, out, _ = run(capsys, "plan")
    assert "behind by 3 h" in out
    kept = json.loads(path.read_text())
    assert kept["made"] == past.isoformat()  # never replaced


def test_nothing_left(capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]) -> None:
    roadmap = load_roadmap(files[0])
    run(capsys, "done", *[m.id for m in roadmap.modules])
    code, out, _ = run(capsys, "plan", "--today", "2026-05-04")
    assert code == 0
    assert "Nothing left to plan: every topic is done or skipped." in out
    assert "Finish:           nothing left to plan" in out
    code, out, _ = run(capsys, "plan", "--json")
    assert json.loads(out) == {"finish": None, "hours_remaining": 0.0, "sessions": []}


ERRORS = [
    (["--hours", "mon=2,funday=3"], "planner: --hours: unknown weekday 'funday'"),
    (["--hours", "mon2"], "planner: --hours: cannot read 'mon2'; write DAY=HOURS"),
    (["--hours", "mon=25"], "planner: --hours: mon=25 is not 0 to 24 hours"),
    (["--hours", "mon=1,mon=2"], "planner: --hours: mon is given twice"),
    (["--hours", "sun=0"], "planner: no study time: every weekday has 0 study hours"),
    (["--hours", "mon=6"], "planner: mon: 6 h from 19:00 runs past midnight"),
    (["--tz", "Europe/Berln"], "planner: --tz: unknown time zone 'Europe/Berln'; did you mean"),
    (
        ["--off", "2026-05-10..2026-05-01"],
        "planner: --off: range '2026-05-10..2026-05-01' ends before",
    ),
    (["--off", "2026-05-01..9999-12-31"], "planner: no study time: days off cover every day"),
    (
        ["--off", "2026-05-01.."],
        "planner: --off: range '2026-05-01..' needs a first and a last day",
    ),
    (
        ["--off", "..2026-05-01"],
        "planner: --off: range '..2026-05-01' needs a first and a last day",
    ),
    (["--today", "04/05/2026"], "planner: --today: cannot read '04/05/2026' as a date"),
    (["--start", "soon"], "planner: --start: cannot read 'soon' as a date"),
    (["--until", "2026-05-01"], "planner: the target date 2026-05-01 is before today (2026-05-04)"),
    (["--until", "2026-05-04", "--hours", "sat=1"], "planner: cannot finish by 2026-05-04"),
]


@pytest.mark.parametrize(("argv", "message"), ERRORS, ids=[" ".join(a) for a, _ in ERRORS])
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "plan", "--today", "2026-05-04", *argv)
    assert code == 2 and out == ""
    assert err.startswith(message) and err.count("\n") == 1


def test_a_bad_settings_file_is_reported_and_kept(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    _, settings = files
    settings.write_text("hours:\n  mon: 2\n  tusday: 1\n", encoding="utf-8")
    code, _, err = run(capsys, "plan")
    assert code == 2
    assert err == f"planner: {settings}:3: hours: unknown weekday 'tusday'; did you mean 'tue'?\n"
    assert settings.read_text(encoding="utf-8") == "hours:\n  mon: 2\n  tusday: 1\n"


def test_stated_basis_is_named(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    _, settings = files
    settings.write_text("basis: stated\ntimezone: UTC\n", encoding="utf-8")
    seed = Path(__file__).resolve().parents[2] / "roadmap.yaml"
    code, out, _ = run(capsys, "plan", "--roadmap", str(seed), "--today", "2026-05-04")
    assert code == 0
    assert "Basis:            stated module estimates (basis: stated)" in out


def test_weeks_with_nothing_planned_are_shown_not_skipped(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    _, out, _ = run(capsys, "plan", "--today", "2026-05-04", "--off", "2026-05-07..2026-05-17")
    assert out.splitlines()[3:12] == [  # after the head (two lines at 80 columns)
        "Week of Mon 2026-05-04",
        "  Mon 05-04  19:00-20:30   Alpha [bold]markup[/bold] (1/2)    1.5 h",
        "  Tue 05-05  19:00-20:30   Alpha [bold]markup[/bold] (2/2)    1.5 h",
        "  Wed 05-06  (day off: Dentist)",
        "  Thu 05-07..Sun 05-10  (day off)",
        "  week total: 3 h",
        "",
        "Week of Mon 2026-05-11",
        "  Mon 05-11..Sun 05-17  (day off)",
    ]
    assert "  week total: 0 h\n\nWeek of Mon 2026-05-18\n" in out
    _, out, _ = run(capsys, "plan", "--today", "2026-05-04", "--off", "2026-05-07..2026-06-07")
    assert (
        "Weeks of Mon 2026-05-11 to Mon 2026-06-01\n"
        "  Mon 05-11..Sun 06-07  (day off)\n"
        "  nothing planned in these 4 weeks\n\n"
        "Week of Mon 2026-06-08\n"
    ) in out


def test_until_answers_with_no_study_hours_and_names_the_basis(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    code, out, err = run(
        capsys, "plan", "--today", "2026-05-04", "--hours", "sun=0", "--until", "2026-05-08"
    )
    assert code == 0 and err == ""
    assert out.splitlines() == [
        "To finish by Fri 2026-05-08: 11.25 h a week",  # Wednesday is a day off
        "  mon 2:15, tue 2:15, wed 2:15, thu 2:15, fri 2:15  (in 15-minute steps)",
        "  at that pace the plan ends on Fri 2026-05-08",
        "  with your current 0 h a week no plan can be made",
        "  9 h remaining, on the topic estimates (basis: topics)",
    ]
    code, out, _ = run(capsys, "plan", "--json", "--today", "2026-05-04", "--until", "2026-05-08")
    data = json.loads(out)
    assert data["basis"] == "topics" and data["hours_remaining"] == 9
    assert data["current_finish"] == "2026-05-09"


def test_a_baseline_on_the_other_basis_is_named_not_compared(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    _, settings = files
    run(capsys, "plan")
    settings.write_text(SETTINGS + "basis: stated\n", encoding="utf-8")
    code, out, _ = run(capsys, "plan")
    path = locations.baseline_path("tiny")
    assert code == 0
    assert out.splitlines()[-1] == (
        "Pace:             not measured: the plan kept on "
        f"{json.loads(path.read_text())['made']} used the topic estimates (basis: topics); "
        f"delete {path} to keep the next plan instead"
    )


DATE_SPELLINGS = [
    "2026-05-04",
    "2026/05/04",
    "4.5.2026",
    "4 May 2026",
    "May 4 2026",
    "Mon 4 May 2026",
]


@pytest.mark.parametrize("spelling", DATE_SPELLINGS)
def test_every_date_spelling_reads_alike_in_the_options(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path], spelling: str
) -> None:
    """--today, --start and --until read the one date grammar of planner.units."""
    iso = ["--today", "2026-05-04", "--start", "2026-05-04"]
    _, expected, _ = run(capsys, "plan", *iso)
    code, out, err = run(capsys, "plan", "--today", spelling, "--start", spelling)
    assert (code, err, out) == (0, "", expected)
    _, expected, _ = run(capsys, "plan", "--today", "2026-05-01", "--until", "2026-05-04")
    code, out, err = run(capsys, "plan", "--today", "2026-05-01", "--until", spelling)
    assert (code, err, out) == (0, "", expected)
    assert "To finish by Mon 2026-05-04" in out


def test_a_date_with_the_wrong_weekday_is_refused(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    code, out, err = run(capsys, "plan", "--today", "Tue 4 May 2026")
    assert (code, out) == (2, "")
    assert err == (
        "planner: --today: 'Tue 4 May 2026': 4 May 2026 is a Monday; check the day or the date\n"
    )


def _keep_baseline(made: str) -> Path:
    """The tiny roadmap's plan made on ``made``, kept as its baseline (as `plan` keeps it)."""
    from planner.progress import Progress
    from planner.schedule import ensure_baseline, schedule
    from planner.settings import load_settings

    roadmap = load_roadmap(Path(os.environ["PLANNER_ROADMAP"]))
    settings = load_settings(Path(os.environ["PLANNER_SETTINGS"]))
    day = datetime.strptime(made, "%Y-%m-%d").date()
    plan = schedule(roadmap, Progress(), settings, day, ZoneInfo("Europe/Berlin"))
    path = locations.baseline_path("tiny")
    ensure_baseline(path, plan, day)
    return path


def test_pace_in_dates_with_a_way_back(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    _keep_baseline("2026-05-04")  # 9 h: Mon to Sat of that week
    code, out, _ = run(capsys, "plan", "--today", "2026-05-09")  # nothing done by Saturday
    assert code == 0
    pace = out[out.index("Pace:") :].splitlines()
    assert pace == [
        "Pace:             finish Thu 14 May 2026, 5 days later than planned on 4 May "
        "(behind by 6 h)",
        "                  +1.5 h a week for the next 4 weeks gets you back on the plan",
        "                  against the plan kept on Mon 4 May 2026; skipped work is left out "
        "of both sides",
    ]


def test_skipping_is_a_change_of_scope_never_ahead(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    _keep_baseline("2026-05-04")
    run(capsys, "skip", "beta")  # 2 h the kept plan had on Thu and Fri
    code, out, _ = run(capsys, "plan", "--today", "2026-05-09")
    assert code == 0
    pace = out[out.index("Pace:") :].splitlines()
    # 6 h expected by Saturday, 2 of them beta's: behind by 4 h, not by 2 h
    assert pace[0].endswith("(behind by 4 h)")
    assert pace[-1] == (
        "                  against the plan kept on Mon 4 May 2026; work skipped since "
        "(2 h) is left out of both sides"
    )
    run(capsys, "done", "alpha")
    run(capsys, "log", "gamma", "1h")
    _, out, _ = run(capsys, "plan", "--today", "2026-05-09")
    assert "as planned on 4 May (on track)" in out


def test_until_names_the_start_time_to_move_when_a_day_cannot_hold_its_share(
    capsys: pytest.CaptureFixture[str], files: tuple[Path, Path]
) -> None:
    code, out, err = run(capsys, "plan", "--today", "2026-05-04", "--until", "2026-05-05")
    assert (code, err) == (0, "")
    assert out.splitlines()[:3] == [  # every day holds its share: nothing to move
        "To finish by Tue 2026-05-05: 34.25 h a week",
        "  mon 4:30, tue 4:30, wed 4:30, thu 4:30, fri 4:30, sat 11:45  (in 15-minute steps)",
        "  at that pace the plan ends on Tue 2026-05-05",
    ]
    code, out, _ = run(capsys, "plan", "--today", "2026-05-04", "--until", "2026-05-04")
    lines = out.splitlines()
    assert lines[0] == "To finish by Mon 2026-05-04: 68.75 h a week"
    assert "  mon: 9:00 h from 19:00 runs past midnight; start at 15:00 or earlier" in lines
    assert "  sat: 23:45 h from 09:00 runs past midnight; start at 00:15 or earlier" in lines
    assert "  at that pace the plan ends on Mon 2026-05-04" in lines
    code, out, _ = run(capsys, "plan", "--json", "--today", "2026-05-04", "--until", "2026-05-04")
    data = json.loads(out)
    assert data["start_times"]["mon"] == "15:00" and data["hours"]["mon"] == 9
    assert all(round(h * 4) == h * 4 for h in data["hours"].values())  # 15-minute steps
