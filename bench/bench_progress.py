"""Progress on the bundled roadmap with every item recorded, next to its baselines.

    /work/venv/bin/python bench/bench_progress.py [--repeat R] [--history N] [--runs R]

Figures measured in the same run, best of R, interleaved:

- ``yaml.load``: the C YAML loader on the progress file's text (the baseline for load).
- ``load``: ``ProgressStore.load`` - read, parse, check every entry.
- ``write_atomic``: writing the same bytes with ``planner.atomic.write_atomic`` (temp file,
  fsync, rename): the baseline for update.
- ``update``: ``ProgressStore.update`` marking one topic - lock, re-read, change, dump, write.
- ``figures`` / ``states``: the effort-weighted figures and rolled-up states of every item.
- ``status``: ``planner status`` in a fresh interpreter, next to ``planner validate``.

With 10,000 history entries (``--history N``; made by real changes through the store's
recording: check-offs of subtopics and topics, starts, hours logged and taken back,
undos), side by side with the same file without its history, interleaved in one run:

- ``load``: ``ProgressStore.load`` (target: within 1.05x).
- ``planner status`` in a fresh interpreter, median of R (target: within 1.05x).
- the app's start to its first full frame in a pseudo-terminal (``bench_tui``'s
  ``time_to_frame``), median of R (target: within 1.05x).
- ``update``: one check-off through the store (lock, re-read, record, write).
- a check-off in the app on the seed, key to frame (``bench_tui``'s ``checkoffs``),
  median (target: under 16.7 ms).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml

from planner.atomic import write_atomic
from planner.locations import bundled_roadmap
from planner.progress import ProgressStore, State, dump_progress, figures, split_history
from planner.roadmap import Roadmap
from planner.roadmap_file import load_roadmap

NOW = datetime(2026, 11, 28, 19, 5, tzinfo=timezone.utc)


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def cli(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "planner", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - start


def with_history(roadmap: Roadmap, path: Path, count: int) -> None:
    """Give the progress file ``count`` history entries made by real changes."""
    import random

    from planner.history import Intent
    from planner.progress import Progress, _record

    rng = random.Random(20261203)
    topics = list(roadmap.topics())
    store = ProgressStore(path, roadmap)
    progress = store.load()
    start = datetime(2025, 1, 1, 8, tzinfo=timezone.utc)
    made = n = 0
    while made < count:
        n += 1
        now = start + timedelta(minutes=37 * n)
        topic = rng.choice(topics)
        was = {k: (e.state, e.changed, e.logged_hours) for k, e in progress.entries.items()}
        roll = rng.random()
        intent: Intent | None = None
        if roll < 0.45 and topic.subtopics:
            sub = rng.choice(topic.subtopics).id
            state = rng.choice([State.DONE, State.DONE, State.IN_PROGRESS, State.TODO])
            progress.set_state(roadmap, [sub], state, now)
            intent = Intent(target=(sub,), to=state.value)
        elif roll < 0.75:
            hours = rng.choice([0.5, 1.0, 1.5, 2.0, -0.5])
            progress.log_hours(topic.id, hours, now)
            intent = Intent("log", (topic.id,), hours=hours)
        else:
            state = rng.choice([State.DONE, State.IN_PROGRESS, State.TODO, State.SKIPPED])
            progress.set_state(roadmap, [topic.id], state, now)
            intent = Intent(target=(topic.id,), to=state.value)
        record = _record(progress, was, "bench", now, intent)
        if record is None:
            continue
        progress.history.append(record)
        made += 1
    write_atomic(path, dump_progress(progress, roadmap))
    assert isinstance(store.load(), Progress)


def median_of(fn: Callable[[], float], runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def history_figures(roadmap: Roadmap, folder: Path, count: int, runs: int) -> None:
    """The same progress with and without ``count`` history entries, side by side."""
    import asyncio

    import bench_tui

    plain = folder / "plain.yaml"
    store = ProgressStore(plain, roadmap)
    ids = roadmap.ids()
    store.update(lambda p: p.set_state(roadmap, ids[::2], State.DONE, NOW), "bench", NOW)
    store.update(lambda p: p.set_state(roadmap, ids[1::3], State.IN_PROGRESS, NOW), "bench", NOW)
    full = folder / "history.yaml"
    full.write_text(plain.read_text())
    with_history(roadmap, full, count)
    # the items as in the file with history, without the history: the baseline
    head, tail, _ = split_history(full.read_text())
    plain.write_text(head)
    entries = len(ProgressStore(full, roadmap).load().history.changes())
    size_plain, size_full = plain.stat().st_size, full.stat().st_size
    print(
        f"history: {entries} entries; progress file {size_plain} bytes without, "
        f"{size_full} bytes with ({(size_full - size_plain) / entries:.0f} bytes an entry)"
    )
    stores = {
        name: ProgressStore(path, roadmap) for name, path in (("plain", plain), ("full", full))
    }
    loads: dict[str, list[float]] = {"plain": [], "full": []}
    for _ in range(max(runs, 20)):
        for name, s in stores.items():
            t0 = time.perf_counter()
            s.load()
            loads[name].append(time.perf_counter() - t0)
    ratio_row("ProgressStore.load", loads, "ms", 1000, "%.3f")

    status: dict[str, list[float]] = {"plain": [], "full": []}
    base_env = dict(os.environ)  # baselines and records kept in the bench's folder
    base_env.update(PLANNER_DATA_DIR=str(folder / "data"), PLANNER_CACHE_DIR=str(folder / "cache"))
    for _ in range(runs):
        for name, path in (("plain", plain), ("full", full)):
            status[name].append(cli(["status"], dict(base_env, PLANNER_PROGRESS=str(path))))
    ratio_row("planner status", status, "ms", 1000, "%.1f", target=1.05)

    planner_cmd = shutil.which("planner", path=str(Path(sys.executable).parent))
    argv = [planner_cmd] if planner_cmd else [sys.executable, "-m", "planner"]
    env = dict(base_env, TERM="xterm-256color", COLORTERM="truecolor")
    env["PLANNER_CONFIG_DIR"] = str(folder / "config")
    for var in ("TEXTUAL", "PLANNER_SETTINGS", "PYTHONDONTWRITEBYTECODE"):
        env.pop(var, None)
    # a returning learner: a settings file, so the first-start setup does not open
    (folder / "config").mkdir(parents=True, exist_ok=True)
    (folder / "config" / "settings.yaml").write_text("timezone: UTC\n", encoding="utf-8")
    # the app opens on Today: the tab bar, then the footer with Today's keys and the app's
    stages = ([b"Today", b"Roadmap"], [b"Session done", b"Quit"])
    starts: dict[str, list[float]] = {"plain": [], "full": []}
    for path in (plain, full):  # warm-up
        bench_tui.time_to_frame(argv, dict(env, PLANNER_PROGRESS=str(path)), *stages)
    for _ in range(runs):
        for name, path in (("plain", plain), ("full", full)):
            times = bench_tui.time_to_frame(argv, dict(env, PLANNER_PROGRESS=str(path)), *stages)
            starts[name].append(times[-1])
    ratio_row("app start, first full frame", starts, "ms", 1000, "%.1f", target=1.05)

    updates: dict[str, list[float]] = {"plain": [], "full": []}
    topic = next(iter(roadmap.topics())).id
    for n in range(max(runs, 10)):
        for name, s in stores.items():
            state = (State.DONE, State.TODO)[n % 2]
            t0 = time.perf_counter()
            s.update(lambda p, st=state: p.set_state(roadmap, [topic], st, NOW), "bench", NOW)
            updates[name].append(time.perf_counter() - t0)
    ratio_row("ProgressStore.update", updates, "ms", 1000, "%.2f")

    frames: dict[str, list[float]] = {}
    for name, path in (("plain", plain), ("full", full)):
        copy = folder / f"checkoff-{name}.yaml"
        copy.write_text(path.read_text())
        got, _ = asyncio.run(bench_tui.checkoffs(bundled_roadmap(), 40, folder, progress=copy))
        frames[name] = got
    ratio_row("app check-off, key to frame", frames, "ms", 1000, "%.1f", limit=0.0167)
    del tail


def ratio_row(
    name: str,
    times: dict[str, list[float]],
    unit: str,
    scale: float,
    fmt: str,
    target: float | None = None,
    limit: float | None = None,
) -> None:
    plain = statistics.median(times["plain"])
    full = statistics.median(times["full"])
    ratio = full / plain if plain else float("nan")
    line = (
        f"  {name:<30} without {fmt % (plain * scale):>8} {unit}   with history "
        f"{fmt % (full * scale):>8} {unit}   {ratio:.3f}x"
    )
    if target is not None:
        line += f"  (target <= {target:.2f}x)"
    if limit is not None:
        line += f"  (target < {limit * scale:.1f} {unit})"
    print(line + f"   median of {len(times['full'])}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--history", type=int, default=10_000, help="history entries")
    parser.add_argument("--runs", type=int, default=15, help="fresh processes of each kind")
    args = parser.parse_args()
    repeat = args.repeat
    roadmap = load_roadmap(bundled_roadmap())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.yaml"
        store = ProgressStore(path, roadmap)
        ids = roadmap.ids()
        store.update(lambda p: p.set_state(roadmap, ids[::2], State.DONE, NOW))
        store.update(lambda p: p.set_state(roadmap, ids[1::3], State.IN_PROGRESS, NOW))
        text = path.read_text()
        raw = text.encode()
        other = Path(folder) / "other.yaml"
        flip = [State.DONE, State.TODO]
        topic = next(iter(roadmap.topics())).id
        counter = [0]

        def update() -> None:
            counter[0] += 1
            store.update(lambda p: p.set_state(roadmap, [topic], flip[counter[0] % 2], NOW))

        progress = store.load()
        rows: dict[str, float] = {}
        for _ in range(repeat):
            for name, fn in (
                ("yaml.load (baseline)", lambda: yaml.load(text, Loader=yaml.CSafeLoader)),
                ("ProgressStore.load", store.load),
                ("write_atomic (baseline)", lambda: write_atomic(other, raw)),
                ("ProgressStore.update", update),
                ("figures", lambda: figures(roadmap, progress, 8.0, 8.0)),
                ("states", lambda: progress.states(roadmap)),
            ):
                rows[name] = min(rows.get(name, 1e9), best(fn, 1))
        env = dict(os.environ, PLANNER_PROGRESS=str(path))
        status = min(cli(["status"], env) for _ in range(5))
        validate = min(cli(["validate"], env) for _ in range(5))
    print(f"bundled roadmap: {len(ids)} ids, progress file {len(raw)} bytes, best of {repeat}")
    for name, seconds in rows.items():
        print(f"  {name:<26} {seconds * 1000:8.3f} ms")
    print(f"  {'planner validate (baseline)':<26} {validate * 1000:8.1f} ms  (fresh process)")
    print(f"  {'planner status':<26} {status * 1000:8.1f} ms  (fresh process)")
    if args.history:
        with tempfile.TemporaryDirectory() as folder:
            history_figures(roadmap, Path(folder), args.history, args.runs)


if __name__ == "__main__":
    main()
