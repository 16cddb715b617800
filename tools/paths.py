"""The only place that turns a user-given path into a file the tools may read."""

from __future__ import annotations

from pathlib import Path

from ml_expert.tools.errors import SpecError


def resolve_under_roots(field: str, raw: str, roots: list[Path]) -> Path:
    """Return the real path of ``raw`` if it lies under one of ``roots``, else raise SpecError.

    Relative paths are taken against each root in turn. Symlinks are resolved before the
    check, so a link inside a root that points outside it is refused like ``..`` is.
    """
    accepted = "a path under " + (", ".join(str(r) for r in roots) if roots else "a --root folder")
    if not roots:
        raise SpecError(field, f"{raw!r} cannot be read: the server was started without --root", accepted)
    real_roots = [r.resolve() for r in roots]
    given = Path(raw).expanduser()
    candidates = [given] if given.is_absolute() else [root / given for root in real_roots]
    inside = [real for real in (c.resolve() for c in candidates) if any(real.is_relative_to(r) for r in real_roots)]
    if not inside:
        raise SpecError(field, f"{raw!r} is outside the server's roots", accepted)
    for real in inside:
        if real.exists():
            return real
    raise SpecError(field, f"{raw!r} does not exist (looked for {', '.join(str(r) for r in inside)})", accepted)
