"""States, roll-up, weighted figures and the progress store (basic behaviour)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from planner.progress import (
    Entry,
    Figures,
    Progress,
    ProgressError,
    ProgressStore,
    State,
    dump_progress,
    figures,
    remaining_topic_hours,
)
from planner.roadmap import Roadmap
from planner.roadmap_file import parse_roadmap

NOW = datetime(2026, 11, 28, 19, 5, tzinfo=timezone(timedelta(hours=1)))
LATER = NOW + timedelta(hours=2)

SMALL = """\
id: small
title: Small
modules:
  - id: m1
    title: Module One
    topics:
      - id: a
        title: Alpha Topic
        estimate: 10 days
        subtopics: [One, Two, Three, Four]
      - id: b
        title: Beta Topic
        estimate: 1 day
  - id: m2
    title: Module Two
    topics:
      - id: c
        title: Gamma
        estimate: 8 hours
      - id: d
        title: Delta
"""


@pytest.fixture
def small() -> Roadmap:
    return parse_roadmap(SMALL)


def test_subtopics_roll_up_to_topic_and_module(small: Roadmap) -> None:
    p = Progress()
    changed = p.set_state(small, ["a/one"], State.DONE, NOW)
    assert changed == ["m1", "a", "a/one"]
    assert p.state(small, "a") is State.IN_PROGRESS
    assert p.state(small, "m1") is State.IN_PROGRESS
    assert p.state(small, "m2") is State.TODO
    p.set_state(small, ["a/two", "a/three"], State.DONE, NOW)
    p.set_state(small, ["a/four"], State.SKIPPED, NOW)
    assert p.state(small, "a") is State.DONE
    assert p.state(small, "m1") is State.IN_PROGRESS  # b is still todo
    p.set_state(small, ["b"], State.SKIPPED, NOW)
    assert p.state(small, "m1") is State.DONE
    assert p.entries["m1"].state is State.DONE and p.entries["m1"].changed == NOW


def test_topic_done_marks_open_subtopics_done_but_keeps_skipped(small: Roadmap) -> None:
    p = Progress()
    p.set_state(small, ["a/two"], State.SKIPPED, NOW)
    p.set_state(small, ["a"], State.DONE, LATER)
    assert [p.state(small, f"a/{s}") for s in ("one", "two", "three", "four")] == [
        State.DONE,
        State.SKIPPED,
        State.DONE,
        State.DONE,
    ]
    assert p.entries["a/one"].changed == LATER
    assert p.entries["a/two"].changed == NOW


def test_module_done_marks_its_topics_done_and_todo_undoes(small: Roadmap) -> None:
    p = Progress()
    changed = p.set_state(small, ["m1"], State.DONE, NOW)
    assert set(changed) == {"m1", "a", "a/one", "a/two", "a/three", "a/four", "b"}
    assert p.state(small, "b") is State.DONE
    p.set_state(small, ["m1"], State.TODO, LATER)
    assert all(p.state(small, i) is State.TODO for i in ("m1", "a", "a/one", "b"))


def test_todo_writes_rows_only_for_what_it_changed(small: Roadmap) -> None:
    """Resetting a topic leaves untouched subtopics without a record (they were todo and
    stay so), and a module that stays todo gets none either."""
    p = Progress()
    p.set_state(small, ["a/one"], State.DONE, NOW)
    p.set_state(small, ["c"], State.SKIPPED, NOW)
    before = set(p.entries)
    assert before == {"m1", "a", "a/one", "c"}  # m2 stays todo: no record
    changed = p.set_state(small, ["a"], State.TODO, LATER)
    assert changed == ["m1", "a", "a/one"]
    assert set(p.entries) == before  # no rows for a/two, a/three, a/four
    assert all(p.state(small, i) is State.TODO for i in ("m1", "a", "a/one", "a/two"))
    p.set_state(small, ["d"], State.TODO, LATER)  # a topic never touched: nothing at all
    assert set(p.entries) == before
    fresh = Progress()
    assert fresh.set_state(small, ["b", "m2"], State.TODO, LATER) == []
    assert fresh.entries == {}


def test_undoing_a_subtopic_reopens_its_topic(small: Roadmap) -> None:
    p = Progress()
    p.set_state(small, ["a"], State.DONE, NOW)
    p.set_state(small, ["a/one"], State.TODO, LATER)
    assert p.state(small, "a") is State.IN_PROGRESS
    p.set_state(small, ["a/two", "a/three", "a/four"], State.TODO, LATER)
    assert p.state(small, "a") is State.TODO
    assert p.state(small, "m1") is State.TODO


def test_start_marks_in_progress_and_undo_of_started_child_clears_parent(small: Roadmap) -> None:
    p = Progress()
    p.set_state(small, ["a"], State.IN_PROGRESS, NOW)
    assert p.state(small, "a") is State.IN_PROGRESS
    assert p.state(small, "a/one") is State.TODO
    assert p.state(small, "m1") is State.IN_PROGRESS
    p.set_state(small, ["c"], State.IN_PROGRESS, NOW)
    p.set_state(small, ["c"], State.TODO, NOW)
    assert p.state(small, "m2") is State.TODO


def test_unknown_id_is_refused(small: Roadmap) -> None:
    with pytest.raises(ProgressError, match="nope"):
        Progress().set_state(small, ["nope"], State.DONE, NOW)


def test_figures_are_weighted_by_hours(small: Roadmap) -> None:
    p = Progress()
    p.set_state(small, ["b"], State.DONE, NOW)  # 8 h of 80+8+8+8
    f = figures(small, p, 8.0, 8.0)
    assert f["b"] == Figures(8.0, 0.0, 0.0, 0)
    assert f["m1"].done == 8 and f["m1"].remaining == 80
    assert f["small"].done == 8 and f["small"].remaining == 96
    assert f["small"].percent == pytest.approx(100 * 8 / 104)
    assert f["d"].remaining == 8  # unestimated topic counts the default
    assert figures(small, p, 8.0, 2.0)["d"].remaining == 2


def test_subtopic_weighs_a_share_and_skipped_leaves_both_sides(small: Roadmap) -> None:
    p = Progress()
    p.set_state(small, ["a/one"], State.DONE, NOW)
    p.set_state(small, ["a/two"], State.SKIPPED, NOW)
    f = figures(small, p, 8.0, 8.0)
    assert f["a"] == Figures(20.0, 40.0, 20.0, 2)
    assert f["a/one"].done == 20 and f["a/two"].skipped == 20
    assert f["a"].percent == pytest.approx(100 * 20 / 60)


def test_logged_hours_reduce_remaining_taking_the_smaller(small: Roadmap) -> None:
    p = Progress()
    p.set_state(small, ["c"], State.IN_PROGRESS, NOW)
    p.log_hours("c", 3, NOW)
    assert remaining_topic_hours(small, p, 8.0, 8.0)["c"] == 5
    # subtopic share vs logged hours: whichever leaves less remaining
    p.set_state(small, ["a/one"], State.DONE, NOW)  # 60 h left by share
    p.log_hours("a", 30, NOW)  # 50 h left by log
    assert remaining_topic_hours(small, p, 8.0, 8.0)["a"] == 50
    p.log_hours("a", -25, NOW)  # 75 h by log: share wins
    assert remaining_topic_hours(small, p, 8.0, 8.0)["a"] == 60


def test_open_topic_never_reaches_zero_by_logging(small: Roadmap) -> None:
    p = Progress()
    p.log_hours("c", 100, NOW)
    rem = remaining_topic_hours(small, p, 8.0, 8.0)
    assert rem["c"] == pytest.approx(0.8)
    assert figures(small, p, 8.0, 8.0)["c"].percent < 100


def test_open_topic_with_a_vanishing_estimate_still_has_hours_remaining() -> None:
    # 10 % of 5e-324 h (and a third of it) underflow to 0.0: the topic must stay open
    roadmap = parse_roadmap(
        "id: r\ntitle: R\nmodules:\n  - id: m\n    title: M\n    topics:\n"
        "      - {id: t, title: T, subtopics: [A, B, C]}\n      - {id: u, title: U}\n"
    )
    p = Progress()
    p.log_hours("t", 3, NOW)
    p.log_hours("u", 3, NOW)
    p.set_state(roadmap, ["t/a"], State.DONE, NOW)
    rem = remaining_topic_hours(roadmap, p, 8.0, 5e-324)
    assert rem == {"t": 5e-324, "u": 5e-324}
    assert figures(roadmap, p, 8.0, 5e-324)["r"].percent < 100


def test_remaining_topic_hours_in_roadmap_order_without_closed(small: Roadmap) -> None:
    p = Progress()
    p.set_state(small, ["b"], State.DONE, NOW)
    p.set_state(small, ["d"], State.SKIPPED, NOW)
    assert list(remaining_topic_hours(small, p, 8.0, 8.0).items()) == [("a", 80.0), ("c", 8.0)]


def test_percent_is_exactly_100_when_all_closed(small: Roadmap) -> None:
    p = Progress()
    p.set_state(small, ["m1"], State.DONE, NOW)
    p.set_state(small, ["m2"], State.SKIPPED, NOW)
    f = figures(small, p, 8.0, 8.0)
    assert f["small"].percent == 100.0 and f["m2"].percent == 100.0
    assert Figures(0, 0, 0, 1).percent == 0.0


# -- the store ---------------------------------------------------------------


def test_missing_file_loads_empty_and_creates_nothing(tmp_path: Path, small: Roadmap) -> None:
    path = tmp_path / "sub" / "small.yaml"
    store = ProgressStore(path, small)
    assert store.load().entries == {}
    assert store.signature() is None
    assert not (tmp_path / "sub").exists()


def test_update_saves_and_round_trips(tmp_path: Path, small: Roadmap) -> None:
    path = tmp_path / "small.yaml"
    store = ProgressStore(path, small)
    store.update(lambda p: p.set_state(small, ["a/one", "c"], State.DONE, NOW))
    store.update(lambda p: p.log_hours("b", 1.5, NOW))
    loaded = store.load()
    assert loaded.state(small, "a/one") is State.DONE
    assert loaded.entries["c"] == Entry(State.DONE, NOW, 0.0)
    assert loaded.entries["b"].logged_hours == 1.5
    text = path.read_text()
    assert "version: 1\nroadmap: small\n" in text
    assert "  c: {state: done, changed: '2026-11-28T19:05:00+01:00'}" in text
    assert text.index("  m1:") < text.index("  a:") < text.index("  a/one:") < text.index("  c:")
    assert store.signature() is not None


def test_orphans_are_kept_on_save(tmp_path: Path, small: Roadmap) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(
        "version: 1\nroadmap: small\nitems:\n  gone-topic: {state: done}\n  b: in progress\n"
    )
    store = ProgressStore(path, small)
    p = store.update(lambda p: p.set_state(small, ["c"], State.DONE, NOW))
    assert p.orphans(small) == ["gone-topic"]
    again = store.load()
    assert again.entries["gone-topic"].state is State.DONE
    assert again.state(small, "b") is State.IN_PROGRESS


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"version: 1\nitems: [unclosed\n", "not valid YAML at line"),
        (b"version: 2\nitems: {}\n", "format version 2"),
        (b"items: {a: done}\n", "no 'version' line"),
        (b"version: 1\nroadmap: other\nitems: {}\n", "belongs to roadmap 'other'"),
        (b"version: 1\nitems: {a: finished}\n", "unknown state 'finished'"),
        (b"version: 1\nitems: {a: {state: done, changed: yesterday}}\n", "'changed'"),
        (b"version: 1\nitems: {a: {logged_hours: -1}}\n", "cannot be negative"),
        (b"\xff\xfe garbage", "not UTF-8"),
        (b"- just\n- a list\n", "expected a mapping"),
        (b"id: small\ntitle: Small\nmodules: []\n", "is this a progress file?"),
        (
            b"version: 1\nitems:\n  a: done\n  b: done\n  a: todo\n",
            "'a' is given twice (lines 3 and 5)",
        ),
        (b"version: 1\nitems: {a: {state: done, state: todo}}\n", "'state' is given twice"),
    ],
)
def test_bad_file_gives_clear_message_and_is_never_overwritten(
    tmp_path: Path, small: Roadmap, content: bytes, message: str
) -> None:
    path = tmp_path / "small.yaml"
    path.write_bytes(content)
    store = ProgressStore(path, small)
    with pytest.raises(ProgressError) as info:
        store.load()
    text = str(info.value)
    assert message in text and str(path) in text
    with pytest.raises(ProgressError):
        store.update(lambda p: p.set_state(small, ["c"], State.DONE, NOW))
    assert path.read_bytes() == content
    if "belongs to" not in text:
        assert f"mv {path} {path}.bak" in text


def test_unreadable_file_is_reported_and_kept(
    tmp_path: Path, small: Roadmap, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    path = tmp_path / "small.yaml"
    path.write_text("version: 1\nitems: {}\n")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads any file: refuse the read as the system would
        real = os.open

        def refuse(file: object, flags: int, *args: object, **kwargs: object) -> int:
            if Path(str(file)) == path:
                raise PermissionError(13, "Permission denied", str(file))
            return real(file, flags, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(os, "open", refuse)
    try:
        with pytest.raises(ProgressError, match="cannot read progress file"):
            ProgressStore(path, small).load()
        with pytest.raises(ProgressError):
            ProgressStore(path, small).update(lambda p: None)
    finally:
        path.chmod(0o644)
        monkeypatch.undo()
    assert path.read_text() == "version: 1\nitems: {}\n"


def test_empty_file_is_empty_progress(tmp_path: Path, small: Roadmap) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("")
    assert ProgressStore(path, small).load().entries == {}


def test_unchanged_update_does_not_rewrite(tmp_path: Path, small: Roadmap) -> None:
    path = tmp_path / "small.yaml"
    store = ProgressStore(path, small)
    store.update(lambda p: p.set_state(small, ["c"], State.DONE, NOW))
    sig = store.signature()
    store.update(lambda p: p.set_state(small, ["c"], State.DONE, LATER))
    assert store.signature() == sig


def test_symlinked_file_stays_a_link(tmp_path: Path, small: Roadmap) -> None:
    real = tmp_path / "repo" / "progress.yaml"
    real.parent.mkdir()
    link = tmp_path / "small.yaml"
    link.symlink_to(real)
    ProgressStore(link, small).update(lambda p: p.set_state(small, ["c"], State.DONE, NOW))
    assert link.is_symlink() and "c: {state: done" in real.read_text()


def test_dump_without_roadmap_keeps_order_and_id() -> None:
    p = Progress({"z": Entry(State.DONE), "a": Entry()}, roadmap_id="r")
    text = dump_progress(p)
    assert "roadmap: r\n" in text and text.index("  z:") < text.index("  a:")


def test_percent_is_exact_for_awkward_hours() -> None:
    # 100 * d / d is not always 100.0 in floating point; the percent must be
    assert Figures(10.877938225229315, 0.0, 0.0, 0).percent == 100.0
    assert Figures(0.0, 0.0, 5.0, 0).percent == 100.0  # all skipped
    assert Figures(0.0, 0.0, 0.0, 1).percent == 0.0  # open work that weighs nothing
    assert Figures(1.0, 1e-20, 0.0, 1).percent < 100.0


def test_whole_percent_rounds_down_but_forgives_float_error() -> None:
    assert Figures(3.2, 12.8, 0.0, 1).whole_percent == 20  # 19.999999999999996 in floats
    assert Figures(99.7, 0.3, 0.0, 1).whole_percent == 99
    assert Figures(1e12 - 1e-3, 1e-3, 0.0, 1).whole_percent == 99  # open: never 100
    assert Figures(5.0, 0.0, 1.0, 0).whole_percent == 100
    assert Figures(0.0, 0.0, 0.0, 1).whole_percent == 0


def test_a_file_where_a_folder_belongs_is_named(tmp_path: Path, small: Roadmap) -> None:
    # PLANNER_DATA_DIR pointing at a file: say which file is in the way, write nothing
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    store = ProgressStore(blocker / "progress" / "small.yaml", small)
    message = f"{blocker} is a file, not a folder; move that file"
    with pytest.raises(ProgressError, match=message):
        store.load()
    with pytest.raises(ProgressError, match=message):
        store.update(lambda p: p.set_state(small, ["b"], State.DONE, NOW))
    assert blocker.read_text() == "not a folder"
