"""planner.atomic: only regular files are read and written; links, mode, owner, hard links.

Tests run as root in CI, where every permission check passes: the read-only rule is about
the owner's write bit, which these tests set and check themselves. Devices are made with
``mknod`` in the test's folder (never the system's ``/dev/null``), skipped where not allowed.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner import atomic, locations
from planner.atomic import FileError, FileKind, read_bytes, read_text, write_atomic
from planner.cli import main

SMALL_MD = "# Go\n## Module 1: Basics\n- Syntax - Est. Time: 1 day\n"
ROADMAP = """\
id: tiny
title: Tiny roadmap
modules:
  - title: Basics
    topics:
      - title: Alpha
        estimate: 3 hours
"""
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
root_only = pytest.mark.skipif(not IS_ROOT, reason="only root can give a file to another user")


def char_device(path: Path) -> Path:
    """A character device like /dev/null (1, 3), made in the test's own folder."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError as exc:
        pytest.skip(f"cannot make a device node here ({exc.strerror})")
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    try:
        yield path
    finally:
        sock.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``planner ARGV`` in its own process: a hang fails (timeout), memory is capped at 1 GB."""

    def cap_memory() -> None:  # pragma: no cover - runs in the child
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    return subprocess.run(
        [sys.executable, "-m", "planner", *argv],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, **(env or {})},
        preexec_fn=cap_memory,
        check=False,
    )


def sparse(path: Path, size: int) -> Path:
    """A file of ``size`` bytes that takes no room on disk."""
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


# -- reading -----------------------------------------------------------------------------------


def test_reading_a_device_is_refused_without_opening_it(tmp_path: Path) -> None:
    dev = char_device(tmp_path / "null")
    with pytest.raises(FileError) as info:
        read_bytes(dev, atomic.PROGRESS)
    assert str(info.value) == (
        f"progress file {dev} is a character device, not a regular file; "
        "pass --progress with a file name"
    )


@pytest.mark.parametrize("kind", [atomic.PROGRESS, atomic.SETTINGS, atomic.ROADMAP])
def test_dev_zero_is_refused_at_once(kind: FileKind) -> None:
    with pytest.raises(FileError, match=r"/dev/zero is a character device, not a regular file"):
        read_bytes(Path("/dev/zero"), kind)


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    pipe = fifo(tmp_path / "pipe")
    with pytest.raises(FileError) as info:
        read_text(pipe, atomic.SETTINGS)
    assert str(info.value) == (
        f"settings file {pipe} is a named pipe (FIFO), not a regular file; "
        "pass --settings with a file name"
    )


def test_a_socket_and_a_folder_are_refused(tmp_path: Path, unix_socket: Path) -> None:
    with pytest.raises(FileError, match=r"sock is a socket, not a regular file; give the path"):
        read_bytes(unix_socket, atomic.ROADMAP)
    with pytest.raises(FileError, match=r"is a folder, not a regular file; pass --progress"):
        read_bytes(tmp_path, atomic.PROGRESS)


def test_a_file_through_a_link_is_read(tmp_path: Path) -> None:
    (tmp_path / "real").write_text("text\n")
    (tmp_path / "link").symlink_to("real")
    assert read_text(tmp_path / "link") == "text\n"


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    kind = FileKind("progress file", "pass --progress with a file name", limit=100)
    path = tmp_path / "p.yaml"
    path.write_bytes(b"x" * 100)
    assert read_bytes(path, kind) == b"x" * 100  # the limit itself is allowed
    path.write_bytes(b"x" * 101)
    with pytest.raises(FileError, match="too large for a progress file"):
        read_bytes(path, kind)


@pytest.mark.parametrize(
    "kind",
    [
        atomic.PROGRESS,
        atomic.SETTINGS,
        atomic.ROADMAP,
        atomic.MARKDOWN,
        atomic.EXPORT_RECORD,
        atomic.BASELINE,
    ],
    ids=lambda k: k.noun,
)
def test_every_kind_has_a_size_limit(tmp_path: Path, kind: FileKind) -> None:
    path = sparse(tmp_path / "big", kind.limit + 1)
    with pytest.raises(FileError) as info:
        read_bytes(path, kind)
    limit = f"{kind.limit / atomic.MB:.1f} MB"
    assert str(info.value) == (
        f"{kind.noun} {path} is {(kind.limit + 1) / atomic.MB:.1f} MB, too large for a "
        f"{kind.noun} (at most {limit}); check that it is the right file, or {kind.fix}"
    )


def test_study_files_have_sane_limits() -> None:
    """A progress or settings file of tens of megabytes is not a study record."""
    assert atomic.SETTINGS.limit <= 1 * atomic.MB
    assert atomic.PROGRESS.limit < 10 * atomic.MB
    assert atomic.ROADMAP.limit > atomic.PROGRESS.limit


def test_piped_markdown_is_read_up_to_its_limit() -> None:
    """The Markdown to import may come from a pipe; /dev/zero stops at the limit."""
    with pytest.raises(FileError, match=r"/dev/zero holds more than 16.0 MB, too large"):
        read_bytes(Path("/dev/zero"), atomic.MARKDOWN)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_bytes(b'{\n  "a": "\xff"\n}\n')
    with pytest.raises(FileError) as info:
        read_text(path, atomic.BASELINE)
    assert str(info.value) == (
        f"plan baseline {path} is not UTF-8 text (byte 0xff at line 2, column 9); "
        "save it as UTF-8, or delete it to start a new one"
    )


# -- writing -----------------------------------------------------------------------------------


def test_write_keeps_a_symlink_and_writes_its_target(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    real.write_text("old\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(real.name)
    assert write_atomic(link, "new\n") == real
    assert link.is_symlink() and os.readlink(link) == "real.yaml"
    assert real.read_text() == "new\n"


def test_write_through_a_dangling_link_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.yaml"
    link.symlink_to("sub/real.yaml")
    write_atomic(link, "new\n")
    assert link.is_symlink() and (tmp_path / "sub" / "real.yaml").read_text() == "new\n"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o755, 0o600])
def test_write_keeps_the_mode(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "f"
    path.write_text("old\n")
    path.chmod(mode)
    write_atomic(path, "new\n")
    assert stat.S_IMODE(path.stat().st_mode) == mode and path.read_text() == "new\n"


def test_a_new_file_is_private_unless_asked(tmp_path: Path) -> None:
    write_atomic(tmp_path / "private", "x")
    assert stat.S_IMODE((tmp_path / "private").stat().st_mode) == 0o600
    old = os.umask(0o027)
    try:
        write_atomic(tmp_path / "plain", "x", new_mode=None)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "plain").stat().st_mode) == 0o640


@root_only
def test_write_as_root_keeps_another_users_owner_and_group(tmp_path: Path) -> None:
    path = tmp_path / "theirs.yaml"
    path.write_text("old\n")
    os.chown(path, 12345, 12346)
    path.chmod(0o640)
    write_atomic(path, "new\n")
    st = path.stat()
    assert (st.st_uid, st.st_gid) == (12345, 12346)
    assert stat.S_IMODE(st.st_mode) == 0o640 and path.read_text() == "new\n"


def test_a_file_its_owner_made_read_only_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("old\n")
    path.chmod(0o444)
    with pytest.raises(FileError) as info:
        write_atomic(path, "new\n", atomic.PROGRESS)
    assert str(info.value) == (
        f"progress file {path} is read-only (its owner may not write it); allow writing "
        f"with chmod u+w {path}, or pass --progress with a file name"
    )
    assert path.read_text() == "old\n" and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_hard_linked_file_is_refused_not_split(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("old\n")
    other = tmp_path / "other.yaml"
    os.link(path, other)
    with pytest.raises(FileError) as info:
        write_atomic(path, "new\n", atomic.SETTINGS)
    assert str(info.value) == (
        f"settings file {path} has 2 hard links, and replacing it would split it from the "
        "others; make the other names symbolic links to it (planner writes through those), "
        "or pass --settings with a file name"
    )
    assert path.read_text() == other.read_text() == "old\n"
    assert path.stat().st_ino == other.stat().st_ino and path.stat().st_nlink == 2


def test_special_targets_are_refused_and_stay(tmp_path: Path, unix_socket: Path) -> None:
    dev = char_device(tmp_path / "null")
    pipe = fifo(tmp_path / "pipe")
    for target, what in ((dev, "a character device"), (pipe, "a named pipe (FIFO)")):
        with pytest.raises(FileError, match=f"is {what.replace('(', '.').replace(')', '.')}"):
            write_atomic(target, "x", atomic.IMPORT_OUTPUT)
    with pytest.raises(FileError, match="is a socket, not a regular file"):
        write_atomic(unix_socket, "x")
    with pytest.raises(FileError, match="is a folder, not a regular file"):
        write_atomic(tmp_path, "x")
    assert stat.S_ISCHR(dev.stat().st_mode) and stat.S_ISFIFO(pipe.stat().st_mode)
    assert stat.S_ISSOCK(unix_socket.stat().st_mode)
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_link_to_a_device_is_refused(tmp_path: Path) -> None:
    dev = char_device(tmp_path / "null")
    link = tmp_path / "link"
    link.symlink_to(dev)
    with pytest.raises(FileError, match="is a character device"):
        write_atomic(link, "x", atomic.PROGRESS)
    assert link.is_symlink() and stat.S_ISCHR(dev.stat().st_mode)


def test_the_data_and_the_rename_are_flushed_to_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fsync of the temp file before the rename, and of the folder after it."""
    synced: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        synced.append(f"rename {Path(src).name}")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    path = tmp_path / "p.yaml"
    write_atomic(path, "new\n")
    assert len(synced) == 3, synced
    temp, rename, folder = synced
    assert Path(temp).parent == tmp_path and Path(temp).name.startswith(".p.yaml.")
    assert rename == f"rename {Path(temp).name}"
    assert folder == str(tmp_path)


# -- the faces: the command line over every kind of file ---------------------------------------


@pytest.fixture
def tiny(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    roadmap = tmp_path / "tiny.yaml"
    roadmap.write_text(ROADMAP, encoding="utf-8")
    monkeypatch.setenv("PLANNER_ROADMAP", str(roadmap))
    return roadmap


def test_a_device_as_progress_file_stays_a_device(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = char_device(tmp_path / "null")
    code, out, err = run(capsys, "--progress", str(dev), "done", "alpha")
    assert (code, out) == (2, "")
    assert err == (
        f"planner: progress file {dev} is a character device, not a regular file; "
        "pass --progress with a file name\n"
    )
    assert stat.S_ISCHR(dev.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null", "tiny.yaml"]  # no lock file


@pytest.mark.parametrize(
    ("variable", "noun", "command"),
    [
        ("PLANNER_PROGRESS", "progress file", ["done", "alpha"]),
        ("PLANNER_SETTINGS", "settings file", ["plan"]),
    ],
)
def test_a_device_named_by_the_environment_says_to_set_the_variable(
    tmp_path: Path,
    tiny: Path,
    variable: str,
    noun: str,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No --progress (--settings) was given: the message names the variable the path
    came from, as `planner where` does."""
    dev = char_device(tmp_path / "null")
    monkeypatch.setenv(variable, str(dev))
    code, out, err = run(capsys, *command)
    assert (code, out) == (2, "")
    assert err == (
        f"planner: {noun} {dev} is a character device, not a regular file; "
        f"set {variable} to a file name\n"
    )
    monkeypatch.setenv(variable, str(tmp_path))  # a folder: the same fix
    code, _, err = run(capsys, "status")
    assert code == 2
    assert err.endswith(f"is a folder, not a regular file; set {variable} to a file name\n")
    option = "--progress" if variable == "PLANNER_PROGRESS" else "--settings"
    code, _, err = run(capsys, option, str(dev), "status")  # the option wins, and is named
    assert code == 2 and err.endswith(f"pass {option} with a file name\n")


def test_the_roadmap_as_a_device_has_no_line_and_column(
    tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A line and column mean nothing in a device: the message names the path alone."""
    code, out, err = run(capsys, "--roadmap", "/dev/zero", "status")
    assert (code, out) == (2, "")
    assert err == (
        "/dev/zero: is a character device, not a regular file; "
        "give the path of a roadmap .yaml file\n"
    )


@pytest.mark.parametrize("option", ["--progress", "--settings", "--roadmap"])
def test_a_fifo_never_hangs_a_command(tmp_path: Path, tiny: Path, option: str) -> None:
    pipe = fifo(tmp_path / "pipe")
    result = run_process(option, str(pipe), "status")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert str(pipe) in result.stderr
    assert "is a named pipe (FIFO), not a regular file" in result.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)


@pytest.mark.parametrize("option", ["--progress", "--settings", "--roadmap"])
def test_dev_zero_is_refused_by_every_command(tiny: Path, option: str) -> None:
    result = run_process(option, "/dev/zero", "status")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "/dev/zero" in result.stderr and "is a character device, not a regular file" in (
        result.stderr
    )


def test_a_socket_as_settings_file(
    tiny: Path, unix_socket: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--settings", str(unix_socket), "plan")
    assert code == 2
    assert err == (
        f"planner: settings file {unix_socket} is a socket, not a regular file; "
        "pass --settings with a file name\n"
    )


@pytest.mark.parametrize(
    ("option", "kind"),
    [
        ("--progress", atomic.PROGRESS),
        ("--settings", atomic.SETTINGS),
        ("--roadmap", atomic.ROADMAP),
    ],
)
def test_a_huge_file_is_refused_at_once(
    tmp_path: Path, tiny: Path, option: str, kind: FileKind, capsys: pytest.CaptureFixture[str]
) -> None:
    big = sparse(tmp_path / "big.yaml", 50 * atomic.MB)
    code, out, err = run(capsys, option, str(big), "status")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "is 50.0 MB, too large for a" in err
    assert str(big) in err and f"(at most {kind.limit / atomic.MB:.1f} MB)" in err
    assert big.stat().st_size == 50 * atomic.MB


def test_huge_markdown_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = sparse(tmp_path / "big.md", 17 * atomic.MB)
    code, _, err = run(capsys, "import", str(big))
    assert code == 2
    assert err.startswith(f"planner: {big}: is 17.0 MB, too large for a Markdown file")
    assert not (tmp_path / "big.yaml").exists()


def test_a_read_only_progress_file_is_kept(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "progress.yaml"
    assert run(capsys, "--progress", str(path), "start", "alpha")[0] == 0
    before = path.read_text()
    path.chmod(0o444)
    code, _, err = run(capsys, "--progress", str(path), "done", "alpha")
    assert code == 2
    assert err == (
        f"planner: progress file {path} is read-only (its owner may not write it); allow "
        f"writing with chmod u+w {path}, or pass --progress with a file name\n"
    )
    assert path.read_text() == before and stat.S_IMODE(path.stat().st_mode) == 0o444


def test_a_hard_linked_progress_file_is_not_split(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "progress.yaml"
    assert run(capsys, "--progress", str(path), "start", "alpha")[0] == 0
    other = tmp_path / "copy.yaml"
    os.link(path, other)
    before = path.read_text()
    code, _, err = run(capsys, "--progress", str(path), "done", "alpha")
    assert code == 2 and "has 2 hard links" in err and err.count("\n") == 1
    assert path.read_text() == other.read_text() == before
    assert path.stat().st_nlink == 2


@root_only
def test_root_keeps_the_owner_of_a_progress_file(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "progress.yaml"
    assert run(capsys, "--progress", str(path), "start", "alpha")[0] == 0
    os.chown(path, 12345, 12346)
    path.chmod(0o664)
    assert run(capsys, "--progress", str(path), "done", "alpha")[0] == 0
    st = path.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (12345, 12346, 0o664)
    assert "alpha: {state: done" in path.read_text()


@root_only
def test_the_lock_beside_another_users_progress_file_is_theirs(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Root changing someone's progress file leaves no root-owned lock beside it (which
    its owner could then not open): the lock gets the file's owner and group, a new
    one and one an earlier run left as root's alike."""
    path = tmp_path / "progress.yaml"
    lock = tmp_path / "progress.yaml.lock"
    assert run(capsys, "--progress", str(path), "start", "alpha")[0] == 0
    assert (lock.stat().st_uid, lock.stat().st_gid) == (0, 0)  # root's own file: root's lock
    os.chown(path, 12345, 12346)
    assert run(capsys, "--progress", str(path), "done", "alpha")[0] == 0
    assert (lock.stat().st_uid, lock.stat().st_gid) == (12345, 12346)
    lock.unlink()
    assert run(capsys, "--progress", str(path), "todo", "alpha")[0] == 0
    assert (lock.stat().st_uid, lock.stat().st_gid) == (12345, 12346)
    st = path.stat()
    assert (st.st_uid, st.st_gid) == (12345, 12346)


def test_import_writes_through_a_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "go.md"
    src.write_text(SMALL_MD)
    real = tmp_path / "roadmaps" / "go.yaml"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o644)
    link = tmp_path / "go-link.yaml"
    link.symlink_to(real)
    code, _, _ = run(capsys, "import", str(src), "-o", str(link), "--force")
    assert code == 0
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("id: go") or "title: Go" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o644


def test_import_onto_a_device_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "go.md"
    src.write_text(SMALL_MD)
    dev = char_device(tmp_path / "null")
    code, out, err = run(capsys, "import", str(src), "-o", str(dev), "--force")
    assert (code, out) == (2, "")
    assert err == (
        f"planner: output file {dev} is a character device, not a regular file; "
        "choose another file with -o FILE\n"
    )
    assert stat.S_ISCHR(dev.stat().st_mode)


def test_import_onto_a_read_only_file_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "go.md"
    src.write_text(SMALL_MD)
    out = tmp_path / "go.yaml"
    out.write_text("mine\n")
    out.chmod(0o400)
    code, _, err = run(capsys, "import", str(src), "--force")
    assert code == 2 and "is read-only" in err and "chmod u+w" in err
    assert out.read_text() == "mine\n"


def test_export_onto_a_read_only_calendar_is_refused(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plan.ics"
    out.write_text("mine\n")
    out.chmod(0o444)
    code, _, err = run(capsys, "export", "-o", str(out))
    assert code == 2
    assert err.count("\n") == 1 and f"calendar file {out} is read-only" in err
    assert out.read_text() == "mine\n"


def test_export_keeps_writing_into_a_pipe(tmp_path: Path, tiny: Path) -> None:
    """The documented way: a device or a pipe given to -o is written into, not replaced."""
    result = run_process("export", "-o", "/dev/stdout")
    assert result.returncode == 0 and result.stdout.startswith("BEGIN:VCALENDAR")


# -- messages ----------------------------------------------------------------------------------


def test_a_control_character_in_settings_is_one_line_with_its_place(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text('hours: {mon: 2}\ntimezone: "a\x01b"\n')
    code, _, err = run(capsys, "--settings", str(path), "plan")
    assert code == 2
    assert err == (
        f"planner: {path}:2: control character U+0001 at column 13 is not allowed in a YAML "
        "file; remove it\n"
    )


def test_a_control_character_in_progress_is_one_line_with_its_place(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "progress.yaml"
    path.write_text('version: 1\nitems: {alpha: "\x07"}\n')
    code, _, err = run(capsys, "--progress", str(path), "status")
    assert code == 2
    assert err == (
        f"planner: progress file {path}: control character U+0007 at line 2, column 17 is not "
        f"allowed in a YAML file; remove it; move it aside to start afresh: mv {path} {path}.bak\n"
    )
    assert "(not valid YAML)" not in err


def test_a_bidi_override_in_settings_is_refused_like_a_control_character(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """YAML takes U+202E (RIGHT-TO-LEFT OVERRIDE) as any letter; it would reorder the
    rest of a terminal line, so the settings refuse it where they meet it, as they do a
    control character YAML refuses."""
    path = tmp_path / "settings.yaml"
    path.write_text('hours: {mon: 2}\ndays_off:\n  - {date: 2026-12-24, label: "a\u202eb"}\n')
    code, _, err = run(capsys, "--settings", str(path), "plan")
    assert code == 2
    assert err == (
        f"planner: {path}:3: control character U+202E (RLO) at column 33 is not allowed: it "
        "can reorder the text shown after it; remove it\n"
    )


def test_a_bidi_isolate_in_progress_is_refused_like_a_control_character(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "progress.yaml"
    path.write_text("version: 1\nitems: {alpha: done}\norder: [alpha\u2067]\n")
    code, _, err = run(capsys, "--progress", str(path), "status")
    assert code == 2
    assert err == (
        f"planner: progress file {path}: control character U+2067 (RLI) at line 3, column 14 "
        "is not allowed: it can reorder the text shown after it; remove it; move it aside "
        f"to start afresh: mv {path} {path}.bak\n"
    )


def test_a_start_date_past_the_calendar_is_named(
    tmp_path: Path, tiny: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "settings.yaml"
    path.write_text("start_date: 9999-12-31\n")
    code, _, err = run(capsys, "--settings", str(path), "plan")
    assert code == 2
    assert err == (
        "planner: the plan starting 9999-12-31 runs past the calendar's last day "
        "(9999-12-31); set an earlier start date, or add study hours\n"
    )


def _baseline_warning(capsys: pytest.CaptureFixture[str]) -> str:
    code, _, err = run(capsys, "plan")
    assert code == 0
    assert err.count("\n") == 1 and err.startswith("planner: warning: ")
    assert "[Errno" not in err and "codec" not in err and "('" not in err
    return err.removeprefix("planner: warning: ").rstrip("\n")


def test_an_unreadable_baseline_is_one_plain_line(
    tiny: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = locations.baseline_path("tiny")
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff")
    assert _baseline_warning(capsys) == (
        f"plan baseline {path} is not UTF-8 text (byte 0xff at line 1, column 1); "
        "save it as UTF-8, or delete it to start a new one"
    )
    path.write_text(json.dumps({"version": 1}))
    assert _baseline_warning(capsys) == (
        f"the plan baseline {path} cannot be used (no 'made' entry); delete it to start a new one"
    )
    path.write_text(json.dumps({"version": 1, "made": "2026-01-05", "hours_remaining": None}))
    assert _baseline_warning(capsys) == (
        f"the plan baseline {path} cannot be used (an entry is not a number or a date); "
        "delete it to start a new one"
    )
    path.write_text("{not json")
    assert _baseline_warning(capsys) == (
        f"the plan baseline {path} cannot be used (not valid JSON at line 1, column 2); "
        "delete it to start a new one"
    )
    path.write_text(json.dumps({"version": 1, "made": "x", "hours_remaining": 1, "days": {}}))
    assert _baseline_warning(capsys) == (
        f"the plan baseline {path} cannot be used (an entry is not a number or a date); "
        "delete it to start a new one"
    )
    path.unlink()
    path.mkdir()
    assert _baseline_warning(capsys) == (
        f"plan baseline {path} is a folder, not a regular file; delete it to start a new one"
    )
    path.rmdir()
    path.write_text("{}")
    real_open = os.open

    def refuse(file: object, flags: int, *args: object, **kwargs: object) -> int:
        if Path(str(file)) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refuse)
    assert _baseline_warning(capsys) == (
        f"cannot read the plan baseline {path} (Permission denied); check its permissions, "
        "or delete it to start a new one"
    )


# -- the app's saves go through the same rules ------------------------------------------------


def test_settings_saved_onto_a_read_only_file_are_refused(tmp_path: Path) -> None:
    from planner.settings import Settings, SettingsError, save_settings

    path = tmp_path / "settings.yaml"
    path.write_text("hours: {mon: 2}\n")
    path.chmod(0o444)
    with pytest.raises(SettingsError) as info:
        save_settings(path, Settings())
    assert str(info.value).startswith(f"settings file {path} is read-only")
    assert path.read_text() == "hours: {mon: 2}\n"


@root_only
def test_settings_saved_by_root_keep_owner_mode_and_link(tmp_path: Path) -> None:
    from planner.settings import Settings, load_settings, save_settings

    real = tmp_path / "dotfiles" / "settings.yaml"
    real.parent.mkdir()
    real.write_text("hours: {mon: 2}\n")
    os.chown(real, 12345, 12346)
    real.chmod(0o640)
    link = tmp_path / "settings.yaml"
    link.symlink_to(real)
    save_settings(link, Settings(weekly_hours={0: 3.0}))
    st = real.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (12345, 12346, 0o640)
    assert link.is_symlink() and load_settings(real).weekly_hours[0] == 3.0


def test_the_export_record_is_held_to_the_rules(tmp_path: Path) -> None:
    from planner.calendar_out import ExportError, ExportRecord, load_record, save_record

    pipe = fifo(tmp_path / "record.json")
    record = load_record(pipe)  # at once, not waiting for a writer
    assert record.entries == {} and record.problem == (
        f"export record {pipe} is a named pipe (FIFO), not a regular file; "
        "move it aside to start a new one"
    )
    with pytest.raises(ExportError, match="is a named pipe"):
        save_record(pipe, ExportRecord())
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    path = tmp_path / "r.json"
    save_record(path, ExportRecord(roadmap_id="tiny"))
    path.chmod(0o400)
    with pytest.raises(ExportError, match="is read-only"):
        save_record(path, ExportRecord(roadmap_id="other"))
    assert load_record(path).roadmap_id == "tiny"
