"""Prove the top fix: apply its patch, re-run on the same budget and seed, compare before and after.

The comparison is on the validation rows: the symptom's rule is run on the new trace, and the
change of the validation metric gets a 95% paired bootstrap interval (rows resampled once for
both runs). Where the fix changes the validation rows (deduplication) the runs are not paired
and each is resampled on its own.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ml_expert.tools.data.prepare import PreparedData
from ml_expert.tools.diagnose.experiment.run import ProbedRun, probed_run
from ml_expert.tools.diagnose.fixes import plan_fix
from ml_expert.tools.diagnose.registry import diagnose
from ml_expert.tools.diagnose.schema import Diagnosis, Proof, ProofRun
from ml_expert.tools.job import JobContext
from ml_expert.tools.stats import bootstrap_ci, paired_bootstrap_diff
from ml_expert.tools.train.spec import ExperimentSpec

INFLATED = ("train_val_overlap", "label_leak_feature")  # before, the score was inflated: it may fall
RESAMPLES = 1000


def _accuracy(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean(y == p))


def _balanced_accuracy(y: np.ndarray, p: np.ndarray) -> float:
    return float(np.mean([np.mean(p[y == c] == c) for c in np.unique(y)]))


def _r2(y: np.ndarray, p: np.ndarray) -> float:
    spread = float(((y - y.mean(axis=0)) ** 2).sum())
    return 1.0 - float(((y - p) ** 2).sum()) / spread if spread > 0 else 0.0


METRICS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "accuracy": _accuracy, "balanced_accuracy": _balanced_accuracy, "r2": _r2}


def prove_fix(top: Diagnosis, before: ProbedRun, experiment: ExperimentSpec, prepared: PreparedData,
              job: JobContext, *, max_steps: int, seed: int) -> tuple[Proof | None, str | None, ProbedRun | None]:
    """(proof, None, after-run), or (None, why it was skipped, None)."""
    patch = {k: v for k, v in top.patch.items() if v is not None}
    if not patch:
        return None, f"{top.label} has no automatic fix to re-run: {top.fix}", None
    plan = plan_fix(patch, experiment)
    if plan.not_applicable:
        return None, plan.not_applicable, None
    after = probed_run(experiment, prepared, job, max_steps=max_steps, seed=seed, fix=plan)
    metric = "balanced_accuracy" if top.label == "class_imbalance_hidden" else before.fit.metric_name
    score = METRICS[metric]
    b, a = before.fit, after.fit
    paired = len(b.val_targets) == len(a.val_targets) and np.array_equal(b.val_targets, a.val_targets)
    if paired:
        interval = paired_bootstrap_diff(score, b.val_targets, b.val_predictions, a.val_predictions,
                                         n_resamples=RESAMPLES, seed=seed)
        low, high, change = interval.low, interval.high, interval.estimate
    else:
        low, high, change = unpaired_interval(score, (b.val_targets, b.val_predictions),
                                               (a.val_targets, a.val_predictions), seed)
    symptom_after = any(d.label == top.label for d in diagnose(after.trace))
    fixed = not symptom_after and (high >= 0 or top.label in INFLATED)
    proof = Proof(
        label=top.label, applied=patch, metric=metric,
        before=_run(before, score, top.label, True), after=_run(after, score, top.label, symptom_after),
        change=round(change, 4), change_ci=[round(low, 4), round(high, 4)], fixed=fixed, improved=low > 0,
        note=proof_note(top.label, fixed, symptom_after, low, paired))
    return proof, None, after


def _run(run: ProbedRun, score, label: str, symptom: bool) -> ProofRun:
    fit = run.fit
    train = fit.history[-1]["train_metric"] if fit.history else None
    return ProofRun(val_metric=round(score(fit.val_targets, fit.val_predictions), 4),
                    val_loss=round(fit.val_loss, 4) if np.isfinite(fit.val_loss) else None,
                    train_metric=round(train, 4) if train is not None and np.isfinite(train) else None,
                    symptom_present=symptom, stopped_reason=fit.stopped_reason)


def unpaired_interval(score, before, after, seed: int) -> tuple[float, float, float]:
    low_high = []
    for (y, p), offset in ((before, 0), (after, 1)):
        rows = np.arange(len(y))
        low_high.append(bootstrap_ci(rows, lambda r, y=y, p=p: score(y[r.astype(int)], p[r.astype(int)]),
                                     n_resamples=RESAMPLES, seed=seed + offset))
    b, a = low_high
    change = a.estimate - b.estimate
    half = float(np.hypot((b.high - b.low) / 2, (a.high - a.low) / 2))
    return change - half, change + half, change


def proof_note(label: str, fixed: bool, symptom_after: bool, low: float, paired: bool) -> str:
    if label in INFLATED and not symptom_after:
        return "Symptom gone; the validation score before the fix was inflated, so a drop is the honest number."
    rows = "" if paired else " (unpaired rows)"
    if fixed and low > 0:
        return f"Symptom gone and the validation metric improved: the whole 95% interval lies above 0{rows}."
    if fixed:
        return f"Symptom gone; the validation metric is not significantly different{rows}."
    if symptom_after:
        return "The symptom is still present after this fix: look at the next diagnoses."
    return f"Symptom gone, but the validation metric got significantly worse (interval low end {low:.3f})."
