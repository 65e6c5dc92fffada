"""Export of 10,000 sessions: our exporter next to bare ``icalendar`` writing the same events.

    .venv/bin/python bench/bench_export.py [--sessions N] [--repeat R]

Two figures, measured in the same run, best of R (interleaved, so a busy machine hurts
both alike):

- ``icalendar bare``: ``icalendar.Event`` built with ``add()`` for each event, with summary,
  description, category, instants, UID, DTSTAMP and SEQUENCE already prepared, then
  ``Calendar.to_ical()``. What icalendar costs on its own: the baseline.
- ``planner``: ``build_calendar`` from the roadmap, plan and progress: the texts, the events
  (``vevent``, shared with sync), SEQUENCE and the record, then the content lines icalendar
  writes, folded by ``fold`` (icalendar's own folding walks the text a character at a time:
  about half of its ``to_ical``).

The exporter was built on ``ics`` 0.7.3 before (issue 12 moved it to icalendar). When ``ics``
is installed (``pip install ics==0.7.3``: not a dependency any more), the old exporter is
measured in the same run as a third row, ``old (ics)``: its module is read from the commit
before the move (``git show 9486bf8:planner/ics_export.py``). Without ``ics``, the figure
recorded just before the move is printed instead (``OLD_ICS_MS``, not measured now).
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
import types
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.calendar_out import PRODID, _Describer, _timed_items, build_calendar
from planner.progress import Progress
from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap
from planner.schedule import Plan, Session

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2025, 3, 19, 8, 30, tzinfo=timezone.utc)
OLD_ICS_MS = 499
"""planner on ics 0.7.3, best of 3, 10,000 sessions (bare ics: 947 ms; bare icalendar: 2595 ms)."""
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


OLD_COMMIT = "9486bf8"


def old_exporter() -> Any:
    """The ics-based exporter as it was before the move, or None when ``ics`` is missing."""
    try:
        import ics  # noqa: F401
    except ImportError:
        return None
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{OLD_COMMIT}:planner/ics_export.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("planner_old_ics_export")
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"ics_export.py@{OLD_COMMIT}", "exec"), module.__dict__)
    return module


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

    roadmap = load_roadmap(Path(__file__).resolve().parents[1] / "roadmap.yaml")
    plan = make_plan(roadmap, args.sessions)
    progress = Progress()
    # the same events, prepared outside the timings, for the bare baseline
    items = _timed_items(roadmap, plan.sessions, _Describer(roadmap, progress))

    def ours() -> str:
        return build_calendar(roadmap, plan, progress, now=NOW).text

    def bare() -> bytes:
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

    runs: dict[str, list[float]] = {"icalendar bare": [], "planner": []}
    fns: dict[str, Callable[[], object]] = {"icalendar bare": bare, "planner": ours}
    old = old_exporter()
    if old is not None:

        def old_ics() -> str:
            return str(old.build_calendar(roadmap, plan, progress, now=NOW).text)

        runs["old (ics)"] = []
        fns["old (ics)"] = old_ics
    for _ in range(args.repeat):
        for name, fn in fns.items():
            best(fn, runs[name])
    size = len(ours().encode("utf-8"))

    base = min(runs["icalendar bare"])
    print(
        f"export of {args.sessions:,} sessions ({size / 1e6:.1f} MB), best of {args.repeat}, "
        f"Python {sys.version.split()[0]}, icalendar {icalendar.__version__}"
    )
    print(f"{'':<15} {'best':>8} {'median':>8}  vs icalendar bare")
    for name, timings in runs.items():
        timings.sort()
        low, mid = timings[0], timings[len(timings) // 2]
        print(
            f"{name:<15} {low * 1000:7.0f}ms {mid * 1000:7.0f}ms  {100 * (low / base - 1):+5.0f} %"
        )
    ours_best = min(runs["planner"])
    if old is not None:
        old_best = min(runs["old (ics)"])
        print(
            f"planner on icalendar vs the old exporter on ics 0.7.3, same run: "
            f"{ours_best * 1000:.0f} ms vs {old_best * 1000:.0f} ms ({ours_best / old_best:.1f}x)"
        )
    else:
        print(
            f"old exporter on ics 0.7.3 (recorded before the move, not measured now; "
            f"pip install ics==0.7.3 to measure it): {OLD_ICS_MS} ms; planner on icalendar "
            f"now: {ours_best * 1000:.0f} ms ({ours_best * 1000 / OLD_ICS_MS:.1f}x)"
        )
    print(
        f"cold import (not in the figures above): icalendar {import_cost('icalendar') * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
