"""Availability and preferences: the settings file.

A plain YAML file (``locations.settings_path``: ``--settings FILE``, ``$PLANNER_SETTINGS``
or ``settings.yaml`` in the config folder). A missing file means the defaults; reading
never creates it. Every mistake is a ``SettingsError`` reading ``FILE:LINE: what is
wrong; what to write``. ``save_settings`` writes atomically and refuses to overwrite a
file that exists but cannot be read, so a hand-edited file with a typo is never lost.

Keys (all optional)::

    hours:        {mon: 1.5, ..., sun: 0}   study hours per weekday ("mon-fri: 1.5" works;
                                            weekdays not named get 0)
    start_times:  {mon: "19:00", ...}       when each day's study starts (others keep defaults)
    timezone:     Europe/Berlin             IANA name; null = the system's zone
    days_off:     [2026-12-24, {from: 2026-12-24, to: 2027-01-01, label: Holidays}]
    start_date:   2026-06-01                null = today
    hours_per_day: 8                        what "1 day" of estimate means
    unestimated_hours: 8                    hours for a topic without an estimate
    min_session:  30 min                    a bare number is minutes
    max_topic_hours_per_day: null           a bare number is hours
    break_minutes: 0                        between back-to-back sessions on one day
    basis:        topics                    or "stated"
    keys:         {toggle_done: d}          binding id -> key, for the app
    sync:         {service: caldav, url: ..., username: ..., password_command: ...,
                   calendar: Study plan, weeks: 4, reminder_minutes: 10}
                                            ``planner sync``; see ``SyncSettings``
    busy:         [calendar.ics, https://…]  calendars to keep clear of (.ics paths relative
                                            to this file, ~ allowed; http(s)/webcal URLs;
                                            sync)
    busy_all_day: true                      false: all-day events never block
    end_times:    {mon: "22:00", ...}       latest end of each day's study (default midnight)
    theme:        nord                      the app's theme (kept when chosen in the app)
    roadmap:      ~/study/roadmap.yaml      the roadmap file the app switched to last: used
                                            when no --roadmap or $PLANNER_ROADMAP is given
    tracks:       [{title: Portfolio project, hours: 3, from: web-frameworks-apis,
                    until: ..., days: [sat, sun]}]
                                            parallel tracks: weekly hours carved out first
                                            (see ``Track`` and ``planner.schedule_shape``)
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml

from planner import units
from planner.atomic import SETTINGS, FileError, FileKind, read_bytes, write_atomic
from planner.errors import PlannerError
from planner.textutil import BIDI_CONTROLS, bidi_control, closest, refused_yaml_char

try:  # the C composer is several times faster; fall back to the pure one
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_GROUPS = {
    "weekdays": (0, 1, 2, 3, 4),
    "weekend": (5, 6),
    "weekends": (5, 6),
    "daily": (0, 1, 2, 3, 4, 5, 6),
    "every day": (0, 1, 2, 3, 4, 5, 6),
}
MAX_DAY_HOURS = 24.0


class SettingsError(PlannerError):
    """The settings file or a settings value is invalid; the message says where and why."""


@dataclass(frozen=True)
class DayOff:
    start: date
    end: date  # inclusive; equal to start for a single day
    label: str | None = None


def _default_hours() -> dict[int, float]:
    return {0: 1.5, 1: 1.5, 2: 1.5, 3: 1.5, 4: 1.5, 5: 4.0, 6: 0.0}


def _default_times() -> dict[int, time]:
    return {d: time(19, 0) if d < 5 else time(9, 0) for d in range(7)}


SYNC_SERVICES = ("caldav", "google")


@dataclass(frozen=True)
class SyncSettings:
    """The ``sync:`` section: which calendar ``planner sync`` keeps equal to the plan.

    No password is ever kept here: it comes from ``password_command`` (a command whose
    output is the password), ``$PLANNER_SYNC_PASSWORD`` or the system keyring.
    """

    service: str = "caldav"
    """"caldav" or "google"."""
    url: str | None = None
    """CalDAV: the server's address (its root, or the user's principal)."""
    username: str | None = None
    password_command: str | None = None
    calendar: str = "Study plan"
    """The name of the planner's own calendar; created when missing."""
    weeks: int = 4
    """The horizon: the sessions of the next ``weeks`` weeks from today."""
    reminder_minutes: int | None = None
    """A reminder this many minutes before each session; None: no reminder."""
    client_file: str | None = None
    """Google: the learner's OAuth client file (JSON, type Desktop app), for the sign-in."""


@dataclass(frozen=True)
class Track:
    """One ``tracks:`` entry: ongoing work with a weekly share of the hours (the rules are
    in ``planner.schedule_shape``)."""

    title: str
    hours: float
    """Per week."""
    from_id: str | None = None
    from_date: date | None = None
    until_id: str | None = None
    until_date: date | None = None
    days: tuple[int, ...] = ()
    """Weekdays (Monday = 0); empty: every weekday with hours."""


@dataclass(frozen=True)
class Settings:
    weekly_hours: dict[int, float] = field(default_factory=_default_hours)
    """Study hours per weekday, Monday = 0."""
    start_times: dict[int, time] = field(default_factory=_default_times)
    timezone: str | None = None
    """IANA name; None means the system's zone (resolved by the caller)."""
    days_off: tuple[DayOff, ...] = ()
    start_date: date | None = None
    """None means today."""
    hours_per_day: float = 8.0
    unestimated_hours: float = 8.0
    min_session_hours: float = 0.5
    max_topic_hours_per_day: float | None = None
    break_minutes: int = 0
    basis: Literal["topics", "stated"] = "topics"
    keymap: dict[str, str] = field(default_factory=dict)
    """Binding id -> keys, for remapping the app's keys."""
    sync: SyncSettings | None = None
    """Where ``planner sync`` keeps the plan; None: sync is not set up."""
    busy: tuple[str, ...] = ()
    """Calendars to keep clear of, as written: .ics paths, URLs, or "sync"."""
    busy_all_day: bool = True
    """Whether an all-day event blocks its whole day."""
    end_times: dict[int, time] = field(default_factory=dict)
    """The latest end of each weekday's study (a weekday not in it: midnight)."""
    theme: str | None = None
    """The app's theme (a Textual theme name), as last chosen in the app; None: default."""
    roadmap: str | None = None
    """The roadmap file the app switched to last; None: the usual default."""
    tracks: tuple[Track, ...] = ()
    """Parallel tracks, carved out of each week's hours first."""

    def hours_on(self, weekday: int) -> float:
        return self.weekly_hours.get(weekday, 0.0)

    def start_on(self, weekday: int) -> time:
        clock = self.start_times.get(weekday)
        return clock if clock is not None else _default_times()[weekday]

    def end_minute(self, weekday: int) -> int:
        """Where the weekday's study window ends, in minutes from midnight (1440: midnight)."""
        clock = self.end_times.get(weekday)
        return 1440 if clock is None or clock == time(0, 0) else clock.hour * 60 + clock.minute


# -- checks shared by the file, the command line and code that builds Settings ----------


def check_settings(settings: Settings) -> None:
    """Raise ``SettingsError`` for values no plan can be made with (for Settings built in code)."""
    for day, hours in settings.weekly_hours.items():
        if day not in range(7):
            raise SettingsError(f"weekday number {day} is not 0 (Monday) to 6 (Sunday)")
        _check_day_hours(hours, WEEKDAYS[day])
    for day in settings.start_times:
        if day not in range(7):
            raise SettingsError(f"weekday number {day} is not 0 (Monday) to 6 (Sunday)")
    for day in range(7):
        problem = past_midnight(settings, day)
        if problem:
            raise SettingsError(problem)
    if settings.timezone is not None:
        zone(settings.timezone)
    for off in settings.days_off:
        if off.end < off.start:
            raise SettingsError(
                f"days off {off.start}..{off.end}: the end is before the start; swap them"
            )
    if not (math.isfinite(settings.hours_per_day) and settings.hours_per_day > 0):
        raise SettingsError(f"hours_per_day must be more than 0, not {settings.hours_per_day:g}")
    if not (math.isfinite(settings.unestimated_hours) and settings.unestimated_hours >= 0):
        raise SettingsError(
            f"unestimated_hours must be 0 or more, not {settings.unestimated_hours:g}"
        )
    minimum = settings.min_session_hours
    if not (math.isfinite(minimum) and 0 <= minimum <= MAX_DAY_HOURS):
        raise SettingsError(f"min_session must be 0 to 24 hours, not {minimum:g} h")
    cap = settings.max_topic_hours_per_day
    if cap is not None:
        if not (math.isfinite(cap) and 0 < cap <= MAX_DAY_HOURS):
            raise SettingsError(
                f"max_topic_hours_per_day must be more than 0 and at most 24, not {cap:g}"
            )
        if round(cap * 60) < round(minimum * 60):
            raise SettingsError(
                f"max_topic_hours_per_day ({cap:g} h) is shorter than min_session "
                f"({_minutes_text(minimum)}); raise the cap or lower min_session"
            )
    if not (0 <= settings.break_minutes <= 24 * 60):
        raise SettingsError(f"break_minutes must be 0 to 1440, not {settings.break_minutes}")
    if settings.basis not in ("topics", "stated"):
        raise SettingsError(f"basis must be 'topics' or 'stated', not {settings.basis!r}")


def past_midnight(settings: Settings, day: int) -> str | None:
    """Why a weekday's hours do not fit between its start time and midnight, if they do not.

    A study day ends at midnight, so a session never lands on the next (perhaps free) day.
    This counts a day of 24 hours; on a day the clocks go forward (23 hours) the plan
    gives only what fits before that day's real midnight (``planner.schedule``).
    """
    hours = settings.hours_on(day)
    start = settings.start_on(day)
    end = settings.end_minute(day)
    name = WEEKDAYS[day]
    if end < 1440:
        if round(hours * 60) <= end - (start.hour * 60 + start.minute):
            return None
        return (
            f"{name}: {hours:g} h from {start:%H:%M} do not fit before its end time "
            f"{end // 60:02d}:{end % 60:02d}; set a later end time, an earlier start time "
            "or fewer hours"
        )
    if round(hours * 60) <= 24 * 60 - (start.hour * 60 + start.minute):
        return None
    return (
        f"{name}: {hours:g} h from {start:%H:%M} runs past midnight; set an earlier start "
        f'time (start_times: {name}: "09:00") or fewer hours'
    )


def _check_day_hours(hours: float, day: str) -> None:
    if not (math.isfinite(hours) and 0 <= hours <= MAX_DAY_HOURS):
        raise SettingsError(f"{day}: study hours must be 0 to 24, not {hours:g}")


def zone(name: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name, or a SettingsError suggesting a close name."""
    try:
        if name.strip() != name or not name or name.startswith(("/", ".")):
            raise ValueError(name)
        return ZoneInfo(name)
    except (ValueError, OSError, KeyError):
        pass
    from zoneinfo import available_timezones

    near = closest(name, sorted(available_timezones()))
    hint = f"did you mean '{near}'?" if near else "write an IANA name such as 'Europe/Berlin'"
    raise SettingsError(f"unknown time zone {name!r}; {hint}")


def system_timezone(etc: Path = Path("/etc")) -> str:
    """The system's IANA zone name: $TZ; on Windows the registry's zone (tzlocal); elsewhere
    the ``/etc/localtime`` link, else ``/etc/timezone``, else a ``/etc/localtime`` file that
    holds UTC. With no zone configured at all (no ``/etc/localtime``) the system keeps UTC.

    Reads configuration, not the clock. ``etc`` is the folder to read (tests give their
    own). A ``SettingsError`` says to name a zone in the settings when the system has one
    that cannot be told by name, rather than planning in UTC unasked.
    """
    candidates: list[str] = []
    env = os.environ.get("TZ", "").strip().removeprefix(":")
    if env:
        candidates.append(env)
    windows = sys.platform == "win32"
    if windows:
        candidates.extend(_windows_zone())
    else:
        localtime = etc / "localtime"
        try:
            target = os.path.realpath(localtime)
            if "zoneinfo/" in target:
                candidates.append(target.split("zoneinfo/", 1)[1])
        except OSError:  # pragma: no cover - unusual systems
            pass
        with contextlib.suppress(OSError, UnicodeDecodeError):
            candidates.append((etc / "timezone").read_text(encoding="utf-8").strip())
    for name in candidates:
        if name.startswith("posix/") or name.startswith("right/"):
            name = name.split("/", 1)[1]
        try:
            ZoneInfo(name)
        except (ValueError, OSError, KeyError):
            continue
        return name
    if not windows:
        if not localtime.exists():
            return "UTC"  # no zone configured: the C library keeps UTC
        if _holds_utc(localtime):
            return "UTC"
    where = "Windows' time zone" if windows else f"the zone in {etc / 'localtime'}"
    raise SettingsError(
        f"cannot tell {where} by its IANA name; name it in the settings, "
        "e.g. 'timezone: Europe/Berlin' (or set TZ)"
    )


def _windows_zone() -> list[str]:
    """The IANA name of Windows' zone, read from the registry by tzlocal (none if unknown)."""
    import tzlocal

    try:
        name = tzlocal.get_localzone_name()
    except (LookupError, OSError, ValueError):  # the registry names no zone tzlocal knows
        return []
    return [name] if name else []


def _holds_utc(path: Path) -> bool:
    """Whether a zone file (an ``/etc/localtime`` copied rather than linked) is UTC."""
    try:
        with path.open("rb") as f:
            tz = ZoneInfo.from_file(f)
    except (OSError, ValueError):
        return False
    moments = (datetime(2001, 1, 15, 12, tzinfo=tz), datetime(2001, 7, 15, 12, tzinfo=tz))
    return all(m.utcoffset() == timedelta(0) and m.tzname() in ("UTC", "GMT") for m in moments)


def resolve_zone(settings: Settings) -> ZoneInfo:
    """The settings' zone, or the system's when none is set."""
    return zone(settings.timezone) if settings.timezone else ZoneInfo(system_timezone())


# -- small value parsers (also used by the command line's what-if options) ------------


def parse_duration(text: str, default_unit: Literal["hours", "minutes"]) -> float:
    """Hours in ``text``: "1.5", "90 min", "1.5 h", "1h30", "1:30"; a bare number is
    ``default_unit``. The one grammar of ``planner.units``; ValueError if not."""
    return units.parse_duration(text, default_unit)


def parse_weekdays(text: str) -> tuple[int, ...]:
    """Weekday numbers for "mon", "Monday", "mon-fri", "weekdays", "weekend"."""
    word = text.strip().lower()
    if word in _DAY_GROUPS:
        return _DAY_GROUPS[word]
    if "-" in word:
        first, _, last = word.partition("-")
        a, b = _weekday(first), _weekday(last)
        return tuple(range(a, b + 1)) if a <= b else (*range(a, 7), *range(0, b + 1))
    return (_weekday(word),)


def _weekday(word: str) -> int:
    word = word.strip().lower()
    if word in WEEKDAYS:
        return WEEKDAYS.index(word)
    if word in _FULL_DAYS:
        return _FULL_DAYS.index(word)
    for i, full in enumerate(_FULL_DAYS):
        if len(word) >= 2 and full.startswith(word):
            return i
    near = closest(word, WEEKDAYS + _FULL_DAYS)
    hint = f"did you mean '{near[:3]}'?" if near else "use mon, tue, wed, thu, fri, sat, sun"
    raise ValueError(f"unknown weekday {word!r}; {hint}")


def parse_clock(text: str) -> time:
    """A clock time in the one grammar of ``planner.units`` ("19:00", "7pm", "1930");
    ValueError (``units.ClockError``) if not."""
    return units.parse_clock(text)


def parse_date(text: str) -> date:
    """A date in the one grammar of ``planner.units`` ("2026-12-01", "1 Dec 2026"), the
    year written out; ValueError (``units.DateError``) if not."""
    return units.parse_date(text)


def parse_day_off(text: str, label: str | None = None) -> DayOff:
    """ "2026-12-24" or "2026-12-24..2027-01-01" (inclusive)."""
    first, sep, last = text.partition("..")
    if sep and not (first.strip() and last.strip()):
        raise ValueError(f"range {text!r} needs a first and a last day; write START..END")
    start = parse_date(first)
    end = parse_date(last) if sep else start
    if end < start:
        raise ValueError(f"range {text!r} ends before it starts; write START..END")
    return DayOff(start, end, label)


# -- reading the file -----------------------------------------------------------------

_KEYS = (
    "hours",
    "start_times",
    "timezone",
    "days_off",
    "start_date",
    "hours_per_day",
    "unestimated_hours",
    "min_session",
    "max_topic_hours_per_day",
    "break_minutes",
    "basis",
    "keys",
    "sync",
    "busy",
    "busy_all_day",
    "end_times",
    "theme",
    "roadmap",
    "tracks",
)
_ALIASES = {"keymap": "keys", "min_session_minutes": "min_session", "weekly_hours": "hours"}
_CORE = "tag:yaml.org,2002:"


class _Bad(Exception):
    def __init__(self, node: yaml.Node | None, message: str) -> None:
        super().__init__(message)
        self.node = node


def _move_aside(path: Path) -> str:
    return f"fix it, or move it aside to use the defaults (mv '{path}' '{path}.bak')"


def load_settings(path: Path, kind: FileKind = SETTINGS) -> Settings:
    """Defaults when the file does not exist; SettingsError when it cannot be used.
    ``kind``: how messages say to pick another file (``locations.file_kind``)."""
    try:
        raw = read_bytes(path, kind)
    except FileNotFoundError:
        return Settings()
    except FileError as exc:  # a folder, a device, a pipe; too large
        raise SettingsError(str(exc)) from None
    except OSError as exc:
        raise SettingsError(
            f"cannot read settings file {path} ({exc.strerror or exc}); check its permissions"
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SettingsError(
            f"{path}: not UTF-8 text (byte {exc.start}); {_move_aside(path)}"
        ) from None
    return parse_settings(text, str(path))


def parse_settings(text: str, name: str = "settings.yaml") -> Settings:
    """Settings from YAML text; ``name`` is used in messages."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or "not valid YAML"
        raise SettingsError(
            f"{name}:{line}: {problem} (not valid YAML); check the indentation and quoting there"
        ) from None
    except yaml.YAMLError as exc:
        bad = refused_yaml_char(text)
        if bad is not None:
            line, column, char = bad
            raise SettingsError(
                f"{name}:{line}: control character {char} at column {column} is not allowed "
                "in a YAML file; remove it"
            ) from None
        raise SettingsError(f"{name}: not valid YAML ({' '.join(str(exc).split())})") from None
    bidi = bidi_control(text)
    if bidi is not None:
        line, column, char = bidi
        raise SettingsError(
            f"{name}:{line}: control character {char} at column {column} is not allowed: "
            "it can reorder the text shown after it; remove it"
        )
    try:
        return _settings_from(root)
    except _Bad as bad:
        line = bad.node.start_mark.line + 1 if bad.node is not None else 1
        raise SettingsError(f"{name}:{line}: {bad}") from None


def _scalar(node: yaml.Node, what: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise _Bad(node, f"{what} must be a single value, not a list or mapping")
    return str(node.value)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _CORE + "null"


def _entries(node: yaml.Node, what: str) -> list[tuple[yaml.Node, str, yaml.Node]]:
    if _is_null(node):
        return []
    if not isinstance(node, yaml.MappingNode):
        raise _Bad(node, f"{what} must be a mapping (key: value on separate lines)")
    out: list[tuple[yaml.Node, str, yaml.Node]] = []
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Bad(key_node, f"keys in {what} must be plain words")
        out.append((key_node, str(key_node.value), value_node))
    return out


def _number(node: yaml.Node, what: str, unit: Literal["hours", "minutes"]) -> float:
    text = _scalar(node, what)
    if node.tag == _CORE + "bool":
        raise _Bad(node, f"{what}: {text!r} is not a number; write e.g. 1.5")
    try:
        value = parse_duration(text, unit)
    except ValueError as exc:
        raise _Bad(node, f"{what}: {exc}") from None
    return value


def _settings_from(root: yaml.Node | None) -> Settings:
    if root is None or _is_null(root):
        return Settings()
    fields: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, key, value_node in _entries(root, "the settings file"):
        canonical = _ALIASES.get(key, key)
        if canonical not in _KEYS:
            near = closest(key, _KEYS)
            hint = f"did you mean '{near}'?" if near else f"valid keys: {', '.join(_KEYS)}"
            raise _Bad(key_node, f"unknown setting '{key}'; {hint}")
        if canonical in fields:
            raise _Bad(key_node, f"setting '{canonical}' appears twice; keep one")
        fields[canonical] = (key_node, value_node)

    kwargs: dict[str, Any] = {}
    for key, (_, node) in fields.items():
        reader = _READERS[key]
        kwargs.update(reader(node))
    settings = Settings(**kwargs)
    for day in range(7):
        problem = past_midnight(settings, day)
        if problem:
            found = fields.get("hours", fields.get("start_times", fields.get("end_times")))
            raise _Bad(found[1] if found else root, problem)
    # cross-field checks, reported at the later of the two settings
    cap = settings.max_topic_hours_per_day
    if cap is not None and round(cap * 60) < round(settings.min_session_hours * 60):
        raise _Bad(
            fields["max_topic_hours_per_day"][1],
            f"max_topic_hours_per_day ({cap:g} h) is shorter than min_session "
            f"({_minutes_text(settings.min_session_hours)}); raise the cap or lower min_session",
        )
    return settings


def _read_hours(node: yaml.Node) -> dict[str, Any]:
    hours = dict.fromkeys(range(7), 0.0)
    seen: set[int] = set()
    for key_node, key, value_node in _entries(node, "hours"):
        try:
            days = parse_weekdays(key)
        except ValueError as exc:
            raise _Bad(key_node, f"hours: {exc}") from None
        value = 0.0 if _is_null(value_node) else _number(value_node, f"hours {key}", "hours")
        if not 0 <= value <= MAX_DAY_HOURS:
            raise _Bad(value_node, f"hours {key}: {value:g} is not 0 to 24 hours a day")
        for day in days:
            if day in seen:
                raise _Bad(key_node, f"hours: {WEEKDAYS[day]} is given twice; keep one")
            seen.add(day)
            hours[day] = value
    return {"weekly_hours": hours}


def _read_start_times(node: yaml.Node) -> dict[str, Any]:
    times = _default_times()
    seen: set[int] = set()
    for key_node, key, value_node in _entries(node, "start_times"):
        try:
            days = parse_weekdays(key)
        except ValueError as exc:
            raise _Bad(key_node, f"start_times: {exc}") from None
        text = _scalar(value_node, f"start_times {key}")
        if value_node.tag == _CORE + "int" and ":" not in text:
            raise _Bad(value_node, f'start_times {key}: {text!r} is not a time; write "19:00"')
        try:
            clock = parse_clock(text)
        except ValueError as exc:
            raise _Bad(value_node, f"start_times {key}: {exc}") from None
        for day in days:
            if day in seen:
                raise _Bad(key_node, f"start_times: {WEEKDAYS[day]} is given twice; keep one")
            seen.add(day)
            times[day] = clock
    return {"start_times": times}


def _read_timezone(node: yaml.Node) -> dict[str, Any]:
    if _is_null(node):
        return {"timezone": None}
    name = _scalar(node, "timezone").strip()
    try:
        zone(name)
    except SettingsError as exc:
        raise _Bad(node, f"timezone: {exc}") from None
    return {"timezone": name}


def _date_of(node: yaml.Node, what: str) -> date:
    try:
        return parse_date(_scalar(node, what))
    except ValueError as exc:
        raise _Bad(node, f"{what}: {exc}") from None


def _read_days_off(node: yaml.Node) -> dict[str, Any]:
    if _is_null(node):
        return {"days_off": ()}
    if not isinstance(node, yaml.SequenceNode):
        raise _Bad(
            node,
            "days_off must be a list: one '- 2026-12-24' or "
            "'- {from: 2026-12-24, to: 2027-01-01, label: Holidays}' per line",
        )
    out: list[DayOff] = []
    for item in node.value:
        if isinstance(item, yaml.ScalarNode):
            try:
                out.append(parse_day_off(str(item.value)))
            except ValueError as exc:
                raise _Bad(item, f"days_off: {exc}") from None
            continue
        fields = {key: (k, v) for k, key, v in _entries(item, "a day off")}
        for key, (key_node, _) in fields.items():
            if key not in ("from", "to", "date", "label"):
                near = closest(key, ("from", "to", "date", "label"))
                hint = f"did you mean '{near}'?" if near else "use from, to, date and label"
                raise _Bad(key_node, f"days_off: unknown key '{key}'; {hint}")
        label = None
        if "label" in fields and not _is_null(fields["label"][1]):
            label = _scalar(fields["label"][1], "days_off label")
        if "date" in fields:
            if "from" in fields or "to" in fields:
                raise _Bad(item, "days_off: give either 'date' or 'from'/'to', not both")
            day = _date_of(fields["date"][1], "days_off date")
            out.append(DayOff(day, day, label))
            continue
        if "from" not in fields:
            raise _Bad(item, "days_off: a range needs 'from' (and 'to'), or write 'date'")
        start = _date_of(fields["from"][1], "days_off from")
        end = _date_of(fields["to"][1], "days_off to") if "to" in fields else start
        if end < start:
            raise _Bad(fields["to"][1], f"days_off: 'to' {end} is before 'from' {start}; swap them")
        out.append(DayOff(start, end, label))
    return {"days_off": tuple(out)}


def _read_start_date(node: yaml.Node) -> dict[str, Any]:
    return {"start_date": None if _is_null(node) else _date_of(node, "start_date")}


def _positive(key: str, attr: str, allow_zero: bool) -> Callable[[yaml.Node], dict[str, Any]]:
    def read(node: yaml.Node) -> dict[str, Any]:
        value = _number(node, key, "hours")
        if value < 0 or (value == 0 and not allow_zero) or not math.isfinite(value):
            least = "0 or more" if allow_zero else "more than 0"
            raise _Bad(node, f"{key} must be {least} hours, not {value:g}")
        return {attr: value}

    return read


def _read_min_session(node: yaml.Node) -> dict[str, Any]:
    value = 0.0 if _is_null(node) else _number(node, "min_session", "minutes")
    if not 0 <= value <= MAX_DAY_HOURS:
        raise _Bad(node, f"min_session must be 0 to 24 hours, not {_minutes_text(value)}")
    return {"min_session_hours": value}


def _read_cap(node: yaml.Node) -> dict[str, Any]:
    if _is_null(node):
        return {"max_topic_hours_per_day": None}
    value = _number(node, "max_topic_hours_per_day", "hours")
    if not 0 < value <= MAX_DAY_HOURS:
        raise _Bad(
            node,
            f"max_topic_hours_per_day must be more than 0 and at most 24, not {value:g}; "
            "write null for no cap",
        )
    return {"max_topic_hours_per_day": value}


def _read_break(node: yaml.Node) -> dict[str, Any]:
    if _is_null(node):
        return {"break_minutes": 0}
    minutes = _number(node, "break_minutes", "minutes") * 60
    if not 0 <= minutes <= 24 * 60 or abs(minutes - round(minutes)) > 1e-6:
        raise _Bad(node, f"break_minutes must be whole minutes from 0 to 1440, not {minutes:g}")
    return {"break_minutes": round(minutes)}


def _read_basis(node: yaml.Node) -> dict[str, Any]:
    word = _scalar(node, "basis").strip().lower()
    if word not in ("topics", "stated"):
        raise _Bad(
            node,
            f"basis must be 'topics' (the topic estimates) or 'stated' (the modules' "
            f"stated estimates), not {word!r}",
        )
    return {"basis": word}


def _read_keys(node: yaml.Node) -> dict[str, Any]:
    keymap: dict[str, str] = {}
    for key_node, key, value_node in _entries(node, "keys"):
        if key in keymap:
            raise _Bad(key_node, f"keys: '{key}' is given twice; keep one")
        if _is_null(value_node):
            raise _Bad(value_node, f"keys {key}: give a key such as 'd' or 'ctrl+d'")
        keymap[key] = _scalar(value_node, f"keys {key}")
    return {"keymap": keymap}


_SYNC_KEYS = (
    "service",
    "url",
    "username",
    "password_command",
    "calendar",
    "weeks",
    "reminder_minutes",
    "client_file",
)


def _optional_text(node: yaml.Node, what: str) -> str | None:
    """A plain text setting, or None (null)."""
    if _is_null(node):
        return None
    text = _scalar(node, what).strip()
    return text or None


def _read_sync(node: yaml.Node) -> SyncSettings | None:
    if _is_null(node):
        return None
    if not isinstance(node, yaml.MappingNode):
        raise _Bad(node, "sync must be a mapping (service: caldav, url: ..., on separate lines)")
    values: dict[str, Any] = {}
    for key_node, key, value_node in _entries(node, "sync"):
        if key in ("password", "pass", "secret"):
            raise _Bad(
                key_node,
                f"sync: '{key}' is never kept in the settings file; remove it and set "
                "password_command (e.g. 'pass show dav') or $PLANNER_SYNC_PASSWORD",
            )
        if key not in _SYNC_KEYS:
            near = closest(key, _SYNC_KEYS)
            hint = f"did you mean '{near}'?" if near else f"valid keys: {', '.join(_SYNC_KEYS)}"
            raise _Bad(key_node, f"unknown sync setting '{key}'; {hint}")
        if key in values:
            raise _Bad(key_node, f"sync: '{key}' appears twice; keep one")
        if key in ("weeks", "reminder_minutes"):
            if key == "reminder_minutes" and _is_null(value_node):
                values[key] = None
                continue
            text = _scalar(value_node, f"sync {key}").strip()
            least = 1 if key == "weeks" else 0
            if not text.isdigit() or int(text) < least or int(text) > 10_000:
                what = "weeks, 1 or more" if key == "weeks" else "minutes, 0 or more, or null"
                raise _Bad(value_node, f"sync {key} must be a whole number of {what}, not {text!r}")
            values[key] = int(text)
            continue
        if _is_null(value_node):
            values[key] = None
            continue
        text = _scalar(value_node, f"sync {key}").strip()
        if key == "service" and text not in SYNC_SERVICES:
            raise _Bad(value_node, f"sync service must be caldav or google, not {text!r}")
        if key == "calendar" and not text:
            raise _Bad(value_node, "sync calendar: give the calendar a name, e.g. Study plan")
        values[key] = text
    sync = SyncSettings(**values)
    if sync.service == "caldav" and (not sync.url or not sync.username):
        missing = "url" if not sync.url else "username"
        raise _Bad(node, f"sync: the caldav service needs a {missing}; add '{missing}: ...'")
    return sync


def _read_busy(node: yaml.Node) -> dict[str, Any]:
    if _is_null(node):
        return {"busy": ()}
    if isinstance(node, yaml.ScalarNode):
        items = [node]
    elif isinstance(node, yaml.SequenceNode):
        items = list(node.value)
    else:
        raise _Bad(node, "busy must be a list: one '- calendar.ics', URL or 'sync' per line")
    out: list[str] = []
    for item in items:
        text = _scalar(item, "busy").strip()
        if not text:
            raise _Bad(item, "busy: an empty entry; give a .ics path, a URL or 'sync'")
        out.append(text)
    return {"busy": tuple(out)}


def _read_busy_all_day(node: yaml.Node) -> dict[str, Any]:
    if node.tag != _CORE + "bool":
        raise _Bad(node, "busy_all_day must be true (all-day events block) or false")
    return {"busy_all_day": _scalar(node, "busy_all_day").strip().lower() in ("true", "yes", "on")}


def _read_end_times(node: yaml.Node) -> dict[str, Any]:
    times: dict[int, time] = {}
    for key_node, key, value_node in _entries(node, "end_times"):
        try:
            days = parse_weekdays(key)
        except ValueError as exc:
            raise _Bad(key_node, f"end_times: {exc}") from None
        text = _scalar(value_node, f"end_times {key}")
        if value_node.tag == _CORE + "int" and ":" not in text:
            raise _Bad(value_node, f'end_times {key}: {text!r} is not a time; write "22:00"')
        if text.strip() in ("24:00", "24"):
            clock = time(0, 0)
        else:
            try:
                clock = parse_clock(text)
            except ValueError as exc:
                raise _Bad(value_node, f"end_times {key}: {exc}") from None
        for day in days:
            if day in times:
                raise _Bad(key_node, f"end_times: {WEEKDAYS[day]} is given twice; keep one")
            times[day] = clock
    return {"end_times": times}


_TRACK_KEYS = ("title", "hours", "from", "until", "days")


def _read_tracks(node: yaml.Node) -> tuple[Track, ...]:
    if _is_null(node):
        return ()
    if not isinstance(node, yaml.SequenceNode):
        raise _Bad(node, "tracks must be a list: '- {title: Portfolio project, hours: 3}' per line")
    out: list[Track] = []
    for item in node.value:
        fields = {key: (k, v) for k, key, v in _entries(item, "a track")}
        for key, (key_node, _) in fields.items():
            if key not in _TRACK_KEYS:
                near = closest(key, _TRACK_KEYS)
                hint = f"did you mean '{near}'?" if near else f"use {', '.join(_TRACK_KEYS)}"
                raise _Bad(key_node, f"tracks: unknown key '{key}'; {hint}")
        if "title" not in fields or _is_null(fields["title"][1]):
            raise _Bad(item, "tracks: a track needs a title")
        title = _scalar(fields["title"][1], "tracks title").strip()
        if any(t.title == title for t in out):
            raise _Bad(fields["title"][1], f"tracks: '{title}' is given twice; keep one")
        if "hours" not in fields:
            raise _Bad(item, f"tracks {title}: give its hours per week (hours: 3)")
        hours = _number(fields["hours"][1], f"tracks {title} hours", "hours")
        if not (math.isfinite(hours) and 0 < hours <= 7 * MAX_DAY_HOURS):
            raise _Bad(fields["hours"][1], f"tracks {title}: hours must be more than 0 a week")
        bounds: dict[str, Any] = {}
        for key in ("from", "until"):
            if key in fields and not _is_null(fields[key][1]):
                value_node = fields[key][1]
                text = _scalar(value_node, f"tracks {title} {key}").strip()
                try:
                    bounds[f"{key}_date"] = parse_date(text)
                except ValueError:
                    bounds[f"{key}_id"] = text
        days: list[int] = []
        if "days" in fields and not _is_null(fields["days"][1]):
            days_node = fields["days"][1]
            words = (
                [str(v.value) for v in days_node.value]
                if isinstance(days_node, yaml.SequenceNode)
                else [_scalar(days_node, f"tracks {title} days")]
            )
            for word in words:
                try:
                    days.extend(parse_weekdays(word))
                except ValueError as exc:
                    raise _Bad(days_node, f"tracks {title} days: {exc}") from None
        out.append(Track(title, hours, days=tuple(sorted(set(days))), **bounds))
    return tuple(out)


_READERS: dict[str, Callable[[yaml.Node], dict[str, Any]]] = {
    "hours": _read_hours,
    "start_times": _read_start_times,
    "timezone": _read_timezone,
    "days_off": _read_days_off,
    "start_date": _read_start_date,
    "hours_per_day": _positive("hours_per_day", "hours_per_day", allow_zero=False),
    "unestimated_hours": _positive("unestimated_hours", "unestimated_hours", allow_zero=True),
    "min_session": _read_min_session,
    "max_topic_hours_per_day": _read_cap,
    "break_minutes": _read_break,
    "basis": _read_basis,
    "keys": _read_keys,
    "sync": lambda node: {"sync": _read_sync(node)},
    "busy": _read_busy,
    "busy_all_day": _read_busy_all_day,
    "end_times": _read_end_times,
    "theme": lambda node: {"theme": _optional_text(node, "theme")},
    "roadmap": lambda node: {"roadmap": _optional_text(node, "roadmap")},
    "tracks": lambda node: {"tracks": _read_tracks(node)},
}


# -- writing the file -------------------------------------------------------------------


def _num(value: float) -> str:
    """A number YAML reads back exactly."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def _minutes_text(hours: float) -> str:
    minutes = hours * 60
    if abs(minutes - round(minutes)) < 1e-9:
        return f"{round(minutes)} min"
    return f"{hours:g} h"


def _duration_field(hours: float) -> str:
    """min_session as "30 min" when that reads back exactly, else in hours."""
    minutes = round(hours * 60)
    if minutes / 60 == hours:
        return f"{minutes} min"
    return f"{_num(hours)} h"


_BIDI_WRITTEN = re.compile(f"[{BIDI_CONTROLS}]")


def _str(text: str) -> str:
    """A double-quoted YAML scalar that reads back as ``text`` (control characters escaped,
    the bidi controls too, which YAML would write as themselves and the loader refuses)."""
    dumped: str = yaml.dump(
        text, Dumper=yaml.SafeDumper, default_style='"', allow_unicode=True, width=math.inf
    )
    return _BIDI_WRITTEN.sub(lambda m: f"\\u{ord(m.group()):04X}", dumped.rstrip("\n"))


def dump_settings(settings: Settings) -> str:
    """The settings as commented YAML that ``parse_settings`` reads back equal."""
    s = settings
    lines = [
        '# Settings for `planner` (see its README, section "Settings"). Plain YAML: edit freely.',
        "",
        "# Study hours per weekday (0 = no study that day).",
        "hours:",
        *(f"  {WEEKDAYS[d]}: {_num(s.hours_on(d))}" for d in range(7)),
        "",
        "# When each day's study starts, 24-hour clock, local time.",
        "start_times:",
        *(f'  {WEEKDAYS[d]}: "{s.start_on(d):%H:%M}"' for d in range(7)),
        "",
        "# IANA time zone such as Europe/Berlin; null = the system's zone.",
        f"timezone: {_str(s.timezone) if s.timezone else 'null'}",
        "",
        "# Dates with no study: a date, or {from: DATE, to: DATE, label: TEXT}.",
    ]
    if s.days_off:
        lines.append("days_off:")
        for off in s.days_off:
            label = f", label: {_str(off.label)}" if off.label is not None else ""
            if off.start == off.end:
                lines.append(
                    f"  - {{date: {off.start.isoformat()}{label}}}"
                    if label
                    else f"  - {off.start.isoformat()}"
                )
            else:
                lines.append(
                    f"  - {{from: {off.start.isoformat()}, to: {off.end.isoformat()}{label}}}"
                )
    else:
        lines.append("days_off: []")
    cap = s.max_topic_hours_per_day
    lines += [
        "",
        "# First day of the plan; null = today.",
        f"start_date: {s.start_date.isoformat() if s.start_date else 'null'}",
        "",
        '# Hours in "1 day" of a topic estimate (a week is 5 such days).',
        f"hours_per_day: {_num(s.hours_per_day)}",
        "# Hours counted for a topic that has no estimate.",
        f"unestimated_hours: {_num(s.unestimated_hours)}",
        "",
        "# No session shorter than this, except the last bit of a topic.",
        f"min_session: {_duration_field(s.min_session_hours)}",
        "# At most this many hours of one topic a day (null = no cap).",
        f"max_topic_hours_per_day: {_num(cap) if cap is not None else 'null'}",
        "# Minutes between back-to-back sessions on one day.",
        f"break_minutes: {s.break_minutes}",
        "",
        "# topics = plan with the topic estimates; stated = scale each module's topics",
        "# to the module's stated estimate.",
        f"basis: {s.basis}",
        "",
        "# Key remapping for the app: binding id -> key.",
    ]
    if s.keymap:
        lines.append("keys:")
        lines += [f"  {_str(k)}: {_str(v)}" for k, v in s.keymap.items()]
    else:
        lines.append("keys: {}")
    if s.theme is not None or s.roadmap is not None:
        lines += ["", "# Remembered by the app: its theme, the roadmap file it switched to last."]
        if s.theme is not None:
            lines.append(f"theme: {_str(s.theme)}")
        if s.roadmap is not None:
            lines.append(f"roadmap: {_str(s.roadmap)}")
    lines += _dump_sync(s.sync)
    lines += [
        "",
        "# Calendars to keep clear of: .ics paths (relative to this file), http(s) or",
        "# webcal URLs, or sync.",
    ]
    if s.busy:
        lines.append("busy:")
        lines += [f"  - {_str(entry)}" for entry in s.busy]
    else:
        lines.append("busy: []")
    lines.append("# false: all-day events never block study time.")
    lines.append(f"busy_all_day: {'true' if s.busy_all_day else 'false'}")
    if s.end_times:
        lines.append("# The latest end of each day's study (others: midnight).")
        lines.append("end_times:")
        lines += [
            f'  {WEEKDAYS[d]}: "{"24:00" if c == time(0, 0) else f"{c:%H:%M}"}"'
            for d, c in sorted(s.end_times.items())
        ]
    lines += _dump_tracks(s.tracks)
    return "\n".join(lines) + "\n"


def _dump_tracks(tracks: tuple[Track, ...]) -> list[str]:
    """The tracks section, a track a line (nothing when there are none)."""
    if not tracks:
        return []
    lines = [
        "",
        "# Parallel tracks: weekly hours carved out of each week first (README).",
        "tracks:",
    ]
    for t in tracks:
        parts = [f"title: {_str(t.title)}", f"hours: {_num(t.hours)}"]
        for key, item_id, day in (
            ("from", t.from_id, t.from_date),
            ("until", t.until_id, t.until_date),
        ):
            if day is not None:
                parts.append(f"{key}: {day.isoformat()}")
            elif item_id is not None:
                parts.append(f"{key}: {_str(item_id)}")
        if t.days:
            parts.append(f"days: [{', '.join(WEEKDAYS[d] for d in t.days)}]")
        lines.append(f"  - {{{', '.join(parts)}}}")
    return lines


def _dump_sync(sync: SyncSettings | None) -> list[str]:
    """The sync section (nothing when sync is not set up); never a password."""
    if sync is None:
        return []

    def opt(text: str | None) -> str:
        return _str(text) if text is not None else "null"

    reminder = sync.reminder_minutes
    return [
        "",
        "# planner sync: the calendar kept equal to the plan (see the README, 'Sync').",
        "sync:",
        f"  service: {sync.service}",
        f"  url: {opt(sync.url)}",
        f"  username: {opt(sync.username)}",
        f"  password_command: {opt(sync.password_command)}",
        f"  calendar: {_str(sync.calendar)}",
        f"  weeks: {sync.weeks}",
        f"  reminder_minutes: {reminder if reminder is not None else 'null'}",
    ]


def save_settings(path: Path, settings: Settings) -> None:
    """Write atomically (planner.atomic.write_atomic), through a symbolic link.

    Refuses (SettingsError) to replace a file that exists but cannot be read, so a
    hand-edited file with a mistake is never lost, and a file planner.atomic refuses
    (read-only, hard-linked, not a regular file).
    """
    check_settings(settings)
    if path.exists() or path.is_symlink():
        try:
            load_settings(path)
        except SettingsError as exc:
            raise SettingsError(
                f"not saving over a settings file that cannot be read: {exc}"
            ) from None
    try:
        write_atomic(path, dump_settings(settings), SETTINGS)
    except FileError as exc:
        raise SettingsError(str(exc)) from None
