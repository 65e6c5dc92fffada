"""``planner`` with no command: open the Textual app (imported only here)."""

from __future__ import annotations

from planner.cli import CliError, Context


def run_app(ctx: Context) -> int:
    raise CliError("the app is not built yet; try 'planner validate'")
