"""The history of changes: recorded by the store, shown by `planner history`, undo/redo,
the second toggle giving back what the first changed, and merging in git."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import locations
from planner.cli import main
from planner.history import Change, History, Row, UndoError, change_from_data, in_zone
from planner.progress import Progress, ProgressStore, State, dump_progress, parse_progress
from planner.roadmap import Roadmap

NOW = datetime(2026, 12, 3, 15, 26, tzinfo=timezone.utc)
DJANGO = "django-deep-dive"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def file_of(seed: Roadmap) -> Path:
    return locations.progress_path(seed.id)


def leaves(seed: Roadmap, topic_id: str) -> list[str]:
    return [s.id for s in seed.topic(topic_id).subtopics]


# -- the record --------------------------------------------------------------------


def test_a_cascaded_done_is_one_line_with_every_item_before_and_after(
    tmp_path: Path, seed: Roadmap
) -> None:
    path = tmp_path / "p.yaml"
    store = ProgressStore(path, seed)
    first = leaves(seed, DJANGO)[0]
    store.update(lambda p: p.set_state(seed, [first], State.IN_PROGRESS, NOW), "cli:start", NOW)
    later = NOW + timedelta(minutes=5)
    store.update(lambda p: p.set_state(seed, [DJANGO], State.DONE, later), "cli:done", later)
    text = path.read_text()
    section = text.split("\nhistory:\n", 1)[1]
    assert len(section.splitlines()) == 2  # two changes, one line each
    change = store.load().history.changes()[-1]
    assert (change.source, change.kind, change.at) == ("cli:done", "state", later)
    under = leaves(seed, DJANGO)
    assert set(under) | {DJANGO} <= set(change.items)
    before, after = change.items[first]
    assert before == {"state": "in_progress", "changed": NOW.isoformat()}
    assert after == {"state": "done", "changed": later.isoformat()}
    assert change.items[under[1]][0] is None  # no record before
    # a change that changes nothing is not recorded, and the file is not written
    stamp = path.stat().st_mtime_ns
    store.update(lambda p: None, "cli:done", later)
    assert path.stat().st_mtime_ns == stamp and len(store.load().history.changes()) == 2


def test_version_1_file_without_history_reads_and_gains_one(tmp_path: Path, seed: Roadmap) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"version: 1\nroadmap: {seed.id}\nitems:\n  {DJANGO}: done\n")
    store = ProgressStore(path, seed)
    progress = store.load()
    assert not progress.history and progress.history.changes() == []
    store.update(lambda p: p.log_hours(DJANGO, 2, NOW), "cli:log", NOW)
    text = path.read_text()
    assert text.startswith("#") and "version: 1\n" in text
    assert text.count("\nhistory:\n") == 1 and text.endswith("}\n")


def test_history_round_trips_and_a_bad_line_names_its_line(tmp_path: Path, seed: Roadmap) -> None:
    path = tmp_path / "p.yaml"
    store = ProgressStore(path, seed)
    store.update(lambda p: p.set_state(seed, [DJANGO], State.DONE, NOW), "app", NOW)
    text = path.read_text()
    loaded = parse_progress(text, path, seed.id)
    assert dump_progress(loaded, seed) == text
    lines = text.splitlines()
    broken = "\n".join([*lines, "- {at: [unclosed"]) + "\n"
    path.write_text(broken)
    progress = store.load()  # the items still load: the history is read when needed
    assert progress.state(seed, DJANGO) is State.DONE
    with pytest.raises(Exception, match=rf"line {len(lines) + 1}: history entry cannot be read"):
        progress.history.changes()


def test_history_moved_before_items_by_hand_is_still_read(tmp_path: Path, seed: Roadmap) -> None:
    path = tmp_path / "p.yaml"
    store = ProgressStore(path, seed)
    store.update(lambda p: p.set_state(seed, [DJANGO], State.DONE, NOW), "app", NOW)
    head, history = path.read_text().split("history:\n")
    items_at = head.index("items:")
    path.write_text(head[:items_at] + "history:\n" + history + head[items_at:])
    progress = store.load()
    assert progress.state(seed, DJANGO) is State.DONE
    assert [c.source for c in progress.history.changes()] == ["app"]


def test_times_are_shown_in_the_settings_zone() -> None:
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    cli_stamp = datetime(2026, 12, 3, 15, 26, tzinfo=timezone.utc)
    app_stamp = datetime(2026, 12, 3, 16, 26, 7, tzinfo=berlin)
    shown = [f"{in_zone(m, berlin):%H:%M}" for m in (cli_stamp, app_stamp)]
    assert shown == ["16:26", "16:26"]
    naive = datetime(2026, 12, 3, 9, 0)
    assert in_zone(naive, berlin) is naive


# -- undo and redo -----------------------------------------------------------------


def test_undo_takes_back_a_cascade_whole_and_walks_back(tmp_path: Path, seed: Roadmap) -> None:
    path = tmp_path / "p.yaml"
    store = ProgressStore(path, seed)
    topic = "git-mastery-collaboration-flow"
    store.update(lambda p: p.set_state(seed, [topic], State.IN_PROGRESS, NOW), "cli:start", NOW)
    store.update(lambda p: p.log_hours(topic, 1.5, NOW), "cli:log", NOW)
    before = path.read_text()
    module = seed.module(seed.topic(DJANGO).module_id)
    store.update(lambda p: p.set_state(seed, [module.id], State.DONE, NOW), "app", NOW)
    done = store.load()
    assert all(done.state(seed, t.id) is State.DONE for t in module.topics)
    undone = store.update(lambda p: p.undo(), "cli:undo", NOW)
    assert undone.entries == parse_progress(before, path, seed.id).entries
    assert undone.history.appended[-1].kind == "undo"
    # again: the hours logged go, then the start
    again = store.update(lambda p: p.undo(), "cli:undo", NOW)
    assert again.logged(topic) == 0 and again.state(seed, topic) is State.IN_PROGRESS
    third = store.update(lambda p: p.undo(), "cli:undo", NOW)
    assert third.entries == {}
    with pytest.raises(UndoError, match="nothing to undo"):
        store.update(lambda p: p.undo(), "cli:undo", NOW)
    # redo walks forward in the same order
    assert store.update(lambda p: p.redo(), "cli:redo", NOW).state(seed, topic) is State.IN_PROGRESS
    assert store.update(lambda p: p.redo(), "cli:redo", NOW).logged(topic) == 1.5
    redone = store.update(lambda p: p.redo(), "cli:redo", NOW)
    assert redone.entries == done.entries
    with pytest.raises(UndoError, match="nothing to redo"):
        store.update(lambda p: p.redo(), "cli:redo", NOW)
    # a new change ends redo; undo then takes back the new change first
    store.update(lambda p: p.undo(), "cli:undo", NOW)
    store.update(
        lambda p: p.set_state(seed, ["containerization-with-docker"], State.DONE, NOW),
        "cli:done",
        NOW,
    )
    with pytest.raises(UndoError, match="nothing to redo"):
        store.update(lambda p: p.redo(), "cli:redo", NOW)
    top = store.load().history.undo_list()
    assert [c.source for c in top] == ["cli:done", "cli:log", "cli:start"]


def test_undo_refuses_when_an_item_changed_outside_the_history(
    tmp_path: Path, seed: Roadmap
) -> None:
    path = tmp_path / "p.yaml"
    store = ProgressStore(path, seed)
    store.update(lambda p: p.set_state(seed, [DJANGO], State.DONE, NOW), "app", NOW)
    sub = leaves(seed, DJANGO)[0]
    text = path.read_text()
    head, history = text.split("\nhistory:\n")
    lines = head.splitlines()
    at = next(n for n, line in enumerate(lines) if line.strip().startswith(f"{sub}:"))
    lines[at] = f"  {sub}: {{state: skipped}}"  # a hand edit
    path.write_text("\n".join(lines) + "\nhistory:\n" + history)
    edited = path.read_text()
    with pytest.raises(UndoError, match=rf"{sub} was changed since .*nothing was changed"):
        store.update(lambda p: p.undo(), "cli:undo", NOW)
    assert path.read_text() == edited


def test_cli_history_undo_list_undo_redo(capsys: pytest.CaptureFixture[str], seed: Roadmap) -> None:
    settings = locations.settings_path(None)
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("timezone: Pacific/Auckland\n")
    assert run(capsys, "done", DJANGO)[0] == 0
    assert run(capsys, "log", "containerization-with-docker", "2")[0] == 0
    code, out, _ = run(capsys, "undo", "--list")
    assert code == 0
    assert out.splitlines()[1].split("  ")[-2:][0].startswith("logged 2 h on ")
    assert "done Django Deep Dive and 7 subtopics" in out.splitlines()[2]
    code, out, _ = run(capsys, "undo")
    assert code == 0 and out.startswith("undid: logged 2 h on ")
    code, out, _ = run(capsys, "undo")
    assert code == 0 and out.startswith("undid: done Django Deep Dive and 7 subtopics")
    progress = ProgressStore(file_of(seed), seed).load()
    assert progress.entries == {}
    code, _, err = run(capsys, "undo")
    assert code == 2 and err.startswith("planner: nothing to undo") and len(err.splitlines()) == 1
    code, out, _ = run(capsys, "redo")
    assert code == 0 and out.startswith("redid: done Django Deep Dive")
    assert ProgressStore(file_of(seed), seed).load().state(seed, DJANGO) is State.DONE
    code, out, _ = run(capsys, "history")
    lines = out.splitlines()
    assert len(lines) == 5
    assert [line.split()[2] for line in lines] == [
        "cli:done",
        "cli:log",
        "cli:undo",
        "cli:undo",
        "cli:redo",
    ]
    # times in the settings' zone (Auckland is 12 or 13 hours ahead of UTC)
    code, out, _ = run(capsys, "history", "--json")
    data = json.loads(out)
    assert data[0]["at"].endswith(("+13:00", "+12:00"))
    assert data[0]["source"] == "cli:done" and data[0]["kind"] == "state"
    assert data[0]["summary"] == "done Django Deep Dive and 7 subtopics"
    assert data[0]["items"][DJANGO] == {
        "before": None,
        "after": {"state": "done", "changed": data[0]["items"][DJANGO]["after"]["changed"]},
    }
    assert data[2]["kind"] == "undo" and data[2]["of"] == data[1]["id"]
    # ID: the changes touching it (or an item under it)
    code, out, _ = run(capsys, "history", "containerization-with-docker", "--json")
    assert [c["source"] for c in json.loads(out)] == ["cli:log", "cli:undo"]


def test_cli_undo_without_a_progress_file_creates_nothing(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    for verb in ("undo", "redo"):
        code, out, err = run(capsys, verb)
        assert code == 2 and out == ""
        assert err == f"planner: nothing to {verb}: no progress file yet ({file_of(seed)})\n"
    assert run(capsys, "history")[1] == "no changes recorded\n"
    assert not file_of(seed).parent.exists()


def test_cli_history_since(capsys: pytest.CaptureFixture[str], seed: Roadmap) -> None:
    store = ProgressStore(file_of(seed), seed)
    old = datetime(2026, 1, 5, 10, 0, tzinfo=timezone.utc)
    store.update(
        lambda p: p.set_state(seed, ["containerization-with-docker"], State.DONE, old),
        "cli:done",
        old,
    )
    store.update(lambda p: p.set_state(seed, [DJANGO], State.DONE, NOW), "app", NOW)
    code, out, _ = run(capsys, "history", "--since", "2026-06-01", "--json")
    assert code == 0 and [c["source"] for c in json.loads(out)] == ["app"]
    code, out, _ = run(capsys, "history", "--since", "2027-01-01")
    assert code == 0 and out == "no changes recorded that match\n"
    code, _, err = run(capsys, "history", "--since", "last tuesday")
    assert code == 2 and "cannot read --since 'last tuesday'" in err


# -- a second toggle gives back what the first changed ------------------------------


def test_reopen_restores_each_descendants_state_date_and_hours(
    tmp_path: Path, seed: Roadmap
) -> None:
    path = tmp_path / "p.yaml"
    store = ProgressStore(path, seed)
    module = seed.modules[0]
    t0 = NOW - timedelta(days=3)
    done_topic, started_topic = module.topics[0].id, module.topics[1].id
    store.update(lambda p: p.set_state(seed, [done_topic], State.DONE, t0), "cli:done", t0)
    store.update(
        lambda p: p.set_state(seed, [started_topic], State.IN_PROGRESS, t0), "cli:start", t0
    )
    store.update(lambda p: p.log_hours(started_topic, 1.5, t0), "cli:log", t0)
    earlier = store.load()
    store.update(lambda p: p.set_state(seed, [module.id], State.DONE, NOW), "app", NOW)
    assert store.load().state(seed, started_topic) is State.DONE
    later = NOW + timedelta(minutes=1)
    reopened = store.update(lambda p: p.reopen(seed, module.id, later), "app", later)
    for item_id in [t.id for t in module.topics] + [
        s.id for t in module.topics for s in t.subtopics
    ]:
        assert reopened.entries.get(item_id) == earlier.entries.get(item_id), item_id
    assert reopened.state(seed, done_topic) is State.DONE
    assert reopened.state(seed, started_topic) is State.IN_PROGRESS
    assert reopened.logged(started_topic) == 1.5
    assert reopened.state(seed, module.id) is State.IN_PROGRESS
    # and `todo` still resets on purpose, and can be undone
    reset = store.update(lambda p: p.set_state(seed, [module.id], State.TODO, later), "cli:todo")
    assert reset.state(seed, done_topic) is State.TODO
    back = store.update(lambda p: p.undo(), "cli:undo", later)
    assert back.entries == reopened.entries


def test_reopen_without_a_recorded_close_resets_as_before(tmp_path: Path, seed: Roadmap) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"version: 1\nroadmap: {seed.id}\nitems:\n  {DJANGO}: done\n")
    progress = ProgressStore(path, seed).load()
    progress.reopen(seed, DJANGO, NOW)
    assert progress.state(seed, DJANGO) is State.TODO


# -- merging two machines' files in git ------------------------------------------------


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_two_machines_appended_histories_merge_without_conflict(
    tmp_path: Path, seed: Roadmap
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=repo,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    git("init", "-q", "-b", "main")
    path = repo / "progress.yaml"
    (repo / ".gitattributes").write_text("progress.yaml merge=union\n")
    store = ProgressStore(path, seed)
    store.update(
        lambda p: p.set_state(seed, ["containerization-with-docker"], State.IN_PROGRESS, NOW),
        "cli:start",
        NOW,
    )
    git("add", ".")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "laptop")
    t1 = NOW + timedelta(hours=1)
    store.update(lambda p: p.set_state(seed, [DJANGO], State.DONE, t1), "app", t1)
    git("commit", "-qam", "laptop")
    git("checkout", "-q", "main")
    t2 = NOW + timedelta(hours=2)
    store.update(lambda p: p.log_hours("containerization-with-docker", 2, t2), "cli:log", t2)
    git("commit", "-qam", "desktop")
    git("merge", "-q", "--no-edit", "laptop")  # raises on a conflict
    merged = store.load()
    assert (
        merged.state(seed, DJANGO) is State.DONE
        and merged.logged("containerization-with-docker") == 2
    )
    assert sorted(c.source for c in merged.history.changes()) == ["app", "cli:log", "cli:start"]
    # undo sees both machines' changes: the newest line first
    store.update(lambda p: p.undo(), "cli:undo", t2)
    store.update(lambda p: p.undo(), "cli:undo", t2)
    left = store.load()
    assert (
        left.state(seed, DJANGO) is State.TODO and left.logged("containerization-with-docker") == 0
    )
    assert left.state(seed, "containerization-with-docker") is State.IN_PROGRESS


def test_in_memory_history_appends_after_the_text_it_read() -> None:
    history = History("- {id: a, at: null, source: x, kind: state, items: {}}\n", 5)
    assert [c.source for c in history.changes()] == ["x"]
    empty = Progress()
    assert not empty.history


def test_status_json_shows_changed_in_the_settings_zone(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    settings = locations.settings_path(None)
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("timezone: Asia/Kolkata\n")
    store = ProgressStore(file_of(seed), seed)
    store.update(lambda p: p.set_state(seed, [DJANGO], State.DONE, NOW), "cli:done", NOW)
    code, out, _ = run(capsys, "status", "--json")
    topics = [t for m in json.loads(out)["modules"] for t in m["topics"]]
    django = next(t for t in topics if t["id"] == DJANGO)
    assert code == 0 and django["changed"] == "2026-12-03T20:56:00+05:30"


# -- the line format ---------------------------------------------------------------------

_STATES = st.sampled_from(["todo", "in_progress", "done", "skipped"])
_AT = "2026-12-03T15:26:00+00:00"
_ROWS = st.builds(
    lambda state, changed, hours: {
        "state": state,
        **({"changed": changed} if changed else {}),
        **({"logged_hours": hours} if hours else {}),
    },
    _STATES,
    st.sampled_from([None, _AT, "2026-11-01T08:00:00+01:00"]),
    st.sampled_from([0.0, 1.5, 3.0]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["a", "a/b", "c", "weird: 'id'", "é/ü"]),
        st.tuples(st.none() | _ROWS, st.none() | _ROWS).filter(lambda p: p[0] != p[1]),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from([None, datetime.fromisoformat(_AT)]),
)
def test_any_change_reads_back_from_its_line_exactly(
    items: dict[str, tuple[Row | None, Row | None]], at: datetime | None
) -> None:
    change = Change(at, "cli:done", "state", items, ("a",), "done")
    line = change.line()
    assert line.startswith("- {") and line.endswith("}\n") and line.count("\n") == 1
    for data in (json.loads(line[2:]), yaml.safe_load(line)[0]):  # JSON, and YAML too
        back = change_from_data(data)
        assert back == change and back.id == change.id
