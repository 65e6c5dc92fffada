"""`planner status`, `done|start|skip|todo`, `log`: output, id matching, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner import locations
from planner.cli import CliError, main
from planner.cli.progress_cmds import parse_hours, resolve_id
from planner.progress import ProgressStore, State
from planner.roadmap import Roadmap
from planner.roadmap_file import parse_roadmap


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def progress_file(seed: Roadmap) -> Path:
    return locations.progress_path(seed.id)


def test_status_without_progress_creates_nothing(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    code, out, _ = run(capsys, "status")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == seed.title
    assert lines[1].startswith("no progress yet") and str(progress_file(seed)) in lines[1]
    assert (
        len([line for line in lines if "[--------------------]" in line]) == len(seed.modules) + 1
    )
    assert lines[-2].split()[0] == "Total" and "0%" in lines[-2]
    assert lines[-1].startswith("Finish: ")  # the plan's finish, under the Total
    assert not progress_file(seed).exists()
    assert not progress_file(seed).parent.exists()
    assert not locations.baseline_path(seed.id).exists()  # plan keeps it, status never


def test_done_then_status_shows_weighted_progress(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    code, out, _ = run(capsys, "done", "django-deep-dive")
    assert code == 0 and out.startswith("done: django-deep-dive (Django Deep Dive), and ")
    progress = ProgressStore(progress_file(seed), seed).load()
    assert progress.state(seed, "django-deep-dive") is State.DONE
    changed = progress.entries["django-deep-dive"].changed
    assert changed is not None and changed.tzinfo is not None
    _, out, _ = run(capsys, "status")
    module = seed.module(seed.topic("django-deep-dive").module_id)
    line = next(x for x in out.splitlines() if module.title[:15] in x)
    hours = seed.topic("django-deep-dive").hours()
    assert f"{hours:.0f} h done" in line and "#" in line
    assert "no progress yet" not in out and "progress file" not in out
    _, out, _ = run(capsys, "status", "--verbose")
    assert f"progress file: {progress_file(seed)}" in out


def test_status_json_has_figures_and_states(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    run(capsys, "skip", "django-deep-dive/forms")
    code, out, _ = run(capsys, "status", "--json")
    data = json.loads(out)
    assert code == 0 and data["roadmap"]["id"] == seed.id
    assert [m["id"] for m in data["modules"]] == [m.id for m in seed.modules]
    assert data["total"]["percent"] == 0 and data["total"]["skipped_hours"] > 0
    topic = next(t for m in data["modules"] for t in m["topics"] if t["id"] == "django-deep-dive")
    forms = next(s for s in topic["subtopics"] if s["id"] == "django-deep-dive/forms")
    assert forms["state"] == "skipped" and forms["changed"]
    assert topic["state"] == "todo"


def test_todo_undoes(capsys: pytest.CaptureFixture[str], seed: Roadmap) -> None:
    run(capsys, "done", "django-deep-dive")
    code, out, _ = run(capsys, "todo", "django-deep-dive")
    assert code == 0 and out.startswith("todo: django-deep-dive")
    progress = ProgressStore(progress_file(seed), seed).load()
    assert all(s is State.TODO for s in progress.states(seed).values())


def test_todo_records_only_what_it_reset_and_undo_brings_it_back(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    """`planner todo TOPIC` with one subtopic done resets that one: the file gets no rows
    for the subtopics it left alone, the history says what the command said, and undo
    gives the subtopic back."""
    topic = "advanced-python-features"
    run(capsys, "done", f"{topic}/oop")
    done_file = progress_file(seed).read_text(encoding="utf-8").split("history:")[0]
    code, out, _ = run(capsys, "todo", topic)
    assert code == 0
    assert out.startswith(f"todo: {topic} (Advanced Python Features), and 1 subtopic\n")
    progress = ProgressStore(progress_file(seed), seed).load()
    assert sorted(progress.entries) == sorted(["foundations-revisited", topic, f"{topic}/oop"])
    newest = next(progress.history.newest_first())
    assert sorted(newest.items) == sorted(["foundations-revisited", topic, f"{topic}/oop"])
    _, history, _ = run(capsys, "history")
    assert "todo Advanced Python Features and 1 subtopic  [" in history.splitlines()[-1]
    assert run(capsys, "undo")[0] == 0
    back = ProgressStore(progress_file(seed), seed).load()
    assert back.state(seed, f"{topic}/oop") is State.DONE
    assert progress_file(seed).read_text(encoding="utf-8").split("history:")[0] == done_file


@pytest.mark.parametrize(
    "argv",
    [["done", "django-deep-dive"], ["log", "django-deep-dive", "1"], ["undo"], ["redo"]],
)
def test_unreadable_settings_stop_a_change_before_it_is_made(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    seed: Roadmap,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The summary a change prints needs the settings: when they cannot be read, the
    command says so and changes nothing, rather than saving the change and exiting 2."""
    run(capsys, "start", "django-deep-dive")
    run(capsys, "done", "django-deep-dive/forms")
    run(capsys, "undo")  # something to redo
    before = progress_file(seed).read_text(encoding="utf-8")
    settings = tmp_path / "settings.yaml"
    settings.write_text("hours: [\n", encoding="utf-8")
    monkeypatch.setenv("PLANNER_SETTINGS", str(settings))
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith(f"planner: {settings}:") and err.count("\n") == 1
    assert progress_file(seed).read_text(encoding="utf-8") == before


def test_already_done_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "done", "django-deep-dive")
    _, out, _ = run(capsys, "done", "django-deep-dive")
    assert "django-deep-dive was already done" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("django-deep-dive", "django-deep-dive"),
        ("DJANGO-DEEP-DIVE", "django-deep-dive"),
        ("django-deep", "django-deep-dive"),  # unique prefix
        ("django-deep-dive/migr", "django-deep-dive/migrations"),
        ("django-deep/migr", "django-deep-dive/migrations"),
        ("Django Deep Dive", "django-deep-dive"),  # exact title
        ("django deep", "django-deep-dive"),  # words from the title
        ("djngo deep dive", "django-deep-dive"),  # near miss
        ("asyncio", "advanced-python-features/asyncio"),  # a subtopic's title
        ("fast api", "fastapi-introduction"),  # spacing and punctuation ignored
        ("docker", "containerization-with-docker"),  # a topic beats its subtopics
    ],
)
def test_resolve_id(seed: Roadmap, text: str, expected: str) -> None:
    assert resolve_id(seed, text) == expected


def test_ambiguous_id_lists_candidates_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "done", "django")
    assert code == 2 and out == ""
    assert err.count("\n") == 1
    # id prefixes here, a title word there: all of them are candidates
    assert "'django' matches 3 items" in err
    assert "django-deep-dive (Django Deep Dive)" in err and "django-rest-framework" in err
    assert "orm-proficiency/django-orm-advanced-usage (ORM Proficiency > Django ORM" in err


def test_unknown_id_exit_2_with_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "skip", "xyzzy-plugh")
    assert code == 2 and err.startswith("planner: no item matches 'xyzzy-plugh'")
    code, _, err = run(capsys, "start", "kubernets")
    assert code == 2 and "did you mean" in err


@pytest.mark.parametrize(
    ("text", "listed"),
    [
        # a topic beats only its own subtopics: another topic's subtopic makes it ambiguous
        ("deep dive", ["django-deep-dive", "security-best-practices/owasp-top-10-deep-dive"]),
        ("test", ["advanced-testing", "fastapi-introduction/testing"]),
    ],
)
def test_a_topic_and_another_topics_subtopic_are_ambiguous(
    seed: Roadmap, text: str, listed: list[str]
) -> None:
    with pytest.raises(CliError, match=f"'{text}' matches") as info:
        resolve_id(seed, text)
    assert all(item in str(info.value) for item in listed)


def test_a_typo_shared_by_several_titles_is_ambiguous(seed: Roadmap) -> None:
    with pytest.raises(CliError, match=r"'testng' is close to \d+ items: .*advanced-testing"):
        resolve_id(seed, "testng")


def test_many_candidates_are_capped() -> None:
    topics = "\n".join(f"      - {{id: t{n}, title: Topic {n}}}" for n in range(12))
    roadmap = parse_roadmap(
        f"id: r\ntitle: R\nmodules:\n  - id: m\n    title: M\n    topics:\n{topics}\n"
    )
    with pytest.raises(CliError) as info:
        resolve_id(roadmap, "t")
    message = str(info.value)
    assert message.startswith("'t' matches 12 items: t0 (Topic 0), t1 (Topic 1)")
    assert message.count("(Topic") == 8 and "and 4 more" in message


def test_nothing_written_when_an_id_is_bad(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    code, _, _ = run(capsys, "done", "django-deep-dive", "xyzzy-plugh")
    assert code == 2 and not progress_file(seed).exists()


def test_log_hours_starts_topic_and_counts(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    code, out, _ = run(capsys, "log", "django-deep-dive", "1:30")
    assert code == 0 and out.startswith("logged 1.5 h on django-deep-dive: 1.5 h in all")
    assert "is now in progress" in out
    _, out, _ = run(capsys, "log", "django-deep-dive/forms", "90m")
    assert "logged on django-deep-dive" in out and "3 h in all" in out
    _, out, _ = run(capsys, "log", "django-deep-dive", "-1")
    assert out.startswith("took back 1 h") and "2 h in all" in out
    progress = ProgressStore(progress_file(seed), seed).load()
    assert progress.logged("django-deep-dive") == 2.0
    assert progress.state(seed, "django-deep-dive") is State.IN_PROGRESS


def test_log_refuses_module_and_bad_hours(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    code, _, err = run(capsys, "log", seed.modules[0].id, "2")
    assert code == 2 and "is a module" in err
    code, _, err = run(capsys, "log", "django-deep-dive", "lots")
    assert code == 2 and err == (
        "planner: cannot read 'lots' as a duration; write 1.5, 1.5h, 90m, 90 min, 1:30 or 1h30, "
        "with a minus sign to take hours back\n"
    )
    assert not progress_file(seed).exists()


@pytest.mark.parametrize(
    ("text", "hours"),
    [("1.5", 1.5), ("1,5h", 1.5), ("90m", 1.5), ("1:30", 1.5), ("-0.5", -0.5), ("2 hours", 2.0)],
)
def test_parse_hours(text: str, hours: float) -> None:
    assert parse_hours(text) == hours


def test_corrupt_file_exit_2_and_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    path.write_bytes(b"version: 1\nitems: {oops\n")
    for argv in (["status"], ["done", "django-deep-dive"], ["status", "--json"]):
        code, out, err = run(capsys, *argv, "--progress", str(path))
        assert code == 2 and out == ""
        assert str(path) in err and "mv " in err and err.count("\n") == 1
    assert path.read_bytes() == b"version: 1\nitems: {oops\n"


def test_progress_env_override(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mine.yaml"
    monkeypatch.setenv("PLANNER_PROGRESS", str(path))
    run(capsys, "done", "django-deep-dive")
    assert "django-deep-dive: {state: done" in path.read_text()


def test_validate_lists_orphans_and_creates_nothing(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0 and "orphans" not in out
    assert not progress_file(seed).exists() and not progress_file(seed).parent.exists()
    path = progress_file(seed)
    path.parent.mkdir(parents=True)
    path.write_text(
        "version: 1\nroadmap: backend-roadmap\nitems:\n"
        "  old-topic: done\n  django-deep-dive: done\n  old-topic/part: skipped\n"
    )
    before = path.read_bytes()
    code, out, _ = run(capsys, "validate")
    assert code == 0
    assert f"2 ids in {path} are not in this roadmap" in out
    assert out.splitlines()[-2:] == ["  old-topic", "  old-topic/part"]
    assert path.read_bytes() == before
    run(capsys, "done", "fastapi-introduction")  # saving keeps the orphans
    assert "old-topic: {state: done}" in path.read_text()
    assert "old-topic/part: {state: skipped}" in path.read_text()


def test_validate_reports_a_bad_progress_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("version: 7\n")
    code, _, err = run(capsys, "validate", "--progress", str(path))
    assert code == 2 and "format version 7" in err and str(path) in err


def test_skipping_a_partly_done_topic_says_what_was_skipped(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    run(capsys, "done", "django-deep-dive/forms")
    code, out, _ = run(capsys, "skip", "django-deep-dive")
    assert code == 0
    assert out.splitlines()[0] == (
        "skipped: 6 subtopics of django-deep-dive (Django Deep Dive); "
        "it is now done, as part of it was done"
    )
    progress = ProgressStore(progress_file(seed), seed).load()
    assert progress.state(seed, "django-deep-dive") is State.DONE
    assert progress.state(seed, "django-deep-dive/migrations") is State.SKIPPED


def test_json_percent_two_decimals_forgiving_float_error() -> None:
    from planner.cli.progress_cmds import _figures_json
    from planner.progress import Figures

    assert _figures_json(Figures(3.2, 12.8, 0.0, 1))["percent"] == 20.0  # 19.999... in floats
    assert _figures_json(Figures(99.999, 0.001, 0.0, 1))["percent"] == 99.99  # open: never 100
    assert _figures_json(Figures(1.0, 2.0, 0.0, 1))["percent"] == 33.33
    assert _figures_json(Figures(5.0, 0.0, 0.0, 0))["percent"] == 100.0


@pytest.mark.parametrize("spelling", ["-1h", "-60m", "-60 min", "-1:00", "-1", "-1h0", "-1.0h"])
def test_log_takes_back_in_every_spelling(
    capsys: pytest.CaptureFixture[str], seed: Roadmap, spelling: str
) -> None:
    run(capsys, "log", "django-deep-dive", "2h")
    code, out, err = run(capsys, "log", "django-deep-dive", spelling)
    assert (code, err) == (0, "")
    assert out.startswith("took back 1 h on django-deep-dive: 1 h in all")
    assert ProgressStore(progress_file(seed), seed).load().logged("django-deep-dive") == 1.0


def test_log_negative_hours_before_options(
    capsys: pytest.CaptureFixture[str], seed: Roadmap, tmp_path: Path
) -> None:
    path = tmp_path / "p.yaml"
    run(capsys, "log", "django-deep-dive", "3", "--progress", str(path))
    code, out, _ = run(capsys, "log", "django-deep-dive", "-90m", "--progress", str(path))
    assert code == 0 and out.startswith("took back 1.5 h on django-deep-dive: 1.5 h in all")
    assert ProgressStore(path, seed).load().logged("django-deep-dive") == 1.5


def test_taking_back_more_than_was_logged_says_what_was_taken(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    run(capsys, "log", "django-deep-dive", "30m")
    code, out, _ = run(capsys, "log", "django-deep-dive", "-1h")
    assert code == 0
    assert out.startswith("took back 0.5 h (all that was logged) on django-deep-dive: 0 h in all")
    assert ProgressStore(progress_file(seed), seed).load().logged("django-deep-dive") == 0.0
    _, out, _ = run(capsys, "log", "django-deep-dive", "-1:30")
    assert out.startswith("took back nothing (no hours were logged) on django-deep-dive")


def test_log_refuses_zero_and_an_option_that_is_no_duration(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    code, _, err = run(capsys, "log", "django-deep-dive", "0:00")
    assert code == 2 and "hours must be more than zero" in err
    with pytest.raises(SystemExit) as info:  # still an (unknown) option, not hours
        main(["log", "django-deep-dive", "--bogus"])
    assert info.value.code == 2 and "required: HOURS" in capsys.readouterr().err
    assert not progress_file(seed).exists()


@pytest.mark.parametrize("verb", ["done", "start", "skip", "todo"])
@pytest.mark.parametrize("name", ["api", "testing", "django"])
def test_an_ambiguous_name_changes_nothing(
    capsys: pytest.CaptureFixture[str], seed: Roadmap, verb: str, name: str
) -> None:
    code, out, err = run(capsys, verb, "docker", name)
    assert (code, out) == (2, "")
    assert err.startswith(f"planner: '{name}' matches ") and err.count("\n") == 1
    assert "fastapi-introduction" in err or "django-rest-framework" in err
    assert not progress_file(seed).exists()


def test_log_refuses_an_ambiguous_name(capsys: pytest.CaptureFixture[str], seed: Roadmap) -> None:
    code, out, err = run(capsys, "log", "testing", "1h")
    assert (code, out) == (2, "")
    assert "fastapi-introduction/testing (FastAPI Introduction > Testing)" in err
    assert "advanced-testing (Advanced Testing)" in err
    assert not progress_file(seed).exists()


def test_the_history_records_what_was_actually_taken_back(
    capsys: pytest.CaptureFixture[str], seed: Roadmap
) -> None:
    run(capsys, "log", "django-deep-dive", "30m")
    run(capsys, "log", "django-deep-dive", "-1h")  # only 0.5 h was there to take back
    _, out, _ = run(capsys, "history")
    assert " took back 0.5 h on Django Deep Dive  [" in out.splitlines()[-1]
    _, out, _ = run(capsys, "history", "--json")
    assert json.loads(out)[-1]["hours"] == -0.5
    _, out, _ = run(capsys, "undo")
    assert out.startswith("undid: took back 0.5 h on Django Deep Dive")
    assert ProgressStore(progress_file(seed), seed).load().logged("django-deep-dive") == 0.5
