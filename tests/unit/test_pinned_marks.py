"""Which sessions are pinned (``planner.shape.Pinned``), and how ``planner plan`` (its text
and ``--json``) and ``planner today`` mark them."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from planner.cli import main
from planner.progress import Progress
from planner.roadmap import Roadmap
from planner.schedule import schedule
from planner.settings import Settings, Track
from planner.shape import Pin, Pinned, add_pin

TZ = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 5, 11)  # a Monday
NOW = datetime(2026, 5, 11, 8, 0)
DJANGO = "django-deep-dive"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_session_a_pin_made_is_pinned_and_no_other(seed: Roadmap) -> None:
    progress = Progress()
    add_pin(seed, progress, DJANGO, datetime(2026, 5, 13, 10, 0), 90, NOW)
    settings = Settings(
        timezone="Europe/Berlin", tracks=(Track("DSA practice", 2, days=(0, 1, 2, 3, 4)),)
    )
    plan = schedule(seed, progress, settings, TODAY, TZ)
    pinned = Pinned.of(progress)
    marked = [s for s in plan.sessions if s in pinned]
    assert [(s.topic_id, s.start, s.hours) for s in marked] == [
        (DJANGO, datetime(2026, 5, 13, 10, 0, tzinfo=TZ), 1.5)
    ]
    # the topic's other sessions, and every track's, are not pinned
    assert len([s for s in plan.sessions if s.topic_id == DJANGO]) > 1
    assert any(s.track for s in plan.sessions)
    # a track's session at the pin's time would not be either (a pin is a topic's)
    track = next(s for s in plan.sessions if s.track)
    assert track not in Pinned(frozenset({(track.topic_id, track.start.replace(tzinfo=None))}))


def test_nothing_is_pinned_without_pins_or_for_a_pin_the_plan_passed_over(
    seed: Roadmap,
) -> None:
    settings = Settings(timezone="Europe/Berlin")
    plan = schedule(seed, Progress(), settings, TODAY, TZ)
    assert not Pinned.of(Progress())
    assert not any(s in Pinned.of(Progress()) for s in plan.sessions)
    # a pin before the plan's first day (kept in the file) makes no session
    progress = Progress()
    progress.pins = [Pin(date(2026, 5, 4), 600, DJANGO, 60).line()]
    plan = schedule(seed, progress, settings, TODAY, TZ)
    assert Pinned.of(progress)
    assert not any(s in Pinned.of(progress) for s in plan.sessions)
    # a line that is no pin marks nothing (the plan refuses it, naming the line)
    broken = Progress()
    broken.pins = ["django-deep-dive someday"]
    assert not Pinned.of(broken)


def _pin(capsys: pytest.CaptureFixture[str], topic: str = DJANGO) -> date:
    day = date.today() + timedelta(days=3)
    code, _, err = run(capsys, "pin", topic, day.isoformat(), "10:00", "1.5")
    assert code == 0, err
    return day


def test_plan_json_says_pinned_on_pinned_sessions_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "plan", "--json")
    assert code == 0 and not any("pinned" in s for s in json.loads(out)["sessions"])
    day = _pin(capsys)
    code, out, _ = run(capsys, "plan", "--json")
    sessions = json.loads(out)["sessions"]
    pinned = [s for s in sessions if "pinned" in s]
    assert len(pinned) == 1 and pinned[0]["pinned"] is True
    assert pinned[0]["topic"] == DJANGO and pinned[0]["start"].startswith(f"{day}T10:00")
    assert pinned[0]["hours"] == 1.5
    assert len([s for s in sessions if s.get("topic") == DJANGO]) > 1


def test_plan_text_ends_a_pinned_sessions_line_with_pinned(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, seed: Roadmap
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, "plan")
    assert code == 0 and "pinned" not in out
    # the seed's longest title, pinned: cut to keep the mark within 80 columns
    topic = max(seed.topics(), key=lambda t: len(t.title))
    day = _pin(capsys, topic.id)
    code, out, _ = run(capsys, "plan")
    assert code == 0
    marked = [line for line in out.splitlines() if line.endswith("  pinned")]
    assert len(marked) == 1, out
    line = marked[0]
    assert f"{day:%a %m-%d}" in line and "10:00-11:30" in line and "1.5 h  pinned" in line
    assert len(line) <= 80 and "..." in line  # the title is cut, the mark is whole
    sessions = [row for row in out.splitlines() if re.search(r" \d\d:\d\d-\d\d:\d\d ", row)]
    assert len(sessions) > 100 and all(len(row) <= 80 for row in sessions)
    assert out.count("pinned") == 1


def test_today_says_pinned_on_the_pinned_session_and_next(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    day = _pin(capsys)
    code, out, _ = run(capsys, "today", "--today", day.isoformat())
    assert code == 0
    lines = out.splitlines()
    marked = [line for line in lines if "pinned" in line]
    assert len(marked) == 2, out
    assert marked[0].startswith("  [ ] 10:00-11:30  Django Deep Dive")
    assert marked[0].endswith("1.5 h  pinned")
    assert marked[1] == "Next: today 10:00-11:30, Django Deep Dive (1.5 h, pinned)"
    code, out, _ = run(capsys, "today", "--today", (day + timedelta(days=1)).isoformat())
    assert code == 0 and "pinned" not in out
