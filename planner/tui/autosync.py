"""The app syncs the calendar by itself once the settings have a ``sync:`` section.

When: at start, a few seconds after the last change (check-off, log, undo, settings,
anything that re-plans), at once on the "Sync now" key or command, and after a failure
again with backoff (1, 2, 5, then every 10 minutes); the rule and the header's words are
the domain's ``planner.sync.status``.

How: one sync at a time, in a thread worker (group ``sync``), never on the UI thread. A
sync reads the plan as the app computed it and the progress as shown: the progress file is
saved by the check-off itself, before any sync starts (a sync starts after a refresh, and the
save of a check-off is the first thing after its refresh), and the worker never writes it.
So a failed sync loses and delays nothing. When a sync reports sessions the learner moved
in their calendar, they become pins as ``planner sync`` makes them
(``planner.shape.PinMoves``), saved on the UI thread once the worker has reported back,
through the store like any change of the app (recorded, undoable), and told. The network libraries (caldav, icalendar,
google-auth) are imported in the worker only, never on the app's start-up path.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

from planner import locations
from planner.sync.status import DEBOUNCE_SECONDS, RETRY_DELAYS, SyncStatus

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from textual.timer import Timer

    from planner.progress import Progress
    from planner.roadmap import Roadmap
    from planner.schedule import Session
    from planner.settings import SyncSettings
    from planner.shape import Pin
    from planner.sync.engine import CalendarAdapter, DesiredEvent, RemoteEvent, Report
    from planner.tui.app import PlannerApp

NOT_SET_UP = "sync is not set up: add a sync: section to the settings file (see README, Sync)"
"""What the sync key says where the settings have no sync section."""

PLAN_WAIT_SECONDS = 0.5
"""While a plan is being made (large roadmaps), look again this soon."""


@dataclass(frozen=True)
class Job:
    """What one sync works from, taken on the UI thread when it starts."""

    sync_settings: SyncSettings
    roadmap: Roadmap
    sessions: Sequence[Session]
    progress: Progress
    today: date
    now: datetime
    tz: tzinfo


STOPPED = "sync stopped as the app closed; the next sync completes it"


class Stoppable:
    """An adapter that stops before its next request once ``stop()`` says so (the app
    quit mid-sync): it raises ``SyncError``, the engine saves what was done, and the next
    sync carries on. Otherwise it is the adapter it wraps."""

    def __init__(self, adapter: CalendarAdapter, stop: Callable[[], bool]) -> None:
        self.adapter = adapter
        self.stop = stop

    def _check(self) -> None:
        from planner.sync.engine import SyncError

        if self.stop():
            raise SyncError(STOPPED)

    @property
    def calendar_name(self) -> str:
        return self.adapter.calendar_name

    def ensure_calendar(self, known: str | None, *, create: bool) -> str | None:
        self._check()
        return self.adapter.ensure_calendar(known, create=create)

    def list_events(self, calendar: str) -> list[RemoteEvent]:
        self._check()
        return self.adapter.list_events(calendar)

    def create(self, calendar: str, event: DesiredEvent, stamp: datetime) -> str | None:
        self._check()
        return self.adapter.create(calendar, event, stamp)

    def update(
        self, calendar: str, remote: RemoteEvent, event: DesiredEvent, stamp: datetime
    ) -> str | None:
        self._check()
        return self.adapter.update(calendar, remote, event, stamp)

    def delete(self, calendar: str, remote: RemoteEvent) -> None:
        self._check()
        self.adapter.delete(calendar, remote)


def run_job(job: Job, stop: Callable[[], bool] = lambda: False) -> Report:
    """One whole sync (any thread): open the service, make the calendar equal to the plan;
    ``stop()`` true stops it before its next request (what was done is recorded).

    Raises ``SyncError`` (one line) when it cannot finish."""
    from planner.sync import open_adapter
    from planner.sync.engine import sync_plan

    adapter = open_adapter(
        job.sync_settings, time_zone=getattr(job.tz, "key", None), interactive=False
    )
    return sync_plan(
        Stoppable(adapter, stop),
        job.roadmap,
        job.sessions,
        job.progress,
        job.sync_settings,
        state_path=locations.sync_state_path(job.roadmap.id),
        today=job.today,
        now=job.now,
        weeks=job.sync_settings.weeks,
    )


def moved_text(roadmap: Roadmap, pin: Pin) -> str:
    """What the app tells of a session moved in the calendar that became a pin."""
    item = roadmap.get(pin.topic_id)
    title = item.title if item is not None else pin.topic_id
    day = pin.start
    return f"moved in your calendar: {title} now pinned {day:%a} {day.day} {day:%b %H:%M}"


class AutoSync:
    """The app's sync: when it runs, the worker, the status the header shows.

    ``debounce``, ``start_delay`` and ``retry_delays`` (seconds) may be set short by tests.
    """

    debounce: float = DEBOUNCE_SECONDS
    start_delay: float = 0.0
    retry_delays: tuple[float, ...] = RETRY_DELAYS

    def __init__(self, app: PlannerApp) -> None:
        self.app = app
        self.status = SyncStatus()
        self._timer: Timer | None = None
        self._again = False
        """A sync was asked for while one ran: run another when it ends."""
        self._told: str | None = None
        """The failure message last notified (a retry failing the same way is not told)."""
        self.runs = 0
        """Syncs finished (succeeded or failed), for tests."""

    @property
    def configured(self) -> bool:
        return self.app.settings.sync is not None

    def text(self) -> str:
        """The header's words ("" when sync is not set up)."""
        return self.status.text(self.app.tz) if self.configured else ""

    # -- when ------------------------------------------------------------------------------

    def start(self) -> None:
        """At the app's start: the first sync (after the first frame)."""
        self.schedule(self.start_delay)

    def changed(self) -> None:
        """Something re-planned: sync ``debounce`` seconds after the last such change."""
        self.schedule(self.debounce)

    def schedule(self, delay: float) -> None:
        """Sync in ``delay`` seconds (a sync already scheduled is moved, not doubled)."""
        if not self.configured:
            return
        if self._timer is not None:
            self._timer.stop()
        # a timer of 0 s divides by zero in Textual: "at once" is in the next few ms
        self._timer = self.app.set_timer(max(delay, 0.01), self.sync_now, name="sync")

    def sync_now(self) -> None:
        """Start a sync now (after the next refresh, so a check-off's save comes first);
        if one is running, another follows it."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if not self.configured:
            return
        if self.status.running:
            self._again = True
            return
        self.status.started()  # at once, so two calls never start two syncs
        self._show()
        self.app.call_after_refresh(self._begin)

    # -- the worker ------------------------------------------------------------------------

    def _begin(self) -> None:
        app = self.app
        sync_settings = app.settings.sync
        if sync_settings is None:  # the settings lost their sync section meanwhile
            self.status.running = False
            self._show()
            return
        app.ensure_plan()
        if app.planning:  # a large roadmap's plan is being made: sync the new one
            app.set_timer(PLAN_WAIT_SECONDS, self._begin)
            return
        job = Job(
            sync_settings,
            app.roadmap,
            tuple(app.plan.sessions),
            app.progress,
            app.today,
            app.now(),
            app.tz,
        )

        def work() -> None:
            from textual.worker import get_current_worker

            worker = get_current_worker()  # cancelled when the app closes
            try:
                report = run_job(job, lambda: worker.is_cancelled)
            except Exception as exc:  # every failure is told, none is a traceback
                outcome: Report | BaseException = exc
            else:
                outcome = report
            with contextlib.suppress(RuntimeError):  # RuntimeError: the app has gone
                app.call_from_thread(self._finished, outcome, job)

        # one at a time: ``status.running`` holds every other start back until this one
        # has finished (``exclusive`` could only flag a running thread as cancelled)
        app.run_worker(work, thread=True, group="sync", exclusive=True, exit_on_error=False)

    def _finished(self, outcome: Any, job: Job | None = None) -> None:
        from planner.sync.engine import CalendarGone, SyncError, kept_text

        self.runs += 1
        app = self.app
        moment = app.now()
        if isinstance(outcome, BaseException):
            if isinstance(outcome, SyncError):
                message = str(outcome)
            else:
                app.log.error(f"sync: {outcome!r}")
                message = f"unexpected error ({type(outcome).__name__}: {outcome})"
            delay = self.status.failed(message, moment, self.retry_delays)
            if isinstance(outcome, CalendarGone) and self.status.failures == 1:
                delay = 0.0  # the engine forgot the calendar: the next sync makes it anew
            self.schedule(delay)
            if message != self._told:
                self._told = message
                app.notify(f"{message}; will retry", title="Sync failed", severity="warning")
        else:
            self.status.succeeded(moment)
            self._told = None
            pinned = app.pin_moves(job.sessions, outcome.moved) if job is not None else {}
            for kept in outcome.kept:  # the engine reports each once
                pin = pinned.get(kept.key)
                if pin is not None:
                    app.notify(moved_text(app.roadmap, pin), title="Sync", timeout=10)
                else:
                    app.notify(kept_text(kept, app.tz), title="Sync", timeout=10)
            for warning in outcome.warnings:
                app.notify(warning, title="Sync", severity="warning", timeout=10)
        self._show()
        if self._again:
            self._again = False
            self.sync_now()

    def _show(self) -> None:
        from textual.css.query import NoMatches

        from planner.tui.widgets.header import ProgressHeader

        app = self.app
        if app.is_running:
            with contextlib.suppress(NoMatches):  # the main screen holds the header
                app.screen_stack[0].query_one(ProgressHeader).show(app.header_facts())
