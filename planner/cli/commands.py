"""The list of command modules; each adds its subcommands to the parser."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TypeAlias

from planner.cli import (
    busy_cmd,
    clock_cmds,
    export,
    history_cmds,
    import_md,
    info,
    plan,
    progress_cmds,
    shape_cmds,
    sync,
    today,
    validate,
)

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Register: TypeAlias = Callable[[SubParsers, argparse.ArgumentParser], None]

REGISTRY: list[Register] = [
    validate.register,
    progress_cmds.register,
    import_md.register,
    plan.register,
    export.register,
    info.register,
    sync.register,
    history_cmds.register,
    busy_cmd.register,
    clock_cmds.register,
    today.register,
    shape_cmds.register,
]
