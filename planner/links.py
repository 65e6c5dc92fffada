"""What a roadmap's link may open without asking: the rule behind the app's ``o``.

A roadmap is a file someone else may have written, and its links are handed to the
system's opener. So only two kinds open at once:

- a web page: an ``http://`` or ``https://`` URL with a host;
- a file inside the roadmap's folder, named by a relative path, once ``..`` and
  symlinks are followed (``./notes/oop.md``).

Anything else (an absolute path, ``~/...``, a path that leads out of the folder by
``..`` or by a symlink, ``file://`` and every other scheme) needs the learner's
confirmation, with the target shown in full and the reason.

The target handed on is always a full URL or an absolute path: never a word an
opener could read as one of its options (``--help://x`` is the file
``/roadmap/folder/--help:/x``, not an option).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
WEB_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True)
class LinkTarget:
    """What to open for a link, and whether it may be opened without asking."""

    target: str
    """A full URL or an absolute path: what the opener is given."""
    path: Path | None
    """The local file, or None for a URL."""
    reason: str | None = None
    """Why the learner must confirm first; None when it opens at once."""

    @property
    def safe(self) -> bool:
        return self.reason is None


def classify(link: str, roadmap_dir: Path) -> LinkTarget:
    """The target of ``link`` (as a roadmap in ``roadmap_dir`` writes it) and whether it
    opens without asking. Reads the file system only to follow symlinks."""
    text = link.strip()
    scheme = _SCHEME.match(text)
    if scheme is not None and len(scheme.group(1)) > 1:  # 'c:' is a drive, not a scheme
        name = scheme.group(1).lower()
        if name in WEB_SCHEMES:
            if urlsplit(text).netloc:
                return LinkTarget(text, None)
            return LinkTarget(text, None, f"'{text}' is not a full web address (no host)")
        return LinkTarget(text, None, f"it is a {name}: link, not a web page (http or https)")
    folder = roadmap_dir.resolve()
    written = Path(text)
    if text.startswith("~"):
        with contextlib.suppress(RuntimeError):  # '~someone', no such user: a plain name
            written = written.expanduser()
    if written.is_absolute():
        return LinkTarget(
            str(written), written, f"it names a file by its absolute path, outside {folder}"
        )
    path = (folder / written).resolve()
    if not path.is_relative_to(folder):
        via = "a symlink" if ".." not in written.parts else "'..'"
        return LinkTarget(
            str(path), path, f"it leads out of the roadmap's folder {folder} by {via}"
        )
    return LinkTarget(str(path), path)
