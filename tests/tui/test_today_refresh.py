"""Today follows the clock by itself: once a session of today ends, "Next" moves on
without a key, from the app's once-a-second tick; between a session's start and end
nothing is drawn again."""

from __future__ import annotations

from datetime import datetime, timedelta

from planner.today import TodayFacts
from planner.tui.widgets.today_view import TodayView
from tests.tui.conftest import NOW, TODAY, AppFactory


def next_line(view: TodayView) -> str:
    return next(line for line in view.render().plain.splitlines() if line.startswith("Next"))


async def _ticks_until(pilot: object, done: object, seconds: float = 3.0) -> None:
    """Let the app's own timers run (no key) until ``done()`` or ``seconds`` passed."""
    for _ in range(int(seconds / 0.1)):
        if done():  # type: ignore[operator]
            return
        await pilot.pause(0.1)  # type: ignore[attr-defined]


async def test_next_moves_on_when_todays_first_session_ends(make_app: AppFactory) -> None:
    clock = [NOW]
    app = make_app(first_tab="today", now=lambda: clock[0])
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.screen.query_one("#today", TodayView)
        first = app.plan.sessions[0]
        assert first.start.date() == TODAY and first.start > NOW
        title = app.roadmap.topic(first.topic_id).title
        assert next_line(view).startswith(f"Next  today {first.start:%H:%M}–{first.end:%H:%M}")
        assert title in next_line(view)
        shown = view.facts

        # a second passes, then the session begins: nothing Today shows changes
        await pilot.pause(1.2)
        assert view.facts is shown
        assert app._today_due == first.start
        clock[0] = first.start + timedelta(seconds=1)
        await _ticks_until(pilot, lambda: app._today_due != first.start)
        assert app._today_due == first.end  # the tick looked again, found the same day
        assert view.facts is shown

        # its end passes: "Next" is the plan's next session, without a key pressed
        clock[0] = first.end + timedelta(seconds=1)
        await _ticks_until(pilot, lambda: view.facts is not shown)
        later = app.plan.sessions[1]
        assert later.start.date() > TODAY
        assert next_line(view) == f"Next  {later.start:%a} {later.start.day} {later.start:%b}"
        facts = view.facts
        assert facts is not None and facts.next is not None
        assert facts.next.start == later.start


def test_changes_after_is_the_next_start_or_end_shown() -> None:
    from planner.today import DaySession

    def at(hour: int, minute: int = 0) -> datetime:
        return NOW.replace(hour=hour, minute=minute)

    a = DaySession("a", at(9), at(10), 1.0, True, False, None)
    b = DaySession("b", at(19), at(20, 30), 1.5, False, False, None)
    tomorrow = DaySession(
        "c", at(19) + timedelta(days=1), at(20) + timedelta(days=1), 1.0, False, False, None
    )
    facts = TodayFacts(TODAY, (a, b), b, (), 2.5, 1.0, 1.0)
    assert facts.changes_after(at(8)) == at(9)
    assert facts.changes_after(at(10)) == at(19)
    assert facts.changes_after(at(19)) == at(20, 30)
    assert facts.changes_after(at(20, 30)) is None
    later = TodayFacts(TODAY, (a, b), tomorrow, (), 2.5, 1.0, 1.0)
    assert later.changes_after(at(20, 30)) == tomorrow.start
