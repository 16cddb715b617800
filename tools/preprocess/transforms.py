"""Fitted input and target transforms: plain numbers, JSON in and out, applied with numpy.

Statistics come from the training rows only, never validation's or test's. A constant feature
is centred, not blown up (its standard deviation is floored at ``MIN_STD``). Categorical columns,
missing values and (optionally) skewed columns are encoded first (``features``); the
standardisation then applies to the encoded features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ml_expert.tools.errors import SpecError
from ml_expert.tools.preprocess.features import CODE_RULE, ColumnEncoding, encode, fit_encodings

MIN_STD = 1e-6
FORMAT_VERSION = 1


def _array(values) -> np.ndarray | None:
    return None if values is None else np.asarray(values, dtype=np.float32)


def _listed(values: np.ndarray | None) -> list[float] | None:
    return None if values is None else [float(v) for v in values]


@dataclass(frozen=True, eq=False)
class Preprocessing:
    """What a model's inputs went through and how its regression outputs map back to the data's units.

    ``x_mean``/``x_std`` are None when inputs are used as they are (token ids, or
    ``normalize_inputs=false``); ``y_mean``/``y_std`` are None unless a regression target was
    standardised. ``fitted_on`` names the rows the statistics came from: the data spec, the
    dataset version and the training split's hash. ``encodings`` (one per input column, None when
    every column is used as it is) turn the input columns into the model's features.
    """

    task: str
    feature_names: list[str]
    class_names: list[str] | None = None
    x_mean: np.ndarray | None = None
    x_std: np.ndarray | None = None
    y_mean: np.ndarray | None = None
    y_std: np.ndarray | None = None
    fitted_on: dict[str, Any] = field(default_factory=dict)
    encodings: list[ColumnEncoding] | None = None

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, *, task: str, feature_names: list[str],
            class_names: list[str] | None = None, scale_inputs: bool = True, scale_targets: bool = True,
            fitted_on: dict[str, Any] | None = None, categories: dict[str, list[str]] | None = None,
            encode_columns: bool = True, log_skewed: bool = False) -> Preprocessing:
        """Fit on the TRAINING rows ``X`` (n x d) and targets ``y``; ``categories`` as in ``Table``."""
        x_mean = x_std = y_mean = y_std = None
        encodings = None
        if encode_columns:
            encodings = fit_encodings(X, list(feature_names), categories or {}, log_skewed=log_skewed)
            X = X if encodings is None else encode(encodings, X)
        if scale_inputs:
            x_mean, x_std = X.mean(axis=0), np.maximum(X.std(axis=0), MIN_STD)
        if scale_targets and task == "regression":
            columns = _columns(y)
            y_mean, y_std = columns.mean(axis=0), np.maximum(columns.std(axis=0), MIN_STD)
        return cls(task=task, feature_names=list(feature_names), class_names=class_names,
                   x_mean=_array(x_mean), x_std=_array(x_std), y_mean=_array(y_mean), y_std=_array(y_std),
                   fitted_on=dict(fitted_on or {}), encodings=encodings)

    @property
    def scales_inputs(self) -> bool:
        return self.x_mean is not None

    @property
    def scales_targets(self) -> bool:
        return self.y_mean is not None

    @property
    def model_features(self) -> list[str]:
        """The names of what the model sees: the input columns, or their encodings' outputs."""
        if self.encodings is None:
            return list(self.feature_names)
        return [name for e in self.encodings for name in e.outputs]

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Rows in the data's units and column order -> what the model was trained on (float32, n x d)."""
        X = np.asarray(X, dtype=np.float32).reshape(len(X), -1)
        if X.shape[1] != len(self.feature_names):
            raise ValueError(f"rows have {X.shape[1]} features; the model was trained on "
                             f"{len(self.feature_names)}")
        if self.encodings is not None:
            X = encode(self.encodings, X)
        if self.x_mean is None:
            return X
        return (X - self.x_mean) / self.x_std

    def transform_target(self, y: np.ndarray) -> np.ndarray:
        """Regression targets (n x targets, float32) in the scale the model learned; classes unchanged."""
        if self.task != "regression":
            return np.asarray(y)
        columns = _columns(y)
        return columns if self.y_mean is None else (columns - self.y_mean) / self.y_std

    def inverse_target(self, values: np.ndarray) -> np.ndarray:
        """Model-scale regression outputs back to the data's units."""
        values = np.asarray(values, dtype=np.float32)
        return values if self.y_mean is None else values * self.y_std + self.y_mean

    def column_order(self, names: list[str], field: str) -> np.ndarray:
        """Indices that put columns named ``names`` into the order the model was trained on."""
        missing = [n for n in self.feature_names if n not in names]
        if missing:
            raise SpecError(field, f"the data lacks feature column(s) {missing[:10]} the model was trained on",
                            f"data with the model's columns: {self.feature_names[:20]}")
        return np.array([names.index(n) for n in self.feature_names], dtype=np.int64)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT_VERSION, "task": self.task, "feature_names": self.feature_names,
                "class_names": self.class_names,
                "inputs": None if self.x_mean is None else {"mean": _listed(self.x_mean), "std": _listed(self.x_std)},
                "target": None if self.y_mean is None else {"mean": _listed(self.y_mean), "std": _listed(self.y_std)},
                "fitted_on": self.fitted_on} | (
                    {} if self.encodings is None else {"columns": [e.to_dict() for e in self.encodings],
                                                       "category_code": CODE_RULE})

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Preprocessing:
        if raw.get("format") != FORMAT_VERSION:
            raise ValueError(f"preprocessing format {raw.get('format')!r} is not {FORMAT_VERSION}")
        inputs, target = raw.get("inputs") or {}, raw.get("target") or {}
        return cls(task=raw["task"], feature_names=list(raw["feature_names"]), class_names=raw.get("class_names"),
                   x_mean=_array(inputs.get("mean")), x_std=_array(inputs.get("std")),
                   y_mean=_array(target.get("mean")), y_std=_array(target.get("std")),
                   fitted_on=dict(raw.get("fitted_on") or {}),
                   encodings=None if raw.get("columns") is None else
                   [ColumnEncoding.from_dict(c) for c in raw["columns"]])


def _columns(y: np.ndarray) -> np.ndarray:
    return np.asarray(y).reshape(len(y), -1).astype(np.float32)
