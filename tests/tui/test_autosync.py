"""The app syncs the calendar by itself (issue 12, item 5), against a real Radicale server
started here on a free port with a password, read back with the caldav library."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import caldav
import icalendar
import pytest
from davserver import PASSWORD, USER, CountingProxy, Radicale, free_port
from textual.pilot import Pilot

from planner.progress import State
from planner.settings import Settings, SyncSettings
from planner.tui.app import PlannerApp
from planner.tui.autosync import NOT_SET_UP

from .conftest import SETTINGS, TODAY, AppFactory, saved


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    server = Radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLANNER_SYNC_PASSWORD", PASSWORD)


def sync_settings(url: str, calendar: str) -> Settings:
    return Settings(
        timezone=SETTINGS.timezone,
        start_date=SETTINGS.start_date,
        sync=SyncSettings(service="caldav", url=url, username=USER, calendar=calendar),
    )


def calendar_events(server: Radicale, name: str) -> dict[str, tuple[datetime, datetime]]:
    """UID -> (start, end) of the events the server holds in the calendar ``name``."""
    client = caldav.DAVClient(url=server.url, username=USER, password=PASSWORD)
    out: dict[str, tuple[datetime, datetime]] = {}
    for cal in client.principal().calendars():
        if cal.get_display_name() != name:
            continue
        for obj in cal.events():
            parsed: Any = icalendar.Calendar.from_ical(obj.data)
            for ev in parsed.walk("VEVENT"):
                assert str(ev["UID"]) not in out, f"two events {ev['UID']}"
                out[str(ev["UID"])] = (ev.decoded("DTSTART"), ev.decoded("DTEND"))
    return out


def plan_events(app: PlannerApp, weeks: int = 4) -> dict[str, tuple[datetime, datetime]]:
    """UID -> (start, end) of the app's plan's sessions within the next ``weeks`` weeks."""
    last = TODAY + timedelta(weeks=weeks)
    return {
        f"{app.roadmap.id}.{s.topic_id}.{s.part}@planner": (s.start, s.end)
        for s in app.plan.sessions
        if s.start.date() < last
    }


async def until(pilot: Pilot[Any], done: Callable[[], bool], what: str, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)
    await pilot.pause()  # the notifications posted meanwhile are handled


def header(app: PlannerApp) -> str:
    return app.header_facts().sync


def synced_after(app: PlannerApp, runs: int) -> Callable[[], bool]:
    s = app.autosync.status
    return lambda: app.autosync.runs > runs and not s.running


def notes(app: PlannerApp) -> list[str]:
    return [n.message for n in app._notifications]


def quick(app: PlannerApp, retry: float = 0.3) -> PlannerApp:
    app.autosync.debounce = 0.1
    app.autosync.retry_delays = (retry,)
    return app


async def test_starts_syncs_by_itself_and_follows_a_check_off(
    make_app: AppFactory, radicale: Radicale, progress_path: Path
) -> None:
    name = "Study plan autosync"
    app = quick(make_app(settings=sync_settings(radicale.url, name)))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, synced_after(app, 0), "the first sync")
        assert header(app) == "synced 08:30"  # the injected clock, in the app's zone
        assert "synced 08:30" in str(app.query_one("#header").render())
        first = calendar_events(radicale, name)
        assert first and first == plan_events(app)

        topic = app.roadmap.modules[0].topics[0]
        before = plan_events(app)
        assert app.set_state(topic.id, State.DONE)
        await until(pilot, synced_after(app, 1), "the sync after the check-off")
        assert app.autosync.runs == 2  # one sync for the change, after the debounce
        assert saved(progress_path, app.roadmap).state(app.roadmap, topic.id) is State.DONE
        after = plan_events(app)
        assert after != before  # the check-off moved the plan
        assert calendar_events(radicale, name) == after
        assert header(app) == "synced 08:30"


async def test_a_run_of_changes_makes_one_sync(make_app: AppFactory, radicale: Radicale) -> None:
    name = "Study plan debounce"
    app = quick(make_app(settings=sync_settings(radicale.url, name)))
    app.autosync.debounce = 1.0
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, synced_after(app, 0), "the first sync")
        for topic in app.roadmap.modules[0].topics[:3]:
            assert app.set_state(topic.id, State.DONE)
            await pilot.pause(0.1)
        assert app.autosync.runs == 1  # none yet: the last change was under a second ago
        await until(pilot, synced_after(app, 1), "the sync after the changes")
        await pilot.pause(1.5)
        assert app.autosync.runs == 2
        assert calendar_events(radicale, name) == plan_events(app)


async def test_server_down_then_back(
    make_app: AppFactory, tmp_path: Path, progress_path: Path
) -> None:
    server = Radicale(tmp_path / "dav")
    name = "Study plan offline"
    try:
        app = quick(make_app(settings=sync_settings(server.url, name)), retry=0.5)
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, synced_after(app, 0), "the first sync")
            assert header(app) == "synced 08:30"
            server.stop()

            topic = app.roadmap.modules[0].topics[0]
            assert app.set_state(topic.id, State.DONE)
            status = app.autosync.status
            await until(
                pilot, lambda: status.failure is not None and not status.running, "a failure"
            )
            assert header(app) == "sync failed: offline, will retry"
            assert "sync failed: offline, will retry" in str(app.query_one("#header").render())
            # the check-off is saved and shown all the same
            assert saved(progress_path, app.roadmap).state(app.roadmap, topic.id) is State.DONE
            assert app.facts.state(topic.id) is State.DONE
            told = [n for n in notes(app) if "cannot reach the CalDAV server" in n]
            assert len(told) == 1
            # retries that fail the same way are not told again
            failures = status.failures
            await until(pilot, lambda: status.failures >= failures + 2, "two more retries")
            assert len([n for n in notes(app) if "cannot reach" in n]) == 1

            server.start()
            await until(pilot, lambda: status.failure is None and not status.running, "a retry")
            assert header(app) == "synced 08:30"
            assert calendar_events(server, name) == plan_events(app)
    finally:
        server.stop()


class Silent:
    """A server that takes connections and never answers (a network that hangs), until
    ``close()`` cuts them all."""

    def __init__(self) -> None:
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.conns: list[socket.socket] = []
        self.accepted = threading.Event()

        def serve() -> None:
            while True:
                try:
                    conn, _ = self.sock.accept()
                except OSError:
                    return
                self.conns.append(conn)
                self.accepted.set()

        threading.Thread(target=serve, daemon=True).start()

    def close(self) -> None:
        import socket

        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.sock.close()


async def test_a_hanging_sync_never_holds_up_a_check_off(
    make_app: AppFactory, progress_path: Path
) -> None:
    silent = Silent()
    try:
        app = quick(make_app(settings=sync_settings(silent.url, "Study plan hangs")), 3600)
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, silent.accepted.is_set, "the sync's request")
            assert app.autosync.status.running and header(app) == "syncing…"
            topic = app.roadmap.modules[0].topics[0]
            await pilot.press("down", "space")  # the first topic, checked off by its key
            await pilot.pause()
            assert app.facts.state(topic.id) is State.DONE
            assert saved(progress_path, app.roadmap).state(app.roadmap, topic.id) is State.DONE
            assert app.autosync.status.running  # the sync still waits for its answer
            silent.close()  # the connection is cut: the sync fails, the retry is later
            await until(pilot, lambda: not app.autosync.status.running, "the failure")
            assert header(app) == "sync failed: offline, will retry"
    finally:
        silent.close()


async def test_sync_key_syncs_now(make_app: AppFactory, radicale: Radicale) -> None:
    name = "Study plan key"
    app = make_app(settings=sync_settings(radicale.url, name))
    app.autosync.start_delay = 3600.0  # no sync by itself in this test
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert header(app) == ""
        assert calendar_events(radicale, name) == {}
        await pilot.press("S")
        await until(pilot, synced_after(app, 0), "the sync the key asked for")
        assert header(app) == "synced 08:30"
        assert calendar_events(radicale, name) == plan_events(app)


async def test_palette_sync_now(make_app: AppFactory, radicale: Radicale) -> None:
    name = "Study plan palette"
    app = make_app(settings=sync_settings(radicale.url, name))
    app.autosync.start_delay = 3600.0  # no sync by itself in this test
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"sync now")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, synced_after(app, 0), "the sync the palette asked for")
        assert header(app) == "synced 08:30"
        assert calendar_events(radicale, name) == plan_events(app)


async def test_kept_learner_edit_is_told_once(make_app: AppFactory, radicale: Radicale) -> None:
    name = "Study plan kept"
    app = quick(make_app(settings=sync_settings(radicale.url, name)))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, synced_after(app, 0), "the first sync")
        # "the learner" moves one event in their calendar app
        client = caldav.DAVClient(url=radicale.url, username=USER, password=PASSWORD)
        cal = next(c for c in client.principal().calendars() if c.get_display_name() == name)
        obj = cal.events()[0]
        parsed: Any = icalendar.Calendar.from_ical(obj.data)
        event = next(iter(parsed.walk("VEVENT")))
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        event["DTSTART"].dt = start + timedelta(hours=1)
        event["DTEND"].dt = end + timedelta(hours=1)
        obj.data = parsed.to_ical().decode()
        obj.save()

        app.action_sync()
        await until(pilot, synced_after(app, 1), "the second sync")

        def told() -> list[str]:  # a topic's session moved: kept, and pinned there
            return [n for n in notes(app) if n.startswith(("kept your", "moved in your"))]

        assert len(told()) == 1 and told()[0].startswith("moved in your calendar: ")
        app.action_sync()
        await until(pilot, synced_after(app, 2), "the third sync")
        assert len(told()) == 1


async def test_sync_key_without_sync_settings_says_why(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("S")
        await pilot.pause()
        assert NOT_SET_UP in notes(app)
        assert header(app) == ""
        assert app.autosync.runs == 0


async def test_google_not_signed_in_says_run_planner_sync(make_app: AppFactory) -> None:
    settings = Settings(
        timezone=SETTINGS.timezone,
        start_date=SETTINGS.start_date,
        sync=SyncSettings(service="google", calendar="Study plan google"),
    )
    app = quick(make_app(settings=settings), retry=3600.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, synced_after(app, 0), "the first try")
        assert header(app) == "sync failed: not signed in to Google, will retry"
        assert any("run 'planner sync' in a terminal once" in n for n in notes(app)), notes(app)


async def test_wrong_password_is_told_and_the_check_off_kept(
    make_app: AppFactory,
    radicale: Radicale,
    progress_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PLANNER_SYNC_PASSWORD", "not the password")
    app = quick(make_app(settings=sync_settings(radicale.url, "Study plan wrong")), retry=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, synced_after(app, 0), "the first try")
        assert header(app) == "sync failed: wrong user name or password, will retry"
        told = [n for n in notes(app) if "refused user 'learner'" in n]
        assert len(told) == 1 and "not the password" not in told[0]  # never the secret
        topic = app.roadmap.modules[0].topics[0]
        assert app.set_state(topic.id, State.DONE)
        await until(pilot, synced_after(app, 1), "the try after the check-off")
        assert saved(progress_path, app.roadmap).state(app.roadmap, topic.id) is State.DONE
        assert len([n for n in notes(app) if "refused user" in n]) == 1  # told once


async def test_calendar_deleted_on_the_server_is_made_anew(
    make_app: AppFactory, radicale: Radicale
) -> None:
    name = "Study plan deleted"
    app = quick(make_app(settings=sync_settings(radicale.url, name)), retry=3600)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, synced_after(app, 0), "the first sync")
        client = caldav.DAVClient(url=radicale.url, username=USER, password=PASSWORD)
        cal = next(c for c in client.principal().calendars() if c.get_display_name() == name)
        cal.delete()
        assert calendar_events(radicale, name) == {}
        app.action_sync()
        # told, and made anew at once (not after the first retry's wait)
        await until(pilot, synced_after(app, 2), "the sync after the failure")
        assert any("is gone from" in n for n in notes(app))
        assert header(app) == "synced 08:30"
        assert calendar_events(radicale, name) == plan_events(app)


async def test_sync_cut_off_halfway_is_completed_by_the_retry(
    make_app: AppFactory, radicale: Radicale
) -> None:
    proxy = CountingProxy(radicale.port)
    name = "Study plan halfway"
    try:
        app = quick(make_app(settings=sync_settings(proxy.url, name)), retry=0.5)
        proxy.on_put(5, lambda: proxy.fail_after(0))  # the connection dies after 5 events
        async with app.run_test(size=(120, 40)) as pilot:
            status = app.autosync.status
            await until(pilot, lambda: status.failure is not None, "the failure")
            assert header(app) == "sync failed: offline, will retry"
            assert 0 < len(calendar_events(radicale, name)) < len(plan_events(app))
            proxy.fail_after(None)
            await until(pilot, lambda: status.failure is None and not status.running, "a retry")
            assert calendar_events(radicale, name) == plan_events(app)
    finally:
        proxy.close()


async def test_syncs_to_google_by_itself(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's sync with the Google adapter, over real HTTP against the local server
    that answers as the Calendar API does (tests/googleserver.py), with a saved sign-in."""

    from googleserver import GoogleCalendarServer, write_token

    from planner.sync import google

    server = GoogleCalendarServer()
    try:
        monkeypatch.setenv(google.ENV_API, server.url)
        monkeypatch.setenv(google.ENV_TOKEN_URI, server.token_uri)
        token = google.token_path()
        write_token(token, server.token_uri, google.SCOPES)
        settings = Settings(
            timezone=SETTINGS.timezone,
            start_date=SETTINGS.start_date,
            sync=SyncSettings(service="google"),
        )
        app = quick(make_app(settings=settings), retry=3600)
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, synced_after(app, 0), "the first sync")
            assert header(app) == "synced 08:30", notes(app)
            (calendar,) = server.calendars
            keys = {
                e["extendedProperties"]["private"]["plannerKey"]
                for e in server.events(calendar).values()
            }
            assert keys == set(plan_events(app))
    finally:
        server.stop()


def test_a_sync_stops_before_its_next_request_when_the_app_closes(
    make_app: AppFactory, radicale: Radicale
) -> None:
    """The app cancels its workers when it closes: the sync stops before its next request,
    what it did is recorded, and the next sync completes the rest."""
    from planner.sync.engine import SyncError
    from planner.tui.autosync import STOPPED, Job, run_job

    name = "Study plan stopped"
    app = make_app(settings=sync_settings(radicale.url, name))
    assert app.settings.sync is not None
    job = Job(
        app.settings.sync,
        app.roadmap,
        tuple(app.plan.sessions),
        app.progress,
        TODAY,
        app.now(),
        app.tz,
    )
    asked = 0

    def stop() -> bool:  # true from the 6th request on: ensure, list, then 3 creates
        nonlocal asked
        asked += 1
        return asked > 5

    with pytest.raises(SyncError, match=STOPPED):
        run_job(job, stop)
    assert len(calendar_events(radicale, name)) == 3
    report = run_job(job)
    assert len(report.created) == len(plan_events(app)) - 3
    assert calendar_events(radicale, name) == plan_events(app)


def test_app_start_up_imports_no_sync_library(tmp_path: Path) -> None:
    """With sync set up, the app starts without caldav, icalendar or google: the worker
    imports them when it syncs."""
    port = free_port()  # nothing listens: the sync, if it ran, would fail
    code = (
        "import asyncio, sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from planner.progress import ProgressStore\n"
        "from planner.roadmap_file import load_roadmap\n"
        "from planner.settings import Settings, SyncSettings\n"
        "from planner.tui.app import PlannerApp\n"
        "rm = load_roadmap(Path('roadmap.yaml'))\n"
        f"s = Settings(timezone='UTC', sync=SyncSettings(url='http://127.0.0.1:{port}/',"
        " username='u'))\n"
        f"store = ProgressStore(Path({str(tmp_path / 'p.yaml')!r}), rm)\n"
        "app = PlannerApp(rm, roadmap_path=Path('roadmap.yaml'), store=store, settings=s,\n"
        "                 settings_path=None, today=date(2026, 3, 2), watch=False)\n"
        "async def main():\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        await pilot.pause()\n"
        "        heavy = ('caldav', 'icalendar', 'google', 'requests')\n"
        "        print('MODS', ','.join(sorted({m.split('.')[0] for m in sys.modules\n"
        "              if m.split('.')[0] in heavy})))\n"
        "        app.autosync.sync_now()\n"
        "        while app.autosync.runs == 0:\n"
        "            await pilot.pause(0.05)\n"
        "        print('MODS', ','.join(sorted({m.split('.')[0] for m in sys.modules\n"
        "              if m.split('.')[0] in ('caldav', 'icalendar')})))\n"
        "        print('HEADER', app.header_facts().sync)\n"
        "asyncio.run(main())\n"
    )
    repo = Path(__file__).resolve().parents[2]
    # no sync by itself at start: the one this test asks for comes after the first look
    env_code = "from planner.tui.autosync import AutoSync\nAutoSync.start_delay = 3600.0\n" + code
    out = subprocess.run(
        [sys.executable, "-c", env_code],
        capture_output=True,
        text=True,
        check=True,
        cwd=repo,
        timeout=120,
    )
    lines = [x for x in out.stdout.splitlines() if x.startswith(("MODS", "HEADER"))]
    assert lines == ["MODS ", "MODS caldav,icalendar", "HEADER sync failed: offline, will retry"]


async def test_a_session_moved_in_the_calendar_becomes_a_pin_undone_by_ctrl_z(
    make_app: AppFactory, radicale: Radicale, progress_path: Path
) -> None:
    """As ``planner sync`` does (planner.shape.PinMoves): the pin saved in the progress
    file, recorded (ctrl+z takes it back), the plan laid around it, the learner told."""
    from planner.shape import pins_of

    name = "Study plan moved"
    app = quick(make_app(settings=sync_settings(radicale.url, name)))
    app.autosync.debounce = 3600.0  # only the syncs asked for here
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, synced_after(app, 0), "the first sync")
        await pilot.press("a")
        await pilot.pause()
        agenda = app.screen.query_one("#agenda-view")

        def agenda_rows() -> list[str]:
            return [agenda.render_line(y).text for y in range(agenda.size.height)]  # type: ignore[attr-defined]

        session = app.plan.sessions[3]
        uid = f"{app.roadmap.id}.{session.topic_id}.{session.part}@planner"
        # "the learner" moves it a day and a half hour later in their calendar app
        client = caldav.DAVClient(url=radicale.url, username=USER, password=PASSWORD)
        cal = next(c for c in client.principal().calendars() if c.get_display_name() == name)
        obj = cal.event_by_uid(uid)
        event = obj.icalendar_component
        start = event.decoded("DTSTART") + timedelta(days=1, minutes=30)
        event["DTSTART"] = icalendar.vDDDTypes(start)
        event["DTEND"] = icalendar.vDDDTypes(start + timedelta(hours=session.hours))
        obj.save()
        assert saved(progress_path, app.roadmap).pins == []
        title = app.roadmap.topic(session.topic_id).title
        local = start.astimezone(app.tz)
        shown = f"{local:%H:%M}"
        assert not any(shown in row and title in row for row in agenda_rows())

        app.action_sync()
        await until(pilot, synced_after(app, 1), "the sync that sees the move")
        (pin,) = pins_of(saved(progress_path, app.roadmap))
        assert (pin.topic_id, pin.start, pin.minutes) == (
            session.topic_id,
            local.replace(tzinfo=None),
            round(session.hours * 60),
        )
        newest = saved(progress_path, app.roadmap).history.changes()[-1]
        assert (newest.kind, newest.source) == ("pin", "app")
        told = f"moved in your calendar: {title} now pinned {local:%a} {local.day} {local:%b %H:%M}"
        assert told in notes(app)
        assert not any(n.startswith("kept your change to") for n in notes(app))
        # the plan (and so the agenda) has the session where it was moved to
        assert any(s.topic_id == session.topic_id and s.start == local for s in app.plan.sessions)
        await pilot.pause()
        assert any(shown in row and title in row for row in agenda_rows())
        # the next sync makes the calendar the plan: the pinned session once, where the
        # learner put it (the moved event no longer kept beside it)
        app.action_sync()
        await until(pilot, synced_after(app, 2), "the sync after the pin")
        assert calendar_events(radicale, name) == plan_events(app)

        await pilot.press("ctrl+z")
        await pilot.pause()
        assert saved(progress_path, app.roadmap).pins == []
        assert not any(
            s.topic_id == session.topic_id and s.start == local for s in app.plan.sessions
        )
        assert not any(shown in row and title in row for row in agenda_rows())
