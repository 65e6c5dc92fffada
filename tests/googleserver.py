"""A local HTTP server that answers as the Google Calendar API v3 reference documents.

CI has no network, so the Google adapter (planner/sync/google.py) is tested over real HTTP
against this server, never against Google itself. It implements, as the reference
describes them, the calls sync makes:

- ``POST /token``: the OAuth token endpoint's refresh grant (``grant_type=refresh_token``)
  -> ``{"access_token", "expires_in", "token_type"}``; ``revoke()`` makes it answer
  ``400 {"error": "invalid_grant"}`` as Google does for a revoked refresh token.
- ``GET /users/me/calendarList`` (paged), ``POST /calendars`` (calendars.insert).
- ``GET /calendars/{id}/events`` with ``privateExtendedProperty=name=value`` (repeatable,
  all must match), ``showDeleted``, ``maxResults`` and ``pageToken`` -> ``nextPageToken``.
- ``POST /calendars/{id}/events`` (insert), ``PATCH .../events/{eventId}`` (patch: the
  body's fields replace the event's), ``DELETE .../events/{eventId}`` (``204``; ``410`` for
  an event already deleted, ``404`` for one never known), each honouring ``If-Match``
  (``412 Precondition Failed`` when the etag differs).
- ``POST /freeBusy`` (freebusy.query): ``{timeMin, timeMax, timeZone?, items: [{id}]}`` ->
  ``{kind: "calendar#freeBusy", timeMin, timeMax, calendars: {id: {busy: [{start, end}],
  errors: [...]}}}``: the opaque, not cancelled events of each calendar that overlap
  [timeMin, timeMax), clipped to it, merged and sorted, in UTC (or ``timeZone``'s offset); an
  unknown calendar gets ``errors: [{domain: "global", reason: "notFound"}]`` and no busy
  list (``free_busy_errors`` makes a known one answer so, e.g. ``internalError``). Single events only (the tests' calendars have no recurring ones); an all-day event
  is busy for its days in the calendar's time zone.
- The calendar list's entries carry ``primary`` and ``selected`` (omitted when false), as
  the reference's CalendarListEntry does; ``add_calendar`` makes one as the learner would.
- Every API call needs ``Authorization: Bearer <token>`` with a token the token endpoint
  handed out (or ``VALID_TOKEN``); otherwise ``401`` with the API's error body.
- ``fail_next(status, reason)`` queues error answers (``429``, ``403 rateLimitExceeded``,
  ``503``...) for the next API calls; errors use the API's ``{"error": {...}}`` shape.

Every request is recorded (method, path, query, JSON body, Authorization header).
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timezone, tzinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse
from zoneinfo import ZoneInfo

VALID_TOKEN = "ya29.local-test-token"


def write_token(path: Any, token_uri: str, scopes: list[str]) -> None:
    """A saved sign-in at ``path`` (``planner.sync.google.token_path()``) as google-auth
    writes it: an access token this server takes, valid for long, with ``scopes``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(
            {
                "token": VALID_TOKEN,
                "refresh_token": "1//local-refresh",
                "token_uri": token_uri,
                "client_id": "local.apps.googleusercontent.com",
                "client_secret": "local-secret",
                "scopes": scopes,
                "expiry": "2999-01-01T00:00:00Z",
            }
        )
    )


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str | None
    if_match: str | None


@dataclass
class Calendar:
    id: str
    summary: str
    time_zone: str | None
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    primary: bool = False
    selected: bool = True


def _error(status: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"domain": "global", "reason": reason, "message": message}],
        }
    }


class GoogleCalendarServer:
    def __init__(self, page_size: int = 250) -> None:
        self.page_size = page_size
        self.calendars: dict[str, Calendar] = {}
        self.requests: list[Request] = []
        self.tokens = {VALID_TOKEN}
        self.revoked = False
        self.failures: list[tuple[int, str]] = []
        self.free_busy_errors: dict[str, str] = {}
        """Calendar id -> the reason the free/busy answer gives an error for it."""
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _answer(self, status: int, body: Any = None) -> None:
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                if body is not None:
                    self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self) -> None:
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                ctype = self.headers.get("Content-Type") or ""
                if raw and "json" in ctype:
                    body: Any = json.loads(raw)
                elif raw:
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                else:
                    body = None
                request = Request(
                    self.command,
                    unquote(url.path),
                    parse_qs(url.query),
                    body,
                    self.headers.get("Authorization"),
                    self.headers.get("If-Match"),
                )
                with server._lock:
                    server.requests.append(request)
                    status, answer = server.respond(request)
                self._answer(status, answer)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    # -- control -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def token_uri(self) -> str:
        return self.url + "/token"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail_next(self, status: int, reason: str = "backendError", times: int = 1) -> None:
        self.failures.extend([(status, reason)] * times)

    def expire_tokens(self) -> None:
        """Access tokens handed out so far stop working (as when they expire)."""
        self.tokens.clear()

    def revoke(self) -> None:
        """The refresh token is revoked: the token endpoint refuses it."""
        self.revoked = True
        self.tokens.clear()

    def api_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path != "/token"]

    def clear_log(self) -> None:
        self.requests.clear()

    def events(self, calendar_id: str) -> dict[str, dict[str, Any]]:
        return self.calendars[calendar_id].events

    def add_calendar(
        self,
        summary: str,
        *,
        cal_id: str | None = None,
        primary: bool = False,
        selected: bool = True,
        time_zone: str = "Europe/Berlin",
    ) -> str:
        """A calendar of the learner's own (made in their calendar app): no auth, no log."""
        with self._lock:
            cal_id = cal_id or f"c{next(self._ids)}@group.calendar.google.com"
            self.calendars[cal_id] = Calendar(
                cal_id, summary, time_zone, primary=primary, selected=selected
            )
            return cal_id

    def add_event(self, calendar_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """An event put there by someone else (the learner's app): no auth, no log."""
        with self._lock:
            return self._insert(self.calendars[calendar_id], dict(body))

    def edit_event(self, calendar_id: str, event_id: str, **fields: Any) -> None:
        """The learner edits an event in their calendar app: its etag changes."""
        with self._lock:
            event = self.calendars[calendar_id].events[event_id]
            event.update(fields)
            self._touch(event)

    def delete_event(self, calendar_id: str, event_id: str) -> None:
        with self._lock:
            cal = self.calendars[calendar_id]
            del cal.events[event_id]
            cal.deleted.add(event_id)

    # -- the API -----------------------------------------------------------------------

    def _touch(self, event: dict[str, Any]) -> None:
        n = next(self._ids)
        event["etag"] = f'"{3000000000000000 + n}"'
        event["updated"] = f"2026-12-03T10:00:{n % 60:02d}.000Z"

    def _insert(self, cal: Calendar, body: dict[str, Any]) -> dict[str, Any]:
        event_id = f"ev{next(self._ids):05d}"
        body.update({"kind": "calendar#event", "id": event_id, "status": "confirmed"})
        self._touch(body)
        cal.events[event_id] = body
        return body

    def respond(self, r: Request) -> tuple[int, Any]:
        if r.path == "/token":
            if self.revoked:
                return 400, {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                }
            token = f"ya29.refreshed-{next(self._ids)}"
            self.tokens.add(token)
            return 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        bearer = (r.authorization or "").removeprefix("Bearer ")
        if bearer not in self.tokens:
            return 401, _error(401, "authError", "Request had invalid authentication credentials.")
        if self.failures:
            status, reason = self.failures.pop(0)
            return status, _error(status, reason, f"Simulated {status} {reason}")
        parts = [p for p in r.path.split("/") if p]
        if parts == ["users", "me", "calendarList"] and r.method == "GET":
            items = []
            for c in self.calendars.values():
                entry: dict[str, Any] = {
                    "kind": "calendar#calendarListEntry",
                    "id": c.id,
                    "summary": c.summary,
                    "accessRole": "owner",
                }
                if c.primary:
                    entry["primary"] = True
                if c.selected:
                    entry["selected"] = True
                items.append(entry)
            return 200, {"kind": "calendar#calendarList", "items": items}
        if parts == ["freeBusy"] and r.method == "POST":
            return self._free_busy(r.body or {})
        if parts == ["calendars"] and r.method == "POST":
            cal_id = f"c{next(self._ids)}@group.calendar.google.com"
            body = r.body or {}
            self.calendars[cal_id] = Calendar(cal_id, body.get("summary", ""), body.get("timeZone"))
            return 200, {"kind": "calendar#calendar", "id": cal_id, "summary": body.get("summary")}
        if len(parts) >= 3 and parts[0] == "calendars" and parts[2] == "events":
            cal = self.calendars.get(parts[1])
            if cal is None:
                return 404, _error(404, "notFound", "Not Found")
            if len(parts) == 3:
                if r.method == "GET":
                    return self._list(cal, r)
                if r.method == "POST":
                    return 200, self._insert(cal, dict(r.body or {}))
            if len(parts) == 4:
                event_id = parts[3]
                event = cal.events.get(event_id)
                if event is None:
                    if event_id in cal.deleted:
                        return 410, _error(410, "deleted", "Resource has been deleted")
                    return 404, _error(404, "notFound", "Not Found")
                if r.if_match and r.if_match != event["etag"]:
                    return 412, _error(412, "conditionNotMet", "Precondition Failed")
                if r.method == "PATCH":
                    event.update(r.body or {})
                    self._touch(event)
                    return 200, event
                if r.method == "DELETE":
                    del cal.events[event_id]
                    cal.deleted.add(event_id)
                    return 204, None
        return 404, _error(404, "notFound", "Not Found")

    def _list(self, cal: Calendar, r: Request) -> tuple[int, Any]:
        wanted = [v.split("=", 1) for v in r.query.get("privateExtendedProperty", [])]
        items = [
            e
            for e in cal.events.values()
            if all(
                ((e.get("extendedProperties") or {}).get("private") or {}).get(k) == v
                for k, v in wanted
            )
        ]
        size = min(self.page_size, int(r.query.get("maxResults", ["250"])[0]))
        start = int(r.query.get("pageToken", ["0"])[0])
        page = items[start : start + size]
        body: dict[str, Any] = {"kind": "calendar#events", "summary": cal.summary, "items": page}
        if start + size < len(items):
            body["nextPageToken"] = str(start + size)
        return 200, body

    def _free_busy(self, body: dict[str, Any]) -> tuple[int, Any]:
        try:
            lo = _instant(body["timeMin"])
            hi = _instant(body["timeMax"])
        except (KeyError, TypeError, ValueError):
            return 400, _error(400, "badRequest", "Bad Request")
        if hi <= lo:
            return 400, _error(400, "timeRangeEmpty", "The specified time range is empty.")
        zone = ZoneInfo(body["timeZone"]) if body.get("timeZone") else timezone.utc
        calendars: dict[str, Any] = {}
        for item in body.get("items") or []:
            cal = self.calendars.get(item.get("id", ""))
            if cal is None or cal.id in self.free_busy_errors:
                reason = self.free_busy_errors.get(item.get("id", ""), "notFound")
                calendars[item.get("id", "")] = {"errors": [{"domain": "global", "reason": reason}]}
                continue
            tz = ZoneInfo(cal.time_zone) if cal.time_zone else timezone.utc
            spans = []
            for event in cal.events.values():
                if event.get("status") == "cancelled" or event.get("transparency") == "transparent":
                    continue
                start, end = _event_instant(event["start"], tz), _event_instant(event["end"], tz)
                if start < hi and lo < end:
                    spans.append([max(start, lo), min(end, hi)])
            spans.sort()
            merged: list[list[datetime]] = []
            for a, b in spans:
                if merged and a <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], b)
                else:
                    merged.append([a, b])
            calendars[cal.id] = {
                "busy": [{"start": _stamp(a, zone), "end": _stamp(b, zone)} for a, b in merged]
            }
        return 200, {
            "kind": "calendar#freeBusy",
            "timeMin": _stamp(lo, zone),
            "timeMax": _stamp(hi, zone),
            "calendars": calendars,
        }


def _instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("no offset")
    return value


def _event_instant(when: dict[str, str], tz: tzinfo) -> datetime:
    if "dateTime" in when:
        return _instant(when["dateTime"])
    day = date.fromisoformat(when["date"])
    return datetime(day.year, day.month, day.day, tzinfo=tz)


def _stamp(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    if zone is timezone.utc:
        return local.strftime("%Y-%m-%dT%H:%M:%SZ")
    return local.isoformat(timespec="seconds")
