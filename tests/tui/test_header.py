"""The header's figures agree with `planner status`."""

from __future__ import annotations

from datetime import date

from planner.tui.widgets.header import HeaderFacts, render_header


def test_percent_is_rounded_down_like_planner_status() -> None:
    # 99.7 % is not done: the header must not say 100 % (planner status says 99 %)
    facts = HeaderFacts("R", 99.7, 2.0, date(2027, 1, 4), "on track")
    text = render_header(facts, 80).plain
    assert " 99%" in text and "100%" not in text
    assert " 100%" in render_header(HeaderFacts("R", 100.0, 0.0, None, ""), 80).plain


def test_percent_forgives_float_error() -> None:
    # 3.2 h of 16 h: 19.999999999999996 % in floats, shown as 20 % (as planner status)
    text = render_header(HeaderFacts("R", 100 * 3.2 / 16, 12.8, None, ""), 80).plain
    assert " 20%" in text
