"""``planner clock``, ``planner clock in ID``, ``planner clock out``: the study timer.

As Org-mode's clocking: ``clock in`` starts the timer on a topic (a subtopic's: its
topic), ``clock out`` stops it and logs the time run on the topic (a topic still to do
starts), ``clock`` shows the running one. One timer at a time: ``clock in`` while one
runs stops it first (logging its time) and says so. The timer is kept in the progress
file, with its starts and stops in the history (``planner undo`` takes them back), so it
runs on across restarts and is the same in the app. ``--at`` gives the moment instead of
now (a forgotten start or stop).
"""

from __future__ import annotations

import argparse
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from planner.cli import CliError, Context
from planner.cli.progress_cmds import _now, _store, _title, resolve_id, settings_zone
from planner.history import Intent, in_zone
from planner.progress import Clock, ClockOut, Progress
from planner.units import hours_text

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers

ACTIONS = ("in", "out", "status")


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "clock",
        parents=[common],
        help="the study timer: clock in ID, clock out, or show the running one",
        description="A study timer, as Org-mode's clock. 'clock in ID' starts it on a topic "
        "(stopping a running one first, its time logged); 'clock out' stops it and logs the "
        "time on the topic; 'clock' alone shows the running one. Kept in the progress file, "
        "so it survives quitting; 'planner undo' takes a start or stop back.",
    )
    p.add_argument("action", nargs="?", default="status", choices=ACTIONS, help="in, out or status")
    p.add_argument("id", nargs="?", metavar="ID", help="with 'in': topic or topic/subtopic")
    p.add_argument(
        "--at",
        metavar="TIME",
        help="the moment instead of now: 18:30 (today) or 2026-12-03T18:30",
    )
    p.set_defaults(func=run_clock)


def parse_at(text: str, now: datetime, tz: tzinfo) -> datetime:
    """``--at``: a clock time (today, in the settings' zone) or a date and time."""
    from planner.settings import parse_clock

    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        try:
            at = parse_clock(raw)
        except ValueError:
            raise CliError(
                f"--at: {text!r} is neither a time (18:30) nor a date and time (2026-12-03T18:30)"
            ) from None
        return datetime.combine(now.date(), at, tzinfo=tz)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def _moment(ctx: Context) -> tuple[datetime, tzinfo]:
    tz = settings_zone(ctx)
    now = _now(ctx)
    at = ctx.args.at
    return (parse_at(at, now, tz) if at else now), tz


def _since(clock: Clock, tz: tzinfo) -> str:
    since = in_zone(clock.since, tz)
    return f"{since:%a} {since.day} {since:%b} {since:%H:%M}"


def _stopped(ctx: Context, done: ClockOut, progress: Progress, now: datetime) -> str:
    roadmap = ctx.roadmap
    clock = done.clock
    topic = clock.topic
    name = f"{topic} ({_title(roadmap, topic)})" if topic in roadmap else topic
    ran = clock.elapsed_text(now)
    if done.hours <= 0:
        return f"timer stopped on {name} after {ran}: under a minute, nothing logged"
    started = "; it is now in progress" if topic in done.started else ""
    return (
        f"timer stopped on {name} after {ran}: logged {hours_text(done.hours)} "
        f"({hours_text(progress.logged(topic))} in all){started}"
    )


def run_clock(ctx: Context) -> int:
    action, item = ctx.args.action, ctx.args.id
    if action != "in" and item is not None:
        raise CliError(f"'clock {action}' takes no ID (got {item!r}); 'clock in ID' starts one")
    if action == "status":
        return _status(ctx)
    if action == "in" and item is None:
        raise CliError("'clock in' needs the ID of a topic: planner clock in ID")
    roadmap = ctx.roadmap
    now, tz = _moment(ctx)
    store = _store(ctx)
    if action == "out":
        stopped: list[ClockOut] = []

        def stop(progress: Progress) -> Intent:
            stopped.append(progress.clock_out(roadmap, now))
            return _out_intent(stopped[0])

        progress = store.update(stop, "cli:clock", now)
        print(_stopped(ctx, stopped[0], progress, now))
        return 0
    topic_id = resolve_id(roadmap, item)
    topic = store.load().clock_topic(roadmap, topic_id)  # a module is refused before anything
    running = store.load().clock
    if running is not None and running.topic == topic:
        raise CliError(
            f"the timer already runs on {topic} since {_since(running, tz)}; "
            "'planner clock out' stops it"
        )
    if running is not None:  # one timer at a time: the old one stops first, logged
        stopped = []

        def stop_old(progress: Progress) -> Intent:
            stopped.append(progress.clock_out(roadmap, now))
            return _out_intent(stopped[0])

        progress = store.update(stop_old, "cli:clock", now)
        print(_stopped(ctx, stopped[0], progress, now))
    store.update(
        lambda p: p.clock_in(roadmap, topic, now),
        "cli:clock",
        now,
        Intent("clock", (topic,), "in"),
    )
    print(f"timer started on {topic} ({_title(roadmap, topic)}) at {in_zone(now, tz):%H:%M}")
    return 0


def _out_intent(done: ClockOut) -> Intent:
    """What stopping records: a ``log`` of the hours, or a ``clock`` ``out`` without."""
    topic = (done.clock.topic,)
    if done.hours > 0:
        return Intent("log", topic, hours=done.hours)
    return Intent("clock", topic, "out")


def _status(ctx: Context) -> int:
    roadmap = ctx.roadmap
    progress = _store(ctx).load()
    clock = progress.clock
    if clock is None:
        print("no timer is running; 'planner clock in ID' starts one")
        return 0
    now, tz = _moment(ctx)
    topic = clock.topic
    name = f"{topic} ({_title(roadmap, topic)})" if topic in roadmap else topic
    print(f"timer running on {name} since {_since(clock, tz)}: {clock.elapsed_text(now)} so far")
    return 0
