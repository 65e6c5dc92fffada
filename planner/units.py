"""One grammar each for durations, dates and clock times, used by every face: the command
line, the app and the settings file.

A duration is hours, written any of these ways, each with an optional minus sign
for taking hours back::

    1.5   1,5   1.5h   2 hours   90m   90 min   1:30   1h30   1h 30m   -1h   -90m   -1:30

A bare number is hours unless the caller says minutes (``min_session: 30`` in the
settings file). The result is a float of hours; what range is sensible (a day's
study hours are 0 to 24, a log entry is not zero) is the caller's rule.

A date is ``2026-12-01`` (also ``2026/12/01``), ``1.12.2026`` (day first, with dots),
``1 Dec 2026``, ``Dec 1 2026`` or ``Tue 1 Dec 2026`` (a weekday given must be the date's);
where the caller knows today (the app's forms) the year may be left out: ``1 Dec``. Slashed
day-and-month forms such as ``04/05/2026`` are refused: they read differently in different
countries.

A clock time is a 24-hour ``19:00``, ``7:30``, ``19.30``, ``19h30``, ``1930``, ``19``, or a
12-hour ``7pm``, ``7:30 pm``, ``12am`` (midnight).

Also here: what taking back hours actually took back, as one sentence both faces show;
and how every face writes a session's time range (``21:00-24:00``).
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime, time
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


# -- dates --------------------------------------------------------------------------------

DATE_SPELLINGS = "2026-12-01 or 1 Dec 2026"
"""The spellings a date message suggests."""

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ISO_RE = re.compile(r"^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$")
_DOTTED_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_WORDS_RE = re.compile(
    r"^(?:(?P<wd>[a-z]{3,9})\.?,?\s+)?"
    r"(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\.?\s+(?P<m1>[a-z]{3,9})\.?"
    r"|(?P<m2>[a-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?)"
    r"(?:,?\s+(?P<y>\d{4}))?$",
    re.IGNORECASE,
)


class DateError(ValueError):
    """A date could not be read; the message says what to write instead."""


def _word_index(word: str, names: tuple[str, ...]) -> int | None:
    word = word.lower()
    if len(word) < 3:
        return None
    for i, name in enumerate(names):
        if word.startswith(name):
            return i
    return None


def parse_date(text: str, today: date | None = None) -> date:
    """The date in ``text`` (see the module's grammar). With ``today`` the year may be
    left out (it is today's). Raises DateError with a one-line message."""
    value = " ".join(text.split())
    if not value:
        raise DateError(f"no date given; write {DATE_SPELLINGS}")
    wrong = f"cannot read {value!r} as a date; write {DATE_SPELLINGS}"
    weekday: int | None = None
    if match := _ISO_RE.match(value):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    elif match := _DOTTED_RE.match(value):
        day, month, year = int(match[1]), int(match[2]), int(match[3])
    elif match := _WORDS_RE.match(value):
        month_word = match["m1"] or match["m2"]
        found = _word_index(month_word, _MONTHS)
        if found is None:
            raise DateError(wrong)
        month, day = found + 1, int(match["d1"] or match["d2"])
        if match["wd"] is not None:
            weekday = _word_index(match["wd"], _DAYS)
            if weekday is None:
                raise DateError(wrong)
        if match["y"] is not None:
            year = int(match["y"])
        elif today is not None:
            year = today.year
        else:
            raise DateError(f"{value!r} has no year; write {DATE_SPELLINGS}")
    else:
        raise DateError(wrong)
    try:
        result = date(year, month, day)
    except ValueError:
        if not 1 <= month <= 12:
            why = f"there is no month {month}"
        elif not 1 <= year <= 9999:
            why = f"there is no year {year}"
        else:
            days = calendar.monthrange(year, month)[1]
            why = f"{date(year, month, 1):%B %Y} has {days} days"
        raise DateError(f"cannot read {value!r} as a date: {why}") from None
    if weekday is not None and result.weekday() != weekday:
        raise DateError(
            f"{value!r}: {result.day} {result:%b %Y} is a {result:%A}; check the day or the date"
        )
    return result


def date_text(day: date) -> str:
    """``Thu 29 Jun 2028``: how every face writes a date in a sentence (and reads it back)."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def time_range(start: datetime, end: datetime, *, dash: str = "-") -> str:
    """``09:00-10:30``: a session's (or any span's) clock times, as every face writes them.

    A span that ends at the next midnight ends at ``24:00`` (a whole day is
    ``00:00-24:00``, never ``00:00-00:00``); one that ends on a later day than that says by
    how many days (``23:00-01:00+1``). ``dash`` is the face's dash (the app's is "–")."""
    days = (end.date() - start.date()).days
    if days == 1 and (end.hour, end.minute) == (0, 0):
        return f"{start:%H:%M}{dash}24:00"
    return f"{start:%H:%M}{dash}{end:%H:%M}" + (f"+{days}" if days else "")


# -- clock times ----------------------------------------------------------------------------

CLOCK_SPELLINGS = "19:00 or 7pm"
"""The spellings a clock-time message suggests."""

_CLOCK_RE = re.compile(r"^(\d{1,2})(?:\s*[:.h]\s*(\d{2}))?\s*(?:([ap])\.?\s*m\.?)?$", re.I)
_CLOCK_4_RE = re.compile(r"^(\d{2})(\d{2})$")


class ClockError(ValueError):
    """A clock time could not be read; the message says what to write instead."""


def parse_clock(text: str) -> time:
    """The time of day in ``text`` (see the module's grammar). Raises ClockError."""
    value = text.strip()
    if not value:
        raise ClockError(f"no time given; write {CLOCK_SPELLINGS}")
    match = _CLOCK_RE.match(value)
    meridiem = None
    if match is not None:
        meridiem = match[3]
    else:
        match = _CLOCK_4_RE.match(value)
    if match is None:
        raise ClockError(f"cannot read {value!r} as a time of day; write {CLOCK_SPELLINGS}")
    hour, minute = int(match[1]), int(match[2] or 0)
    if meridiem:
        if not 1 <= hour <= 12:
            raise ClockError(f"{value} is not a time; use 1 to 12 with am or pm")
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    if hour > 23 or minute > 59:
        raise ClockError(f"{value} is not a time of day (00:00 to 23:59); write {CLOCK_SPELLINGS}")
    return time(hour, minute)
