"""When the app syncs again after a failure, and the words the header shows (no clock)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from planner.sync.status import RETRY_DELAYS, SyncStatus, retry_delay, short_reason

T = datetime(2026, 3, 2, 13, 2, tzinfo=timezone.utc)


def test_backoff_is_1_2_5_then_10_minutes() -> None:
    assert [retry_delay(n) for n in range(1, 7)] == [60, 120, 300, 600, 600, 600]
    assert retry_delay(2, (0.5,)) == 0.5


def test_status_text_in_the_zone_given() -> None:
    s = SyncStatus()
    assert s.text(timezone.utc) == ""  # before the first sync: nothing to say
    s.started()
    assert s.text(timezone.utc) == "syncing…"
    s.succeeded(T)
    assert s.text(timezone.utc) == "synced 13:02"
    assert s.text(ZoneInfo("Europe/Berlin")) == "synced 14:02"


def test_failures_back_off_and_a_success_resets() -> None:
    s = SyncStatus()
    message = (
        "cannot reach the CalDAV server http://127.0.0.1:9 to find the calendar "
        "(connection refused); check the url and your network; nothing was lost"
    )
    delays = []
    for n in range(5):
        s.started()
        delays.append(s.failed(message, T + timedelta(minutes=n)))
    assert delays == [60, 120, 300, 600, 600]
    assert s.failures == 5
    assert s.retry_at == T + timedelta(minutes=4, seconds=600)
    assert s.text(timezone.utc) == "sync failed: offline, will retry"
    s.started()
    assert s.text(timezone.utc) == "syncing…"  # a retry running
    s.succeeded(T + timedelta(minutes=20))
    assert (s.failures, s.failure, s.retry_at) == (0, None, None)
    assert s.text(timezone.utc) == "synced 13:22"
    assert s.failed(message, T) == RETRY_DELAYS[0]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (
            "cannot reach Google Calendar (ConnectionError); check the network and sync "
            "again: nothing was lost",
            "offline",
        ),
        (
            "the CalDAV server http://h refused user 'learner' (wrong user name or "
            "password?); check the sync settings and the password",
            "wrong user name or password",
        ),
        (
            "not signed in to Google: run 'planner sync' in a terminal once to sign in",
            "not signed in to Google",
        ),
        (
            "Google refused the saved sign-in (expired or revoked); delete /x/token.json "
            "and run 'planner sync' to sign in again",
            "Google sign-in expired",
        ),
        (
            "the calendar 'Study plan' is gone from http://h (deleted there?); run planner "
            "sync again to make it anew",
            "calendar deleted on the server",
        ),
        (
            "no password for sync: set password_command in the settings' sync section "
            "(e.g. 'pass show dav'), or $PLANNER_SYNC_PASSWORD",
            "no password",
        ),
        (
            "Google Calendar is busy or failing (503); sync again later: nothing was lost",
            "server error",
        ),
        ("something nobody foresaw", "error"),
    ],
)
def test_short_reasons(message: str, reason: str) -> None:
    assert short_reason(message) == reason
