"""Properties of progress: round trips, roll-up rules, and percentages (hypothesis)."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner.progress import (
    Entry,
    Progress,
    ProgressStore,
    State,
    dump_progress,
    figures,
    parse_progress,
    remaining_topic_hours,
)
from planner.roadmap import Effort, Module, Roadmap, Subtopic, Topic

PROFILE = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STATES = st.sampled_from(list(State))
BASE = datetime(2026, 11, 28, 19, 5)


@st.composite
def roadmaps(draw: st.DrawFn) -> Roadmap:
    modules = []
    for m in range(draw(st.integers(1, 3))):
        topics = []
        for t in range(draw(st.integers(0, 3))):
            tid = f"t{m}-{t}"
            estimate = draw(
                st.none()
                | st.builds(
                    Effort, st.floats(0.25, 40), st.sampled_from(["hours", "days", "weeks"])
                )
            )
            subs = tuple(
                Subtopic(f"{tid}/s{k}", f"Sub {k}") for k in range(draw(st.integers(0, 3)))
            )
            topics.append(Topic(tid, f"Topic {tid}", f"m{m}", estimate, subtopics=subs))
        modules.append(Module(f"m{m}", f"Module {m}", m + 1, tuple(topics)))
    return Roadmap("r", "R", tuple(modules))


def moments() -> st.SearchStrategy[datetime]:
    return st.builds(
        lambda seconds, micro, quarter: (BASE + timedelta(seconds=seconds)).replace(
            microsecond=micro, tzinfo=timezone(timedelta(minutes=15 * quarter))
        ),
        st.integers(0, 10**8),
        st.sampled_from([0, 0, 123456]),
        st.integers(-48, 56),
    )


@st.composite
def histories(draw: st.DrawFn) -> tuple[Roadmap, list[tuple[object, ...]]]:
    roadmap = draw(roadmaps())
    ids = roadmap.ids()
    topics = [t.id for t in roadmap.topics()]
    ops: list[tuple[object, ...]] = []
    for _ in range(draw(st.integers(0, 12))):
        if topics and draw(st.integers(0, 4)) == 0:
            hours = draw(st.floats(-5, 50, allow_nan=False) | st.sampled_from([0.25, 1.5, 3.0]))
            ops.append(("log", draw(st.sampled_from(topics)), hours, draw(moments())))
        else:
            targets = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3))
            ops.append(("set", targets, draw(STATES), draw(moments())))
    return roadmap, ops


def apply(roadmap: Roadmap, progress: Progress, op: tuple[object, ...]) -> list[str]:
    if op[0] == "log":
        _, topic, hours, now = op
        progress.log_hours(topic, hours, now)  # type: ignore[arg-type]
        return []
    _, targets, state, now = op
    return progress.set_state(roadmap, targets, state, now)  # type: ignore[arg-type]


def leaves_under(roadmap: Roadmap, item_id: str) -> list[str]:
    item = roadmap.get(item_id)
    if isinstance(item, Module):
        return [leaf for t in item.topics for leaf in leaves_under(roadmap, t.id)] or [item_id]
    if isinstance(item, Topic) and item.subtopics:
        return [s.id for s in item.subtopics]
    return [item_id]


def check_rollup(roadmap: Roadmap, progress: Progress) -> None:
    states = progress.states(roadmap)
    assert states == {i: progress.state(roadmap, i) for i in roadmap.ids()}
    parents: list[tuple[str, list[str]]] = [
        (t.id, [s.id for s in t.subtopics]) for t in roadmap.topics() if t.subtopics
    ]
    parents += [(m.id, [t.id for t in m.topics]) for m in roadmap.modules if m.topics]
    for parent, children in parents:
        kids = [states[c] for c in children]
        if all(k.closed for k in kids):
            assert states[parent] is (State.DONE if State.DONE in kids else State.SKIPPED)
        elif any(k in (State.DONE, State.IN_PROGRESS) for k in kids):
            assert states[parent] is State.IN_PROGRESS
        else:
            assert states[parent] in (State.TODO, State.IN_PROGRESS)


@PROFILE
@given(
    histories(),
    st.dictionaries(
        st.from_regex(r"gone-[a-z]{1,6}(/[a-z]{1,4})?", fullmatch=True),
        st.builds(Entry, STATES),
        max_size=3,
    ),
)
def test_any_history_survives_save_and_load(
    history: tuple[Roadmap, list[tuple[object, ...]]], orphans: dict[str, Entry]
) -> None:
    roadmap, ops = history
    progress = Progress(dict(orphans), roadmap_id=roadmap.id)
    for op in ops:
        apply(roadmap, progress, op)
        text = dump_progress(progress, roadmap)
        loaded = parse_progress(text, Path("p.yaml"), roadmap.id)
        assert loaded == progress
        assert dump_progress(loaded, roadmap) == text
    assert progress.orphans(roadmap) == list(orphans)


@settings(max_examples=25, deadline=None)
@given(histories())
def test_history_through_the_store_round_trips(
    history: tuple[Roadmap, list[tuple[object, ...]]],
) -> None:
    roadmap, ops = history
    with tempfile.TemporaryDirectory() as folder:
        store = ProgressStore(Path(folder) / "p.yaml", roadmap)
        expected = Progress(roadmap_id=roadmap.id)
        for op in ops:
            apply(roadmap, expected, op)
            store.update(lambda p, op=op: apply(roadmap, p, op))
        assert store.load() == expected


@PROFILE
@given(histories(), STATES, st.data())
def test_rollup_rules_hold_after_every_change(
    history: tuple[Roadmap, list[tuple[object, ...]]], state: State, data: st.DataObject
) -> None:
    roadmap, ops = history
    progress = Progress()
    for op in ops:
        apply(roadmap, progress, op)
        check_rollup(roadmap, progress)
    target = data.draw(st.sampled_from(roadmap.ids()))
    now = data.draw(moments())
    before = progress.states(roadmap)
    changed = progress.set_state(roadmap, [target], state, now)
    after = progress.states(roadmap)
    check_rollup(roadmap, progress)

    assert changed == [i for i in roadmap.ids() if after[i] is not before[i]]
    assert all(progress.entries[i].changed == now for i in changed)
    leaves = leaves_under(roadmap, target)
    if state is State.TODO:
        assert all(s is State.TODO for i, s in after.items() if i == target or i in leaves)
    elif state.closed and leaves == [target]:
        assert after[target] is state
    elif state.closed:
        for leaf in leaves:
            assert after[leaf] is (before[leaf] if before[leaf].closed else state)
        done_any = any(after[leaf] is State.DONE for leaf in leaves)
        assert after[target] is (State.DONE if done_any else State.SKIPPED)
    elif leaves == [target] or not all(before[leaf].closed for leaf in leaves):
        assert after[target] is State.IN_PROGRESS
    # items outside the target's branch keep their state
    related = set(leaves) | {target}
    item = roadmap.get(target)
    if isinstance(item, Subtopic):
        related |= {roadmap.parent_topic(target).id, roadmap.parent_topic(target).module_id}
    elif isinstance(item, Topic):
        related |= {item.module_id, *(s.id for s in item.subtopics)}
    elif isinstance(item, Module):
        related |= {t.id for t in item.topics}
    assert all(after[i] is before[i] for i in roadmap.ids() if i not in related)


SKIPPED_AND_LOGGED = (
    Roadmap(
        "r",
        "R",
        (
            Module(
                "m0",
                "Module 0",
                1,
                (
                    Topic(
                        "t0-0",
                        "Topic t0-0",
                        "m0",
                        Effort(4, "hours"),
                        subtopics=(Subtopic("t0-0/s0", "Sub 0"), Subtopic("t0-0/s1", "Sub 1")),
                    ),
                ),
            ),
        ),
    ),
    [
        ("set", ["t0-0/s0"], State.SKIPPED, BASE.replace(tzinfo=timezone.utc)),
        ("log", "t0-0", 1.0, BASE.replace(tzinfo=timezone.utc)),
    ],
)
"""A topic of 4 h with one of its two subtopics skipped and 1 h logged: 1 h remains (the
open half less what the log leaves), not 2 h (as if nothing were skipped). Hypothesis
meets such a topic in about one run in three; this example meets it every time."""


@PROFILE
@given(histories(), st.floats(0.5, 12), st.floats(0, 16))
@example(SKIPPED_AND_LOGGED, 8.0, 8.0)
def test_percent_within_bounds_and_100_exactly_when_all_closed(
    history: tuple[Roadmap, list[tuple[object, ...]]], per_day: float, unestimated: float
) -> None:
    roadmap, ops = history
    progress = Progress()
    for op in ops:
        apply(roadmap, progress, op)
    states = progress.states(roadmap)
    figs = figures(roadmap, progress, per_day, unestimated)
    assert set(figs) == {*roadmap.ids(), roadmap.id}
    all_leaves = [leaf for m in roadmap.modules for leaf in leaves_under(roadmap, m.id)]
    for item_id, f in figs.items():
        leaves = all_leaves if item_id == roadmap.id else leaves_under(roadmap, item_id)
        closed = all(states[leaf].closed for leaf in leaves)
        assert 0.0 <= f.percent <= 100.0
        assert (f.percent == 100.0) is closed, item_id
        assert min(f.done, f.remaining, f.skipped) >= 0
    rem = remaining_topic_hours(roadmap, progress, per_day, unestimated)
    for topic in roadmap.topics():
        f = figs[topic.id]
        hours = topic.hours(per_day, unestimated)
        assert abs(f.done + f.remaining + f.skipped - hours) <= 1e-9 * max(1.0, hours)
        open_ = not states[topic.id].closed
        assert (topic.id in rem) is (open_ and hours > 0 and f.remaining > 0)
        assert not (open_ and hours - f.skipped > 0) or f.remaining > 0
        if topic.id in rem:
            assert rem[topic.id] == f.remaining
    assert list(rem) == [t.id for t in roadmap.topics() if t.id in rem]
