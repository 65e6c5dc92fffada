"""The learner's own calendars -> busy times the plan keeps clear of.

A busy source is an ``.ics`` file (a path, relative to the settings file, ``~`` allowed),
an ``http(s)``/``webcal`` URL (Google's secret iCal address, Outlook's published link),
or ``sync`` (the sync account's other calendars, read through a ``SyncReader`` the caller
passes in, so no network library is imported here; without one, skipped with a warning).

Reading (``parse_calendar``): ``icalendar`` parses, ``recurring-ical-events`` (which
applies ``x-wr-timezone`` to Google's ``X-WR-TIMEZONE``) expands RRULE (COUNT, UNTIL,
BYDAY), RDATE, EXDATE and moved instances (RECURRENCE-ID) over a window only, so a
calendar with a million instances costs what its window holds. An instance is busy
unless it or its event is ``STATUS:CANCELLED`` or ``TRANSP:TRANSPARENT``; an all-day
instance is busy for its whole local day(s) in the plan's zone (unless all-day events are
set never to block); a floating time is read in the plan's zone; an event with no end
lasts its DURATION, else a day (a date) or nothing (a time), as RFC 5545 says.

Busy times are plain data: ``BusyTimes``, merged, sorted ``(start, end)`` pairs of whole
minutes since the Unix epoch (UTC), a start rounded down and an end rounded up.

URLs (``fetch``) are fetched with a timeout and kept in the cache folder with their
ETag / Last-Modified, so an unchanged calendar costs a 304. When a fetch fails the last
copy is used with a one-line warning naming the host and the copy's age; with no copy a
``BusyError``. A URL is only ever shown masked (``mask_url``): its path is a secret.

The intervals read for a window are cached too (keyed by the calendar's bytes, the
window, the zone and the all-day rule), so reading an unchanged calendar again costs a
hash and a small JSON file. Nothing here reads the clock: ``now`` is a parameter.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from planner.atomic import BUSY_CALENDAR, FileError, read_bytes, write_atomic
from planner.errors import PlannerError

BusyTimes = tuple[tuple[int, int], ...]
"""Merged, sorted (start, end) in whole minutes since 1970-01-01 00:00 UTC."""

SYNC = "sync"
"""The busy source that means the sync account's other calendars."""

FETCH_TIMEOUT = 10.0
"""Seconds a URL may take to answer."""

CACHE_VERSION = 1

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_UTC = timezone.utc


class BusyError(PlannerError):
    """A busy calendar cannot be read or fetched; the message names it and says what to do."""


# -- sources -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One busy calendar: ``kind`` is "file", "url" or "sync"; ``where`` the resolved path
    or the URL (webcal read as https)."""

    kind: str
    where: str

    @property
    def label(self) -> str:
        """How the source is named to the user: a file's path, a URL masked."""
        if self.kind == "url":
            return mask_url(self.where)
        return self.where


def is_url(text: str) -> bool:
    return bool(re.match(r"(?i)^(https?|webcal)://", text.strip()))


def source_of(text: str, base: Path) -> Source:
    """The source an entry of ``busy:`` (or ``--busy``) names; paths relative to ``base``."""
    entry = text.strip()
    if not entry:
        raise BusyError("busy: an empty entry; give a .ics path, a URL or 'sync'")
    if entry.lower() == SYNC:
        return Source("sync", SYNC)
    if is_url(entry):
        scheme, _, rest = entry.partition("://")
        if scheme.lower() == "webcal":
            scheme = "https"
        return Source("url", f"{scheme.lower()}://{rest}")
    path = Path(entry).expanduser()
    if not path.is_absolute():
        path = base / path
    return Source("file", str(path))


def mask_url(url: str) -> str:
    """``https://calendar.google.com/…``: the scheme and host only (no user, path or query),
    since a calendar's secret address carries its token in the path."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}/…"


# -- reading a calendar ---------------------------------------------------------------------


def _minute(moment: datetime, up: bool) -> int:
    seconds = (moment - _EPOCH).total_seconds()
    minutes = int(seconds // 60)
    if up and minutes * 60 < seconds:
        minutes += 1
    return minutes


def _local_midnight(day: date, tz: tzinfo) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(_UTC).astimezone(tz)


def merge(intervals: Iterable[tuple[int, int]]) -> BusyTimes:
    """Merged, sorted intervals (touching ones joined, empty ones dropped)."""
    out: list[list[int]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1][1] = end
        else:
            out.append([start, end])
    return tuple((a, b) for a, b in out)


def _line_of(text: str, needle: str) -> int | None:
    if not needle:
        return None
    at = text.find(needle)
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _printable(text: str) -> str:
    """``text`` with control characters shown as "?" (it may quote the file)."""
    return "".join(c if c.isprintable() else "?" for c in text)


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise BusyError(
            f"{name}:{line}: not UTF-8 text; export the calendar again as UTF-8 .ics"
        ) from None


def _parse(data: bytes, name: str) -> Any:
    """The icalendar Calendar in ``data``; ``BusyError`` naming the file (and line)."""
    text = _decode(data, name)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if first.upper() != "BEGIN:VCALENDAR":
        raise BusyError(
            f"{name}:1: not an iCalendar file (it does not start with BEGIN:VCALENDAR); "
            "give an .ics export of the calendar"
        )
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        detail = _printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        quoted = re.search(r"'([^']{4,})'", detail)
        line = _line_of(text, quoted.group(1)) if quoted else None
        where = f"{name}:{line}" if line else name
        raise BusyError(f"{where}: broken iCalendar data ({detail[:120]})") from None
    for component in calendar.walk("VEVENT"):
        for prop, problem in component.errors:
            raw = component.get(prop)
            line = _line_of(text, f"{prop}") if raw is None else _line_of(text, str(raw))
            where = f"{name}:{line}" if line else name
            raise BusyError(
                f"{where}: broken {prop} in an event ({_printable(str(problem))[:100]}); fix or remove "
                "that event"
            )
    return calendar  # recurring_ical_events.of applies x-wr-timezone to it


def _as_utc(value: date | datetime, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating: the plan's zone
            return value.replace(tzinfo=tz).astimezone(_UTC).astimezone(tz)
        return value
    return _local_midnight(value, tz)


def _span(component: Any) -> tuple[date | datetime, date | datetime] | None:
    """(start, end) of an event instance: DTEND, else DTSTART + DURATION, else the RFC's
    default (a day for a date, nothing for a time). None when it has no start."""
    start_prop = component.get("DTSTART")
    if start_prop is None:
        return None
    start = start_prop.dt
    end_prop = component.get("DTEND")
    if end_prop is not None:
        return start, end_prop.dt
    duration = component.get("DURATION")
    if duration is not None and isinstance(duration.dt, timedelta):
        return start, start + duration.dt
    if isinstance(start, datetime):
        return start, start
    return start, start + timedelta(days=1)


def expand(
    calendar: Any, start: date, end: date, tz: tzinfo, all_day_blocks: bool = True
) -> list[tuple[int, int]]:
    """The busy (start, end) minutes of ``calendar``'s events from ``start`` to ``end``
    (local days in ``tz``, end exclusive), not merged."""
    import recurring_ical_events

    window_start = _local_midnight(start, tz)
    window_end = _local_midnight(end, tz)
    query = recurring_ical_events.of(calendar)  # a broken series raises: named, not skipped
    out: list[tuple[int, int]] = []
    add = out.append
    for event in query.between(window_start, window_end):
        get = event.get
        status, transp = get("STATUS"), get("TRANSP")
        if (status is not None and str(status).strip().upper() == "CANCELLED") or (
            transp is not None and str(transp).strip().upper() == "TRANSPARENT"
        ):
            continue
        span = _span(event)
        if span is None:
            continue
        first, last = span
        if not isinstance(first, datetime) and not all_day_blocks:
            continue
        a = _minute(_as_utc(first, tz), up=False)
        b = _minute(_as_utc(last, tz), up=True)
        if b > a:
            add((a, b))
    return out


def parse_calendar(
    data: bytes,
    name: str,
    start: date,
    end: date,
    tz: tzinfo,
    all_day_blocks: bool = True,
) -> BusyTimes:
    """The busy times of the calendar in ``data`` (named ``name`` in messages) from ``start``
    to ``end`` (exclusive), merged; ``BusyError`` for data that is not a calendar."""
    calendar = _parse(data, name)
    try:
        found = expand(calendar, start, end, tz, all_day_blocks)
    except BusyError:
        raise
    except Exception as exc:  # a broken rule or date inside an event
        detail = _printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        raise BusyError(f"{name}: broken iCalendar event ({detail[:120]})") from None
    return merge(found)


# -- fetching and caching -------------------------------------------------------------------


@dataclass(frozen=True)
class Fetched:
    data: bytes
    warning: str | None = None
    """Set when the fetch failed and the last copy is used."""


def _url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def _age_text(seconds: float) -> str:
    minutes = max(0, int(seconds // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} days"


def fetch(url: str, cache: Path, now: datetime, timeout: float = FETCH_TIMEOUT) -> Fetched:
    """The calendar at ``url``: fetched (conditionally, with the kept ETag/Last-Modified),
    else the last copy kept in ``cache`` with a warning, else ``BusyError``."""
    folder = cache / "busy" / "urls"
    key = _url_key(url)
    body_path, meta_path = folder / f"{key}.ics", folder / f"{key}.json"
    meta: dict[str, Any] = {}
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            meta = {}
    except (OSError, ValueError):
        meta = {}
    import urllib.error
    import urllib.request

    kept: bytes | None
    try:
        kept = body_path.read_bytes()
    except OSError:
        kept = None
    request = urllib.request.Request(url, headers={"User-Agent": "planner"})
    if kept is not None:
        if isinstance(meta.get("etag"), str):
            request.add_header("If-None-Match", meta["etag"])
        if isinstance(meta.get("last_modified"), str):
            request.add_header("If-Modified-Since", meta["last_modified"])
    label = mask_url(url)
    host = urlsplit(url).hostname or "?"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data = response.read()
            etag = response.headers.get("ETag")
            modified = response.headers.get("Last-Modified")
    except urllib.error.HTTPError as exc:
        if exc.code == 304 and kept is not None:
            meta["fetched"] = now.timestamp()
            _write_private(meta_path, json.dumps(meta))
            return Fetched(kept)
        reason = f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        why = getattr(exc, "reason", None) or exc
        reason = "timed out" if "timed out" in str(why) else str(why)
    else:
        _write_private(body_path, data)
        _write_private(
            meta_path,
            json.dumps({"etag": etag, "last_modified": modified, "fetched": now.timestamp()}),
        )
        return Fetched(data)
    if kept is None:
        raise BusyError(
            f"busy calendar {label}: cannot fetch it ({reason}) and no copy is kept; "
            "check the address and the network"
        )
    fetched = meta.get("fetched")
    age = _age_text(now.timestamp() - fetched) if isinstance(fetched, (int, float)) else "?"
    warning = f"busy calendar on {host}: cannot fetch it ({reason}); using the copy from {age} ago"
    return Fetched(kept, warning)


def _write_private(path: Path, data: str | bytes) -> None:
    """Write atomically, readable by the owner only (a secret calendar's copy)."""
    write_atomic(path, data)  # its temporary file is made with mode 0600
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)


def read_cached(
    data: bytes,
    name: str,
    start: date,
    end: date,
    tz: Any,
    all_day_blocks: bool,
    cache: Path | None,
) -> BusyTimes:
    """``parse_calendar``, its answer kept in ``cache`` (keyed by the data, the window, the
    zone and the all-day rule) so an unchanged calendar is not parsed again."""
    if cache is None:
        return parse_calendar(data, name, start, end, tz, all_day_blocks)
    zone_name = getattr(tz, "key", None) or str(tz)
    digest = hashlib.sha256(data)
    digest.update(f"|{CACHE_VERSION}|{start}|{end}|{zone_name}|{all_day_blocks}".encode())
    path = cache / "busy" / "read" / f"{digest.hexdigest()[:40]}.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return tuple((int(a), int(b)) for a, b in raw)
    except (OSError, ValueError, TypeError):
        pass
    found = parse_calendar(data, name, start, end, tz, all_day_blocks)
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        _write_private(path, json.dumps([list(pair) for pair in found]))
    return found


@dataclass(frozen=True)
class BusyRead:
    """What reading the busy sources gave: the times, and warnings to show (one line each)."""

    times: BusyTimes
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SyncBusy:
    """What the sync account gave for a window (see ``planner.sync.busy_reader``)."""

    calendars: tuple[tuple[str, bytes], ...] = ()
    """iCalendar texts, each with the name messages give it (CalDAV: one per event
    resource of the account's other calendars); read by ``parse_calendar`` like a file."""
    spans: tuple[tuple[datetime, datetime], ...] = ()
    """Busy (start, end) as aware datetimes (Google's free/busy answer)."""
    warnings: tuple[str, ...] = ()
    """One line each: what could not be read (the plan is made without it)."""


SyncReader = Callable[[datetime, datetime], SyncBusy]
"""Reads the sync account's other calendars over [start, end) (aware datetimes); never
raises for what the network or the server does: it says so in ``SyncBusy.warnings``."""

SYNC_UNSET = "busy: 'sync' is not available until sync is configured; skipped"


def sync_intervals(
    got: SyncBusy, start: date, end: date, tz: tzinfo, all_day_blocks: bool = True
) -> tuple[list[tuple[int, int]], list[str]]:
    """The busy minutes in what the sync account gave (its calendars read by the same rules
    as a file: recurring, cancelled, free and all-day events), and warnings: an event the
    server holds that cannot be read is skipped with a warning, not an error (the learner
    did not name it, and the rest of the account still counts)."""
    found: list[tuple[int, int]] = []
    warnings = list(got.warnings)
    for name, data in got.calendars:
        try:
            found.extend(parse_calendar(data, name, start, end, tz, all_day_blocks))
        except BusyError as exc:
            warnings.append(f"{exc}; skipped that event")
    lo = _minute(_local_midnight(start, tz), up=False)
    hi = _minute(_local_midnight(end, tz), up=False)
    for first, last in got.spans:
        a = max(lo, _minute(first, up=False))
        b = min(hi, _minute(last, up=True))
        if b > a:
            found.append((a, b))
    return found, warnings


def read_sources(
    sources: Sequence[Source],
    start: date,
    end: date,
    tz: Any,
    now: datetime,
    *,
    all_day_blocks: bool = True,
    cache: Path | None = None,
    timeout: float = FETCH_TIMEOUT,
    sync: SyncReader | None = None,
) -> BusyRead:
    """Every source's busy times from ``start`` to ``end`` (exclusive), merged.

    A file that cannot be read, a calendar that is broken and a URL with neither an answer
    nor a kept copy raise ``BusyError``; a URL answered from its kept copy adds a warning.
    ``sync`` reads the sync account's other calendars (``SyncReader``); what it cannot read
    (the server down, no password) is a warning and the plan is made without it; with no
    reader (sync not set up) the ``sync`` source is skipped with a warning.
    """
    found: list[tuple[int, int]] = []
    warnings: list[str] = []
    for source in sources:
        if source.kind == "sync":
            if sync is None:
                warnings.append(SYNC_UNSET)
                continue
            answer = sync(_local_midnight(start, tz), _local_midnight(end, tz))
            times, said = sync_intervals(answer, start, end, tz, all_day_blocks)
            found.extend(times)
            warnings.extend(said)
            continue
        if source.kind == "url":
            if cache is None:
                raise BusyError("busy URLs need a cache folder")
            got = fetch(source.where, cache, now, timeout)
            if got.warning:
                warnings.append(got.warning)
            data = got.data
        else:
            path = Path(source.where)
            try:
                data = read_bytes(path, BUSY_CALENDAR)  # a regular file only, size-limited
            except FileNotFoundError:
                raise BusyError(
                    f"busy calendar {path} does not exist; check the path in busy: "
                    "(relative paths start at the settings file's folder)"
                ) from None
            except FileError as exc:  # a folder, a device or pipe; too large
                raise BusyError(str(exc)) from None
            except OSError as exc:
                raise BusyError(
                    f"cannot read busy calendar {path} ({exc.strerror or exc}); check its "
                    "permissions"
                ) from None
        found.extend(read_cached(data, source.label, start, end, tz, all_day_blocks, cache))
    return BusyRead(merge(found), tuple(warnings))


# -- showing them ---------------------------------------------------------------------------


def local_spans(times: BusyTimes, tz: tzinfo) -> list[tuple[datetime, datetime]]:
    """The busy times as aware datetimes in ``tz``."""
    return [
        (
            (_EPOCH + timedelta(minutes=a)).astimezone(tz),
            (_EPOCH + timedelta(minutes=b)).astimezone(tz),
        )
        for a, b in times
    ]


def on_day(times: BusyTimes, day: date, tz: tzinfo) -> list[tuple[time, time]]:
    """The busy parts of local ``day`` as (start, end) clock times; an end at the next
    midnight is ``time.max``."""
    lo = _minute(_local_midnight(day, tz), up=False)
    hi = _minute(_local_midnight(day + timedelta(days=1), tz), up=False)
    out: list[tuple[time, time]] = []
    for a, b in times:
        if b <= lo or a >= hi:
            continue
        start = (_EPOCH + timedelta(minutes=max(a, lo))).astimezone(tz).time()
        end = time.max if b >= hi else (_EPOCH + timedelta(minutes=b)).astimezone(tz).time()
        out.append((start.replace(tzinfo=None), end.replace(tzinfo=None)))
    return out
