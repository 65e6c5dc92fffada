"""Reading busy calendars (issue 13): the shapes Google, Outlook and Apple export, the
rules of RFC 5545 that decide what is busy, bad input, and plans laid around them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from planner.busy import (
    BusyError,
    local_spans,
    mask_url,
    merge,
    on_day,
    parse_calendar,
    read_cached,
    source_of,
)
from planner.schedule import lay_out
from planner.schedule_busy import lost_lines
from planner.settings import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "busy"
BERLIN = ZoneInfo("Europe/Berlin")


def spans(name: str, start: date, end: date, **kw: bool) -> list[tuple[str, str]]:
    times = parse_calendar((DATA / name).read_bytes(), name, start, end, BERLIN, **kw)
    return [(f"{a:%Y-%m-%d %H:%M}", f"{b:%Y-%m-%d %H:%M}") for a, b in local_spans(times, BERLIN)]


def test_google_export_weekly_moved_cancelled_free_all_day_and_utc() -> None:
    got = spans("google.ics", date(2027, 1, 11), date(2027, 1, 31))
    assert got == [
        ("2027-01-11 19:00", "2027-01-11 20:00"),  # gym (MO,WE,FR)
        ("2027-01-12 18:30", "2027-01-12 21:00"),  # choir
        # Wed 13: the gym instance is cancelled; Thu 14: a free (transparent) film
        ("2027-01-15 19:00", "2027-01-15 20:00"),  # gym; the party is cancelled
        ("2027-01-16 09:30", "2027-01-16 10:30"),  # dentist, written in UTC
        ("2027-01-18 19:00", "2027-01-18 20:00"),
        ("2027-01-19 19:00", "2027-01-19 22:30"),  # choir moved (RECURRENCE-ID)
        ("2027-01-20 19:00", "2027-01-20 20:00"),
        ("2027-01-21 00:00", "2027-01-23 00:00"),  # two-day conference; free birthday left out
        ("2027-01-25 19:00", "2027-01-25 20:00"),
        # Tue 26: choir excluded (EXDATE)
        ("2027-01-27 19:00", "2027-01-27 20:00"),
        ("2027-01-29 19:00", "2027-01-29 20:00"),
    ]


def test_google_count_ends_the_series() -> None:
    got = spans("google.ics", date(2027, 3, 1), date(2027, 4, 30))
    gym = [a for a, b in got if a.endswith("19:00") and b.endswith("20:00")]
    # 30 instances from Mon 4 Jan (Mon/Wed/Fri): the last on Fri 12 Mar 2027
    assert gym[-1] == "2027-03-12 19:00"
    # the choir goes on past DST (28 Mar): 18:30 local on both sides
    assert ("2027-03-23 18:30", "2027-03-23 21:00") in got
    assert ("2027-03-30 18:30", "2027-03-30 21:00") in got


def test_all_day_events_can_be_set_never_to_block() -> None:
    got = spans("google.ics", date(2027, 1, 21), date(2027, 1, 23), all_day_blocks=False)
    assert got == [("2027-01-22 19:00", "2027-01-22 20:00")]  # the gym only


def test_outlook_export_windows_zone_names_monthly_until_and_other_zone() -> None:
    got = spans("outlook.ics", date(2027, 1, 1), date(2027, 7, 1))
    assert got[:3] == [
        ("2027-01-14 19:00", "2027-01-14 20:30"),  # book club: second Thursday
        ("2027-01-29 00:00", "2027-01-30 00:00"),  # offsite, all day
        ("2027-02-11 19:00", "2027-02-11 20:30"),
    ]
    # New York is already on summer time (14 Mar), Berlin not yet: 6 h apart on 15 Mar
    assert ("2027-03-15 19:00", "2027-03-15 20:30") in got
    book_club = [a for a, _ in got if a.endswith("19:00")]
    assert book_club[-1] == "2027-05-13 19:00"  # UNTIL 1 June: June's is not there


def test_apple_export_rdate_floating_and_no_end() -> None:
    got = spans("apple.ics", date(2027, 3, 20), date(2027, 4, 4))
    assert got == [
        ("2027-03-20 09:00", "2027-03-20 11:00"),  # swimming, weekly
        ("2027-03-25 19:00", "2027-03-25 21:00"),  # an extra date (RDATE)
        ("2027-03-27 09:00", "2027-03-27 11:00"),  # after the DST change: still 09:00
        ("2027-03-28 19:00", "2027-03-28 21:00"),  # floating: the plan's zone; DURATION
        ("2027-04-01 00:00", "2027-04-02 00:00"),  # a date with no end: that day
        ("2027-04-03 09:00", "2027-04-03 11:00"),
        # a time with no end or duration (2 Apr 19:00) takes no time
    ]


def test_floating_times_are_read_in_the_plans_zone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    times = parse_calendar(
        (DATA / "apple.ics").read_bytes(), "apple.ics", date(2027, 3, 28), date(2027, 3, 29), tokyo
    )
    got = [(a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in local_spans(times, tokyo)]
    assert ("19:00", "21:00") in got


ONE_EVENT = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
{body}END:VCALENDAR\r
"""


def calendar(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\nUID:{i}@t\r\n{e}END:VEVENT\r\n" for i, e in enumerate(events))
    return ONE_EVENT.format(body=body).encode()


def test_dst_both_sides_in_real_time() -> None:
    data = calendar(
        # spring forward, Berlin 28 Mar 2027: 01:30 to 03:30 local is one real hour
        "DTSTART;TZID=Europe/Berlin:20270328T013000\r\nDTEND;TZID=Europe/Berlin:20270328T033000\r\n",
        # fall back, 31 Oct 2027: 01:30 to 03:30 local is three real hours
        "DTSTART;TZID=Europe/Berlin:20271031T013000\r\nDTEND;TZID=Europe/Berlin:20271031T033000\r\n",
    )
    times = parse_calendar(data, "dst.ics", date(2027, 3, 1), date(2027, 12, 1), BERLIN)
    assert [b - a for a, b in times] == [60, 180]


def test_a_million_instances_are_bounded_by_the_window() -> None:
    data = calendar(
        "DTSTART:20000101T000000Z\r\nDTEND:20000101T000100Z\r\nRRULE:FREQ=MINUTELY;INTERVAL=5\r\n"
    )
    times = parse_calendar(data, "absurd.ics", date(2027, 1, 4), date(2027, 1, 5), BERLIN)
    assert len(times) == 24 * 12


def test_merge_sorts_joins_and_drops_empty() -> None:
    assert merge([(10, 20), (0, 5), (5, 7), (15, 30), (40, 40)]) == ((0, 7), (10, 30))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"hello: world\n", "bad.ics:1: not an iCalendar file"),
        (b"", "bad.ics:1: not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nSUMMARY:\xff\xfe\r\nEND:VCALENDAR\r\n", "bad.ics:2: not UTF-8 text"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:2027\r\n", "bad.ics"),
    ],
)
def test_bad_input_is_one_line_naming_the_file(data: bytes, message: str) -> None:
    with pytest.raises(BusyError) as info:
        parse_calendar(data, "bad.ics", date(2027, 1, 1), date(2027, 2, 1), BERLIN)
    text = str(info.value)
    assert text.startswith(message)
    assert "\n" not in text


def test_a_broken_date_names_the_file() -> None:
    data = calendar("DTSTART:2027XX01T190000\r\nDTEND:20270101T200000\r\n")
    with pytest.raises(BusyError, match=r"^broken\.ics:6: broken DTSTART"):
        parse_calendar(data, "broken.ics", date(2027, 1, 1), date(2027, 2, 1), BERLIN)


def test_sources_and_masking(tmp_path: Path) -> None:
    assert source_of("cal.ics", tmp_path).where == str(tmp_path / "cal.ics")
    assert source_of("~/x.ics", tmp_path).where == str(Path("~/x.ics").expanduser())
    url = source_of(
        "webcal://calendar.google.com/calendar/ical/secret%40x/private-abc/basic.ics", tmp_path
    )
    assert url.kind == "url" and url.where.startswith("https://calendar.google.com/")
    assert url.label == "https://calendar.google.com/…"
    assert "secret" not in mask_url("https://user:pw@example.com:8443/private-abc?token=1")
    assert source_of("sync", tmp_path).kind == "sync"


def test_on_day_gives_clock_times() -> None:
    times = parse_calendar(
        (DATA / "google.ics").read_bytes(), "g", date(2027, 1, 21), date(2027, 1, 23), BERLIN
    )
    assert on_day(times, date(2027, 1, 21), BERLIN) == [(time(0, 0), time.max)]


def test_cached_read_equals_a_fresh_one(tmp_path: Path) -> None:
    data = (DATA / "google.ics").read_bytes()
    args = ("google.ics", date(2027, 1, 1), date(2027, 6, 1), BERLIN, True)
    first = read_cached(data, *args, tmp_path)
    again = read_cached(data, *args, tmp_path)
    assert first == again == parse_calendar(data, *args)
    assert len(list((tmp_path / "busy" / "read").iterdir())) == 1


# -- plans around busy times ------------------------------------------------------------------

SETTINGS = Settings(timezone="Europe/Berlin")  # mon-fri 1.5 h from 19:00, sat 4 h from 09:00


def test_exact_sessions_around_the_google_calendar() -> None:
    busy = parse_calendar(
        (DATA / "google.ics").read_bytes(), "g", date(2027, 1, 11), date(2027, 3, 1), BERLIN
    )
    plan = lay_out({"a": 20.0}, {"a": "m"}, SETTINGS, date(2027, 1, 11), BERLIN, busy=busy)
    got = [f"{s.start:%a %d %H:%M}-{s.end:%H:%M}" for s in plan.sessions]
    assert got == [
        "Mon 11 20:00-21:30",  # after the gym
        "Tue 12 21:00-22:30",  # after the choir
        "Wed 13 19:00-20:30",  # the gym is cancelled that day
        "Thu 14 19:00-20:30",  # the film is free time
        "Fri 15 20:00-21:30",  # the party is cancelled, the gym is not
        "Sat 16 09:00-09:30",  # before the dentist: a minimum session fits
        "Sat 16 10:30-14:00",
        "Mon 18 20:00-21:30",
        "Tue 19 22:30-00:00",  # the moved choir
        "Wed 20 20:00-21:30",
        # Thu 21 and Fri 22: the conference (all day)
        "Sat 23 09:00-13:00",
    ]
    assert sum(s.hours for s in plan.sessions) == 20.0
    assert lost_lines(plan) == ["week of 18 Jan: 3 h lost to busy times"]


def test_end_times_close_the_window() -> None:
    settings = Settings(timezone="Europe/Berlin", end_times={1: time(22, 0)})
    busy = parse_calendar(
        (DATA / "google.ics").read_bytes(), "g", date(2027, 1, 11), date(2027, 3, 1), BERLIN
    )
    plan = lay_out({"a": 6.0}, {"a": "m"}, settings, date(2027, 1, 11), BERLIN, busy=busy)
    tuesday = [s for s in plan.sessions if s.start.date() == date(2027, 1, 12)]
    assert [(f"{s.start:%H:%M}", f"{s.end:%H:%M}") for s in tuesday] == [("21:00", "22:00")]
    assert plan.busy_lost == {date(2027, 1, 11): 0.5}


def test_a_free_part_too_short_for_a_minimum_session_stays_empty() -> None:
    # busy 19:20-20:00: the 20 minutes before it are too short for a 30 min session
    start = datetime(2027, 1, 11, 19, 20, tzinfo=BERLIN).astimezone(timezone.utc)
    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)
    a = int((start - epoch) / timedelta(minutes=1))
    plan = lay_out({"a": 1.5}, {"a": "m"}, SETTINGS, date(2027, 1, 11), BERLIN, busy=((a, a + 40),))
    assert [f"{s.start:%H:%M}-{s.end:%H:%M}" for s in plan.sessions] == ["20:00-21:30"]


def test_a_plan_around_busy_times_on_a_spring_forward_day() -> None:
    """Berlin, Sunday 28 Mar 2027: 02:00 becomes 03:00; the window and sessions are in
    real time, the busy time in local time."""
    data = calendar(
        "DTSTART;TZID=Europe/Berlin:20270328T033000\r\nDTEND;TZID=Europe/Berlin:20270328T040000\r\n"
    )
    busy = parse_calendar(data, "dst.ics", date(2027, 3, 28), date(2027, 3, 29), BERLIN)
    settings = Settings(
        weekly_hours={6: 3.0}, start_times={6: time(1, 0)}, timezone="Europe/Berlin"
    )
    plan = lay_out({"a": 3.0}, {"a": "m"}, settings, date(2027, 3, 28), BERLIN, busy=busy)
    got = [(f"{s.start:%H:%M%z}", f"{s.end:%H:%M%z}", s.hours) for s in plan.sessions]
    assert got == [("01:00+0100", "03:30+0200", 1.5), ("04:00+0200", "05:30+0200", 1.5)]


@pytest.mark.parametrize(
    "rule",
    ["RRULE:FREQ=WEEKLY;BYDAY=XX\r\n", "RRULE:FREQ=SOMETIMES\r\n", "RRULE:FREQ=WEEKLY;COUNT=x\r\n"],
)
def test_a_broken_series_is_named_not_skipped(rule: str) -> None:
    data = calendar(f"DTSTART:20270104T190000Z\r\nDTEND:20270104T200000Z\r\n{rule}")
    with pytest.raises(BusyError) as info:
        parse_calendar(data, "series.ics", date(2027, 1, 1), date(2027, 2, 1), BERLIN)
    assert str(info.value).startswith("series.ics")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    "name", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Africa/Casablanca"]
)
def test_the_walks_clock_agrees_with_exact_local_times(name: str) -> None:
    """The offset one look-up serves for three weeks (schedule_busy._Clock) is the exact
    one, also where it changes twice a year or around Ramadan (Casablanca)."""
    from planner.schedule_busy import _EPOCH_ORDINAL, _Clock, _epoch_minute

    tz = ZoneInfo(name)
    clock = _Clock(tz)
    first = date(2024, 1, 1).toordinal()
    for day in range(first, first + 7 * 366):
        offset = clock.offset(day)
        if offset is None:
            continue
        for minute in (0, 19 * 60, 1440):
            exact = _epoch_minute(date.fromordinal(day), minute, tz)
            assert (day - _EPOCH_ORDINAL) * 1440 + minute - offset == exact, (day, minute)


def test_google_x_wr_timezone_keeps_a_utc_series_at_its_local_time_across_dst() -> None:
    """Google may write a series in UTC and name the calendar's zone in X-WR-TIMEZONE:
    the series keeps its local time (18:30) after the change to summer time."""
    text = calendar(
        "DTSTART:20270315T173000Z\r\nDTEND:20270315T183000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\n"
    ).replace(b"VERSION:2.0\r\n", b"VERSION:2.0\r\nX-WR-TIMEZONE:Europe/Berlin\r\n")
    times = parse_calendar(text, "g.ics", date(2027, 3, 1), date(2027, 4, 1), BERLIN)
    got = [f"{a:%m-%d %H:%M%z}" for a, _ in local_spans(times, BERLIN)]
    assert got == ["03-15 18:30+0100", "03-22 18:30+0100", "03-29 18:30+0200"]
