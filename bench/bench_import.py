"""Reading roadmaps, each figure next to a bare YAML load of the same text in the same run.

    /work/venv/bin/python bench/bench_import.py [--repeat N] [--topics N] [--against REV]

1. The seed: ``import_markdown`` of ``tests/data/backend-roadmap.md`` (Markdown -> checked
   YAML -> Roadmap) and ``load_roadmap`` of the bundled ``roadmap.yaml``, beside
   ``yaml.load(text, Loader=yaml.CSafeLoader)`` of that YAML (no checks, no positions).
2. A synthetic roadmap of 10,000 topics (``bench_tui.synthetic_roadmap``: 100 modules x
   100 topics x 3 subtopics, 1.2 MB): ``load_roadmap`` beside the same bare ``yaml.load``.

Timed with the cyclic garbage collector off, as ``planner.cli.main`` runs start-up; runs
interleaved, median and best of N. ``--against REV`` times the roadmap file reader as it was
at git revision REV in the same run, for a before/after on the same machine load.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml
from bench_tui import synthetic_roadmap

from planner.md_import import import_markdown
from planner.roadmap_file import load_roadmap

REPO = Path(__file__).resolve().parents[1]
SEED_MD = REPO / "tests" / "data" / "backend-roadmap.md"
SEED_YAML = REPO / "roadmap.yaml"


def loader_at(rev: str, folder: Path) -> ModuleType:
    """``planner/roadmap_file.py`` as it was at ``rev``, imported beside the current one."""
    for name in ("planner/roadmap_file.py", "planner/loader.py"):  # loader.py until renamed
        shown = subprocess.run(
            ["git", "-C", str(REPO), "show", f"{rev}:{name}"], capture_output=True, text=True
        )
        if shown.returncode == 0:
            break
    shown.check_returncode()
    source = shown.stdout
    path = folder / "loader_then.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("loader_then", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["loader_then"] = module
    spec.loader.exec_module(module)
    return module


def measure(cases: dict[str, Callable[[], object]], repeat: int) -> dict[str, list[float]]:
    """Seconds per call of each case, the cases interleaved, the collector off."""
    times: dict[str, list[float]] = {name: [] for name in cases}
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeat):
            for name, call in cases.items():
                start = time.perf_counter()
                call()
                times[name].append(time.perf_counter() - start)
                gc.collect()  # each call starts clean, outside the timing
    finally:
        if was_enabled:
            gc.enable()
    return times


def report(title: str, times: dict[str, list[float]], baseline: str) -> None:
    base = statistics.median(times[baseline])
    print(title)
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"  {name:<44} median {median * 1000:7.1f} ms   best {min(values) * 1000:7.1f} ms"
            f"   {median / base:5.2f}x the bare load"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each case")
    parser.add_argument("--topics", type=int, default=100, help="topics per module (x100)")
    parser.add_argument("--against", metavar="REV", help="also time the loader at git REV")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        work = Path(tmp)
        then = loader_at(args.against, work) if args.against else None

        md = SEED_MD.read_text(encoding="utf-8")
        seed_yaml = SEED_YAML.read_text(encoding="utf-8")
        assert import_markdown(md, SEED_MD.name).roadmap == load_roadmap(SEED_YAML)
        seed_cases: dict[str, Callable[[], object]] = {
            "yaml.load (CSafeLoader) of roadmap.yaml": lambda: yaml.load(
                seed_yaml, Loader=yaml.CSafeLoader
            ),
            "load_roadmap(roadmap.yaml)": lambda: load_roadmap(SEED_YAML),
            "import_markdown(backend-roadmap.md)": lambda: import_markdown(md, SEED_MD.name),
        }
        report(
            "1. the seed (5 modules, 28 topics, 104 subtopics)",
            measure(seed_cases, args.repeat * 10),
            "yaml.load (CSafeLoader) of roadmap.yaml",
        )

        big = synthetic_roadmap(work / "synthetic.yaml", 100, args.topics)
        big_text = big.read_text(encoding="utf-8")
        loaded = load_roadmap(big)
        modules, topics, subtopics = loaded.counts()
        big_cases: dict[str, Callable[[], object]] = {
            "yaml.load (CSafeLoader), file read": lambda: yaml.load(
                big.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader
            ),
            "load_roadmap (now)": lambda: load_roadmap(big),
        }
        if then is not None:
            assert then.load_roadmap(big) == loaded
            big_cases[f"load_roadmap at {args.against}"] = lambda: then.load_roadmap(big)
        print()
        report(
            f"2. synthetic: {modules} modules, {topics} topics, {subtopics} subtopics, "
            f"{len(big_text.encode()) / 1e6:.1f} MB",
            measure(big_cases, args.repeat),
            "yaml.load (CSafeLoader), file read",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
