"""The .ics export: strict readers accept it, a lint holds it to RFC 5545 and Google's habits,
and the file holds the events ``vevent`` makes (the ones sync sends)."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from planner import locations
from planner.calendar_out import (
    Export,
    ExportError,
    ExportRecord,
    RecordEntry,
    build_calendar,
    clean_text,
    load_record,
    save_record,
    session_events,
    split_calendar,
    stale_parts,
    vevent,
    within_weeks,
    write_export,
)
from planner.progress import State
from planner.roadmap import Effort, Module, Roadmap, Subtopic, Topic
from planner.schedule import Plan, Session

NOW = datetime(2025, 3, 19, 8, 30, 15, tzinfo=timezone.utc)
BERLIN = ZoneInfo("Europe/Berlin")


class FakeProgress:
    """Subtopic states without the progress store: a dict, TODO by default."""

    def __init__(self, states: dict[str, State] | None = None) -> None:
        self.states = states or {}

    def state(self, roadmap: Roadmap, item_id: str) -> State:
        return self.states.get(item_id, State.TODO)


def make_plan(
    roadmap: Roadmap,
    tz: ZoneInfo,
    first: date,
    *,
    at: time = time(19, 0),
    hours: float = 4.0,
    topics: Iterable[Topic] | None = None,
) -> Plan:
    """One session a day at ``at`` local time, ``hours`` long, topics in roadmap order."""
    sessions: list[Session] = []
    day = first
    for topic in topics if topics is not None else roadmap.topics():
        parts = max(1, math.ceil(topic.hours() / hours))
        for part in range(1, parts + 1):
            start = datetime.combine(day, at, tzinfo=tz)
            end = (start.astimezone(timezone.utc) + timedelta(hours=hours)).astimezone(tz)
            sessions.append(Session(topic.id, topic.module_id, start, end, hours, part, parts))
            day += timedelta(days=1)
    return Plan(tuple(sessions), day - timedelta(days=1), len(sessions) * hours)


def parse_ical(text: str) -> Any:
    """icalendar's reading of ``text`` (typed loosely: its property types are a wide union)."""
    return icalendar.Calendar.from_ical(text)


# -- a lint for what we write ------------------------------------------------------------


def unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.split("\r\n")[:-1]:
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def lint(text: str) -> list[str]:
    """Every way ``text`` falls short of a clean import; empty when it is clean."""
    problems: list[str] = []
    if not text.endswith("\r\n"):
        problems.append("no final CRLF")
    if text.replace("\r\n", "").count("\n") or text.replace("\r\n", "").count("\r"):
        problems.append("a line end that is not CRLF")
    for n, line in enumerate(text.split("\r\n")[:-1], 1):
        if len(line.encode("utf-8")) > 75:
            problems.append(f"line {n} is {len(line.encode('utf-8'))} octets")
    lines = unfold(text)
    if lines[:1] != ["BEGIN:VCALENDAR"] or lines[-1:] != ["END:VCALENDAR"]:
        problems.append("not one VCALENDAR")
    if any(line.startswith("BEGIN:VALARM") for line in lines):
        problems.append("a VALARM")
    first_event = next((i for i, x in enumerate(lines) if x == "BEGIN:VEVENT"), len(lines))
    header = [x.split(":", 1)[0] for x in lines[1:first_event]]
    for name in ("VERSION", "PRODID", "METHOD"):
        if name not in header:
            problems.append(f"{name} missing before the first event")
    uids: list[str] = []
    event: dict[str, str] | None = None
    for line in lines:
        if line == "BEGIN:VEVENT":
            event = {}
        elif line == "END:VEVENT" and event is not None:
            uid = event.get("UID", "?")
            uids.append(uid)
            if "DTSTAMP" not in event:
                problems.append(f"{uid}: no DTSTAMP")
            start, end = event.get("DTSTART", ""), event.get("DTEND", "")
            if not start or not end:
                problems.append(f"{uid}: no DTSTART or DTEND")
            elif start.startswith("DTSTART;VALUE=DATE:"):
                d0 = datetime.strptime(start.rsplit(":", 1)[1], "%Y%m%d").date()
                d1 = datetime.strptime(end.rsplit(":", 1)[1], "%Y%m%d").date()
                if not end.startswith("DTEND;VALUE=DATE:") or d1 != d0 + timedelta(days=1):
                    problems.append(f"{uid}: all-day DTEND is not DTSTART + 1 day")
            else:
                t0, t1 = (v.rsplit(":", 1)[1] for v in (start, end))
                if not (t0.endswith("Z") and t1.endswith("Z")):
                    problems.append(f"{uid}: DTSTART/DTEND not in UTC")
                elif t1 <= t0:
                    problems.append(f"{uid}: DTEND not after DTSTART")
            event = None
        elif event is not None:
            name = line.split(":", 1)[0].split(";", 1)[0]
            event[name] = line
    if len(set(uids)) != len(uids):
        problems.append("duplicate UIDs")
    return problems


def test_the_lint_can_fail() -> None:
    bad = (
        "BEGIN:VCALENDAR\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\n"
        "DTSTART:20250101T100000Z\r\nDTEND:20250101T090000Z\r\nBEGIN:VALARM\r\nEND:VALARM\r\n"
        "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20250101T000000Z\r\n"
        "DTSTART;VALUE=DATE:20250101\r\nDTEND;VALUE=DATE:20250101\r\n"
        "DESCRIPTION:" + "x" * 80 + "\r\nEND:VEVENT\r\nEND:VCALENDAR"
    )
    found = "\n".join(lint(bad))
    for expected in (
        "no final CRLF",
        "not CRLF",
        "octets",
        "VALARM",
        "METHOD missing",
        "a: no DTSTAMP",
        "DTEND not after DTSTART",
        "all-day DTEND",
        "duplicate UIDs",
    ):
        assert expected in found


# -- the seed plan through strict readers ----------------------------------------------------


@pytest.fixture(scope="module")
def seed_plan(seed: Roadmap) -> Plan:
    # spans both 2025 DST changes in Berlin (30 March, 26 October)
    return make_plan(seed, BERLIN, date(2025, 3, 20))


@pytest.fixture(scope="module")
def seed_export(seed: Roadmap, seed_plan: Plan) -> Export:
    return build_calendar(seed, seed_plan, FakeProgress(), now=NOW)


@pytest.fixture(scope="module")
def seed_all_day(seed: Roadmap, seed_plan: Plan) -> Export:
    return build_calendar(seed, seed_plan, FakeProgress(), now=NOW, all_day=True)


@pytest.mark.parametrize("which", ["timed", "all-day"])
def test_seed_export_passes_the_lint(which: str, seed_export: Export, seed_all_day: Export) -> None:
    export = seed_export if which == "timed" else seed_all_day
    assert export.events > 200
    assert lint(export.text) == []
    assert export.warnings == []


@pytest.mark.parametrize("which", ["timed", "all-day"])
def test_seed_export_parses_with_icalendar(
    which: str, seed_export: Export, seed_all_day: Export
) -> None:
    export = seed_export if which == "timed" else seed_all_day
    cal = parse_ical(export.text)
    assert cal.errors == []
    events = list(cal.walk("VEVENT"))
    assert len(events) == export.events
    for component in cal.walk():
        assert component.errors == [], component.name
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "Backend Developer Roadmap (Python Focus - Accelerated)"


@pytest.mark.parametrize("which", ["timed", "all-day"])
def test_seed_export_validates_with_vobject(
    which: str, seed_export: Export, seed_all_day: Export
) -> None:
    export = seed_export if which == "timed" else seed_all_day
    cal = vobject.readOne(export.text, validate=True)
    assert len(cal.vevent_list) == export.events


def test_round_trip_every_session_at_its_instants(seed: Roadmap, seed_plan: Plan) -> None:
    export = build_calendar(seed, seed_plan, FakeProgress(), now=NOW)
    cal = parse_ical(export.text)
    got = {
        str(e["UID"]): (e.decoded("DTSTART"), e.decoded("DTEND"), str(e["SUMMARY"]))
        for e in cal.walk("VEVENT")
    }
    assert len(got) == len(seed_plan.sessions)
    for s in seed_plan.sessions:
        start, end, summary = got[f"backend-roadmap.{s.topic_id}.{s.part}@planner"]
        assert start == s.start and end == s.end
        assert start.utcoffset() == timedelta(0)  # written as a UTC instant
        assert summary == f"{seed.topic(s.topic_id).title} ({s.part}/{s.parts})"


def test_dst_the_same_local_hour_is_a_different_utc_hour(seed_export: Export) -> None:
    lines = unfold(seed_export.text)
    starts = [x for x in lines if x.startswith("DTSTART:")]
    assert "DTSTART:20250329T180000Z" in starts  # 19:00 CET
    assert "DTSTART:20250330T170000Z" in starts  # 19:00 CEST


def test_two_exports_of_one_plan_give_the_same_uids_and_text(
    seed: Roadmap, seed_plan: Plan, seed_export: Export
) -> None:
    again = build_calendar(seed, seed_plan, FakeProgress(), now=NOW)
    assert again.text == seed_export.text
    later = build_calendar(seed, seed_plan, FakeProgress(), now=NOW + timedelta(days=3))
    uids = [x for x in unfold(later.text) if x.startswith("UID:")]
    assert uids == [x for x in unfold(seed_export.text) if x.startswith("UID:")]
    assert uids[0] == "UID:backend-roadmap.advanced-python-features.1@planner"


# -- one VEVENT per session, shared with sync -------------------------------------------------


def test_the_file_holds_exactly_the_events_vevent_makes(seed: Roadmap, seed_plan: Plan) -> None:
    """The .ics file and sync share ``vevent``: every event in the file, unfolded, is the text
    icalendar writes for ``vevent`` of that session (icalendar folds, we fold: same lines)."""
    export = build_calendar(seed, seed_plan, FakeProgress(), now=NOW)
    items, warnings = session_events(seed, seed_plan.sessions, FakeProgress())
    assert warnings == [] and len(items) == export.events
    lines = unfold(export.text)
    first = lines.index("BEGIN:VEVENT")
    body = lines[first:-1]
    expected: list[str] = []
    for item in items:
        text = vevent(item, stamp=NOW, sequence=0).to_ical().decode("utf-8")
        expected += unfold(text)
    assert body == expected
    assert unfold(export.text) == unfold(parse_ical(export.text).to_ical().decode("utf-8"))


@pytest.mark.parametrize("all_day", [False, True])
def test_vevent_with_a_reminder_has_a_display_alarm(seed: Roadmap, all_day: bool) -> None:
    topic = seed.topic("django-deep-dive")
    plan = only_session(topic, datetime(2025, 3, 30, 19, tzinfo=BERLIN))
    (item,), _ = session_events(seed, plan.sessions, FakeProgress(), all_day=all_day)
    event = vevent(item, stamp=NOW, reminder_minutes=10, extra={"X-PLANNER-KEY": item.uid})
    text = event.to_ical().decode("utf-8")
    lines = unfold(text)
    assert lines.index("BEGIN:VALARM") > lines.index("SUMMARY:" + item.summary)
    assert "TRIGGER:-PT10M" in lines and "ACTION:DISPLAY" in lines
    assert f"X-PLANNER-KEY:{item.uid}" in lines
    cal_text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{text}END:VCALENDAR\r\n"
    parsed = parse_ical(cal_text)
    assert all(c.errors == [] for c in parsed.walk())
    (alarm,) = parsed.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-10)
    vobject.readOne(cal_text, validate=True)
    assert "VALARM" not in vevent(item, stamp=NOW).to_ical().decode()


def test_within_weeks_is_the_horizon_from_today(seed: Roadmap) -> None:
    plan = make_plan(seed, BERLIN, date(2025, 3, 20))
    four = within_weeks(plan.sessions, date(2025, 3, 20), 4)
    assert len(four) == 28  # one session a day
    assert max(s.start.date() for s in four) == date(2025, 4, 16)
    assert within_weeks(plan.sessions, date(2025, 3, 20), None) == list(plan.sessions)
    with pytest.raises(ValueError, match="1 or more"):
        within_weeks(plan.sessions, date(2025, 3, 20), 0)


def only_session(topic: Topic, start: datetime, hours: float = 2.0) -> Plan:
    end = (start.astimezone(timezone.utc) + timedelta(hours=hours)).astimezone(start.tzinfo)
    return Plan((Session(topic.id, topic.module_id, start, end, hours, 1, 1),), start.date(), 0)


@pytest.mark.parametrize(
    ("zone", "local", "expected"),
    [
        # 09:00 on 5 April in Auckland is 4 April in UTC (ics 0.7.3 wrote the 4th)
        ("Pacific/Auckland", datetime(2025, 4, 5, 9, 0), "20250405"),
        ("Pacific/Auckland", datetime(2025, 4, 5, 0, 30), "20250405"),
        # 19:00 on 5 April in Los Angeles is 6 April in UTC
        ("America/Los_Angeles", datetime(2025, 4, 5, 19, 0), "20250405"),
        ("America/Los_Angeles", datetime(2025, 4, 5, 23, 30), "20250405"),
    ],
)
def test_all_day_lands_on_the_local_date(
    seed: Roadmap, zone: str, local: datetime, expected: str
) -> None:
    topic = next(seed.topics())
    plan = only_session(topic, local.replace(tzinfo=ZoneInfo(zone)))
    export = build_calendar(seed, plan, FakeProgress(), now=NOW, all_day=True)
    lines = unfold(export.text)
    nxt = (datetime.strptime(expected, "%Y%m%d") + timedelta(days=1)).strftime("%Y%m%d")
    assert f"DTSTART;VALUE=DATE:{expected}" in lines
    assert f"DTEND;VALUE=DATE:{nxt}" in lines  # exclusive end
    assert f"UID:backend-roadmap.{topic.id}.{expected}@planner" in lines
    assert lint(export.text) == []
    event = next(iter(parse_ical(export.text).walk("VEVENT")))
    assert event.decoded("DTSTART") == datetime.strptime(expected, "%Y%m%d").date()


def test_all_day_is_one_event_per_topic_per_day_with_the_hours(seed: Roadmap) -> None:
    t1, t2 = list(seed.topics())[:2]
    tz = ZoneInfo("Pacific/Auckland")

    def s(topic: Topic, day: int, hour: int, hours: float, part: int) -> Session:
        start = datetime(2025, 4, day, hour, tzinfo=tz)
        return Session(
            topic.id, topic.module_id, start, start + timedelta(hours=hours), hours, part, 3
        )

    plan = Plan(
        (s(t1, 5, 9, 1.5, 1), s(t1, 5, 14, 1.25, 2), s(t2, 5, 16, 1, 1), s(t1, 7, 9, 2, 3)),
        date(2025, 4, 7),
        0,
    )
    export = build_calendar(seed, plan, FakeProgress(), now=NOW, all_day=True)
    summaries = [str(e["SUMMARY"]) for e in parse_ical(export.text).walk("VEVENT")]
    assert summaries == [
        f"{t1.title} (1/2) · 2.75 h",
        f"{t2.title} (1/1) · 1 h",
        f"{t1.title} (2/2) · 2 h",
    ]
    assert export.events == 3


def test_dtstamp_on_every_event_is_now_in_utc(seed: Roadmap) -> None:
    topic = next(seed.topics())
    plan = only_session(topic, datetime(2025, 4, 5, 9, tzinfo=BERLIN))
    now = datetime(2025, 3, 19, 10, 30, 15, 999, tzinfo=ZoneInfo("Asia/Kolkata"))
    for all_day in (False, True):
        export = build_calendar(seed, plan, FakeProgress(), now=now, all_day=all_day)
        assert [x for x in unfold(export.text) if x.startswith("DTSTAMP")] == [
            "DTSTAMP:20250319T050015Z"
        ]


def test_now_must_be_aware(seed: Roadmap) -> None:
    with pytest.raises(ValueError, match="aware"):
        build_calendar(seed, Plan((), None, 0), FakeProgress(), now=datetime(2025, 1, 1))
    topic = next(seed.topics())
    naive = Session(
        topic.id, topic.module_id, datetime(2025, 1, 1, 9), datetime(2025, 1, 1, 10), 1, 1, 1
    )
    with pytest.raises(ValueError, match="naive"):
        build_calendar(seed, Plan((naive,), None, 0), FakeProgress(), now=NOW)


def test_no_alarms_and_header_before_events(seed_export: Export) -> None:
    assert "VALARM" not in seed_export.text
    head = seed_export.text.split("BEGIN:VEVENT", 1)[0]
    assert "METHOD:PUBLISH\r\n" in head and "VERSION:2.0\r\n" in head
    assert "PRODID:-//planner//" in head
    assert seed_export.text.count("METHOD:") == 1


def test_events_are_in_time_order(seed_export: Export) -> None:
    starts = [x for x in unfold(seed_export.text) if x.startswith("DTSTART")]
    assert starts == sorted(starts)


# -- content ---------------------------------------------------------------------------------


def test_description_and_categories(seed: Roadmap) -> None:
    topic = seed.topic("advanced-python-features")
    states = {topic.subtopics[0].id: State.DONE, topic.subtopics[1].id: State.IN_PROGRESS}
    states[topic.subtopics[2].id] = State.SKIPPED
    plan = only_session(topic, datetime(2025, 4, 5, 9, tzinfo=BERLIN))
    export = build_calendar(seed, plan, FakeProgress(states), now=NOW)
    event = next(iter(parse_ical(export.text).walk("VEVENT")))
    description = str(event["DESCRIPTION"])
    assert description.splitlines()[:2] == [
        "Module 1: Foundations Revisited (Leveraging Your Background)",
        "Estimate: 2 days",
    ]
    assert (
        "- OOP (done)\n- Asyncio (in progress)\n- Decorators (skipped)\n- Generators (to do)"
        in (description)
    )
    assert "- OOP: ./01-Foundations/01-Advanced-Features/01-OOP/OOP.md" in description
    assert event["CATEGORIES"].cats == ["Foundations Revisited (Leveraging Your Background)"]
    assert int(event["SEQUENCE"]) == 0

    django = seed.topic("django-deep-dive")
    plan = only_session(django, datetime(2025, 4, 5, 9, tzinfo=BERLIN))
    export = build_calendar(seed, plan, FakeProgress(), now=NOW)
    event = next(iter(parse_ical(export.text).walk("VEVENT")))
    assert str(event["DESCRIPTION"]).endswith(
        "\n\nPractical application: Start building a significant portfolio project "
        "applying learned concepts and clean code standards."
    )


TRICKY = "Commas, semi;colons \\back\\slash\\ [brackets] [b]bold[/b] «Ünïcødé» 日本語 🎓 é"


def unescape_text(value: str) -> str:
    """RFC 5545 TEXT unescaping, in one pass."""
    table = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: table.get(m.group(1), m.group(0)), value)


ODD_TITLE = "Roadmap, ;\r\nsecond line \\ [x] ✓"
"""A roadmap title that reads differently escaped and not: comma, semicolon, backslash and
a line break (which the loader accepts in a block scalar)."""


def tricky_roadmap(
    title: str = TRICKY, sub: str = "line one\r\nline two\rline three\nend"
) -> Roadmap:
    topic = Topic(
        id="tricky",
        title=title,
        module_id="m",
        estimate=Effort(3, "hours"),
        qualifier="plus [practice]; really",
        link="https://example.org/a,b;c?x=1&y=[2]",
        subtopics=(Subtopic("tricky/s", sub, link=None),),
    )
    module = Module(
        id="m",
        title="Module, with; [odd] chars \\ ü",
        number=1,
        topics=(topic,),
        practical_application="Build it;\nship it, twice.",
    )
    return Roadmap(id="odd-roadmap", title=ODD_TITLE, modules=(module,))


@pytest.mark.parametrize("all_day", [False, True])
def test_tricky_text_survives_exactly(all_day: bool) -> None:
    roadmap = tricky_roadmap()
    topic = roadmap.topic("tricky")
    plan = only_session(topic, datetime(2025, 4, 5, 9, tzinfo=BERLIN), hours=3)
    export = build_calendar(roadmap, plan, FakeProgress(), now=NOW, all_day=all_day)
    assert lint(export.text) == []
    suffix = " (1/1) · 3 h" if all_day else " (1/1)"
    for cal in (parse_ical(export.text),):
        event = next(iter(cal.walk("VEVENT")))
        assert str(event["SUMMARY"]) == TRICKY + suffix
        description = str(event["DESCRIPTION"])
        assert "- line one\nline two\nline three\nend (to do)" in description
        assert "Estimate: 3 hours (plus [practice]; really)" in description
        assert f"- {TRICKY}: https://example.org/a,b;c?x=1&y=[2]" in description
        assert "Practical application: Build it;\nship it, twice." in description
        assert event["CATEGORIES"].cats == ["Module, with; [odd] chars \\ ü"]
        # X-WR-CALNAME is TEXT (escaped like SUMMARY); icalendar hands it back raw
        calname = unescape_text(cal["X-WR-CALNAME"].to_ical().decode())
        assert calname == "Roadmap, ;\nsecond line \\ [x] ✓"
    # written escaped on one content line: unescaped, the comma, semicolon and backslash
    # would read differently and the line break would end the property
    (line,) = [x for x in unfold(export.text) if x.startswith("X-WR-CALNAME")]
    assert line == "X-WR-CALNAME:Roadmap\\, \\;\\nsecond line \\\\ [x] ✓"
    vevent = vobject.readOne(export.text, validate=True).vevent
    assert vevent.summary.value == TRICKY + suffix
    assert "line one\nline two\nline three\nend" in vevent.description.value


def test_fold_never_splits_a_utf8_character() -> None:
    roadmap = tricky_roadmap(title="é" * 200 + "日本" * 50 + "🎓" * 30)
    topic = roadmap.topic("tricky")
    plan = only_session(topic, datetime(2025, 4, 5, 9, tzinfo=BERLIN))
    export = build_calendar(roadmap, plan, FakeProgress(), now=NOW)
    raw = export.text.encode("utf-8")
    for line in raw.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # every physical line is whole UTF-8 on its own
    assert lint(export.text) == []
    event = next(iter(parse_ical(export.text).walk("VEVENT")))
    assert str(event["SUMMARY"]) == "é" * 200 + "日本" * 50 + "🎓" * 30 + " (1/1)"


def test_clean_text_normalizes_newlines_and_drops_controls() -> None:
    assert clean_text("a\r\nb\rc\nd\u2028e") == "a\nb\nc\nd\ne"
    assert clean_text("tab\tok\x00\x07\x1b") == "tab\tok"
    assert clean_text("plain ü") == "plain ü"


def test_unknown_topic_is_exported_under_its_id_with_a_warning(seed: Roadmap) -> None:
    start = datetime(2025, 4, 5, 9, tzinfo=BERLIN)
    plan = Plan((Session("gone", "m", start, start + timedelta(hours=1), 1, 1, 1),), None, 0)
    export = build_calendar(seed, plan, FakeProgress(), now=NOW)
    assert "SUMMARY:gone (1/1)" in export.text
    assert any("gone" in w for w in export.warnings)
    assert lint(export.text) == []


def test_duplicate_session_ids_still_give_unique_uids(seed: Roadmap) -> None:
    topic = next(seed.topics())
    a = only_session(topic, datetime(2025, 4, 5, 9, tzinfo=BERLIN)).sessions[0]
    b = replace(a, start=a.start + timedelta(days=1), end=a.end + timedelta(days=1))
    export = build_calendar(seed, Plan((a, b), None, 0), FakeProgress(), now=NOW)
    assert lint(export.text) == []
    assert export.warnings and "share" in export.warnings[0]


def test_empty_plan_is_an_empty_calendar(seed: Roadmap) -> None:
    export = build_calendar(seed, Plan((), None, 0), FakeProgress(), now=NOW)
    assert export.events == 0
    assert parse_ical(export.text).errors == []


# -- SEQUENCE and the export record ---------------------------------------------------------


def sequences(export: Export) -> dict[str, int]:
    cal = parse_ical(export.text)
    return {str(e["UID"]): int(e["SEQUENCE"]) for e in cal.walk("VEVENT")}


def test_sequence_goes_up_only_for_sessions_that_moved(seed: Roadmap) -> None:
    topics = list(seed.topics())[:3]
    plan = make_plan(seed, BERLIN, date(2025, 4, 1), topics=topics)
    first = build_calendar(seed, plan, FakeProgress(), now=NOW)
    assert set(sequences(first).values()) == {0}
    same = build_calendar(seed, plan, FakeProgress(), now=NOW, previous=first.record)
    assert set(sequences(same).values()) == {0}
    moved = list(plan.sessions)
    moved[1] = replace(moved[1], start=moved[1].start + timedelta(hours=1))
    moved_plan = replace(plan, sessions=tuple(moved))
    second = build_calendar(seed, moved_plan, FakeProgress(), now=NOW, previous=same.record)
    seq = sequences(second)
    uid = f"backend-roadmap.{moved[1].topic_id}.{moved[1].part}@planner"
    assert seq.pop(uid) == 1
    assert set(seq.values()) == {0}
    # moved back: it changed again, so it goes up again; never down
    third = build_calendar(seed, plan, FakeProgress(), now=NOW, previous=second.record)
    assert sequences(third)[uid] == 2


def test_a_vanished_future_session_keeps_its_sequence(seed: Roadmap) -> None:
    topic = next(seed.topics())
    start = datetime(2025, 4, 5, 9, tzinfo=BERLIN)
    plan = only_session(topic, start)
    uid = f"backend-roadmap.{topic.id}.1@planner"
    prev = ExportRecord({uid: RecordEntry("20250405T060000Z", "20250405T070000Z", 4)})
    empty = build_calendar(seed, Plan((), None, 0), FakeProgress(), now=NOW, previous=prev)
    assert empty.record.entries[uid].sequence == 4
    back = build_calendar(seed, plan, FakeProgress(), now=NOW, previous=empty.record)
    assert sequences(back)[uid] == 5
    later = build_calendar(
        seed, Plan((), None, 0), FakeProgress(), now=start + timedelta(days=2), previous=prev
    )
    assert later.record.entries == {}  # past and gone: forgotten


def test_record_round_trip_and_location(tmp_path: Path, seed: Roadmap) -> None:
    path = locations.export_record_path(seed.id)
    assert load_record(path) == ExportRecord()  # missing: empty, no problem
    record = ExportRecord(
        {"a@planner": RecordEntry("20250101T100000Z", "20250101T110000Z", 3)}, seed.id, "x"
    )
    save_record(path, record)
    assert load_record(path) == record
    assert path.parent.name == "exports"


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b'{"format": 99, "events": {}}',
        b'{"format": 1, "events": {"a": {"start": 1}}}',
        b'{"format": 1, "events": {"a": {"start": "x", "end": "y", "sequence": -1}}}',
        b"[]",
        b"\xff\xfe",
    ],
)
def test_a_damaged_record_means_sequence_zero_and_a_warning(
    tmp_path: Path, seed: Roadmap, content: bytes
) -> None:
    path = tmp_path / "record.json"
    path.write_bytes(content)
    record = load_record(path)
    assert record.entries == {} and record.problem and str(path) in record.problem
    topic = next(seed.topics())
    plan = only_session(topic, datetime(2025, 4, 5, 9, tzinfo=BERLIN))
    export = build_calendar(seed, plan, FakeProgress(), now=NOW, previous=record)
    assert set(sequences(export).values()) == {0}
    assert len(export.warnings) == 1 and "SEQUENCE numbers start again at 0" in export.warnings[0]


def test_save_record_failure_is_an_export_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot save the export record") as info:
        save_record(blocker / "sub" / "record.json", ExportRecord())
    message = str(info.value)
    assert "\n" not in message
    # what is wrong and where (the file in the way, not a bare "Not a directory"), what to do
    assert f"{blocker} is a file, not a folder" in message
    assert "move it aside, or set PLANNER_DATA_DIR to a folder" in message
    # the exports folder itself a file: mkdir says "File exists", which helps no one
    with pytest.raises(ExportError, match=f"{blocker} is a file, not a folder"):
        save_record(blocker / "record.json", ExportRecord())


def test_a_record_behind_a_file_is_no_record_not_a_problem(tmp_path: Path) -> None:
    """It cannot exist there: one warning (the save's) is enough, not a read warning too."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert load_record(blocker / "exports" / "r.json") == ExportRecord()
    assert load_record(blocker / "r.json") == ExportRecord()


# -- writing, and Google's 1 MB limit ---------------------------------------------------------


def test_write_export_to_a_file_and_to_a_stream(tmp_path: Path, seed_export: Export) -> None:
    import io

    target = tmp_path / "study-plan.ics"
    old_mask = os.umask(0o022)
    try:
        assert write_export(target, seed_export) == [target]
    finally:
        os.umask(old_mask)
    assert target.read_bytes() == seed_export.text.encode("utf-8")
    assert target.stat().st_mode & 0o777 == 0o644  # not the temp file's private 0600
    target.chmod(0o600)
    write_export(target, seed_export)
    assert target.stat().st_mode & 0o777 == 0o600  # an existing file keeps its mode
    buffer = io.BytesIO()
    assert write_export(None, seed_export, stream=buffer) == []
    assert buffer.getvalue() == seed_export.text.encode("utf-8")


def test_a_pipe_is_written_into_not_replaced(tmp_path: Path, seed: Roadmap) -> None:
    """``-o /dev/null`` or ``-o /dev/stdout``: renaming a file over them would replace the
    device (as root) or fail (creating the temp file in /dev); a FIFO stands in for them."""
    import stat

    plan = make_plan(seed, BERLIN, date(2025, 4, 1), topics=list(seed.topics())[:3])
    export = build_calendar(seed, plan, FakeProgress(), now=NOW)
    assert export.events > 3 and export.size < 60_000  # fits in the pipe's buffer
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    # held open for reading (O_RDWR never blocks on Linux), so the export's open() does not wait
    fd = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)
    try:
        written = write_export(fifo, export, limit=export.size // 3)
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
    assert written == [fifo]  # unsplit: parts cannot be made next to a device
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert b"".join(chunks) == export.text.encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.ics"]


def test_a_symbolic_link_is_written_through(tmp_path: Path, seed_export: Export) -> None:
    real = tmp_path / "real.ics"
    real.write_text("old")
    link = tmp_path / "link.ics"
    link.symlink_to(real.name)
    assert write_export(link, seed_export) == [link]
    assert link.is_symlink() and os.readlink(link) == "real.ics"
    assert real.read_bytes() == seed_export.text.encode("utf-8")


def test_standard_output_failures_are_export_errors(
    seed_export: Export, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import io
    import sys

    class Full(io.BytesIO):
        def write(self, data: Any) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(ExportError, match="standard output: No space left on device; write"):
        write_export(None, seed_export, stream=Full())

    class Gone(io.BytesIO):
        def write(self, data: Any) -> int:
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    with pytest.raises(BrokenPipeError):  # the reader left (| head): the command handles it
        write_export(None, seed_export, stream=Gone())
    monkeypatch.setattr(sys, "stdout", None)  # started with stdout closed (>&-)
    with pytest.raises(ExportError, match="standard output is closed"):
        write_export(None, seed_export)


def test_stale_parts_are_the_earlier_split_files_not_written_now(tmp_path: Path) -> None:
    for name in ("plan.ics", "plan-1.ics", "plan-2.ics", "plan-10.ics", "plan-x.ics", "plan-0.ics"):
        (tmp_path / name).write_text("x")
    whole = tmp_path / "plan.ics"
    assert stale_parts(whole, [whole]) == [
        tmp_path / n for n in ("plan-1.ics", "plan-2.ics", "plan-10.ics")
    ]
    assert stale_parts(whole, [tmp_path / "plan-1.ics", tmp_path / "plan-2.ics"]) == [
        tmp_path / "plan-10.ics"
    ]
    assert stale_parts(tmp_path / "missing" / "plan.ics", []) == []


def test_a_calendar_over_the_limit_is_split_into_complete_files(
    tmp_path: Path, seed_export: Export
) -> None:
    limit = seed_export.size // 3
    paths = write_export(tmp_path / "plan.ics", seed_export, limit=limit)
    assert [p.name for p in paths] == ["plan-1.ics", "plan-2.ics", "plan-3.ics", "plan-4.ics"][
        : len(paths)
    ]
    assert len(paths) in (3, 4)
    assert not (tmp_path / "plan.ics").exists()
    uids: list[str] = []
    for p in paths:
        text = p.read_bytes().decode("utf-8")
        assert len(text.encode("utf-8")) <= limit
        assert lint(text) == []
        cal = parse_ical(text)
        assert str(cal["X-WR-CALNAME"]).startswith("Backend Developer Roadmap")
        uids += [str(e["UID"]) for e in cal.walk("VEVENT")]
    assert uids == [str(e["UID"]) for e in parse_ical(seed_export.text).walk("VEVENT")]


def test_split_leaves_a_small_calendar_whole(seed_export: Export) -> None:
    assert split_calendar(seed_export.text) == [seed_export.text]
    assert seed_export.size < 1_000_000


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d, "is a folder"),
        (lambda d: d / "missing" / "plan.ics", "does not exist"),
        (lambda d: d / "a-file" / "plan.ics", "is not a folder"),
    ],
)
def test_unwritable_targets_are_one_line_errors(
    tmp_path: Path, seed_export: Export, make: object, message: str
) -> None:
    (tmp_path / "a-file").write_text("x")
    target = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ExportError, match=message) as info:
        write_export(target, seed_export)
    assert "\n" not in str(info.value)


def test_write_failure_is_an_export_error(
    tmp_path: Path, seed_export: Export, monkeypatch: pytest.MonkeyPatch
) -> None:
    import planner.calendar_out as mod

    def refuse(path: Path, data: object, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(mod, "write_atomic", refuse)
    with pytest.raises(ExportError, match=r"cannot write .*plan.ics: Permission denied; choose"):
        write_export(tmp_path / "plan.ics", seed_export)


# -- the real scheduler's plan ----------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles", "Europe/Berlin"])
def test_the_scheduled_seed_plan_round_trips(seed: Roadmap, zone: str) -> None:
    from planner.progress import Progress
    from planner.schedule import schedule
    from planner.settings import Settings

    tz = ZoneInfo(zone)
    plan = schedule(seed, Progress(), Settings(timezone=zone), date(2025, 3, 1), tz)
    assert len(plan.sessions) > 100
    for all_day in (False, True):
        export = build_calendar(seed, plan, Progress(), now=NOW, all_day=all_day)
        assert lint(export.text) == [] and export.warnings == []
        cal = parse_ical(export.text)
        assert all(c.errors == [] for c in cal.walk())
        vobject.readOne(export.text, validate=True)
        events = list(cal.walk("VEVENT"))
        if all_day:
            local_days = {(s.topic_id, s.start.date()) for s in plan.sessions}
            got = {(str(e["UID"]).split(".")[1], e.decoded("DTSTART")) for e in events}
            assert got == local_days
        else:
            got_times = {str(e["UID"]): (e.decoded("DTSTART"), e.decoded("DTEND")) for e in events}
            assert got_times == {
                f"backend-roadmap.{s.topic_id}.{s.part}@planner": (s.start, s.end)
                for s in plan.sessions
            }
