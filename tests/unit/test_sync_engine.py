"""The sync engine's comparison (``plan_changes``), a pure function: desired events, the
events listed, the state and ``now`` in, the changes out. The CalDAV tests run it for real."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner.progress import Progress
from planner.roadmap import Roadmap
from planner.schedule import schedule
from planner.settings import Settings
from planner.sync.engine import (
    DesiredEvent,
    RemoteEvent,
    StateEntry,
    SyncState,
    desired_events,
    kept_text,
    load_state,
    plan_changes,
    save_state,
)

TZ = ZoneInfo("Europe/Berlin")
TODAY = date(2030, 1, 7)
NOW = datetime(2030, 1, 7, 0, 0, tzinfo=TZ)


@pytest.fixture(scope="module")
def desired(seed: Roadmap) -> list[DesiredEvent]:
    plan = schedule(seed, Progress(), Settings(timezone="Europe/Berlin"), TODAY, TZ)
    events, warnings = desired_events(
        seed, plan.sessions, Progress(), today=TODAY, weeks=2, reminder_minutes=None
    )
    assert warnings == [] and len(events) > 8
    return events


def remote(d: DesiredEvent, etag: str = "e1", **changes: object) -> RemoteEvent:
    values: dict[str, object] = {
        "key": d.key,
        "ref": f"/cal/{d.key}.ics",
        "etag": etag,
        "summary": d.summary,
        "start": d.start,
        "end": d.end,
        "content_hash": d.content_hash,
    }
    values.update(changes)
    return RemoteEvent(**values)  # type: ignore[arg-type]


def test_the_horizon_and_the_hash(seed: Roadmap, desired: list[DesiredEvent]) -> None:
    assert all(d.start.date() < TODAY + timedelta(weeks=2) for d in desired)
    assert len({d.content_hash for d in desired}) == len(desired)
    plan = schedule(seed, Progress(), Settings(timezone="Europe/Berlin"), TODAY, TZ)
    with_alarm, _ = desired_events(
        seed, plan.sessions, Progress(), today=TODAY, weeks=2, reminder_minutes=10
    )
    assert [d.key for d in with_alarm] == [d.key for d in desired]
    assert all(a.content_hash != d.content_hash for a, d in zip(with_alarm, desired, strict=True))


def test_empty_calendar_creates_all_and_equal_one_sends_nothing(
    desired: list[DesiredEvent],
) -> None:
    first = plan_changes(desired, [], SyncState(), now=NOW)
    assert first.create == desired and first.count == len(desired)
    state = SyncState(events={d.key: StateEntry("e1", d.content_hash) for d in desired})
    again = plan_changes(desired, [remote(d) for d in desired], state, now=NOW)
    assert again.count == 0 and again.unchanged == len(desired) and again.adopt == {}


def test_without_a_state_the_stored_hash_decides(desired: list[DesiredEvent]) -> None:
    listed = [remote(d) for d in desired]
    listed[0] = remote(desired[0], content_hash="old")
    changes = plan_changes(desired, listed, SyncState(), now=NOW)
    assert [d.key for _, d in changes.update] == [desired[0].key]
    assert changes.unchanged == len(desired) - 1 and not changes.kept
    assert set(changes.adopt) == {d.key for d in desired[1:]}  # their etags learnt


def test_the_learners_edits_are_kept_not_overwritten(desired: list[DesiredEvent]) -> None:
    state = SyncState(events={d.key: StateEntry("e1", d.content_hash) for d in desired})
    moved_to = desired[1].start + timedelta(hours=2)
    listed = [remote(d) for d in desired[2:]] + [remote(desired[1], "e2", start=moved_to)]
    changes = plan_changes(desired, listed, state, now=NOW)
    assert changes.count == 0
    assert {(k.key, k.deleted) for k in changes.kept} == {
        (desired[0].key, True),
        (desired[1].key, False),
    }
    moved = next(k for k in changes.kept if not k.deleted)
    assert kept_text(moved, TZ) == f"kept your change to {desired[1].summary}, moved to " + (
        f"{moved_to:%a %d %b %H:%M}"
    )
    assert changes.adopt[desired[1].key].kept and changes.adopt[desired[0].key].kept
    # once kept, never touched again, whatever the plan says
    state.events.update(changes.adopt)
    other = [
        DesiredEvent(d.item, d.reminder_minutes, "changed") for d in desired
    ]  # every event's text changed
    later = plan_changes(other, listed, state, now=NOW)
    assert {r.key for r, _ in later.update} == {d.key for d in desired[2:]}
    assert not later.create and not later.kept


def test_left_the_plan_is_deleted_but_history_and_doubles(desired: list[DesiredEvent]) -> None:
    gone = remote(desired[0])
    past = remote(
        desired[1],
        key="r.old.1@planner",
        end=NOW - timedelta(hours=1),
        start=NOW - timedelta(hours=2),
    )
    double = remote(desired[2], ref="/cal/copy.ics")
    changes = plan_changes(
        desired[2:], [gone, past, remote(desired[2]), double], SyncState(), now=NOW
    )
    assert changes.delete == [double, gone]
    with pytest.raises(ValueError, match="aware"):
        plan_changes(desired, [], SyncState(), now=datetime(2030, 1, 7))


def test_state_round_trip_and_damage(tmp_path: Path) -> None:
    path = tmp_path / "sync" / "r.json"
    state = SyncState("caldav me@x Study plan", "https://x/cal/", {"k": StateEntry('"e"', "h")})
    save_state(path, state)
    assert load_state(path, state.target) == state
    assert load_state(path, "another calendar") == SyncState("another calendar")
    path.write_text("{oops")
    damaged = load_state(path, state.target)
    assert damaged.events == {} and damaged.problem and "damaged" in damaged.problem
    assert load_state(tmp_path / "none.json", "t") == SyncState("t")


def test_a_sync_state_that_is_a_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    """The sync state goes through the same regular-file rule as every file of the user's:
    a named pipe there is a problem said in words, never a read that waits forever."""
    import os

    from planner.sync.engine import SyncError, load_state, save_state

    fifo = tmp_path / "state.json"
    os.mkfifo(fifo)
    state = load_state(fifo, "caldav me@x Study plan")
    assert state.events == {} and state.problem is not None
    assert "named pipe" in state.problem and str(fifo) in state.problem
    with pytest.raises(SyncError, match="named pipe"):
        save_state(fifo, state)
    assert fifo.exists() and not fifo.is_file()
