"""Generated datasets whose faults are set by knobs: class imbalance, label noise, shift."""

from __future__ import annotations

import math

import numpy as np

from ml_expert.tools.data.spec import SyntheticSource
from ml_expert.tools.data.table import Table
from ml_expert.tools.errors import SpecError
from ml_expert.tools.memory import TABLE_BYTES_PER_CELL, refuse_unless_it_fits


def generate(source: SyntheticSource, field: str = "data.source") -> Table:
    """Rows from make_classification / make_regression, then seeded label noise."""
    refuse_unless_it_fits(f"{field}.n_samples", source.n_samples * source.n_features * TABLE_BYTES_PER_CELL,
                          f"{source.n_samples:,} rows x {source.n_features:,} features",
                          "fewer n_samples or n_features")
    rng = np.random.default_rng(source.seed)
    n_informative = source.n_informative or max(1, source.n_features // 2)
    if source.task == "regression":
        if source.imbalance_ratio != 1.0:
            raise SpecError(f"{field}.imbalance_ratio", "class imbalance applies to classification only",
                            "1.0 with task='regression', or task='classification'")
        X, y = _regression(source, n_informative)
        y = _replace_values(y, source.label_noise, rng)
        names = None
    else:
        X, y = _classification(source, n_informative, field)
        y = _replace_labels(y, source.n_classes, source.label_noise, rng)
        names = [f"class_{k}" for k in range(source.n_classes)]
    features = [f"x{j}" for j in range(source.n_features)]
    return Table.build(X, y, source.task, features, names, source.model_dump(mode="json"))


def class_weights(n_classes: int, imbalance_ratio: float) -> list[float]:
    """Geometric weights from 1 down to 1/ratio: the largest class has ``ratio`` times the smallest's rows."""
    raw = [imbalance_ratio ** (-k / (n_classes - 1)) for k in range(n_classes)]
    return [w / sum(raw) for w in raw]


def _classification(source: SyntheticSource, n_informative: int, field: str):
    from sklearn.datasets import make_classification

    needed = math.ceil(math.log2(source.n_classes))
    if n_informative < needed:
        if source.n_informative is not None or needed > source.n_features:
            raise SpecError(f"{field}.n_informative",
                            f"{source.n_classes} classes need at least {needed} informative features; got "
                            f"{n_informative} (of {source.n_features} features)",
                            f"n_informative >= {needed}, with n_features >= {needed}")
        n_informative = needed
    # Two clusters per class when the informative dimensions have room for them, else one.
    clusters = 2 if source.n_classes * 2 <= 2 ** n_informative else 1
    return make_classification(
        n_samples=source.n_samples, n_features=source.n_features, n_informative=n_informative,
        n_redundant=0, n_repeated=0, n_classes=source.n_classes, n_clusters_per_class=clusters,
        weights=class_weights(source.n_classes, source.imbalance_ratio), flip_y=0.0,
        random_state=source.seed)


def _regression(source: SyntheticSource, n_informative: int):
    from sklearn.datasets import make_regression

    return make_regression(n_samples=source.n_samples, n_features=source.n_features,
                           n_informative=n_informative, noise=0.0, random_state=source.seed)


def _noisy_rows(n: int, fraction: float, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(n, size=round(n * fraction), replace=False)


def _replace_labels(y: np.ndarray, n_classes: int, fraction: float, rng: np.random.Generator) -> np.ndarray:
    # Every replaced label moves to a different class, so the measured noise equals the knob.
    rows = _noisy_rows(len(y), fraction, rng)
    y = y.copy()
    y[rows] = (y[rows] + rng.integers(1, n_classes, size=len(rows))) % n_classes
    return y


def _replace_values(y: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    # Replaced targets are drawn from the target's own distribution: plausible values, no signal.
    rows = _noisy_rows(len(y), fraction, rng)
    y = y.copy()
    y[rows] = rng.choice(y, size=len(rows))
    return y


def shift_offset(train_X: np.ndarray, shift: float) -> np.ndarray:
    """The per-feature offset that moves later rows by ``shift`` training standard deviations."""
    return (shift * train_X.std(axis=0)).astype(np.float32)
