"""The settings file: defaults, every key's forms, FILE:LINE errors, safe atomic saves."""

from __future__ import annotations

import os
from datetime import date, time
from pathlib import Path

import pytest

from planner import locations
from planner.settings import (
    DayOff,
    Settings,
    SettingsError,
    check_settings,
    dump_settings,
    load_settings,
    parse_duration,
    parse_settings,
    parse_weekdays,
    resolve_zone,
    save_settings,
    system_timezone,
)

FULL = Settings(
    weekly_hours={0: 2.0, 1: 1.5, 2: 0.0, 3: 1.25, 4: 1.0, 5: 5.0, 6: 0.5},
    start_times={d: time(18, 30) if d < 5 else time(8, 15) for d in range(7)},
    timezone="America/New_York",
    days_off=(
        DayOff(date(2026, 12, 24), date(2026, 12, 24)),
        DayOff(date(2026, 12, 25), date(2027, 1, 1), 'Holidays: "home" # not a comment'),
        DayOff(date(2027, 2, 1), date(2027, 2, 1), "Dentist"),
    ),
    start_date=date(2026, 6, 1),
    hours_per_day=6.0,
    unestimated_hours=0.0,
    min_session_hours=0.75,
    max_topic_hours_per_day=2.5,
    break_minutes=10,
    basis="stated",
    keymap={"toggle_done": "d", "quit": "ctrl+q"},
)


def test_missing_file_means_defaults_and_creates_nothing(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.yaml"
    assert load_settings(path) == Settings()
    assert not path.exists() and not path.parent.exists()


def test_default_location_is_in_the_config_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    assert locations.settings_path().name == "settings.yaml"
    monkeypatch.setenv("PLANNER_SETTINGS", "/x/s.yaml")
    assert locations.settings_path() == Path("/x/s.yaml")


@pytest.mark.parametrize("text", ["", "# only a comment\n", "~\n"])
def test_empty_file_means_defaults(text: str) -> None:
    assert parse_settings(text) == Settings()


def test_save_then_load_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    for settings in (Settings(), FULL):
        save_settings(path, settings)
        assert load_settings(path) == settings


def test_saved_file_is_commented_yaml(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    save_settings(path, FULL)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Settings for `planner`")
    assert 'mon: "18:30"' in text and "min_session: 45 min" in text
    assert "- 2026-12-24\n" in text and "{from: 2026-12-25, to: 2027-01-01, label: " in text
    assert not list(tmp_path.glob(".*.tmp"))  # the temp file of the atomic write is gone


def test_every_form_of_the_keys() -> None:
    s = parse_settings(
        "hours:\n"
        "  mon-fri: 1h30\n"
        "  Saturday: 240 min\n"
        "start_times:\n"
        "  weekdays: 19:30\n"  # unquoted: YAML 1.1 would read a base-60 integer
        "  sun: '7:05'\n"
        "timezone: Europe/Berlin\n"
        "days_off:\n"
        "  - 2026-12-24\n"
        "  - 2026-12-27..2026-12-29\n"
        "  - {date: 2027-01-06, label: Epiphany}\n"
        "  - {from: 2027-02-01, to: 2027-02-03}\n"
        "start_date: 2026-06-01\n"
        "min_session: 45\n"
        "max_topic_hours_per_day: 2\n"
        "break_minutes: 10 min\n"
        "basis: Stated\n"
        "keymap: {toggle_done: d}\n"
    )
    assert s.weekly_hours == {0: 1.5, 1: 1.5, 2: 1.5, 3: 1.5, 4: 1.5, 5: 4.0, 6: 0.0}
    assert s.start_times[0] == time(19, 30) and s.start_times[6] == time(7, 5)
    assert s.start_times[5] == time(9, 0)  # not named: the default
    assert s.timezone == "Europe/Berlin"
    assert s.days_off == (
        DayOff(date(2026, 12, 24), date(2026, 12, 24)),
        DayOff(date(2026, 12, 27), date(2026, 12, 29)),
        DayOff(date(2027, 1, 6), date(2027, 1, 6), "Epiphany"),
        DayOff(date(2027, 2, 1), date(2027, 2, 3)),
    )
    assert s.start_date == date(2026, 6, 1)
    assert s.min_session_hours == 0.75 and s.max_topic_hours_per_day == 2.0
    assert s.break_minutes == 10 and s.basis == "stated" and s.keymap == {"toggle_done": "d"}


BAD = [
    ("hourz: 1\n", "s.yaml:1: unknown setting 'hourz'; did you mean 'hours'?"),
    ("hours: 3\n", "s.yaml:1: hours must be a mapping"),
    ("hours:\n  mon: 2\n  funday: 1\n", "s.yaml:3: hours: unknown weekday 'funday'"),
    ("hours:\n  mon: 25\n", "s.yaml:2: hours mon: 25 is not 0 to 24 hours a day"),
    ("hours:\n  mon: lots\n", "s.yaml:2: hours mon: cannot read 'lots' as a duration"),
    ("hours:\n  mon-wed: 1\n  tue: 2\n", "s.yaml:3: hours: tue is given twice; keep one"),
    ("hours:\n  mon: yes\n", "s.yaml:2: hours mon: 'yes' is not a number"),
    ("start_times:\n  mon: 25:00\n", "s.yaml:2: start_times mon: 25:00 is not a time of day"),
    ("start_times:\n  mon: 7\n", "s.yaml:2: start_times mon: '7' is not a time"),
    (
        "timezone: Europe/Berln\n",
        "s.yaml:1: timezone: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?",
    ),
    ("days_off: 2026-12-24\n", "s.yaml:1: days_off must be a list"),
    ("days_off:\n  - 2026-02-30\n", "s.yaml:2: days_off: cannot read '2026-02-30' as a date"),
    (
        "days_off:\n  - 2026-05-02..2026-05-01\n",
        "s.yaml:2: days_off: range '2026-05-02..2026-05-01' ends before it starts",
    ),
    (
        "days_off:\n  - {from: 2026-05-02,\n     to: 2026-05-01}\n",
        "s.yaml:3: days_off: 'to' 2026-05-01 is before 'from' 2026-05-02; swap them",
    ),
    (
        "days_off:\n  - {form: 2026-05-02}\n",
        "s.yaml:2: days_off: unknown key 'form'; did you mean 'from'?",
    ),
    ("days_off:\n  - {label: x}\n", "s.yaml:2: days_off: a range needs 'from'"),
    (
        "start_date: tomorrow\n",
        "s.yaml:1: start_date: cannot read 'tomorrow' as a date; write 2026-12-01 or 1 Dec 2026",
    ),
    ("hours_per_day: 0\n", "s.yaml:1: hours_per_day must be more than 0 hours, not 0"),
    ("unestimated_hours: -1\n", "s.yaml:1: unestimated_hours must be 0 or more hours, not -1"),
    ("min_session: 30 parsecs\n", "s.yaml:1: min_session: unknown unit 'parsecs'"),
    ("max_topic_hours_per_day: 0\n", "s.yaml:1: max_topic_hours_per_day must be more than 0"),
    (
        "min_session: 60\nmax_topic_hours_per_day: 0.5\n",
        "s.yaml:2: max_topic_hours_per_day (0.5 h) is shorter than min_session (60 min)",
    ),
    ("break_minutes: 2.5\n", "s.yaml:1: break_minutes must be whole minutes"),
    ("basis: vibes\n", "s.yaml:1: basis must be 'topics' (the topic estimates) or 'stated'"),
    ("keys:\n  quit:\n", "s.yaml:2: keys quit: give a key"),
    (
        "hours:\n  mon: 6\n",
        "s.yaml:2: mon: 6 h from 19:00 runs past midnight; set an earlier start time "
        '(start_times: mon: "09:00") or fewer hours',
    ),
    ("hours: 1\nhours: 2\n", "s.yaml:2: setting 'hours' appears twice; keep one"),
    ("hours: [1\n", "s.yaml:2: did not find expected ',' or ']' (not valid YAML)"),
    ("- 1\n- 2\n", "s.yaml:1: the settings file must be a mapping"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m.split(": ", 1)[1][:40] for _, m in BAD])
def test_mistakes_are_reported_with_file_and_line(text: str, message: str) -> None:
    with pytest.raises(SettingsError) as info:
        parse_settings(text, "s.yaml")
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_unreadable_files(tmp_path: Path) -> None:
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"hours: \xff\n")
    with pytest.raises(SettingsError, match="not UTF-8 text"):
        load_settings(binary)
    with pytest.raises(SettingsError, match="is a folder"):
        load_settings(tmp_path)


def test_save_never_overwrites_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    text = "hours:\n  mon: 2\n  tusday: 1  # my own notes\n"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError, match="not saving over a settings file"):
        save_settings(path, Settings())
    assert path.read_text(encoding="utf-8") == text


def test_save_refuses_settings_no_plan_can_use(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    with pytest.raises(SettingsError, match="mon: study hours must be 0 to 24"):
        save_settings(path, Settings(weekly_hours={0: 30.0}))
    assert not path.exists()


def test_save_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "settings.yaml"
    real.parent.mkdir()
    real.write_text("hours: {mon: 1}\n", encoding="utf-8")
    link = tmp_path / "settings.yaml"
    link.symlink_to(real)
    save_settings(link, FULL)
    assert link.is_symlink() and load_settings(real) == FULL


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (Settings(weekly_hours={7: 1.0}), "weekday number 7"),
        (Settings(weekly_hours={0: -1.0}), "mon: study hours must be 0 to 24"),
        (Settings(weekly_hours={0: float("nan")}), "mon: study hours must be 0 to 24"),
        (Settings(timezone="Mars/Olympus"), "unknown time zone 'Mars/Olympus'"),
        (Settings(days_off=(DayOff(date(2026, 2, 2), date(2026, 2, 1)),)), "the end is before"),
        (Settings(hours_per_day=0), "hours_per_day must be more than 0"),
        (Settings(min_session_hours=-0.5), "min_session must be 0 to 24 hours"),
        (Settings(max_topic_hours_per_day=0.25), "shorter than min_session (30 min)"),
        (Settings(break_minutes=-5), "break_minutes must be 0 to 1440"),
        (Settings(weekly_hours={5: 16.0}), "sat: 16 h from 09:00 runs past midnight"),
        (Settings(basis="guess"), "basis must be 'topics' or 'stated'"),  # type: ignore[arg-type]
    ],
)
def test_settings_built_in_code_are_checked(settings: Settings, message: str) -> None:
    with pytest.raises(SettingsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_settings(settings)


@pytest.mark.parametrize(
    ("text", "unit", "hours"),
    [
        ("1.5", "hours", 1.5),
        ("90", "minutes", 1.5),
        ("90 min", "hours", 1.5),
        ("1,5 h", "minutes", 1.5),
        ("1h30", "hours", 1.5),
        ("1h 30m", "hours", 1.5),
        ("1:45", "hours", 1.75),
        ("2 hours", "minutes", 2.0),
    ],
)
def test_durations(text: str, unit: str, hours: float) -> None:
    assert parse_duration(text, unit) == pytest.approx(hours)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon", (0,)),
        ("Sunday", (6,)),
        ("thurs", (3,)),
        ("mon-fri", (0, 1, 2, 3, 4)),
        ("sat-mon", (5, 6, 0)),
        ("weekend", (5, 6)),
    ],
)
def test_weekdays(text: str, days: tuple[int, ...]) -> None:
    assert parse_weekdays(text) == days


def test_system_timezone_from_tz_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", ":America/New_York")
    assert system_timezone() == "America/New_York"
    assert resolve_zone(Settings()).key == "America/New_York"
    assert resolve_zone(Settings(timezone="Asia/Tokyo")).key == "Asia/Tokyo"
    monkeypatch.setenv("TZ", "Not/AZone")
    assert system_timezone() != "Not/AZone"  # falls back to /etc/localtime or UTC


def _zone_file(name: str) -> Path:
    """The system's compiled file for a zone (tests of /etc/localtime copies)."""
    from zoneinfo import TZPATH

    for folder in TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path
    pytest.skip("no system zone database to copy a zone file from")


def test_system_timezone_reads_the_given_etc(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TZ", raising=False)
    # nothing configured: the system keeps UTC
    assert system_timezone(tmp_path) == "UTC"
    # /etc/timezone names the zone
    (tmp_path / "timezone").write_text("Asia/Tokyo\n", encoding="utf-8")
    assert system_timezone(tmp_path) == "Asia/Tokyo"
    # the /etc/localtime link names it first
    zoneinfo = tmp_path / "usr" / "share" / "zoneinfo" / "America"
    zoneinfo.mkdir(parents=True)
    (zoneinfo / "Chicago").write_bytes(_zone_file("America/Chicago").read_bytes())
    (tmp_path / "localtime").symlink_to(zoneinfo / "Chicago")
    assert system_timezone(tmp_path) == "America/Chicago"


def test_system_timezone_of_a_copied_localtime(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A copied (not linked) /etc/localtime: UTC is told apart; another zone is not
    silently taken for UTC, the message says to name it."""
    monkeypatch.delenv("TZ", raising=False)
    (tmp_path / "localtime").write_bytes(_zone_file("Etc/UTC").read_bytes())
    assert system_timezone(tmp_path) == "UTC"
    (tmp_path / "localtime").write_bytes(_zone_file("Europe/Berlin").read_bytes())
    with pytest.raises(SettingsError) as caught:
        system_timezone(tmp_path)
    message = str(caught.value)
    assert str(tmp_path / "localtime") in message
    assert "timezone: Europe/Berlin" in message and "\n" not in message
    # the copy named by /etc/timezone is fine
    (tmp_path / "timezone").write_text("Europe/Berlin\n", encoding="utf-8")
    assert system_timezone(tmp_path) == "Europe/Berlin"


def test_dump_is_stable() -> None:
    assert dump_settings(FULL) == dump_settings(parse_settings(dump_settings(FULL)))


def test_bidi_controls_are_written_escaped_and_read_back() -> None:
    """A label typed with a right-to-left override (the app's forms take any text) is
    written as an escape, which the settings read back; as itself it is refused."""
    day = date(2026, 12, 24)
    settings = Settings(days_off=(DayOff(day, day, "evil\u202eexe \u2066x\u2069"),))
    text = dump_settings(settings)
    assert "\u202e" not in text and "\u2066" not in text and "\u2069" not in text
    assert "\\u202E" in text
    assert parse_settings(text).days_off == settings.days_off
    with pytest.raises(SettingsError, match="U\\+202E \\(RLO\\)"):
        parse_settings(text.replace("\\u202E", "\u202e"))


def test_file_mode_is_kept_on_save(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    save_settings(path, Settings())
    os.chmod(path, 0o600)
    save_settings(path, FULL)
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_readme_example_is_valid() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    s = parse_settings(example, "README.md")
    assert s.weekly_hours == {0: 1.5, 1: 1.5, 2: 1.5, 3: 1.5, 4: 1.5, 5: 4.0, 6: 0.0}
    assert s.timezone == "Europe/Berlin" and len(s.days_off) == 4
    assert s.days_off[2] == DayOff(date(2026, 12, 27), date(2027, 1, 1), "Holidays")
    assert s.keymap == {"toggle_done": "d"} and s.basis == "topics"
    assert s.start_times == Settings().start_times
