"""The Google Calendar adapter of the sync engine: the Calendar API v3 over REST.

Built on ``google-auth`` (``AuthorizedSession``, which refreshes an expired access token by
itself) and ``google-auth-oauthlib`` (the installed-app sign-in with a loopback redirect),
imported only here, so only when sync runs. Not ``google-api-python-client``: its
discovery documents add about 100 MB for the handful of calls sync makes.

- The planner's calendar is a secondary calendar of its own (default "Study plan"), made
  by the first sync (``calendars.insert``) and found again by name in the calendar list on
  a machine that has no sync state yet; its id is kept in the sync state.
- Every event it writes carries ``extendedProperties.private``: ``planner=1`` (what the
  listing asks for with ``privateExtendedProperty``), ``plannerKey`` (the stable key) and
  ``plannerHash`` (the content hash). Events without them are never listed, so never
  touched.
- Listing follows ``nextPageToken``. Updates (``PATCH``) and deletes carry ``If-Match``
  with the etag listed, so an edit the learner made meanwhile is never overwritten
  (``412`` -> ``Conflict``). A delete answered ``404``/``410`` is already done.
- ``403 rateLimitExceeded``/``userRateLimitExceeded``, ``429`` and ``5xx`` are retried
  with exponential backoff (``Retry-After`` when given).

The sign-in: the learner makes an OAuth client of type "Desktop app" in their own Google
Cloud project and names its JSON file in the settings (``client_file``). The token is kept
in the planner's data folder with mode 0600 and never printed.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from planner.atomic import write_atomic
from planner.settings import SyncSettings
from planner.sync.engine import (
    CalendarGone,
    Conflict,
    DesiredEvent,
    RemoteEvent,
    SyncError,
)

API = "https://www.googleapis.com/calendar/v3"
ENV_API = "PLANNER_GOOGLE_API"
"""Another address for the Calendar API (the tests' local server answers there)."""
ENV_TOKEN_URI = "PLANNER_GOOGLE_TOKEN_URI"
"""Another OAuth token endpoint (the tests' local server); google-auth otherwise always
uses Google's, whatever the token file says."""
SCOPES = [
    # make secondary calendars and manage the events on them (never the learner's others)
    "https://www.googleapis.com/auth/calendar.app.created",
    # find the planner's calendar again by name on a machine that has no sync state yet
    "https://www.googleapis.com/auth/calendar.calendarlist.readonly",
]
FREEBUSY_SCOPE = "https://www.googleapis.com/auth/calendar.freebusy"
"""Asked for at sign-in only when the settings' busy: list has ``sync`` (free/busy of the
learner's other calendars); a token saved before lacks it until ``planner sync`` signs in
again."""
FREEBUSY_MISSING = (
    "Google's free/busy permission is missing (busy: sync needs it); run 'planner sync' in "
    "a terminal to sign in again and allow it"
)
FREEBUSY_DAYS = 56
"""The days one free/busy query asks about (a longer window is asked in parts)."""
FREEBUSY_ITEMS = 50
"""Calendars one free/busy query asks about (the reference's calendarExpansionMax)."""
TIMEOUT = 30
RETRIES = 5
RETRY_BASE = 1.0
"""Seconds before the first retry; each further retry waits twice as long."""
_RETRY_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "backendError"}
_MARK = "planner"
_KEY = "plannerKey"
_HASH = "plannerHash"


class GoogleError(SyncError):
    """The Calendar API answered with an error ``status`` (the message says what to do)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Response:
    """What the adapter needs of an HTTP response (``requests.Response`` has it)."""

    status_code: int
    headers: Any
    text: str

    def json(self) -> Any: ...


# -- sign-in and the token ---------------------------------------------------------------


def token_path() -> Path:
    from planner import locations

    return locations.data_dir() / "google-token.json"


def save_token(path: Path, token_json: str) -> None:
    """Write the token atomically, readable by its owner alone (mode 0600)."""
    try:
        with contextlib.suppress(FileNotFoundError):  # private before it holds the token
            os.chmod(path, 0o600)
        write_atomic(path, token_json)  # a new file is made with mode 0600
        os.chmod(path, 0o600)
    except OSError as exc:
        raise SyncError(
            f"cannot save the Google sign-in to {path} ({exc.strerror or exc}); "
            f"check that {path.parent} is a folder you can write to"
        ) from None


def granted_scopes(path: Path | None = None) -> set[str]:
    """The scopes the saved token was granted (as saved with it); ``SCOPES`` for a token
    saved without them, empty when there is no readable token."""
    try:
        data = json.loads((path or token_path()).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    scopes = data.get("scopes") if isinstance(data, dict) else None
    if isinstance(scopes, str):
        scopes = scopes.split()
    if not isinstance(data, dict):
        return set()
    return {str(s) for s in scopes} if isinstance(scopes, list) and scopes else set(SCOPES)


def scopes_for(free_busy: bool) -> list[str]:
    """The scopes to sign in with: ``SCOPES``, and ``FREEBUSY_SCOPE`` when busy: has sync."""
    return [*SCOPES, FREEBUSY_SCOPE] if free_busy else list(SCOPES)


def credentials(
    sync: SyncSettings,
    *,
    interactive: bool,
    path: Path | None = None,
    scopes: list[str] | None = None,
) -> Any:
    """The learner's Google credentials: the saved token, or (``interactive``) a sign-in
    in the browser with the OAuth client file named in the settings. ``interactive`` and
    a saved token that lacks one of ``scopes`` (default ``SCOPES``): a sign-in again that
    asks for them all."""
    from google.oauth2.credentials import Credentials

    path = path or token_path()
    wanted = scopes or list(SCOPES)
    if path.is_file():
        granted = granted_scopes(path)
        if interactive and not set(wanted) <= granted:
            return _sign_in(sync, path, sorted(granted | set(wanted)))
        try:
            creds = Credentials.from_authorized_user_file(  # type: ignore[no-untyped-call]
                str(path), sorted(granted) or SCOPES
            )
        except (ValueError, OSError, json.JSONDecodeError) as exc:
            raise SyncError(
                f"the saved Google sign-in {path} cannot be read ({type(exc).__name__}); "
                f"delete it and run planner sync again to sign in anew"
            ) from None
        other = os.environ.get(ENV_TOKEN_URI)
        if other:
            creds = creds.with_token_uri(other)
        if creds.refresh_token or creds.valid:
            return creds
    if not interactive:
        raise SyncError("not signed in to Google: run 'planner sync' in a terminal once to sign in")
    return _sign_in(sync, path, wanted)


def _sign_in(sync: SyncSettings, path: Path, scopes: list[str]) -> Any:
    from google_auth_oauthlib.flow import InstalledAppFlow

    client = sync.client_file
    if not client:
        raise SyncError(
            "sync: the google service needs 'client_file: PATH' (your OAuth client's JSON "
            "file; see the README, 'Sync with Google Calendar')"
        )
    client_path = Path(client).expanduser()
    if not client_path.is_file():
        raise SyncError(
            f"sync client_file {client_path} is not a file; download your OAuth client's "
            "JSON file (type Desktop app) and name it there"
        )
    try:
        flow = InstalledAppFlow.from_client_secrets_file(str(client_path), scopes)
    except (ValueError, OSError, json.JSONDecodeError) as exc:
        raise SyncError(
            f"sync client_file {client_path} is not an OAuth client file ({exc}); download "
            "it again (type Desktop app)"
        ) from None
    try:
        creds = flow.run_local_server(
            port=0,
            open_browser=True,
            authorization_prompt_message="Sign in to Google in your browser: {url}",
            success_message="planner is signed in; you can close this tab.",
        )
    except Exception as exc:  # the flow raises several kinds; none may become a traceback
        raise SyncError(f"Google sign-in did not finish ({type(exc).__name__}: {exc})") from None
    saved = json.loads(creds.to_json())
    granted = getattr(creds, "granted_scopes", None)  # what the learner allowed, of what was asked
    if isinstance(granted, str):
        granted = granted.split()
    if granted:
        saved["scopes"] = sorted(str(scope) for scope in granted)
    save_token(path, json.dumps(saved))
    return creds


def open_session(sync: SyncSettings, *, interactive: bool, free_busy: bool = False) -> Any:
    """An ``AuthorizedSession`` on the learner's credentials (``free_busy``: signed in
    with the free/busy permission too, when ``interactive``)."""
    from google.auth.transport.requests import AuthorizedSession

    creds = credentials(sync, interactive=interactive, scopes=scopes_for(free_busy))
    return AuthorizedSession(creds)  # type: ignore[no-untyped-call]


def busy_spans(
    sync: SyncSettings, start: datetime, end: datetime, *, path: Path | None = None
) -> tuple[list[tuple[datetime, datetime]], list[str]]:
    """The busy times of the learner's other calendars over [start, end), and a warning
    for each calendar Google gave none for: Google's free/busy query (free and cancelled
    events are not busy there) for the primary calendar and the selected ones in the
    calendar list, never the planner's own. Never signs in: ``SyncError`` (one line) when
    the saved sign-in lacks the free/busy permission."""
    path = path or token_path()
    if path.is_file() and FREEBUSY_SCOPE not in granted_scopes(path):
        raise SyncError(FREEBUSY_MISSING)
    session = open_session(sync, interactive=False)
    try:
        return GoogleAdapter(sync, session).busy(start, end)
    except SyncError as exc:  # the sync's "sync again: nothing was lost" is not for busy
        raise SyncError(
            re.sub(r"; [^;]*sync again[^;]*: nothing was lost$", "", str(exc))
        ) from None


# -- the adapter -------------------------------------------------------------------------


def _reason(response: _Response) -> str:
    try:
        error = response.json().get("error", {})
    except (ValueError, AttributeError):
        return ""
    if not isinstance(error, dict):
        return ""
    for item in error.get("errors") or []:
        if isinstance(item, dict) and item.get("reason"):
            return str(item["reason"])
    return str(error.get("status") or "")


def _message(response: _Response) -> str:
    try:
        error = response.json().get("error", {})
        text = str(error.get("message", "")) if isinstance(error, dict) else ""
    except (ValueError, AttributeError):
        text = ""
    return " ".join(text.split())[:200]


def _when(value: Any) -> datetime | date | None:
    if not isinstance(value, dict):
        return None
    with contextlib.suppress(ValueError, TypeError):
        if "dateTime" in value:
            text = str(value["dateTime"])
            if text.endswith(("Z", "z")):
                text = text[:-1] + "+00:00"
            return datetime.fromisoformat(text)
        if "date" in value:
            return date.fromisoformat(str(value["date"]))
    return None


class GoogleAdapter:
    """The engine's ``CalendarAdapter`` for Google Calendar.

    ``session`` is anything with ``request(method, url, **kwargs)`` returning a response
    (an ``AuthorizedSession`` in use). ``sleep`` waits between retries.
    """

    def __init__(
        self,
        sync: SyncSettings,
        session: Any,
        *,
        base_url: str | None = None,
        time_zone: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.sync = sync
        self.session = session
        self.base = (base_url or os.environ.get(ENV_API) or API).rstrip("/")
        self.time_zone = time_zone
        self.sleep = sleep

    @property
    def calendar_name(self) -> str:
        return self.sync.calendar

    # -- HTTP --------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        body: dict[str, Any] | None = None,
        etag: str | None = None,
        ok: tuple[int, ...] = (200,),
    ) -> _Response:
        from google.auth.exceptions import RefreshError, TransportError

        headers = {"If-Match": etag} if etag else {}
        delay = RETRY_BASE
        for attempt in range(RETRIES + 1):
            try:
                response: _Response = self.session.request(
                    method,
                    self.base + path,
                    params=params,
                    json=body,
                    headers=headers,
                    timeout=TIMEOUT,
                )
            except RefreshError:
                raise SyncError(
                    "Google refused the saved sign-in (expired or revoked); delete "
                    f"{token_path()} and run 'planner sync' to sign in again"
                ) from None
            except (TransportError, OSError) as exc:
                raise SyncError(
                    f"cannot reach Google Calendar ({_short(exc)}); check the network and "
                    "sync again: nothing was lost"
                ) from None
            status = response.status_code
            if status in ok:
                return response
            retry = status in (429, 500, 502, 503, 504) or (
                status == 403 and _reason(response) in _RETRY_REASONS
            )
            if retry and attempt < RETRIES:
                after = response.headers.get("Retry-After") if response.headers else None
                wait = float(after) if after and str(after).isdigit() else delay
                self.sleep(min(wait, 60.0))
                delay *= 2
                continue
            self._fail(response, method)
        raise AssertionError("unreachable")  # pragma: no cover

    def _fail(self, response: _Response, method: str) -> None:
        status = response.status_code
        said = _message(response)
        detail = f" ({status}{': ' + said if said else ''})"
        if status == 401:
            raise SyncError(
                f"Google refused the sign-in{detail}; delete {token_path()} and run "
                "'planner sync' to sign in again"
            )
        if status == 412:
            raise Conflict(f"the event changed in Google Calendar meanwhile{detail}")
        if status in (404, 410):
            raise GoogleError(f"Google Calendar has no such {_what(method)}{detail}", status)
        if status in (429, 500, 502, 503, 504) or _reason(response) in _RETRY_REASONS:
            raise SyncError(
                f"Google Calendar is busy or failing{detail}; sync again later: nothing was lost"
            )
        if status == 403:
            raise GoogleError(
                f"Google Calendar refused {method}{detail}; check that the Calendar API is "
                "enabled for your OAuth client's project",
                status,
            )
        raise GoogleError(f"Google Calendar answered {method} with an error{detail}", status)

    # -- the protocol --------------------------------------------------------------------

    def ensure_calendar(self, known: str | None, *, create: bool) -> str | None:
        if known:
            return known
        for entry in self._pages("/users/me/calendarList", []):
            if entry.get("summary") == self.calendar_name and entry.get("accessRole") == "owner":
                return str(entry["id"])
        if not create:
            return None
        body: dict[str, Any] = {"summary": self.calendar_name}
        if self.time_zone:
            body["timeZone"] = self.time_zone
        made = self._call("POST", "/calendars", body=body).json()
        return str(made["id"])

    def _events(self, calendar: str) -> str:
        return f"/calendars/{quote(calendar, safe='')}/events"

    def _pages(self, path: str, params: list[tuple[str, str]]) -> Iterator[dict[str, Any]]:
        token: str | None = None
        while True:
            query = [*params, ("maxResults", "2500")]
            if token:
                query.append(("pageToken", token))
            page = self._call("GET", path, params=query).json()
            for item in page.get("items") or []:
                if isinstance(item, dict):
                    yield item
            token = page.get("nextPageToken")
            if not token:
                return

    def busy(
        self, start: datetime, end: datetime
    ) -> tuple[list[tuple[datetime, datetime]], list[str]]:
        """The free/busy answer (``POST /freeBusy``) for the primary calendar and the
        selected ones of the calendar list, except the planner's own; asked in parts of at
        most ``FREEBUSY_DAYS`` days and ``FREEBUSY_ITEMS`` calendars. A calendar the answer
        has errors for is left out with a warning naming it (the others still count)."""
        ids = [
            str(entry["id"])
            for entry in self._pages("/users/me/calendarList", [])
            if entry.get("id")
            and (entry.get("primary") or entry.get("selected"))
            and not (
                entry.get("summary") == self.calendar_name and entry.get("accessRole") == "owner"
            )
        ]
        out: list[tuple[datetime, datetime]] = []
        failed: dict[str, str] = {}
        lo = start
        while ids and lo < end:
            hi = min(end, lo + timedelta(days=FREEBUSY_DAYS))
            for at in range(0, len(ids), FREEBUSY_ITEMS):
                body = {
                    "timeMin": _rfc3339(lo),
                    "timeMax": _rfc3339(hi),
                    "items": [{"id": i} for i in ids[at : at + FREEBUSY_ITEMS]],
                }
                try:
                    answer = self._call("POST", "/freeBusy", body=body).json()
                except GoogleError as exc:
                    if exc.status == 403 and "insufficient" in str(exc).lower():
                        raise SyncError(FREEBUSY_MISSING) from None
                    raise
                calendars = answer.get("calendars") if isinstance(answer, dict) else None
                for cal_id, found in (calendars or {}).items():
                    if not isinstance(found, dict):
                        continue
                    errors = found.get("errors") or []
                    if errors:
                        reason = errors[0].get("reason") if isinstance(errors[0], dict) else ""
                        failed.setdefault(str(cal_id), str(reason or "an error"))
                        continue
                    for span in found.get("busy") or []:
                        first = _when({"dateTime": span.get("start")})
                        last = _when({"dateTime": span.get("end")})
                        if isinstance(first, datetime) and isinstance(last, datetime):
                            out.append((first, last))
            lo = hi
        said = [
            f"busy: Google Calendar gave no free/busy times for calendar {cal_id!r} ({reason}); "
            "planned without it"
            for cal_id, reason in failed.items()
        ]
        return out, said

    def list_events(self, calendar: str) -> list[RemoteEvent]:
        params = [("privateExtendedProperty", f"{_MARK}=1"), ("showDeleted", "false")]
        try:
            items = list(self._pages(self._events(calendar), params))
        except GoogleError as exc:
            if exc.status in (404, 410):
                raise CalendarGone(
                    f"the calendar {self.calendar_name!r} is gone from Google Calendar; "
                    "sync again to make it anew"
                ) from None
            raise
        out: list[RemoteEvent] = []
        for item in items:
            private = (item.get("extendedProperties") or {}).get("private") or {}
            key = private.get(_KEY)
            if not key or item.get("status") == "cancelled":
                continue
            out.append(
                RemoteEvent(
                    key=str(key),
                    ref=str(item.get("id", "")),
                    etag=item.get("etag"),
                    summary=str(item.get("summary", "")),
                    start=_when(item.get("start")),
                    end=_when(item.get("end")),
                    content_hash=private.get(_HASH),
                )
            )
        return out

    def body(self, event: DesiredEvent) -> dict[str, Any]:
        """The event as the Calendar API takes it (``events.insert``/``patch``)."""
        item = event.item
        if item.all_day:
            start: dict[str, str] = {"date": item.start.date().isoformat()}
            end: dict[str, str] = {"date": item.end.date().isoformat()}
        else:
            start = {"dateTime": item.start.isoformat()}
            end = {"dateTime": item.end.isoformat()}
            if self.time_zone:
                start["timeZone"] = end["timeZone"] = self.time_zone
        reminders: dict[str, Any] = {"useDefault": False}
        if event.reminder_minutes is not None:
            reminders["overrides"] = [{"method": "popup", "minutes": event.reminder_minutes}]
        return {
            "summary": item.summary,
            "description": item.description,
            "start": start,
            "end": end,
            "transparency": "opaque",
            "reminders": reminders,
            "extendedProperties": {
                "private": {_MARK: "1", _KEY: event.key, _HASH: event.content_hash}
            },
        }

    def create(self, calendar: str, event: DesiredEvent, stamp: datetime) -> str | None:
        made = self._call("POST", self._events(calendar), body=self.body(event)).json()
        return _etag(made)

    def update(
        self, calendar: str, remote: RemoteEvent, event: DesiredEvent, stamp: datetime
    ) -> str | None:
        path = f"{self._events(calendar)}/{quote(remote.ref, safe='')}"
        try:
            done = self._call("PATCH", path, body=self.body(event), etag=remote.etag).json()
        except GoogleError as exc:
            if exc.status in (404, 410):
                raise Conflict(f"{remote.summary} was deleted in Google Calendar") from None
            raise
        return _etag(done)

    def delete(self, calendar: str, remote: RemoteEvent) -> None:
        path = f"{self._events(calendar)}/{quote(remote.ref, safe='')}"
        self._call("DELETE", path, etag=remote.etag, ok=(200, 204, 404, 410))


def _etag(event: Any) -> str | None:
    etag = event.get("etag") if isinstance(event, dict) else None
    return str(etag) if etag is not None else None


def _what(method: str) -> str:
    return "calendar or event" if method != "GET" else "calendar"


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return (text[:160] + "...") if len(text) > 160 else (text or type(exc).__name__)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
