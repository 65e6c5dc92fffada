"""planner.links.classify: what a roadmap's link may open without asking."""

from __future__ import annotations

from pathlib import Path

import pytest

from planner.links import classify


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "roadmap"
    (root / "notes").mkdir(parents=True)
    (root / "notes" / "oop.md").write_text("# OOP\n")
    (tmp_path / "secret.txt").write_text("secret\n")
    (root / "notes" / "escape.md").symlink_to(tmp_path / "secret.txt")
    (root / "inside-link.md").symlink_to(root / "notes" / "oop.md")
    return root


@pytest.mark.parametrize(
    ("link", "target"),
    [
        ("https://example.com/a?b=c#d", "https://example.com/a?b=c#d"),
        ("HTTP://example.com", "HTTP://example.com"),
        ("  https://example.com/x  ", "https://example.com/x"),
    ],
)
def test_web_pages_open_at_once_as_written(folder: Path, link: str, target: str) -> None:
    decision = classify(link, folder)
    assert decision.safe and decision.path is None and decision.target == target


@pytest.mark.parametrize(
    ("link", "inside"),
    [
        ("./notes/oop.md", "notes/oop.md"),
        ("notes/oop.md", "notes/oop.md"),
        ("notes/../notes/oop.md", "notes/oop.md"),
        ("inside-link.md", "notes/oop.md"),  # a symlink that stays inside
        ("--help://x", "--help:/x"),  # a file name, never an option
        ("-rf", "-rf"),
        ("~nosuchuser-xyz/n.md", "~nosuchuser-xyz/n.md"),
    ],
)
def test_files_inside_the_folder_open_at_once_by_absolute_path(
    folder: Path, link: str, inside: str
) -> None:
    decision = classify(link, folder)
    assert decision.safe and decision.reason is None
    assert decision.path == (folder / inside).resolve()
    assert decision.target == str(decision.path) and decision.target.startswith("/")


@pytest.mark.parametrize(
    ("link", "target", "reason"),
    [
        ("../" * 20 + "etc/passwd", "/etc/passwd", "leads out of the roadmap's folder"),
        ("../secret.txt", "{tmp}/secret.txt", "by '..'"),
        ("notes/escape.md", "{tmp}/secret.txt", "by a symlink"),
        ("/etc/shadow", "/etc/shadow", "absolute path"),
        ("~/notes.md", "{home}/notes.md", "absolute path"),
        ("file:///etc/passwd", "file:///etc/passwd", "a file: link, not a web page"),
        ("mailto:a@example.com", "mailto:a@example.com", "a mailto: link"),
        ("javascript:alert(1)", "javascript:alert(1)", "a javascript: link"),
        ("https:/no-host", "https:/no-host", "not a full web address"),
    ],
)
def test_anything_else_needs_a_confirmation_with_the_full_target(
    folder: Path, link: str, target: str, reason: str
) -> None:
    decision = classify(link, folder)
    expected = target.format(tmp=folder.parent.resolve(), home=Path.home())
    assert not decision.safe
    assert decision.target == expected
    assert decision.reason is not None and reason in decision.reason
    assert not decision.target.startswith("-")
