"""``planner where`` (the files in use and where each path comes from) and
``planner completion bash|zsh|fish`` (a shell completion script, made by shtab)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from planner import locations
from planner.cli import EXIT_USAGE, CliError, Context

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers

SHELLS = ("bash", "zsh", "fish")

_INSTALL = {
    "bash": "planner completion bash > ~/.local/share/bash-completion/completions/planner",
    "zsh": "planner completion zsh > ~/.zfunc/_planner  "
    "(with fpath+=~/.zfunc before compinit in ~/.zshrc)",
    "fish": "planner completion fish > ~/.config/fish/completions/planner.fish",
}


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "where",
        parents=[common],
        help="the files and folders in use, and where each comes from",
        description="Show the roadmap, progress and settings files and the data, config "
        "and cache folders this run would use, and where each comes from: an option "
        "(--roadmap, --progress, --settings), an environment variable (PLANNER_ROADMAP, "
        "PLANNER_PROGRESS, PLANNER_SETTINGS, PLANNER_DATA_DIR, PLANNER_CONFIG_DIR, "
        "PLANNER_CACHE_DIR) or the default. Nothing is created.",
    )
    p.add_argument("--json", action="store_true", help="print them as JSON")
    p.set_defaults(func=run_where)

    p = sub.add_parser(
        "completion",
        parents=[common],
        help="print a shell completion script (bash, zsh or fish)",
        description="Print a completion script for the shell. "
        + "; ".join(f"{shell}: {how}" for shell, how in _INSTALL.items())
        + ".",
    )
    p.add_argument("shell", metavar="{bash,zsh,fish}", help="the shell to complete in")
    p.set_defaults(func=run_completion)


# -- where ---------------------------------------------------------------------


def where(ctx: Context) -> tuple[list[tuple[str, locations.Located]], str | None]:
    """(what, located) for each file and folder, in the order shown, and the roadmap's
    problem when it cannot be read (the default progress file is named after its id)."""
    from planner.errors import user_message

    args = ctx.args
    roadmap = locations.locate_roadmap(getattr(args, "roadmap", None))
    progress_option = getattr(args, "progress", None)
    progress = locations.locate_progress("", progress_option)
    problem = None
    if roadmap.source == "default":  # the app may have remembered another one
        try:
            remembered = ctx.remembered_roadmap()
        except CliError as exc:
            remembered, problem = None, f"planner: {exc}"
        if remembered is not None:
            where_from = f"remembered in {ctx.settings_path}"
            roadmap = locations.Located(remembered, "default", where_from)
    if progress.name not in ("--progress", locations.ENV_PROGRESS):
        # inside the data folder, named after the roadmap's id: read the roadmap
        try:
            roadmap_id = ctx.roadmap.id
        except Exception as exc:
            problem = user_message(exc)
            if problem is None:
                raise
            roadmap_id = "ROADMAP-ID"
        progress = locations.locate_progress(roadmap_id, progress_option)
    rows = [
        ("roadmap", roadmap),
        ("progress", progress),
        ("settings", locations.locate_settings(getattr(args, "settings", None))),
        ("data", locations.locate_data_dir()),
        ("config", locations.locate_config_dir()),
        ("cache", locations.locate_cache_dir()),
    ]
    return rows, problem


def _origin(located: locations.Located) -> str:
    if located.source == "option":
        return f"option {located.name}"
    if located.source == "environment":
        return f"environment ${located.name}"
    return f"default: {located.name}"


def run_where(ctx: Context) -> int:
    """Every path, even when the roadmap cannot be read (then its problem follows on
    stderr, exit 2)."""
    rows, problem = where(ctx)
    if ctx.args.json:
        data = {
            what: {
                "path": str(located.path),
                "source": located.source,
                "name": located.name,
                "exists": located.path.exists(),
            }
            for what, located in rows
        }
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        width = max(len(what) for what, _ in rows)
        for what, located in rows:
            missing = "" if located.path.exists() else ", not there yet"
            print(f"{what:<{width}}  {located.path}  ({_origin(located)}{missing})")
    if problem is None:
        return 0
    print(problem, file=sys.stderr)
    return EXIT_USAGE


# -- completion ----------------------------------------------------------------


def _complete_files(parser: argparse.ArgumentParser, files: object) -> None:
    """Mark every FILE argument, in every command, as completing file names."""
    for action in parser._actions:
        if action.metavar in ("FILE", "FILE.md") or action.dest == "file":
            action.complete = files  # type: ignore[attr-defined]
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _complete_files(child, files)


def run_completion(ctx: Context) -> int:
    shell = ctx.args.shell.strip().lower()
    if shell not in SHELLS:
        raise CliError(f"no completion for {ctx.args.shell!r}; give one of {', '.join(SHELLS)}")
    import shtab

    from planner.cli import build_parser

    parser = build_parser()
    _complete_files(parser, shtab.FILE)
    print(shtab.complete(parser, shell=shell))
    return 0
