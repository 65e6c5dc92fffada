"""When the app syncs by itself, and what it says about it: the rule, without a clock.

Domain code: no UI, no clock (every moment is a parameter), no network library. The app
(``planner.tui.autosync``) keeps one ``SyncStatus`` and asks it:

- after a change, sync ``DEBOUNCE_SECONDS`` after the last one (a run of check-offs makes
  one sync);
- after a failure, sync again after ``retry_delay(failures)``: 1, 2, 5, then every 10
  minutes (``RETRY_DELAYS``);
- the header's words (``text``): "synced 14:02" (in the zone given), "syncing…", or
  "sync failed: offline, will retry" with a short reason (``short_reason``) made from the
  one-line ``SyncError`` message, which the app shows whole in a notification.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

DEBOUNCE_SECONDS = 3.0
"""A change is synced this long after the last change (a run of changes makes one sync)."""

RETRY_DELAYS: tuple[float, ...] = (60.0, 120.0, 300.0, 600.0)
"""Seconds until the next try after the 1st, 2nd, 3rd, 4th and later failures in a row."""

_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("cannot reach",), "offline"),
    (("is gone from", "deleted there"), "calendar deleted on the server"),
    (("not signed in",), "not signed in to Google"),
    (("refused the saved sign-in", "refused the sign-in"), "Google sign-in expired"),
    (("refused user",), "wrong user name or password"),
    (("no password", "password_command"), "no password"),
    (("needs a url", "needs 'client_file", "client_file"), "settings incomplete"),
    (("busy or failing", "answered 5", "try again later"), "server error"),
    (("changed on the server meanwhile", "changed in google calendar meanwhile"), "conflict"),
)


def short_reason(message: str) -> str:
    """A few words for the header from a sync error's one-line message ("offline",
    "wrong user name or password", ...); "error" when none of the known kinds fits."""
    lowered = message.lower()
    for needles, reason in _REASONS:
        if any(needle in lowered for needle in needles):
            return reason
    return "error"


def retry_delay(failures: int, delays: Sequence[float] = RETRY_DELAYS) -> float:
    """Seconds to wait before the next try after ``failures`` failed syncs in a row (>= 1):
    the ``failures``-th of ``delays``, the last one once they run out."""
    return delays[min(max(failures, 1), len(delays)) - 1]


@dataclass
class SyncStatus:
    """Where sync stands: running or not, the last success, the failures since.

    Each method takes the moment it happens at; nothing here reads a clock.
    """

    running: bool = False
    synced_at: datetime | None = None
    """When the last successful sync finished."""
    failure: str | None = None
    """The last failure's one-line message (None after a success)."""
    failures: int = 0
    """Failed syncs in a row since the last success."""
    retry_at: datetime | None = None
    """When the next try is due after a failure (None: no retry pending)."""

    def started(self) -> None:
        self.running = True

    def succeeded(self, now: datetime) -> None:
        self.running = False
        self.synced_at = now
        self.failure = None
        self.failures = 0
        self.retry_at = None

    def failed(self, message: str, now: datetime, delays: Sequence[float] = RETRY_DELAYS) -> float:
        """Record a failure; return the seconds until the next try (also in ``retry_at``)."""
        self.running = False
        self.failure = message
        self.failures += 1
        delay = retry_delay(self.failures, delays)
        self.retry_at = now + timedelta(seconds=delay)
        return delay

    def text(self, tz: tzinfo) -> str:
        """The header's words: "syncing…", "sync failed: offline, will retry",
        "synced 14:02" (local time in ``tz``), or "" before the first sync."""
        if self.running:
            return "syncing…"
        if self.failure is not None:
            return f"sync failed: {short_reason(self.failure)}, will retry"
        if self.synced_at is not None:
            return f"synced {self.synced_at.astimezone(tz):%H:%M}"
        return ""
