"""``planner busy [--json] [--weeks N]``: the busy times the planner reads from your calendars."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from planner.cli import CliError, Context

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "busy",
        parents=[common],
        help="list the busy times read from your calendars (settings busy: and --busy)",
        description="Read the calendars in the settings' busy: list (and any --busy) and "
        "print the busy times the plan keeps clear of in the coming weeks, day by day, so "
        "you can check what was read. Free and cancelled events are not busy; all-day "
        "events block their whole day unless busy_all_day is false.",
    )
    p.add_argument("--weeks", type=int, default=4, metavar="N", help="weeks to show (default 4)")
    p.add_argument("--json", action="store_true", help='print [{"start", "end"}, ...] as JSON')
    p.add_argument("--today", metavar="DATE", help="list as if today were DATE (YYYY-MM-DD)")
    p.add_argument(
        "--busy",
        metavar="FILE|URL",
        action="append",
        default=[],
        help="also read this calendar (.ics file or http(s)/webcal URL; repeatable)",
    )
    p.set_defaults(func=run)


def _span_text(start: datetime, end: datetime) -> str:
    days = (end.date() - start.date()).days
    if (start.hour, start.minute, end.hour, end.minute) == (0, 0, 0, 0) and days:
        last = end.date() - timedelta(days=1)
        return "all day" if days == 1 else f"all day, to {last:%a %m-%d}"
    if days == 1 and (end.hour, end.minute) == (0, 0):
        return f"{start:%H:%M}-24:00"
    return f"{start:%H:%M}-{end:%H:%M}" + (f" (to {end:%a %m-%d})" if days else "")


def run(ctx: Context) -> int:
    from zoneinfo import ZoneInfo

    from planner.busy import local_spans
    from planner.cli.planning import busy_reader, busy_sources, parse_date_option
    from planner.settings import load_settings, system_timezone, zone

    args = ctx.args
    if not 1 <= args.weeks <= 520:
        raise CliError(f"--weeks: give 1 to 520 weeks, not {args.weeks}")
    settings = load_settings(ctx.settings_path, ctx.settings_kind)
    tz = zone(settings.timezone) if settings.timezone else ZoneInfo(system_timezone())
    today: date = (
        parse_date_option("--today", args.today) if args.today else datetime.now(tz).date()
    )
    sources = busy_sources(ctx, settings)
    if not sources:
        raise CliError(
            "no busy calendars: list some under busy: in the settings file "
            f"({ctx.settings_path}) or give --busy FILE|URL"
        )
    end = today + timedelta(weeks=args.weeks)
    times = busy_reader(sources, settings, tz)(today, end)
    spans = local_spans(times, tz)
    if args.json:
        out = [{"start": a.isoformat(), "end": b.isoformat()} for a, b in spans]
        print(json.dumps(out, indent=1))
        return 0
    names = ", ".join(s.label for s in sources)
    print(f"Busy times from {today:%a %Y-%m-%d} for {args.weeks} weeks, {tz.key} ({names})")
    if not spans:
        print("  none")
        return 0
    shown: date | None = None
    for start, stop in spans:
        day = start.date()
        when = f"{day:%a %Y-%m-%d}" if day != shown else ""
        shown = day
        print(f"  {when:<14}  {_span_text(start, stop)}")
    total = sum((b - a).total_seconds() for a, b in spans) / 3600
    print(f"  {len(spans)} busy time{'s' if len(spans) != 1 else ''}, {round(total, 2):g} h")
    return 0
