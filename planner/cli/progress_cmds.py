"""``planner status``, ``done|start|skip|todo ID...`` and ``log ID HOURS``.

Ids may be given as the exact id, the title, a unique prefix of the id, or words from
the title (case-insensitive; a near miss is matched when only one item is near); a name
that matches more than one item is refused with the candidates (``planner.names``).
"""

from __future__ import annotations

import argparse
import json
import math
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from planner import names
from planner.cli import CliError, Context
from planner.history import Intent, in_zone
from planner.progress import (
    Figures,
    Progress,
    ProgressStore,
    State,
    figures,
    remaining_topic_hours,
    roadmap_state,
    shown_percent,
)
from planner.roadmap import Module, Roadmap, Subtopic, Topic
from planner.textutil import visible
from planner.units import DurationError, log_sentence, looks_like_duration, parse_duration

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers

MAX_CANDIDATES = 8
_JSON_C1 = {code: f"\\u{code:04x}" for code in range(0x7F, 0xA0)}
"""DEL and the C1 control characters as JSON escapes (they only occur inside strings)."""
BAR_WIDTH = 20
TITLE_WIDTH = 40

_VERBS: dict[str, tuple[State, str]] = {
    "done": (State.DONE, "mark items done (a topic's open subtopics too)"),
    "start": (State.IN_PROGRESS, "mark items in progress"),
    "skip": (State.SKIPPED, "skip items: they count as neither done nor remaining"),
    "todo": (State.TODO, "reset: mark items (and everything under them) todo again"),
}


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "status",
        parents=[common],
        help="progress per module: bar, percent, hours done and left; the finish",
        description="Show progress per module, weighted by estimated hours, then the total, "
        "the plan's finish (as planner plan makes it, without reading busy calendars) and "
        "the pace against the kept plan.",
    )
    p.add_argument("--json", action="store_true", help="print the figures and states as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="also show the progress file")
    p.set_defaults(func=run_status)

    for verb, (_, text) in _VERBS.items():
        p = sub.add_parser(
            verb,
            parents=[common],
            help=text,
            description=f"{text[0].upper()}{text[1:]}. An ID may be the id, a unique "
            "prefix of it, or words from the title.",
        )
        p.add_argument("ids", nargs="+", metavar="ID", help="module, topic or topic/subtopic")
        p.set_defaults(func=run_set, verb=verb)

    p = sub.add_parser(
        "log",
        parents=[common],
        help="record hours spent on a topic",
        description="Add hours spent on a topic (1.5, 1.5h, 90m, 1:30; negative to correct). "
        "The planner counts them against the topic's estimate.",
    )
    p.add_argument("id", metavar="ID", help="topic (a subtopic logs on its topic)")
    p.add_argument(
        "hours",
        metavar="HOURS",
        help="hours spent: 1.5, 1.5h, 90m, 90 min, 1:30 or 1h30; -1h takes back",
    )
    p.set_defaults(func=run_log)
    # '-1h', '-90m', '-1:30' are hours taken back, not options (argparse itself only
    # lets plain negative numbers such as '-1' through)
    p._negative_number_matcher = _NegativeDuration()  # type: ignore[assignment]


class _NegativeDuration:
    """Stands in for argparse's negative-number pattern: a duration with a minus sign."""

    def match(self, text: str) -> bool:
        return text.startswith("-") and looks_like_duration(text)


# -- shared --------------------------------------------------------------------


def _now(ctx: Context) -> datetime:
    """Now, in the settings' zone (as the app stamps its changes)."""
    return datetime.now(settings_zone(ctx)).replace(microsecond=0)


def settings_zone(ctx: Context) -> tzinfo:
    """The settings' zone (the system's when none is set or the settings cannot be read:
    the command that needs them says so)."""
    from planner.errors import PlannerError
    from planner.settings import Settings, load_settings, resolve_zone

    try:
        return resolve_zone(load_settings(ctx.settings_path, ctx.settings_kind))
    except (PlannerError, NotImplementedError):
        try:
            return resolve_zone(Settings())
        except PlannerError:
            local = datetime.now().astimezone().tzinfo
            assert local is not None
            return local


def hours_settings(ctx: Context) -> tuple[float, float]:
    """(hours per study day, hours for an unestimated topic) from the settings."""
    from planner.settings import load_settings

    settings = load_settings(ctx.settings_path, ctx.settings_kind)
    return settings.hours_per_day, settings.unestimated_hours


def _store(ctx: Context) -> ProgressStore:
    return ctx.progress_store()


def _hours(h: float) -> str:
    """``12 h``, ``1.5 h``, ``0.8 h``."""
    return f"{h:.0f} h" if abs(h - round(h)) < 0.05 or h >= 100 else f"{h:.1f} h"


def _percent_text(f: Figures) -> str:
    """Whole percent, rounded down: 100% only when everything is done or skipped."""
    return f"{f.whole_percent}%"


def _bar(f: Figures, width: int = BAR_WIDTH) -> str:
    filled = math.floor(f.percent / 100 * width)
    return "[" + "#" * filled + "-" * (width - filled) + "]"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def _title(roadmap: Roadmap, item_id: str) -> str:
    """The item's title as output shows it: control characters made visible."""
    return visible(names.full_title(roadmap, item_id))


# -- resolving ids ---------------------------------------------------------------


def _describe(roadmap: Roadmap, ids: list[str]) -> str:
    return names.describe(roadmap, ids, MAX_CANDIDATES)


def resolve_id(roadmap: Roadmap, text: str) -> str:
    """The id ``text`` means, by the domain's one rule (``planner.names``); ``CliError``
    listing the candidates when it matches no item or more than one."""
    try:
        return names.resolve(roadmap, text)
    except names.ItemNameError as exc:
        raise CliError(str(exc)) from None


def resolve_ids(roadmap: Roadmap, texts: list[str]) -> list[str]:
    """Each name's id, once each, in order; ``CliError`` on the first that does not resolve."""
    try:
        return names.resolve_all(roadmap, texts)
    except names.ItemNameError as exc:
        raise CliError(str(exc)) from None


# -- done / start / skip / todo ---------------------------------------------------


def _summary(roadmap: Roadmap, progress: Progress, hours: tuple[float, float]) -> str:
    """The roadmap's total after a change; ``hours``: ``hours_settings``, read before the
    change is made (settings that cannot be read stop it before it is saved)."""
    per_day, unestimated = hours
    total = figures(roadmap, progress, per_day, unestimated)[roadmap.id]
    return (
        f"{_fit(visible(roadmap.title), 60)}: {_percent_text(total)} "
        f"({_hours(total.done)} done, {_hours(total.remaining)} left)"
    )


def run_set(ctx: Context) -> int:
    roadmap = ctx.roadmap
    state, _ = _VERBS[ctx.args.verb]
    targets = resolve_ids(roadmap, ctx.args.ids)
    now = _now(ctx)
    hours = hours_settings(ctx)
    changed: list[str] = []

    def change(progress: Progress) -> None:
        changed[:] = progress.set_state(roadmap, targets, state, now)

    intent = Intent(target=tuple(targets), to=state.value)
    progress = _store(ctx).update(change, f"cli:{ctx.args.verb}", now, intent)
    states = progress.states(roadmap)
    shown: set[str] = set()
    for item_id in targets:
        now_state = states[item_id]
        under = [
            i for i in changed if i.startswith(item_id + "/") or _is_under(roadmap, i, item_id)
        ]
        shown.update(under)
        if item_id in changed and under and now_state is not state:
            # e.g. skipping a topic part of which is done: the rest is skipped, it is done
            shown.add(item_id)
            why = ", as part of it was done" if now_state is State.DONE else ""
            print(
                f"{state.label}: {_count(roadmap, under)} of {item_id} "
                f"({_title(roadmap, item_id)}); it is now {now_state.label}{why}"
            )
        elif item_id in changed:
            shown.add(item_id)
            extra = f", and {_count(roadmap, under)}" if under else ""
            print(f"{now_state.label}: {item_id} ({_title(roadmap, item_id)}){extra}")
        elif under:
            print(f"{item_id} stays {now_state.label}; {_count(roadmap, under)} now {state.label}")
        elif now_state is state:
            print(f"{item_id} was already {state.label}")
        else:
            print(
                f"{item_id} stays {now_state.label}: every part of it is done or skipped; "
                f"`planner todo {item_id}` reopens it"
            )
    for item_id in changed:
        if item_id not in shown:
            print(f"  {item_id} is now {states[item_id].label}")
    print(_summary(roadmap, progress, hours))
    return 0


def _is_under(roadmap: Roadmap, item_id: str, ancestor_id: str) -> bool:
    item = roadmap.get(item_id)
    if isinstance(item, Subtopic):
        item = roadmap.parent_topic(item_id)
        if item.id == ancestor_id:
            return True
    return isinstance(item, Topic) and item.module_id == ancestor_id


def _count(roadmap: Roadmap, ids: list[str]) -> str:
    """``3 subtopics``, ``2 topics and 5 subtopics``."""
    subs = sum(isinstance(roadmap.get(i), Subtopic) for i in ids)
    topics = len(ids) - subs
    parts = [
        f"{n} {word}{'' if n == 1 else 's'}"
        for n, word in ((topics, "topic"), (subs, "subtopic"))
        if n
    ]
    return " and ".join(parts)


# -- log -----------------------------------------------------------------------


def parse_hours(text: str) -> float:
    """``1.5``, ``1.5h``, ``90m``, ``90 min``, ``1:30``, ``1h30``, ``-1h`` -> hours (not zero)."""
    try:
        hours = parse_duration(text)
    except DurationError as exc:
        back = "" if looks_like_duration(text) else ", with a minus sign to take hours back"
        raise CliError(f"{exc}{back}") from None
    if hours == 0:
        raise CliError("hours must be more than zero (or negative to take hours back)")
    return hours


def run_log(ctx: Context) -> int:
    roadmap = ctx.roadmap
    hours = parse_hours(ctx.args.hours)
    if _log_track(ctx, hours):
        return 0
    item_id = resolve_id(roadmap, ctx.args.id)
    item = roadmap.get(item_id)
    if isinstance(item, Module):
        raise CliError(
            f"{item_id} is a module; log hours on one of its topics: "
            f"{_describe(roadmap, [t.id for t in item.topics])}"
        )
    note = ""
    if isinstance(item, Subtopic):
        item_id = roadmap.parent_topic(item_id).id
        note = f" (hours are kept per topic: logged on {item_id})"
    now = _now(ctx)
    per_day, unestimated = hours_settings(ctx)  # before the change: a bad file stops it
    started: list[str] = []
    applied = 0.0

    def change(progress: Progress) -> None:
        nonlocal applied
        before = progress.logged(item_id)
        started[:] = progress.log_work(roadmap, item_id, hours, now)
        applied = progress.logged(item_id) - before

    intent = Intent("log", (item_id,), hours=hours)
    progress = _store(ctx).update(change, "cli:log", now, intent)
    left = remaining_topic_hours(roadmap, progress, per_day, unestimated).get(item_id, 0.0)
    print(
        f"{log_sentence(hours, applied)} on {item_id}{note}: "
        f"{_hours(progress.logged(item_id))} in all, about {_hours(left)} left"
    )
    if started:
        print(f"{item_id} is now in progress")
    return 0


def _log_track(ctx: Context, hours: float) -> bool:
    """``planner log TRACK HOURS``: hours on a track of the settings (``planner.shape``)
    when ID is a track's title; False when it is not one."""
    from planner.errors import PlannerError
    from planner.settings import load_settings
    from planner.shape import TRACK_PREFIX, log_track, track_named

    try:
        tracks = load_settings(ctx.settings_path, ctx.settings_kind).tracks
    except PlannerError:
        return False  # the id is then read as a topic's, and a bad file said where needed
    title = track_named([t.title for t in tracks], ctx.args.id)
    if title is None:
        return False
    now = _now(ctx)
    key = TRACK_PREFIX + title
    before: list[float] = []

    def change(progress: Progress) -> None:
        before.append(progress.logged(key))
        log_track(progress, title, hours, now)

    progress = _store(ctx).update(change, "cli:log", now, Intent("log", (key,), hours=hours))
    applied = progress.logged(key) - before[0]
    print(
        visible(
            f"{log_sentence(hours, applied)} on the track {title}: "
            f"{_hours(progress.logged(key))} in all"
        )
    )
    return True


# -- status --------------------------------------------------------------------


def _figures_json(f: Figures) -> dict[str, float]:
    return {
        "done_hours": round(f.done, 3),
        "remaining_hours": round(f.remaining, 3),
        "skipped_hours": round(f.skipped, 3),
        "percent": shown_percent(f.percent, 2),  # rounded down, as the text shows it
    }


def _status_json(ctx: Context, progress: Progress, exists: bool) -> dict[str, Any]:
    roadmap = ctx.roadmap
    per_day, unestimated = hours_settings(ctx)
    figs = figures(roadmap, progress, per_day, unestimated)
    states = progress.states(roadmap)
    tz = settings_zone(ctx)

    def item(item_id: str, title: str) -> dict[str, Any]:
        entry = progress.entries.get(item_id)
        changed = in_zone(entry.changed, tz).isoformat() if entry and entry.changed else None
        return {"id": item_id, "title": title, "state": states[item_id].value, "changed": changed}

    modules = []
    for module in roadmap.modules:
        m = item(module.id, module.title) | {"number": module.number}
        m |= _figures_json(figs[module.id])
        topics = []
        for topic in module.topics:
            t = item(topic.id, topic.title) | _figures_json(figs[topic.id])
            t["logged_hours"] = progress.logged(topic.id)
            t["subtopics"] = [
                item(s.id, s.title) | _figures_json(figs[s.id]) for s in topic.subtopics
            ]
            topics.append(t)
        m["topics"] = topics
        modules.append(m)
    orphans = []
    for orphan in progress.orphans(roadmap):
        entry = progress.entries[orphan]
        orphans.append(
            {
                "id": orphan,
                "state": entry.state.value,
                "changed": in_zone(entry.changed, tz).isoformat() if entry.changed else None,
                "logged_hours": entry.logged_hours,
            }
        )
    from planner.cli.status_finish import status_finish

    return {
        "roadmap": {"id": roadmap.id, "title": roadmap.title},
        "progress_file": str(ctx.progress_path),
        "progress_file_exists": exists,
        "hours_per_day": per_day,
        "unestimated_hours": unestimated,
        "total": {"state": roadmap_state(roadmap, states).value} | _figures_json(figs[roadmap.id]),
        "modules": modules,
        "orphans": orphans,
        **status_finish(ctx, progress).json(),
    }


def status_lines(ctx: Context, progress: Progress, width: int = 80) -> list[str]:
    """The status table; module titles are cut so that its lines fit ``width``."""
    lines = _status_lines(ctx, progress, TITLE_WIDTH)
    over = max(len(line) for line in lines[1:]) - width
    if over > 0:
        lines = _status_lines(ctx, progress, max(10, TITLE_WIDTH - over))
    return lines


def _status_lines(ctx: Context, progress: Progress, title_width: int) -> list[str]:
    roadmap = ctx.roadmap
    per_day, unestimated = hours_settings(ctx)
    figs = figures(roadmap, progress, per_day, unestimated)
    rows: list[tuple[str, Figures]] = [
        (f"{m.number:>2} {_fit(m.title, title_width)}", figs[m.id]) for m in roadmap.modules
    ]
    rows.append(("   Total", figs[roadmap.id]))
    width = max(len(label) for label, _ in rows)
    done_w = max(len(_hours(f.done)) for _, f in rows)
    left_w = max(len(_hours(f.remaining)) for _, f in rows)
    lines = [roadmap.title]
    for n, (label, f) in enumerate(rows):
        if n == len(rows) - 1:
            lines.append("")
        line = (
            f"{label:<{width}}  {_bar(f)} {_percent_text(f):>4}  "
            f"{_hours(f.done):>{done_w}} done / {_hours(f.remaining):>{left_w}} left"
        )
        if f.skipped:
            line += f"  ({_hours(f.skipped)} skipped)"
        lines.append(line)
    return lines


def run_status(ctx: Context) -> int:
    store = _store(ctx)
    exists = store.exists()
    progress = store.load()
    if ctx.args.json:
        text = json.dumps(_status_json(ctx, progress, exists), indent=2, ensure_ascii=False)
        print(text.translate(_JSON_C1))  # json escapes C0 only; an 8-bit CSI acts too
        return 0
    from planner.cli.status_finish import status_finish
    from planner.cli.width import terminal_width, wrap_lines

    width = terminal_width()
    lines = status_lines(ctx, progress, width)
    lines += wrap_lines(status_finish(ctx, progress).lines(), width)
    if not exists:
        lines.insert(1, f"no progress yet (it will be kept in {ctx.progress_path})")
    elif ctx.args.verbose:
        lines.insert(1, f"progress file: {ctx.progress_path}")
    orphans = progress.orphans(ctx.roadmap)
    if orphans and ctx.args.verbose:
        lines.append(
            f"{len(orphans)} recorded ids are not in this roadmap (kept, not counted): "
            + ", ".join(orphans[:MAX_CANDIDATES])
            + (" ..." if len(orphans) > MAX_CANDIDATES else "")
        )
    print(visible("\n".join(lines), multiline=True))
    return 0
