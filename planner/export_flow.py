"""The export both faces run: the plan as an .ics file, the export record, the warnings.

``export_plan`` builds the calendar against the record of the last export (an event that
moved since then gets a higher SEQUENCE), writes it, keeps the record only for a real
export (to a file, of the plan the settings make: not a what-if plan, not standard output
or a device), and says what the user must know: files left from an earlier split export,
a record that could not be read or kept. ``planner export`` and the app's ``x`` call it
and only word the outcome.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from planner import locations

if TYPE_CHECKING:
    from planner.calendar_out import StateSource
    from planner.roadmap import Roadmap
    from planner.schedule import Plan


@dataclass(frozen=True)
class ExportOutcome:
    """What an export did."""

    paths: list[Path]
    """The files written, in order (more than one when split); empty for standard output."""
    events: int
    size: int
    """The whole calendar's size in bytes."""
    recorded: bool
    """Whether the export record was updated (a real export to a file)."""
    stale: list[Path] = field(default_factory=list)
    """Files an earlier export wrote beside the target that this one did not replace
    (``stale_warning`` words them)."""
    warnings: list[str] = field(default_factory=list)
    """One line each: problems with the calendar or the export record."""


def is_regular_target(target: Path | None) -> bool:
    """Whether ``target`` is (or will be) a regular file: not standard output (None), not a
    device, pipe or socket (``/dev/stdout``, ``/dev/null``)."""
    if target is None:
        return False
    try:
        mode = os.stat(target).st_mode
    except OSError:  # not there yet: it will be a file
        return True
    return stat.S_ISREG(mode)


def keeps_record(target: Path | None, *, what_if: bool) -> bool:
    """Only a real export updates the record: to a file, of the plan the settings make.

    A what-if plan or a calendar sent to standard output (or a device) is a look, not what
    was imported: recording it would raise SEQUENCE for sessions that never moved.
    """
    return not what_if and is_regular_target(target)


def stale_warning(stale: list[Path], written: list[Path]) -> str:
    """The warning about files left from an earlier split export."""
    names = ", ".join(str(p) for p in stale)
    one = len(stale) == 1
    return (
        f"{names} {'is' if one else 'are'} from an earlier export; do not import "
        f"{'it' if one else 'them'} with {'this file' if len(written) == 1 else 'these files'}"
    )


def export_plan(
    roadmap: Roadmap,
    plan: Plan,
    progress: StateSource,
    *,
    now: datetime,
    target: Path | None,
    all_day: bool = False,
    what_if: bool = False,
    record_path: Path | None = None,
    stream: BinaryIO | None = None,
) -> ExportOutcome:
    """Export ``plan`` to ``target`` (None: ``stream``, default standard output).

    ``now`` (aware) is the export time. ``record_path`` defaults to the roadmap's export
    record in the data folder. Raises ``ExportError`` (one line) when the calendar cannot
    be written; a record that cannot be read or saved is a warning, never a failure.
    """
    from planner.calendar_out import (
        ExportError,
        build_calendar,
        load_record,
        save_record,
        stale_parts,
        write_export,
    )

    if record_path is None:
        record_path = locations.export_record_path(roadmap.id)
    keep = keeps_record(target, what_if=what_if)
    regular = is_regular_target(target)
    export = build_calendar(
        roadmap, plan, progress, now=now, all_day=all_day, previous=load_record(record_path)
    )
    paths = write_export(target, export, stream=stream)
    warnings = list(export.warnings)
    recorded = False
    if keep:
        try:
            save_record(record_path, export.record)
            recorded = True
        except ExportError as exc:
            warnings.append(str(exc))
    stale: list[Path] = []
    if target is not None and regular:
        stale = stale_parts(target, paths)
        if len(paths) > 1 and target.is_file():  # an earlier unsplit export of the same name
            stale.insert(0, target)
    return ExportOutcome(paths, export.events, export.size, recorded, stale, warnings)
