"""Export of 10,000 sessions: our exporter next to bare ``ics`` serializing the same events.

    /work/venv/bin/python bench/bench_export.py [--sessions N] [--repeat R]

Three figures, measured in the same run, best of R (interleaved, so a busy machine hurts
all three alike):

- ``ics bare``: ``ics.Event(...)`` for each event, with summary, description, category,
  instants, UID and DTSTAMP already prepared, then ``Calendar.serialize()``. What ``ics``
  costs on its own: the baseline.
- ``planner``: ``build_calendar`` from the roadmap, plan and progress: the texts, the ``ics``
  objects, the repairs (folding, header, SEQUENCE, record) - everything the adapter adds.
  Its events are an ``ics.Event`` subclass whose serializer lists its writers once and
  formats DTSTAMP/DTSTART/DTEND with strftime (same text, tested), and DTSTAMP is one
  Arrow for all events: that saves more than the repairs cost, so it can beat ics bare.
- ``icalendar``: the same events written by icalendar (the alternative library), for scale.

Targets (issue 5): planner under 1 s, and at most 30 % above ics bare.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.calendar_out import PRODID, _Describer, _timed_items, build_calendar
from planner.loader import load_roadmap
from planner.progress import Progress
from planner.roadmap import Roadmap
from planner.schedule import Plan, Session

NOW = datetime(2025, 3, 19, 8, 30, tzinfo=timezone.utc)
TZ = ZoneInfo("Europe/Berlin")


def make_plan(roadmap: Roadmap, count: int) -> Plan:
    """``count`` sessions of 1.5 h, two a day (09:00 and 19:00 local), topics in turn."""
    topics = list(roadmap.topics())
    parts = math.ceil(count / len(topics))
    sessions: list[Session] = []
    day = date(2025, 3, 20)
    for i in range(count):
        topic = topics[i % len(topics)]
        hour = 9 if i % 2 == 0 else 19
        start = datetime(day.year, day.month, day.day, hour, tzinfo=TZ)
        end = (start.astimezone(timezone.utc) + timedelta(hours=1.5)).astimezone(TZ)
        sessions.append(
            Session(topic.id, topic.module_id, start, end, 1.5, i // len(topics) + 1, parts)
        )
        if i % 2:
            day += timedelta(days=1)
    return Plan(tuple(sessions), day, count * 1.5)


def best(fn: Callable[[], object], timings: list[float]) -> None:
    t0 = time.perf_counter()
    fn()
    timings.append(time.perf_counter() - t0)


def import_cost(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import icalendar
    import ics

    roadmap = load_roadmap(Path(__file__).resolve().parents[1] / "roadmap.yaml")
    plan = make_plan(roadmap, args.sessions)
    progress = Progress()
    # the same events, prepared outside the timings, for the two bare baselines
    items = _timed_items(roadmap, plan.sessions, _Describer(roadmap, progress))

    def ics_bare() -> str:
        events = [
            ics.Event(
                name=i.summary,
                begin=i.start,
                end=i.end,
                uid=i.uid,
                description=i.description,
                categories=[i.category],
                created=NOW,
            )
            for i in items
        ]
        return str(ics.Calendar(events=events, creator=PRODID).serialize())

    def ours() -> str:
        return build_calendar(roadmap, plan, progress, now=NOW).text

    def with_icalendar() -> bytes:
        cal = icalendar.Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", roadmap.title)
        for i in items:
            event = icalendar.Event()
            event.add("uid", i.uid)
            event.add("dtstamp", NOW)
            event.add("dtstart", i.start.astimezone(timezone.utc))
            event.add("dtend", i.end.astimezone(timezone.utc))
            event.add("summary", i.summary)
            event.add("description", i.description)
            event.add("categories", [i.category])
            event.add("sequence", 0)
            cal.add_component(event)
        return bytes(cal.to_ical())

    runs: dict[str, list[float]] = {"ics bare": [], "planner": [], "icalendar": []}
    fns = {"ics bare": ics_bare, "planner": ours, "icalendar": with_icalendar}
    for _ in range(args.repeat):
        for name, fn in fns.items():
            best(fn, runs[name])
    size = len(ours().encode("utf-8"))

    base = min(runs["ics bare"])
    print(
        f"export of {args.sessions:,} sessions ({size / 1e6:.1f} MB), best of {args.repeat}, "
        f"Python {sys.version.split()[0]}"
    )
    print(f"{'':<11} {'best':>8} {'median':>8}  vs ics bare")
    for name, timings in runs.items():
        timings.sort()
        low, mid = timings[0], timings[len(timings) // 2]
        print(
            f"{name:<11} {low * 1000:7.0f}ms {mid * 1000:7.0f}ms  {100 * (low / base - 1):+5.0f} %"
        )
    ours_best = min(runs["planner"])
    print(
        f"targets: planner < 1 s: {'ok' if ours_best < 1 else 'MISSED'}; "
        f"adapter overhead <= 30 %: {'ok' if ours_best <= 1.3 * base else 'MISSED'} "
        f"({100 * (ours_best / base - 1):+.0f} %)"
    )
    print(
        f"cold import (not in the figures above): ics {import_cost('ics') * 1000:.0f} ms, "
        f"icalendar {import_cost('icalendar') * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
