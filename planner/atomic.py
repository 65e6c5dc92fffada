"""The user's files: only regular files are read and written, and writes are atomic.

Every file ``planner`` reads or writes for the user (progress, settings, roadmap, the
Markdown it imports and the YAML it writes, calendars, the export record, the plan
baseline) goes through this module, so the rules hold in one place:

- ``read_bytes`` / ``read_text`` look at the path before opening it and refuse anything but
  a regular file (a device such as ``/dev/zero``, a FIFO, a socket, a folder), open it
  without blocking (a FIFO swapped in between the look and the open cannot hang) and refuse
  a file larger than its kind's ``limit``, before reading it.
- ``write_atomic`` writes through a symbolic link (the link stays a link), refuses a
  target that is not a regular file, one its owner made read-only, and one with more than
  one hard link (replacing it would silently split it from its other names; planner
  refuses rather than writing in place, which could leave a half-written file). It keeps
  an existing file's permission bits, owner and group, and replaces the file atomically:
  temp file in the same folder, fsync, rename, fsync the folder.

Refusals are ``FileError`` with a one-line message naming the file and what to do; other
failures of the system (no such file, permission denied, disk full) stay ``OSError`` for
the caller to word in its own terms.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from planner.errors import PlannerError

MB = 1024 * 1024


@dataclass(frozen=True)
class FileKind:
    """What a file is to the user: its name in messages, how to pick another, its size limit."""

    noun: str
    """``progress file``: starts every message about such a file."""
    fix: str
    """What to do instead, for a file that is not a regular file or too large."""
    limit: int
    """The largest file of this kind that is read, in bytes."""
    streams: bool = False
    """Read a pipe or device as well (up to ``limit``): input the user pipes in on purpose."""


# A study record, or settings, of tens of megabytes is not one: the limits stop a wrong file
# (or a device with no end) long before parsing it would take minutes or all the memory.
PROGRESS = FileKind("progress file", "pass --progress with a file name", 8 * MB)
SETTINGS = FileKind("settings file", "pass --settings with a file name", 1 * MB)
ROADMAP = FileKind("roadmap file", "give the path of a roadmap .yaml file", 32 * MB)
MARKDOWN = FileKind("Markdown file", "give the path of a Markdown file", 16 * MB, streams=True)
IMPORT_OUTPUT = FileKind("output file", "choose another file with -o FILE", 32 * MB)
CALENDAR = FileKind("calendar file", "choose another file with -o", 64 * MB)
EXPORT_RECORD = FileKind("export record", "move it aside to start a new one", 64 * MB)
BASELINE = FileKind("plan baseline", "delete it to start a new one", 32 * MB)
BUSY_CALENDAR = FileKind("busy calendar", "check the path in busy: (an .ics file)", 64 * MB)
SYNC_STATE = FileKind("sync state", "delete it; the next sync finds its events again", 64 * MB)
FILE = FileKind("file", "choose another file", 64 * MB)
"""For a caller that names no kind."""


class FileError(PlannerError):
    """A file refused by the rules above; ``str()`` is the whole one-line message."""

    def __init__(self, kind: FileKind, path: Path, problem: str) -> None:
        super().__init__(f"{kind.noun} {path} {problem}")
        self.kind = kind
        self.path = path
        self.problem = problem
        """The message without the kind and path: ``is a folder, not a regular file; ...``."""


def _what(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"  # pragma: no cover - no other kind on POSIX


def _refuse_special(path: Path, mode: int, kind: FileKind, *, reading: bool = False) -> None:
    what = _what(mode)
    if what is not None and not (reading and kind.streams and not stat.S_ISDIR(mode)):
        raise FileError(kind, path, f"is {what}, not a regular file; {kind.fix}")


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f} MB"


def read_bytes(path: Path, kind: FileKind = FILE) -> bytes:
    """The bytes of the regular file ``path`` (symbolic links followed), at most ``kind.limit``.

    Raises ``FileError`` for anything but a regular file (nothing else is even opened;
    a ``kind`` that ``streams`` reads pipes and devices too, but never a folder) and for
    a file over the limit; ``OSError`` (``FileNotFoundError``, ``PermissionError``,
    ``NotADirectoryError``...) when the system cannot open or read it.
    """
    _refuse_special(path, os.stat(path).st_mode, kind, reading=True)
    flags = os.O_RDONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    if not kind.streams:
        flags |= getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)  # what was opened, should the path have changed since the look
        _refuse_special(path, st.st_mode, kind, reading=True)
        if st.st_size > kind.limit:
            raise _too_large(path, kind, st.st_size)
        chunks: list[bytes] = []
        size = 0
        while chunk := os.read(fd, max(st.st_size + 1 - size, 65536)):
            chunks.append(chunk)
            size += len(chunk)
            if size > kind.limit:  # it grew while being read
                raise _too_large(path, kind)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _too_large(path: Path, kind: FileKind, size: int | None = None) -> FileError:
    """The refusal of a file over ``kind.limit``: ``size`` bytes, or None when still growing."""
    what = (
        f"is {_megabytes(size)}"
        if size is not None
        else f"holds more than {_megabytes(kind.limit)}"
    )
    return FileError(
        kind,
        path,
        f"{what}, too large for a {kind.noun} (at most {_megabytes(kind.limit)}); "
        f"check that it is the right file, or {kind.fix}",
    )


def read_text(path: Path, kind: FileKind = FILE) -> str:
    """``read_bytes`` decoded as UTF-8; ``FileError`` naming the line when it is not UTF-8."""
    data = read_bytes(path, kind)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise FileError(
            kind,
            path,
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}, column {column}); "
            f"save it as UTF-8, or {kind.fix}",
        ) from None


def write_target(path: Path, kind: FileKind = FILE) -> tuple[Path, os.stat_result | None]:
    """Where writing ``path`` goes (through symbolic links), and its status if it exists.

    Raises ``FileError`` when that target must not be replaced: it is not a regular file,
    its owner made it read-only (no owner write bit: root could write it, but the owner
    said no), or it has more than one hard link.
    """
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
    except (FileNotFoundError, NotADirectoryError):
        return target, None  # a new file (or no folder for it: the write will say so)
    _refuse_special(path, st.st_mode, kind)
    if not st.st_mode & stat.S_IWUSR:
        raise FileError(
            kind,
            path,
            "is read-only (its owner may not write it); allow writing with "
            f"chmod u+w {shlex.quote(str(target))}, or {kind.fix}",
        )
    if st.st_nlink > 1:
        raise FileError(
            kind,
            path,
            f"has {st.st_nlink} hard links, and replacing it would split it from the others; "
            "make the other names symbolic links to it (planner writes through those), "
            f"or {kind.fix}",
        )
    return target, st


def _keep_owner(fd: int, st: os.stat_result, path: Path, kind: FileKind) -> None:
    """Give the file open as ``fd`` the owner and group in ``st``; FileError when not allowed."""
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (st.st_uid, st.st_gid):
        return
    try:
        os.fchown(fd, st.st_uid, st.st_gid)
    except PermissionError:
        raise FileError(
            kind,
            path,
            f"belongs to user {st.st_uid} and group {st.st_gid}, which writing it as user "
            f"{mine.st_uid} would not keep; write it as its owner, or {kind.fix}",
        ) from None


def owner_beside(fd: int, path: Path) -> None:
    """Give the file open as ``fd`` (a lock kept beside ``path``) the owner and group of
    ``path`` where they differ, as a write keeps them (``_keep_owner``): root working on
    someone's file leaves nothing of root's there. Best effort: without ``path``, or where
    the system does not allow it (only root may give a file away), it stays as it is."""
    try:
        st = os.stat(path)
    except OSError:
        return
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (st.st_uid, st.st_gid):
        with contextlib.suppress(PermissionError):
            os.fchown(fd, st.st_uid, st.st_gid)


def default_mode() -> int:
    """What a plain ``open(path, "w")`` gives a new file: 0o666 less the umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(
    path: Path, data: str | bytes, kind: FileKind = FILE, *, new_mode: int | None = 0o600
) -> Path:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file.

    A symbolic link is written through (the link stays); the file written is returned. An
    existing file keeps its permission bits, owner and group; a new one gets ``new_mode``
    (private by default; None: as ``open()`` would, see ``default_mode``). Refusals (see
    ``write_target``, and an owner or group that cannot be kept: only root may give a file
    to another user) are ``FileError``; failures of the system are ``OSError``.
    """
    target, st = write_target(path, kind)
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            if st is None:
                mode = default_mode() if new_mode is None else new_mode
            else:  # the owner first: a change of owner may clear mode bits
                _keep_owner(handle.fileno(), st, path, kind)
                mode = stat.S_IMODE(st.st_mode)
            os.fchmod(handle.fileno(), mode)
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX only)
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return target
