"""``planner`` with no command: open the Textual app (textual is imported only here)."""

from __future__ import annotations

import gc
import sys
from datetime import datetime

from planner.cli import CliError, Context


def run_app(ctx: Context) -> int:
    """Load roadmap, progress and settings (a problem is one line, exit 2), then run."""
    from planner.settings import load_settings, resolve_zone

    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise CliError(
            "the app needs a terminal; for scripts use a command such as 'planner status' "
            "(see 'planner --help')"
        )
    roadmap = ctx.roadmap
    path = ctx.settings_path
    first_start = not (path.exists() or path.is_symlink())  # asks for the learner's week
    settings = load_settings(path, ctx.settings_kind)
    store = ctx.progress_store(roadmap)
    store.load()  # an unreadable progress file stops here, before the app opens
    tz = resolve_zone(settings)  # a system zone without a name, too: one line, not UTC

    from planner.tui.app import PlannerApp

    app = PlannerApp(
        roadmap,
        roadmap_path=ctx.roadmap_path,
        store=store,
        settings=settings,
        settings_path=ctx.settings_path,
        today=datetime.now(tz).date(),
        tz=tz,
        first_start=first_start,
    )
    # what start-up made lives as long as the app: keep the collector off it
    gc.freeze()
    gc.enable()
    app.run()
    return app.return_code or 0
