"""The Textual app: browse the roadmap, check topics off, watch the plan follow.

THE APP CONTRACT (views engineer, tests and the CLI rely on it)::

    PlannerApp(roadmap, *, roadmap_path, store, settings, settings_path, today,
               now=None, tz=None, watch=True, export_dir=None, first_start=False)

Everything is injected so tests and snapshots are stable. ``first_start`` (the command
line passes it when there is no settings file) opens the setup of the learner's week
(``screens/setup.py``) over the main screen. The main screen holds the
header, a ``TabBar`` (id ``tab-bar``) over three views, one shown at a time (class
``view``, the shown one ``-shown``): ``#roadmap`` (the tree and the detail pane),
``#agenda-view`` (an ``Agenda`` widget) and ``#calendar-view`` (a ``MonthCalendar``
widget), the plan views mounted when first shown; ``app.active_tab`` names the one
shown ("roadmap", "agenda" or "calendar"); and the footer, a ``KeyBar``.
Whenever the plan changes the app calls ``show(roadmap, plan, settings, today)`` on
both views (their ``pinned`` set first: the sessions to mark pinned, ``planner.shape``). The settings screen, ``SettingsScreen(settings)``, is dismissed with the
new ``Settings`` or None; the app saves it and re-plans.

``self.plan`` is recomputed from scratch by ``schedule(roadmap, progress, settings,
today)`` whenever progress or settings change. A check-off relabels only the nodes it
affects at once; the file is saved through the progress store right after that frame
(every change recorded in its history; ``ctrl+z``/``ctrl+y`` undo and redo); changes made
by other processes are picked up by polling the store's signature once a second.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static, Tree

from planner import locations
from planner.atomic import PROGRESS
from planner.errors import PlannerError, user_message
from planner.history import Intent, UndoError
from planner.progress import (
    ClockOut,
    Entry,
    Figures,
    Progress,
    ProgressError,
    ProgressStore,
    State,
    figures,
)
from planner.roadmap import Item, Module, Roadmap, Subtopic, Topic
from planner.schedule import Plan, Session, schedule
from planner.settings import Settings
from planner.textutil import visible
from planner.tui.autosync import NOT_SET_UP, AutoSync
from planner.tui.commands import PlannerProvider
from planner.tui.widgets.details import DetailsPane
from planner.tui.widgets.header import HeaderFacts, ProgressHeader
from planner.tui.widgets.key_bar import KeyBar
from planner.tui.widgets.roadmap_tree import RoadmapTree, TreeFacts
from planner.tui.widgets.tab_bar import TabBar
from planner.units import hours_text, log_sentence

if TYPE_CHECKING:
    from textual.widgets import Input

    from planner.shape import Pin, Pinned
    from planner.today import TodayFacts
    from planner.tui.screens.help import KeyRow
    from planner.tui.widgets.agenda import Agenda
    from planner.tui.widgets.filter_input import FilterInput
    from planner.tui.widgets.today_view import TodayView

FILTER_ID = "filter"
"""The tree's filter input (mounted on the first "/", not at start)."""
MIN_WIDTH = 80
MIN_HEIGHT = 24
POLL_SECONDS = 1.0
BUSY_POLL_SECONDS = 300.0
"""How often the busy calendars are read again (in a worker) for changes."""
CLOCK_SECONDS = 1.0
"""How often the header's timer is looked at (it repaints when its minute changes)."""
INFO_TIMEOUT = 5.0
"""The longest an information toast stays (warnings and errors stay longer)."""
EXPORT_NAME = "study-plan.ics"
GOOGLE_REMINDER = (
    "To add it to Google Calendar: Settings > Import & export > Import, choose the file "
    "and a calendar of its own (easy to delete and re-import after a re-plan)."
)


def open_with_system(target: str) -> None:
    """Open a file or URL with the system's opener, detached. Tests monkeypatch this."""
    if target.startswith("-"):  # never an option to the opener (links.classify makes sure)
        raise OSError(f"'{target}' looks like an option, not a file or URL")
    if sys.platform.startswith("win"):
        os.startfile(target)  # type: ignore[attr-defined]
        return
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    if shutil.which(opener) is None:
        raise OSError(f"no '{opener}' command on this system to open {target}")
    subprocess.Popen(
        [opener, target],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _fallback_tz() -> tzinfo:
    local = datetime.now().astimezone().tzinfo
    assert local is not None
    return local


@dataclass(frozen=True)
class Planned:
    """What ``compute_plan`` makes: figures, plan, the kept baseline, problems to tell."""

    figures: dict[str, Figures]
    plan: Plan
    baseline: dict[str, Any] | None
    problems: list[str]


def compute_plan(
    roadmap: Roadmap,
    progress: Progress,
    settings: Settings,
    today: date,
    tz: tzinfo,
    *,
    baseline_path: Path | None = None,
    busy: Sequence[tuple[int, int]] = (),
) -> Planned:
    """Figures and plan from scratch; with ``baseline_path`` also the kept baseline (made
    from this plan when there is none). Problems become messages, never exceptions."""
    from planner.plan_flow import kept_baseline

    problems: list[str] = []
    s = settings
    figs = figures(roadmap, progress, s.hours_per_day, s.unestimated_hours)
    try:
        plan = schedule(roadmap, progress, s, today, tz, busy=busy)
    except PlannerError as exc:
        total = figs.get(roadmap.id)
        plan = Plan((), None, total.remaining if total is not None else 0.0)
        problems.append(f"Cannot plan: {_message(exc)}")
    baseline = None
    if baseline_path is not None:  # the app's plans are real: kept as the rule says
        baseline, problem = kept_baseline(baseline_path, plan, today)
        if problem is not None:
            problems.append(problem)
    return Planned(figs, plan, baseline, problems)


TABS = (("today", "Today"), ("roadmap", "Roadmap"), ("agenda", "Agenda"), ("calendar", "Calendar"))
"""The main screen's views: (id, title) in the tab bar's order."""

VIEW_IDS = {"agenda": "agenda-view", "calendar": "calendar-view"}
"""Tab id -> the id of its plan view (mounted when first shown); the roadmap's is its own."""


def _view_class(kind: str) -> type[Widget]:
    """The plan view's class, imported when first needed (off the start-up path)."""
    if kind == "agenda":
        from planner.tui.widgets.agenda import Agenda

        return Agenda
    from planner.tui.widgets.month_calendar import MonthCalendar

    return MonthCalendar


class MainScreen(Screen[None]):
    """The default screen: the tree has the focus from the start (modals keep Textual's rule)."""

    AUTO_FOCUS = "#tree"


class TodayFirstScreen(MainScreen):
    """The main screen when the app opens on Today: Today has the focus."""

    AUTO_FOCUS = "#today"


class PlannerApp(App[None]):
    """The planner's app. See the module docstring for the contract."""

    CSS_PATH = "app.tcss"
    TITLE = "planner"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {PlannerProvider}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "x",
            "export",
            "Export",
            id="export",
            tooltip=f"Export the plan as {EXPORT_NAME} for Google Calendar",
        ),
        Binding(
            "slash",
            "filter",
            "Filter",
            id="filter",
            tooltip="Filter the tree by title (Esc clears)",
        ),
        Binding("question_mark", "help", "Help", id="help", tooltip="This list of keys"),
        Binding(
            "comma",
            "settings",
            "Settings",
            id="settings",
            tooltip="Weekly hours, start times, days off...",
        ),
        Binding(
            "r",
            "show_tab('roadmap')",
            "Roadmap",
            id="tab_roadmap",
            show=False,
            tooltip="Show the roadmap tab",
        ),
        Binding(
            "a",
            "show_tab('agenda')",
            "Agenda",
            id="tab_agenda",
            show=False,
            tooltip="Show the agenda: coming sessions, week by week",
        ),
        Binding(
            "c",
            "show_tab('calendar')",
            "Calendar",
            id="tab_calendar",
            show=False,
            tooltip="Show the month calendar",
        ),
        Binding(
            "d",
            "show_tab('today')",
            "Today",
            id="tab_today",
            show=False,
            tooltip="Show today: today's sessions, what comes next, the week so far",
        ),
        Binding("q", "quit", "Quit", id="quit", tooltip="Quit (everything is already saved)"),
        Binding(
            "ctrl+z",
            "undo",
            "Undo",
            id="undo",
            show=False,
            tooltip="Take back the last change (again to go further back)",
        ),
        Binding(
            "ctrl+shift+z,ctrl+y",
            "redo",
            "Redo",
            id="redo",
            show=False,
            tooltip="Make again what undo took back",
        ),
        Binding(
            "t",
            "clock",
            "Timer",
            id="clock",
            show=False,
            tooltip="Start the study timer on the highlighted topic; again to stop it",
        ),
        Binding(
            "S",
            "sync",
            "Sync",
            id="sync",
            show=False,
            tooltip="Sync the calendar now (the settings' sync section says which)",
        ),
    ]

    def __init__(
        self,
        roadmap: Roadmap,
        *,
        roadmap_path: Path,
        store: ProgressStore,
        settings: Settings,
        settings_path: Path | None,
        today: date,
        now: Callable[[], datetime] | None = None,
        tz: tzinfo | None = None,
        watch: bool = True,
        export_dir: Path | None = None,
        first_tab: str = "today",
        first_start: bool = False,
    ) -> None:
        super().__init__()
        self.first_start = first_start
        """No settings file was found at start: the setup opens first (``action_setup_week``)."""
        self.roadmap = roadmap
        self.roadmap_path = roadmap_path
        self.store = store
        self.settings = settings
        self.settings_path = settings_path
        self.today = today
        self.tz: tzinfo = tz if tz is not None else _zone_of(settings)
        self._tz_injected = tz is not None
        self.baseline: dict[str, Any] | None = None
        self._now = now
        self.watch_files = watch
        self.export_dir = export_dir
        self.progress: Progress = Progress()
        self.figures: dict[str, Figures] = {}
        self.plan: Plan = Plan((), None, 0.0)
        self._signature: object = None
        self._reload_problem: object = None
        self._startup_problems: list[str] = []
        self._tab = first_tab
        self._views: dict[str, Widget] = {}
        self.planning = False
        """True while a plan is being made in the background (large roadmaps)."""
        self._generation = 0
        self._plan_due: Callable[[], None] | None = None
        self.autosync = AutoSync(self)
        """Syncs the calendar by itself when the settings have a sync section."""
        self._load_progress_or_empty()
        s = settings
        self.facts = TreeFacts(roadmap, self.progress, {}, s.hours_per_day, s.unestimated_hours)
        if self._plan_in_background():
            self.planning = True  # started in on_mount
        else:
            # with busy calendars the baseline is kept once they are read (_busy_read); on
            # the first start, once the learner's week is set (action_setup_week)
            keep = not (settings.busy or first_start)
            self._apply_plan(self._generation, self._compute(keep_baseline=keep), None)

    # -- time ------------------------------------------------------------------

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Textual's notify, but literal by default: messages quote titles and paths
        from the user's files, which must never be read as markup, nor hold a control
        character (shown harmlessly). Information is short-lived: at most
        ``INFO_TIMEOUT`` seconds, whatever was asked; warnings and errors stay as asked."""
        if severity == "information":
            timeout = min(INFO_TIMEOUT, timeout if timeout is not None else INFO_TIMEOUT)
        super().notify(
            visible(message, multiline=True),
            title=visible(title),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def now(self) -> datetime:
        return self._now() if self._now is not None else datetime.now(self.tz)

    # -- domain state ------------------------------------------------------------

    def _load_progress_or_empty(self) -> None:
        self._signature = self.store.signature()
        self.progress = self.store.load()

    sync_plan_topics: ClassVar[int] = 1500
    """Up to this many topics the plan is made at once; above, in a thread."""

    def _plan_in_background(self) -> bool:
        return sum(len(m.topics) for m in self.roadmap.modules) > self.sync_plan_topics

    def _compute(self, *, keep_baseline: bool = False) -> Planned:
        """Figures and plan from scratch for the current state (any thread)."""
        return compute_plan(
            self.roadmap,
            self.progress,
            self.settings,
            self.today,
            self.tz,
            baseline_path=locations.baseline_path(self.roadmap.id) if keep_baseline else None,
            busy=self.busy,
        )

    def _replan(self, ids: Iterable[str] | None, *, keep_baseline: bool = False) -> None:
        """Re-plan from scratch: at once for a small roadmap, else in a thread.

        ``ids``: items whose module bars must be redrawn with the new figures
        (None: every module).
        """
        self._generation += 1
        generation = self._generation
        if self.is_running:
            self.autosync.changed()  # the calendar follows, a few seconds after the last
        if not self._plan_in_background():
            wanted_ids = list(ids) if ids is not None else None

            def now() -> None:
                if self._generation == generation and self._plan_due is not None:
                    self._plan_due = None
                    planned = self._compute(keep_baseline=keep_baseline)
                    self._apply_plan(generation, planned, wanted_ids)

            if not self.is_running:
                self._apply_plan(generation, self._compute(keep_baseline=keep_baseline), ids)
                return
            # right after the next frame, so the check-off itself shows at once;
            # anything that needs the plan before then calls ensure_plan()
            self._plan_due = now
            self.call_after_refresh(now)
            return
        self.planning = True
        wanted = list(ids) if ids is not None else None

        def work() -> None:
            try:
                planned = self._compute(keep_baseline=keep_baseline)
                planned.plan.made()  # its sessions made here, not on the app's thread
            except Exception as exc:  # reported on the app's thread
                planned = Planned({}, self.plan, None, [f"Cannot plan: {exc!r}"])
            with contextlib.suppress(RuntimeError):  # RuntimeError: the app has gone
                self.call_from_thread(self._apply_plan, generation, planned, wanted)

        self.run_worker(work, thread=True, group="plan", exit_on_error=False)

    def ensure_plan(self) -> None:
        """Make a plan that is due (small roadmaps) now rather than after the next frame."""
        due = self._plan_due
        if due is not None:
            due()

    def _apply_plan(self, generation: int, planned: Planned, ids: Iterable[str] | None) -> None:
        """Take a finished plan (dropped if a newer one was asked for)."""
        if generation != self._generation:
            return
        self.planning = False
        self.figures = planned.figures
        self.plan = planned.plan
        if planned.baseline is not None:
            self.baseline = planned.baseline
        s = self.settings
        self.facts = TreeFacts(
            self.roadmap, self.progress, self.figures, s.hours_per_day, s.unestimated_hours
        )
        for problem in planned.problems:
            if self.is_running:
                self.notify(problem, title="Plan", severity="warning", timeout=10)
            else:
                self._startup_problems.append(problem)
        if not self.is_running:
            return
        tree = self.roadmap_tree
        tree.set_facts(self.facts)
        if ids is None:
            tree.relabel([m.id for m in self.roadmap.modules])
        else:
            tree.relabel(ids)  # their modules' bars
        self._refresh_views()

    def pace(self) -> tuple[str, str]:
        """'on track' / 'behind by N h' / 'ahead by N h' against the baseline, and a style
        (skipped work left out of both sides: ``planner.pace.scope_slippage``)."""
        from planner.pace import scope_slippage, skipped_topics

        if self.baseline is None:
            return "", ""
        skipped = skipped_topics(self.roadmap, self.progress)
        slip = scope_slippage(self.baseline, self.plan, self.today, skipped)
        if slip is None:
            return "", ""
        style = {"on track": "bold green", "behind": "bold red", "ahead": "bold cyan"}
        return slip.words(), style.get(slip.state, "")

    def header_facts(self) -> HeaderFacts:
        total = self.figures.get(self.roadmap.id)
        percent = total.percent if total is not None else 0.0
        pace, style = self.pace()
        return HeaderFacts(
            self.roadmap.title,
            percent,
            self.plan.hours_remaining,
            self.plan.finish,
            pace,
            style,
            planning=self.planning,
            clock=self.clock_text(),
            sync=self.autosync.text(),
        )

    # -- layout ------------------------------------------------------------------

    def get_default_screen(self) -> Screen[Any]:
        return (TodayFirstScreen if self._tab == "today" else MainScreen)(id="main")

    def compose(self) -> ComposeResult:
        yield ProgressHeader(id="header")
        yield TabBar(TABS, active=self._tab, id="tab-bar")
        # the views: one shown at a time (class -shown); the filter is docked on top of
        # the roadmap view by the first "/", the plan views come after it when their tab
        # is first shown (see ensure_view)
        from planner.tui.widgets.today_view import TodayView

        yield TodayView(id="today", classes="view -shown" if self._tab == "today" else "view")
        with Horizontal(id="roadmap", classes="view -shown" if self._tab == "roadmap" else "view"):
            yield RoadmapTree(self.facts, id="tree")
            yield DetailsPane(id="details")
        yield KeyBar(id="footer")
        # "#too-small" is mounted when the window first is too small (see _check_size)

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.apply_keymap(self.settings.keymap)
        else:
            self._show_tab_keys()
        self._restore_theme()
        self._check_size()
        tree = self.roadmap_tree
        if tree.root.children:
            tree.move_to(tree.root.children[0])
        self._refresh_views()
        if self.planning:
            # after the first frame: the planning thread would hold the GIL for much
            # of it, and the tree is what the user wants to see first
            # else kept once they are read (_busy_read), or the learner's week is set
            keep = not (self.settings.busy or self.first_start)
            self.call_after_refresh(partial(self._replan, None, keep_baseline=keep))
        for problem in self._startup_problems:
            self.notify(problem, severity="warning", timeout=10)
        if self.watch_files:
            self.set_interval(POLL_SECONDS, self._poll, name="progress-poll")
        self.set_interval(CLOCK_SECONDS, self._tick_clock, name="clock-tick")
        self.autosync.start()
        if self.first_start:
            self.call_after_refresh(self.action_setup_week)
        if self.settings.busy:
            self._read_busy()
            self.set_interval(BUSY_POLL_SECONDS, self._read_busy, name="busy-poll")

    # -- busy calendars (issue 13) ----------------------------------------------------

    busy: Sequence[tuple[int, int]] = ()
    """The busy times read from the settings' busy calendars (``planner.busy.BusyTimes``)."""

    def _read_busy(self) -> None:
        """Read the busy calendars in a worker (URLs fetched there, never blocking the UI);
        when what they hold has changed, re-plan around it."""
        sources_text = self.settings.busy
        if not sources_text:
            return
        base = (self.settings_path or Path.cwd() / "settings.yaml").expanduser().absolute().parent
        tz, today, plan = self.tz, self.today, self.plan
        finish = plan.finish or today + timedelta(days=365)
        end = today + timedelta(days=2 * ((finish - today).days + 1) + 28)
        all_day = self.settings.busy_all_day
        sync_settings = self.settings.sync
        now = datetime.now(timezone.utc)

        def work() -> None:
            from planner.busy import read_sources, source_of

            try:
                sources = [source_of(text, base) for text in sources_text]
                sync = None
                if sync_settings is not None and any(s.kind == "sync" for s in sources):
                    from planner.sync import busy_reader

                    sync = busy_reader(sync_settings)  # never a browser: a warning instead
                got = read_sources(
                    sources,
                    today,
                    end,
                    tz,
                    now,
                    all_day_blocks=all_day,
                    cache=locations.cache_dir(),
                    sync=sync,
                )
                result: tuple[tuple[tuple[int, int], ...], tuple[str, ...]] = (
                    got.times,
                    got.warnings,
                )
            except Exception as exc:  # reported on the app's thread; the plan stays
                result = (tuple(self.busy), (_message(exc),))
            with contextlib.suppress(RuntimeError):  # the app has gone
                self.call_from_thread(self._busy_read, *result)

        self.run_worker(work, thread=True, group="busy", exclusive=True, exit_on_error=False)

    _busy_first_read = True
    _busy_warned: tuple[str, ...] = ()
    """The last read's warnings: one the read before gave too is not told again (a missing
    permission would otherwise be told every poll)."""

    def _busy_read(self, times: Sequence[tuple[int, int]], warnings: Sequence[str]) -> None:
        for warning in warnings:
            if warning not in self._busy_warned:
                self.notify(warning, title="Busy calendars", severity="warning", timeout=10)
        self._busy_warned = tuple(warnings)
        first, self._busy_first_read = self._busy_first_read, False
        if first or tuple(times) != tuple(self.busy):
            self.busy = tuple(times)
            # the first plan around them is the one kept as the baseline (if none is)
            self._replan(None, keep_baseline=first)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "/" filters the tree: offered on the roadmap tab only (keeps the footer short)
        return action != "filter" or self.active_tab == "roadmap"

    @property
    def active_tab(self) -> str:
        """The id of the view shown: "today", "roadmap", "agenda" or "calendar"."""
        return self._tab

    def _switch_tab(self, tab: str) -> None:
        """Show a view (mounted or not) and mark its title; see ``action_show_tab``."""
        if tab == self._tab:
            return
        self.query_one("#tab-bar", TabBar).active = tab  # checks the name
        for view in self.screen_stack[0].query(".view"):
            view.set_class(view.id == VIEW_IDS.get(tab, tab), "-shown")
        self._tab = tab
        self.refresh_bindings()  # the filter key comes and goes with the roadmap tab

    async def on_tab_bar_clicked(self, event: TabBar.Clicked) -> None:
        await self.action_show_tab(event.tab)

    @property
    def roadmap_tree(self) -> RoadmapTree:
        return self.query_one("#tree", RoadmapTree)

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size)

    def _check_size(self, size: Size | None = None) -> None:
        width, height = size if size is not None else self.size
        small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(small, "-too-small")
        if small:
            message = Text(justify="center")
            message.append("The window is too small for planner\n\n", style="bold")
            message.append(f"It needs at least {MIN_WIDTH}x{MIN_HEIGHT}; ")
            message.append(f"this one is {width}x{height}.\n")
            message.append("Enlarge the window or make the font smaller.\n\n")
            message.append("q quits", style="dim")
            main = self.screen_stack[0]  # a modal may be open
            shown = main.query("#too-small")
            if shown:
                shown.first(Static).update(message)
            else:
                main.mount(Static(message, id="too-small"))

    # -- refreshing --------------------------------------------------------------

    def _refresh_views(self, *, details: bool = True) -> None:
        """Header, detail pane and plan views from the current state."""
        self.query_one(ProgressHeader).show(self.header_facts())
        if details:
            self._show_details()
        self._show_today()
        for view in self._views.values():
            self._show_view(view)

    def _show_view(self, view: Any) -> None:
        try:
            view.pinned = self.pinned()
            view.show(self.roadmap, self.plan, self.settings, self.today)
            if hasattr(view, "show_logged"):  # the calendar: hours logged on past days
                from planner.today import logged_by_day

                view.show_logged(logged_by_day(self.progress.history.newest_first(), self.tz))
        except Exception as exc:  # a view's bug must not cost the user the app
            self.log.error(f"{view!r}.show failed: {exc!r}")
            self.notify(f"This view could not be drawn: {exc!r}", severity="error")

    async def ensure_view(self, tab: str) -> Widget | None:
        """The plan view of a tab, mounted (and shown) the first time it is needed."""
        widget_id = VIEW_IDS.get(tab)
        if widget_id is None:
            return None
        view = self._views.get(tab)
        if view is None:
            view = self._views[tab] = _view_class(tab)(id=widget_id, classes="view")
            view.set_class(tab == self._tab, "-shown")
            self._show_view(view)  # the views accept show() before they are mounted
            await self.screen_stack[0].mount(view, after="#roadmap")
            self._show_view(view)  # and draw everything once they are
        return view

    def _show_details(self) -> None:
        tree = self.roadmap_tree
        node = tree.cursor_node
        item = node.data if node is not None else None
        pane = self.query_one(DetailsPane)
        if item is None and tree.filter_text.strip():
            pane.message(
                f"No title contains '{tree.filter_text.strip()}'.\n\n"
                "Change the filter, or press Esc to clear it."
            )
            return
        pane.show(item, self.facts, self.plan, today=self.today, tz=self.tz)

    def on_agenda_session_selected(self, event: Agenda.SessionSelected) -> None:
        """Enter on a session in the agenda: show its topic on the roadmap tab."""
        if not self._track_session(event.session.track):
            self.show_item(event.session.topic_id)

    def show_item(self, item_id: str) -> bool:
        """Switch to the roadmap tab with the cursor on an item (filter cleared if
        it hides the item). False when the roadmap has no such item."""
        if self.roadmap.get(item_id) is None:
            return False
        tree = self.roadmap_tree
        if tree.filter_text:
            self.action_clear_filter()
        self._switch_tab("roadmap")
        moved = tree.select_id(item_id)
        if moved:
            tree.focus()
        return moved

    @on(Tree.NodeHighlighted, "#tree")
    def _highlighted(self, event: Tree.NodeHighlighted[Item]) -> None:
        self.query_one(DetailsPane).show(
            event.node.data, self.facts, self.plan, today=self.today, tz=self.tz
        )

    def _after_progress(self, progress: Progress, changed: Iterable[str] | None) -> None:
        """New progress: relabel the affected nodes at once (all that differ when
        ``changed`` is None), then re-plan (header, bars, details and views follow)."""
        old_facts = self.facts
        self.progress = progress
        s = self.settings
        self.facts = TreeFacts(
            self.roadmap, progress, self.figures, s.hours_per_day, s.unestimated_hours
        )
        tree = self.roadmap_tree
        tree.set_facts(self.facts)
        if changed is None:
            old_facts.prefetch()
            self.facts.prefetch()
            ids = [i for i in tree.nodes_by_id if old_facts.state(i) is not self.facts.state(i)]
        else:
            ids = list(changed)
        tree.relabel(ids)
        self._replan(ids)
        if self.planning or self._plan_due is not None:
            self._show_details()  # the state now; the plan's figures follow

    def _user_error(self, exc: BaseException, title: str) -> None:
        """Show an error as a notification; the app keeps running, nothing is lost."""
        known = user_message(exc) is not None or isinstance(exc, OSError)
        if not known:
            self.log.error(f"{title}: {exc!r}")
        text = _message(exc) if known else f"Unexpected error: {exc!r}"
        self.notify(text, title=title, severity="error", timeout=12)

    # -- current item --------------------------------------------------------------

    def current_item(self) -> Item | None:
        if self.active_tab != "roadmap":
            return None
        node = self.roadmap_tree.cursor_node
        return node.data if node is not None else None

    def _need_item(self) -> Item | None:
        item = self.current_item()
        if item is None:
            self.notify("Highlight a module, topic or subtopic in the Roadmap tab first.")
        return item

    # -- check-off -------------------------------------------------------------------

    def set_state(self, item_id: str, state: State, *, reopen: bool = False) -> bool:
        """Record a state for one item: shown at once, saved right after that frame.

        The change is worked out on a copy of the progress in memory and shown; then the
        store saves it (re-read under the lock, applied again, recorded in the history)
        and whatever the file held differently is shown too. When the file changed
        outside since it was read, it is saved first, as it is then shown whole. False
        (notified) when the change cannot be made; a failed save is notified and the
        tree shows the file again.

        ``reopen``: toggle a closed item open, giving back what closing it changed
        (``Progress.reopen``) instead of setting everything under it to todo."""
        outside = self.store.signature() != self._signature
        moment = self.now()

        def change(progress: Progress) -> list[str]:
            if reopen:
                return progress.reopen(self.roadmap, item_id, moment)
            return progress.set_state(self.roadmap, [item_id], state, moment)

        intent = Intent("reopen" if reopen else None, (item_id,), state.value)
        if outside:
            return self._save_state(change, intent, moment, None)
        before = self.progress
        preview = Progress(
            {k: Entry(e.state, e.changed, e.logged_hours) for k, e in before.entries.items()},
            before.roadmap_id,
            before.history,
            before.clock,
            order=list(before.order),
            pins=list(before.pins),
        )
        try:
            changed = change(preview)
        except Exception as exc:
            self._user_error(exc, "Not saved")
            return False
        self._after_progress(preview, changed)
        self.call_after_refresh(self._save_state, change, intent, moment, before)
        return True

    def _save_state(
        self,
        change: Callable[[Progress], list[str]],
        intent: Intent,
        moment: datetime,
        shown_from: Progress | None,
    ) -> bool:
        """Save a change through the store; show what the file then holds (only what
        differs from the change shown at once, when ``shown_from`` is the progress it was
        worked out from)."""
        try:
            progress = self.store.update(change, "app", moment, intent)
        except Exception as exc:
            self._user_error(exc, "Not saved")
            if shown_from is not None:
                self._after_progress(shown_from, None)
            return False
        self._signature = self.store.signature()
        if shown_from is None:  # saved first as the file had changed: show it all
            self._after_progress(progress, None)
        elif progress.entries == self.progress.entries:
            self.progress = progress  # as shown: keep the saved copy (with its history)
        else:
            self._after_progress(progress, None)
        return True

    def _check(self, state: State | None) -> None:
        item = self._need_item()
        if item is None:
            return
        current = self.facts.state(item.id)
        reopen = state is None and current is State.DONE
        if state is None:  # toggle: a second space gives back what the first changed
            state = State.TODO if current is State.DONE else State.DONE
        if current is state:
            word = {State.TODO: "to do"}.get(state, state.value.replace("_", " "))
            self.notify(f"'{item.title}' is already {word}.", timeout=3)
            return
        self.set_state(item.id, state, reopen=reopen)

    def action_toggle_done(self) -> None:
        self._check(None)

    def action_set_in_progress(self) -> None:
        self._check(State.IN_PROGRESS)

    def action_set_skipped(self) -> None:
        self._check(State.SKIPPED)

    def action_set_todo(self) -> None:
        self._check(State.TODO)

    @on(RoadmapTree.StateRequested)
    def _state_requested(self, event: RoadmapTree.StateRequested) -> None:
        # through the actions (the palette's and the benchmark's way in too): they act
        # on the highlighted item, the one the request names
        actions: dict[State | None, Callable[[], None]] = {
            None: self.action_toggle_done,
            State.IN_PROGRESS: self.action_set_in_progress,
            State.SKIPPED: self.action_set_skipped,
            State.TODO: self.action_set_todo,
            State.DONE: partial(self._check, State.DONE),
        }
        actions[event.state]()

    @on(RoadmapTree.LogHoursRequested)
    def _log_hours_requested(self, event: RoadmapTree.LogHoursRequested) -> None:
        self.action_log_hours()

    @on(RoadmapTree.OpenLinkRequested)
    def _open_link_requested(self, event: RoadmapTree.OpenLinkRequested) -> None:
        self.action_open_link()

    @on(RoadmapTree.OrderRequested)
    def _order_requested(self, event: RoadmapTree.OrderRequested) -> None:
        # through the actions, as the palette's entries: they act on the highlighted item
        if event.where == "front":
            self.action_queue_front()
        else:
            self.action_queue_move(int(event.where))

    # -- log hours -----------------------------------------------------------------

    def action_log_hours(self) -> None:
        item = self._need_item()
        if item is None:
            return
        if isinstance(item, Module):
            self.notify("Hours are logged on a topic: highlight one of this module's topics.")
            return
        topic = self.roadmap.parent_topic(item.id) if isinstance(item, Subtopic) else item
        assert isinstance(topic, Topic)

        def done(hours: float | None) -> None:
            if hours is not None:
                self.log_hours(topic.id, hours)

        from planner.tui.screens.log_hours import LogHoursScreen

        self.push_screen(LogHoursScreen(topic.title, self.progress.logged(topic.id)), done)

    def log_hours(self, topic_id: str, hours: float) -> bool:
        """Log hours on a topic (a topic still to do is started), save, relabel."""
        outside = self.store.signature() != self._signature
        moment = self.now()
        started: list[str] = []
        applied = 0.0

        def change(progress: Progress) -> None:
            nonlocal applied
            before = progress.logged(topic_id)
            started[:] = progress.log_work(self.roadmap, topic_id, hours, moment)
            applied = progress.logged(topic_id) - before

        try:
            progress = self.store.update(
                change, "app", moment, Intent("log", (topic_id,), hours=hours)
            )
        except Exception as exc:
            self._user_error(exc, "Not saved")
            return False
        self._signature = self.store.signature()
        self._after_progress(progress, None if outside else [topic_id, *started])
        total = progress.logged(topic_id)
        now_started = " It is now in progress." if topic_id in started else ""
        said = log_sentence(hours, applied)
        self.notify(
            f"{said[0].upper()}{said[1:]} on {self.roadmap.topic(topic_id).title} "
            f"({hours_text(total)} in all).{now_started}"
        )
        return True

    # -- study timer -------------------------------------------------------------------

    def clock_text(self) -> str:
        """The running timer as the header shows it (``0:25 Topic title``), or ''."""
        clock = self.progress.clock
        if clock is None:
            return ""
        topic = self.roadmap.get(clock.topic)
        title = topic.title if topic is not None else clock.topic
        return f"{clock.elapsed_text(self.now())} {title}"

    def _tick_clock(self) -> None:
        """Once a second: the header's timer, repainted only when its text changes, and
        Today, once one of its sessions began or ended (``_today_due``; shown again only
        when what it shows changed); nothing once the app is closing and its screen is
        gone."""
        try:
            header = self.query_one(ProgressHeader)
        except NoMatches:
            return
        facts = header.facts
        if facts is not None and (self.progress.clock is not None or facts.clock):
            header.show(dataclass_replace(facts, clock=self.clock_text()))
        due = self._today_due
        if due is not None and self.now() >= due:  # a session of Today began or ended
            self._show_today(only_changed=True)

    def _clock_target(self) -> str | None:
        """The item the timer would start on: the roadmap's highlighted item, or the
        highlighted session's topic in a view that has one (``cursor_session``)."""
        if self.active_tab == "roadmap":
            item = self.current_item()
            return item.id if item is not None else None
        session = getattr(self._views.get(self.active_tab), "cursor_session", None)
        return getattr(session, "topic_id", None)

    def action_clock(self) -> None:
        """``t``: start the timer on the highlighted topic or session; on the one it runs
        on (or with nothing highlighted), stop it. One timer at a time: starting it on
        another topic stops the running one first, its time logged, and says so."""
        running = self.progress.clock
        target = self._clock_target()
        if running is not None:
            try:
                topic = self.progress.clock_topic(self.roadmap, target) if target else None
            except ProgressError:
                topic = None
            if topic is None or topic == running.topic:
                self.clock_out()
                return
        if target is None:
            self.notify(
                "Highlight a topic in the Roadmap tab, or a session, to start the timer on it."
            )
            return
        self.clock_in(target)

    def clock_in(self, item_id: str) -> bool:
        """Start the timer on a topic (a subtopic's: its topic), stopping a running one
        first; saved with the progress (in its history). False (notified) when not."""
        try:
            topic = self.progress.clock_topic(self.roadmap, item_id)
        except ProgressError as exc:
            self.notify(_message(exc), timeout=5)
            return False
        said = ""
        running = self.progress.clock
        if running is not None:
            if running.topic == topic:
                self.notify(f"The timer already runs on {self._topic_title(topic)}.", timeout=4)
                return False
            stopped = self.clock_out(quiet=True)
            if stopped is None:
                return False
            said = f"{stopped} "
        moment = self.now()
        try:
            progress = self.store.update(
                lambda p: p.clock_in(self.roadmap, topic, moment),
                "app",
                moment,
                Intent("clock", (topic,), "in"),
            )
        except Exception as exc:
            self._user_error(exc, "Timer not started")
            return False
        self._signature = self.store.signature()
        self._after_progress(progress, [])
        self._tick_clock()
        self.notify(f"{said}Timer started on {self._topic_title(topic)}; t stops it.", timeout=4)
        return True

    def clock_out(self, *, quiet: bool = False) -> str | None:
        """Stop the timer and log its time on its topic (a topic still to do starts).
        Returns what was done, in words (notified unless ``quiet``); None (notified) when
        no timer runs or the change was not saved."""
        moment = self.now()
        done: list[ClockOut] = []

        def stop(progress: Progress) -> Intent:
            done.append(progress.clock_out(self.roadmap, moment))
            out = done[0]
            if out.hours > 0:
                return Intent("log", (out.clock.topic,), hours=out.hours)
            return Intent("clock", (out.clock.topic,), "out")

        try:
            progress = self.store.update(stop, "app", moment)
        except ProgressError as exc:
            self.notify(_message(exc), timeout=5)
            return None
        except Exception as exc:
            self._user_error(exc, "Timer not stopped")
            return None
        self._signature = self.store.signature()
        out = done[0]
        topic = out.clock.topic
        self._after_progress(progress, [topic, *out.started])
        self._tick_clock()
        ran = out.clock.elapsed_text(moment)
        title = self._topic_title(topic)
        if out.hours > 0:
            started = " It is now in progress." if topic in out.started else ""
            text = (
                f"Timer stopped on {title} after {ran}: logged {hours_text(out.hours)} "
                f"({hours_text(progress.logged(topic))} in all).{started}"
            )
        else:
            text = f"Timer stopped on {title} after under a minute: nothing logged."
        if not quiet:
            self.notify(text, timeout=5)
        return text

    def _topic_title(self, topic_id: str) -> str:
        topic = self.roadmap.get(topic_id)
        return topic.title if topic is not None else topic_id

    # -- keys ------------------------------------------------------------------------

    def binding_groups(self) -> list[tuple[str, Iterable[BindingType]]]:
        """Every group of bindings a remap may name: (scope, bindings)."""
        from planner.tui.keys import ANYWHERE

        groups: list[tuple[str, Iterable[BindingType]]] = [("roadmap", RoadmapTree.BINDINGS)]
        groups += [(tab, _view_class(tab).BINDINGS) for tab in VIEW_IDS]
        groups.append((ANYWHERE, self.BINDINGS))
        return groups

    def apply_keymap(self, keymap: dict[str, str]) -> list[str]:
        """Apply the settings' remaps, refusing (with one message each, notified) an
        unknown binding id and a key another binding has. Returns the messages."""
        from planner.tui.keys import check_keymap

        accepted, problems = check_keymap(keymap, self.binding_groups()) if keymap else ({}, [])
        self.set_keymap(accepted)
        self._show_tab_keys()
        for problem in problems:
            self.notify(problem, title="Settings: keys", severity="error", timeout=15)
        return problems

    def _show_tab_keys(self) -> None:
        """Each tab's key after its title, as bound now (``show_tab`` bindings)."""
        keymap = dict(self._keymap)
        keys: dict[str, str] = {}
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action.startswith("show_tab("):
                tab = binding.action[len("show_tab(") : -1].strip("'\"")
                first = keymap.get(binding.id or "", binding.key).split(",")[0].strip()
                keys[tab] = self.get_key_display(Binding(first, ""))
        self.query_one("#tab-bar", TabBar).keys = keys

    # -- remembered in the settings ----------------------------------------------------

    def remember(self, **changes: Any) -> bool:
        """Keep a choice made in the app (``theme``, ``roadmap``) in the settings file,
        written atomically; nothing is written when nothing changes. False (notified)
        when the file could not be written; the choice holds for this run all the same."""
        from planner.settings import save_settings

        new = dataclass_replace(self.settings, **changes)
        if new == self.settings:
            return True
        if self.settings_path is not None:
            try:
                save_settings(self.settings_path, new)
            except Exception as exc:
                self._user_error(exc, "Not remembered in the settings")
                return False
        self.settings = new
        return True

    def _restore_theme(self) -> None:
        theme = self.settings.theme
        if not theme:
            return
        if theme in self.available_themes:
            self.theme = theme
            return
        self.notify(
            f"Settings: theme '{theme}' is not one of the app's themes; the default is used "
            "(the palette's Theme command lists them).",
            severity="warning",
            timeout=8,
        )

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the app (the palette's "Theme") is kept in the settings."""
        if self.is_running and theme != self.settings.theme:
            self.remember(theme=theme)

    # -- Textual's own commands ------------------------------------------------------

    def screenshot_folder(self) -> Path:
        """Where "Screenshot" saves: the export folder (the current folder by default)."""
        return self.export_path().parent

    def action_save_screenshot(self) -> Path | None:
        """Save an SVG picture of the screen in ``screenshot_folder`` and say where
        (Textual's own saves to a Downloads folder that may not exist, and its message
        shows raw markup here). None (notified) when it could not be written."""
        from textual._files import generate_datetime_filename

        folder = self.screenshot_folder()
        path = folder / generate_datetime_filename(self.title, ".svg")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(self.export_screenshot(), encoding="utf-8")
        except OSError as exc:
            self.notify(
                f"Cannot save the screenshot in {folder} ({exc.strerror or exc}).",
                title="Screenshot",
                severity="error",
            )
            return None
        self.notify(f"Saved the screenshot to {path}", title="Screenshot")
        return path

    # -- today: act on a session --------------------------------------------------

    def pinned(self) -> Pinned:
        """Which of the plan's sessions are pinned (the views mark them)."""
        from planner.shape import Pinned

        return Pinned.of(self.progress)

    def today_facts(self, now: datetime | None = None) -> TodayFacts | None:
        """The learner's day at ``now`` (default: now; None while the plan is being made)."""
        from planner.today import today_facts

        if self.planning:
            return None
        return today_facts(
            self.roadmap,
            self.progress,
            self.plan,
            self.today,
            now if now is not None else self.now(),
            self.tz,
            self.baseline,
        )

    _today_due: datetime | None = None
    """When Today's facts may next change with the clock alone (``TodayFacts.changes_after``):
    the once-a-second tick (``_tick_clock``) shows them again once it has passed."""

    def _show_today(self, *, only_changed: bool = False) -> None:
        """Show the learner's day in Today; ``only_changed``: only when it differs from
        what Today shows (the tick's check, once a session began or ended)."""
        from planner.tui.widgets.today_view import TodayView

        view = self.query_one("#today", TodayView)
        self._today_due = None  # (a failure below is not tried again every second)
        try:
            now = self.now()
            facts = self.today_facts(now)
            self._today_due = facts.changes_after(now) if facts is not None else None
            if only_changed and facts == view.facts:
                return
            view.show_facts(facts, self.roadmap, self.pinned())
        except Exception as exc:  # a view's bug must not cost the user the app
            self.log.error(f"Today failed: {exc!r}")
            self.notify(f"Today could not be drawn: {exc!r}", severity="error")

    def _track_session(self, track: str | None) -> bool:
        """Whether a session is a track's (``track``: its title; then say so: it has no
        topic to show; its session is marked done and hours logged on it with the same
        keys as a topic's)."""
        if track is None:
            return False
        self.notify(
            f"'{visible(track)}' is a track, not a topic: it has no place in the "
            "roadmap (space marks its session done, l logs hours on it).",
            timeout=5,
        )
        return True

    def on_today_view_act(self, event: TodayView.Act) -> None:
        day = event.session
        if event.what == "show":
            if not self._track_session(day.track):
                self.show_item(day.topic_id)
        elif event.what == "log":
            self._log_hours_on_session(day.topic_id, day.track)
        elif day.done:
            title = day.track if day.track is not None else self._topic_title(day.topic_id)
            self.notify(
                f"This session of '{title}' is already done (ctrl+z takes it back).",
                timeout=4,
            )
        elif day.session is not None:
            self.mark_session_done(day.session, last=day.last)

    def on_agenda_session_action(self, event: Agenda.SessionAction) -> None:
        session = event.session
        if event.what == "log":
            self._log_hours_on_session(session.topic_id, session.track)
        else:
            last = session.track is None and session.part == session.parts
            self.mark_session_done(session, last=last)

    def _log_hours_on_session(self, topic_id: str, track: str | None) -> None:
        if track is None:
            self.log_hours_on(topic_id)
            return
        from planner.shape import TRACK_PREFIX
        from planner.tui.screens.log_hours import LogHoursScreen

        def done(hours: float | None) -> None:
            if hours is not None:
                self.log_track_hours(track, hours)

        logged = self.progress.logged(TRACK_PREFIX + track)
        self.push_screen(LogHoursScreen(track, logged), done)

    def log_track_hours(self, track: str, hours: float) -> bool:
        """Log hours on a track (``track:TITLE``, as ``planner log TRACK HOURS``), save,
        re-plan, say what it holds now; False (notified) when not saved."""
        from planner.shape import TRACK_PREFIX, log_track

        key = TRACK_PREFIX + track
        moment = self.now()
        before: list[float] = []

        def change(progress: Progress) -> None:
            before[:] = [progress.logged(key)]
            log_track(progress, track, hours, moment)

        try:
            progress = self.store.update(change, "app", moment, Intent("log", (key,), hours=hours))
        except Exception as exc:
            self._user_error(exc, "Not saved")
            return False
        self._signature = self.store.signature()
        self._after_progress(progress, [])
        said = log_sentence(hours, progress.logged(key) - before[0])
        self.notify(
            f"{said[0].upper()}{said[1:]} on the track {track} "
            f"({hours_text(progress.logged(key))} in all)."
        )
        return True

    def log_hours_on(self, topic_id: str) -> None:
        """Ask for hours spent on a topic and log them."""
        from planner.tui.screens.log_hours import LogHoursScreen

        def done(hours: float | None) -> None:
            if hours is not None:
                self.log_hours(topic_id, hours)

        topic = self.roadmap.topic(topic_id)
        self.push_screen(LogHoursScreen(topic.title, self.progress.logged(topic_id)), done)

    def mark_session_done(self, session: Session, *, last: bool = False) -> None:
        """Mark a planned session done: shown at once, its hours logged on the topic
        (recorded in the history, so undo takes it back) right after that frame; on the
        topic's last session, ask whether the topic is done."""
        from planner.tui.widgets.today_view import TodayView

        self.query_one("#today", TodayView).show_done(session)
        self.call_after_refresh(self._save_session_done, session, last)

    def _save_session_done(self, session: Session, last: bool) -> bool:
        from planner.shape import TRACK_PREFIX
        from planner.today import mark_session_done

        moment = self.now()
        outside = self.store.signature() != self._signature
        track = session.track
        started: list[str] = []

        def change(progress: Progress) -> Intent:
            if track is not None:  # a track's: logged on the track, no topic changes
                return mark_session_done(progress, self.roadmap, session, moment)
            was = progress.state(self.roadmap, session.topic_id)
            intent = mark_session_done(progress, self.roadmap, session, moment)
            if progress.state(self.roadmap, session.topic_id) is not was:
                started.append(session.topic_id)
            return intent

        try:
            progress = self.store.update(change, "app", moment)
        except Exception as exc:
            self._user_error(exc, "Not saved")
            self._show_today()
            return False
        self._signature = self.store.signature()
        if track is not None:
            self._after_progress(progress, None if outside else [])
            total = progress.logged(TRACK_PREFIX + track)
            self.notify(
                f"Session done: {hours_text(session.hours)} logged on the track {track} "
                f"({hours_text(total)} in all).",
                timeout=4,
            )
            return True
        topic = self.roadmap.topic(session.topic_id)
        self._after_progress(progress, None if outside or started else [topic.id])
        self.notify(
            f"Session done: {hours_text(session.hours)} logged on {topic.title} "
            f"({hours_text(progress.logged(topic.id))} in all).",
            timeout=4,
        )
        if last and self.facts.state(topic.id) is not State.DONE:
            from planner.tui.screens.confirm import ConfirmScreen

            def answered(yes: bool | None) -> None:
                if yes:
                    self.set_state(topic.id, State.DONE)

            self.push_screen(
                ConfirmScreen(
                    "Topic done?",
                    f"That was the last planned session of '{topic.title}'. Is the topic done?",
                ),
                answered,
            )
        return True

    # -- undo ----------------------------------------------------------------------

    def action_undo(self) -> None:
        self.take_back("undo")

    def action_redo(self) -> None:
        self.take_back("redo")

    def take_back(self, verb: str) -> bool:
        """Undo or redo the newest change (made here or at the command line), save,
        relabel, and say what was taken back. False (notified) when there is none."""
        if self.screen is not self.screen_stack[0]:
            self.notify(f"Close this window first to {verb} a change.", timeout=4)
            return False
        moment = self.now()
        try:
            progress = self.store.update(
                lambda p: p.undo() if verb == "undo" else p.redo(), "app", moment
            )
        except UndoError as exc:
            self.notify(_message(exc), timeout=6)
            return False
        except Exception as exc:
            self._user_error(exc, "Not saved")
            return False
        self._signature = self.store.signature()
        record = progress.history.appended[-1]
        original = progress.history.find(record.of) if record.of else None
        self._after_progress(progress, None)
        what = (original or record).summary(self.roadmap)
        self.notify(f"{'undid' if verb == 'undo' else 'redid'}: {what}", timeout=5)
        return True

    # -- the queue and pins (planner.shape) -----------------------------------------

    def _shape_change(self, change: Callable[[Progress], object], intent: Intent | None) -> bool:
        """Save a change of the queue or the pins (``intent``: what it was asked to do, or
        None when ``change`` returns it); re-plan; False (notified) if refused."""
        try:
            progress = self.store.update(change, "app", self.now(), intent)
        except Exception as exc:
            self._user_error(exc, "Not saved")
            return False
        self._signature = self.store.signature()
        self._after_progress(progress, None)
        return True

    def pin_moves(
        self, sessions: Sequence[Session], moves: Sequence[tuple[str, datetime]]
    ) -> dict[str, Pin]:
        """Make the sessions the learner moved in their calendar pins where they moved them,
        as ``planner sync`` does (``planner.shape.PinMoves``; ``sessions``: the plan the
        sync worked from): saved, recorded (ctrl+z takes them back), re-planned, and their
        events made equal to the plan by the next sync (``release_pinned``; between two
        syncs, never during one). Returns the pins made, by the moved event's UID ({}
        when none, or not saved: notified)."""
        from planner.shape import PinMoves
        from planner.sync.engine import SyncError, release_pinned

        sync_settings = self.settings.sync
        change = PinMoves(self.roadmap, sessions, moves, self.now())
        if sync_settings is None or not change.wanted or not self._shape_change(change, None):
            return {}
        state = locations.sync_state_path(self.roadmap.id)
        try:
            release_pinned(state, sync_settings, change.made)
        except SyncError as exc:  # the pins are saved; the moved events stay as they are
            self.notify(str(exc), title="Sync", severity="warning", timeout=10)
        return dict(change.made)

    def _queue_topic(self) -> Topic | None:
        item = self._need_item()
        if item is None:
            return None
        if isinstance(item, Subtopic):
            item = self.roadmap.parent_topic(item.id)
        if not isinstance(item, Topic):
            self.notify("The queue holds topics: highlight a topic (or one of its subtopics).")
            return None
        if self.facts.state(item.id).closed:
            self.notify(f"'{item.title}' is closed: it is not in the queue.", timeout=4)
            return None
        return item

    def action_queue_front(self) -> None:
        from planner.shape import put_next

        topic = self._queue_topic()
        if topic is None:
            return
        intent = Intent("order", (topic.id,), "next")
        if self._shape_change(lambda p: put_next(p, [topic.id]), intent):
            self.notify(f"'{topic.title}' comes next.", timeout=3)

    def action_queue_move(self, step: int) -> None:
        from planner.shape import move

        topic = self._queue_topic()
        if topic is None:
            return
        moved: list[bool] = []
        verb = "earlier" if step < 0 else "later"

        def change(progress: Progress) -> None:
            moved.append(move(self.roadmap, progress, topic.id, step))

        if not self._shape_change(change, Intent("order", (topic.id,), verb)):
            return
        if not moved or not moved[0]:
            end = "first" if step < 0 else "last"
            self.notify(f"'{topic.title}' is already {end} in the queue.", timeout=3)

    def action_pin_session(self) -> None:
        from planner.shape import add_pin
        from planner.tui.widgets.agenda import Agenda

        session = self.query_one(Agenda).cursor_session
        if session is None or session.track is not None:
            what = "a track's sessions follow its weekly hours" if session else "no session"
            self.notify(f"Nothing to pin: {what}. Highlight a topic's session.", timeout=4)
            return
        from planner.shape import parse_when
        from planner.tui.screens.log_hours import PromptScreen

        title = self.roadmap.topic(session.topic_id).title
        here = f"{session.start:%Y-%m-%d %H:%M} {session.hours:g}"

        def done(answer: tuple[datetime, int] | None) -> None:
            if answer is None:
                return
            start, minutes = answer
            now = self.now()

            from planner.busy import local_spans

            busy = local_spans(tuple(self.busy), self.tz) if self.busy else []

            def change(progress: Progress) -> None:
                add_pin(self.roadmap, progress, session.topic_id, start, minutes, now, busy)

            if self._shape_change(change, Intent("pin", (session.topic_id,), "pinned")):
                self.notify(f"Pinned at {start:%a %d %b %H:%M}.", timeout=3)

        self.push_screen(
            PromptScreen(
                "Pin session",
                f"Pin {visible(title)} at (date, time, hours; Enter keeps it where it is):",
                parse_when,
                value=here,
                placeholder="2026-12-05 19:00 1.5",
            ),
            done,
        )

    def action_unpin_session(self) -> None:
        from planner.shape import remove_pins
        from planner.tui.widgets.agenda import Agenda

        session = self.query_one(Agenda).cursor_session
        if session is None or session.track is not None:
            self.notify("Nothing to unpin: highlight a topic's session.", timeout=4)
            return
        gone: list[object] = []

        def change(progress: Progress) -> None:
            gone.extend(remove_pins(progress, session.topic_id))

        intent = Intent("pin", (session.topic_id,), "unpinned")
        if self._shape_change(change, intent) and not gone:
            self.notify("This session's topic has no pins.", timeout=3)

    # -- links ---------------------------------------------------------------------

    def action_open_link(self) -> None:
        item = self._need_item()
        if item is None:
            return
        link = item.link if isinstance(item, (Topic, Subtopic)) else None
        if not link:
            hint = ""
            if isinstance(item, Topic) and any(s.link for s in item.subtopics):
                hint = " Its subtopics have links: expand it and highlight one."
            self.notify(f"'{item.title}' has no link.{hint}")
            return
        from planner.links import classify

        decision = classify(link, self.roadmap_path.parent)
        path = decision.path
        if path is not None and not path.exists():
            relative = not link.strip().startswith(("/", "~"))
            where = f" (the link '{link}' is relative to {self.roadmap_path.parent})"
            self.notify(
                f"{path} does not exist{where if relative else ''}.",
                title="Cannot open",
                severity="warning",
                timeout=8,
            )
            return
        if decision.safe:
            self._open_target(decision.target)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._open_target(decision.target)
            else:
                self.notify(f"Not opened: {decision.target}", timeout=3)

        from planner.tui.screens.confirm import ConfirmScreen

        self.push_screen(
            ConfirmScreen(
                "Open this link?",
                f"'{item.title}' links to\n\n  {decision.target}\n\n"
                f"which is not opened without asking: {decision.reason}.",
            ),
            answered,
        )

    def _open_target(self, target: str) -> None:
        try:
            open_with_system(target)
        except OSError as exc:
            self.notify(f"Cannot open {target}: {exc}", severity="error", timeout=8)
            return
        self.notify(f"Opening {target}", timeout=3)

    # -- export --------------------------------------------------------------------

    def export_path(self) -> Path:
        folder = self.export_dir if self.export_dir is not None else Path.cwd()
        return folder / EXPORT_NAME

    def action_export(self) -> None:
        from planner.export_flow import export_plan, stale_warning

        self.ensure_plan()
        if not self.plan.sessions:
            self.notify(
                "Nothing to export: no study sessions are planned (everything is done or "
                "skipped, or no study hours are set).",
                severity="warning",
            )
            return
        try:
            done = export_plan(
                self.roadmap, self.plan, self.progress, now=self.now(), target=self.export_path()
            )
        except Exception as exc:
            self._user_error(exc, "Export failed")
            return
        written = done.paths
        files = ", ".join(str(p) for p in written)
        message = f"Wrote {done.events} study sessions to {files}.\n"
        if len(written) > 1:
            message += (
                f"Above Google's 1 MB import limit, so split in {len(written)} files: "
                "import each into the same calendar.\n"
            )
        message += GOOGLE_REMINDER
        warnings = list(done.warnings)
        if done.stale:
            warnings.append(stale_warning(done.stale, written))
        for warning in warnings:
            message += f"\n{warning}"
        self.notify(message, title="Calendar exported", timeout=15)

    # -- filter ----------------------------------------------------------------------

    async def action_filter_anywhere(self) -> None:
        """The roadmap tab with the filter's input focused (from any tab)."""
        await self.action_show_tab("roadmap")
        await self.action_filter()

    def _filter_field(self) -> FilterInput | None:
        """The filter's input, if it has been mounted (the first "/" does)."""
        found = self.screen_stack[0].query(f"#{FILTER_ID}")
        return cast("FilterInput", found.first()) if found else None

    async def action_filter(self) -> None:
        field = self._filter_field()
        if field is None:
            from planner.tui.widgets.filter_input import FilterInput

            field = FilterInput(id=FILTER_ID)
            await self.query_one("#roadmap", Horizontal).mount(field, before=0)
        self.roadmap_tree.mark_filter_origin()
        field.add_class("-shown")
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == FILTER_ID:
            self.apply_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == FILTER_ID:
            self.action_focus_tree()

    def apply_filter(self, text: str) -> None:
        """Show only items whose title contains ``text`` (and their parents)."""
        self.roadmap_tree.set_filter(text)

    @on(RoadmapTree.FilterChanged)
    def _filter_changed(self, event: RoadmapTree.FilterChanged) -> None:
        self.call_after_refresh(self._show_details)

    def _empty_filter_field(self) -> None:
        """The filter's input emptied and hidden (the tree's filter is not touched)."""
        field = self._filter_field()
        if field is not None:
            field.value = ""
            field.remove_class("-shown")

    def action_clear_filter(self) -> None:
        self._empty_filter_field()
        self.apply_filter("")
        self.roadmap_tree.focus()

    def action_clear_tree_filter(self) -> None:
        """Esc in the tree: clear the filter, or say there is none."""
        if not self.roadmap_tree.filter_text:
            self.notify("The tree is not filtered (/ filters it).", timeout=3)
            return
        self.action_clear_filter()

    def action_focus_tree(self) -> None:
        field = self._filter_field()
        if field is not None and not field.value.strip():
            field.remove_class("-shown")
        self.roadmap_tree.focus()

    # -- tabs, help, settings ----------------------------------------------------------

    async def action_show_tab(self, tab: str) -> None:
        self._switch_tab(tab)
        if tab == "roadmap":
            self.roadmap_tree.focus()
        elif tab == "today":
            self.query_one("#today").focus()
        else:
            view = await self.ensure_view(tab)
            if view is not None and view.can_focus:
                view.focus()

    def key_rows(self) -> list[KeyRow]:
        """Every key, grouped, as currently bound (the user's keymap applied)."""
        keymap = dict(self._keymap)
        rows: list[KeyRow] = []
        by_action: dict[tuple[str, str], int] = {}

        def add(section: str, bindings: Iterable[BindingType]) -> None:
            for binding in bindings:
                if not isinstance(binding, Binding):
                    continue
                keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
                shown = " ".join(
                    self.get_key_display(Binding(k.strip(), "")) for k in keys.split(",")
                )
                what = binding.tooltip or binding.description
                key_of_action = (section, binding.action)
                if key_of_action in by_action:  # another key for the same action: one row
                    index = by_action[key_of_action]
                    sec, old_keys, old_what = rows[index]
                    rows[index] = (sec, f"{old_keys} {shown}", old_what or what)
                    continue
                by_action[key_of_action] = len(rows)
                rows.append((section, shown, what or binding.action))

        add("Roadmap tree", RoadmapTree.BINDINGS)
        key = self.get_key_display
        rows += [
            ("Roadmap tree", f"{key(Binding('up', ''))} {key(Binding('down', ''))}", "Move"),
            ("Roadmap tree", key(Binding("enter", "")), "Expand or collapse"),
        ]
        from planner.tui.widgets.today_view import TodayView

        add("Today", TodayView.BINDINGS)
        for tab, section in (("agenda", "Agenda"), ("calendar", "Calendar")):
            add(section, _view_class(tab).BINDINGS)
        add("Anywhere", self.BINDINGS)
        rows += [
            (
                "Anywhere",
                self.get_key_display(Binding("ctrl+p", "")),
                "Command palette: every action",
            ),
            ("Anywhere", key(Binding("tab", "")), "Next pane"),
        ]
        return _describe(rows)

    def action_help(self) -> None:
        from planner.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.key_rows()))

    def action_settings(self) -> None:
        from planner.tui.screens.settings import SettingsScreen

        def done(new: Settings | None) -> None:
            if new is not None:
                self.apply_settings(new)

        screen = SettingsScreen(self.settings, today=self.today, preview=self.week_effect_text)
        self.push_screen(screen, done)

    def apply_settings(self, new: Settings) -> bool:
        """Save new settings (atomically) and re-plan. False (notified) when not saved."""
        from planner.settings import check_settings, save_settings

        try:
            check_settings(new)
        except Exception as exc:
            self._user_error(exc, "Settings not saved")
            return False
        if self.settings_path is not None:
            try:
                save_settings(self.settings_path, new)
            except Exception as exc:
                self._user_error(exc, "Settings not saved")
                return False
        old, self.settings = self.settings, new
        if (new.busy, new.busy_all_day, new.sync) != (old.busy, old.busy_all_day, old.sync):
            self.busy = ()  # read again (in a worker) for the new list
            self._read_busy()
        if new.timezone or not self._tz_injected:
            self.tz = _zone_of(new, self.tz)
        self.apply_keymap(new.keymap)
        tree = self.roadmap_tree
        tree.set_facts(
            TreeFacts(
                self.roadmap, self.progress, self.figures, new.hours_per_day, new.unestimated_hours
            )
        )
        tree.relabel_all()  # estimates depend on hours per day
        self._replan(None)
        where = f" to {self.settings_path}" if self.settings_path is not None else ""
        self.notify(f"Settings saved{where}; the plan follows them.", timeout=4)
        return True

    # -- where the learner stands --------------------------------------------------------

    def standing_lines(self) -> list[str]:
        """Where the learner stands against the kept plan, in the words of ``planner plan``
        (``planner.pace.standing``)."""
        from planner.pace import skipped_topics, standing
        from planner.schedule import remaining_hours

        if self.baseline is None:
            return ["no plan kept yet to compare with"]
        left = remaining_hours(self.roadmap, self.progress, self.settings)
        skipped = skipped_topics(self.roadmap, self.progress)
        where = standing(
            self.baseline, self.plan, left, self.settings, self.today, self.tz, skipped
        )
        if where is None:
            made = self.baseline.get("made")
            return [f"not measured: the plan kept on {made} used the other estimate basis"]
        return where.lines()

    def action_standing(self) -> None:
        """Say where the learner stands: the finish against the kept plan, a way back."""
        self.notify("\n".join(self.standing_lines()), title="Pace", timeout=10)

    # -- the setup of the learner's week ----------------------------------------------

    def week_effect_text(self, settings: Settings) -> str:
        """What ``settings``' week gives for the work left (``planner.pace.week_effect``)."""
        from planner.pace import week_effect

        tz = self.tz if self._tz_injected else _zone_of(settings, self.tz)
        return week_effect(self.roadmap, self.progress, settings, self.today, tz).sentence()

    def action_setup_week(self) -> None:
        """The setup: hours, start times, zone and start date, with what they give."""
        from planner.settings import SettingsError, system_timezone
        from planner.tui.screens.setup import SetupScreen

        try:
            zone: str | None = system_timezone()
        except SettingsError:
            zone = None
        first = self.first_start
        self.first_start = False

        def done(new: Settings | None) -> None:
            if first:  # the first plan kept as the baseline is the one of the learner's week
                self.call_after_refresh(partial(self._replan, None, keep_baseline=True))
            if new is not None:
                self.apply_settings(new)
                return
            if not first:
                self.notify("Setup closed; the settings are as they were.", timeout=4)
                return
            week = sum(self.settings.hours_on(d) for d in range(7))
            where = ""
            if self.settings_path is not None and not (
                self.settings_path.exists() or self.settings_path.is_symlink()
            ):
                from planner.settings import save_settings

                try:
                    save_settings(self.settings_path, self.settings)
                    where = f", saved to {self.settings_path}"
                except SettingsError as exc:
                    self._user_error(exc, "Settings not saved")
            self.notify(
                f"Skipped: the defaults ({week:g} h a week){where}. "
                'Palette (ctrl+p): "Set up your week".',
                timeout=5,
            )

        screen = SetupScreen(self.settings, self.week_effect_text, zone=zone, today=self.today)
        self.push_screen(screen, done)

    # -- switch roadmap --------------------------------------------------------------

    def action_switch_roadmap(self) -> None:
        from planner.tui.screens.log_hours import PromptScreen

        def parse(text: str) -> Path:
            raw = text.strip()
            if not raw:
                raise ValueError("Type the path of a roadmap file (.yaml).")
            path = Path(raw).expanduser()
            if not path.exists():
                raise ValueError(f"{path} does not exist.")
            if path.is_dir():
                raise ValueError(f"{path} is a folder; type the roadmap file's path.")
            return path

        def done(path: Path | None) -> None:
            if path is not None:
                self.switch_roadmap(path)

        self.push_screen(
            PromptScreen(
                "Switch roadmap",
                "Roadmap file to open (its own progress file comes with it):",
                parse,
                value=str(self.roadmap_path),
            ),
            done,
        )

    def switch_roadmap(self, path: Path) -> bool:
        from planner.roadmap_file import load_roadmap

        try:
            roadmap = load_roadmap(path)
            located = locations.locate_progress(roadmap.id)
            kind = locations.file_kind(located, PROGRESS)  # names PLANNER_PROGRESS if it did
            store = ProgressStore(located.path, roadmap, kind)
            progress = store.load()
        except Exception as exc:
            self._user_error(exc, "Roadmap not opened")
            return False
        self.roadmap, self.roadmap_path, self.store = roadmap, path, store
        self.progress = progress
        self._signature = store.signature()
        self.baseline = None
        s = self.settings
        self.figures = {}
        self.plan = Plan((), None, 0.0)
        self.facts = TreeFacts(roadmap, progress, {}, s.hours_per_day, s.unestimated_hours)
        tree = self.roadmap_tree
        tree.set_facts(self.facts)
        tree.filter_text = ""
        self._empty_filter_field()
        tree.populate()
        tree.focus()
        self._replan(None, keep_baseline=True)
        self.remember(roadmap=str(path.expanduser().resolve()))
        self.notify(f"Opened {roadmap.title} ({path}); progress in {store.path}.", timeout=6)
        return True

    # -- calendar sync -----------------------------------------------------------------

    def action_sync(self) -> None:
        """Sync the calendar now; where sync is not set up, say how to set it up."""
        if not self.autosync.configured:
            self.notify(NOT_SET_UP, timeout=8)
            return
        self.autosync.sync_now()

    # -- live reload ------------------------------------------------------------------

    def _poll(self) -> None:
        if self.now().date() > self.today:
            self.today = self.now().date()
            self._replan(None)
        self.reload_if_changed()

    def reload_if_changed(self) -> bool:
        """Pick up changes made outside the app; True when something was reloaded."""
        signature = self.store.signature()
        if signature == self._signature:
            return False
        try:
            progress = self.store.load()
        except ProgressError as exc:
            if signature != self._reload_problem:  # say it once per version of the file
                self._reload_problem = signature
                self.notify(_message(exc), title="Progress file unreadable", severity="error")
            return False
        self._signature = signature
        self._reload_problem = None
        self._after_progress(progress, None)
        return True

    def action_reload(self) -> None:
        if not self.reload_if_changed():
            self.notify("Progress is up to date.", timeout=3)

    # -- tree shortcuts ----------------------------------------------------------------

    def action_expand_all(self) -> None:
        self.roadmap_tree.expand_all()

    def action_collapse_all(self) -> None:
        self.roadmap_tree.collapse_all()

    # -- command palette ----------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette commands, with "Keys" and "Screenshot" replaced where
        Textual's misbehave here (the planner's own commands: ``commands.PlannerProvider``)."""
        for command in super().get_system_commands(screen):
            yield _own_system_command(self, command)


def _own_system_command(app: PlannerApp, command: SystemCommand) -> SystemCommand:
    """Textual's palette command, or ours in its place where Textual's misbehaves here:
    "Keys" opens our help (closed with Esc), "Screenshot" saves where it says it does."""
    if command.title == "Keys":
        return SystemCommand("Keys", "Every key, as bound now (?); Esc closes", app.action_help)
    if command.title == "Screenshot":
        return SystemCommand(
            "Screenshot",
            f"Save an SVG picture of the screen in {app.screenshot_folder()}",
            lambda: app.set_timer(0.1, app.action_save_screenshot),
        )
    return command


def _zone_of(settings: Settings, fallback: tzinfo | None = None) -> tzinfo:
    """The settings' zone (or the system's); the fallback when it cannot be used."""
    from planner.settings import resolve_zone

    try:
        return resolve_zone(settings)
    except PlannerError:
        return fallback if fallback is not None else _fallback_tz()


def _message(exc: BaseException) -> str:
    text = user_message(exc) or str(exc) or type(exc).__name__
    return text.removeprefix("planner: ")


def _describe(rows: list[KeyRow]) -> list[KeyRow]:
    seen: set[tuple[str, str]] = set()
    out: list[KeyRow] = []
    for section, keys, what in rows:
        if (section, keys) in seen:
            continue
        seen.add((section, keys))
        out.append((section, keys, what))
    return out
