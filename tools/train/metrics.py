"""Task metrics, in one place for every tool that scores a model (train, tune, evaluate, export).

Classification: accuracy, balanced_accuracy (mean recall over the classes present), macro_f1,
log_loss (from probabilities) and, for two classes, roc_auc. Regression: rmse, mae, r2, in the
data's units (regression predictions are read back through the run's preprocessing first). A
metric that is undefined for the rows given (log_loss without probabilities, roc_auc with one
class) is left out rather than reported as NaN.
"""

from __future__ import annotations

import numpy as np

LOWER_IS_BETTER = frozenset({"loss", "log_loss", "rmse", "mae"})
PROBABILITY_FLOOR = 1e-15  # log_loss of a confident wrong answer is large, not infinite


def higher_is_better(name: str) -> bool:
    return name not in LOWER_IS_BETTER


def metric_name(task: str) -> str:
    """The headline metric of a task when the classes are balanced: accuracy or r2 (higher is better)."""
    return "accuracy" if task == "classification" else "r2"


def headline_metric(task: str, imbalanced: bool) -> str:
    """The metric verdicts use: balanced_accuracy when the data audit found class imbalance."""
    if task == "classification" and imbalanced:
        return "balanced_accuracy"
    return metric_name(task)


def score(task: str, targets: np.ndarray, predictions: np.ndarray) -> dict[str, float]:
    """The cheap per-epoch pair: accuracy and balanced_accuracy, or r2 and rmse."""
    if task == "classification":
        hits = predictions == targets
        per_class = [hits[targets == c].mean() for c in np.unique(targets)]
        return {"accuracy": float(hits.mean()), "balanced_accuracy": float(np.mean(per_class))}
    metrics = regression_metrics(targets, predictions)
    return {"r2": metrics["r2"], "rmse": metrics["rmse"]}


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)


def per_class(targets: np.ndarray, predictions: np.ndarray, num_classes: int) -> dict[str, np.ndarray]:
    """precision, recall, f1 and support for every class index 0..num_classes-1 (0 where undefined)."""
    confusion = confusion_matrix(targets, predictions, num_classes)
    tp = np.diag(confusion).astype(np.float64)
    predicted, actual = confusion.sum(axis=0), confusion.sum(axis=1)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(tp), where=total > 0)
    return {"precision": precision, "recall": recall, "f1": f1, "support": actual}


def confusion_matrix(targets: np.ndarray, predictions: np.ndarray, num_classes: int) -> np.ndarray:
    """Rows: true class; columns: predicted class."""
    flat = np.asarray(targets, dtype=np.int64) * num_classes + np.asarray(predictions, dtype=np.int64)
    return np.bincount(flat, minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def classification_metrics(targets: np.ndarray, predictions: np.ndarray, probabilities: np.ndarray | None = None,
                           num_classes: int | None = None) -> dict[str, float]:
    targets, predictions = np.asarray(targets, dtype=np.int64), np.asarray(predictions, dtype=np.int64)
    if num_classes is None:
        num_classes = int(max(targets.max(), predictions.max())) + 1 if probabilities is None else probabilities.shape[1]
    report = per_class(targets, predictions, num_classes)
    seen = (report["support"] > 0) | (np.bincount(predictions, minlength=num_classes) > 0)
    metrics = {"accuracy": float((targets == predictions).mean()),
               "balanced_accuracy": float(report["recall"][report["support"] > 0].mean()),
               "macro_f1": float(report["f1"][seen].mean())}
    if probabilities is not None:
        picked = probabilities[np.arange(len(targets)), targets]
        metrics["log_loss"] = float(-np.log(np.clip(picked, PROBABILITY_FLOOR, None)).mean())
        if num_classes == 2 and len(np.unique(targets)) == 2:
            metrics["roc_auc"] = roc_auc(targets, probabilities[:, 1])
    return metrics


def roc_auc(targets: np.ndarray, positive_scores: np.ndarray) -> float:
    """Probability that a positive row outranks a negative one (Mann-Whitney U; ties count half)."""
    from scipy.stats import rankdata

    ranks = rankdata(positive_scores)
    positives = targets == 1
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    return float((ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def regression_metrics(targets: np.ndarray, predictions: np.ndarray) -> dict[str, float]:
    targets = np.asarray(targets, dtype=np.float64)
    predictions = np.asarray(predictions, dtype=np.float64).reshape(targets.shape)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged model predicts inf; its scores are nan
        error = targets - predictions
        residual = (error ** 2).sum()
        spread = ((targets - targets.mean(axis=0)) ** 2).sum()
        return {"rmse": float(np.sqrt(residual / targets.size)), "mae": float(np.abs(error).mean()),
                "r2": float(1.0 - residual / spread) if spread > 0 else 0.0}


def task_metrics(task: str, targets: np.ndarray, predictions: np.ndarray, outputs: np.ndarray | None = None,
                 ) -> dict[str, float]:
    """Every metric of the task; ``outputs`` are a classifier's logits (for log_loss and roc_auc)."""
    if task == "classification":
        probabilities = None if outputs is None else softmax(np.asarray(outputs, dtype=np.float64))
        return classification_metrics(targets, predictions, probabilities)
    return regression_metrics(targets, predictions)
