"""``busy: [sync]`` with Google: the free/busy query for the learner's primary calendar and
the selected ones in their calendar list, never the planner's own, over real HTTP against
the local server that answers as the Calendar API reference documents
(tests/googleserver.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from googleserver import VALID_TOKEN, GoogleCalendarServer, write_token

from planner.cli import main
from planner.sync import google

TODAY = "2030-01-07"  # a Monday
TZ = "Europe/Berlin"
PRIMARY = "learner@example.com"


@pytest.fixture
def server() -> Iterator[GoogleCalendarServer]:
    s = GoogleCalendarServer()
    s.add_calendar(PRIMARY, cal_id=PRIMARY, primary=True)
    s.add_event(  # the dentist, Wed 18:30-20:00 local
        PRIMARY,
        {
            "start": {"dateTime": "2030-01-09T17:30:00Z"},
            "end": {"dateTime": "2030-01-09T19:00:00Z"},
        },
    )
    s.add_event(  # free: not busy
        PRIMARY,
        {
            "start": {"dateTime": "2030-01-10T17:00:00Z"},
            "end": {"dateTime": "2030-01-10T20:00:00Z"},
            "transparency": "transparent",
        },
    )
    choir = s.add_calendar("Choir")
    s.add_event(  # Tue 19:00-20:00 local
        choir,
        {
            "start": {"dateTime": "2030-01-08T19:00:00+01:00"},
            "end": {"dateTime": "2030-01-08T20:00:00+01:00"},
        },
    )
    hidden = s.add_calendar("Holidays in Peru", selected=False)
    s.add_event(hidden, {"start": {"date": "2030-01-14"}, "end": {"date": "2030-01-15"}})
    yield s
    s.stop()


class Setup:
    def __init__(
        self,
        tmp: Path,
        server: GoogleCalendarServer,
        monkeypatch: pytest.MonkeyPatch,
        scopes: list[str],
    ):
        self.server = server
        self.settings = tmp / "settings.yaml"
        self.settings.write_text(
            f"timezone: {TZ}\nsync:\n  service: google\nbusy:\n  - sync\n", encoding="utf-8"
        )
        monkeypatch.setenv(google.ENV_API, server.url)
        monkeypatch.setenv(google.ENV_TOKEN_URI, server.token_uri)
        monkeypatch.setattr(google, "RETRY_BASE", 0.0)
        self.token = google.token_path()
        write_token(self.token, server.token_uri, scopes)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_busy_asks_free_busy_of_the_primary_and_selected_calendars_not_the_planners(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    server: GoogleCalendarServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = Setup(tmp_path, server, monkeypatch, google.scopes_for(True))
    code, _, err = run(capsys, "sync", "--settings", str(s.settings), "--today", TODAY)
    assert code == 0, err  # the planner's own calendar, with its sessions
    own = next(c.id for c in server.calendars.values() if c.summary == "Study plan")
    server.clear_log()
    code, out, err = run(
        capsys, "busy", "--json", "--weeks", "2", "--settings", str(s.settings), "--today", TODAY
    )
    assert (code, err) == (0, "")
    assert [(x["start"], x["end"]) for x in json.loads(out)] == [
        ("2030-01-08T19:00:00+01:00", "2030-01-08T20:00:00+01:00"),  # the choir
        ("2030-01-09T18:30:00+01:00", "2030-01-09T20:00:00+01:00"),  # the dentist
    ]
    asked = [r for r in server.api_requests() if r.path == "/freeBusy"]
    assert len(asked) == 1
    assert asked[0].method == "POST"
    assert asked[0].authorization == f"Bearer {VALID_TOKEN}"
    body = asked[0].body
    choir = next(c.id for c in server.calendars.values() if c.summary == "Choir")
    assert sorted(i["id"] for i in body["items"]) == sorted([PRIMARY, choir])
    assert own not in [i["id"] for i in body["items"]]
    assert (body["timeMin"], body["timeMax"]) == ("2030-01-06T23:00:00Z", "2030-01-20T23:00:00Z")

    code, out, err = run(capsys, "plan", "--json", "--settings", str(s.settings), "--today", TODAY)
    assert (code, err) == (0, "")
    sessions = json.loads(out)["sessions"]
    day = {x["start"][:10]: (x["start"][11:16], x["end"][11:16]) for x in sessions}
    assert day["2030-01-07"] == ("19:00", "20:30")
    assert day["2030-01-08"] == ("20:00", "21:30")  # after the choir
    assert day["2030-01-09"] == ("20:00", "21:30")  # after the dentist
    assert day["2030-01-10"] == ("19:00", "20:30")  # the free event does not block
    assert day["2030-01-14"] == ("19:00", "20:30")  # an unselected calendar does not count
    for x in sessions:
        start, end = datetime.fromisoformat(x["start"]), datetime.fromisoformat(x["end"])
        for a, b in [("2030-01-08T19:00+01:00", "2030-01-08T20:00+01:00")]:
            assert not (start < datetime.fromisoformat(b) and datetime.fromisoformat(a) < end)


def test_a_sign_in_without_the_free_busy_permission_is_one_line_and_no_browser(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    server: GoogleCalendarServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = Setup(tmp_path, server, monkeypatch, google.SCOPES)  # saved before busy: sync
    opened: list[object] = []
    monkeypatch.setattr("webbrowser.open", lambda *a, **k: opened.append(a) or True)
    code, out, err = run(capsys, "plan", "--json", "--settings", str(s.settings), "--today", TODAY)
    assert code == 0
    assert err == (
        "planner: warning: busy: 'sync' skipped: Google's free/busy permission is missing "
        "(busy: sync needs it); run 'planner sync' in a terminal to sign in again and allow it\n"
    )
    assert json.loads(out)["sessions"][1]["start"] == "2030-01-08T19:00:00+01:00"
    assert not [r for r in server.api_requests() if r.path == "/freeBusy"]
    # planner sync signs in again to ask for it (here: no OAuth client file is named)
    code, _, err = run(capsys, "sync", "--settings", str(s.settings), "--today", TODAY)
    assert code == 2
    assert "client_file" in err and err.count("\n") == 1
    assert opened == []


def test_google_out_of_reach_is_one_warning(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    server: GoogleCalendarServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = Setup(tmp_path, server, monkeypatch, google.scopes_for(True))
    server.stop()
    code, _, err = run(capsys, "busy", "--settings", str(s.settings), "--today", TODAY)
    assert code == 0
    assert err.startswith("planner: warning: busy: 'sync' skipped: cannot reach Google Calendar (")
    assert err.count("\n") == 1
    assert err.endswith(")\n")  # not the sync's "sync again: nothing was lost"
    assert VALID_TOKEN not in err and "local-refresh" not in err


def test_a_calendar_google_has_no_free_busy_for_is_a_warning_the_others_still_count(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    server: GoogleCalendarServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    s = Setup(tmp_path, server, monkeypatch, google.scopes_for(True))
    choir = next(c.id for c in server.calendars.values() if c.summary == "Choir")
    server.free_busy_errors[choir] = "internalError"
    code, out, err = run(
        capsys, "busy", "--json", "--weeks", "2", "--settings", str(s.settings), "--today", TODAY
    )
    assert code == 0
    assert err == (
        f"planner: warning: busy: Google Calendar gave no free/busy times for calendar "
        f"{choir!r} (internalError); planned without it\n"
    )
    assert [(x["start"], x["end"]) for x in json.loads(out)] == [
        ("2030-01-09T18:30:00+01:00", "2030-01-09T20:00:00+01:00"),  # the dentist
    ]


def test_planner_sync_signs_in_again_asking_for_free_busy_and_keeps_what_was_allowed(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    server: GoogleCalendarServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The browser step of the sign-in is stood in for (CI has no browser, no Google); the
    rest is real: the flow built from the client file, the token saved and used."""
    from google.oauth2.credentials import Credentials
    from google_auth_oauthlib.flow import InstalledAppFlow

    s = Setup(tmp_path, server, monkeypatch, google.SCOPES)  # saved before busy: [sync]
    client = tmp_path / "client.json"
    client.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": "local.apps.googleusercontent.com",
                    "client_secret": "local-secret",
                    "auth_uri": server.url + "/auth",
                    "token_uri": server.token_uri,
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    s.settings.write_text(
        f"timezone: {TZ}\nsync:\n  service: google\n  client_file: {client}\nbusy:\n  - sync\n",
        encoding="utf-8",
    )
    asked: list[list[str]] = []

    def browser_step(flow: InstalledAppFlow, **_: object) -> Credentials:
        asked.append(list(flow.oauth2session.scope or []))
        return Credentials(  # type: ignore[no-untyped-call]
            token=VALID_TOKEN,
            refresh_token="1//local-refresh-2",
            token_uri=server.token_uri,
            client_id="local.apps.googleusercontent.com",
            client_secret="local-secret",
            scopes=asked[-1],
            granted_scopes=asked[-1],
        )

    monkeypatch.setattr(InstalledAppFlow, "run_local_server", browser_step)
    code, _, err = run(capsys, "sync", "--settings", str(s.settings), "--today", TODAY)
    assert code == 0, err
    assert err == ""  # signed in before planning: the busy times were read at once
    assert len(asked) == 1 and google.FREEBUSY_SCOPE in asked[0]
    assert set(google.SCOPES) <= set(asked[0])
    assert google.FREEBUSY_SCOPE in json.loads(s.token.read_text())["scopes"]
    assert [r for r in server.api_requests() if r.path == "/freeBusy"]
    code, _, err = run(capsys, "sync", "--settings", str(s.settings), "--today", TODAY)
    assert (code, err, len(asked)) == (0, "", 1)  # no sign-in again
