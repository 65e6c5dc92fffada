"""``planner import FILE.md [-o FILE.yaml|-] [--force] [--id ID]``: roadmap Markdown -> YAML."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planner.atomic import (
    IMPORT_OUTPUT,
    MARKDOWN,
    FileError,
    read_bytes,
    write_atomic,
    write_target,
)
from planner.cli import EXIT_USAGE, CliError, Context

if TYPE_CHECKING:
    from planner.cli.commands import SubParsers


def register(sub: SubParsers, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "import",
        parents=[common],
        help="convert a roadmap written in Markdown into a roadmap file",
        description="Convert a roadmap written in Markdown (# Title, ## Module N: ..., "
        "topic list items with 'Est. Time: 2 days', > [!NOTE] blocks) into a roadmap "
        "YAML file the planner opens with --roadmap. Whatever is not understood is "
        "listed as FILE:LINE: warnings on stderr.",
    )
    p.add_argument("file", metavar="FILE.md", help="the Markdown roadmap ('-' reads stdin)")
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="where to write the YAML (default: FILE with .yaml; '-' for stdout)",
    )
    p.add_argument("--force", action="store_true", help="overwrite an existing output file")
    p.add_argument("--id", dest="roadmap_id", metavar="ID", help="roadmap id (default: from FILE)")
    p.set_defaults(func=run)


class _Unreadable(Exception):
    """The input's content cannot be used: one ``FILE:LINE: ...`` line, as it is."""


def _read(name: str) -> str:
    if name == "-":
        return sys.stdin.read().lstrip("\ufeff")
    path = Path(name).expanduser()
    try:
        data = read_bytes(path, MARKDOWN)
    except FileNotFoundError:
        raise CliError(f"{name}: no such file") from None
    except FileError as exc:  # a folder, a socket; too large
        raise CliError(f"{name}: {exc.problem}") from None
    except OSError as exc:
        raise CliError(f"{name}: cannot read the file: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _Unreadable(
            f"{name}:{line}: the file is not UTF-8 (byte 0x{data[exc.start]:02x}); "
            "save it as UTF-8 and try again"
        ) from None


def _output(args: argparse.Namespace) -> Path | None:
    """The output path, or None for stdout; refuses what must not be overwritten."""
    option: str | None = args.output
    if option == "-" or (option is None and args.file == "-"):
        return None
    out = Path(option).expanduser() if option else Path(args.file).expanduser().with_suffix(".yaml")
    if args.file != "-" and out.resolve() == Path(args.file).expanduser().resolve():
        raise CliError(f"{out}: the output would replace the input; choose another with -o FILE")
    if out.is_dir():
        raise CliError(f"{out}: is a folder; give a file name with -o FILE")
    try:  # a device, read-only, hard-linked: refused before any work
        write_target(out, IMPORT_OUTPUT)
    except FileError as exc:
        raise CliError(str(exc)) from None
    if out.exists() and not args.force:
        raise CliError(f"{out} already exists; pass --force to overwrite it, or -o FILE")
    if not out.parent.is_dir():
        raise CliError(f"{out.parent}: no such folder; create it or choose another -o FILE")
    return out


def run(ctx: Context) -> int:
    from planner.md_import import MarkdownImportError, import_markdown

    args = ctx.args
    name: str = args.file
    out = _output(args)
    source = "<stdin>" if name == "-" else name
    try:
        text = _read(name)
        result = import_markdown(text, source, args.roadmap_id)
    except _Unreadable as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except MarkdownImportError as exc:
        for warning in exc.warnings:
            print(warning, file=sys.stderr)
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    modules, topics, subtopics = result.roadmap.counts()
    unestimated = len(result.unestimated)
    summary = (
        f"{modules} modules, {topics} topics, {subtopics} subtopics"
        + (f", {unestimated} without an estimate" if unestimated else "")
        + (f"; {len(result.warnings)} warnings above" if result.warnings else "")
    )
    if out is None:
        sys.stdout.write(result.yaml)
        sys.stdout.flush()
        print(f"imported {source}: {summary}", file=sys.stderr)
        return 0
    try:  # through a symbolic link; an existing file keeps its mode and owner
        write_atomic(out, result.yaml, IMPORT_OUTPUT)
    except FileError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"{out}: cannot write the file: {exc.strerror}") from None
    print(f"wrote {out} (roadmap id '{result.roadmap.id}'): {summary}")
    print(f"open it with: planner --roadmap {out}")
    return 0
