"""The only place that turns a user-given path into a file the tools may read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ml_expert.tools.errors import SpecError

MAX_SHOWN_CHARS = 120  # a 5,000-character path is quoted, not pasted whole, in the message

# What opening each non-regular kind would do: a FIFO or a terminal blocks until a writer shows
# up (the job would sit until its time limit), a device or socket streams without end.
_SPECIAL_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe): reading it blocks until something writes to it"),
                  (stat.S_ISSOCK, "a socket, not a file"),
                  (stat.S_ISCHR, "a character device, not a file"),
                  (stat.S_ISBLK, "a block device, not a file"))


def shown(raw: str) -> str:
    """``raw`` quoted for a message, cut to MAX_SHOWN_CHARS."""
    quoted = repr(raw)
    return quoted if len(quoted) <= MAX_SHOWN_CHARS else f"{quoted[:MAX_SHOWN_CHARS]}... ({len(raw)} characters)"


def resolve_under_roots(field: str, raw: str, roots: list[Path]) -> Path:
    """Return the real path of ``raw`` if it lies under one of ``roots``, else raise SpecError.

    Relative paths are taken against each root in turn. Symlinks are resolved before the
    check, so a link inside a root that points outside it is refused like ``..`` is. Only
    regular files and folders are returned: a FIFO, socket or device is refused before
    anything opens it, since opening one can block the job.
    """
    accepted = "a path under " + (", ".join(str(r) for r in roots) if roots else "a --root folder")
    if not roots:
        raise SpecError(field, f"{shown(raw)} cannot be read: the server was started without --root", accepted)
    if "\0" in raw:
        raise SpecError(field, f"{shown(raw)} contains a NUL character, which no file name can hold", accepted)
    try:
        real = _find(field, raw, roots, accepted)
        mode = os.stat(real).st_mode
    except (OSError, RuntimeError) as error:  # ENAMETOOLONG, a symlink loop, '~nobody' without a home
        if isinstance(error, OSError):
            reason = error.strerror or str(error)
        else:
            reason = "it is a symlink loop" if "loop" in str(error) else str(error)[:200]
        raise SpecError(field, f"{shown(raw)} cannot be resolved: {reason}", accepted) from None
    for is_kind, what in _SPECIAL_KINDS:
        if is_kind(mode):
            raise SpecError(field, f"{shown(raw)} is {what}", "a regular file " + accepted.removeprefix("a "))
    return real


def _find(field: str, raw: str, roots: list[Path], accepted: str) -> Path:
    real_roots = [r.resolve() for r in roots]
    given = Path(raw).expanduser()
    candidates = [given] if given.is_absolute() else [root / given for root in real_roots]
    inside = [real for real in (c.resolve() for c in candidates) if any(real.is_relative_to(r) for r in real_roots)]
    if not inside:
        raise SpecError(field, f"{shown(raw)} is outside the server's roots", accepted)
    for real in inside:
        if real.exists():
            return real
    raise SpecError(field, f"{shown(raw)} does not exist (looked for {', '.join(shown(str(r)) for r in inside)})",
                    accepted)
