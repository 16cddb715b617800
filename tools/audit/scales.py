"""Feature scales: standard deviations that differ by orders of magnitude.

Unscaled, the large features dominate gradient steps, distances and L2 penalties. This project's
trainers standardise inputs with training statistics themselves, so the verdict is for the
user's own pipelines (scikit-learn estimators, exported data, hand-written training code).
Categorical columns hold category codes, not quantities, so their spread says nothing about scale
and they are left out; missing values are left out of each column's std.
"""

from __future__ import annotations

import numpy as np

from ml_expert.tools.envelope import Verdict

WARN_RATIO = 100.0  # two orders of magnitude between the widest and the narrowest feature
CONSTANT_STD = 1e-12  # a constant column has no scale to compare


def scale_verdict(X: np.ndarray, feature_names: list[str], *, shaped: bool = False,
                  categorical: frozenset[str] | set[str] = frozenset()) -> Verdict:
    """``X``: training rows only (their statistics are the ones a scaler may use). ``shaped``: rows are
    images or sequences, whose values share one unit (a near-constant border pixel is no mismatch).
    ``categorical``: the names of columns holding category codes (``Table.categories``)."""
    if shaped:
        return Verdict(check="feature_scale", status="pass", evidence={"shaped_inputs": True},
                       message="Inputs are images or sequences whose values share one unit; no scales to compare.")
    numeric = np.array([name not in categorical for name in feature_names], dtype=bool)
    present = X.astype(np.float64)
    std = np.zeros(X.shape[1])
    observed = numeric & ~np.isnan(present).all(axis=0)
    std[observed] = np.nanstd(present[:, observed], axis=0)
    varying = np.flatnonzero(std > CONSTANT_STD)
    if len(varying) < 2:
        return Verdict(check="feature_scale", status="pass",
                       evidence={"varying_features": int(len(varying)), "categorical_features": int((~numeric).sum())},
                       message="Fewer than two numeric features vary, so there are no scales to compare.")
    widest = int(varying[np.argmax(std[varying])])
    narrowest = int(varying[np.argmin(std[varying])])
    ratio = float(std[widest] / std[narrowest])
    evidence = {"ratio": float(f"{ratio:.3g}"), "widest_feature": feature_names[widest],
                "widest_std": float(f"{std[widest]:.3g}"), "narrowest_feature": feature_names[narrowest],
                "narrowest_std": float(f"{std[narrowest]:.3g}"), "warn_ratio": WARN_RATIO,
                "constant_features": int(numeric.sum() - len(varying)),
                "categorical_features": int((~numeric).sum())}
    described = (f"{feature_names[widest]!r} has std {std[widest]:.3g} and {feature_names[narrowest]!r} "
                 f"std {std[narrowest]:.3g} on the training rows ({ratio:.3g}x)")
    if ratio < WARN_RATIO:
        return Verdict(check="feature_scale", status="pass", evidence=evidence,
                       message=f"Feature scales are comparable: {described}.")
    return Verdict(check="feature_scale", status="warn", evidence=evidence,
                   message=f"Feature scales differ by orders of magnitude: {described}; unscaled, the wide "
                           "features dominate gradient steps, distances and weight penalties.",
                   fix="Standardise every feature with the training rows' mean and std (e.g. sklearn's "
                       "StandardScaler fitted on train only) and apply the same statistics to validation, test "
                       "and serving inputs; this project's trainers do this already (training.normalize_inputs, on by "
                       "default).")
