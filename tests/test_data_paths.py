"""File sources are read only under the server's roots, whatever the path says."""

from __future__ import annotations

import numpy as np
import pytest

from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.data.spec import DataSpec, FileSource
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext


@pytest.fixture
def layout(tmp_path):
    """A root with one good file, and a secret file beside (outside) the root."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    table = np.column_stack([np.random.default_rng(0).normal(size=(30, 2)), np.arange(30) % 2])
    np.save(root / "good.npy", table)
    np.save(outside / "secret.npy", table)
    return root, outside


def _prepare(root, path: str, tmp_path):
    spec = DataSpec(source=FileSource(path=path, target="-1"))
    return prepare_data(spec, JobContext.local(tmp_path / "ws", roots=[root]), field="train.data")


def test_a_file_under_the_root_loads(layout, tmp_path):
    root, _ = layout
    assert _prepare(root, "good.npy", tmp_path).table.n_rows == 30


@pytest.mark.parametrize("path", ["../outside/secret.npy", "sub/../../outside/secret.npy"])
def test_dot_dot_cannot_leave_the_root(layout, tmp_path, path):
    root, _ = layout
    with pytest.raises(SpecError, match="outside the server's roots") as err:
        _prepare(root, path, tmp_path)
    assert err.value.field == "train.data.source.path"


def test_absolute_path_outside_the_root_is_refused(layout, tmp_path):
    root, outside = layout
    with pytest.raises(SpecError, match="outside the server's roots"):
        _prepare(root, str(outside / "secret.npy"), tmp_path)


def test_symlink_inside_the_root_pointing_outside_is_refused(layout, tmp_path):
    root, outside = layout
    (root / "innocent.npy").symlink_to(outside / "secret.npy")
    with pytest.raises(SpecError, match="outside the server's roots"):
        _prepare(root, "innocent.npy", tmp_path)


def test_missing_file_says_where_it_looked(layout, tmp_path):
    root, _ = layout
    with pytest.raises(SpecError, match="'nope.csv' does not exist") as err:
        _prepare(root, "nope.csv", tmp_path)
    assert err.value.field == "train.data.source.path"


def test_a_folder_is_not_a_data_file(layout, tmp_path):
    root, _ = layout
    (root / "folder.csv").mkdir()
    with pytest.raises(SpecError, match="is a folder"):
        _prepare(root, "folder.csv", tmp_path)


def test_a_relative_path_is_found_under_any_of_several_roots(layout, tmp_path):
    root, _ = layout
    first = tmp_path / "first-root"
    first.mkdir()
    spec = DataSpec(source=FileSource(path="good.npy", target="-1"))
    prepared = prepare_data(spec, JobContext.local(tmp_path / "ws", roots=[first, root]))
    assert prepared.table.n_rows == 30
