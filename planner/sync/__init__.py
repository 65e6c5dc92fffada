"""Keeping a calendar equal to the plan: the engine (``engine``) and one adapter per service.

``engine`` is domain code (no clock, no UI, no network library); each adapter module
(``caldav``, ``google``) imports its network library and is loaded only when sync runs, through
``open_adapter``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.busy import SyncReader
    from planner.settings import SyncSettings
    from planner.sync.engine import CalendarAdapter


def open_adapter(
    sync_settings: SyncSettings,
    *,
    time_zone: str | None = None,
    interactive: bool = False,
    free_busy: bool = False,
) -> CalendarAdapter:
    """The adapter of the service the settings name, with its password or token.

    ``time_zone`` (an IANA name) is the zone events are written in where the service keeps
    one (Google). ``interactive``: Google may open the browser to sign in when there is no
    saved sign-in yet (the command line); the app never does. Raises ``SyncError`` (one
    line) when it cannot be opened (no password, not signed in, say). ``free_busy``: the
    settings' busy: list has ``sync``, so an interactive Google sign-in asks for the
    free/busy permission too (signing in again when the saved sign-in lacks it).
    """
    if sync_settings.service == "google":
        from planner.sync.google import GoogleAdapter, open_session

        session = open_session(sync_settings, interactive=interactive, free_busy=free_busy)
        return GoogleAdapter(sync_settings, session, time_zone=time_zone)
    from planner.sync.caldav import CalDAVAdapter, password

    return CalDAVAdapter(sync_settings, password(sync_settings))


def busy_reader(sync_settings: SyncSettings) -> SyncReader:
    """Reads the sync account's other calendars for ``busy: [sync]`` (every calendar but
    the planner's own): CalDAV gives their events, read like a file; Google answers a
    free/busy query. The adapter (and its network library) is loaded only when the reader
    runs. Never raises for the server, the network or the sign-in: one warning line, and
    the plan is made without those times. Never opens a browser.
    """
    from planner.busy import SyncBusy

    opened: list[Any] = []
    """The CalDAV adapter, made once (its password_command runs once per reader)."""

    def read(start: datetime, end: datetime) -> SyncBusy:
        from planner.sync.engine import SyncError

        try:
            if sync_settings.service == "google":
                from planner.sync.google import busy_spans

                spans, said = busy_spans(sync_settings, start, end)
                return SyncBusy(spans=tuple(spans), warnings=tuple(said))
            if not opened:
                from planner.sync.caldav import CalDAVAdapter, password

                opened.append(CalDAVAdapter(sync_settings, password(sync_settings)))
            return SyncBusy(calendars=tuple(opened[0].busy_calendars(start, end)))
        except SyncError as exc:
            return SyncBusy(warnings=(f"busy: 'sync' skipped: {exc}",))

    return read
