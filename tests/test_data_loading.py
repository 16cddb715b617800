"""Loading every kind of source into a versioned Table, and the errors a user can cause."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml_expert.tools.data.loading import load_table
from ml_expert.tools.data.spec import BundledSource, FileSource
from ml_expert.tools.errors import SpecError


def _frame(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"x0": rng.normal(size=n).round(3), "x1": rng.normal(size=n).round(3),
                         "y": np.arange(n) % 2})


def _load(tmp_path, name: str, target: str, **kwargs):
    return load_table(FileSource(path=name, target=target, **kwargs), [tmp_path])


@pytest.mark.parametrize(("name", "shape", "task", "n_classes"), [
    ("digits", (1797, 64), "classification", 10), ("breast_cancer", (569, 30), "classification", 2),
    ("wine", (178, 13), "classification", 3), ("iris", (150, 4), "classification", 3),
    ("diabetes", (442, 10), "regression", None)])
def test_bundled_datasets_load_with_their_shapes(name, shape, task, n_classes):
    table = load_table(BundledSource(name=name), [])
    assert table.X.shape == shape and table.X.dtype == np.float32
    assert table.task == task
    assert table.y.dtype == (np.int64 if task == "classification" else np.float32)
    assert (len(table.class_names) if table.class_names else None) == n_classes
    assert len(table.feature_names) == shape[1]
    assert table.version.startswith("ds-") and len(table.version) == 19


def test_digits_keep_their_image_shape_and_arrays_are_read_only():
    table = load_table(BundledSource(name="digits"), [])
    assert table.input_shape == (1, 8, 8)
    assert table.class_names == [str(d) for d in range(10)]
    with pytest.raises(ValueError, match="read-only"):
        table.X[0, 0] = 1.0


def test_every_file_format_gives_the_same_version_for_the_same_content(tmp_path):
    frame = _frame()
    frame.to_csv(tmp_path / "d.csv", index=False)
    frame.to_parquet(tmp_path / "d.parquet")
    X, y = frame[["x0", "x1"]].to_numpy(), frame["y"].to_numpy()
    np.save(tmp_path / "d.npy", np.column_stack([X, y]))
    np.savez(tmp_path / "d.npz", X=X, y=y)
    (tmp_path / "copy").mkdir()
    frame.to_csv(tmp_path / "copy" / "other-name.csv", index=False)

    tables = {"csv": _load(tmp_path, "d.csv", "y"), "parquet": _load(tmp_path, "d.parquet", "y"),
              "npy": _load(tmp_path, "d.npy", "-1"), "npz": _load(tmp_path, "d.npz", "y"),
              "moved csv": _load(tmp_path, "copy/other-name.csv", "y")}
    versions = {name: t.version for name, t in tables.items()}
    assert len(set(versions.values())) == 1, versions
    for table in tables.values():
        assert table.X.shape == (40, 2) and table.task == "classification"
        assert table.class_names == ["0", "1"] and table.feature_names == ["x0", "x1"]
        np.testing.assert_array_equal(table.y, np.arange(40) % 2)


def test_version_changes_when_one_value_changes(tmp_path):
    frame = _frame()
    frame.to_csv(tmp_path / "a.csv", index=False)
    frame.loc[7, "x1"] += 0.001
    frame.to_csv(tmp_path / "b.csv", index=False)
    assert _load(tmp_path, "a.csv", "y").version != _load(tmp_path, "b.csv", "y").version


def test_text_target_becomes_class_indices_with_names(tmp_path):
    frame = _frame()
    frame["label"] = np.where(frame["y"] == 1, "spam", "ham")
    frame.drop(columns="y").to_csv(tmp_path / "mail.csv", index=False)
    table = _load(tmp_path, "mail.csv", "label")
    assert table.class_names == ["ham", "spam"]
    np.testing.assert_array_equal(table.y, frame["y"].to_numpy())


def test_float_target_is_regression_and_features_subset_is_kept_in_order(tmp_path):
    frame = _frame()
    frame["price"] = frame["x0"] * 3.5 + 0.25
    frame.to_csv(tmp_path / "houses.csv", index=False)
    table = _load(tmp_path, "houses.csv", "price", features=["x1", "y"])
    assert table.task == "regression" and table.class_names is None
    assert table.feature_names == ["x1", "y"]
    np.testing.assert_allclose(table.X[:, 1], frame["y"])


def test_npz_image_features_keep_their_shape(tmp_path):
    images = np.random.default_rng(0).random((30, 1, 4, 4))
    np.savez(tmp_path / "img.npz", images=images, labels=np.arange(30) % 3)
    table = _load(tmp_path, "img.npz", "labels")
    assert table.X.shape == (30, 16) and table.input_shape == (1, 4, 4)


def test_unknown_target_column_names_it_and_lists_the_accepted_ones(tmp_path):
    _frame().to_csv(tmp_path / "houses.csv", index=False)
    with pytest.raises(SpecError) as err:
        _load(tmp_path, "houses.csv", "price")
    assert err.value.field == "data.source.target"
    assert "'price' is not a column of houses.csv" in str(err.value)
    assert "one of ['x0', 'x1', 'y']" in str(err.value)


def test_misspelt_column_gets_a_suggestion(tmp_path):
    _frame().to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(SpecError, match="did you mean 'x1'"):
        _load(tmp_path, "d.csv", "y", features=["x_1"])


def test_free_text_feature_columns_are_refused_by_name(tmp_path):
    frame = _frame()
    frame["city"] = [f"street {i} of Oslo" for i in range(len(frame))]
    frame.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(SpecError) as err:
        _load(tmp_path, "d.csv", "y")
    assert err.value.field == "data.source.features"
    assert "'city'" in err.value.problem and "free-form text" in err.value.problem


def test_categorical_feature_columns_become_stable_codes(tmp_path):
    from ml_expert.tools.data.columns import category_code

    frame = _frame()
    frame["city"] = ["Oslo", "Bergen"] * (len(frame) // 2) + ["Oslo"] * (len(frame) % 2)
    frame.to_csv(tmp_path / "d.csv", index=False)
    table = _load(tmp_path, "d.csv", "y")
    assert table.categories == {"city": ["Bergen", "Oslo"]}
    assert table.X[0, table.feature_names.index("city")] == category_code("Oslo")
    # Leaving the column out is one of the ways forward the message offers.
    assert _load(tmp_path, "d.csv", "y", features=["x0", "x1"]).n_features == 2


def test_missing_target_values_are_refused_with_their_rows(tmp_path):
    frame = _frame().astype({"y": float})
    frame.loc[[3, 9], "y"] = np.nan
    frame.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(SpecError, match=r"2 target value\(s\).*rows \[3, 9\]") as err:
        _load(tmp_path, "d.csv", "y")
    assert err.value.field == "data.source.target"


def test_infinite_feature_values_name_the_column_and_missing_ones_stay_nan(tmp_path):
    frame = _frame()
    frame.loc[5, "x1"] = np.nan
    frame.to_csv(tmp_path / "d.csv", index=False)
    assert np.isnan(_load(tmp_path, "d.csv", "y").X[5, 1])  # the preprocessing imputes it
    frame.loc[6, "x0"] = np.inf
    frame.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(SpecError, match=r"infinite feature values \(column: count \{'x0': 1\}"):
        _load(tmp_path, "d.csv", "y")


@pytest.mark.parametrize(("file", "content", "field", "message"), [
    ("d.xlsx", b"PK", "data.source.path", "unsupported extension '.xlsx'"),
    ("d.parquet", b"not parquet at all", "data.source.path", "cannot be read as Parquet"),
    ("d.npy", b"\x93NUMPY garbage", "data.source.path", "cannot be read by numpy"),
    ("d.csv", b"", "data.source.path", "cannot be read as CSV"),
])
def test_unreadable_or_unsupported_files(tmp_path, file, content, field, message):
    (tmp_path / file).write_bytes(content)
    with pytest.raises(SpecError, match=message) as err:
        _load(tmp_path, file, "y")
    assert err.value.field == field


def test_npy_target_must_be_a_column_index_in_range(tmp_path):
    np.save(tmp_path / "d.npy", np.zeros((10, 3)))
    with pytest.raises(SpecError, match="from -3 to 2"):
        _load(tmp_path, "d.npy", "5")
    with pytest.raises(SpecError, match="'label' is not a column index"):
        _load(tmp_path, "d.npy", "label")


def test_npz_with_unknown_target_lists_its_arrays(tmp_path):
    np.savez(tmp_path / "d.npz", X=np.zeros((10, 2)), target=np.arange(10) % 2)
    with pytest.raises(SpecError, match=r"one of \['X', 'target'\]"):
        _load(tmp_path, "d.npz", "y")


def test_fractional_target_cannot_be_forced_to_classification(tmp_path):
    frame = _frame()
    frame["y"] = frame["x0"] + 0.5
    frame.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(SpecError, match="fractional numbers") as err:
        _load(tmp_path, "d.csv", "y", task="classification")
    assert err.value.field == "data.source.task"


def test_a_file_with_only_the_target_has_no_features(tmp_path):
    (tmp_path / "d.csv").write_text("y\n0\n1\n0\n")
    with pytest.raises(SpecError, match="no feature column besides the target") as err:
        _load(tmp_path, "d.csv", "y")
    assert err.value.field == "data.source.features"
