"""The Textual app. Imported only when the app opens (``planner`` with no command)."""

from __future__ import annotations

__all__ = ["PlannerApp"]


def __getattr__(name: str) -> object:
    if name == "PlannerApp":
        from planner.tui.app import PlannerApp

        return PlannerApp
    raise AttributeError(name)
