"""``planner sync`` against a real Radicale server, side by side with bare caldav saves.

    .venv/bin/python bench/bench_sync.py [--repeat R] [--weeks W]

Starts Radicale (tests/davserver.py) on a free port with a temporary folder and a
password, then measures, in one run:

- ``first sync``: the sync engine and the CalDAV adapter making a new calendar and
  sending the seed's next W weeks (default 4): discovery, MKCALENDAR, one REPORT, one PUT
  per event; against ``bare caldav``: the caldav library's own ``principal()``,
  ``make_calendar()`` and a loop of ``calendar.save_event(text)`` for the same events
  (the same iCalendar text). Best of R, interleaved, each run into a new calendar.
  Target: at most 1.2x bare caldav.
- ``no-change sync``: a second sync with nothing changed: its time (best of R) and its
  HTTP requests, counted by a proxy in front of the server. Target: at most 2 requests,
  under 100 ms.
- ``after one check-off``: the first topic done, the plan re-made, a sync: how many events
  it sends (PUT, DELETE) and how many it leaves. The plan is re-made from today, so
  checking off the first topic moves every later session (all are sent); a check-off of
  a topic beyond the horizon is shown too (nothing in the next weeks moves: nothing sent).

The plan and its events are made before the timings (they are the same for both sides).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from davserver import PASSWORD, USER, CountingProxy, Radicale  # noqa: E402

from planner.progress import Progress, State  # noqa: E402
from planner.roadmap_file import load_roadmap  # noqa: E402
from planner.schedule import schedule  # noqa: E402
from planner.settings import Settings, SyncSettings  # noqa: E402
from planner.sync.caldav import _QUERY, CalDAVAdapter  # noqa: E402
from planner.sync.engine import DesiredEvent, SyncState, desired_events, sync  # noqa: E402

TODAY = date(2030, 1, 7)
TZ = ZoneInfo("Europe/Berlin")
NOW = datetime.combine(TODAY, clock(0), tzinfo=TZ)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=4)
    args = parser.parse_args()

    import caldav
    from icalendar import Calendar

    from planner.calendar_out import calendar_text

    roadmap = load_roadmap(ROOT / "roadmap.yaml")
    settings = Settings(timezone="Europe/Berlin")
    progress = Progress()
    plan = schedule(roadmap, progress, settings, TODAY, TZ)
    desired, _ = desired_events(
        roadmap, plan.sessions, progress, today=TODAY, weeks=args.weeks, reminder_minutes=10
    )

    def text(d: DesiredEvent) -> str:
        cal = Calendar()
        cal["VERSION"] = "2.0"
        cal["PRODID"] = "-//planner//bench//EN"
        cal.add_component(d.vevent(NOW))
        return calendar_text(cal)

    texts = [text(d) for d in desired]

    with tempfile.TemporaryDirectory() as folder:
        server = Radicale(Path(folder) / "radicale")
        proxy = CountingProxy(server.port)
        try:
            runs: dict[str, list[float]] = {"first sync": [], "bare caldav": []}
            states: list[SyncState] = []
            for n in range(args.repeat):
                t0 = time.perf_counter()
                adapter = CalDAVAdapter(
                    SyncSettings(url=server.url, username=USER, calendar=f"Plan {n}"), PASSWORD
                )
                state = SyncState()
                report = sync(adapter, desired, state, now=NOW)
                runs["first sync"].append(time.perf_counter() - t0)
                assert len(report.created) == len(desired)
                states.append(state)

                t0 = time.perf_counter()
                client = caldav.DAVClient(
                    url=server.url, username=USER, password=PASSWORD, auth_type="basic"
                )
                bare = client.principal().make_calendar(name=f"Bare {n}")
                for t in texts:
                    bare.save_event(t)
                runs["bare caldav"].append(time.perf_counter() - t0)

            # a no-change sync: timed straight to the server, counted through the proxy
            settings_direct = SyncSettings(url=server.url, username=USER, calendar="Plan 0")
            quiet: list[float] = []
            for _ in range(args.repeat):
                adapter = CalDAVAdapter(settings_direct, PASSWORD)
                t0 = time.perf_counter()
                report = sync(adapter, desired, states[0], now=NOW)
                quiet.append(time.perf_counter() - t0)
                assert report.unchanged == len(desired) and not report.created
            via_proxy = CalDAVAdapter(
                SyncSettings(url=proxy.url, username=USER, calendar="Plan 0"), PASSWORD
            )
            proxied = SyncState(calendar=states[0].calendar.replace(server.url, proxy.url))
            proxied.events = dict(states[0].events)
            proxy.reset()
            sync(via_proxy, desired, proxied, now=NOW)
            quiet_requests = list(proxy.requests)

            # one check-off
            first = next(iter(roadmap.topics()))
            progress.set_state(roadmap, [first.id], State.DONE, NOW)
            plan2 = schedule(roadmap, progress, settings, TODAY, TZ)
            desired2, _ = desired_events(
                roadmap,
                plan2.sessions,
                progress,
                today=TODAY,
                weeks=args.weeks,
                reminder_minutes=10,
            )
            proxy.reset()
            report2 = sync(via_proxy, desired2, proxied, now=NOW)
            sent = [r for r in proxy.requests if r[0] in ("PUT", "DELETE")]
            # a topic beyond the horizon done: the next weeks do not change
            later = list(roadmap.topics())[-1]
            progress.set_state(roadmap, [later.id], State.DONE, NOW)
            plan3 = schedule(roadmap, progress, settings, TODAY, TZ)
            desired3, _ = desired_events(
                roadmap,
                plan3.sessions,
                progress,
                today=TODAY,
                weeks=args.weeks,
                reminder_minutes=10,
            )
            proxy.reset()
            report3 = sync(via_proxy, desired3, proxied, now=NOW)
            sent3 = [r for r in proxy.requests if r[0] in ("PUT", "DELETE")]
        finally:
            proxy.close()
            server.stop()

    assert _QUERY  # the adapter's one listing request
    print(
        f"sync of the seed's next {args.weeks} weeks ({len(desired)} events) to Radicale, "
        f"best of {args.repeat}, Python {sys.version.split()[0]}, caldav {caldav.__version__}"
    )
    base = min(runs["bare caldav"])
    print(f"{'':<16} {'best':>8} {'median':>8}  vs bare caldav")
    for name in ("bare caldav", "first sync"):
        timings = sorted(runs[name])
        low, mid = timings[0], timings[len(timings) // 2]
        print(f"{name:<16} {low * 1000:7.0f}ms {mid * 1000:7.0f}ms  {low / base:5.2f}x")
    quiet.sort()
    print(
        f"{'no-change sync':<16} {quiet[0] * 1000:7.1f}ms {quiet[len(quiet) // 2] * 1000:7.1f}ms"
        f"  {len(quiet_requests)} HTTP request(s): " + ", ".join(m for m, _ in quiet_requests)
    )
    print(
        f"after one check-off ({first.title} done): {len(sent)} events sent "
        f"({len(report2.created)} created, {len(report2.updated)} updated, "
        f"{len(report2.deleted)} deleted), {report2.unchanged} unchanged not sent"
    )
    print(
        f"after a check-off beyond the horizon ({later.title} done): {len(sent3)} events sent, "
        f"{report3.unchanged} unchanged not sent, {len(proxy.requests)} HTTP request(s)"
    )
    ratio = min(runs["first sync"]) / base
    print(
        f"targets: first sync <= 1.2x bare caldav: {'ok' if ratio <= 1.2 else 'MISSED'} "
        f"({ratio:.2f}x); no-change <= 2 requests: "
        f"{'ok' if len(quiet_requests) <= 2 else 'MISSED'}; no-change < 100 ms: "
        f"{'ok' if quiet[0] < 0.1 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
