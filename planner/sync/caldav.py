"""The CalDAV adapter of the sync engine: Radicale, Nextcloud, Fastmail, iCloud...

Built on the ``caldav`` library (and ``icalendar``), imported only here, so only when sync
runs. The calendar is found by its name under the user's principal and made with
MKCALENDAR when missing (once; its URL is then recorded in the sync state, so a later sync
goes straight to it: a sync with nothing to send is one REPORT request). Each event is one
resource ``<calendar>/<key>.ics`` holding one VEVENT made by ``calendar_out.vevent``, with
``X-PLANNER-KEY`` and ``X-PLANNER-HASH``. Updates and deletes carry ``If-Match`` with the
etag listed, so an edit the learner makes meanwhile is never overwritten.

The password comes from ``password_command`` (its output, without the final newline),
``$PLANNER_SYNC_PASSWORD`` or the system keyring (``keyring``, when installed: service
"planner", the URL and user name), in that order; it is never written anywhere.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import quote, urljoin, urlparse

from planner.settings import SyncSettings
from planner.sync.engine import (
    KEY_PROPERTY,
    CalendarGone,
    Conflict,
    DesiredEvent,
    RemoteEvent,
    SyncError,
)

ENV_PASSWORD = "PLANNER_SYNC_PASSWORD"
KEYRING_SERVICE = "planner"
TIMEOUT = 30
PRODID = "-//planner//study planner sync//EN"

_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT"/></C:comp-filter>
  </C:filter>
</C:calendar-query>"""

_BUSY_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start}" end="{end}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>"""


def password(sync: SyncSettings) -> str:
    """The password, from ``password_command``, ``$PLANNER_SYNC_PASSWORD`` or the keyring."""
    if sync.password_command:
        try:
            done = subprocess.run(
                sync.password_command,
                shell=True,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SyncError(
                f"sync password_command could not run ({exc}); check it in the settings"
            ) from None
        if done.returncode != 0:
            said = (done.stderr.strip().splitlines() or [""])[0][:200]
            raise SyncError(
                f"sync password_command failed (exit {done.returncode}"
                + (f": {said}" if said else "")
                + "); check it in the settings"
            )
        value = done.stdout.rstrip("\r\n")
        if not value:
            raise SyncError("sync password_command printed no password; check it in the settings")
        return value
    from_env = os.environ.get(ENV_PASSWORD)
    if from_env:
        return from_env
    try:
        import keyring
    except ImportError:
        keyring = None
    if keyring is not None:
        try:
            found = keyring.get_password(KEYRING_SERVICE, f"{sync.username}@{sync.url}")
        except Exception:  # no usable keyring backend: as if nothing were stored
            found = None
        if found:
            return str(found)
    raise SyncError(
        "no password for sync: set password_command in the settings' sync section "
        f"(e.g. 'pass show dav'), or ${ENV_PASSWORD}"
    )


_REASONS = (
    ("connection refused", "connection refused: is the server running?"),
    ("name or service not known", "unknown host name"),
    ("nodename nor servname", "unknown host name"),
    ("temporary failure in name resolution", "no network, or unknown host name"),
    ("network is unreachable", "no network"),
    ("timed out", "no answer in time"),
    ("timeout", "no answer in time"),
    ("connection reset", "the connection was cut"),
    ("connection aborted", "the connection was cut"),
    ("remotedisconnected", "the connection was cut"),
    ("remote end closed", "the connection was cut"),
    ("certificate", "its TLS certificate was not accepted"),
    ("ssl", "a TLS error"),
)


def _network_reason(exc: BaseException) -> str:
    """A few words for a network failure (the HTTP library's messages are long reprs)."""
    text = f"{type(exc).__name__} {exc}".lower()
    for needle, reason in _REASONS:
        if needle in text:
            return reason
    return type(exc).__name__


def _resource_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "-", key) + ".ics"


def _when(component: Any, name: str) -> datetime | date | None:
    try:
        value = component.decoded(name)
    except KeyError:
        return None
    return value if isinstance(value, (datetime, date)) else None


class CalDAVAdapter:
    """``CalendarAdapter`` for a CalDAV server (see the module's docstring)."""

    def __init__(self, sync: SyncSettings, secret: str) -> None:
        from caldav.davclient import DAVClient

        if not sync.url or not sync.username:
            raise SyncError("sync: the caldav service needs a url and a username in the settings")
        self.settings = sync
        self.url = sync.url
        self.made: str | None = None
        """The calendar this adapter made (MKCALENDAR), if it made one."""
        self.client = DAVClient(
            url=sync.url,
            username=sync.username,
            password=secret,
            auth_type="basic",
            timeout=TIMEOUT,
            enable_rfc6764=False,
        )

    @property
    def calendar_name(self) -> str:
        return self.settings.calendar

    # -- errors -------------------------------------------------------------------------

    def _where(self) -> str:
        parts = urlparse(self.url)
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else self.url

    def _failed(self, exc: BaseException, doing: str) -> SyncError:
        """A one-line SyncError for an exception of caldav or the HTTP library."""
        from caldav.lib import error

        if isinstance(exc, SyncError):
            return exc
        if isinstance(exc, error.AuthorizationError):
            return SyncError(
                f"the CalDAV server {self._where()} refused user {self.settings.username!r} "
                "(wrong user name or password?); check the sync settings and the password"
            )
        if isinstance(exc, error.DAVError):
            reason = str(getattr(exc, "reason", "") or exc).splitlines()[0][:200]
            return SyncError(
                f"the CalDAV server {self._where()} refused to {doing} ({reason}); "
                "try again later; nothing was lost"
            )
        reason = _network_reason(exc)
        return SyncError(
            f"cannot reach the CalDAV server {self._where()} to {doing} ({reason}); check the "
            "url and your network; nothing was lost, the next sync completes what is left"
        )

    def _request(self, doing: str, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self.client, method)(*args, **kwargs)
        except Exception as exc:
            raise self._failed(exc, doing) from None

    def _check(self, response: Any, doing: str, ok: tuple[int, ...]) -> Any:
        if response.status in ok:
            return response
        if response.status in (401, 403):
            from caldav.lib import error

            raise self._failed(error.AuthorizationError(), doing)
        raise SyncError(
            f"the CalDAV server {self._where()} answered {response.status} "
            f"{getattr(response, 'reason', '') or ''} when asked to {doing}; try again later; "
            "nothing was lost"
        )

    # -- the protocol -------------------------------------------------------------------

    def ensure_calendar(self, known: str | None, *, create: bool) -> str | None:
        if known:
            return known
        doing = "find the calendar"
        try:
            principal = self.client.principal()  # type: ignore[no-untyped-call]
            for calendar in principal.calendars():
                if calendar.get_display_name() == self.settings.calendar:
                    return str(calendar.url)
            if not create:
                return None
            made = principal.make_calendar(name=self.settings.calendar)
            self.made = str(made.url)
            return self.made
        except Exception as exc:
            raise self._failed(exc, doing) from None

    def list_events(self, calendar: str) -> list[RemoteEvent]:
        import icalendar

        if calendar == self.made:
            return []  # made a moment ago by this adapter: empty, no need to ask

        response = self._request("list the calendar's events", "report", calendar, _QUERY, depth=1)
        if response.status == 404:
            raise CalendarGone(
                f"the calendar {self.settings.calendar!r} is gone from {self._where()} "
                "(deleted there?); run planner sync again to make it anew"
            )
        self._check(response, "list the calendar's events", (200, 207))
        events: list[RemoteEvent] = []
        for result in response.parse_calendar_query():
            if not result.calendar_data:
                continue
            try:
                cal: Any = icalendar.Calendar.from_ical(result.calendar_data)
            except ValueError:
                continue  # not ours to judge: someone else's unreadable event
            for vevent in cal.walk("VEVENT"):
                key = vevent.get(KEY_PROPERTY)
                if key is None:
                    continue
                digest = vevent.get("X-PLANNER-HASH")
                events.append(
                    RemoteEvent(
                        key=str(key),
                        ref=urljoin(calendar, result.href),
                        etag=result.etag,
                        summary=str(vevent.get("SUMMARY", "")),
                        start=_when(vevent, "DTSTART"),
                        end=_when(vevent, "DTEND"),
                        content_hash=str(digest) if digest is not None else None,
                    )
                )
                break
        return events

    def _text(self, event: DesiredEvent, stamp: datetime) -> str:
        from icalendar import Calendar

        from planner.calendar_out import calendar_text

        cal = Calendar()
        cal["VERSION"] = "2.0"
        cal["PRODID"] = PRODID
        cal.add_component(event.vevent(stamp))
        return calendar_text(cal)

    def create(self, calendar: str, event: DesiredEvent, stamp: datetime) -> str | None:
        url = calendar.rstrip("/") + "/" + quote(_resource_name(event.key))
        headers = {"Content-Type": "text/calendar; charset=utf-8", "If-None-Match": "*"}
        doing = f"add {event.summary!r}"
        response = self._request(doing, "put", url, self._text(event, stamp), headers)
        if response.status == 412:  # there already (an earlier sync's create): replace it
            headers.pop("If-None-Match")
            response = self._request(doing, "put", url, self._text(event, stamp), headers)
        if response.status == 404:
            raise CalendarGone(
                f"the calendar {self.settings.calendar!r} is gone from {self._where()} "
                "(deleted there?); run planner sync again to make it anew"
            )
        self._check(response, doing, (200, 201, 204))
        return response.headers.get("ETag")  # type: ignore[no-any-return]

    def update(
        self, calendar: str, remote: RemoteEvent, event: DesiredEvent, stamp: datetime
    ) -> str | None:
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        if remote.etag:
            headers["If-Match"] = remote.etag
        doing = f"update {event.summary!r}"
        response = self._request(doing, "put", remote.ref, self._text(event, stamp), headers)
        if response.status == 412:
            raise Conflict(f"{remote.summary!r} changed on the server meanwhile")
        self._check(response, doing, (200, 201, 204))
        return response.headers.get("ETag")  # type: ignore[no-any-return]

    def delete(self, calendar: str, remote: RemoteEvent) -> None:
        headers = {"If-Match": remote.etag} if remote.etag else {}
        doing = f"delete {remote.summary!r}"
        response = self._request(doing, "delete", remote.ref, headers)
        if response.status == 412:
            raise Conflict(f"{remote.summary!r} changed on the server meanwhile")
        if response.status in (404, 410):
            return  # already gone
        self._check(response, doing, (200, 204))

    # -- busy times (busy: [sync]) --------------------------------------------------------

    def busy_calendars(self, start: datetime, end: datetime) -> list[tuple[str, bytes]]:
        """The iCalendar text of every event resource with an instance in [start, end) on
        the account's other event calendars: every calendar of the principal except the
        planner's own (by its name) and those that hold no events (task lists, journals).
        One calendar-query REPORT with a time-range per calendar, not expanded: the
        recurring events come whole and are expanded by ``planner.busy``. Raises
        ``SyncError`` (one line) when the server cannot be reached or refuses."""
        from caldav.lib import error

        doing = "read your other calendars"
        found: list[tuple[str, bytes]] = []
        stamp = "%Y%m%dT%H%M%SZ"
        query = _BUSY_QUERY.format(
            start=start.astimezone(timezone.utc).strftime(stamp),
            end=end.astimezone(timezone.utc).strftime(stamp),
        )
        try:
            principal = self.client.principal()  # type: ignore[no-untyped-call]
            calendars = principal.calendars()
            for calendar in calendars:
                name = calendar.get_display_name() or str(calendar.url)
                if name == self.settings.calendar:
                    continue  # the planner's own sessions are not busy times
                if "VEVENT" not in calendar.get_supported_components():
                    continue
                response = self.client.report(str(calendar.url), query, depth=1)
                if response.status in (401, 403):
                    raise error.AuthorizationError()
                if response.status not in (200, 207):
                    raise SyncError(
                        f"the CalDAV server {self._where()} answered {response.status} when "
                        f"asked for the events of calendar {name!r}"
                    )
                for result in response.parse_calendar_query():
                    data = result.calendar_data
                    if not data:
                        continue
                    text = data if isinstance(data, bytes) else str(data).encode("utf-8")
                    resource = str(result.href).rstrip("/").rsplit("/", 1)[-1]
                    found.append((f"sync calendar {name!r} ({resource})", text))
        except SyncError:
            raise
        except error.AuthorizationError:
            raise SyncError(
                f"the CalDAV server {self._where()} refused user {self.settings.username!r} "
                "(wrong user name or password?); check the sync settings and the password"
            ) from None
        except error.DAVError as exc:
            reason = str(getattr(exc, "reason", "") or exc).splitlines()[0][:200]
            raise SyncError(
                f"the CalDAV server {self._where()} refused to {doing} ({reason})"
            ) from None
        except Exception as exc:
            raise SyncError(
                f"cannot reach the CalDAV server {self._where()} to {doing} "
                f"({_network_reason(exc)})"
            ) from None
        return found
