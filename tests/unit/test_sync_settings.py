"""The settings' ``sync:`` section: read, checked, written back, and never a password."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.settings import (
    Settings,
    SettingsError,
    SyncSettings,
    dump_settings,
    load_settings,
    parse_settings,
    save_settings,
)

EXAMPLE = """\
sync:
  service: caldav            # or google
  url: https://dav.example.com/
  username: learner
  password_command: pass show dav
  calendar: Study plan
  weeks: 4
  reminder_minutes: 10       # null = none
"""


def test_the_readme_example_reads_and_writes_back() -> None:
    settings = parse_settings(EXAMPLE)
    assert settings.sync == SyncSettings(
        "caldav", "https://dav.example.com/", "learner", "pass show dav", "Study plan", 4, 10
    )
    assert parse_settings(dump_settings(settings)) == settings


def test_defaults_and_no_section() -> None:
    assert Settings().sync is None
    assert parse_settings("timezone: Europe/Berlin\n").sync is None
    dumped = dump_settings(Settings())  # no sync section (a comment may name busy's 'sync')
    assert not any(line.startswith("sync") for line in dumped.splitlines())
    assert parse_settings(dumped).sync is None
    sync = parse_settings("sync:\n  url: https://x/\n  username: me\n").sync
    assert sync == SyncSettings(url="https://x/", username="me")
    assert (sync.service, sync.calendar, sync.weeks, sync.reminder_minutes) == (
        "caldav",
        "Study plan",
        4,
        None,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sync:\n  url: u\n  username: me\n  password: hunter2\n", ":4: sync: 'password' is never"),
        ("sync:\n  username: me\n", ":2: sync: the caldav service needs a url"),
        ("sync:\n  url: u\n", ":2: sync: the caldav service needs a username"),
        ("sync:\n  servce: caldav\n", ":2: unknown sync setting 'servce'; did you mean 'service'?"),
        ("sync:\n  service: outlook\n", ":2: sync service must be caldav or google"),
        ("sync:\n  url: u\n  username: me\n  weeks: 0\n", ":4: sync weeks must be a whole number"),
        ("sync:\n  url: u\n  username: me\n  weeks: 2.5\n", "sync weeks must be a whole number"),
        ("sync:\n  url: u\n  username: me\n  reminder_minutes: -5\n", "reminder_minutes must be"),
        ("sync: [a]\n", ":1: sync must be a mapping"),
        ("sync:\n  url: u\n  url: v\n", ":3: sync: 'url' appears twice"),
    ],
)
def test_mistakes_are_one_line_with_the_place(text: str, message: str) -> None:
    with pytest.raises(SettingsError) as info:
        parse_settings(text)
    assert message in str(info.value) and "\n" not in str(info.value)
    assert "hunter2" not in str(info.value)


def test_saving_the_settings_keeps_the_sync_section(tmp_path: Path) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text(EXAMPLE)
    settings = load_settings(path)
    save_settings(path, settings)  # as the app does after a change in its settings screen
    assert load_settings(path).sync == settings.sync
