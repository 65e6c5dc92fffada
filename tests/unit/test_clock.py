"""The study timer: the domain (Progress.clock_in/clock_out), the file, the history, undo,
and `planner clock in/out/status`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from planner import locations
from planner.cli import main
from planner.history import CLOCK, Intent, UndoError
from planner.progress import Clock, ProgressError, ProgressStore, State
from planner.roadmap import Roadmap

TZ = timezone(timedelta(hours=1))
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)
TOPIC = "advanced-python-features"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def store(seed: Roadmap, tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.yaml", seed)


def clock_in(s: ProgressStore, seed: Roadmap, item: str, at: datetime) -> None:
    s.update(lambda p: p.clock_in(seed, item, at), "test", at, Intent("clock", (item,), "in"))


def test_clock_in_is_kept_in_the_file_and_read_back(seed: Roadmap, tmp_path: Path) -> None:
    s = store(seed, tmp_path)
    clock_in(s, seed, TOPIC, T0)
    text = s.path.read_text()
    assert f"clock: {{topic: {TOPIC}, since: '2026-12-03T09:00:00+01:00'}}" in text
    assert s.load().clock == Clock(TOPIC, T0)  # a restart finds it running
    change = s.load().history.changes()[-1]
    assert change.kind == "clock" and change.items[CLOCK] == (None, Clock(TOPIC, T0).row())
    assert change.summary(seed) == "timer started on Advanced Python Features"


def test_a_subtopic_clocks_its_topic_and_a_module_is_refused(seed: Roadmap) -> None:
    topic = next(t for m in seed.modules for t in m.topics if t.subtopics)
    progress = ProgressStore(Path("/nonexistent"), seed).load()
    assert progress.clock_in(seed, topic.subtopics[0].id, T0).topic == topic.id
    progress.clock = None
    with pytest.raises(ProgressError, match="is a module"):
        progress.clock_in(seed, seed.modules[0].id, T0)
    with pytest.raises(ProgressError, match="unknown id"):
        progress.clock_in(seed, "no-such-thing", T0)


def test_one_timer_at_a_time(seed: Roadmap, tmp_path: Path) -> None:
    progress = store(seed, tmp_path).load()
    progress.clock_in(seed, TOPIC, T0)
    with pytest.raises(ProgressError, match="already runs on"):
        progress.clock_in(seed, "django-deep-dive", T0)


def test_clock_out_logs_whole_minutes_and_starts_the_topic(seed: Roadmap, tmp_path: Path) -> None:
    s = store(seed, tmp_path)
    clock_in(s, seed, TOPIC, T0)
    out = []
    later = T0 + timedelta(minutes=90, seconds=59)
    progress = s.update(
        lambda p: out.append(p.clock_out(seed, later)),
        "test",
        later,
        Intent("log", (TOPIC,), hours=1.5),
    )
    assert out[0].hours == 1.5 and TOPIC in out[0].started
    assert progress.clock is None and "clock:" not in s.path.read_text()
    assert progress.logged(TOPIC) == 1.5
    assert progress.state(seed, TOPIC) is State.IN_PROGRESS
    summary = s.load().history.changes()[-1].summary(seed)
    assert summary == "timer stopped: logged 1.5 h on Advanced Python Features"


def test_clock_out_without_a_timer_is_refused(seed: Roadmap) -> None:
    progress = ProgressStore(Path("/nonexistent"), seed).load()
    with pytest.raises(ProgressError, match="no timer is running"):
        progress.clock_out(seed, T0)


def test_elapsed_never_negative_and_reads_as_hours_minutes() -> None:
    clock = Clock(TOPIC, T0)
    assert clock.elapsed_text(T0 + timedelta(minutes=125)) == "2:05"
    assert clock.minutes(T0 - timedelta(hours=1)) == 0


def test_undo_and_redo_take_the_timer_back(seed: Roadmap, tmp_path: Path) -> None:
    s = store(seed, tmp_path)
    clock_in(s, seed, TOPIC, T0)
    later = T0 + timedelta(hours=1)
    s.update(lambda p: p.clock_out(seed, later), "test", later, Intent("log", (TOPIC,), hours=1))
    s.update(lambda p: p.undo(), "test", later)  # the stop: running again, nothing logged
    progress = s.load()
    assert progress.clock == Clock(TOPIC, T0) and progress.logged(TOPIC) == 0
    s.update(lambda p: p.undo(), "test", later)  # the start
    assert s.load().clock is None
    s.update(lambda p: p.redo(), "test", later)
    assert s.load().clock == Clock(TOPIC, T0)


def test_undo_is_refused_when_the_timer_changed_outside(seed: Roadmap, tmp_path: Path) -> None:
    s = store(seed, tmp_path)
    clock_in(s, seed, TOPIC, T0)
    text = s.path.read_text().replace(f"clock: {{topic: {TOPIC}", "clock: {topic: django-deep-dive")
    s.path.write_text(text)
    with pytest.raises(UndoError, match="the timer was changed since"):
        s.update(lambda p: p.undo(), "test", T0)
    assert s.path.read_text() == text


def test_a_bad_clock_in_the_file_is_reported(seed: Roadmap, tmp_path: Path) -> None:
    s = store(seed, tmp_path)
    s.path.write_text("version: 1\nitems: {}\nclock: {topic: x, since: soon}\n")
    with pytest.raises(ProgressError, match="'since' must be a date and time"):
        s.load()


# -- the command line -----------------------------------------------------------------


def test_cli_clock_in_status_out(capsys: pytest.CaptureFixture[str], seed: Roadmap) -> None:
    code, out, _ = run(capsys, "clock")
    assert code == 0 and out == "no timer is running; 'planner clock in ID' starts one\n"
    code, out, _ = run(capsys, "clock", "in", "advanced python", "--at", "2026-12-03T09:00+01:00")
    assert code == 0 and out.startswith(f"timer started on {TOPIC} (Advanced Python Features)")
    code, out, _ = run(capsys, "clock", "status", "--at", "2026-12-03T09:40+01:00")
    assert code == 0 and out.endswith(": 0:40 so far\n") and TOPIC in out
    code, out, _ = run(capsys, "clock", "out", "--at", "2026-12-03T10:30+01:00")
    assert code == 0
    assert out == (
        f"timer stopped on {TOPIC} (Advanced Python Features) after 1:30: logged 1.5 h "
        "(1.5 h in all); it is now in progress\n"
    )
    progress = ProgressStore(locations.progress_path(seed.id), seed).load()
    assert progress.clock is None and progress.logged(TOPIC) == 1.5


def test_cli_clock_in_while_running_stops_the_old_one_first(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    run(capsys, "clock", "in", TOPIC, "--at", "2026-12-03T09:00+01:00")
    code, out, _ = run(capsys, "clock", "in", "django-deep-dive", "--at", "2026-12-03T09:30+01:00")
    assert code == 0
    first, second = out.splitlines()
    assert first.startswith(f"timer stopped on {TOPIC}") and "logged 0.5 h" in first
    assert second.startswith("timer started on django-deep-dive")
    progress = ProgressStore(locations.progress_path(seed.id), seed).load()
    assert progress.clock is not None and progress.clock.topic == "django-deep-dive"
    assert progress.logged(TOPIC) == 0.5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("clock", "out"), "planner: no timer is running; start one with 'planner clock in ID'\n"),
        (("clock", "in"), "planner: 'clock in' needs the ID of a topic: planner clock in ID\n"),
        (("clock", "out", "x"), "planner: 'clock out' takes no ID (got 'x'); "),
        (("clock", "in", "x", "--at", "soon"), "planner: --at: 'soon' is neither a time"),
    ],
)
def test_cli_clock_mistakes_are_one_line_exit_2(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.startswith(message) and err.count("\n") == 1


def test_cli_clock_in_twice_on_the_same_topic_is_refused(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    run(capsys, "clock", "in", TOPIC)
    path = locations.progress_path(seed.id)
    before = path.read_text()
    code, _, err = run(capsys, "clock", "in", TOPIC)
    assert code == 2 and "the timer already runs on" in err
    assert path.read_text() == before


def test_cli_undo_takes_back_a_clock_out(capsys: pytest.CaptureFixture[str], seed: Roadmap) -> None:
    run(capsys, "clock", "in", TOPIC, "--at", "2026-12-03T09:00+01:00")
    run(capsys, "clock", "out", "--at", "2026-12-03T10:00+01:00")
    code, out, _ = run(capsys, "undo")
    assert code == 0 and "timer stopped: logged 1 h on Advanced Python Features" in out
    code, out, _ = run(capsys, "clock", "--at", "2026-12-03T10:00+01:00")
    assert "1:00 so far" in out


def test_cli_history_of_a_topic_shows_its_timer(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    run(capsys, "clock", "in", TOPIC, "--at", "2026-12-03T09:00+01:00")
    run(capsys, "clock", "out", "--at", "2026-12-03T09:45+01:00")
    code, out, _ = run(capsys, "history", TOPIC)
    assert code == 0
    lines = out.splitlines()
    assert "timer started on Advanced Python Features" in lines[0]
    assert "timer stopped: logged 0.75 h on Advanced Python Features" in lines[1]
