"""The plan's baseline as both faces keep it: ``planner plan`` and the app.

The first real plan made for a roadmap is kept as its baseline, to measure later plans
against (behind, ahead, on track). ``kept_baseline`` is that rule in one place: a real
plan becomes the baseline when none is kept, a what-if plan never does, and a baseline
that cannot be read or kept is a problem in words (the file is left as it is), never a
failure of the plan.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from planner.schedule import Plan


def kept_baseline(
    path: Path, plan: Plan, today: date, *, keep: bool = True
) -> tuple[dict[str, Any] | None, str | None]:
    """The baseline to measure ``plan`` against (None when there is none), and a problem
    to tell (None when there is none).

    With ``keep`` (a real plan, not a what-if) the plan is kept as the baseline when there
    is none yet; without, the kept one is only read.
    """
    from planner.schedule import BaselineError, ensure_baseline, read_baseline

    try:
        baseline = ensure_baseline(path, plan, today) if keep else read_baseline(path)
    except BaselineError as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"could not keep the plan baseline {path} ({exc.strerror or exc})"
    return baseline, None
