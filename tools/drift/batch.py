"""A production batch read from a file under the roots: the model's feature columns, in the
reference's order, and the labels when the batch has them.

The data layer's reader wants a target in every file; a production batch often has none, and
its columns are fixed by the model rather than chosen, so it is read here with the same rules:
numeric features, no missing values, files only under the roots. For a model whose preprocessing
encodes columns, its categorical columns may hold their values (read as the data layer's codes)
and any column may have missing values (the model imputes them).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ml_expert.tools.data.targets import _class_name
from ml_expert.tools.errors import SpecError
from ml_expert.tools.paths import resolve_under_roots

ACCEPTED = "a .csv, .parquet (.pq), .npy or .npz file of the model's input features"


@dataclass(frozen=True)
class Batch:
    X: np.ndarray  # float64, rows x reference features
    labels: np.ndarray | None  # class indices into the reference's class names, or values
    name: str


def load_batch(raw_path: str, target: str | None, feature_names: list[str], task: str,
               class_names: list[str] | None, roots: list[Path], *, categorical: list[str] = (),
               allow_missing: bool = False) -> Batch:
    path = resolve_under_roots("batch", raw_path, roots)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".parquet", ".pq"):
        X, raw_labels = _read_table(path, target, feature_names, categorical)
    elif suffix in (".npz", ".npy"):
        X, raw_labels = _read_arrays(path, target, len(feature_names))
    else:
        raise SpecError("batch", f"{path.name!r} has an unsupported extension {suffix or '(none)'!r}", ACCEPTED)
    if len(X) < 2:
        raise SpecError("batch", f"{path.name} holds {len(X)} row(s)", "a batch of at least 2 rows "
                                                                        "(a few hundred for a useful test)")
    bad = np.isinf(X) if allow_missing else ~np.isfinite(X)
    if bad.any():
        columns = [feature_names[j] for j in np.flatnonzero(bad.sum(axis=0))[:10]]
        raise SpecError("batch", f"{path.name} has {'infinite' if allow_missing else 'missing or infinite'} "
                                 f"values in {columns}",
                        "finite values (missing ones empty)" if allow_missing else
                        "rows with every feature present: impute them as the serving code does, or drop them")
    labels = None if raw_labels is None else _labels(raw_labels, task, class_names, path.name)
    return Batch(X, labels, path.name)


def _read_table(path: Path, target: str | None, feature_names: list[str], categorical: list[str]):
    import pandas as pd

    try:
        frame = pd.read_csv(path) if path.suffix.lower() == ".csv" else pd.read_parquet(path)
    except (OSError, ValueError) as error:
        raise SpecError("batch", f"{path.name} cannot be read: {str(error)[:200]}", ACCEPTED) from error
    frame.columns = [str(c) for c in frame.columns]
    missing = [n for n in feature_names if n not in frame.columns]
    if missing:
        close = difflib.get_close_matches(missing[0], list(frame.columns), n=1)
        hint = f" (is {close[0]!r} meant to be {missing[0]!r}?)" if close else ""
        raise SpecError("batch", f"{path.name} lacks the model's feature column(s) {missing[:10]}{hint}",
                        f"a file with the columns the model was trained on: {feature_names[:30]}")
    if target is not None and target not in frame.columns:
        raise SpecError("target", f"{target!r} is not a column of {path.name}",
                        f"one of {list(frame.columns)[:30]}, or null for a batch without labels")
    for name in categorical:
        if frame[name].dtype.kind not in "biuf":
            frame[name] = _codes(frame[name])
    text = [n for n in feature_names if frame[n].dtype.kind not in "biuf"]
    if text:
        raise SpecError("batch", f"feature column(s) {text[:10]} of {path.name} are not numeric",
                        "the same numeric columns the model was trained on")
    X = frame[feature_names].to_numpy(dtype=np.float64, na_value=np.nan)
    return X, None if target is None else frame[target].to_numpy()


def _codes(values):
    """A categorical column's values as the data layer codes them (NaN where missing)."""
    from ml_expert.tools.data.columns import category_code

    return values.map(lambda v: np.nan if v is None or v != v else category_code(str(v))).astype(np.float64)


def _read_arrays(path: Path, target: str | None, n_features: int):
    try:
        loaded = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        raise SpecError("batch", f"{path.name} cannot be read by numpy: {str(error)[:200]}", ACCEPTED) from error
    if isinstance(loaded, np.ndarray):  # .npy: the features alone
        X, labels = loaded, None
        if target is not None:
            raise SpecError("target", "an .npy batch holds features only", "an .npz with 'X' and the label array")
    else:
        with loaded:
            arrays = {name: loaded[name] for name in loaded.files}
        if "X" not in arrays:
            raise SpecError("batch", f"{path.name} holds arrays {sorted(arrays)} but no 'X'",
                            "an .npz whose features are in 'X'")
        if target is not None and target not in arrays:
            raise SpecError("target", f"{target!r} is not an array of {path.name}", f"one of {sorted(arrays)}")
        X, labels = arrays["X"], None if target is None else arrays[target].reshape(-1)
    X = X.reshape(len(X), -1) if X.ndim > 1 else X.reshape(-1, 1)
    if X.shape[1] != n_features or X.dtype.kind not in "biuf":
        raise SpecError("batch", f"{path.name} holds {X.shape[1]} {X.dtype} feature(s) per row",
                        f"{n_features} numeric features per row, as the model was trained on")
    if labels is not None and len(labels) != len(X):
        raise SpecError("target", f"{len(labels)} labels for {len(X)} rows", "one label per row")
    return X.astype(np.float64), labels


def _labels(raw: np.ndarray, task: str, class_names: list[str] | None, where: str) -> np.ndarray:
    if task != "classification":
        values = raw.astype(np.float64)
        if not np.isfinite(values).all():
            raise SpecError("target", f"{where} has missing label values", "a label in every row, or no target")
        return values
    names = [_class_name(v) for v in raw]
    index = {name: i for i, name in enumerate(class_names or [])}
    unknown = sorted({n for n in names if n not in index})
    if unknown:
        raise SpecError("target", f"{where} has labels the model does not know: {unknown[:10]}",
                        f"the model's classes {class_names}")
    return np.array([index[n] for n in names], dtype=np.int64)
