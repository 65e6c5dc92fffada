"""``planner export [-o FILE] [--all-day]``: the study plan as an .ics file for Google Calendar."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from planner import locations
from planner.cli import CliError, Context
from planner.textutil import visible

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers

DEFAULT_OUTPUT = "study-plan.ics"


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    from planner.cli.planning import add_plan_options

    p = sub.add_parser(
        "export",
        parents=[common],
        help="write the study plan as an .ics file for Google Calendar",
        description="Write the study plan as an .ics calendar file: one event per study "
        "session (or, with --all-day, one all-day event per topic per day). Import it in "
        "Google Calendar under Settings > Import & export, into a calendar of its own "
        "(see the README, 'Google Calendar'). Files above Google's import limit (about "
        "1 MB) are split into several.",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        default=DEFAULT_OUTPUT,
        help=f"where to write (default: {DEFAULT_OUTPUT} in the current folder; "
        "'-' writes to standard output)",
    )
    p.add_argument(
        "--all-day",
        action="store_true",
        help="one all-day event per topic per day, with the hours in the title, "
        "instead of timed sessions",
    )
    add_plan_options(p)
    p.set_defaults(func=run)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(1, round(n / 1e3))} KB"


def _warn(message: str) -> None:
    print(visible(f"planner: warning: {message}"), file=sys.stderr)


def _is_stdout(path: Path) -> bool:
    """True when ``path`` is this process's standard output (``-o /dev/stdout``)."""
    try:
        return os.path.samestat(path.stat(), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError, AttributeError):  # no such file, or no real stdout
        return False


def run(ctx: Context) -> int:
    from planner.cli.planning import plan_context
    from planner.ics_export import (
        GOOGLE_IMPORT_LIMIT,
        ExportError,
        build_calendar,
        load_record,
        save_record,
        stale_parts,
        write_export,
    )

    args = ctx.args
    pc = plan_context(ctx)
    if not pc.plan.sessions:
        raise CliError(
            "nothing to export: the plan has no study sessions left "
            "(every topic is done or skipped, or no study hours are set)"
        )
    record_path = locations.export_record_path(pc.roadmap.id)
    export = build_calendar(
        pc.roadmap,
        pc.plan,
        pc.progress,
        now=datetime.now(timezone.utc),
        all_day=args.all_day,
        previous=load_record(record_path),
    )
    output: str = args.output
    kind = "all-day events" if args.all_day else "study sessions"
    whole = Path(output).expanduser()
    to_stdout = output == "-" or _is_stdout(whole)
    paths = write_export(None if output == "-" else whole, export)
    for warning in export.warnings:
        _warn(warning)
    try:
        save_record(record_path, export.record)
    except ExportError as exc:
        _warn(str(exc))
    if len(paths) <= 1 and export.size > GOOGLE_IMPORT_LIMIT:  # standard output, a pipe
        _warn(
            f"the calendar is {_size(export.size)}, above Google Calendar's import limit "
            "of about 1 MB; write it to a file with -o FILE to have it split"
        )
    if to_stdout:
        return 0  # standard output holds the calendar and nothing else
    if len(paths) == 1:
        print(f"Wrote {export.events} {kind} to {paths[0]} ({_size(export.size)}).")
    else:
        names = ", ".join(str(p) for p in paths)
        print(
            f"Wrote {export.events} {kind} ({_size(export.size)}, above Google Calendar's "
            f"import limit of about 1 MB), split into {len(paths)} files: {names}. "
            "Import each of them into the same calendar."
        )
    stale = stale_parts(whole, paths)
    if len(paths) > 1 and whole.is_file():
        stale.insert(0, whole)
    if stale:
        names = ", ".join(str(p) for p in stale)
        one = len(stale) == 1
        _warn(
            f"{names} {'is' if one else 'are'} from an earlier export; do not import "
            f"{'it' if one else 'them'} with {'this file' if len(paths) == 1 else 'these files'}"
        )
    print(
        "In Google Calendar: Settings > Import & export > Import, into a calendar of its own. "
        "Re-importing does not update events already imported: see the README, "
        "'Google Calendar'."
    )
    return 0
