"""Test-split numbers with uncertainty: bootstrap intervals per metric, and paired comparisons."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ml_expert.tools.evaluate.predict import Answers
from ml_expert.tools.evaluate.schema import Comparison
from ml_expert.tools.stats.bootstrap import Interval, bootstrap_ci, paired_bootstrap_test
from ml_expert.tools.train.metrics import classification_metrics, regression_metrics

ALPHA = 0.05


def metrics_of(task: str, y: np.ndarray, answers: Answers, rows: np.ndarray | None = None,
               num_classes: int | None = None) -> dict[str, float]:
    """Every task metric on ``rows`` (default: all)."""
    rows = np.arange(len(y)) if rows is None else rows
    if task == "classification":
        probabilities = None if answers.probabilities is None else answers.probabilities[rows]
        return classification_metrics(y[rows], answers.predictions[rows], probabilities, num_classes)
    return regression_metrics(y[rows], answers.predictions[rows])


def intervals(task: str, y: np.ndarray, answers: Answers, names: list[str], *, resamples: int,
              confidence: float, seed: int, num_classes: int | None = None) -> dict[str, Interval]:
    """Percentile bootstrap over test rows for each metric in ``names``."""
    found = {}
    for name in names:
        def statistic(rows: np.ndarray, name: str = name) -> float:
            return metrics_of(task, y, answers, rows.astype(np.int64), num_classes).get(name, np.nan)

        found[name] = bootstrap_ci(np.arange(len(y)), statistic, confidence=confidence, n_resamples=resamples,
                                   seed=seed)
    return found


def predictions_metric(task: str, name: str) -> Callable[[np.ndarray, np.ndarray], float]:
    """A (y, predictions) -> value function for a headline metric (none of them needs probabilities)."""
    if task == "classification":
        return lambda y, p: classification_metrics(y, p)[name]
    return lambda y, p: regression_metrics(y, p)[name]


def compare(task: str, metric: str, y: np.ndarray, mine: Answers, other: Answers, against: str, *,
            resamples: int, confidence: float, seed: int) -> Comparison:
    """This run minus ``other`` on the same rows: McNemar for accuracy, else a paired bootstrap."""
    score = predictions_metric(task, metric)
    interval, p_value = paired_bootstrap_test(score, y, other.predictions, mine.predictions, confidence=confidence,
                                              n_resamples=resamples, seed=seed)
    test = "paired_bootstrap"
    if metric == "accuracy":
        test, p_value = "mcnemar", mcnemar_p(y, mine.predictions, other.predictions)
    verdict = "not_significant"
    if p_value < ALPHA and interval.low > 0:
        verdict = "better"
    elif p_value < ALPHA and interval.high < 0:
        verdict = "worse"
    return Comparison(against=against, value=round(score(y, other.predictions), 6), diff=round(interval.estimate, 6),
                      ci_low=round(interval.low, 6), ci_high=round(interval.high, 6), p_value=round(p_value, 6),
                      test=test, verdict=verdict)


def mcnemar_p(y: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    """Exact McNemar test: of the rows where exactly one model is right, is either side more likely?"""
    from scipy.stats import binomtest

    a_only = int(((a == y) & (b != y)).sum())
    b_only = int(((b == y) & (a != y)).sum())
    if a_only + b_only == 0:
        return 1.0
    return float(binomtest(min(a_only, b_only), a_only + b_only, 0.5).pvalue)
