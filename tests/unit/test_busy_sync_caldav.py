"""``busy: [sync]`` with a CalDAV account: the account's other calendars, read from a real
Radicale server (started here, on a free port, with a password), keep the plan clear; the
planner's own calendar (its sessions) and free events do not."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import caldav
import pytest
from davserver import PASSWORD, USER, Radicale, free_port

from planner.cli import main

TODAY = "2030-01-07"  # a Monday
TZ = "Europe/Berlin"
PLANNER_CALENDAR = "Study plan"

ONE_OFF = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//personal//EN
BEGIN:VEVENT
UID:dentist@test
DTSTAMP:20291201T000000Z
DTSTART:20300109T173000Z
DTEND:20300109T190000Z
SUMMARY:Dentist
END:VEVENT
END:VCALENDAR
"""

WEEKLY = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//personal//EN
BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:STANDARD
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
UID:gym@test
DTSTAMP:20291201T000000Z
DTSTART;TZID=Europe/Berlin:20291230T190000
DTEND;TZID=Europe/Berlin:20291230T200000
RRULE:FREQ=WEEKLY;BYDAY=MO
EXDATE;TZID=Europe/Berlin:20300114T190000
SUMMARY:Gym
END:VEVENT
END:VCALENDAR
"""

FREE = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//personal//EN
BEGIN:VEVENT
UID:free@test
DTSTAMP:20291201T000000Z
DTSTART:20300110T170000Z
DTEND:20300110T200000Z
TRANSP:TRANSPARENT
SUMMARY:Working from the cafe
END:VEVENT
END:VCALENDAR
"""


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """A server of its own: every calendar of its one user counts for busy: [sync]."""
    server = Radicale(tmp_path_factory.mktemp("radicale-busy"))
    client = caldav.DAVClient(url=server.url, username=USER, password=PASSWORD)
    principal = client.principal()
    personal = principal.make_calendar(name="personal")
    for text in (ONE_OFF, WEEKLY, FREE):
        personal.save_event(text)
    principal.make_calendar(name="tasks", supported_calendar_component_set=["VTODO"])
    yield server
    server.stop()


def settings_file(tmp: Path, url: str) -> Path:
    path = tmp / "settings.yaml"
    path.write_text(
        f"timezone: {TZ}\nsync:\n  service: caldav\n  url: {url}\n  username: {USER}\n"
        f"  calendar: {PLANNER_CALENDAR}\nbusy:\n  - sync\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def settings(tmp_path: Path, radicale: Radicale, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLANNER_SYNC_PASSWORD", PASSWORD)
    return settings_file(tmp_path, radicale.url)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def busy_json(capsys: pytest.CaptureFixture[str], settings: Path) -> list[tuple[str, str]]:
    code, out, err = run(
        capsys, "busy", "--json", "--weeks", "2", "--settings", str(settings), "--today", TODAY
    )
    assert code == 0, err
    return [(x["start"], x["end"]) for x in json.loads(out)]


def synced_starts(radicale: Radicale) -> set[str]:
    """The starts of the events in the planner's own calendar, as the server holds them."""
    import icalendar

    client = caldav.DAVClient(url=radicale.url, username=USER, password=PASSWORD)
    own = next(
        c for c in client.principal().calendars() if c.get_display_name() == PLANNER_CALENDAR
    )
    out = set()
    for obj in own.events():
        for event in icalendar.Calendar.from_ical(obj.data).walk("VEVENT"):
            out.add(event.decoded("DTSTART").astimezone(ZoneInfo(TZ)).isoformat())
    return out


def test_busy_reads_the_accounts_other_calendars_not_the_planners_own(
    capsys: pytest.CaptureFixture[str], settings: Path, radicale: Radicale
) -> None:
    # the planner's own calendar, with its sessions (Mon 19:00-20:30 among them)
    code, _, err = run(capsys, "sync", "--settings", str(settings), "--today", TODAY)
    assert code == 0, err
    # what sync wrote is the plan around the busy times (the gym Mon 19:00-20:00)
    assert "2030-01-07T20:00:00+01:00" in synced_starts(radicale)
    assert "2030-01-07T19:00:00+01:00" not in synced_starts(radicale)
    assert busy_json(capsys, settings) == [
        ("2030-01-07T19:00:00+01:00", "2030-01-07T20:00:00+01:00"),  # the gym
        ("2030-01-09T18:30:00+01:00", "2030-01-09T20:00:00+01:00"),  # the dentist
        # Mon 14: the gym's EXDATE; Thu 10: a free event; never the planner's sessions
    ]
    code, out, err = run(
        capsys, "busy", "--weeks", "2", "--settings", str(settings), "--today", TODAY
    )
    assert (code, err) == (0, "")
    assert "(sync)" in out.splitlines()[0]
    assert out.splitlines()[-1] == "  2 busy times, 2.5 h"


def test_plan_keeps_clear_of_the_accounts_busy_events(
    capsys: pytest.CaptureFixture[str], settings: Path
) -> None:
    code, out, err = run(capsys, "plan", "--json", "--settings", str(settings), "--today", TODAY)
    assert (code, err) == (0, "")
    data = json.loads(out)
    starts = {x["start"][:10]: (x["start"][11:16], x["end"][11:16]) for x in data["sessions"]}
    assert starts["2030-01-07"] == ("20:00", "21:30")  # after the gym
    assert starts["2030-01-09"] == ("20:00", "21:30")  # after the dentist
    assert starts["2030-01-10"] == ("19:00", "20:30")  # the free event does not block
    assert starts["2030-01-14"] == ("19:00", "20:30")  # the gym's EXDATE
    assert starts["2030-01-21"] == ("20:00", "21:30")  # the gym again
    busy = [
        (datetime.fromisoformat(a), datetime.fromisoformat(b))
        for a, b in [
            ("2030-01-07T19:00+01:00", "2030-01-07T20:00+01:00"),
            ("2030-01-09T18:30+01:00", "2030-01-09T20:00+01:00"),
            ("2030-01-21T19:00+01:00", "2030-01-21T20:00+01:00"),
        ]
    ]
    for x in data["sessions"]:
        start, end = datetime.fromisoformat(x["start"]), datetime.fromisoformat(x["end"])
        assert not any(start < b and a < end for a, b in busy), x
    assert round(sum(x["hours"] for x in data["sessions"]), 2) == 944.0


def test_a_server_out_of_reach_is_one_warning_and_the_plan_is_made_without_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLANNER_SYNC_PASSWORD", PASSWORD)
    url = f"http://127.0.0.1:{free_port()}/"
    settings = settings_file(tmp_path, url)
    code, out, err = run(capsys, "plan", "--json", "--settings", str(settings), "--today", TODAY)
    assert code == 0
    assert err == (
        "planner: warning: busy: 'sync' skipped: cannot reach the CalDAV server "
        f"{url.rstrip('/')} to read your other calendars (connection refused: is the server "
        "running?)\n"
    )
    assert json.loads(out)["sessions"][0]["start"] == "2030-01-07T19:00:00+01:00"


def test_a_wrong_password_or_none_is_one_warning_never_the_password(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    radicale: Radicale,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_file(tmp_path, radicale.url)
    monkeypatch.setenv("PLANNER_SYNC_PASSWORD", "not the password")
    code, out, err = run(capsys, "busy", "--settings", str(settings), "--today", TODAY)
    assert code == 0
    assert err == (
        "planner: warning: busy: 'sync' skipped: the CalDAV server "
        f"{radicale.url.rstrip('/')} refused user 'learner' (wrong user name or password?); "
        "check the sync settings and the password\n"
    )
    assert "not the password" not in out + err
    monkeypatch.delenv("PLANNER_SYNC_PASSWORD")
    monkeypatch.setattr("planner.sync.caldav.KEYRING_SERVICE", "planner-test-none")
    code, _, err = run(capsys, "busy", "--settings", str(settings), "--today", TODAY)
    assert code == 0
    assert err.startswith("planner: warning: busy: 'sync' skipped: no password for sync: ")
    assert err.count("\n") == 1


# -- what the account gave, read by planner.busy's rules -----------------------------------

ALL_DAY = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//personal//EN
BEGIN:VEVENT
UID:conference@test
DTSTAMP:20291201T000000Z
DTSTART;VALUE=DATE:20300108
DTEND;VALUE=DATE:20300109
SUMMARY:Conference
END:VEVENT
END:VCALENDAR
"""

BROKEN = b"""BEGIN:VCALENDAR
VERSION:2.0
BEGIN:VEVENT
UID:broken@test
DTSTART:20300108T180000Z
RRULE:FREQ=SOMETIMES
END:VEVENT
END:VCALENDAR
"""


def test_sync_calendars_follow_the_all_day_rule_and_a_broken_event_is_a_warning() -> None:
    from datetime import date

    from planner.busy import SyncBusy, merge, sync_intervals

    tz = ZoneInfo(TZ)
    got = SyncBusy(calendars=(("sync calendar 'personal' (a.ics)", ALL_DAY),))
    start, end = date(2030, 1, 7), date(2030, 1, 14)
    found, said = sync_intervals(got, start, end, tz, all_day_blocks=True)
    midnight = int(datetime(2030, 1, 8, tzinfo=tz).timestamp() // 60)
    assert (merge(found), said) == (((midnight, midnight + 24 * 60),), [])
    assert sync_intervals(got, start, end, tz, all_day_blocks=False) == ([], [])
    broken = SyncBusy(calendars=(("sync calendar 'personal' (b.ics)", BROKEN),), warnings=("x",))
    found, said = sync_intervals(broken, start, end, tz)
    assert found == []
    assert said[0] == "x"
    assert said[1].startswith("sync calendar 'personal' (b.ics)")
    assert said[1].endswith("; skipped that event")
    # Google's spans: clipped to the window
    spans = SyncBusy(
        spans=((datetime(2030, 1, 6, 12, tzinfo=tz), datetime(2030, 1, 7, 1, tzinfo=tz)),)
    )
    found, _ = sync_intervals(spans, start, end, tz)
    lo = int(datetime(2030, 1, 7, tzinfo=tz).timestamp() // 60)
    assert found == [(lo, lo + 60)]
