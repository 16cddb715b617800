"""Permutation importance on the validation rows: how much the headline score drops when one input
column's values are shuffled across rows (Breiman 2001; scikit-learn's permutation_importance).

A column the preprocessing turned into several model features (one-hot, a missing-value
indicator) is shuffled as one. The interval is a t-interval over the ``REPEATS`` shuffles: it
says how stable the drop is on these rows, not how it would vary on other data.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from ml_expert.tools.preprocess.features import output_groups
from ml_expert.tools.preprocess.transforms import Preprocessing
from ml_expert.tools.train.metrics import higher_is_better, score

REPEATS = 5
TOP = 5
MAX_COLUMNS = 100  # wider inputs (images) are left out: shuffling single pixels says little
EVAL_CHUNK = 4096


def permutation_importance(model: torch.nn.Module, inputs: torch.Tensor, targets: np.ndarray, task: str,
                           metric: str, preprocessing: Preprocessing, *, seed: int) -> list[dict] | None:
    """The TOP columns by mean drop: {feature, drop, low, high}; None for wide or token inputs."""
    names = preprocessing.feature_names
    if len(names) > MAX_COLUMNS or not inputs.is_floating_point():
        return None
    groups = (output_groups(preprocessing.encodings) if preprocessing.encodings is not None
              else [[j] for j in range(len(names))])
    flat = inputs.reshape(len(inputs), -1)
    base = _score(model, flat, inputs.shape, targets, task, metric, preprocessing)
    sign = 1.0 if higher_is_better(metric) else -1.0
    rng = np.random.default_rng(seed)
    rows = []
    for name, group in zip(names, groups, strict=True):
        drops = []
        for _ in range(REPEATS):
            shuffled = flat.clone()
            order = torch.as_tensor(rng.permutation(len(flat)), device=flat.device)
            shuffled[:, group] = flat[order][:, group]
            drops.append(sign * (base - _score(model, shuffled, inputs.shape, targets, task, metric, preprocessing)))
        rows.append(_row(name, np.array(drops)))
    return sorted(rows, key=lambda r: -r["drop"])[:TOP]


def _row(name: str, drops: np.ndarray) -> dict:
    from scipy.stats import t

    mean = float(drops.mean())
    half = float(t.ppf(0.975, len(drops) - 1) * drops.std(ddof=1) / math.sqrt(len(drops)))
    return {"feature": name, "drop": round(mean, 4), "low": round(mean - half, 4), "high": round(mean + half, 4)}


@torch.no_grad()
def _score(model, flat: torch.Tensor, shape, targets: np.ndarray, task: str, metric: str,
           preprocessing: Preprocessing) -> float:
    was_training = model.training
    model.eval()
    batches = flat.reshape(shape)
    outputs = torch.cat([model(batches[i:i + EVAL_CHUNK]).float() for i in range(0, len(flat), EVAL_CHUNK)])
    model.train(was_training)
    values = outputs.cpu().numpy()
    predictions = values.argmax(axis=1) if task == "classification" else (
        preprocessing.inverse_target(values).reshape(targets.shape))
    return score(task, targets, predictions)[metric]
