"""Label-copy features: one column that alone predicts the target almost perfectly.

Classification: a one-feature nearest-neighbour classifier (each row takes the majority label of
the closest value of that feature seen in fitting), scored by balanced accuracy with 2-fold
cross-validation on the training rows. A copied or re-encoded label, discrete or continuous, rare
classes included, scores about 1; an honest feature scores below its own best accuracy, which
only makes the check more careful. Balanced accuracy, so a large class cannot fake a high score;
cross-validation on all training rows, because the validation split is small: on iris's 22
validation rows a depth-2 tree on petal width alone reaches accuracy 0.98 or more on 32% of split
seeds (measured over 200), though it averages 0.955. Regression: the larger of |Pearson| and
|Spearman| correlation with the target on the training rows.

A feature that is a one-to-one relabelling of the classes on the training rows (each of its
values stands for exactly one class and each class for exactly one value: a copy, ``label * 7 + 3``,
pandas' ``label.1`` for a repeated header) fails at any size. The score alone cannot say so on
small data: 1.00 on 21 rows has a 95% lower bound of 0.85, which honest features reach too.
"""

from __future__ import annotations

import numpy as np

from ml_expert.tools.envelope import Verdict

WARN_SCORE = 0.98  # alone predicts the target almost perfectly
# Reproduces the target: a copy or an encoding of it. A class-predicting feature right on 99% of
# rows, balanced, is a noisy copy of the label; a correlation of 0.99 still happens honestly.
FAIL_SCORE = {"classification": 0.99, "regression": 0.999}
MIN_LOWER_BOUND = 0.95  # classification: the 95% lower bound of the score must reach this as well
MIN_ROWS = 10
MAX_ROWS = 5_000  # plenty to see a near-perfect predictor; bounds the audit's time
N_REPORTED = 3


def label_leak(X: np.ndarray, y: np.ndarray, task: str, feature_names: list[str],
               seed: int = 0) -> tuple[np.ndarray, Verdict]:
    """Per-feature scores and the label_leak verdict, measured on training rows ``X``, ``y``."""
    scores = single_feature_scores(X, y, task, seed)
    return scores, leak_verdict(scores, feature_names, task, len(X), label_copies(X, y, task, seed))


def single_feature_scores(X: np.ndarray, y: np.ndarray, task: str, seed: int = 0) -> np.ndarray:
    """How well each feature alone predicts ``y`` (0 = not at all, 1 = perfectly), on training rows."""
    if len(X) < MIN_ROWS:
        return np.zeros(X.shape[1])  # too few rows to tell a leak from luck
    rng = np.random.default_rng(seed)
    if len(X) > MAX_ROWS:
        keep = rng.choice(len(X), MAX_ROWS, replace=False)
        X, y = X[keep], y[keep]
    if task == "regression":
        return _correlation_scores(X, y)
    return _neighbour_scores(X, y, rng)


def label_copies(X: np.ndarray, y: np.ndarray, task: str, seed: int = 0) -> np.ndarray:
    """Per feature: whether it maps one-to-one onto the classes on these rows (classification only).

    Every class needs two rows, so a feature with a value per row cannot pass for a relabelling.
    """
    copies = np.zeros(X.shape[1], dtype=bool)
    if len(X) > MAX_ROWS:  # a copy stays a copy on any subset of rows
        keep = np.random.default_rng(seed).choice(len(X), MAX_ROWS, replace=False)
        X, y = X[keep], y[keep]
    classes, rows_per_class = np.unique(y, return_counts=True)
    if task != "classification" or len(X) < MIN_ROWS or rows_per_class.min() < 2:
        return copies
    ordered = np.sort(X, axis=0)
    n_values = 1 + (np.diff(ordered, axis=0) != 0).sum(axis=0)
    for j in np.flatnonzero(n_values == len(classes)):  # only these can be one-to-one
        _, which = np.unique(X[:, j], return_inverse=True)
        copies[j] = len(np.unique(which * len(classes) + np.searchsorted(classes, y))) == len(classes)
    return copies


def _correlation_scores(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    from scipy.stats import rankdata

    def abs_corr(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = a - a.mean(axis=0), b - b.mean()
        denom = np.sqrt((a ** 2).sum(axis=0) * (b ** 2).sum())
        return np.abs(np.divide(a.T @ b, denom, out=np.zeros(a.shape[1]), where=denom > 0))

    X64, y64 = X.astype(np.float64), y.astype(np.float64)
    return np.maximum(abs_corr(X64, y64), abs_corr(rankdata(X64, axis=0), rankdata(y64)))


def _neighbour_scores(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    first_half = np.zeros(len(X), dtype=bool)
    first_half[rng.permutation(len(X))[: len(X) // 2]] = True
    predicted = np.empty(X.shape, dtype=y.dtype)
    for fit in (first_half, ~first_half):
        for j in range(X.shape[1]):
            predicted[~fit, j] = _nearest_label(X[fit, j], y[fit], X[~fit, j])
    return _balanced_accuracy(y, predicted)


def _nearest_label(x_fit: np.ndarray, y_fit: np.ndarray, x_new: np.ndarray) -> np.ndarray:
    """The majority label of the nearest value seen in fitting (one-feature nearest neighbour).

    Rows sharing a value vote, so a feature that is the label for most rows still scores high.
    """
    values, which = np.unique(x_fit, return_inverse=True)
    n_classes = int(y_fit.max()) + 1
    votes = np.bincount(which * n_classes + y_fit, minlength=len(values) * n_classes)
    majority = votes.reshape(len(values), n_classes).argmax(axis=1)
    if len(values) == 1:
        return np.full(len(x_new), majority[0])
    right = np.clip(np.searchsorted(values, x_new), 1, len(values) - 1)
    left = right - 1
    nearer_left = np.abs(x_new - values[left]) <= np.abs(values[right] - x_new)
    return majority[np.where(nearer_left, left, right)]


def _balanced_accuracy(y: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Per column of ``predicted``: the mean over the classes present in ``y`` of the share predicted right."""
    order = np.argsort(y, kind="stable")
    hits = (predicted[order] == y[order, None]).astype(np.int32)
    starts = np.flatnonzero(np.r_[True, np.diff(y[order]) != 0])  # first row of each class
    per_class = np.add.reduceat(hits, starts, axis=0) / np.diff(np.r_[starts, len(y)])[:, None]
    return per_class.mean(axis=0)


def wilson_lower(score: np.ndarray, n: int, z: float = 1.96) -> np.ndarray:
    """Lower end of the 95% Wilson interval of a proportion measured on ``n`` rows."""
    centre = (score + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(score * (1 - score) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half


def leak_verdict(scores: np.ndarray, feature_names: list[str], task: str, n_rows: int,
                 copies: np.ndarray | None = None) -> Verdict:
    """``n_rows``: training rows the scores were measured on; ``copies``: :func:`label_copies`.

    Classification needs the score's 95% lower bound at MIN_LOWER_BOUND too: on iris's 106 training
    rows petal width alone scores 0.98 on some split seeds by luck (0.95 on average), and one or
    two rows either way must not decide a leak. A one-to-one copy of the classes fails whatever
    the bound.
    """
    copies = np.zeros(len(scores), dtype=bool) if copies is None else copies
    scores = np.where(copies, 1.0, scores)  # it reproduces every training label
    order = np.argsort(-scores, kind="stable")[:N_REPORTED]
    best = int(order[0])
    metric = "balanced accuracy" if task == "classification" else "|correlation|"
    lower = wilson_lower(scores, min(n_rows, MAX_ROWS)) if task == "classification" else scores
    evidence = {"metric": metric, "best_feature": feature_names[best], "best_score": round(float(scores[best]), 4),
                "best_score_lower_95": round(float(lower[best]), 4), "rows": n_rows}
    evidence.update({f"score_{feature_names[j]}": round(float(scores[j]), 4) for j in order[1:]})
    if copies.any():
        evidence["copies_of_target"] = ", ".join(feature_names[j] for j in np.flatnonzero(copies)[:N_REPORTED])
    suspect = np.flatnonzero(((scores >= WARN_SCORE) & (lower >= MIN_LOWER_BOUND)) | copies)
    if len(suspect) == 0:
        return Verdict(check="label_leak", status="pass", evidence=evidence,
                       message=f"No single feature predicts the target alone: the best, {feature_names[best]!r}, "
                               f"reaches {metric} {scores[best]:.2f} on {n_rows} training rows.")
    leaking = [feature_names[j] for j in suspect[np.argsort(-scores[suspect], kind="stable")]]
    evidence["n_suspect_features"] = len(leaking)
    copy = scores[best] >= FAIL_SCORE[task]
    how = " (each of its values stands for one class)" if copies[best] else " (it reproduces the target)"
    return Verdict(
        check="label_leak", status="fail" if copy else "warn", evidence=evidence,
        message=f"Feature {feature_names[best]!r} alone predicts the target with {metric} {scores[best]:.3f} on the "
                f"training rows{how if copy else ''}; suspect: {leaking[:5]}.",
        fix=f"Drop {leaking[:5]} unless each is truly known before the target at prediction time (an ID, a "
            "post-outcome field or an encoded label leaks it); then retrain and compare validation scores.")
