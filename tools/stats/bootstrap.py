"""Percentile bootstrap intervals, over rows (one model) or over paired rows (two models)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Metric = Callable[[np.ndarray, np.ndarray], float]  # (y_true, y_pred) -> score


@dataclass(frozen=True)
class Interval:
    estimate: float
    low: float
    high: float
    confidence: float

    def excludes(self, value: float) -> bool:
        return not (self.low <= value <= self.high)


def bootstrap_ci(values, statistic: Callable[[np.ndarray], float] = np.mean, *, confidence: float = 0.95,
                 n_resamples: int = 2000, seed: int = 0) -> Interval:
    """Interval of ``statistic`` over resamples of ``values`` (e.g. per-row correctness)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        raise ValueError("bootstrap_ci needs at least one value")
    rng = np.random.default_rng(seed)
    resamples = rng.integers(0, values.size, size=(n_resamples, values.size))
    stats = np.array([statistic(values[rows]) for rows in resamples])
    return _interval(float(statistic(values)), stats, confidence)


def paired_bootstrap_diff(metric: Metric, y_true, pred_a, pred_b, *, confidence: float = 0.95,
                          n_resamples: int = 2000, seed: int = 0) -> Interval:
    """Interval of ``metric(b) - metric(a)`` when both models predict the same rows.

    Resampling the rows once for both models keeps the pairing, so the interval reflects the
    difference between the models and not the difficulty of the particular rows drawn.
    """
    return paired_bootstrap_test(metric, y_true, pred_a, pred_b, confidence=confidence, n_resamples=n_resamples,
                                 seed=seed)[0]


def paired_bootstrap_test(metric: Metric, y_true, pred_a, pred_b, *, confidence: float = 0.95,
                          n_resamples: int = 2000, seed: int = 0) -> tuple[Interval, float]:
    """:func:`paired_bootstrap_diff` and a two-sided p-value for "no difference": twice the share of
    resampled differences on the far side of zero (1 when the models never disagree)."""
    y_true, pred_a, pred_b = (np.asarray(v) for v in (y_true, pred_a, pred_b))
    if not len(y_true) == len(pred_a) == len(pred_b):
        raise ValueError(f"paired rows differ in length: {len(y_true)}, {len(pred_a)}, {len(pred_b)}")
    rng = np.random.default_rng(seed)
    resamples = rng.integers(0, len(y_true), size=(n_resamples, len(y_true)))
    diffs = np.array([metric(y_true[r], pred_b[r]) - metric(y_true[r], pred_a[r]) for r in resamples])
    p_value = min(1.0, 2 * min(float(np.mean(diffs <= 0)), float(np.mean(diffs >= 0))))
    return _interval(metric(y_true, pred_b) - metric(y_true, pred_a), diffs, confidence), p_value


def _interval(estimate: float, stats: np.ndarray, confidence: float) -> Interval:
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(stats, [tail, 100 - tail])
    return Interval(float(estimate), float(low), float(high), confidence)
