"""``planner sync`` against a real Radicale server (started here, on a free port, with a
password), read back with the caldav library: the calendar equals the plan's next weeks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import caldav
import icalendar
import pytest
from davserver import PASSWORD, USER, CountingProxy, Radicale, free_port

from planner.cli import main

TODAY = "2030-01-07"  # a Monday, well after any real clock running these tests
TZ = "Europe/Berlin"


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()


@pytest.fixture
def proxy(radicale: Radicale) -> Iterator[CountingProxy]:
    p = CountingProxy(radicale.port)
    yield p
    p.close()


@pytest.fixture
def calendar_name(request: pytest.FixtureRequest) -> str:
    """A calendar of its own for each test (one server for the module)."""
    return f"Study plan {request.node.name}"


class Setup:
    def __init__(self, tmp: Path, url: str, calendar: str, monkeypatch: pytest.MonkeyPatch):
        self.settings = tmp / "settings.yaml"
        self.url = url
        self.calendar = calendar
        self.write(url)
        monkeypatch.setenv("PLANNER_SYNC_PASSWORD", PASSWORD)

    def write(self, url: str, extra: str = "") -> None:
        self.settings.write_text(
            f"timezone: {TZ}\nsync:\n  service: caldav\n  url: {url}\n  username: {USER}\n"
            f"  calendar: {json.dumps(self.calendar)}\n{extra}",
            encoding="utf-8",
        )


@pytest.fixture
def setup(
    tmp_path: Path, proxy: CountingProxy, calendar_name: str, monkeypatch: pytest.MonkeyPatch
) -> Setup:
    return Setup(tmp_path, proxy.url, calendar_name, monkeypatch)


def sync(
    capsys: pytest.CaptureFixture[str], s: Setup, *args: str, today: str = TODAY
) -> tuple[int, str, str]:
    code = main(["sync", "--settings", str(s.settings), "--today", today, *args])
    out, err = capsys.readouterr()
    return code, out, err


def sync_json(capsys: pytest.CaptureFixture[str], s: Setup, *args: str, **kw: Any) -> Any:
    code, out, err = sync(capsys, s, "--json", *args, **kw)
    assert code == 0, err
    return json.loads(out)


def planned(
    capsys: pytest.CaptureFixture[str], s: Setup, weeks: int | None = 4, today: str = TODAY
) -> dict[str, tuple[datetime, datetime]]:
    """UID -> (start, end) of the sessions ``plan --json`` gives within the horizon."""
    assert main(["plan", "--json", "--settings", str(s.settings), "--today", today]) == 0
    data = json.loads(capsys.readouterr().out)
    last = date.fromisoformat(today) + timedelta(weeks=weeks or 10_000)
    out: dict[str, tuple[datetime, datetime]] = {}
    for x in data["sessions"]:
        start = datetime.fromisoformat(x["start"])
        if start.date() < last:
            out[f"backend-roadmap.{x['topic']}.{x['part']}@planner"] = (
                start,
                datetime.fromisoformat(x["end"]),
            )
    return out


def server_calendar(radicale: Radicale, name: str) -> Any:
    client = caldav.DAVClient(url=radicale.url, username=USER, password=PASSWORD)
    for cal in client.principal().calendars():
        if cal.get_display_name() == name:
            return cal
    return None


def server_events(radicale: Radicale, name: str) -> dict[str, Any]:
    """UID -> the VEVENT as the server holds it (read with the caldav library)."""
    cal = server_calendar(radicale, name)
    if cal is None:
        return {}
    out: dict[str, Any] = {}
    for obj in cal.events():
        parsed: Any = icalendar.Calendar.from_ical(obj.data)
        for ev in parsed.walk("VEVENT"):
            out[str(ev["UID"])] = ev
    return out


def times(events: dict[str, Any]) -> dict[str, tuple[datetime, datetime]]:
    return {uid: (e.decoded("DTSTART"), e.decoded("DTEND")) for uid, e in events.items()}


def raw(radicale: Radicale, name: str) -> dict[str, str]:
    cal = server_calendar(radicale, name)
    return {str(obj.url): obj.data for obj in cal.events()} if cal is not None else {}


def check_off(capsys: pytest.CaptureFixture[str], s: Setup) -> None:
    assert main(["done", "advanced-python-features", "--settings", str(s.settings)]) == 0
    capsys.readouterr()


def writes(proxy: CountingProxy) -> list[tuple[str, str]]:
    return [r for r in proxy.requests if r[0] in ("PUT", "DELETE", "MKCALENDAR", "PROPPATCH")]


# -- the calendar follows the plan ---------------------------------------------------------


def test_first_sync_creates_the_horizon_and_a_second_changes_nothing(
    capsys: pytest.CaptureFixture[str], setup: Setup, radicale: Radicale, proxy: CountingProxy
) -> None:
    want = planned(capsys, setup)
    assert 15 < len(want) < 40
    first = sync_json(capsys, setup)
    assert first == {
        "created": len(want),
        "updated": 0,
        "deleted": 0,
        "unchanged": 0,
        "kept": 0,
        "calendar": setup.calendar,
        "dry_run": False,
        "pinned": 0,
    }
    events = server_events(radicale, setup.calendar)
    assert times(events) == want
    some = next(iter(events.values()))
    assert str(some["X-PLANNER-KEY"]) == str(some["UID"])
    assert not list(some.walk("VALARM"))  # no reminder_minutes set
    before = raw(radicale, setup.calendar)
    proxy.reset()
    second = sync_json(capsys, setup)
    assert (second["created"], second["updated"], second["deleted"]) == (0, 0, 0)
    assert second["unchanged"] == len(want)
    assert writes(proxy) == [] and len(proxy.requests) <= 2
    assert raw(radicale, setup.calendar) == before


def test_the_text_report_names_the_first_few(
    capsys: pytest.CaptureFixture[str], setup: Setup
) -> None:
    code, out, err = sync(capsys, setup)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith(f"Synced calendar {setup.calendar!r}: ")
    assert "0 updated, 0 deleted, 0 unchanged." in lines[0]
    assert lines[1] == "  created Advanced Python Features (1/9), Mon 07 Jan 19:00"
    assert lines[6].startswith("  ... and ") and lines[6].endswith(" more created")


def test_after_a_check_off_the_calendar_equals_the_new_plan(
    capsys: pytest.CaptureFixture[str], setup: Setup, radicale: Radicale, proxy: CountingProxy
) -> None:
    sync_json(capsys, setup)
    check_off(capsys, setup)
    want = planned(capsys, setup)
    proxy.reset()
    result = sync_json(capsys, setup)
    assert times(server_events(radicale, setup.calendar)) == want
    assert result["deleted"] > 0 and result["updated"] + result["created"] > 0
    puts = [r for r in proxy.requests if r[0] == "PUT"]
    assert len(puts) == result["created"] + result["updated"]  # only changed events are sent


def test_sessions_that_left_the_horizon_are_deleted(
    capsys: pytest.CaptureFixture[str], setup: Setup, radicale: Radicale
) -> None:
    sync_json(capsys, setup, "--weeks", "3")
    result = sync_json(capsys, setup, "--weeks", "1")
    assert result["deleted"] > 0 and result["created"] == 0
    assert times(server_events(radicale, setup.calendar)) == planned(capsys, setup, weeks=1)
    everything = sync_json(capsys, setup, "--all")
    assert everything["created"] > 300
    assert len(server_events(radicale, setup.calendar)) == len(planned(capsys, setup, None))


def test_a_foreign_event_in_the_calendar_is_untouched(
    capsys: pytest.CaptureFixture[str], setup: Setup, radicale: Radicale
) -> None:
    sync_json(capsys, setup, "--weeks", "1")
    cal = server_calendar(radicale, setup.calendar)
    foreign = cal.save_event(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//someone//else//EN\r\nBEGIN:VEVENT\r\n"
        "UID:dentist@example.org\r\nDTSTAMP:20291201T000000Z\r\n"
        "DTSTART:20300108T180000Z\r\nDTEND:20300108T190000Z\r\nSUMMARY:Dentist\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    before = raw(radicale, setup.calendar)[str(foreign.url)]
    check_off(capsys, setup)
    sync_json(capsys, setup, "--weeks", "1")
    sync_json(capsys, setup, "--all")
    sync_json(capsys, setup, "--weeks", "1")
    after = raw(radicale, setup.calendar)
    assert after[str(foreign.url)] == before
    assert "dentist@example.org" in server_events(radicale, setup.calendar)


OTHER_ROADMAP = """\
id: other-roadmap
title: Another roadmap
modules:
  - id: m
    title: M
    topics:
      - id: t
        title: T
        estimate: 2 days
"""


def test_another_roadmaps_events_in_the_same_calendar_are_untouched(
    capsys: pytest.CaptureFixture[str], setup: Setup, radicale: Radicale, tmp_path: Path
) -> None:
    """Two roadmaps synced into one calendar: each sync keeps to its own roadmap's events."""
    other = tmp_path / "other.yaml"
    other.write_text(OTHER_ROADMAP, encoding="utf-8")
    mine = sync_json(capsys, setup, "--weeks", "1")
    assert mine["created"] > 0
    seed_uids = set(server_events(radicale, setup.calendar))
    theirs = sync_json(capsys, setup, "--weeks", "1", "--roadmap", str(other))
    assert theirs["created"] > 0 and theirs["deleted"] == 0
    held = set(server_events(radicale, setup.calendar))
    assert seed_uids < held
    assert all(uid.startswith("other-roadmap.") for uid in held - seed_uids)
    again = sync_json(capsys, setup, "--weeks", "1")  # the seed again: nothing to do
    assert again["created"] == again["updated"] == again["deleted"] == 0
    assert set(server_events(radicale, setup.calendar)) == held


def test_dry_run_changes_nothing(
    capsys: pytest.CaptureFixture[str], setup: Setup, radicale: Radicale, proxy: CountingProxy
) -> None:
    want = planned(capsys, setup)
    first = sync_json(capsys, setup, "--dry-run")
    assert first["created"] == len(want) and first["dry_run"] is True
    assert server_calendar(radicale, setup.calendar) is None  # not even the calendar
    assert writes(proxy) == []
    sync_json(capsys, setup)
    check_off(capsys, setup)
    before = raw(radicale, setup.calendar)
    proxy.reset()
    code, out, err = sync(capsys, setup, "--dry-run")
    assert code == 0, err
    assert out.startswith(f"Would sync calendar {setup.calendar!r}: ")
    assert "Dry run: nothing was changed." in out
    assert writes(proxy) == [] and raw(radicale, setup.calendar) == before
    real = sync_json(capsys, setup)
    assert real["updated"] + real["deleted"] + real["created"] > 0


def test_a_reminder_is_a_valarm(
    capsys: pytest.CaptureFixture[str], setup: Setup, radicale: Radicale
) -> None:
    setup.write(setup.url, "  reminder_minutes: 15\n")
    sync_json(capsys, setup, "--weeks", "1")
    for event in server_events(radicale, setup.calendar).values():
        (alarm,) = event.walk("VALARM")
        assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)
    setup.write(setup.url, "  reminder_minutes: null\n")
    again = sync_json(capsys, setup, "--weeks", "1")
    assert again["updated"] > 0 and again["unchanged"] == 0
    assert all(not e.walk("VALARM") for e in server_events(radicale, setup.calendar).values())


# -- the learner's own edits ------------------------------------------------------------------


def test_an_event_moved_on_the_server_is_kept_and_reported(
    capsys: pytest.CaptureFixture[str], setup: Setup, radicale: Radicale
) -> None:
    sync_json(capsys, setup)
    cal = server_calendar(radicale, setup.calendar)
    uid = "backend-roadmap.advanced-python-features.3@planner"
    obj = cal.event_by_uid(uid)
    event = obj.icalendar_component
    start = event.decoded("DTSTART") + timedelta(days=1, minutes=30)
    event["DTSTART"] = icalendar.vDDDTypes(start)
    event["DTEND"] = icalendar.vDDDTypes(start + timedelta(hours=1.5))
    obj.save()
    gone = "backend-roadmap.advanced-python-features.5@planner"
    cal.event_by_uid(gone).delete()

    code, out, err = sync(capsys, setup)
    assert code == 0, err
    assert "  kept your change to Advanced Python Features (3/9), moved to Thu 10 Jan 19:30" in out
    assert "  kept your deletion of Advanced Python Features (5/9)" in out
    events = server_events(radicale, setup.calendar)
    assert events[uid].decoded("DTSTART") == start
    assert gone not in events
    # the move became a pin (test_a_session_moved_in_the_calendar_becomes_a_pin): its
    # event follows the plan from now on; the deletion, and an edit that is no move,
    # are the learner's and stand, also after a check-off moves everything
    code, out, err = sync(capsys, setup)  # the calendar made the plan again
    assert code == 0 and "kept your" not in out  # reported once
    plan = planned(capsys, setup)
    del plan[gone]  # the learner's deletion stands
    assert times(server_events(radicale, setup.calendar)) == plan
    edited = "backend-roadmap.advanced-python-features.4@planner"
    obj = cal.event_by_uid(edited)
    obj.icalendar_component["SUMMARY"] = "Python, with Ana"
    obj.save()
    code, out, err = sync(capsys, setup)
    assert code == 0 and "kept your change to Python, with Ana" in out
    assert "pinned" not in out  # an edit, not a move
    check_off(capsys, setup)
    code, out, err = sync(capsys, setup)
    assert code == 0 and "kept your" not in out  # reported once
    events = server_events(radicale, setup.calendar)
    assert gone not in events and str(events[edited]["SUMMARY"]) == "Python, with Ana"
    assert uid not in events  # the topic is done: its pinned session with it


# -- errors: one line, exit 2, and the next sync repairs -----------------------------------


def one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("planner: ") and "Traceback" not in err
    return err


def test_wrong_password(
    capsys: pytest.CaptureFixture[str], setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_SYNC_PASSWORD", "wrong")
    err = one_line_error(*sync(capsys, setup))
    assert f"refused user '{USER}'" in err and "wrong" not in err.replace("(wrong user", "")


def test_password_command_and_no_password(
    capsys: pytest.CaptureFixture[str],
    setup: Setup,
    monkeypatch: pytest.MonkeyPatch,
    radicale: Radicale,
) -> None:
    monkeypatch.delenv("PLANNER_SYNC_PASSWORD")
    monkeypatch.setitem(__import__("sys").modules, "keyring", None)  # no keyring here
    err = one_line_error(*sync(capsys, setup))
    assert "no password for sync" in err
    setup.write(setup.url, f"  password_command: printf '%s\\n' '{PASSWORD}'\n")
    assert sync_json(capsys, setup, "--weeks", "1")["created"] > 0
    assert PASSWORD not in setup.settings.read_text().replace(f"'{PASSWORD}'", "")
    setup.write(setup.url, "  password_command: echo oops >&2; exit 3\n")
    err = one_line_error(*sync(capsys, setup))
    assert "password_command failed (exit 3: oops)" in err


def test_server_down(capsys: pytest.CaptureFixture[str], setup: Setup) -> None:
    setup.write(f"http://127.0.0.1:{free_port()}/")
    err = one_line_error(*sync(capsys, setup))
    assert (
        "cannot reach the CalDAV server" in err
        and "(connection refused: is the server running?)" in err
    )


def test_server_killed_in_the_middle_then_a_sync_completes_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = Radicale(tmp_path / "own-radicale")
    proxy = CountingProxy(server.port)
    try:
        s = Setup(tmp_path, proxy.url, "Study plan", monkeypatch)
        want = planned(capsys, s)
        proxy.on_put(7, server.stop)  # killed after the 7th event is stored, before its answer
        err = one_line_error(*sync(capsys, s))
        assert "cannot reach the CalDAV server" in err and "next sync" in err
        err = one_line_error(*sync(capsys, s))  # still down
        server.start()
        proxy.on_put(10_000, lambda: None)
        result = sync_json(capsys, s)
        assert result["created"] + result["unchanged"] == len(want)
        assert result["unchanged"] == 7  # those stored before the kill are not sent again
        assert times(server_events(server, "Study plan")) == want
        assert sync_json(capsys, s)["unchanged"] == len(want)
    finally:
        proxy.close()
        server.stop()


def test_the_calendar_deleted_on_the_server(
    capsys: pytest.CaptureFixture[str], setup: Setup, radicale: Radicale
) -> None:
    sync_json(capsys, setup, "--weeks", "1")
    server_calendar(radicale, setup.calendar).delete()
    err = one_line_error(*sync(capsys, setup, "--weeks", "1"))
    assert "is gone from" in err and "run planner sync again" in err
    again = sync_json(capsys, setup, "--weeks", "1")
    assert again["created"] > 0
    assert times(server_events(radicale, setup.calendar)) == planned(capsys, setup, weeks=1)


def test_sync_not_set_up(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    settings = tmp_path / "settings.yaml"
    settings.write_text("timezone: Europe/Berlin\n")
    code = main(["sync", "--settings", str(settings)])
    out, err = capsys.readouterr()
    err = one_line_error(code, out, err)
    assert "sync is not set up: add a 'sync:' section" in err


def test_a_session_moved_in_the_calendar_becomes_a_pin(
    capsys: pytest.CaptureFixture[str], setup: Setup, radicale: Radicale
) -> None:
    from zoneinfo import ZoneInfo

    from planner import locations
    from planner.progress import ProgressStore
    from planner.shape import pins_of

    sync_json(capsys, setup)
    cal = server_calendar(radicale, setup.calendar)
    uid = "backend-roadmap.advanced-python-features.3@planner"
    obj = cal.event_by_uid(uid)
    event = obj.icalendar_component
    start = event.decoded("DTSTART") + timedelta(days=1, minutes=30)
    event["DTSTART"] = icalendar.vDDDTypes(start)
    event["DTEND"] = icalendar.vDDDTypes(start + timedelta(hours=1.5))
    obj.save()

    code, out, err = sync(capsys, setup)
    assert code == 0, err
    assert "  pinned 1 moved session where you moved them" in out
    progress = ProgressStore(locations.progress_path("backend-roadmap")).load()
    (pin,) = pins_of(progress)
    assert pin.topic_id == "advanced-python-features"
    local = start.astimezone(ZoneInfo(TZ))
    assert pin.start == local.replace(tzinfo=None)  # the wall-clock time it was moved to
    assert progress.history.changes()[-1].source == "cli:sync"
    sessions = planned(capsys, setup, weeks=None)
    assert any(
        uid.startswith("backend-roadmap.advanced-python-features.") and begin == local
        for uid, (begin, _) in sessions.items()
    )
    # the next sync makes the calendar the plan again: the pinned session at the time it
    # was moved to, once (the moved event is no longer kept beside it), and the session
    # that event was back where the plan has it
    code, out, err = sync(capsys, setup)
    assert code == 0, err
    assert times(server_events(radicale, setup.calendar)) == planned(capsys, setup)
