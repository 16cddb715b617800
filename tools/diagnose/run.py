"""diagnose_training: find what is wrong with a training run, prove it, and (experiment mode) prove the fix.

Every mode produces the same Trace; the registered rules read it and rank what they find. In
experiment mode the top fix is applied and the run repeated on the same budget and seed.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from importlib import metadata

import numpy as np

from ml_expert.tools.diagnose.registry import diagnose_all, rules
from ml_expert.tools.diagnose.schema import (
    DiagnoseTrainingResult,
    DiagnoseTrainingSpec,
    Diagnosis,
    ExperimentMode,
    HistoryMode,
    Proof,
    RuleFailure,
    ScriptMode,
)
from ml_expert.tools.diagnose.trace import Trace
from ml_expert.tools.diagnose.verdicts import gap_verdict, script_data_verdicts
from ml_expert.tools.envelope import Curve, Provenance, Verdict
from ml_expert.tools.job import JobContext

CURVE_POINTS = 100  # per curve in the response; the trace artifact has every point
PACKAGES = ("torch", "numpy", "scikit-learn")


@dataclass
class Outcome:
    trace: Trace
    diagnoses: list[Diagnosis]
    seconds_to_diagnosis: float
    verdicts: list[Verdict] = field(default_factory=list)
    proof: Proof | None = None
    proof_skipped: str | None = None
    after: Trace | None = None
    failures: list[RuleFailure] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)  # mode-specific result fields


def diagnose_training(spec: DiagnoseTrainingSpec, job: JobContext) -> DiagnoseTrainingResult:
    started = time.perf_counter()
    mode = spec.mode
    if isinstance(mode, ExperimentMode):
        outcome = _experiment(mode, spec.seed, job, started)
    elif isinstance(mode, ScriptMode):
        outcome = _script(mode, spec.seed, job, started)
    else:
        outcome = _history(mode, job, started)
    job.progress(2, 3, "writing curves and plots")
    trace = outcome.trace
    _write_artifacts(outcome, job, mode.kind)
    # Unknown, not healthy, when a rule failed and nothing was found; a crash always carries a finding.
    healthy = False if outcome.diagnoses or trace.crash else None if outcome.failures else True
    result = DiagnoseTrainingResult(
        mode=mode.kind, healthy=healthy, diagnoses=outcome.diagnoses, proof=outcome.proof,
        rule_failures=outcome.failures,
        proof_skipped=outcome.proof_skipped, steps_observed=len(trace.losses) or len(trace.epochs),
        summary=_summary(outcome), metrics=_metrics(outcome), curves=_curves(outcome),
        verdicts=outcome.verdicts, artifacts=list(job.artifacts), **outcome.extra)
    result.provenance = Provenance(
        seeds={"diagnose": spec.seed, **outcome.provenance.pop("seeds", {})},
        packages={name: metadata.version(name) for name in PACKAGES}, **outcome.provenance,
        wall_time_s=round(time.perf_counter() - started, 3))
    job.progress(3, 3, "done")
    return result


# --- the three modes ----------------------------------------------------------------------

def _experiment(mode: ExperimentMode, seed: int, job: JobContext, started: float) -> Outcome:
    from ml_expert.tools.data.prepare import prepare_data
    from ml_expert.tools.diagnose.experiment.run import probed_run
    from ml_expert.tools.diagnose.plots import confusion_matrix_png
    from ml_expert.tools.diagnose.proof import prove_fix

    experiment = mode.experiment
    job.progress(0, 3, "training with probes")
    prepared = prepare_data(experiment.data, job, field="mode.experiment.data")
    before = probed_run(experiment, prepared, job, max_steps=mode.max_steps, seed=seed)
    diagnoses, failures = diagnose_all(before.trace)
    outcome = Outcome(before.trace, diagnoses, time.perf_counter() - started, failures=failures,
                      verdicts=[*prepared.verdicts, *filter(None, [gap_verdict(before.trace)])],
                      provenance={**prepared.provenance_fields(), "seeds": prepared.seeds,
                                  "device": before.fit.device})
    if diagnoses and mode.prove_fix:
        job.progress(1, 3, f"re-running with the fix for {diagnoses[0].label}")
        outcome.proof, outcome.proof_skipped, after = prove_fix(
            diagnoses[0], before, experiment, prepared, job, max_steps=mode.max_steps, seed=seed)
        outcome.after = after.trace if after else None
    elif diagnoses:
        outcome.proof_skipped = "prove_fix is false"
    if prepared.table.task == "classification":
        job.add_artifact("confusion_matrix.png", "plot", confusion_matrix_png(
            before.fit.val_targets, before.fit.val_predictions, prepared.table.class_names,
            "validation confusion matrix (before any fix)"))
    return outcome


def _script(mode: ScriptMode, seed: int, job: JobContext, started: float) -> Outcome:
    from ml_expert.tools.diagnose.script.proof import prove_script_fix
    from ml_expert.tools.diagnose.script.run import run_script

    job.progress(0, 3, "running the script under probes")
    ran = run_script(mode, job, seed)
    diagnoses, failures = diagnose_all(ran.trace)
    verdicts = [*script_data_verdicts(ran.trace), *filter(None, [gap_verdict(ran.trace)])]
    outcome = Outcome(ran.trace, diagnoses, time.perf_counter() - started, verdicts=verdicts, failures=failures,
                      provenance={"device": "cpu"},
                      extra={"script_output_tail": ran.output_tail, "script_exit": ran.exit,
                             "script_warnings": ran.trace.warnings})
    if diagnoses and mode.prove_fix:
        job.progress(1, 3, f"re-running the script with the fix for {diagnoses[0].label}")
        outcome.proof, outcome.proof_skipped, outcome.after = prove_script_fix(diagnoses[0], ran, mode, job, seed)
    elif diagnoses:
        outcome.proof_skipped = "prove_fix is false"
    return outcome


def _history(mode: HistoryMode, job: JobContext, started: float) -> Outcome:
    from ml_expert.tools.diagnose.history import read_history

    job.progress(0, 3, "reading the logged curves")
    trace = read_history(mode, job)
    diagnoses, failures = diagnose_all(trace)
    return Outcome(trace, diagnoses, time.perf_counter() - started, failures=failures,
                   verdicts=list(filter(None, [gap_verdict(trace)])),
                   proof_skipped="history mode: only curves were given, nothing could be re-run." if diagnoses else None)


# --- the envelope ---------------------------------------------------------------------------

def _write_artifacts(outcome: Outcome, job: JobContext, mode: str) -> None:
    from ml_expert.tools.diagnose.plots import gradient_flow_png, learning_curves_png

    trace = outcome.trace
    job.add_artifact("trace.json", "trace", trace.model_dump_json())
    if outcome.after is not None:
        job.add_artifact("trace_after_fix.json", "trace", outcome.after.model_dump_json())
    title = f"{mode} mode" + (f": {outcome.diagnoses[0].label}" if outcome.diagnoses else ": no fault found")
    job.add_artifact("learning_curves.png", "plot", learning_curves_png(trace, title, outcome.after))
    if trace.samples:
        job.add_artifact("gradient_flow.png", "plot", gradient_flow_png(trace, "gradient RMS per layer group"))


def _thin(xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None and np.isfinite(y)]
    if len(pairs) > CURVE_POINTS:
        keep = np.unique(np.linspace(0, len(pairs) - 1, CURVE_POINTS).round().astype(int))
        pairs = [pairs[i] for i in keep]
    return [p[0] for p in pairs], [float(f"{p[1]:.4g}") for p in pairs]


def _curves(outcome: Outcome) -> dict[str, Curve]:
    trace = outcome.trace
    curves: dict[str, Curve] = {}

    def add(name: str, xs, ys, x_label: str) -> None:
        xs, ys = _thin(list(xs), list(ys))
        if ys:
            curves[name] = Curve.from_series(xs, ys, x_label=x_label)

    add("train_loss", trace.steps, trace.losses, "step")
    for column in ("val_loss", "train_metric", "val_metric"):
        add(column, [r.epoch for r in trace.epochs], [getattr(r, column) for r in trace.epochs], "epoch")
    if not trace.losses:
        add("train_loss", [r.epoch for r in trace.epochs], [r.train_loss for r in trace.epochs], "epoch")
    graded = [g.name for g in trace.groups if g.got_grad]
    for name in dict.fromkeys(graded[:1] + graded[-1:]):
        points = [(s.step, s.groups[name].grad_rms) for s in trace.samples if name in s.groups]
        add(f"grad_rms/{name}", [p[0] for p in points], [p[1] for p in points], "step")
    if outcome.after is not None:
        rows = outcome.after.epochs
        add("val_metric_after_fix", [r.epoch for r in rows], [r.val_metric for r in rows], "epoch")
    return curves


def _metrics(outcome: Outcome) -> dict[str, float]:
    trace = outcome.trace
    metrics = {"diagnoses": float(len(outcome.diagnoses)), "rules_checked": float(len(rules())),
               "seconds_to_diagnosis": round(outcome.seconds_to_diagnosis, 3),
               "steps_observed": float(len(trace.losses) or len(trace.epochs))}
    if outcome.diagnoses:
        metrics["top_confidence"] = outcome.diagnoses[0].confidence
    last = trace.epochs[-1] if trace.epochs else None
    for name in ("train_metric", "val_metric", "train_loss", "val_loss"):
        value = getattr(last, name) if last else None
        if value is not None and np.isfinite(value):
            metrics[name] = round(float(value), 5)
    if outcome.proof and outcome.proof.change is not None:
        metrics["proof_change"] = outcome.proof.change
    return metrics


def _summary(outcome: Outcome) -> str:
    trace, found = outcome.trace, outcome.diagnoses
    seen = f"{len(trace.losses)} steps" if trace.losses else f"{len(trace.epochs)} logged epochs"
    if not found:
        return f"No fault found in {seen}; {len(rules())} rules checked the losses, gradients, activations and data."
    top = found[0]
    text = f"Most likely cause: {top.label} (confidence {top.confidence:.2f}), {_first_sentence(top.message)}"
    proof = outcome.proof
    if proof is not None:
        text += (f" Applying the fix moved validation {proof.metric} from {proof.before.val_metric} to "
                 f"{proof.after.val_metric} (95% CI of the change {proof.change_ci}); the symptom is "
                 f"{'gone' if not proof.after.symptom_present else 'still present'}.")
    else:
        text += f" Fix: {_first_sentence(top.fix)}"
    if len(found) > 1:
        text += f" Also found: {', '.join(d.label for d in found[1:4])}."
    return text


def _first_sentence(text: str) -> str:
    sentence = re.split(r"\.\s+(?=[A-Z])", text)[0].rstrip(".")
    return sentence[0].lower() + sentence[1:] + "." if sentence else ""
