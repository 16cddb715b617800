"""Load any data source the spec allows into a versioned :class:`Table`."""

from __future__ import annotations

from pathlib import Path

from ml_expert.tools.data.bundled import load_bundled
from ml_expert.tools.data.files import read_file
from ml_expert.tools.data.spec import BundledSource, DataSource, SyntheticSource
from ml_expert.tools.data.synthetic import generate
from ml_expert.tools.data.table import Table
from ml_expert.tools.paths import resolve_under_roots

__all__ = ["Table", "load_table"]


def load_table(source: DataSource, roots: list[Path], *, field: str = "data") -> Table:
    """Load ``source``; file paths are accepted only under ``roots``.

    ``field`` is the dotted spec path of the DataSpec, so errors name e.g. ``data.source.target``.
    """
    where = f"{field}.source"
    if isinstance(source, BundledSource):
        return load_bundled(source)
    if isinstance(source, SyntheticSource):
        return generate(source, where)
    path = resolve_under_roots(f"{where}.path", source.path, roots)
    return read_file(source, path, where)
