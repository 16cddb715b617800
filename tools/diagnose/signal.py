"""Is there anything to learn? Cross-validated simple models on the training rows, against chance.

Labels shuffled apart from their inputs leave every model at chance; an honest dataset lets a
linear model or nearest neighbours beat it. The same score is a floor the network should reach:
a network far below it underfits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_ROWS = 2000
FOLDS = 3
MAX_VOCABULARY = 2048  # token ids beyond this share columns (hashed by their remainder)


@dataclass(frozen=True)
class Signal:
    """Best cross-validated scores of simple models; higher is better.

    ``score`` (balanced accuracy, or r2) is compared with ``chance`` (1/classes, or 0): balanced
    accuracy keeps a majority class from passing for signal. ``floor`` is the same models'
    plain accuracy (or r2), comparable with the network's metric.
    """

    score: float
    chance: float
    floor: float
    rows: int


def bag_of_tokens(ids: np.ndarray) -> np.ndarray:
    """Rows of token ids as counts per token: the simple model's view of a sequence of ids (an id's value
    means nothing; which ids occur, and how often, does)."""
    ids = np.asarray(ids, dtype=np.int64).reshape(len(ids), -1)
    ids = np.where(ids < 0, 0, ids) % MAX_VOCABULARY
    counts = np.zeros((len(ids), int(ids.max(initial=0)) + 1))
    np.add.at(counts, (np.repeat(np.arange(len(ids)), ids.shape[1]), ids.reshape(-1)), 1.0)
    return counts


def signal_score(X: np.ndarray, y: np.ndarray, task: str, seed: int = 0, tokens: bool = False) -> Signal | None:
    """``tokens``: X holds token ids (an embedding model's input), scored as a bag of tokens."""
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.model_selection import KFold, StratifiedKFold, cross_validate
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = bag_of_tokens(X) if tokens else np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    y = np.asarray(y)
    finite = np.isfinite(X).all(axis=1)
    X, y = X[finite], y[finite]
    if len(X) > MAX_ROWS:
        keep = np.random.default_rng(seed).choice(len(X), MAX_ROWS, replace=False)
        X, y = X[keep], y[keep]
    if task == "classification":
        counts = np.bincount(y.astype(np.int64))
        if len(X) < 30 or (counts[counts > 0] < FOLDS).any() or (counts > 0).sum() < 2:
            return None
        chance = 1.0 / int((counts > 0).sum())
        folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
        models = [LogisticRegression(max_iter=300), KNeighborsClassifier(5)]
    else:
        if len(X) < 30:
            return None
        chance = 0.0
        folds = KFold(FOLDS, shuffle=True, random_state=seed)
        models = [Ridge(1.0), KNeighborsRegressor(5)]
        y = y.reshape(len(y), -1)[:, 0]
    scoring = ("balanced_accuracy", "accuracy") if task == "classification" else ("r2", "r2")
    runs = [cross_validate(make_pipeline(StandardScaler(), m), X, y, cv=folds, scoring=list(set(scoring)))
            for m in models]
    score = max(float(np.mean(r[f"test_{scoring[0]}"])) for r in runs)
    floor = max(float(np.mean(r[f"test_{scoring[1]}"])) for r in runs)
    return Signal(score, chance, floor, len(X))
