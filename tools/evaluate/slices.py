"""The headline metric on slices of the test rows: quantile bins of named features."""

from __future__ import annotations

import numpy as np

from ml_expert.tools.errors import SpecError


def check_slice_features(feature_names: list[str], wanted: list[str]) -> None:
    unknown = [name for name in wanted if name not in feature_names]
    if unknown:
        raise SpecError("slice_features", f"{unknown[:5]} are not features of the data",
                        f"feature names such as {feature_names[:10]}")


def feature_bins(X: np.ndarray, feature_names: list[str], wanted: list[str], n_bins: int) -> list[tuple[str, str, np.ndarray]]:
    """(feature, bin label, row indices) per non-empty quantile bin; bins of a feature with few
    distinct values merge (equal quantiles are one edge)."""
    found = []
    for name in wanted:
        values = X[:, feature_names.index(name)]
        edges = np.unique(np.quantile(values, np.linspace(0, 1, n_bins + 1)))
        inner = edges[1:-1]
        which = np.digitize(values, inner)
        for k in range(len(inner) + 1):
            rows = np.flatnonzero(which == k)
            if len(rows):
                low, high = edges[k], edges[min(k + 1, len(edges) - 1)]
                closing = "]" if k == len(inner) else ")"
                found.append((name, f"[{low:.4g}, {high:.4g}{closing}", rows))
    return found
