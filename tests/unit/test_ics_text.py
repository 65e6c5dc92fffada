"""Properties of the text repairs: any text folds within 75 octets and reads back as written."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import icalendar
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.calendar_out import build_calendar, clean_text, fold
from planner.progress import Progress
from planner.roadmap import Module, Roadmap, Subtopic, Topic
from planner.schedule import Plan, Session

NOW = datetime(2025, 3, 19, 8, 30, tzinfo=timezone.utc)

# any character a roadmap file could hold (no surrogates: not encodable in UTF-8)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)


@settings(max_examples=150, deadline=None)
@given(st.lists(TEXT.map(clean_text).filter(lambda s: "\n" not in s), min_size=1, max_size=5))
def test_fold_round_trips_and_keeps_lines_short(values: list[str]) -> None:
    lines = [f"X-TEXT:{v}" for v in values]  # content lines: never empty, never led by a space
    folded = fold("\r\n".join(lines))
    assert folded.endswith("\r\n")
    physical = folded.encode("utf-8").split(b"\r\n")[:-1]
    assert all(len(p) <= 75 for p in physical)
    for p in physical:
        p.decode("utf-8")  # no character cut in two
    unfolded = folded[:-2].replace("\r\n ", "")
    assert unfolded == "\r\n".join(lines)


def one_topic_roadmap(title: str, sub: str, module: str) -> Roadmap:
    topic = Topic("t", title, "m", subtopics=(Subtopic("t/s", sub),))
    return Roadmap("r", "R", (Module("m", module, 1, (topic,)),))


@settings(max_examples=100, deadline=None)
@given(title=TEXT, sub=TEXT, module=TEXT.filter(lambda s: clean_text(s).strip()))
def test_any_text_reads_back_as_cleaned(title: str, sub: str, module: str) -> None:
    roadmap = one_topic_roadmap(title, sub, module)
    start = datetime(2025, 4, 5, 9, tzinfo=timezone.utc)
    plan = Plan((Session("t", "m", start, start + timedelta(hours=1), 1, 1, 1),), None, 0)
    text = build_calendar(roadmap, plan, Progress(), now=NOW).text
    cal: Any = icalendar.Calendar.from_ical(text)
    event = next(iter(cal.walk("VEVENT")))
    assert str(event["SUMMARY"]) == clean_text(title) + " (1/1)"
    assert f"- {clean_text(sub)} (to do)" in str(event["DESCRIPTION"])
    assert event["CATEGORIES"].cats == [clean_text(module)]
