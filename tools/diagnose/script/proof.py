"""Proof by re-run in script mode: apply the top fix through the probes, re-run on the same budget and seed.

Only fixes that are a run-time setting can be applied without editing the script: learning rate,
weight decay, momentum / betas, dropping the scheduler, calling zero_grad, train()/eval() around
forwards, input standardisation. The symptom's rule is run on the new trace; the change of the
validation metric gets a 95% paired bootstrap interval (the same validation rows in both runs).
"""

from __future__ import annotations

import numpy as np

from ml_expert.tools.diagnose.proof import INFLATED, METRICS, RESAMPLES, proof_note, unpaired_interval
from ml_expert.tools.diagnose.registry import MIN_CONFIDENCE, get_rule
from ml_expert.tools.diagnose.schema import Diagnosis, Proof, ProofRun, ScriptMode
from ml_expert.tools.diagnose.script.run import ScriptRun, run_script
from ml_expert.tools.diagnose.trace import Trace
from ml_expert.tools.job import JobContext
from ml_expert.tools.stats import paired_bootstrap_diff

# Patch keys a re-run can apply through the probes, and the probe override each becomes.
SETTINGS = {"training.lr": "lr", "training.weight_decay": "weight_decay", "training.momentum": "momentum",
            "training.beta2": "beta2", "script.no_scheduler": "no_scheduler", "script.zero_grad": "zero_grad",
            "script.modes": "modes", "training.normalize_inputs": "standardise"}
SECONDARY = ("training.schedule", "training.grad_clip")  # parts of a fix a script re-run leaves out


def script_overrides(patch: dict, before: ScriptRun) -> tuple[dict | None, str | None]:
    """(probe overrides, None), or (None, why the fix cannot be applied at run time)."""
    overrides = {}
    for key, value in patch.items():
        if value is None or key in SECONDARY:
            continue
        if key not in SETTINGS:
            return None, f"the fix ({key}) is an edit of your script, not a run-time setting"
        if key == "training.normalize_inputs":
            if "input_mean" not in before.arrays:
                return None, "the run kept no training inputs to standardise with"
            value = [before.arrays["input_mean"].tolist(), before.arrays["input_std"].tolist()]
        overrides[SETTINGS[key]] = value
    if not overrides:
        return None, "the fix has no run-time setting to change"
    return overrides, None


def prove_script_fix(top: Diagnosis, before: ScriptRun, mode: ScriptMode, job: JobContext,
                     seed: int) -> tuple[Proof | None, str | None, Trace | None]:
    """(proof, None, the re-run's trace), or (None, why it was skipped, None)."""
    overrides, skipped = script_overrides(top.patch, before)
    if overrides is None:
        return None, f"{skipped}: {top.fix}", None
    after = run_script(mode, job, seed, overrides, name="script_after_fix")
    rule = get_rule(top.label)
    found = rule.detect(after.trace)
    symptom_after = found is not None and found.confidence >= MIN_CONFIDENCE
    metric = before.trace.metric_name or "accuracy"
    score = METRICS.get(metric, METRICS["accuracy"])
    y_b, p_b = before.arrays.get("val_targets"), before.arrays.get("val_preds")
    y_a, p_a = after.arrays.get("val_targets"), after.arrays.get("val_preds")
    change = low = high = None
    paired = False
    if y_b is not None and y_a is not None and len(y_b) and len(y_a):
        paired = len(y_b) == len(y_a) and np.array_equal(y_b, y_a)
        if paired:
            interval = paired_bootstrap_diff(score, y_b, p_b, p_a, n_resamples=RESAMPLES, seed=seed)
            low, high, change = interval.low, interval.high, interval.estimate
        else:
            low, high, change = unpaired_interval(score, (y_b, p_b), (y_a, p_a), seed)
    not_worse = high is None or high >= 0 or top.label in INFLATED
    fixed = not symptom_after and not_worse and after.trace.crash is None
    proof = Proof(
        label=top.label, metric=metric,
        applied={k: True if k == "training.normalize_inputs" else v for k, v in top.patch.items()
                 if k in SETTINGS and v is not None},
        before=_run(before, y_b, p_b, score, True), after=_run(after, y_a, p_a, score, symptom_after),
        change=None if change is None else round(change, 4),
        change_ci=None if low is None else [round(low, 4), round(high, 4)], fixed=fixed,
        improved=low is not None and low > 0,
        note=proof_note(top.label, fixed, symptom_after, low if low is not None else 0.0, paired)
        + ("" if change is not None else " No validation pass was seen, so only the symptom is compared."))
    return proof, None, after.trace


def _run(run: ScriptRun, y, p, score, symptom: bool) -> ProofRun:
    last = run.trace.epochs[-1] if run.trace.epochs else None
    value = score(y, p) if y is not None and len(y) else (last.val_metric if last else None)
    return ProofRun(val_metric=None if value is None else round(float(value), 4),
                    val_loss=round(last.val_loss, 4) if last and last.val_loss is not None
                    and np.isfinite(last.val_loss) else None,
                    train_metric=round(last.train_metric, 4) if last and last.train_metric is not None
                    and np.isfinite(last.train_metric) else None,
                    symptom_present=symptom, stopped_reason=run.exit)
