"""The app and busy calendars (issue 13): busy blocks dimmed in the agenda, the hours a
week lost to them, and the app reading its calendars in a worker and re-planning."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from planner.busy import parse_calendar
from planner.progress import Progress
from planner.roadmap_file import load_roadmap
from planner.schedule import schedule
from planner.settings import Settings
from planner.tui.widgets.agenda import Agenda

from .conftest import AppFactory
from .test_views_support import ViewApp

DATA = Path(__file__).resolve().parents[1] / "data" / "busy"
SEED = Path(__file__).resolve().parents[2] / "roadmap.yaml"
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = date(2027, 1, 11)


async def test_agenda_shows_busy_blocks_and_hours_lost() -> None:
    roadmap = load_roadmap(SEED)
    settings = Settings(timezone="Europe/Berlin")
    busy = parse_calendar((DATA / "google.ics").read_bytes(), "g", MONDAY, date(2027, 3, 1), BERLIN)
    plan = schedule(roadmap, Progress(), settings, MONDAY, BERLIN, busy=busy)
    app = ViewApp(Agenda(id="agenda"), roadmap, plan, settings, MONDAY)
    async with app.run_test(size=(110, 60)) as pilot:
        await pilot.pause()
        agenda = app.query_one(Agenda)
        lines = [agenda.row_text(i).rstrip() for i in range(agenda.row_count)]
        assert lines[1].startswith(" Mon 11 Jan  19:00–20:00  busy")
        assert lines[2].startswith("             20:00–21:30  ▌ Advanced Python Features (1/10)")
        assert lines[3].startswith(" Tue 12 Jan  18:30–21:00  busy")
        week = next(line for line in lines if "18–24 Jan" in line)
        assert "3 h lost to busy" in week
        assert any(line.startswith(" Thu 21 Jan  00:00–24:00  busy") for line in lines)
        assert agenda.session_count == len(plan.sessions)
        # the busy rows are dimmed: their style is the agenda's busy style
        busy_style = agenda.get_component_rich_style("agenda--busy")
        assert busy_style.italic


async def test_the_app_reads_its_busy_calendars_in_a_worker_and_replans(
    make_app: AppFactory, tmp_path: Path
) -> None:
    shutil.copy(DATA / "google.ics", tmp_path / "me.ics")
    settings = Settings(timezone="Europe/Berlin", start_date=MONDAY, busy=("me.ics",))
    app = make_app(settings=settings, tz=BERLIN)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.busy, "the busy calendar was read"
        first = app.plan.sessions[0]
        assert (first.start.date(), f"{first.start:%H:%M}") == (MONDAY, "20:00")
        assert app.plan.busy_lost == {date(2027, 1, 18): 3.0}
        # the baseline kept is the plan around the busy times (none on the conference)
        assert app.baseline is not None
        assert "2027-01-20" in app.baseline["days"] and "2027-01-21" not in app.baseline["days"]


async def test_calendar_day_detail_shows_busy_times_and_the_weeks_loss() -> None:
    from planner.tui.widgets.month_calendar import MonthCalendar

    roadmap = load_roadmap(SEED)
    settings = Settings(timezone="Europe/Berlin")
    busy = parse_calendar((DATA / "google.ics").read_bytes(), "g", MONDAY, date(2027, 3, 1), BERLIN)
    plan = schedule(roadmap, Progress(), settings, MONDAY, BERLIN, busy=busy)
    app = ViewApp(MonthCalendar(id="calendar"), roadmap, plan, settings, MONDAY)
    async with app.run_test(size=(110, 50)) as pilot:
        await pilot.pause()
        calendar = app.query_one(MonthCalendar)
        calendar.select_day(date(2027, 1, 19))
        await pilot.pause()
        text = str(calendar.query_one("#calendar-details").render())
        assert "22:30–24:00 Advanced Python Features (9/10)" in text  # to midnight
        assert "busy 19:00–22:30" in text
        assert "week: 3 h lost to busy" in text
        calendar.select_day(date(2027, 1, 21))
        await pilot.pause()
        text = str(calendar.query_one("#calendar-details").render())
        assert "nothing planned · busy 00:00–24:00" in text


def _google_token(server: Any, scopes: list[str]) -> None:
    from googleserver import write_token

    from planner.sync import google

    token = google.token_path()
    write_token(token, server.token_uri, scopes)


async def test_the_app_tells_a_missing_free_busy_permission_once_never_a_browser(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from googleserver import GoogleCalendarServer

    from planner.settings import SyncSettings
    from planner.sync import google

    opened: list[object] = []
    monkeypatch.setattr("webbrowser.open", lambda *a, **k: opened.append(a) or True)
    server = GoogleCalendarServer()
    try:
        monkeypatch.setenv(google.ENV_API, server.url)
        monkeypatch.setenv(google.ENV_TOKEN_URI, server.token_uri)
        _google_token(server, google.SCOPES)  # saved before busy: [sync]
        settings = Settings(timezone="UTC", busy=("sync",), sync=SyncSettings(service="google"))
        app = make_app(settings=settings)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            app._read_busy()  # the next poll
            await app.workers.wait_for_complete()
            await pilot.pause()
            told = [n.message for n in app._notifications if "free/busy" in n.message]
            assert told == [f"busy: 'sync' skipped: {google.FREEBUSY_MISSING}"]
            assert not [r for r in server.api_requests() if r.path == "/freeBusy"]
        assert opened == []
    finally:
        server.stop()


async def test_the_app_reads_busy_sync_in_its_worker(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """busy: [sync] with Google: the free/busy answer, read in the busy worker against the
    local server that answers as the Calendar API reference documents."""
    from googleserver import GoogleCalendarServer

    from planner.settings import SyncSettings
    from planner.sync import google

    server = GoogleCalendarServer()
    try:
        server.add_calendar("me@example.com", cal_id="me@example.com", primary=True)
        server.add_event(
            "me@example.com",
            {
                "start": {"dateTime": "2026-03-02T19:00:00Z"},
                "end": {"dateTime": "2026-03-02T20:00:00Z"},
            },
        )
        monkeypatch.setenv(google.ENV_API, server.url)
        monkeypatch.setenv(google.ENV_TOKEN_URI, server.token_uri)
        _google_token(server, google.scopes_for(True))
        settings = Settings(
            timezone="UTC",
            start_date=date(2026, 3, 2),
            busy=("sync",),
            sync=SyncSettings(service="google"),
        )
        app = make_app(settings=settings)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert [r for r in server.api_requests() if r.path == "/freeBusy"]
            assert app.busy, "the sync account's busy times were read"
            first = app.plan.sessions[0]
            assert (first.start.date(), f"{first.start:%H:%M}") == (date(2026, 3, 2), "20:00")
    finally:
        server.stop()
