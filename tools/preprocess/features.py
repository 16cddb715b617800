"""Per-column encodings in front of the standardisation, fitted on the training rows only.

- A categorical column (codes from ``tools/data/columns``) is one-hot encoded when training saw at
  most ``MAX_ONE_HOT`` values, else ordinal (its value's rank among the training values, sorted);
  a value training never saw is all zeros (one-hot) or -1 (ordinal).
- A column with missing values in training is imputed with the training median (categorical: the
  most frequent value) and gets a 0/1 indicator column ``name:missing``; any column is imputed the
  same way when a later row lacks a value.
- With ``log_skewed``, a numeric column whose training values are non-negative, take more than
  ``MIN_LOG_DISTINCT`` values and have skewness above ``SKEW_THRESHOLD`` goes through log1p
  (negative later values are clipped to 0 first).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_ONE_HOT = 16
SKEW_THRESHOLD = 2.0
MIN_LOG_DISTINCT = 10
CODE_RULE = ("a category value's code is zlib.crc32(value.encode('utf-8')) & 0xFFFFFF, as a float "
             "(exact in float32); a missing value is NaN")


@dataclass(frozen=True)
class ColumnEncoding:
    """How one input column becomes one or more model features."""

    name: str
    kind: str  # "number", "onehot" or "ordinal"
    fill: float  # replaces a missing value (in the column's own units or codes)
    indicator: bool = False
    log: bool = False
    categories: tuple[str, ...] = ()  # onehot/ordinal: the training values, sorted

    @property
    def outputs(self) -> list[str]:
        if self.kind == "onehot":
            names = [f"{self.name}={label}" for label in self.categories]
        else:
            names = [f"log1p({self.name})" if self.log else self.name]
        return names + ([f"{self.name}:missing"] if self.indicator else [])

    def apply(self, values: np.ndarray) -> np.ndarray:
        missing = np.isnan(values)
        values = np.where(missing, self.fill, values)
        if self.kind == "onehot":
            columns = (values[:, None] == category_codes(self.categories)[None, :]).astype(np.float32)
        elif self.kind == "ordinal":
            codes = category_codes(self.categories)
            order = np.argsort(codes)
            at = np.clip(np.searchsorted(codes[order], values), 0, len(codes) - 1)
            found = codes[order][at] == values
            columns = np.where(found, order[at], -1).astype(np.float32)[:, None]
        else:
            columns = (np.log1p(np.maximum(values, 0.0)) if self.log else values).astype(np.float32)[:, None]
        if self.indicator:
            columns = np.concatenate([columns, missing.astype(np.float32)[:, None]], axis=1)
        return columns

    def to_dict(self) -> dict[str, Any]:
        raw = {"name": self.name, "kind": self.kind, "fill": self.fill, "indicator": self.indicator, "log": self.log}
        if not self.categories:
            return raw
        return raw | {"categories": list(self.categories), "codes": category_codes(self.categories).tolist()}

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ColumnEncoding:
        return cls(name=raw["name"], kind=raw["kind"], fill=float(raw["fill"]), indicator=bool(raw["indicator"]),
                   log=bool(raw["log"]), categories=tuple(raw.get("categories") or ()))


def category_codes(labels: tuple[str, ...]) -> np.ndarray:
    """The codes the data layer reads category values as (``CODE_RULE``), float64."""
    from ml_expert.tools.data.columns import category_code

    return np.array([category_code(label) for label in labels], dtype=np.float64)


def fit_encodings(X: np.ndarray, names: list[str], categories: dict[str, list[str]], *,
                  log_skewed: bool) -> list[ColumnEncoding] | None:
    """One encoding per column of the TRAINING rows ``X``; None when every column passes as it is."""
    encodings = [_fit_column(np.asarray(X[:, j], dtype=np.float64), name, categories.get(name), log_skewed)
                 for j, name in enumerate(names)]
    if all(e.kind == "number" and not e.indicator and not e.log for e in encodings) and not np.isnan(X).any():
        return None
    return encodings


def _fit_column(values: np.ndarray, name: str, labels: list[str] | None, log_skewed: bool) -> ColumnEncoding:
    missing = np.isnan(values)
    present = values[~missing]
    if labels is not None:
        by_code = {code: label for code, label in zip(category_codes(tuple(labels)), labels, strict=True)}
        codes, counts = np.unique(present, return_counts=True)
        seen = tuple(sorted(by_code[c] for c in codes if c in by_code))  # rows of another file may add codes
        fill = float(codes[np.argmax(counts)]) if len(codes) else -1.0
        kind = "onehot" if len(seen) <= MAX_ONE_HOT else "ordinal"
        return ColumnEncoding(name, kind, fill, indicator=bool(missing.any()), categories=seen)
    fill = float(np.median(present)) if len(present) else 0.0
    return ColumnEncoding(name, "number", fill, indicator=bool(missing.any()),
                          log=log_skewed and _skewed_positive(present))


def _skewed_positive(values: np.ndarray) -> bool:
    if len(values) < 3 or values.min() < 0 or len(np.unique(values)) <= MIN_LOG_DISTINCT:
        return False
    centred = values - values.mean()
    spread = centred.std()
    return bool(spread > 0 and (centred ** 3).mean() / spread ** 3 > SKEW_THRESHOLD)


def encode(encodings: list[ColumnEncoding], X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    return np.concatenate([e.apply(X[:, j]) for j, e in enumerate(encodings)], axis=1)


def output_groups(encodings: list[ColumnEncoding]) -> list[list[int]]:
    """For each input column, the model features it becomes (for permutation importance)."""
    groups, start = [], 0
    for e in encodings:
        groups.append(list(range(start, start + len(e.outputs))))
        start += len(e.outputs)
    return groups


def describe(encodings: list[ColumnEncoding]) -> list[str]:
    """What the encodings do beyond passing a column through, e.g. ["one-hot 'city'", "log1p 'price'"]."""
    steps = []
    for e in encodings:
        if e.kind != "number":
            steps.append(f"{e.kind.replace('onehot', 'one-hot')} {e.name!r}")
        if e.indicator:
            steps.append(f"impute {e.name!r}")
        if e.log:
            steps.append(f"log1p {e.name!r}")
    return steps or ["impute later missing values"]

