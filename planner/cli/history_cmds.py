"""``planner history [--json] [--since DATE] [ID]``, ``planner undo [--list]``, ``planner redo``.

The history is kept in the progress file (see ``planner.history``); times are shown in
the settings' zone.
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any

from planner.cli import CliError, Context
from planner.cli.progress_cmds import (
    _JSON_C1,
    _now,
    _summary,
    hours_settings,
    resolve_id,
    settings_zone,
)
from planner.history import Change, in_zone, since
from planner.progress import Progress, ProgressStore
from planner.textutil import visible

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers

UNDO_LIST = 10
"""How many changes ``undo --list`` shows."""


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "history",
        parents=[common],
        help="every recorded change: when, where from, what it did",
        description="Show the changes recorded in the progress file, oldest first, with "
        "times in the settings' zone. With ID, only the changes that touched it or an "
        "item under it.",
    )
    p.add_argument("id", nargs="?", metavar="ID", help="module, topic or topic/subtopic")
    p.add_argument("--json", action="store_true", help="print the changes as JSON")
    p.add_argument(
        "--since", metavar="DATE", help="only changes on or after DATE (2026-12-01, or a time)"
    )
    p.set_defaults(func=run_history)

    p = sub.add_parser(
        "undo",
        parents=[common],
        help="take back the last change (again to go further back)",
        description="Take back the newest change not yet taken back, as a whole (a done "
        "on a module with everything under it is one change): every item it touched gets "
        "its state, date and hours from before. Made in the app or here alike. Refused, "
        "changing nothing, when an item was changed since outside the history.",
    )
    p.add_argument("--list", action="store_true", help="show what undo would take back")
    p.set_defaults(func=run_undo)

    p = sub.add_parser(
        "redo",
        parents=[common],
        help="make again what undo took back",
        description="Make again the newest change that undo took back, while no other "
        "change was made since.",
    )
    p.set_defaults(func=run_redo)


def _when(change: Change, tz: tzinfo) -> str:
    if change.at is None:
        return "(no time)       "
    return f"{in_zone(change.at, tz):%Y-%m-%d %H:%M}"


def _line(ctx: Context, change: Change, tz: tzinfo, original: Change | None = None) -> str:
    """One change: time, source, what it did (an undo or redo: what it took back or
    made again, when ``original`` is given), id; shown harmlessly (what the progress
    file and the roadmap say may hold control characters)."""
    what = change.summary(ctx.roadmap)
    if original is not None:
        what = f"{change.kind}: {original.summary(ctx.roadmap)}"
    return visible(f"{_when(change, tz)}  {change.source:<12} {what}  [{change.id}]")


def _since_moment(text: str, tz: tzinfo) -> datetime:
    raw = text.strip()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        try:
            moment = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise CliError(
                f"cannot read --since {text!r}; write a date like 2026-12-01 "
                "or a time like 2026-12-01T09:00"
            ) from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)
    return datetime.combine(day, time(), tz)


def _touches(ctx: Context, change: Change, item_id: str) -> bool:
    prefix = item_id + "/"
    item = ctx.roadmap.get(item_id)
    topics = {t.id for t in getattr(item, "topics", ())}
    return any(
        i == item_id or i.startswith(prefix) or i in topics or i.split("/", 1)[0] in topics
        for i in (*change.items, *change.target)  # the target: a timer started on it
    )


def run_history(ctx: Context) -> int:
    tz = settings_zone(ctx)
    progress = ctx.progress_store().load()
    changes = progress.history.changes()
    if ctx.args.since:
        changes = since(changes, _since_moment(ctx.args.since, tz))
    if ctx.args.id:
        item_id = resolve_id(ctx.roadmap, ctx.args.id)
        changes = [c for c in changes if _touches(ctx, c, item_id)]
    if ctx.args.json:
        text = json.dumps([_json(ctx, c, tz) for c in changes], indent=2, ensure_ascii=False)
        print(text.translate(_JSON_C1))  # json escapes C0 only; an 8-bit CSI acts too
        return 0
    if not changes:
        print("no changes recorded" + (" that match" if ctx.args.id or ctx.args.since else ""))
        return 0
    by_id = {c.id: c for c in progress.history.changes()}
    for change in changes:
        original = by_id.get(change.of) if change.of is not None else None
        print(_line(ctx, change, tz, original))
    return 0


def _json(ctx: Context, change: Change, tz: tzinfo) -> dict[str, Any]:
    return {
        "id": change.id,
        "at": in_zone(change.at, tz).isoformat() if change.at is not None else None,
        "source": change.source,
        "kind": change.kind,
        "summary": change.summary(ctx.roadmap),
        "target": list(change.target),
        "to": change.to,
        "hours": change.hours,
        "of": change.of,
        "items": {
            item_id: {"before": before, "after": after}
            for item_id, (before, after) in change.items.items()
        },
    }


def run_undo(ctx: Context) -> int:
    store = ctx.progress_store()
    if ctx.args.list:
        tz = settings_zone(ctx)
        changes = store.load().history.undo_list(UNDO_LIST)
        if not changes:
            print("nothing to undo")
            return 0
        print("undo takes these back, newest first:")
        for change in changes:
            print("  " + _line(ctx, change, tz))
        return 0
    return _take(ctx, store, "undo")


def run_redo(ctx: Context) -> int:
    return _take(ctx, ctx.progress_store(), "redo")


def _take(ctx: Context, store: ProgressStore, verb: str) -> int:
    if not store.exists():  # nothing recorded: create no folder or lock file
        raise CliError(f"nothing to {verb}: no progress file yet ({ctx.progress_path})")
    now = _now(ctx)
    hours = hours_settings(ctx)  # before the change: settings that cannot be read stop it

    def change(progress: Progress) -> object:
        return progress.undo() if verb == "undo" else progress.redo()

    progress = store.update(change, f"cli:{verb}", now)
    record = progress.history.appended[-1]
    original = store_original(progress, record)
    what = original.summary(ctx.roadmap) if original is not None else record.summary(ctx.roadmap)
    print(visible(f"{'undid' if verb == 'undo' else 'redid'}: {what}"))
    print(_summary(ctx.roadmap, progress, hours))
    return 0


def store_original(progress: Progress, record: Change) -> Change | None:
    """The change an undo or redo record names."""
    return progress.history.find(record.of) if record.of is not None else None
