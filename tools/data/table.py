"""The loaded dataset every tool works on: features, targets, names and a content version."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from ml_expert.tools.data.hashing import dataset_version

Task = Literal["classification", "regression"]


def frozen_array(array: np.ndarray, dtype: str) -> np.ndarray:
    """A read-only copy: hashes describe the content, so nobody may change it in place."""
    out = np.array(array, dtype=dtype, order="C", copy=True)
    out.setflags(write=False)
    return out


@dataclass(frozen=True, eq=False)
class Table:
    """Features ``X`` (float32, n x d), targets ``y`` and what they mean.

    ``y`` holds int64 class indices into ``class_names`` for classification, float32 values for
    regression. ``input_shape`` is the natural shape of one row when it is not flat, e.g. (1, 8, 8)
    for digits. ``version`` is a content hash of X, y and the names. Arrays are read-only. X may
    hold NaN (missing values, imputed by the preprocessing). ``categories`` maps a categorical
    column to its distinct values; its X column holds their ``category_code`` (``data/columns``).
    """

    X: np.ndarray
    y: np.ndarray
    task: Task
    feature_names: list[str]
    class_names: list[str] | None
    input_shape: tuple[int, ...] | None
    version: str
    source: dict[str, Any] = field(default_factory=dict)
    categories: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, X: np.ndarray, y: np.ndarray, task: Task, feature_names: list[str],
              class_names: list[str] | None, source: dict[str, Any],
              input_shape: tuple[int, ...] | None = None, categories: dict[str, list[str]] | None = None) -> Table:
        # Adding 0.0 turns -0.0 into 0.0, so equal numbers always hash equal.
        X = frozen_array(np.asarray(X, dtype=np.float32).reshape(len(X), -1) + np.float32(0.0), "float32")
        y = frozen_array(y, "int64" if task == "classification" else "float32")
        return cls(X=X, y=y, task=task, feature_names=list(feature_names),
                   class_names=list(class_names) if class_names is not None else None,
                   input_shape=tuple(input_shape) if input_shape else None,
                   version=dataset_version(X, y, task, list(feature_names), class_names), source=source,
                   categories=dict(categories or {}))

    @property
    def n_rows(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])
