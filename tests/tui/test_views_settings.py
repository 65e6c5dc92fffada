"""The settings form: its value readers and the screen (Pilot), in a harness app."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual.app import App
from textual.widgets import Button, Input, Static, TextArea

from planner.settings import DayOff, Settings
from planner.tui.screens.confirm import ConfirmScreen
from planner.tui.screens.settings import (
    SettingsScreen,
    check_zone,
    format_days_off,
    parse_clock,
    parse_day,
    parse_days_off,
    parse_hours,
)

from .test_views_support import TODAY, VIEW_SETTINGS

# -- readers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("1.5", 1.5),
        ("1,5", 1.5),
        (" 2 ", 2.0),
        ("2h", 2.0),
        ("2 hours", 2.0),
        ("90m", 1.5),
        ("45 min", 0.75),
        ("1h30", 1.5),
        ("1:15", 1.25),
        (".5", 0.5),
        ("0", 0.0),
        ("24", 24.0),
    ],
)
def test_parse_hours(text: str, hours: float) -> None:
    assert parse_hours(text) == pytest.approx(hours)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x", "not hours; write 1.5, 90m or 1h30"),
        ("-1", "-1 is less than nothing; write 0 or more hours"),
        ("-0:30", "less than nothing"),
        ("25", "at most 24 hours"),
        ("1h75", "75 minutes"),
        ("", "not hours"),
        ("2 days", "unknown unit 'days' in '2 days'; use h or min"),
    ],
)
def test_parse_hours_refuses(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_hours(text)


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("19:00", time(19)),
        ("7:05", time(7, 5)),
        ("19.30", time(19, 30)),
        ("19h30", time(19, 30)),
        ("7pm", time(19)),
        ("7:30 PM", time(19, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("1930", time(19, 30)),
        ("9", time(9)),
    ],
)
def test_parse_clock(text: str, clock: time) -> None:
    assert parse_clock(text) == clock


@pytest.mark.parametrize("text", ["24:00", "19:60", "13pm", "0am", "noon", "7:5", ""])
def test_parse_clock_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(text)


def test_parse_day_is_forgiving_but_not_silent() -> None:
    assert parse_day("2026-12-01", TODAY) == date(2026, 12, 1)
    assert parse_day("1 Dec 2026", TODAY) == date(2026, 12, 1)
    assert parse_day("Dec 3", TODAY) == date(2026, 12, 3)
    with pytest.raises(ValueError, match="cannot read 'someday' as a date; write 2026-12-01"):
        parse_day("someday", TODAY)
    with pytest.raises(ValueError):
        parse_day("2026-02-30", TODAY)


def test_parse_days_off() -> None:
    text = (
        "2026-12-24..2027-01-01 Holidays [bold]x[/bold]\n"
        "\n"
        "# a comment\n"
        "2026-12-08\n"
        "2027/03/01 – 2027/03/02  Trip\n"
        "15.04.2027 Dentist\n"
    )
    assert parse_days_off(text) == (
        DayOff(date(2026, 12, 24), date(2027, 1, 1), "Holidays [bold]x[/bold]"),
        DayOff(date(2026, 12, 8), date(2026, 12, 8), None),
        DayOff(date(2027, 3, 1), date(2027, 3, 2), "Trip"),
        DayOff(date(2027, 4, 15), date(2027, 4, 15), "Dentist"),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-12-24\n24 Dec", "line 2: cannot read '24' as a date; write one per line"),
        ("2026-13-01", "line 1: cannot read '2026-13-01' as a date: there is no month 13"),
        ("2026-12-24..2026-12-01", r"line 1: the range ends \(2026-12-01\) before it starts"),
        ("12/11/2026", "line 1: cannot read '12/11/2026'"),
    ],
)
def test_parse_days_off_refuses_with_the_line(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_days_off(text)


_labels = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1)
    .map(str.strip)
    .filter(bool),
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.dates(date(2000, 1, 1), date(2100, 1, 1)), st.integers(0, 40), _labels),
        max_size=6,
    )
)
def test_days_off_round_trip(items: list[tuple[date, int, str | None]]) -> None:
    from datetime import timedelta

    days = tuple(DayOff(d, d + timedelta(days=n), label) for d, n, label in items)
    assert parse_days_off(format_days_off(days)) == days


def test_check_zone() -> None:
    assert check_zone("") is None
    assert check_zone("Europe/Berlin") is None
    assert check_zone("UTC") is None
    assert check_zone("Europe/Berln") == (
        "unknown time zone 'Europe/Berln'; did you mean Europe/Berlin?"
    )
    assert check_zone("Nowhere") is not None
    assert check_zone("../etc/passwd") is not None


# -- the screen ------------------------------------------------------------------------

_NOTHING = object()


class FormApp(App[None]):
    def __init__(self, settings: Settings = VIEW_SETTINGS) -> None:
        super().__init__()
        self.settings = settings
        self.result: object = _NOTHING

    def on_mount(self) -> None:
        self.push_screen(SettingsScreen(self.settings, today=TODAY), self.done)

    def done(self, result: Settings | None) -> None:
        self.result = result


def note(app: App[None], key: str) -> str:
    return str(app.screen.query_one(f"#note-{key}", Static).render())


async def type_into(pilot, widget_id: str, text: str) -> None:  # type: ignore[no-untyped-def]
    widget = pilot.app.screen.query_one(f"#{widget_id}")
    widget.focus()
    await pilot.pause()
    if isinstance(widget, Input):
        widget.value = ""
    await pilot.press(*text) if text else None
    await pilot.pause()


async def test_save_unchanged_gives_equal_settings() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result == VIEW_SETTINGS


async def test_cancel_with_escape_gives_none() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, "hours-0", "3")
        await pilot.press("escape")  # unsaved edits: asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        assert app.result is None
        assert not isinstance(app.screen, SettingsScreen)


async def test_edit_every_field_and_save() -> None:
    start = Settings(keymap={"quit": "ctrl+q"}, basis="stated", break_minutes=5)
    app = FormApp(start)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, "hours-0", "2h")
        await type_into(pilot, "start-0", "6pm")
        await type_into(pilot, "hours-6", "90m")
        await type_into(pilot, "start-6", "10:30")
        await type_into(pilot, "timezone", "Europe/Berlin")
        await type_into(pilot, "start-date", "1 Dec 2026")
        assert note(app, "start-date") == "Tue 1 December 2026"
        await type_into(pilot, "hours-per-day", "6")
        await type_into(pilot, "min-session", "45m")
        area = app.screen.query_one("#days-off", TextArea)
        area.focus()
        await pilot.pause()
        area.text = "2026-12-24..2027-01-01 Holidays [b]\n2026-12-08"
        await pilot.pause()
        assert note(app, "days-off") == "10 days off"
        await pilot.click("#save")
        await pilot.pause()
    result = app.result
    assert isinstance(result, Settings)
    assert result.weekly_hours == {0: 2.0, 1: 1.5, 2: 1.5, 3: 1.5, 4: 1.5, 5: 4.0, 6: 1.5}
    assert result.start_times[0] == time(18) and result.start_times[6] == time(10, 30)
    assert result.start_times[1] == time(19)
    assert result.timezone == "Europe/Berlin"
    assert result.start_date == date(2026, 12, 1)
    assert result.hours_per_day == 6.0
    assert result.min_session_hours == 0.75
    assert result.days_off == (
        DayOff(date(2026, 12, 24), date(2027, 1, 1), "Holidays [b]"),
        DayOff(date(2026, 12, 8), date(2026, 12, 8)),
    )
    # fields the form does not show are kept
    assert result.keymap == {"quit": "ctrl+q"}
    assert result.basis == "stated" and result.break_minutes == 5


async def test_blank_zone_and_start_date_mean_system_and_today(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, "timezone", "Europe/Berlin")
        assert note(app, "timezone") == ""
        await type_into(pilot, "timezone", "")
        await type_into(pilot, "start-date", "")
        assert note(app, "start-date") == "each plan starts the day it is made"
        assert note(app, "timezone") == "now Pacific/Auckland"  # what blank means here
        assert app.screen.query_one("#timezone", Input).placeholder == "blank: system zone"
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert isinstance(app.result, Settings)
    assert app.result.timezone is None and app.result.start_date is None


async def test_invalid_hours_refused_in_the_form_then_fixed() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, "hours-1", "lots")
        hours = app.screen.query_one("#hours-1", Input)
        # no message while typing the first time; it shows on leaving the field
        assert note(app, "day-1") == ""
        await pilot.press("tab")
        await pilot.pause()
        assert note(app, "day-1") == "not hours; write 1.5, 90m or 1h30"
        assert hours.has_class("-invalid")
        assert app.screen.query_one("#note-day-1").has_class("-error")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is _NOTHING  # not dismissed
        assert str(app.screen.query_one("#form-status", Static).render()) == "to fix: Tue"
        assert app.focused is hours  # the first field to fix has the focus
        await pilot.press("2")
        await pilot.pause()
        assert note(app, "day-1") == "until 21:00"  # cleared as soon as it is fixed
        assert not hours.has_class("-invalid")
        await pilot.press("enter")  # enter in a field saves
        await pilot.pause()
    assert isinstance(app.result, Settings)
    assert app.result.weekly_hours[1] == 2.0


@pytest.mark.parametrize(
    ("widget_id", "text", "key", "message"),
    [
        ("start-2", "25:00", "day-2", "start time: 25:00 is not a time of day"),
        ("start-2", "23:00", "day-2", "runs past midnight (to 00:30); start earlier"),
        ("start-2", "", "day-2", "start time: when does study start?"),
        ("hours-2", "30", "day-2", "at most 24 hours"),
        ("timezone", "Europe/Berln", "timezone", "did you mean Europe/Berlin?"),
        ("start-date", "someday", "start-date", "cannot read 'someday' as a date"),
        ("hours-per-day", "0", "hours-per-day", "must be more than 0"),
        ("hours-per-day", "", "hours-per-day", 'required: the hours a "1 day" estimate'),
        ("min-session", "5", "min-session", "longer than any study day (4 h at most)"),
        ("min-session", "0", "min-session", "must be more than 0"),
    ],
)
async def test_each_field_refuses_bad_input(
    widget_id: str, text: str, key: str, message: str
) -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, widget_id, text)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is _NOTHING
        assert message in note(app, key)
        assert app.focused is app.screen.query_one(f"#{widget_id}")


async def test_days_off_errors_name_the_line() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        area = app.screen.query_one("#days-off", TextArea)
        area.text = "2026-12-24\nnext friday"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is _NOTHING
        assert note(app, "days-off").startswith("line 2: cannot read 'next' as a date")
        assert app.focused is area


async def test_no_study_hours_at_all_is_refused() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for day in range(7):
            await type_into(pilot, f"hours-{day}", "0")
        total = app.screen.query_one("#week-total", Static)
        assert "give at least one weekday some study hours" in str(total.render())
        assert total.has_class("-error")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is _NOTHING


async def test_usable_at_80x24_buttons_visible_and_form_scrolls() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        region = screen.region
        for button in screen.query(Button):
            assert region.contains_region(button.region), button.id
        form = screen.query_one("#form")
        assert form.max_scroll_y > 0  # the form is taller than the screen: it scrolls
        area = screen.query_one("#days-off", TextArea)
        area.focus()
        await pilot.pause()
        assert form.scroll_y > 0
        assert region.contains_region(area.region.intersection(form.region))
        assert area.region.intersection(form.region).height > 0


async def test_zone_field_suggests_names() -> None:
    app = FormApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await type_into(pilot, "timezone", "europe/berl")
        await pilot.pause()
        await pilot.press("right")  # accept the suggestion
        await pilot.pause()
        assert app.screen.query_one("#timezone", Input).value == "Europe/Berlin"
