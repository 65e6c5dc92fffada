"""What `plan` and `export` share: the what-if options and the plan they lead to.

``add_plan_options(parser)`` adds --today, --start, --hours, --tz, --off and --busy; they override
the settings for one run and are never saved. ``plan_inputs(ctx)`` loads the roadmap,
progress and settings, applies the overrides and resolves the zone and today;
``plan_context(ctx)`` also makes the plan. Every mistake is a ``CliError`` (one line,
exit 2) or a domain error with a message.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli import CliError, Context

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from planner.busy import BusyTimes, Source
    from planner.progress import Progress
    from planner.roadmap import Roadmap
    from planner.schedule import Plan
    from planner.settings import Settings


@dataclass(frozen=True)
class PlanContext:
    roadmap: Roadmap
    progress: Progress
    settings: Settings
    """The settings with the what-if options applied (not saved)."""
    today: date
    tz: ZoneInfo
    plan: Plan
    what_if: bool = False
    """True when any what-if option changed the settings or today."""
    busy: bool = False
    """True when the plan was made around busy calendars."""


def add_plan_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "what-if options (override the settings for this run; nothing is saved)"
    )
    group.add_argument("--today", metavar="DATE", help="plan as if today were DATE (YYYY-MM-DD)")
    group.add_argument(
        "--start", metavar="DATE", help="first day of the plan (default: the settings' start_date)"
    )
    group.add_argument(
        "--hours",
        metavar="DAY=H,...",
        help="study hours per weekday, e.g. mon=2,tue=2,sat=5 or mon-fri=1.5,sat=4 "
        "(weekdays not named get 0)",
    )
    group.add_argument("--tz", metavar="ZONE", help="IANA time zone, e.g. Europe/Berlin")
    group.add_argument(
        "--off",
        metavar="DATE[..DATE]",
        action="append",
        default=[],
        help="a day off, or an inclusive range of days off (repeatable)",
    )
    group.add_argument(
        "--busy",
        metavar="FILE|URL",
        action="append",
        default=[],
        help="also keep clear of this calendar (.ics file or http(s)/webcal URL; repeatable)",
    )


def parse_hours_option(text: str) -> dict[int, float]:
    """ "mon=2,tue=2,sat=5" -> {0: 2.0, 1: 2.0, 5: 5.0, others: 0}."""
    from planner.settings import WEEKDAYS, parse_duration, parse_weekdays

    hours = dict.fromkeys(range(7), 0.0)
    seen: set[int] = set()
    items = [item.strip() for item in text.split(",")]
    if not any(items):
        raise CliError("--hours: give hours per weekday, e.g. --hours mon=2,tue=2,sat=5")
    for item in items:
        if not item:
            continue
        days_text, sep, value_text = item.partition("=")
        if not sep or not days_text.strip() or not value_text.strip():
            raise CliError(
                f"--hours: cannot read {item!r}; write DAY=HOURS, e.g. --hours mon=2,tue=2,sat=5"
            )
        try:
            days = parse_weekdays(days_text)
            value = parse_duration(value_text, "hours")
        except ValueError as exc:
            raise CliError(f"--hours: {exc}") from None
        if not 0 <= value <= 24:
            raise CliError(
                f"--hours: {days_text.strip()}={value_text.strip()} is not 0 to 24 hours"
            )
        for day in days:
            if day in seen:
                raise CliError(f"--hours: {WEEKDAYS[day]} is given twice; keep one")
            seen.add(day)
            hours[day] = value
    return hours


def parse_date_option(option: str, text: str) -> date:
    from planner.settings import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise CliError(f"{option}: {exc}") from None


def apply_what_if(settings: Settings, args: argparse.Namespace) -> tuple[Settings, bool]:
    """The settings with the what-if options applied, and whether any was given."""
    from planner.settings import DayOff, SettingsError, parse_day_off, zone

    changes: dict[str, object] = {}
    start = getattr(args, "start", None)
    if start is not None:
        changes["start_date"] = parse_date_option("--start", start)
    hours = getattr(args, "hours", None)
    if hours is not None:
        changes["weekly_hours"] = parse_hours_option(hours)
    tz = getattr(args, "tz", None)
    if tz is not None:
        try:
            zone(tz)
        except SettingsError as exc:
            raise CliError(f"--tz: {exc}") from None
        changes["timezone"] = tz
    offs: list[DayOff] = []
    for text in getattr(args, "off", None) or []:
        try:
            offs.append(parse_day_off(text))
        except ValueError as exc:
            raise CliError(f"--off: {exc}") from None
    if offs:
        changes["days_off"] = (*settings.days_off, *offs)
    if not changes:
        return settings, False
    return replace(settings, **changes), True  # type: ignore[arg-type]


@dataclass(frozen=True)
class PlanInputs:
    """What a plan is made from (``plan_context`` without the plan)."""

    roadmap: Roadmap
    progress: Progress
    settings: Settings
    """The settings with the what-if options applied (not saved)."""
    today: date
    tz: ZoneInfo
    what_if: bool = False


def plan_inputs(ctx: Context) -> PlanInputs:
    """Roadmap, progress, settings (what-if options applied), today and the zone."""
    from planner.settings import load_settings, resolve_zone

    args = ctx.args
    settings, what_if = apply_what_if(load_settings(ctx.settings_path, ctx.settings_kind), args)
    tz = resolve_zone(settings)
    today_text = getattr(args, "today", None)
    if today_text is not None:
        today = parse_date_option("--today", today_text)
        what_if = True
    else:
        today = datetime.now(tz).date()
    roadmap = ctx.roadmap
    progress = ctx.progress_store(roadmap).load()
    return PlanInputs(roadmap, progress, settings, today, tz, what_if)


def busy_sources(ctx: Context, settings: Settings) -> list[Source]:
    """The settings' busy calendars (paths relative to the settings file) and --busy's."""
    from planner.busy import source_of

    base = ctx.settings_path.expanduser().absolute().parent
    sources = [source_of(entry, base) for entry in settings.busy]
    sources += [source_of(entry, Path.cwd()) for entry in getattr(ctx.args, "busy", None) or []]
    return sources


def busy_reader(
    sources: list[Source], settings: Settings, tz: ZoneInfo
) -> Callable[[date, date], BusyTimes]:
    """Reads the sources' busy times over a window; warnings go to stderr, one line each.
    ``sync`` reads the sync account's other calendars when sync is set up."""
    from planner import locations
    from planner.busy import read_sources

    sync = None
    if settings.sync is not None and any(s.kind == "sync" for s in sources):
        from planner.sync import busy_reader as sync_reader

        sync = sync_reader(settings.sync)

    def read(start: date, end: date) -> BusyTimes:
        got = read_sources(
            sources,
            start,
            end,
            tz,
            datetime.now(timezone.utc),
            all_day_blocks=settings.busy_all_day,
            cache=locations.cache_dir(),
            sync=sync,
        )
        for warning in got.warnings:
            print(f"planner: warning: {warning}", file=sys.stderr)
        return got.times

    return read


def plan_context(ctx: Context) -> PlanContext:
    from planner.schedule import schedule

    i = plan_inputs(ctx)
    sources = busy_sources(ctx, i.settings)
    if sources:
        from planner.schedule_busy import schedule_around

        read = busy_reader(sources, i.settings, i.tz)
        plan = schedule_around(i.roadmap, i.progress, i.settings, i.today, i.tz, read)
    else:
        plan = schedule(i.roadmap, i.progress, i.settings, i.today, i.tz)
    what_if = i.what_if or bool(getattr(ctx.args, "busy", None))
    return PlanContext(
        i.roadmap, i.progress, i.settings, i.today, i.tz, plan, what_if, bool(sources)
    )
