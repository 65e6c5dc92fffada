"""The progress file survives a writer killed at any moment, and two writers at once."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import time
from datetime import datetime, timedelta, timezone
from multiprocessing.connection import Connection
from pathlib import Path

import pytest

from planner.progress import Progress, ProgressStore, State
from planner.roadmap import Roadmap

pytestmark = pytest.mark.skipif(
    sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods(),
    reason="needs POSIX processes (fork, SIGKILL)",
)
NOW = datetime(2026, 11, 28, 19, 5, tzinfo=timezone.utc)


def _fork() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("fork")


# -- killed writer ---------------------------------------------------------------


def _step(roadmap: Roadmap, progress: Progress) -> None:
    """Write number n = (hours logged on the first topic) + 1: log it, flip every item."""
    topic = roadmap.modules[0].topics[0].id
    n = int(progress.logged(topic)) + 1
    progress.log_hours(topic, 1, NOW)
    state = State.DONE if n % 2 else State.TODO
    progress.set_state(roadmap, [m.id for m in roadmap.modules], state, NOW + timedelta(seconds=n))


def _writer(path: str, roadmap: Roadmap, ready: Connection) -> None:
    store = ProgressStore(Path(path), roadmap)
    store.update(lambda p: _step(roadmap, p))
    ready.send(True)
    while True:
        store.update(lambda p: _step(roadmap, p))


def _snapshot_number(roadmap: Roadmap, progress: Progress) -> int:
    """The file holds one whole write: return its number after checking every item agrees."""
    n = progress.logged(roadmap.modules[0].topics[0].id)
    assert n == int(n) and n >= 1
    expected = State.DONE if int(n) % 2 else State.TODO
    states = progress.states(roadmap)
    assert all(s is expected for s in states.values()), f"torn file at write {n}"
    stamps = {progress.entries[i].changed for i in states}
    assert stamps == {NOW + timedelta(seconds=int(n))}, f"torn file at write {n}"
    return int(n)


def test_writer_killed_at_random_moments_leaves_old_or_new_state(
    tmp_path: Path, seed: Roadmap
) -> None:
    path = tmp_path / "progress" / "p.yaml"
    store = ProgressStore(path, seed)
    rng = random.Random(20261128)
    last = 0
    kills = 40
    for _ in range(kills):
        parent_end, child_end = _fork().Pipe()
        proc = _fork().Process(target=_writer, args=(str(path), seed, child_end), daemon=True)
        proc.start()  # type: ignore[attr-defined]
        assert parent_end.poll(60), "the writer did not start"
        parent_end.recv()
        time.sleep(rng.uniform(0, 0.04))  # a random moment, most likely inside a write
        os.kill(proc.pid, signal.SIGKILL)  # type: ignore[attr-defined]
        proc.join(10)  # type: ignore[attr-defined]
        assert proc.exitcode == -signal.SIGKILL  # type: ignore[attr-defined]
        n = _snapshot_number(seed, store.load())
        assert n > last  # each run's first write was kept; nothing went back
        last = n
    # the next writer tidies temp files that killed writers left behind
    store.update(lambda p: None)
    assert not list(path.parent.glob(".p.yaml.*.tmp"))


def _history_step(roadmap: Roadmap, progress: Progress) -> None:
    """Write n: log an hour on the first topic and flip the first module (done/todo)."""
    module = roadmap.modules[0]
    topic = module.topics[0].id
    n = int(progress.logged(topic)) + 1
    progress.log_hours(topic, 1, NOW)
    state = State.DONE if n % 2 else State.TODO
    progress.set_state(roadmap, [module.id], state, NOW + timedelta(seconds=n))


def _history_writer(path: str, roadmap: Roadmap, ready: Connection) -> None:
    store = ProgressStore(Path(path), roadmap)
    at = NOW + timedelta(days=1)
    store.update(lambda p: _history_step(roadmap, p), "test:kill", at)
    ready.send(True)
    while True:
        store.update(lambda p: _history_step(roadmap, p), "test:kill", at)


def test_writer_killed_while_writing_history_loses_no_change(tmp_path: Path, seed: Roadmap) -> None:
    """Every whole write is one history line; a killed write leaves the old file whole:
    the history always reads, holds exactly one change per write kept, and its newest
    change left the items as the file holds them."""
    path = tmp_path / "p.yaml"
    store = ProgressStore(path, seed)
    topic = seed.modules[0].topics[0].id
    rng = random.Random(20261203)
    last = 0
    kills = 60
    for _ in range(kills):
        parent_end, child_end = _fork().Pipe()
        proc = _fork().Process(
            target=_history_writer, args=(str(path), seed, child_end), daemon=True
        )
        proc.start()  # type: ignore[attr-defined]
        assert parent_end.poll(60), "the writer did not start"
        parent_end.recv()
        time.sleep(rng.uniform(0, 0.03))
        os.kill(proc.pid, signal.SIGKILL)  # type: ignore[attr-defined]
        proc.join(10)  # type: ignore[attr-defined]
        assert proc.exitcode == -signal.SIGKILL  # type: ignore[attr-defined]
        progress = store.load()
        n = int(progress.logged(topic))
        assert n > last
        last = n
        changes = progress.history.changes()
        assert len(changes) == n, f"{n} writes kept, {len(changes)} changes recorded"
        newest = changes[-1]
        assert newest.source == "test:kill"
        for item_id, (_, after) in newest.items.items():
            assert progress.row(item_id) == after, item_id
        # and undo can take the newest back, as recorded
        undone = Progress(dict(progress.entries), progress.roadmap_id, progress.history)
        undone.undo()
    store.update(lambda p: None)
    assert not list(path.parent.glob(".p.yaml.*.tmp"))


# -- two writers -------------------------------------------------------------------


def _marker(path: str, roadmap: Roadmap, ids: list[str], go: Connection) -> None:
    store = ProgressStore(Path(path), roadmap)
    go.recv()
    for item_id in ids:
        store.update(lambda p, i=item_id: p.set_state(roadmap, [i], State.DONE, NOW))


def test_two_processes_marking_different_ids_lose_nothing(tmp_path: Path, seed: Roadmap) -> None:
    path = tmp_path / "p.yaml"
    leaves = [s.id for t in seed.topics() for s in t.subtopics] + [
        t.id for t in seed.topics() if not t.subtopics
    ]
    first, second = leaves[0::2], leaves[1::2]
    pipes = [_fork().Pipe() for _ in range(2)]
    procs = [
        _fork().Process(target=_marker, args=(str(path), seed, ids, pipe[1]))
        for ids, pipe in zip((first, second), pipes, strict=True)
    ]
    for proc in procs:
        proc.start()  # type: ignore[attr-defined]
    for parent_end, _ in pipes:
        parent_end.send(True)
    for proc in procs:
        proc.join(120)  # type: ignore[attr-defined]
        assert proc.exitcode == 0  # type: ignore[attr-defined]
    progress = ProgressStore(path, seed).load()
    lost = [i for i in leaves if progress.state(seed, i) is not State.DONE]
    assert lost == []
    assert all(s is State.DONE for s in progress.states(seed).values())


def test_app_and_command_interleaved_keep_both_changes(tmp_path: Path, seed: Roadmap) -> None:
    """An app holding an old copy saves through update(): the file's newer change stays."""
    path = tmp_path / "p.yaml"
    app_store, cli_store = ProgressStore(path, seed), ProgressStore(path, seed)
    app_copy = app_store.load()
    cli_store.update(lambda p: p.set_state(seed, ["django-deep-dive"], State.DONE, NOW))
    app_copy.set_state(seed, ["fastapi-introduction"], State.IN_PROGRESS, NOW)
    merged = app_store.update(
        lambda p: p.set_state(seed, ["fastapi-introduction"], State.IN_PROGRESS, NOW)
    )
    assert merged.state(seed, "django-deep-dive") is State.DONE
    assert merged.state(seed, "fastapi-introduction") is State.IN_PROGRESS
    assert app_store.signature() == cli_store.signature() is not None
