"""The shared task metrics agree with scikit-learn's and leave out what is undefined."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as sk

from ml_expert.tools.train.metrics import (
    classification_metrics,
    headline_metric,
    higher_is_better,
    per_class,
    regression_metrics,
    softmax,
    task_metrics,
)


def test_classification_metrics_match_sklearn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 300)
    logits = rng.normal(size=(300, 3)) + 2.0 * np.eye(3)[y]
    predictions = logits.argmax(1)
    got = task_metrics("classification", y, predictions, logits)
    probabilities = softmax(logits)
    assert got["accuracy"] == pytest.approx(sk.accuracy_score(y, predictions))
    assert got["balanced_accuracy"] == pytest.approx(sk.balanced_accuracy_score(y, predictions))
    assert got["macro_f1"] == pytest.approx(sk.f1_score(y, predictions, average="macro"))
    assert got["log_loss"] == pytest.approx(sk.log_loss(y, probabilities))
    assert "roc_auc" not in got  # three classes
    report = per_class(y, predictions, 3)
    assert np.allclose(report["precision"], sk.precision_score(y, predictions, average=None))
    assert np.allclose(report["recall"], sk.recall_score(y, predictions, average=None))


def test_binary_roc_auc_matches_sklearn_and_is_left_out_for_one_class():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 200)
    logits = np.stack([np.zeros(200), rng.normal(size=200) + y], axis=1)
    got = task_metrics("classification", y, logits.argmax(1), logits)
    assert got["roc_auc"] == pytest.approx(sk.roc_auc_score(y, softmax(logits)[:, 1]))
    one_class = classification_metrics(np.ones(5, int), np.ones(5, int), np.full((5, 2), 0.5))
    assert "roc_auc" not in one_class and one_class["accuracy"] == 1.0
    assert "log_loss" not in classification_metrics(y, y)


def test_regression_metrics_match_sklearn():
    rng = np.random.default_rng(2)
    y = rng.normal(100, 20, 150)
    predictions = y + rng.normal(0, 5, 150)
    got = regression_metrics(y, predictions)
    assert got["rmse"] == pytest.approx(np.sqrt(sk.mean_squared_error(y, predictions)))
    assert got["mae"] == pytest.approx(sk.mean_absolute_error(y, predictions))
    assert got["r2"] == pytest.approx(sk.r2_score(y, predictions))


def test_imbalance_moves_the_headline_to_balanced_accuracy():
    assert headline_metric("classification", imbalanced=True) == "balanced_accuracy"
    assert headline_metric("classification", imbalanced=False) == "accuracy"
    assert headline_metric("regression", imbalanced=True) == "r2"
    assert higher_is_better("macro_f1") and not higher_is_better("rmse") and not higher_is_better("log_loss")
