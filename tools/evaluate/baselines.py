"""Simple models fitted on the same training rows, so a score says whether a neural net was worth it."""

from __future__ import annotations

import numpy as np

from ml_expert.tools.evaluate.predict import Answers
from ml_expert.tools.preprocess.transforms import Preprocessing


def baseline_answers(task: str, train_X: np.ndarray, train_y: np.ndarray, test_X: np.ndarray,
                     preprocessing: Preprocessing, num_classes: int | None, seed: int) -> dict[str, Answers]:
    """majority (or mean), linear (logistic / ridge on inputs standardised with training statistics)
    and HistGradientBoosting (on raw inputs; single-target regression only). Columns in the run's order."""
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import LogisticRegression, Ridge

    scaler = preprocessing if preprocessing.scales_inputs else Preprocessing.fit(
        train_X, train_y, task=task, feature_names=preprocessing.feature_names, scale_targets=False)
    scaled_train, scaled_test = scaler.transform(train_X), scaler.transform(test_X)
    if task == "classification":
        models = {"majority": (DummyClassifier(strategy="most_frequent"), False),
                  "linear": (LogisticRegression(max_iter=2000), True),
                  "hist_gradient_boosting": (HistGradientBoostingClassifier(random_state=seed), False)}
    else:
        models = {"mean": (DummyRegressor(), False), "linear": (Ridge(alpha=1.0), True)}
        if train_y.ndim == 1:
            models["hist_gradient_boosting"] = (HistGradientBoostingRegressor(random_state=seed), False)
    found = {}
    for name, (model, scaled) in models.items():
        model.fit(scaled_train if scaled else train_X, train_y)
        rows = scaled_test if scaled else test_X
        if task == "classification":
            probabilities = np.zeros((len(rows), num_classes))
            probabilities[:, model.classes_] = model.predict_proba(rows)
            found[name] = Answers(probabilities.argmax(axis=1), probabilities)
        else:
            found[name] = Answers(np.asarray(model.predict(rows)), None)
    return found

