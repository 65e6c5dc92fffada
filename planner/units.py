"""One grammar for durations, used by every face: the command line, the app and the settings file.

A duration is hours, written any of these ways, each with an optional minus sign
for taking hours back::

    1.5   1,5   1.5h   2 hours   90m   90 min   1:30   1h30   1h 30m   -1h   -90m   -1:30

A bare number is hours unless the caller says minutes (``min_session: 30`` in the
settings file). The result is a float of hours; what range is sensible (a day's
study hours are 0 to 24, a log entry is not zero) is the caller's rule.

Also here: what taking back hours actually took back, as one sentence both faces show.
"""

from __future__ import annotations

import math
import re
from typing import Literal

Unit = Literal["hours", "minutes"]

_NUMBER = r"(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:e[-+]?\d+)?"
_DURATION_RE = re.compile(
    rf"^\s*(?P<sign>[-+−]?)\s*(?:"
    rf"(?P<num>{_NUMBER})\s*(?P<unit>[a-z]+)?"
    r"|(?P<h>\d+)\s*h(?:ours?|rs?)?\s*(?P<m>\d+)\s*(?:m(?:in(?:utes?|s)?)?)?"
    r"|(?P<hh>\d+):(?P<mm>\d\d)"
    r")\s*$",
    re.IGNORECASE,
)
HOUR_UNITS = frozenset({"h", "hr", "hrs", "hour", "hours"})
MINUTE_UNITS = frozenset({"m", "min", "mins", "minute", "minutes"})
SPELLINGS = "1.5, 1.5h, 90m, 90 min, 1:30 or 1h30"
"""The spellings a message suggests."""


class DurationError(ValueError):
    """A duration could not be read; the message says what to write instead."""


def parse_duration(text: str, default_unit: Unit = "hours") -> float:
    """Hours in ``text`` ("1.5", "90 min", "1h30", "1:30", "-1h"); a bare number is
    ``default_unit``. Raises DurationError with a one-line message."""
    match = _DURATION_RE.match(text)
    if not match:
        shown = text.strip()
        if not shown:
            raise DurationError(f"no duration given; write {SPELLINGS}")
        raise DurationError(f"cannot read {shown!r} as a duration; write {SPELLINGS}")
    sign = -1.0 if match["sign"] in ("-", "−") else 1.0
    minutes_part = match["mm"] if match["hh"] is not None else match["m"]
    if minutes_part is not None:
        whole = match["hh"] if match["hh"] is not None else match["h"]
        minutes = int(minutes_part)
        if minutes >= 60:
            raise DurationError(
                f"{minutes} minutes in {text.strip()!r}; write 60 or more minutes as hours "
                f"({int(whole) + minutes // 60}:{minutes % 60:02d})"
            )
        return sign * (int(whole) + minutes / 60)
    value = float(match["num"].replace(",", "."))
    if not math.isfinite(value):
        raise DurationError(f"{text.strip()!r} is too large to be a duration; write {SPELLINGS}")
    unit = (match["unit"] or "").lower()
    if not unit:
        unit = "h" if default_unit == "hours" else "min"
    if unit in HOUR_UNITS:
        return sign * value
    if unit in MINUTE_UNITS:
        return sign * value / 60
    raise DurationError(f"unknown unit {unit!r} in {text.strip()!r}; use h or min")


def looks_like_duration(text: str) -> bool:
    """Whether ``text`` is written as a duration (read or not): the command line uses
    it to take ``-1h`` as a value, not as an option."""
    return _DURATION_RE.match(text) is not None


def hours_text(hours: float) -> str:
    """``12 h``, ``1.5 h``, ``0.75 h``, ``-1 h``: at most two decimals, no trailing zeros."""
    return f"{round(hours, 2):g} h"


def log_sentence(asked: float, applied: float) -> str:
    """What a log entry did, in words both faces show: "logged 1.5 h", "took back 1 h",
    "took back 0.5 h (all that was logged)", "took back nothing (no hours were logged)"."""
    if asked >= 0:
        return f"logged {hours_text(applied)}"
    if applied == 0:
        return "took back nothing (no hours were logged)"
    taken = hours_text(-applied)
    if math.isclose(applied, asked, abs_tol=1e-9):
        return f"took back {taken}"
    return f"took back {taken} (all that was logged)"
