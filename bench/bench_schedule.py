"""The scheduler on the seed and on synthetic roadmaps, beside a bare greedy loop.

    /work/venv/bin/python bench/bench_schedule.py [--sizes 1000,10000,100000] [--repeat R]

For each roadmap, best of R runs (interleaved, so a busy machine hurts every figure alike):

- ``greedy``: the baseline. A plain loop over the same per-topic minutes and weekly
  minutes that pours each topic into days and appends a (topic, day, minutes) tuple per
  piece: no days off, no session rules, no datetimes, no Session objects.
- ``lay_out``: ``planner.schedule.lay_out`` from the same remaining hours: the rules,
  every piece placed on its day and time. Its sessions (Session objects with aware
  start/end datetimes in Europe/Berlin) and its topic and module spans are made when first
  used, so they are not in this figure; its length, finish, hours remaining, hours per
  day and baseline need none of them.
- ``schedule``: ``planner.schedule.schedule`` from roadmap + empty progress: lay_out plus
  working out the remaining hours (``progress.remaining_topic_rows``). This is the figure
  the targets are about.
- ``+sessions``: ``schedule`` and then every session made (``list(plan.sessions)``), as
  the agenda, the calendar, ``planner plan`` and the export do: what a plan costs when all
  of it is shown. Not in it either: the topic and module spans (the details pane asks for
  them), worked out on first use too, about a third of the sessions' time again.
- ``baseline``: ``planner.schedule.ensure_baseline`` keeping that plan as the first baseline
  (hours per study day from the placed pieces, no sessions made; one JSON line per study
  day, written atomically to a temporary folder).

Synthetic topics have estimates of 0.5 to 3 hours (about 1.3 sessions per topic with the
default week of 11.5 h); 100 topics per module. ``--day-sizes`` adds roadmaps like the app's
benchmark (bench_tui.py): topics of 1 to 3 days, so 10,000 topics make ~90,000 sessions.
Targets (issue 4): the seed under 2 ms; 100,000 topics under 150 ms and within 3x of the
greedy loop.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from planner.progress import Progress, remaining_topic_hours
from planner.roadmap import Effort, Module, Roadmap, Topic
from planner.roadmap_file import load_roadmap
from planner.schedule import _module_of, ensure_baseline, lay_out, schedule
from planner.settings import Settings

TODAY = date(2026, 5, 11)
TZ = ZoneInfo("Europe/Berlin")
SETTINGS = Settings(timezone="Europe/Berlin")
ESTIMATES = (1.0, 1.5, 2.0, 0.5, 3.0, 1.0, 2.5)


def synthetic(n_topics: int, per_module: int = 100, days: bool = False) -> Roadmap:
    def estimate(i: int) -> Effort:
        if days:  # as bench_tui.py's roadmap: 1, 2 or 3 days
            return Effort(1 + i % 3, "days")
        return Effort(ESTIMATES[i % len(ESTIMATES)], "hours")

    modules = []
    for m in range(0, n_topics, per_module):
        mid = f"m{m // per_module}"
        topics = tuple(
            Topic(f"t{i}", f"Topic {i}", mid, estimate(i))
            for i in range(m, min(n_topics, m + per_module))
        )
        modules.append(Module(mid, f"Module {m // per_module}", m // per_module + 1, topics))
    return Roadmap("synthetic", "Synthetic", tuple(modules))


def greedy(minutes: list[int], day_minutes: list[int]) -> list[tuple[int, int, int]]:
    """The baseline: topics poured into days, one tuple per piece."""
    out: list[tuple[int, int, int]] = []
    append = out.append
    day = 0
    left = day_minutes[0]
    for j, need in enumerate(minutes):
        while need:
            while not left:
                day += 1
                left = day_minutes[day % 7]
            take = need if need < left else left
            append((j, day, take))
            need -= take
            left -= take
    return out


def timed(fn: Callable[[], object], timings: list[float]) -> None:
    t0 = time.perf_counter()
    fn()
    timings.append(time.perf_counter() - t0)


def bench(name: str, roadmap: Roadmap, repeat: int) -> None:
    progress = Progress()
    remaining = remaining_topic_hours(
        roadmap, progress, SETTINGS.hours_per_day, SETTINGS.unestimated_hours
    )
    module_of = _module_of(roadmap)
    minutes = [max(1, round(h * 60)) for h in remaining.values()]
    week = [round(SETTINGS.hours_on(d) * 60) for d in range(7)]
    plan = lay_out(remaining, module_of, SETTINGS, TODAY, TZ)
    pieces = greedy(minutes, week)
    assert len(pieces) == len(plan.sessions), (len(pieces), len(plan.sessions))
    runs: dict[str, list[float]] = {
        "greedy": [],
        "lay_out": [],
        "schedule": [],
        "+sessions": [],
        "baseline": [],
    }
    folder = Path(tempfile.mkdtemp(prefix="bench_schedule."))
    path = folder / "baseline.json"

    def keep_baseline() -> None:
        path.unlink(missing_ok=True)
        ensure_baseline(path, plan, TODAY)

    for _ in range(repeat):
        timed(lambda: greedy(minutes, week), runs["greedy"])
        timed(lambda: lay_out(remaining, module_of, SETTINGS, TODAY, TZ), runs["lay_out"])
        timed(lambda: schedule(roadmap, progress, SETTINGS, TODAY, TZ), runs["schedule"])
        timed(
            lambda: list(schedule(roadmap, progress, SETTINGS, TODAY, TZ).sessions),
            runs["+sessions"],
        )
        timed(keep_baseline, runs["baseline"])
    path.unlink(missing_ok=True)
    folder.rmdir()
    n = len(remaining)
    base = min(runs["greedy"])
    print(f"{name}: {n:,} topics, {len(plan.sessions):,} sessions, finish {plan.finish}")
    for label, times in runs.items():
        best = min(times)
        ratio = "" if label == "greedy" else f"  {best / base:4.1f}x greedy"
        print(f"  {label:<10} {best * 1e3:9.2f} ms  {best / n * 1e6:6.2f} us/topic{ratio}")


def bench_shape(seed: Roadmap, repeat: int) -> None:
    """The seed with two tracks and five pins (issue 15) beside the seed without them."""
    from dataclasses import replace
    from datetime import datetime

    from planner.settings import Track
    from planner.shape import add_pin

    tracks = (
        Track("Portfolio project", 3, from_id="web-frameworks-apis"),
        Track("DSA practice", 1, from_id="data-structures-algorithms", days=(5, 6)),
    )
    shaped = replace(SETTINGS, tracks=tracks)
    pinned = Progress()
    now = datetime(2026, 5, 11, 8, 0)
    for k, topic in enumerate(list(seed.topics())[3:8]):
        add_pin(seed, pinned, topic.id, datetime(2026, 5, 12 + 3 * k, 10, 0), 90, now)
    plain = Progress()
    runs: dict[str, list[float]] = {"plain": [], "shaped": [], "plain+s": [], "shaped+s": []}
    for _ in range(repeat):
        timed(lambda: schedule(seed, plain, SETTINGS, TODAY, TZ), runs["plain"])
        timed(lambda: schedule(seed, pinned, shaped, TODAY, TZ), runs["shaped"])
        timed(lambda: list(schedule(seed, plain, SETTINGS, TODAY, TZ).sessions), runs["plain+s"])
        timed(lambda: list(schedule(seed, pinned, shaped, TODAY, TZ).sessions), runs["shaped+s"])
    with_them = schedule(seed, pinned, shaped, TODAY, TZ)
    print(
        f"seed with 2 tracks and 5 pins: {len(with_them.sessions):,} sessions, "
        f"finish {with_them.finish}"
    )
    for label, base in (("shaped", "plain"), ("shaped+s", "plain+s")):
        a, b = min(runs[base]), min(runs[label])
        print(f"  {base:<9} {a * 1e3:7.3f} ms   {label:<9} {b * 1e3:7.3f} ms   {b / a:4.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--day-sizes", default="10000")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    seed = load_roadmap(Path(__file__).resolve().parents[1] / "roadmap.yaml")
    bench("seed", seed, args.repeat * 5)
    bench_shape(seed, args.repeat * 5)
    for size in (int(s) for s in args.sizes.split(",") if s):
        bench(f"synthetic {size:,}", synthetic(size), args.repeat)
    for size in (int(s) for s in args.day_sizes.split(",") if s):
        bench(f"synthetic {size:,} of 1-3 days", synthetic(size, days=True), args.repeat)


if __name__ == "__main__":
    main()
