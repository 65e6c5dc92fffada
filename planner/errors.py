"""Turning domain errors into the one-line messages the user sees."""

from __future__ import annotations


class PlannerError(Exception):
    """Base of every domain error whose message is written for the user.

    Domain modules raise subclasses of this with a message that says what is wrong,
    where, and what to do; the command line and the app show it as it is.
    """


def user_message(exc: BaseException) -> str | None:
    """The text to show for a known error, or None for a bug (which should surface)."""
    from planner.roadmap_file import RoadmapError
    from planner.textutil import visible

    if isinstance(exc, RoadmapError):
        return "\n".join(str(p) for p in exc.problems)  # each shown harmlessly
    if isinstance(exc, PlannerError):
        return visible(f"planner: {exc}")  # messages quote the user's files and words
    return None
