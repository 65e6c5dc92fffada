"""``planner export [-o FILE] [--all-day] [--weeks N]``: the study plan as an .ics file for Google Calendar."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

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
    p.add_argument(
        "--weeks",
        metavar="N",
        help="only the sessions of the next N weeks from today (default: the whole plan); "
        "a small file is cheap to replace after the plan changes",
    )
    add_plan_options(p)
    p.set_defaults(func=run)


def parse_weeks(text: str | None) -> int | None:
    """--weeks N: a whole number of weeks, 1 or more; None when not given."""
    if text is None:
        return None
    try:
        weeks = int(text.strip())
    except ValueError:
        raise CliError(
            f"--weeks: {text!r} is not a whole number of weeks; write e.g. --weeks 4"
        ) from None
    if weeks < 1:
        raise CliError(f"--weeks: {weeks} is too few; give 1 week or more")
    return weeks


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
    from planner.calendar_out import GOOGLE_IMPORT_LIMIT, within_weeks
    from planner.cli.planning import plan_context
    from planner.export_flow import export_plan, stale_warning

    args = ctx.args
    weeks = parse_weeks(args.weeks)
    pc = plan_context(ctx)
    if not pc.plan.sessions:
        raise CliError(
            "nothing to export: the plan has no study sessions left "
            "(every topic is done or skipped, or no study hours are set)"
        )
    plan = pc.plan
    if weeks is not None:
        plan = replace(plan, sessions=tuple(within_weeks(plan.sessions, pc.today, weeks)))
        if not plan.sessions:
            raise CliError(
                f"nothing to export: no study sessions in the next {weeks} weeks "
                "(no study hours are set in them, or every day is off); export more weeks"
            )
    output: str = args.output
    kind = "all-day events" if args.all_day else "study sessions"
    whole = Path(output).expanduser()
    to_stdout = output == "-" or _is_stdout(whole)
    done = export_plan(
        pc.roadmap,
        plan,
        pc.progress,
        now=datetime.now(timezone.utc),
        target=None if to_stdout else whole,  # -o /dev/stdout is -o -, even into a file
        all_day=args.all_day,
        what_if=pc.what_if,
    )
    for warning in done.warnings:
        _warn(warning)
    if len(done.paths) <= 1 and done.size > GOOGLE_IMPORT_LIMIT:  # standard output, a pipe
        _warn(
            f"the calendar is {_size(done.size)}, above Google Calendar's import limit "
            "of about 1 MB; write it to a file with -o FILE to have it split"
        )
    if to_stdout:
        return 0  # standard output holds the calendar and nothing else
    paths = done.paths
    if len(paths) == 1:
        print(f"Wrote {done.events} {kind} to {paths[0]} ({_size(done.size)}).")
    else:
        names = ", ".join(str(p) for p in paths)
        print(
            f"Wrote {done.events} {kind} ({_size(done.size)}, above Google Calendar's "
            f"import limit of about 1 MB), split into {len(paths)} files: {names}. "
            "Import each of them into the same calendar."
        )
    if done.stale:
        _warn(stale_warning(done.stale, paths))
    print(
        "In Google Calendar: Settings > Import & export > Import, into a calendar of its own. "
        "Re-importing does not update events already imported: see the README, "
        "'Google Calendar'."
    )
    return 0
