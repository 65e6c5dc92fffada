"""The settings of issue 13: busy:, busy_all_day and end_times."""

from __future__ import annotations

from datetime import time

import pytest

from planner.settings import (
    Settings,
    SettingsError,
    check_settings,
    dump_settings,
    parse_settings,
)


def test_busy_entries_all_day_and_end_times_are_read() -> None:
    s = parse_settings(
        "busy:\n  - me.ics\n  - webcal://example.com/x.ics\n  - sync\n"
        'busy_all_day: false\nend_times: {mon-fri: "22:30", sun: "24:00"}\n'
    )
    assert s.busy == ("me.ics", "webcal://example.com/x.ics", "sync")
    assert s.busy_all_day is False
    assert s.end_times == {
        0: time(22, 30),
        1: time(22, 30),
        2: time(22, 30),
        3: time(22, 30),
        4: time(22, 30),
        6: time(0, 0),
    }
    assert s.end_minute(0) == 22 * 60 + 30 and s.end_minute(5) == 1440 and s.end_minute(6) == 1440


def test_a_single_busy_entry_may_be_written_without_a_list() -> None:
    assert parse_settings("busy: me.ics\n").busy == ("me.ics",)


def test_the_new_settings_round_trip() -> None:
    s = Settings(
        busy=("a b.ics", "https://h/p?q=1#x", "sync"),
        busy_all_day=False,
        end_times={1: time(21, 0), 6: time(0, 0)},
    )
    assert parse_settings(dump_settings(s)) == s
    assert parse_settings(dump_settings(Settings())) == Settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("busy: {a: 1}\n", "settings.yaml:1: busy must be a list"),
        ("busy:\n  - ''\n", "settings.yaml:2: busy: an empty entry"),
        ("busy_all_day: maybe\n", "settings.yaml:1: busy_all_day must be true"),
        (
            'end_times: {mon: "25:00"}\n',
            "settings.yaml:1: end_times mon: 25:00 is not a time of day",
        ),
        ('end_times: {mon: "19:30"}\n', "settings.yaml:1: mon: 1.5 h from 19:00 do not fit"),
    ],
)
def test_mistakes_are_one_line_with_the_line(text: str, message: str) -> None:
    with pytest.raises(SettingsError) as info:
        parse_settings(text)
    assert str(info.value).startswith(message)


def test_check_settings_refuses_hours_past_the_end_time() -> None:
    with pytest.raises(SettingsError, match="do not fit before its end time 20:00"):
        check_settings(Settings(end_times={0: time(20, 0)}))
