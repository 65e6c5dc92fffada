"""Progress on the bundled roadmap with every item recorded, next to its baselines.

    /work/venv/bin/python bench/bench_progress.py [--repeat R]

Figures measured in the same run, best of R, interleaved:

- ``yaml.load``: the C YAML loader on the progress file's text (the baseline for load).
- ``load``: ``ProgressStore.load`` - read, parse, check every entry.
- ``write_atomic``: writing the same bytes with ``planner.atomic.write_atomic`` (temp file,
  fsync, rename): the baseline for update.
- ``update``: ``ProgressStore.update`` marking one topic - lock, re-read, change, dump, write.
- ``figures`` / ``states``: the effort-weighted figures and rolled-up states of every item.
- ``status``: ``planner status`` in a fresh interpreter, next to ``planner validate``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import yaml

from planner.atomic import write_atomic
from planner.locations import bundled_roadmap
from planner.progress import ProgressStore, State, figures
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
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


if __name__ == "__main__":
    main()
