"""Are a classifier's confidences honest? Expected calibration error over equal-width confidence bins."""

from __future__ import annotations

import numpy as np

N_BINS = 10


def reliability(y: np.ndarray, probabilities: np.ndarray, n_bins: int = N_BINS) -> dict:
    """ECE (share-weighted |accuracy - confidence| over bins) and the bins themselves, for the plot."""
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == y
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, n_bins - 1)
    bins, ece = [], 0.0
    for k in range(n_bins):
        rows = which == k
        if not rows.any():
            continue
        accuracy, mean_confidence = float(correct[rows].mean()), float(confidence[rows].mean())
        ece += rows.mean() * abs(accuracy - mean_confidence)
        bins.append({"low": float(edges[k]), "high": float(edges[k + 1]), "rows": int(rows.sum()),
                     "accuracy": accuracy, "confidence": mean_confidence})
    return {"ece": float(ece), "bins": bins}
