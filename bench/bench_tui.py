"""The app's speed, each figure next to a baseline measured in the same run.

    /work/venv/bin/python bench/bench_tui.py [--runs N] [--checkoffs N] [--topics N]

1. Cold start to the first full frame, in a real pseudo-terminal (100x30): the time from
   starting the process to the frame that shows the header, the tabs and the footer
   with its keys (planner's: those of the focused Today view too, "space Session done";
   the tree is built at start as well, on its hidden tab).
   ``planner`` (the console command, on the seed roadmap, an empty progress file and
   default settings) against a bare Textual app that shows one ``Tree`` with the same
   nodes (every module, topic and subtopic; modules expanded) and a ``Footer``.
   Median of N runs, interleaved. Target: planner at most 1.3x the bare app.
   Textual's ``Footer`` adds its keys in a later frame (it mounts them again once the
   focus is set); planner's footer (``KeyBar``) is in its first paint. So the first
   paints, before any footer key, are printed too: the bare app's is the earliest
   moment a Textual app shows its tree.
2b. Marking a session done in the Today view (``space``), key to frame on the seed, as 2
   (each mark undone after it is saved). Target: median under 16.7 ms.
2. Check-off to repaint on the seed (on the roadmap tab): a ``space`` key event posted to the running app (in
   process, headless) until the next frame is handed to the output, median of N; the
   work before the frame alone (relabel; the save and the re-plan follow the frame) is
   shown too. Textual paints at most 60 frames a
   second, so a repaint waits up to one frame period (16.7 ms) for the next tick: this is
   part of the figure. Target: median under 16.7 ms.
3. A synthetic roadmap of 10,000 topics (100 modules x 100 topics x 3 subtopics): cold
   start to the first full frame in the pseudo-terminal (target < 1 s; the bare Tree app
   with the same 40,100 nodes beside it), and check-off to repaint (target < 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

COLS, ROWS = 100, 30
_ANSI = re.compile(
    rb"\x1b(\[[0-9;?<>=$ ]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78])"
)

BARE_APP = """
import json, sys
from rich.text import Text
from textual.app import App
from textual.widgets import Footer, Tree

data = json.load(open(sys.argv[1], encoding="utf-8"))


class Bare(App):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self):
        tree = Tree("roadmap")
        tree.show_root = False
        for module, topics in data:
            module_node = tree.root.add(Text(module), expand=True)
            for topic, subs in topics:
                topic_node = module_node.add(Text(topic))
                for sub in subs:
                    topic_node.add_leaf(Text(sub))
        yield tree
        yield Footer()


Bare().run()
"""


# -- pseudo-terminal runs ------------------------------------------------------------------


def time_to_frame(argv: list[str], env: dict[str, str], *stages: list[bytes]) -> list[float]:
    """Seconds from fork to the moment each stage's markers have all been written to
    the terminal (stages in the order they are expected)."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child: size the terminal, then become the program
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        os.execve(argv[0], argv, env)
    buf = b""
    times: list[float] = []
    try:
        deadline = start + 30
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            plain = _ANSI.sub(b"", buf)
            while len(times) < len(stages) and all(m in plain for m in stages[len(times)]):
                times.append(time.perf_counter() - start)
            if len(times) == len(stages):
                return times
        text = _ANSI.sub(b"", buf).decode("utf-8", "replace")[-2000:]
        raise RuntimeError(f"no full frame from {argv}: {text}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def roadmap_shape(path: Path) -> list[Any]:
    from planner.roadmap_file import load_roadmap

    roadmap = load_roadmap(path)
    return [
        [
            f"{m.number}. {m.title}",
            [[t.title, [s.title for s in t.subtopics]] for t in m.topics],
        ]
        for m in roadmap.modules
    ]


class ColdStart(NamedTuple):
    """Median seconds from starting the process."""

    paint: float
    """planner: the first paint with a tree line and the tab bar."""
    full: float
    """planner: the first full frame, the footer with the focused tree's keys included."""
    planned: float
    """planner: the frame that shows the plan too ('h left'; the full frame for roadmaps
    planned at once)."""
    bare_paint: float
    """bare app: the first paint with a tree line."""
    bare_full: float
    """bare app: the first full frame (its Footer's key included)."""


def cold_starts(roadmap: Path, runs: int, work: Path, first_title: str) -> ColdStart:
    """Planner and the bare app, interleaved, each run in a fresh process."""
    shape = work / f"{roadmap.stem}-shape.json"
    shape.write_text(json.dumps(roadmap_shape(roadmap)), encoding="utf-8")
    bare_script = work / "bare_tree_app.py"
    bare_script.write_text(BARE_APP, encoding="utf-8")
    planner_cmd = shutil.which("planner", path=str(Path(sys.executable).parent))
    planner_argv = (
        [planner_cmd, "--roadmap", str(roadmap)]
        if planner_cmd
        else [sys.executable, "-m", "planner", "--roadmap", str(roadmap)]
    )
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        PLANNER_DATA_DIR=str(work / "data"),
        PLANNER_CONFIG_DIR=str(work / "config"),
    )
    # bytecode is written and used, as for an installed package (pip compiles it)
    for var in (
        "PLANNER_PROGRESS",
        "PLANNER_SETTINGS",
        "PLANNER_ROADMAP",
        "TEXTUAL",
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONPYCACHEPREFIX",
    ):
        env.pop(var, None)
    # a returning learner: a settings file, so the first-start setup does not open
    (work / "config").mkdir(parents=True, exist_ok=True)
    (work / "config" / "settings.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    word = first_title.split()[0].encode()
    # planner opens on Today: the tab bar; then the footer with the keys of the focused
    # Today view ("space Session done") and the app's ("q Quit"); then the plan in the
    # header (the tree is built at start too, on its hidden tab)
    ours = ([b"Today", b"Roadmap"], [b"Session done", b"Quit"], [b"h left"])
    bare = ([word], [b"Quit"])
    bare_argv = [sys.executable, str(bare_script), str(shape)]
    # one warm-up each (file caches, .pyc), then interleaved runs
    time_to_frame(planner_argv, env, *ours)
    time_to_frame(bare_argv, env, *bare)
    runs_ours: list[list[float]] = []
    runs_bare: list[list[float]] = []
    for _ in range(runs):
        runs_ours.append(time_to_frame(planner_argv, env, *ours))
        runs_bare.append(time_to_frame(bare_argv, env, *bare))

    def median(times: list[list[float]], stage: int) -> float:
        return statistics.median(t[stage] for t in times)

    return ColdStart(
        median(runs_ours, 0),
        median(runs_ours, 1),
        median(runs_ours, 2),
        median(runs_bare, 0),
        median(runs_bare, 1),
    )


# -- check-off in process --------------------------------------------------------------------


async def checkoffs(
    roadmap_path: Path, count: int, work: Path, progress: Path | None = None
) -> tuple[list[float], list[float]]:
    """Key-to-frame and work-only times (seconds) for ``count`` check-offs (on a fresh
    progress file, or on ``progress``)."""
    from planner.progress import ProgressStore
    from planner.roadmap_file import load_roadmap
    from planner.settings import Settings
    from planner.tui.app import PlannerApp

    roadmap = load_roadmap(roadmap_path)
    if progress is None:
        progress = work / f"progress-{roadmap.id}-{time.monotonic_ns()}.yaml"
    app = PlannerApp(
        roadmap,
        roadmap_path=roadmap_path,
        store=ProgressStore(progress, roadmap),
        settings=Settings(timezone="UTC"),
        settings_path=None,
        today=date(2026, 3, 2),
        now=lambda: datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
        tz=timezone.utc,
        watch=False,
        first_tab="roadmap",
    )
    frames: list[float] = []
    works: list[float] = []
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await pilot.pause(0.2)
        original = app._display
        painted: list[float] = []

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                painted.append(time.perf_counter())
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]
        original_action = app.action_toggle_done

        def timed_action() -> None:
            t0 = time.perf_counter()
            original_action()
            works.append(time.perf_counter() - t0)

        app.action_toggle_done = timed_action  # type: ignore[method-assign]
        tree = app.roadmap_tree
        for i in range(count):
            if i % 2 == 0:
                await pilot.press("down")
                await pilot.pause(0.05)
            painted.clear()
            start = time.perf_counter()
            await pilot.press("space")
            for _ in range(100):
                if painted:
                    break
                await asyncio.sleep(0.001)
            if not painted:
                raise RuntimeError("no frame after a check-off")
            frames.append(painted[0] - start)
            await pilot.pause(0.05)
        assert tree.cursor_node is not None
    return frames, works


async def session_marks(
    roadmap_path: Path, count: int, work: Path
) -> tuple[list[float], list[float]]:
    """Key-to-frame and work-only times (seconds) for ``count`` marks of today's first
    session done in the Today view (each undone after its save, so the next mark is
    the same work)."""
    from planner.progress import ProgressStore
    from planner.roadmap_file import load_roadmap
    from planner.settings import Settings
    from planner.tui.app import PlannerApp

    roadmap = load_roadmap(roadmap_path)
    progress = work / f"marks-{roadmap.id}-{time.monotonic_ns()}.yaml"
    app = PlannerApp(
        roadmap,
        roadmap_path=roadmap_path,
        store=ProgressStore(progress, roadmap),
        settings=Settings(timezone="UTC"),
        settings_path=None,
        today=date(2026, 3, 2),
        now=lambda: datetime(2026, 3, 2, 9, tzinfo=timezone.utc),
        tz=timezone.utc,
        watch=False,
    )
    frames: list[float] = []
    works: list[float] = []
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await pilot.pause(0.2)
        view = app.query_one("#today")
        original = app._display
        painted: list[float] = []

        def display(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                painted.append(time.perf_counter())
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]
        original_mark = app.mark_session_done

        def timed_mark(*args: Any, **kw: Any) -> None:
            t0 = time.perf_counter()
            original_mark(*args, **kw)
            works.append(time.perf_counter() - t0)

        app.mark_session_done = timed_mark  # type: ignore[method-assign]
        for _ in range(count):
            painted.clear()
            start = time.perf_counter()
            await pilot.press("space")
            for _ in range(100):
                if painted:
                    break
                await asyncio.sleep(0.001)
            if not painted:
                raise RuntimeError("no frame after marking a session done")
            frames.append(painted[0] - start)
            await pilot.pause(0.1)  # the save and the re-plan, after the frame
            facts = view.facts  # type: ignore[attr-defined]
            if not any(s.done for s in facts.sessions):
                raise RuntimeError("the session was not saved done")
            app.take_back("undo")
            await pilot.pause(0.1)
    return frames, works


async def open_in_process(roadmap_path: Path, work: Path) -> tuple[float, float]:
    """(load the roadmap, construct the app and reach its first frame), in seconds,
    with the collector handled as the command does it."""
    import gc

    from planner.progress import ProgressStore
    from planner.roadmap_file import load_roadmap
    from planner.settings import Settings
    from planner.tui.app import PlannerApp

    gc.collect()
    gc.disable()  # as planner.cli.main does while it starts up
    start = time.perf_counter()
    roadmap = load_roadmap(roadmap_path)
    loaded = time.perf_counter()
    app = PlannerApp(
        roadmap,
        roadmap_path=roadmap_path,
        store=ProgressStore(work / f"open-{time.monotonic_ns()}.yaml", roadmap),
        settings=Settings(timezone="UTC"),
        settings_path=None,
        today=date(2026, 3, 2),
        tz=timezone.utc,
        watch=False,
    )
    first: list[float] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        if renderable is not None and not first:
            first.append(time.perf_counter())
        original(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    gc.freeze()  # as planner.cli.app.run_app does
    gc.enable()
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        while not first:
            await pilot.pause(0.001)
    gc.unfreeze()
    return loaded - start, first[0] - loaded


def synthetic_roadmap(path: Path, modules: int = 100, topics: int = 100, subs: int = 3) -> Path:
    lines = ["id: synthetic", "title: Synthetic roadmap (10,000 topics)", "modules:"]
    for m in range(1, modules + 1):
        lines += [
            f"  - id: m{m}",
            f"    number: {m}",
            f"    title: Module {m} of many",
            "    topics:",
        ]
        for t in range(1, topics + 1):
            lines += [
                f"      - id: m{m}-t{t}",
                f"        title: Topic {t} of module {m}",
                f"        estimate: {1 + (t % 3)} days",
                "        subtopics: [" + ", ".join(f"Part {s}" for s in range(1, subs + 1)) + "]",
            ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="cold starts of each app")
    parser.add_argument("--checkoffs", type=int, default=40, help="check-offs to time")
    parser.add_argument("--topics", type=int, default=100, help="topics per module (x100)")
    args = parser.parse_args()

    from planner.locations import bundled_roadmap

    seed = bundled_roadmap()
    with tempfile.TemporaryDirectory(prefix="bench-tui-") as tmp:
        work = Path(tmp)
        # the apps run in this process keep their baselines and records here, not in the
        # user's own data folder
        for name, folder in (("DATA", "data"), ("CONFIG", "config"), ("CACHE", "cache")):
            os.environ[f"PLANNER_{name}_DIR"] = str(work / folder)
        big = synthetic_roadmap(work / "synthetic.yaml", 100, args.topics)
        nodes_seed = sum(1 + len(m[1]) + sum(len(t[1]) for t in m[1]) for m in roadmap_shape(seed))
        nodes_big = sum(1 + len(m[1]) + sum(len(t[1]) for t in m[1]) for m in roadmap_shape(big))

        print(f"1. cold start to first full frame ({COLS}x{ROWS} pty, median of {args.runs})")
        seed_start = cold_starts(seed, args.runs, work, "Foundations")
        print(f"   bare Textual Tree app ({nodes_seed} nodes) {ms(seed_start.bare_full)}")
        print(
            f"   planner (seed roadmap)              {ms(seed_start.full)}   ratio "
            f"{seed_start.full / seed_start.bare_full:.2f}x  (target <= 1.30x)"
        )
        print(f"   planner, plan in the header         {ms(seed_start.planned)}")
        print(
            f"   first paint, before the footer's keys: bare {ms(seed_start.bare_paint)}, "
            f"planner {ms(seed_start.paint)} "
            f"({seed_start.paint / seed_start.bare_paint:.2f}x)"
        )

        print(f"2. check-off to repaint, seed roadmap (median of {args.checkoffs})")
        frames, works = asyncio.run(checkoffs(seed, args.checkoffs, work))
        print(f"   work before the frame (relabel)    {ms(statistics.median(works))}")
        print(
            f"   key to frame                       {ms(statistics.median(frames))}"
            f"   p90 {ms(sorted(frames)[int(len(frames) * 0.9)])}  (target < 16.7 ms)"
        )

        print(f"2b. mark a session done in Today to repaint, seed (median of {args.checkoffs})")
        frames, works = asyncio.run(session_marks(seed, args.checkoffs, work))
        print(f"   work before the frame               {ms(statistics.median(works))}")
        print(
            f"   key to frame                       {ms(statistics.median(frames))}"
            f"   p90 {ms(sorted(frames)[int(len(frames) * 0.9)])}  (target < 16.7 ms)"
        )

        print(
            f"3. synthetic roadmap: {nodes_big - 100 * (1 + args.topics)} subtopics, "
            f"{100 * args.topics} topics"
        )
        big_start = cold_starts(big, max(3, args.runs // 2), work, "Module")
        print(f"   bare Textual Tree app ({nodes_big} nodes) {ms(big_start.bare_full)}")
        print(
            f"   planner, tree shown                  {ms(big_start.full)}   ratio "
            f"{big_start.full / big_start.bare_full:.2f}x  (target < 1 s)"
        )
        print(f"   planner, plan in the header (thread) {ms(big_start.planned)}")
        load, opened = asyncio.run(open_in_process(big, work))
        print(f"   in process: load_roadmap {ms(load)}, app to first frame {ms(opened)}")
        frames, works = asyncio.run(checkoffs(big, max(10, args.checkoffs // 2), work))
        print(f"   check-off work before the frame      {ms(statistics.median(works))}")
        print(
            f"   check-off key to frame               {ms(statistics.median(frames))}"
            f"   p90 {ms(sorted(frames)[int(len(frames) * 0.9)])}  (target < 50 ms)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
