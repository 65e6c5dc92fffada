"""``planner next ID...``, ``planner order [--json] [--reset]``, ``planner pin`` and
``planner unpin``: the learner's queue and pinned sessions (``planner.shape``).

Both are kept in the progress file and recorded in its history (``planner undo`` takes
them back).
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from planner.cli import CliError, Context
from planner.cli.progress_cmds import _now, _store, resolve_ids
from planner.history import Intent
from planner.progress import Progress, State
from planner.roadmap import Module, Roadmap, Subtopic
from planner.textutil import visible
from planner.units import DurationError, parse_duration

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "next",
        parents=[common],
        help="put topics first in the plan, in the order given",
        description="Put topics (or a module's topics) first in the plan, in the order "
        "given, before what was put first already. An ID may be the id, a unique prefix "
        "of it, or words from the title.",
    )
    p.add_argument("ids", nargs="+", metavar="ID", help="module or topic")
    p.set_defaults(func=run_next)

    p = sub.add_parser(
        "order",
        parents=[common],
        help="show the queue of topics the plan takes, in order",
        description="Show the open topics in the order the plan takes them: those put "
        "first (planner next), then those in progress, then the rest in roadmap order.",
    )
    p.add_argument("--json", action="store_true", help="print the queue as JSON")
    p.add_argument(
        "--reset",
        action="store_true",
        help="restore the roadmap's order (topics in progress still come first)",
    )
    p.set_defaults(func=run_order)

    p = sub.add_parser(
        "pin",
        parents=[common],
        help="fix a session of a topic at a date and time",
        description="Fix a session of a topic at a date and time; the plan lays "
        "everything else around it. A pin replaces the topic's pin on that day.",
    )
    p.add_argument("id", metavar="ID", help="topic")
    p.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    p.add_argument("clock", metavar="HH:MM", help="start, 24-hour clock")
    p.add_argument(
        "hours", metavar="HOURS", nargs="?", help="length: 1.5, 90m, 1:30 (default: 1 h)"
    )
    p.set_defaults(func=run_pin)

    p = sub.add_parser(
        "unpin",
        parents=[common],
        help="remove a topic's pinned sessions",
        description="Remove a topic's pinned sessions (on DATE only, if given).",
    )
    p.add_argument("id", metavar="ID", help="topic")
    p.add_argument("date", metavar="DATE", nargs="?", help="YYYY-MM-DD")
    p.set_defaults(func=run_unpin)


def _open_ids(roadmap: Roadmap, ids: list[str]) -> list[str]:
    """Module and topic ids (a subtopic stands for its topic), once each."""
    out = []
    for item_id in ids:
        item = roadmap.get(item_id)
        if isinstance(item, Subtopic):
            item_id = roadmap.parent_topic(item_id).id
        if item_id not in out:
            out.append(item_id)
    return out


def run_next(ctx: Context) -> int:
    from planner.shape import put_next

    roadmap = ctx.roadmap
    targets = _open_ids(roadmap, resolve_ids(roadmap, ctx.args.ids))
    now = _now(ctx)

    def change(progress: Progress) -> None:
        put_next(progress, targets)

    progress = _store(ctx).update(change, "cli:next", now, Intent("order", tuple(targets), "next"))
    _print_queue(roadmap, progress, limit=len(targets) + 2)
    return 0


def _rows(roadmap: Roadmap, progress: Progress) -> list[dict[str, object]]:
    from planner.shape import _topics_of, open_queue

    put = {t for i in progress.order for t in _topics_of(roadmap, i)}
    states = progress.states(roadmap)
    rows: list[dict[str, object]] = []
    for n, topic_id in enumerate(open_queue(roadmap, progress), 1):
        topic = roadmap.topic(topic_id)
        if topic_id in put:
            why = "next"
        elif states[topic_id] is State.IN_PROGRESS:
            why = "in progress"
        else:
            why = "roadmap"
        rows.append(
            {
                "place": n,
                "id": topic_id,
                "title": topic.title,
                "module": topic.module_id,
                "state": states[topic_id].value,
                "why": why,
            }
        )
    return rows


def _print_queue(roadmap: Roadmap, progress: Progress, limit: int | None = None) -> None:
    rows = _rows(roadmap, progress)
    shown = rows if limit is None else rows[:limit]
    for row in shown:
        mark = {"next": "next", "in progress": "started"}.get(str(row["why"]), "")
        print(visible(f"{row['place']:>3}. {row['title']} ({row['id']}) {mark}".rstrip()))
    if len(shown) < len(rows):
        print(f"     ... and {len(rows) - len(shown)} more (planner order)")


def run_order(ctx: Context) -> int:
    from planner.shape import reset_order

    roadmap = ctx.roadmap
    store = _store(ctx)
    if ctx.args.reset:
        progress = store.update(
            reset_order, "cli:order", _now(ctx), Intent("order", (), "order reset")
        )
        started = any(r["why"] == "in progress" for r in _rows(roadmap, progress))
        print("the roadmap's order is restored" + (", topics in progress first" if started else ""))
    else:
        progress = store.load()
    if ctx.args.json:
        print(json.dumps(_rows(roadmap, progress), indent=1, ensure_ascii=True))
    elif not ctx.args.reset:
        _print_queue(roadmap, progress)
    return 0


def _topic(ctx: Context, text: str) -> str:
    roadmap = ctx.roadmap
    (item_id,) = _open_ids(roadmap, resolve_ids(roadmap, [text]))
    if isinstance(roadmap.get(item_id), Module):
        raise CliError(f"pin: {item_id} is a module; pin one of its topics")
    return item_id


def _day(text: str, command: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CliError(f"{command}: cannot read {text!r} as a date; write YYYY-MM-DD") from None


def run_pin(ctx: Context) -> int:
    from planner.settings import parse_clock
    from planner.shape import add_pin

    roadmap = ctx.roadmap
    topic_id = _topic(ctx, ctx.args.id)
    day = _day(ctx.args.date, "pin")
    try:
        clock = parse_clock(ctx.args.clock)
    except ValueError:
        raise CliError(f"pin: cannot read {ctx.args.clock!r} as a time; write HH:MM") from None
    hours = 1.0
    if ctx.args.hours is not None:
        try:
            hours = parse_duration(ctx.args.hours)
        except DurationError as exc:
            raise CliError(f"pin: {exc}") from None
    minutes = round(hours * 60)
    now = _now(ctx)
    start = datetime.combine(day, clock)
    busy = _busy_on(ctx, day)

    def change(progress: Progress) -> None:
        add_pin(roadmap, progress, topic_id, start, minutes, now, busy)

    _store(ctx).update(change, "cli:pin", now, Intent("pin", (topic_id,), "pinned"))
    print(
        visible(
            f"pinned {roadmap.topic(topic_id).title} at {start:%Y-%m-%d %H:%M} for {minutes / 60:g} h"
        )
    )
    return 0


def _busy_on(ctx: Context, day: date) -> list[tuple[datetime, datetime]]:
    """The busy times (settings ``busy:``, read as ``planner plan`` reads them) around
    ``day``, as local times in the settings' zone; [] when there are no busy calendars."""
    from planner.cli.planning import busy_reader, busy_sources
    from planner.settings import load_settings, resolve_zone

    settings = load_settings(ctx.settings_path, ctx.settings_kind)
    sources = busy_sources(ctx, settings)
    if not sources:
        return []
    from planner.busy import local_spans

    tz = resolve_zone(settings)
    read = busy_reader(sources, settings, tz)
    return local_spans(read(day - timedelta(days=1), day + timedelta(days=2)), tz)


def run_unpin(ctx: Context) -> int:
    from planner.shape import remove_pins

    topic_id = _topic(ctx, ctx.args.id)
    day = _day(ctx.args.date, "unpin") if ctx.args.date else None
    gone: list[object] = []

    def change(progress: Progress) -> None:
        gone[:] = remove_pins(progress, topic_id, day)

    _store(ctx).update(change, "cli:unpin", _now(ctx), Intent("pin", (topic_id,), "unpinned"))
    if not gone:
        on = f" on {day}" if day else ""
        raise CliError(f"unpin: {topic_id} has no pinned session{on}; planner plan shows them")
    print(f"unpinned {len(gone)} session{'s' if len(gone) != 1 else ''} of {topic_id}")
    return 0
