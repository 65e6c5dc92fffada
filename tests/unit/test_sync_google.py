"""``planner sync`` with ``service: google``, over real HTTP against a local server that
answers as the Calendar API reference documents (tests/googleserver.py).

CI has no network: these tests check the requests the adapter makes (method, path, query,
body, the bearer token) and how it takes the answers, not Google itself. The README gives
the short manual check against a real account.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from googleserver import VALID_TOKEN, GoogleCalendarServer, write_token

from planner import locations
from planner.cli import main
from planner.sync import google

TODAY = "2030-01-07"  # a Monday
TZ = "Europe/Berlin"


@pytest.fixture
def server() -> Iterator[GoogleCalendarServer]:
    s = GoogleCalendarServer()
    yield s
    s.stop()


class Setup:
    def __init__(self, tmp: Path, server: GoogleCalendarServer, monkeypatch: pytest.MonkeyPatch):
        self.server = server
        self.settings = tmp / "settings.yaml"
        self.write()
        monkeypatch.setenv(google.ENV_API, server.url)
        monkeypatch.setenv(google.ENV_TOKEN_URI, server.token_uri)
        monkeypatch.setattr(google, "RETRY_BASE", 0.0)
        self.token = google.token_path()
        write_token(self.token, server.token_uri, google.SCOPES)

    def write(self, extra: str = "") -> None:
        self.settings.write_text(
            f"timezone: {TZ}\nsync:\n  service: google\n  reminder_minutes: 10\n{extra}",
            encoding="utf-8",
        )


@pytest.fixture
def setup(tmp_path: Path, server: GoogleCalendarServer, monkeypatch: pytest.MonkeyPatch) -> Setup:
    return Setup(tmp_path, server, monkeypatch)


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
    capsys: pytest.CaptureFixture[str], s: Setup, today: str = TODAY
) -> dict[str, tuple[datetime, datetime]]:
    """Key -> (start, end) of the sessions ``plan --json`` gives in the next 4 weeks."""
    assert main(["plan", "--json", "--settings", str(s.settings), "--today", today]) == 0
    data = json.loads(capsys.readouterr().out)
    last = date.fromisoformat(today) + timedelta(weeks=4)
    out = {}
    for x in data["sessions"]:
        start = datetime.fromisoformat(x["start"])
        if start.date() < last:
            key = f"backend-roadmap.{x['topic']}.{x['part']}@planner"
            out[key] = (start, datetime.fromisoformat(x["end"]))
    return out


def the_calendar(server: GoogleCalendarServer) -> str:
    assert len(server.calendars) == 1
    return next(iter(server.calendars))


def remote_times(server: GoogleCalendarServer) -> dict[str, tuple[datetime, datetime]]:
    out = {}
    for e in server.events(the_calendar(server)).values():
        key = ((e.get("extendedProperties") or {}).get("private") or {}).get("plannerKey")
        if key:
            out[key] = (
                datetime.fromisoformat(e["start"]["dateTime"]),
                datetime.fromisoformat(e["end"]["dateTime"]),
            )
    return out


def test_first_sync_makes_the_calendar_and_the_horizons_sessions(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    figures = sync_json(capsys, setup)
    want = planned(capsys, setup)
    assert figures["created"] == len(want) > 10
    assert figures["updated"] == figures["deleted"] == figures["unchanged"] == 0
    assert figures["calendar"] == "Study plan"
    assert remote_times(server) == want
    # the requests, as the reference documents them
    api = server.api_requests()
    assert [(r.method, r.path) for r in api[:3]] == [
        ("GET", "/users/me/calendarList"),
        ("POST", "/calendars"),
        ("GET", f"/calendars/{the_calendar(server)}/events"),
    ]
    assert api[1].body == {"summary": "Study plan", "timeZone": TZ}
    listing = api[2]
    assert listing.query["privateExtendedProperty"] == ["planner=1"]
    assert listing.query["maxResults"] == ["2500"]
    inserts = [r for r in api if r.method == "POST" and r.path.endswith("/events")]
    assert len(inserts) == len(want)
    assert all(r.authorization == f"Bearer {VALID_TOKEN}" for r in api)
    body = inserts[0].body
    assert set(body) == {
        "summary",
        "description",
        "start",
        "end",
        "transparency",
        "reminders",
        "extendedProperties",
    }
    assert body["start"]["timeZone"] == TZ
    assert body["reminders"] == {
        "useDefault": False,
        "overrides": [{"method": "popup", "minutes": 10}],
    }
    private = body["extendedProperties"]["private"]
    assert (
        private["planner"] == "1"
        and private["plannerKey"] in want
        and len(private["plannerHash"]) == 20
    )


def test_a_second_sync_sends_nothing(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    sync_json(capsys, setup)
    server.clear_log()
    figures = sync_json(capsys, setup)
    assert figures["created"] == figures["updated"] == figures["deleted"] == 0
    assert figures["unchanged"] > 10
    assert [(r.method, r.path) for r in server.api_requests()] == [
        ("GET", f"/calendars/{the_calendar(server)}/events")
    ]


def test_after_a_check_off_the_calendar_equals_the_new_plan(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    sync_json(capsys, setup)
    first = planned(capsys, setup)
    topic = next(iter(first)).split(".")[1]
    assert main(["done", topic]) == 0
    capsys.readouterr()
    server.clear_log()
    figures = sync_json(capsys, setup)
    want = planned(capsys, setup)
    assert remote_times(server) == want
    assert figures["deleted"] >= 1
    methods = {r.method for r in server.api_requests()}
    assert methods <= {"GET", "POST", "PATCH", "DELETE"}
    assert "PATCH" in methods  # moved sessions are patched in place, with If-Match
    assert all(r.if_match for r in server.api_requests() if r.method in ("PATCH", "DELETE"))


def test_listing_follows_next_page_token(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    sync_json(capsys, setup)
    server.page_size = 7
    server.clear_log()
    figures = sync_json(capsys, setup)
    assert figures["unchanged"] == len(planned(capsys, setup))
    pages = [r.query.get("pageToken") for r in server.api_requests()]
    assert pages == [None, *[[str(7 * i)] for i in range(1, len(pages))]]
    assert len(pages) > 2


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (429, "rateLimitExceeded"),
        (403, "rateLimitExceeded"),
        (403, "userRateLimitExceeded"),
        (503, "backendError"),
    ],
)
def test_rate_limits_and_server_errors_are_retried(
    capsys: pytest.CaptureFixture[str],
    setup: Setup,
    server: GoogleCalendarServer,
    status: int,
    reason: str,
) -> None:
    server.fail_next(status, reason, times=2)
    figures = sync_json(capsys, setup)
    assert figures["created"] == len(planned(capsys, setup))
    assert remote_times(server) == planned(capsys, setup)


def test_a_lasting_server_error_is_one_line_and_the_next_sync_completes(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    sync_json(capsys, setup)  # the calendar and its events
    assert main(["done", next(iter(planned(capsys, setup))).split(".")[1]]) == 0
    capsys.readouterr()
    server.fail_next(503, "backendError", times=google.RETRIES + 1)
    code, out, err = sync(capsys, setup)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Google Calendar is busy or failing (503" in err
    assert "Traceback" not in err
    figures = sync_json(capsys, setup)
    assert remote_times(server) == planned(capsys, setup)
    assert figures["created"] + figures["updated"] + figures["deleted"] > 0


def test_an_expired_access_token_is_refreshed(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    server.expire_tokens()
    figures = sync_json(capsys, setup)
    assert figures["created"] > 0
    assert [r.method for r in server.requests if r.path == "/token"] == ["POST"]
    refresh = next(r for r in server.requests if r.path == "/token")
    assert refresh.body["grant_type"] == "refresh_token"
    assert refresh.body["refresh_token"] == "1//local-refresh"
    used = {r.authorization for r in server.api_requests()}
    assert f"Bearer {VALID_TOKEN}" in used and any("refreshed" in (a or "") for a in used)


def test_a_revoked_sign_in_is_one_line(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    server.revoke()
    code, out, err = sync(capsys, setup)
    assert out == ""
    assert code == 2
    assert err.startswith("planner: Google refused the saved sign-in (expired or revoked)")
    assert err.count("\n") == 1
    assert "local-refresh" not in err and "local-secret" not in err
    assert setup.token.exists()  # nothing is deleted behind the learner's back


def test_a_foreign_event_is_never_touched(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    sync_json(capsys, setup)
    cal = the_calendar(server)
    foreign = server.add_event(
        cal,
        {
            "summary": "Dentist",
            "start": {"dateTime": "2030-01-08T09:00:00+01:00"},
            "end": {"dateTime": "2030-01-08T10:00:00+01:00"},
        },
    )
    snapshot = dict(foreign)
    assert main(["done", next(iter(planned(capsys, setup))).split(".")[1]]) == 0
    capsys.readouterr()
    sync_json(capsys, setup)
    sync_json(capsys, setup, "--all")
    assert server.events(cal)[foreign["id"]] == snapshot
    touched = {r.path for r in server.api_requests() if r.method != "GET"}
    assert not any(p.endswith(foreign["id"]) for p in touched)


def test_an_event_the_learner_moved_is_kept_and_reported(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    sync_json(capsys, setup)
    cal = the_calendar(server)
    event_id, event = next(iter(server.events(cal).items()))
    server.edit_event(
        cal,
        event_id,
        start={"dateTime": "2030-01-10T19:30:00+01:00"},
        end={"dateTime": "2030-01-10T21:00:00+01:00"},
    )
    moved = dict(server.events(cal)[event_id])
    code, out, err = sync(capsys, setup)
    assert code == 0, err
    assert f"kept your change to {event['summary']}, moved to Thu 10 Jan 19:30" in out
    assert "pinned 1 moved session where you moved them" in out
    assert server.events(cal)[event_id] == moved
    # the move is a pin now: the plan has the session there, and the next sync makes the
    # calendar the plan (that session once, at the time the learner moved it to)
    code, out, _ = sync(capsys, setup)
    assert "kept your change" not in out  # reported once
    times = remote_times(server)
    assert times == planned(capsys, setup)
    pinned = datetime.fromisoformat("2030-01-10T19:30:00+01:00")
    assert [start for start, _ in times.values()].count(pinned) == 1


def test_an_event_the_learner_edited_but_did_not_move_stands(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    sync_json(capsys, setup)
    cal = the_calendar(server)
    event_id = next(iter(server.events(cal)))
    server.edit_event(cal, event_id, summary="Python, with Ana")
    edited = dict(server.events(cal)[event_id])
    code, out, err = sync(capsys, setup)
    assert code == 0, err
    assert "kept your change to Python, with Ana" in out and "pinned" not in out
    code, out, _ = sync(capsys, setup)
    assert "kept your change" not in out  # reported once
    assert server.events(cal)[event_id] == edited


def test_a_deleted_event_answers_410_and_a_deleted_calendar_is_made_anew(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    sync_json(capsys, setup)
    cal = the_calendar(server)
    # the learner deletes the whole calendar in Google Calendar
    del server.calendars[cal]
    code, _, err = sync(capsys, setup)
    assert code == 2 and "is gone from Google Calendar; sync again to make it anew" in err
    figures = sync_json(capsys, setup)
    assert figures["created"] == len(planned(capsys, setup))
    assert remote_times(server) == planned(capsys, setup)


def test_delete_of_an_event_already_gone_is_done(server: GoogleCalendarServer) -> None:
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2.credentials import Credentials

    from planner.settings import SyncSettings
    from planner.sync.engine import RemoteEvent

    server.calendars["c@x"] = server_cal = __import__("googleserver").Calendar(
        "c@x", "Study plan", None
    )
    server_cal.deleted.add("gone1")
    session = AuthorizedSession(Credentials(VALID_TOKEN))
    adapter = google.GoogleAdapter(SyncSettings(service="google"), session, base_url=server.url)
    remote = RemoteEvent("k", "gone1", '"1"', "x", None, None, None)
    adapter.delete("c@x", remote)  # 410: already gone, not an error
    assert server.requests[-1].method == "DELETE"


def test_dry_run_changes_nothing(
    capsys: pytest.CaptureFixture[str], setup: Setup, server: GoogleCalendarServer
) -> None:
    figures = sync_json(capsys, setup, "--dry-run")
    assert figures["created"] == len(planned(capsys, setup)) and figures["dry_run"] is True
    assert server.calendars == {}
    assert all(r.method == "GET" for r in server.api_requests())


def test_not_signed_in_without_a_client_file_is_one_line(
    capsys: pytest.CaptureFixture[str], setup: Setup
) -> None:
    setup.token.unlink()
    code, out, err = sync(capsys, setup)
    assert code == 2 and out == ""
    assert "needs 'client_file: PATH'" in err and err.count("\n") == 1


def test_the_token_is_saved_private(tmp_path: Path) -> None:
    path = tmp_path / "data" / "google-token.json"
    google.save_token(path, '{"token": "t"}')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    path.chmod(0o644)
    google.save_token(path, '{"token": "u"}')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text()) == {"token": "u"}
    assert path.parent == tmp_path / "data" and locations.data_dir() != path.parent


def test_no_network_is_one_line(
    capsys: pytest.CaptureFixture[str], setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    from davserver import free_port

    monkeypatch.setenv(google.ENV_API, f"http://127.0.0.1:{free_port()}/calendar/v3")
    code, out, err = sync(capsys, setup)
    assert code == 2 and out == ""
    assert err.startswith("planner: cannot reach Google Calendar (")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "nothing was lost" in err
