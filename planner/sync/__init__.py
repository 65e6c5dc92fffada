"""Keeping a calendar equal to the plan: the engine (``engine``) and one adapter per service.

``engine`` is domain code (no clock, no UI, no network library); each adapter module
(``caldav``, ``google``) imports its network library and is loaded only when sync runs, through
``open_adapter``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.settings import SyncSettings
    from planner.sync.engine import CalendarAdapter


def open_adapter(
    sync_settings: SyncSettings, *, time_zone: str | None = None, interactive: bool = False
) -> CalendarAdapter:
    """The adapter of the service the settings name, with its password or token.

    ``time_zone`` (an IANA name) is the zone events are written in where the service keeps
    one (Google). ``interactive``: Google may open the browser to sign in when there is no
    saved sign-in yet (the command line); the app never does. Raises ``SyncError`` (one
    line) when it cannot be opened (no password, not signed in, say).
    """
    if sync_settings.service == "google":
        from planner.sync.google import GoogleAdapter, open_session

        session = open_session(sync_settings, interactive=interactive)
        return GoogleAdapter(sync_settings, session, time_zone=time_zone)
    from planner.sync.caldav import CalDAVAdapter, password

    return CalDAVAdapter(sync_settings, password(sync_settings))
