"""Plans over many settings, and a fingerprint of everything they say (not a test module).

``test_schedule_lazy.py`` pins the fingerprint: the scheduler's results (every session's
times and offsets, spans, finish, hours per day, the baseline, the pace answers) must not
change when only its speed is worked on. The cases reach the rarely taken paths: DST
changes in Europe/Berlin, America/New_York and Australia/Lord_Howe (half-hour shift),
sessions from midnight on days of 24 hours, daily caps, breaks, days off, minimum sessions
of 0 to 90 minutes, start dates, the stated basis, progress with done, skipped, started
and logged work, topics without estimates and with subtopics.

To see what a change does: ``python tests/unit/schedule_cases.py`` prints the digest and
each case's line count (only the public scheduler API is used, so it runs against any
version of the planner on ``sys.path``).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from planner.errors import PlannerError
from planner.progress import Progress, State
from planner.roadmap import Effort, Module, Roadmap, StatedEstimate, Subtopic, Topic
from planner.roadmap_file import load_roadmap
from planner.schedule import (
    Plan,
    finish_for,
    hours_needed_by,
    lay_out,
    make_baseline,
    remaining_hours,
    schedule,
)
from planner.settings import DayOff, Settings

SEED_YAML = Path(__file__).resolve().parents[2] / "roadmap.yaml"
ZONES = ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC", "Asia/Kolkata")
NOW = datetime(2026, 1, 5, 12, 0)


@dataclass(frozen=True)
class Case:
    name: str
    roadmap: Roadmap
    progress: Progress
    settings: Settings
    today: date
    zone: ZoneInfo


def synthetic(rng: random.Random, n_topics: int) -> Roadmap:
    modules = []
    units = ("hours", "hours", "hours", "days", "weeks")
    for m in range(0, n_topics, 12):
        mid = f"m{m // 12}"
        topics = []
        for i in range(m, min(n_topics, m + 12)):
            unit = rng.choice(units)
            value = rng.choice((0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 0.3, 7.0, 1 / 3))
            estimate = None if rng.random() < 0.05 else Effort(value, unit)  # type: ignore[arg-type]
            subs = tuple(
                Subtopic(f"t{i}/s{k}", f"Sub {k}") for k in range(rng.choice((0, 0, 0, 2, 3, 7)))
            )
            topics.append(Topic(f"t{i}", f"Topic {i}", mid, estimate, subtopics=subs))
        stated = rng.choice((None, StatedEstimate(weeks=1.5), StatedEstimate(hours=7.0)))
        modules.append(Module(mid, f"Module {mid}", m // 12 + 1, tuple(topics), stated=stated))
    return Roadmap("synthetic", "Synthetic", tuple(modules))


def some_progress(rng: random.Random, roadmap: Roadmap, share: float) -> Progress:
    progress = Progress()
    topics = list(roadmap.topics())
    for topic in topics:
        if rng.random() >= share:
            continue
        pick = rng.random()
        leaves = [s.id for s in topic.subtopics] or [topic.id]
        if pick < 0.3:
            progress.set_state(roadmap, [rng.choice(leaves)], State.DONE, NOW)
        elif pick < 0.45:
            progress.set_state(roadmap, [rng.choice(leaves)], State.SKIPPED, NOW)
        elif pick < 0.6:
            progress.set_state(roadmap, [topic.id], State.IN_PROGRESS, NOW)
        elif pick < 0.7:
            progress.set_state(roadmap, [topic.id], State.DONE, NOW)
        else:
            progress.log_hours(topic.id, rng.choice((0.5, 1.0, 2.5, 40.0)), NOW)
    return progress


def weekly(rng: random.Random) -> tuple[dict[int, float], dict[int, time]]:
    style = rng.randrange(4)
    if style == 0:  # the defaults
        return Settings().weekly_hours, Settings().start_times
    if style == 1:  # whole days from midnight: sessions across a DST change in real time
        hours = {d: rng.choice((0.0, 6.0, 23.5, 24.0)) for d in range(7)}
        hours[rng.randrange(7)] = 24.0
        return hours, {d: time(0, 0) for d in range(7)}
    hours = {d: rng.choice((0.0, 0.25, 1.0, 1.5, 2.75, 4.0, 8.0)) for d in range(7)}
    hours[rng.randrange(7)] = 3.0
    times = {}
    for d in range(7):
        room = 24 * 60 - round(hours[d] * 60)
        quarter = rng.randrange(0, room // 15 + 1)
        times[d] = time(quarter * 15 // 60, quarter * 15 % 60)
    if style == 3:  # starts in the small hours, where the clocks change
        times = {d: time(rng.choice((0, 1, 2, 3)), rng.choice((0, 30))) for d in range(7)}
        hours = {d: min(h, 20.0) for d, h in hours.items()}
    return hours, times


def cases() -> Iterator[Case]:
    rng = random.Random(4)
    seed = load_roadmap(SEED_YAML)
    big = synthetic(rng, 700)
    roadmaps = [("seed", seed), ("synthetic", big)]
    todays = [date(2026, 3, 20), date(2026, 10, 20), date(2026, 5, 11), date(2027, 3, 30)]
    for k in range(48):
        name, roadmap = roadmaps[k % 2]
        hours, times = weekly(rng)
        today = rng.choice(todays)
        minimum = rng.choice((0.0, 0.0, 0.25, 0.5, 1.5))
        cap = rng.choice((None, None, None, 0.5, 1.0, 2.5))
        if cap is not None and cap < minimum:
            cap = None
        offs = tuple(
            DayOff(start, start + timedelta(days=rng.randrange(0, 20)))
            for start in (
                today + timedelta(days=rng.randrange(-5, 200)) for _ in range(rng.randrange(3))
            )
        )
        settings = Settings(
            weekly_hours=hours,
            start_times=times,
            timezone=ZONES[k % len(ZONES)],
            days_off=offs,
            start_date=rng.choice((None, None, today + timedelta(days=rng.randrange(-9, 40)))),
            hours_per_day=rng.choice((8.0, 6.0, 2.5)),
            unestimated_hours=rng.choice((8.0, 3.0, 0.0)),
            min_session_hours=minimum,
            max_topic_hours_per_day=cap,
            break_minutes=rng.choice((0, 0, 0, 10, 45)),
            basis=rng.choice(("topics", "topics", "stated")),
        )
        progress = some_progress(rng, roadmap, rng.choice((0.0, 0.0, 0.1, 0.5)))
        yield Case(f"{k} {name}", roadmap, progress, settings, today, ZoneInfo(settings.timezone))


def plan_lines(plan: Plan, today: date) -> list[str]:
    """Everything a plan says, one line each."""
    lines = [f"finish {plan.finish} left {plan.hours_remaining!r} basis {plan.basis}"]
    lines += [
        " ".join(
            (
                s.topic_id,
                s.module_id,
                s.start.isoformat(),
                s.end.isoformat(),
                str(s.start.tzinfo),
                repr(s.hours),
                f"{s.part}/{s.parts}",
            )
        )
        for s in plan.sessions
    ]
    lines += [f"topic {t} {a} {b}" for t, (a, b) in plan.topic_spans.items()]
    lines += [f"module {m} {a} {b}" for m, (a, b) in plan.module_spans.items()]
    lines += [f"day {d} {h!r}" for d, h in plan.hours_by_day().items()]
    lines.append(json.dumps(make_baseline(plan, today)))
    return lines


def case_lines(case: Case) -> list[str]:
    s, today = case.settings, case.today
    try:
        plan = schedule(case.roadmap, case.progress, s, today, case.zone)
    except PlannerError as exc:
        return [f"error {exc}"]
    lines = plan_lines(plan, today)
    remaining = remaining_hours(case.roadmap, case.progress, s)
    module_of = {t.id: m.id for m in case.roadmap.modules for t in m.topics}
    again = lay_out(remaining, module_of, s, today, case.zone, basis="again")
    lines += plan_lines(again, today)
    faster = {d: h * 2 for d, h in s.weekly_hours.items() if h * 2 * 60 <= 24 * 60}
    try:
        lines.append(f"finish_for {finish_for(remaining, s, today, faster)}")
        pace = hours_needed_by(today + timedelta(days=400), remaining, s, today)
        lines.append(f"pace {pace}")
    except PlannerError as exc:
        lines.append(f"error {exc}")
    return lines


def fingerprint() -> str:
    digest = hashlib.sha256()
    for case in cases():
        digest.update(case.name.encode())
        for line in case_lines(case):
            digest.update(line.encode())
            digest.update(b"\n")
    return digest.hexdigest()


if __name__ == "__main__":
    for case in cases():
        lines = case_lines(case)
        print(case.name, case.settings.timezone, len(lines), lines[0][:100])
    print(fingerprint())
