"""``planner validate [FILE]``: load a roadmap, print its totals, flag disagreements."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from planner.cli import Context
from planner.roadmap import DEFAULT_HOURS_PER_DAY, Roadmap

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


def report(roadmap: Roadmap, hours_per_day: float = DEFAULT_HOURS_PER_DAY) -> list[str]:
    """The lines ``validate`` prints for a loaded roadmap."""
    modules, topics, subtopics = roadmap.counts()
    total = roadmap.hours(hours_per_day)
    lines = [
        roadmap.title,
        f"  {modules} modules, {topics} topics, {subtopics} subtopics",
        f"  topic estimates: {total:g} h = {_days(total, hours_per_day)} "
        f"at {hours_per_day:g} h per study day",
    ]
    unestimated = [t for t in roadmap.topics() if not t.estimated]
    if unestimated:
        names = ", ".join(t.id for t in unestimated)
        lines.append(
            f"  {len(unestimated)} topics have no estimate (counted at a default): {names}"
        )
    warnings: list[str] = []
    width = max(len(f"{m.number} {m.title}") for m in roadmap.modules)
    lines.append("")
    lines.append(f"  {'module':<{width}}  {'topics sum':>16}  stated")
    for m in roadmap.modules:
        hours = m.hours(hours_per_day)
        label = f"{m.number} {m.title}"
        stated = m.stated.as_hours(hours_per_day) if m.stated else None
        stated_text = f"{m.stated} = {stated:g} h" if m.stated and stated is not None else "-"
        figures = f"{_days(hours, hours_per_day)} / {hours:g} h"
        lines.append(f"  {label:<{width}}  {figures:>16}  {stated_text}")
        if stated is not None and abs(stated - hours) > 0.5:
            warnings.append(
                f"warning: module {m.number} '{m.title}' states {m.stated} "
                f"({stated:g} h), its topics sum to {_days(hours, hours_per_day)} ({hours:g} h)"
            )
    if roadmap.stated is not None:
        stated_total = roadmap.stated.as_hours(hours_per_day)
        lines.append(
            f"  {'whole roadmap':<{width}}  "
            f"{_days(total, hours_per_day) + f' / {total:g} h':>16}  "
            f"{roadmap.stated}" + (f" = {stated_total:g} h" if stated_total else "")
        )
        if stated_total is not None and abs(stated_total - total) > 0.5:
            warnings.append(
                f"warning: the roadmap states {roadmap.stated} ({stated_total:g} h), "
                f"its topics sum to {_days(total, hours_per_day)} ({total:g} h)"
            )
    if warnings:
        lines.append("")
        lines.extend(warnings)
        lines.append(
            "Plans are built from the topic estimates "
            "(set 'basis: stated' in the settings to scale them to the stated figures)."
        )
    return lines


def run(ctx: Context) -> int:
    file: Path | None = ctx.args.file
    if file is not None:
        from planner.loader import load_roadmap

        roadmap = load_roadmap(file)
        name = str(file)
    else:
        roadmap = ctx.roadmap
        name = str(ctx.roadmap_path)
    print(f"{name}: ok")
    for line in report(roadmap):
        print(line)
    return 0
