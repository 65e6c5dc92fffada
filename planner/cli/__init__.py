"""The command line: parses arguments, calls the domain, prints. No logic of its own.

Each area has its own module with ``register(subparsers, common)``; every command's
``run(ctx)`` returns the exit status. A user's mistake raises ``CliError`` (or a
domain error with a message) and becomes one line on stderr and a non-zero exit,
never a traceback.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

from planner import locations

if TYPE_CHECKING:
    import argparse

    from planner.atomic import FileKind
    from planner.progress import ProgressStore
    from planner.roadmap import Roadmap

EXIT_USAGE = 2
"""User errors: a bad file, a bad option, an unknown id."""


class CliError(Exception):
    """A mistake the user can fix: printed as one line, exit status ``code``."""

    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


class Context:
    """What every command needs, resolved lazily from the options and environment."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args

    @cached_property
    def roadmap_path(self) -> Path:
        option = getattr(self.args, "roadmap", None)
        if not option and locations.locate_roadmap().source == "default":
            remembered = self.remembered_roadmap()
            if remembered is not None:
                return remembered
        return locations.roadmap_path(option)

    def remembered_roadmap(self) -> Path | None:
        """The roadmap file the app switched to last (``roadmap:`` in the settings), used
        when neither --roadmap nor the environment names one. ``CliError`` when it is
        gone; None when none is remembered (or the settings cannot be read: the command
        that needs them says so)."""
        from planner.settings import SettingsError, load_settings

        try:
            remembered = load_settings(self.settings_path, self.settings_kind).roadmap
        except SettingsError:
            return None
        if remembered is None:
            return None
        path = Path(remembered).expanduser()
        if not path.is_file():
            raise CliError(
                f"the roadmap file remembered in {self.settings_path} ({path}) is not there; "
                "pass --roadmap FILE, or delete the 'roadmap:' line there"
            )
        return path

    @cached_property
    def roadmap(self) -> Roadmap:
        from planner.roadmap_file import load_roadmap

        return load_roadmap(self.roadmap_path)

    @cached_property
    def progress_path(self) -> Path:
        return self._progress.path

    @cached_property
    def settings_path(self) -> Path:
        return self._settings.path

    @cached_property
    def _progress(self) -> locations.Located:
        return locations.locate_progress(self.roadmap.id, getattr(self.args, "progress", None))

    @cached_property
    def _settings(self) -> locations.Located:
        return locations.locate_settings(getattr(self.args, "settings", None))

    @cached_property
    def progress_kind(self) -> FileKind:
        """How messages about the progress file say to pick another: by the option or
        the variable that named it (``locations.file_kind``)."""
        from planner.atomic import PROGRESS

        return locations.file_kind(self._progress, PROGRESS)

    @cached_property
    def settings_kind(self) -> FileKind:
        """As ``progress_kind``, for the settings file."""
        from planner.atomic import SETTINGS

        return locations.file_kind(self._settings, SETTINGS)

    def progress_store(self, roadmap: Roadmap | None = None) -> ProgressStore:
        """The store of the progress file (for ``roadmap``, by default the command's)."""
        from planner.progress import ProgressStore

        return ProgressStore(
            self.progress_path,
            roadmap if roadmap is not None else self.roadmap,
            self.progress_kind,
        )


Runner = Callable[[Context], int]


def _common_options() -> argparse.ArgumentParser:
    import argparse

    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("files")
    # SUPPRESS: an option given before the command is not reset by the subparser's default
    group.add_argument(
        "--roadmap",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help=f"roadmap file (default: ${locations.ENV_ROADMAP} or the bundled roadmap)",
    )
    group.add_argument(
        "--progress",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help=f"progress file (default: ${locations.ENV_PROGRESS} or one per roadmap "
        "in the data folder)",
    )
    group.add_argument(
        "--settings",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help=f"settings file (default: ${locations.ENV_SETTINGS} or settings.yaml "
        "in the config folder)",
    )
    return common


def _version() -> str:
    """``planner X.Y.Z (roadmap-planner, Python 3.N)``: the command, the distribution."""
    from planner import __version__

    python = ".".join(map(str, sys.version_info[:2]))
    return f"planner {__version__} (distribution roadmap-planner, Python {python})"


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from planner.cli import commands

    common = _common_options()
    parser = argparse.ArgumentParser(
        prog="planner",
        description="A terminal study planner. With no command, opens the app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in commands.REGISTRY:
        register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A run is mostly imports and loading, which make objects that live as long as
    # the process: the cyclic collector only spends time on them (~20 ms of the
    # app's start). Off until the app starts (it freezes them, then turns it on)
    # or the command is done.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        if collecting:
            gc.enable()


_FILE_OPTIONS = ("--roadmap", "--progress", "--settings")


def _opens_app(argv: Sequence[str]) -> bool:
    """Whether ``argv`` holds file options only, so the app opens: then the commands'
    parser, with every command module it imports, is not built (~10 ms of start-up)."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg in _FILE_OPTIONS:
            i += 2
        elif arg.partition("=")[0] in _FILE_OPTIONS:
            i += 1
        else:
            return False
    return True


def _app_parser() -> argparse.ArgumentParser:
    """The parser of ``planner [FILE OPTIONS]``: the same namespace as ``build_parser``'s."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="planner",
        description="A terminal study planner. With no command, opens the app.",
        parents=[_common_options()],
    )
    parser.set_defaults(command=None)
    return parser


def _main(argv: Sequence[str] | None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    if not arguments:
        # plain 'planner' opens the app with every default: argparse is not imported
        # (~1.3 ms of the start); the app's context reads its options with getattr
        args = cast("argparse.Namespace", SimpleNamespace(command=None))
    else:
        parser = _app_parser() if _opens_app(arguments) else build_parser()
        args = parser.parse_args(arguments)
    ctx = Context(args)
    try:
        func: Runner | None = getattr(args, "func", None)
        if func is None:
            from planner.cli.app import run_app

            return run_app(ctx)
        return int(func(ctx))
    except CliError as exc:
        from planner.textutil import visible

        print(visible(f"planner: {exc}"), file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader went away (planner plan | head): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        from planner.errors import user_message

        message = user_message(exc)
        if message is None:
            raise
        print(message, file=sys.stderr)
        return EXIT_USAGE
