"""Keeping a calendar equal to the plan: the engine (``engine``) and one adapter per service.

``engine`` is domain code (no clock, no UI, no network library); each adapter module
(``caldav``) imports its network library and is loaded only when sync runs, through
``open_adapter``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from planner.settings import SyncSettings
    from planner.sync.engine import CalendarAdapter


def open_adapter(sync_settings: SyncSettings) -> CalendarAdapter:
    """The adapter of the service the settings name, with its password or token.

    Raises ``SyncError`` (one line) when it cannot be opened (no password, say).
    """
    from planner.sync.engine import SyncError

    if sync_settings.service == "caldav":
        from planner.sync.caldav import CalDAVAdapter, password

        return CalDAVAdapter(sync_settings, password(sync_settings))
    raise SyncError(
        f"sync service {sync_settings.service!r} is not available in this version; use caldav"
    )
