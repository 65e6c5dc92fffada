"""Busy calendars (issue 13): reading, planning around them, a cached re-read.

    .venv/bin/python bench/bench_busy.py [--repeat R]

A synthetic five-year calendar (2026-2030, Europe/Berlin, Google's shape: a VTIMEZONE and
X-WR-TIMEZONE) of about 3,000 events: 200 weekly series (some with BYDAY on two days,
some ending with UNTIL or COUNT, a few with EXDATE), the rest single events (some
all-day, some cancelled or free). The window is the seed's plan horizon, as ``schedule_around`` reads it: from the
first day to twice the plain plan's span and four weeks more. Best of R runs, interleaved.

- ``bare``: the baseline for reading: ``icalendar.Calendar.from_ical`` and
  ``recurring_ical_events.of(calendar).between(start, end)`` over that window, nothing else.
- ``parse_calendar``: ``planner.busy.parse_calendar`` over the same window: the same two
  calls plus the checks, skipping cancelled and free instances, all-day days, minutes,
  merging. Target: at most 1.2x ``bare``.
- ``plan``: the seed's plan (``schedule``, every session and span made: ``Plan.made``)
  without busy times, beside ``plan+busy``: the same with that calendar's busy times (read
  beforehand). Target: ``plan+busy`` at most 2x ``plan``. Both sides make the whole plan:
  the plain plan makes its sessions and spans when first used, the plan around busy times
  makes them at once, so listing only the sessions left the spans out of one side.
- ``re-read (file)``: ``read_sources`` of the unchanged file a second time (its answer kept
  in the cache folder); ``re-read (URL, 304)``: the same calendar from a local HTTP server
  that answers 304. Target: under 50 ms.
"""

from __future__ import annotations

import argparse
import http.server
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.busy import Source, parse_calendar, read_sources
from planner.progress import Progress
from planner.roadmap_file import load_roadmap
from planner.schedule import first_day, schedule
from planner.settings import Settings

TODAY = date(2026, 5, 11)
TZ = ZoneInfo("Europe/Berlin")
SETTINGS = Settings(timezone="Europe/Berlin")
NOW = datetime(2026, 5, 11, 12, tzinfo=timezone.utc)

VTIMEZONE = """BEGIN:VTIMEZONE\r
TZID:Europe/Berlin\r
BEGIN:DAYLIGHT\r
TZOFFSETFROM:+0100\r
TZOFFSETTO:+0200\r
TZNAME:CEST\r
DTSTART:19700329T020000\r
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r
END:DAYLIGHT\r
BEGIN:STANDARD\r
TZOFFSETFROM:+0200\r
TZOFFSETTO:+0100\r
TZNAME:CET\r
DTSTART:19701025T030000\r
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r
END:STANDARD\r
END:VTIMEZONE\r
"""
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def five_year_calendar(n_events: int = 3000, n_series: int = 200, seed: int = 13) -> bytes:
    rng = random.Random(seed)
    out = [
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
        "VERSION:2.0\r\nCALSCALE:GREGORIAN\r\nX-WR-CALNAME:Bench\r\nX-WR-TIMEZONE:Europe/Berlin\r\n",
        VTIMEZONE,
    ]
    first = date(2026, 1, 1)
    span = (date(2030, 12, 31) - first).days
    for i in range(n_events):
        day = first + timedelta(days=rng.randrange(span))
        hour = rng.choice((7, 8, 12, 17, 18, 19, 20))
        minutes = rng.choice((30, 60, 90, 120))
        start = datetime(day.year, day.month, day.day, hour, rng.choice((0, 30)))
        end = start + timedelta(minutes=minutes)
        lines = [f"UID:bench-{i}@example.com", "DTSTAMP:20260101T000000Z", f"SUMMARY:Event {i}"]
        if i < n_series:
            lines += [
                f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=Europe/Berlin:{end:%Y%m%dT%H%M%S}",
            ]
            byday = ",".join(sorted({DAYS[day.weekday()], rng.choice(DAYS)}, key=DAYS.index))
            rule = f"FREQ=WEEKLY;BYDAY={byday}"
            kind = i % 4
            if kind == 1:
                until = day + timedelta(days=rng.randrange(90, 1200))
                rule += f";UNTIL={until:%Y%m%d}T225959Z"
            elif kind == 2:
                rule += f";COUNT={rng.randrange(10, 200)}"
            lines.append(f"RRULE:{rule}")
            if kind == 3:
                skip = start + timedelta(weeks=rng.randrange(1, 40))
                lines.append(f"EXDATE;TZID=Europe/Berlin:{skip:%Y%m%dT%H%M%S}")
        elif i % 10 == 0:
            lines += [
                f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
                f"DTEND;VALUE=DATE:{day + timedelta(days=rng.choice((1, 2))):%Y%m%d}",
            ]
        else:
            lines += [
                f"DTSTART;TZID=Europe/Berlin:{start:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=Europe/Berlin:{end:%Y%m%dT%H%M%S}",
            ]
        if i % 17 == 0:
            lines.append("STATUS:CANCELLED")
        elif i % 13 == 0:
            lines.append("TRANSP:TRANSPARENT")
        else:
            lines.append("TRANSP:OPAQUE")
        out.append("BEGIN:VEVENT\r\n" + "".join(f"{x}\r\n" for x in lines) + "END:VEVENT\r\n")
    out.append("END:VCALENDAR\r\n")
    return "".join(out).encode("utf-8")


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def serve(body: bytes) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.headers.get("If-None-Match") == '"b1"':
                self.send_response(304)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("ETag", '"b1"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/private-token/basic.ics"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import icalendar
    import recurring_ical_events

    data = five_year_calendar()
    seed = load_roadmap(Path(__file__).resolve().parents[1] / "roadmap.yaml")
    progress = Progress()
    plain = schedule(seed, progress, SETTINGS, TODAY, TZ)
    assert plain.finish is not None
    start = first_day(SETTINGS, TODAY)
    end = start + timedelta(days=2 * ((plain.finish - start).days + 1) + 28)
    ws = datetime(start.year, start.month, start.day, tzinfo=TZ)
    we = datetime(end.year, end.month, end.day, tzinfo=TZ)

    def bare() -> object:
        calendar = icalendar.Calendar.from_ical(data.decode("utf-8"))
        return recurring_ical_events.of(calendar).between(ws, we)

    def ours() -> object:
        return parse_calendar(data, "bench.ics", start, end, TZ)

    busy = parse_calendar(data, "bench.ics", start, end, TZ)
    n_instances = len(bare())  # type: ignore[arg-type]

    def plan_plain() -> object:
        return schedule(seed, progress, SETTINGS, TODAY, TZ).made()

    def plan_busy() -> object:
        return schedule(seed, progress, SETTINGS, TODAY, TZ, busy=busy).made()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bench.ics"
        path.write_bytes(data)
        cache = folder / "cache"
        httpd, url = serve(data)
        file_source, url_source = Source("file", str(path)), Source("url", url)

        def reread(source: Source) -> Callable[[], object]:
            return lambda: read_sources([source], start, end, TZ, NOW, cache=cache)

        reread(file_source)()  # first reads: fetched, parsed and kept
        reread(url_source)()
        figures: dict[str, list[float]] = {
            k: [] for k in ("bare", "parse", "plan", "plan+busy", "re-read file", "re-read URL")
        }
        for _ in range(args.repeat):  # interleaved
            figures["bare"].append(best(bare, 1))
            figures["parse"].append(best(ours, 1))
            figures["plan"].append(best(plan_plain, 5))
            figures["plan+busy"].append(best(plan_busy, 5))
            figures["re-read file"].append(best(reread(file_source), 5))
            figures["re-read URL"].append(best(reread(url_source), 5))
        httpd.shutdown()
    f = {k: min(v) * 1000 for k, v in figures.items()}
    print(
        f"calendar: {len(data) / 1e6:.2f} MB, 3000 events (200 weekly series); window "
        f"{start}..{end} ({(end - start).days} days): {n_instances} instances, "
        f"{len(busy)} merged busy times"
    )
    print(f"reading  bare recurring-ical-events {f['bare']:8.1f} ms")
    print(
        f"         parse_calendar           {f['parse']:8.1f} ms   "
        f"{f['parse'] / f['bare']:.2f}x bare (target <= 1.2x)"
    )
    around = schedule(seed, progress, SETTINGS, TODAY, TZ, busy=busy)
    print(
        f"planning seed, no busy times       {f['plan']:8.2f} ms   "
        f"{len(plain.sessions)} sessions to {plain.finish}"
    )
    print(
        f"         seed, with busy times     {f['plan+busy']:8.2f} ms   "
        f"{f['plan+busy'] / f['plan']:.2f}x (target <= 2x); "
        f"{len(around.sessions)} sessions to {around.finish}"
    )
    print(f"re-read  file, unchanged           {f['re-read file']:8.2f} ms   (target < 50 ms)")
    print(f"         URL, 304                  {f['re-read URL']:8.2f} ms   (target < 50 ms)")


if __name__ == "__main__":
    main()
