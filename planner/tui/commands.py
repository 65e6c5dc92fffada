"""The command palette's planner commands: one table, one ``Provider``.

Each command is one row of ``PALETTE``: its title, its help, the app action it runs
(an action string, as in a binding: ``"show_tab('agenda')"``) and the id of the binding
whose key it names. The key is read from the bindings as they are live, the user's
keymap applied, so a key remapped in the settings shows right in the palette. Adding a
command is adding a row.

``PlannerProvider`` offers them on the main screen only (a modal's palette shows
Textual's own commands); it sits beside Textual's system commands in
``PlannerApp.COMMANDS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.types import IgnoreReturnCallbackType

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry: what it says, the app action it runs, the key it names."""

    title: str
    help: str
    action: str
    """An action in the app's namespace, e.g. ``"toggle_done"`` or ``"show_tab('agenda')"``."""
    binding: str | None = None
    """The id of the binding whose live keys end the help text, e.g. ``(space)``."""


PALETTE: tuple[PaletteCommand, ...] = (
    PaletteCommand(
        "Mark done / undone", "Toggle the highlighted item done", "toggle_done", "toggle_done"
    ),
    PaletteCommand(
        "Mark in progress",
        "The highlighted item is being studied",
        "set_in_progress",
        "in_progress",
    ),
    PaletteCommand(
        "Mark skipped", "Leave the highlighted item out of the plan", "set_skipped", "skip"
    ),
    PaletteCommand("Mark to do", "Back to to do, with everything under it", "set_todo", "todo"),
    PaletteCommand(
        "Log hours...", "Hours spent on the highlighted topic", "log_hours", "log_hours"
    ),
    PaletteCommand(
        "Open link", "Open the highlighted item's linked note", "open_link", "open_link"
    ),
    PaletteCommand(
        "Export calendar (.ics)", "Write study-plan.ics for Google Calendar", "export", "export"
    ),
    PaletteCommand(
        "Filter the tree", "Show only items whose title matches", "filter_anywhere", "filter"
    ),
    PaletteCommand("Clear the filter", "Show the whole roadmap again", "clear_filter"),
    PaletteCommand("Expand all", "Show every subtopic", "expand_all"),
    PaletteCommand("Collapse all", "Show modules only", "collapse_all"),
    PaletteCommand(
        "Show today",
        "Today's sessions, what comes next, the week so far",
        "show_tab('today')",
        "tab_today",
    ),
    PaletteCommand("Show roadmap", "The tree and details", "show_tab('roadmap')", "tab_roadmap"),
    PaletteCommand(
        "Show agenda",
        "The coming sessions, week by week",
        "show_tab('agenda')",
        "tab_agenda",
    ),
    PaletteCommand(
        "Show calendar",
        "Study hours per day, month by month",
        "show_tab('calendar')",
        "tab_calendar",
    ),
    PaletteCommand("Settings...", "Weekly hours, start times, days off", "settings", "settings"),
    PaletteCommand(
        "Switch roadmap file...", "Open another roadmap with its own progress", "switch_roadmap"
    ),
    PaletteCommand("Reload progress", "Read the progress file again now", "reload"),
    PaletteCommand("Undo", "Take back the last change", "undo", "undo"),
    PaletteCommand("Redo", "Make again what undo took back", "redo", "redo"),
    PaletteCommand("Help: keys", "Every key", "help", "help"),
    PaletteCommand(
        "Start / stop timer", "Time study on the highlighted topic; stop logs it", "clock", "clock"
    ),
    PaletteCommand("Sync now", "Make the calendar equal to the plan now", "sync", "sync"),
    PaletteCommand(
        "Study next", "Put the highlighted topic first in the queue", "queue_front", "queue_front"
    ),
    PaletteCommand(
        "Study earlier", "Move the highlighted topic up the queue", "queue_move(-1)", "queue_up"
    ),
    PaletteCommand(
        "Study later", "Move the highlighted topic down the queue", "queue_move(1)", "queue_down"
    ),
    PaletteCommand(
        "Pin session",
        "Pin the agenda's highlighted session where it is",
        "pin_session",
        "agenda.pin",
    ),
    PaletteCommand(
        "Unpin sessions",
        "Remove the pins of the agenda's highlighted topic",
        "unpin_session",
        "agenda.unpin",
    ),
    PaletteCommand(
        "Set up your week",
        "Hours per weekday, start times, zone, and the finish they give",
        "setup_week",
    ),
    PaletteCommand(
        "Where do I stand",
        "The finish against the kept plan, and what would get you back on it",
        "standing",
    ),
)
"""The planner's palette commands, in the order a newcomer meets them."""


def bound_keys(app: App[object], binding_id: str, nodes: list[DOMNode]) -> list[str]:
    """The keys that run a binding, as displayed (``space``, ``^y``), the app's keymap
    applied to the bindings of ``nodes`` (first found wins); [] when none is bound."""
    keymap = app._keymap  # Textual keeps the active keymap here (8.2.8, pinned)
    for node in nodes:
        bindings = node._bindings.copy()
        if keymap:
            bindings.apply_keymap(keymap)
        found = [
            app.get_key_display(binding)
            for binding_list in bindings.key_to_bindings.values()
            for binding in binding_list
            if binding.id == binding_id
        ]
        if found:
            return found
    return []


def help_text(app: App[object], command: PaletteCommand, nodes: list[DOMNode]) -> str:
    """The command's help, ending with its live keys in parentheses (if it has any)."""
    if command.binding is None:
        return command.help
    keys = bound_keys(app, command.binding, nodes)
    return f"{command.help} ({' '.join(keys)})" if keys else command.help


class PlannerProvider(Provider):
    """The rows of ``PALETTE`` as palette commands, on the app's main screen."""

    def _binding_nodes(self) -> list[DOMNode]:
        """Where the commands' bindings live: the roadmap tree and the agenda (if any),
        screen, app."""
        from planner.tui.widgets.agenda import Agenda
        from planner.tui.widgets.roadmap_tree import RoadmapTree

        nodes: list[DOMNode] = list(self.screen.query(RoadmapTree).results())
        nodes += list(self.screen.query(Agenda).results())
        return [*nodes, self.screen, self.app]

    def _commands(self) -> list[tuple[str, str, PaletteCommand]]:
        if self.screen is not self.app.screen_stack[0]:
            return []
        nodes = self._binding_nodes()
        rows = [(c.title, help_text(self.app, c, nodes), c) for c in PALETTE]
        return sorted(rows, key=lambda row: row[0])  # as Textual lists its own

    async def discover(self) -> Hits:
        for title, help_, command in self._commands():
            yield DiscoveryHit(title, self._runner(command), help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(command), help=help_)

    def _runner(self, command: PaletteCommand) -> IgnoreReturnCallbackType:
        return partial(self.app.run_action, command.action, self.app)
