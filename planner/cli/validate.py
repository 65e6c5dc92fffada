"""``planner validate [FILE]``: load a roadmap, print its totals, flag disagreements."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli import Context
from planner.roadmap import (
    DEFAULT_HOURS_PER_DAY,
    DEFAULT_UNESTIMATED_HOURS,
    Roadmap,
    StatedEstimate,
)
from planner.textutil import visible

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "validate",
        parents=[common],
        help="check a roadmap file and print its totals",
        description="Check a roadmap file (default: the current roadmap), print its "
        "totals, and warn where its stated estimates disagree with its topics.",
    )
    p.add_argument("file", nargs="?", type=Path, help="roadmap file to check")
    p.set_defaults(func=run)


def _days(hours: float, hours_per_day: float) -> str:
    return f"{hours / hours_per_day:g} d"


def _stated(stated: StatedEstimate | None, hours_per_day: float) -> tuple[str, float | None]:
    """Short form of a stated estimate ("~5 weeks") and its hours."""
    if stated is None:
        return "-", None
    hours = stated.as_hours(hours_per_day)
    if stated.weeks is not None:
        return f"~{stated.weeks:g} week{'' if stated.weeks == 1 else 's'}", hours
    return (f"~{hours:g} h" if hours is not None else "-"), hours


def report(
    roadmap: Roadmap,
    hours_per_day: float = DEFAULT_HOURS_PER_DAY,
    unestimated_hours: float = DEFAULT_UNESTIMATED_HOURS,
    width: int = 80,
) -> list[str]:
    """The lines ``validate`` prints for a loaded roadmap, at the settings' figures, its table
    fitted to ``width`` (long module titles cut)."""
    modules, topics, subtopics = roadmap.counts()
    total = roadmap.hours(hours_per_day, unestimated_hours)
    lines = [
        roadmap.title,
        f"  {modules} modules, {topics} topics, {subtopics} subtopics",
        f"  topic estimates: {total:g} h = {_days(total, hours_per_day)}"
        f" at {hours_per_day:g} h per study day",
    ]
    unestimated = [t for t in roadmap.topics() if not t.estimated]
    if unestimated:
        names = ", ".join(t.id for t in unestimated)
        lines.append(
            f"  {len(unestimated)} {'topic has' if len(unestimated) == 1 else 'topics have'}"
            f" no estimate (counted at {unestimated_hours:g} h"
            f" each, 'unestimated_hours' in the settings): {names}"
        )

    rows: list[tuple[str, float, StatedEstimate | None]] = [
        (f"{m.number} {m.title}", m.hours(hours_per_day, unestimated_hours), m.stated)
        for m in roadmap.modules
    ]
    rows.append(("whole roadmap", total, roadmap.stated))
    page_width = width
    width = min(48, max(len(label) for label, _, _ in rows), max(12, page_width - 49))
    lines += ["", f"  {'':<{width}}  {'topics sum':>14}  {'stated':>17}  difference"]
    warnings: list[str] = []
    for label, hours, stated in rows:
        stated_short, stated_hours = _stated(stated, hours_per_day)
        shown = label if len(label) <= width else label[: width - 3] + "..."
        topics_col = f"{_days(hours, hours_per_day)} {hours:>5g} h"
        stated_col = f"{stated_short} {stated_hours:>5g} h" if stated_hours is not None else "-"
        diff = ""
        if stated_hours is not None and abs(stated_hours - hours) > 0.5:
            diff = f"{hours - stated_hours:+g} h"
            warnings.append(
                f"warning: {'the roadmap' if label == 'whole roadmap' else 'module ' + label}"
                f" states {stated}, its topics sum to {_days(hours, hours_per_day)}"
                f" ({hours:g} h)"
            )
        lines.append(f"  {shown:<{width}}  {topics_col:>14}  {stated_col:>17}  {diff}".rstrip())
    lines += _track_note(roadmap)
    if warnings:
        lines.append("")
        lines.extend(warnings)
        lines.append(
            "Plans are built from the topic estimates "
            "(set 'basis: stated' in the settings to scale them to the stated figures)."
        )
    return lines


def _track_note(roadmap: Roadmap) -> list[str]:
    """A note naming the roadmap's ongoing items (a topic whose estimate says "plus ongoing"
    or "plus integration", practical applications across modules): natural tracks."""
    ongoing = [
        t.id
        for t in roadmap.topics()
        if t.qualifier and any(w in t.qualifier.lower() for w in ("ongoing", "plus "))
    ]
    projects = [m for m in roadmap.modules if m.practical_application]
    if not ongoing and len(projects) < 2:
        return []
    parts = []
    if ongoing:
        parts.append(f"the ongoing part of {', '.join(ongoing)}")
    if len(projects) > 1:
        parts.append(f"the project the practical applications of {len(projects)} modules build")
    return [
        "",
        f"note: {' and '.join(parts)} go on beside the topics: natural tracks "
        "('tracks:' in the settings gives each its weekly hours)",
    ]


def run(ctx: Context) -> int:
    file: Path | None = ctx.args.file
    if file is not None:
        from planner.roadmap_file import load_roadmap

        roadmap = load_roadmap(file)
        name = str(file)
    else:
        roadmap = ctx.roadmap
        name = str(ctx.roadmap_path)
    from planner.settings import load_settings

    # what "1 day" means is the user's to set
    settings = load_settings(ctx.settings_path, ctx.settings_kind)
    print(visible(f"{name}: ok"))
    from planner.cli.width import terminal_width

    width = terminal_width()
    for line in report(roadmap, settings.hours_per_day, settings.unestimated_hours, width):
        print(visible(line))  # titles and notes are the file's: never control codes
    return _report_orphans(ctx, roadmap)


def _report_orphans(ctx: Context, roadmap: Roadmap) -> int:
    """List ids the progress file keeps that the roadmap lacks; read only, creates nothing."""
    from planner import locations
    from planner.atomic import PROGRESS
    from planner.progress import ProgressStore

    located = locations.locate_progress(roadmap.id, getattr(ctx.args, "progress", None))
    path = located.path
    if not path.exists():
        return 0
    kind = locations.file_kind(located, PROGRESS)
    orphans = ProgressStore(path, roadmap, kind).load().orphans(roadmap)
    if orphans:
        print("")
        print(
            f"{len(orphans)} ids in {path} are not in this roadmap "
            "(orphans: kept in the file, not counted; rename an id back to restore its progress):"
        )
        for orphan in orphans:
            print(visible(f"  {orphan}"))
    return 0
