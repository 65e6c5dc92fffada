"""``planner sync [--dry-run] [--json] [--weeks N | --all] [--today DATE]``: keep the
planner's own calendar equal to the plan's next weeks (the ``sync:`` settings say where)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, time, timezone
from typing import TYPE_CHECKING, Any

from planner import locations
from planner.cli import CliError, Context

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers
    from planner.sync.engine import Report

SHOWN = 5
"""How many events of each kind are named (the rest are counted)."""


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "sync",
        parents=[common],
        help="keep a calendar (Google Calendar or CalDAV) equal to the plan's next weeks",
        description="Make the planner's own calendar on the server set in the settings' "
        "sync section equal to the plan's sessions of the next weeks: create, update and "
        "delete only its own events (never anyone else's), and keep the changes you made "
        "to its events in your calendar app. See the README, 'Sync'.",
    )
    p.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    horizon = p.add_mutually_exclusive_group()
    horizon.add_argument(
        "--weeks", metavar="N", help="the next N weeks from today (default: the settings' weeks)"
    )
    horizon.add_argument("--all", action="store_true", help="the whole plan")
    p.add_argument("--today", metavar="DATE", help="sync as if today were DATE (YYYY-MM-DD)")
    p.set_defaults(func=run)


def _line(what: str, summary: str, when: str) -> str:
    return f"  {what} {summary}, {when}"


def _print_report(report: Report, tz: Any) -> None:
    from planner.sync.engine import kept_text, when_text

    verb = "Would sync" if report.dry_run else "Synced"
    print(
        f"{verb} calendar {report.calendar!r}: {len(report.created)} created, "
        f"{len(report.updated)} updated, {len(report.deleted)} deleted, "
        f"{report.unchanged} unchanged."
    )
    groups: list[tuple[str, list[tuple[str, Any]]]] = [
        ("created", [(d.summary, d.start) for d in report.created]),
        ("updated", [(d.summary, d.start) for d in report.updated]),
        ("deleted", [(r.summary, r.start) for r in report.deleted]),
    ]
    for what, rows in groups:
        for summary, start in rows[:SHOWN]:
            print(_line(what, summary, when_text(start, tz)))
        if len(rows) > SHOWN:
            print(f"  ... and {len(rows) - SHOWN} more {what}")
    for kept in report.kept:
        print(f"  {kept_text(kept, tz)}")
    if report.dry_run:
        print("Dry run: nothing was changed.")


def _pin_moves(
    ctx: Context, roadmap: Any, sessions: Any, report: Report, now: datetime, sync_settings: Any
) -> int:
    """Sessions the learner moved in their calendar become pins (``planner.shape.PinMoves``):
    the plan then keeps them where they were moved to, and the next sync makes their events
    equal to the plan (``release_pinned``). Returns how many became pins."""
    from planner.shape import PinMoves
    from planner.sync.engine import SyncError, release_pinned

    change = PinMoves(roadmap, sessions, report.moved, now)
    if not change.wanted:
        return 0
    ctx.progress_store(roadmap).update(change, "cli:sync", now)
    try:
        release_pinned(locations.sync_state_path(roadmap.id), sync_settings, change.made)
    except SyncError as exc:  # the pins are saved; the moved events stay as they are
        print(f"planner: warning: {exc}", file=sys.stderr)
    return len(change.made)


def run(ctx: Context) -> int:
    from planner.cli.export import parse_weeks
    from planner.cli.planning import busy_reader, busy_sources, parse_date_option
    from planner.schedule import schedule
    from planner.settings import load_settings, resolve_zone
    from planner.sync import open_adapter
    from planner.sync.engine import SyncError, sync_plan

    args = ctx.args
    weeks_option = parse_weeks(args.weeks)
    settings = load_settings(ctx.settings_path, ctx.settings_kind)
    sync_settings = settings.sync
    if sync_settings is None:
        raise CliError(
            f"sync is not set up: add a 'sync:' section to the settings file "
            f"{ctx.settings_path} (see the README, 'Sync')"
        )
    tz = resolve_zone(settings)
    if args.today is not None:
        today = parse_date_option("--today", args.today)
        now = datetime.combine(today, time(0), tzinfo=tz)
    else:
        now = datetime.now(timezone.utc)
        today = now.astimezone(tz).date()
    weeks = None if args.all else (weeks_option or sync_settings.weeks)
    roadmap = ctx.roadmap
    progress = ctx.progress_store(roadmap).load()
    sources = busy_sources(ctx, settings)
    try:
        adapter = open_adapter(
            sync_settings,
            time_zone=getattr(tz, "key", None),
            interactive=True,
            # busy: [sync] reads Google's free/busy: signed in with that permission too
            free_busy=any(s.kind == "sync" for s in sources),
        )
    except SyncError as exc:
        raise CliError(str(exc)) from None
    # the plan `planner plan` shows: around the busy calendars (after the sign-in above,
    # so a sign-in that has just been given the free/busy permission counts at once)
    if sources:
        from planner.schedule_busy import schedule_around

        read = busy_reader(sources, settings, tz)
        plan = schedule_around(roadmap, progress, settings, today, tz, read)
    else:
        plan = schedule(roadmap, progress, settings, today, tz)
    try:
        report = sync_plan(
            adapter,
            roadmap,
            plan.sessions,
            progress,
            sync_settings,
            state_path=locations.sync_state_path(roadmap.id),
            today=today,
            now=now,
            weeks=weeks,
            dry_run=args.dry_run,
        )
    except SyncError as exc:
        raise CliError(str(exc)) from None
    for warning in report.warnings:
        print(f"planner: warning: {warning}", file=sys.stderr)
    pinned = (
        0
        if report.dry_run
        else _pin_moves(ctx, roadmap, plan.sessions, report, now.astimezone(tz), sync_settings)
    )
    if args.json:
        data = {
            "created": len(report.created),
            "updated": len(report.updated),
            "deleted": len(report.deleted),
            "unchanged": report.unchanged,
            "kept": len(report.kept),
            "calendar": report.calendar,
            "dry_run": report.dry_run,
            "pinned": pinned,
        }
        print(json.dumps(data))
        return 0
    _print_report(report, tz)
    if pinned:
        print(f"  pinned {pinned} moved session{'s' if pinned != 1 else ''} where you moved them")
    return 0
