"""train_model: train to the best validation epoch, judge it, and save it as a run later tools accept.

The run folder holds model.yaml, model.pt and preprocessing.json (the model and the transforms
fitted on its training rows), experiment.json (what trained it), history.json and the learning
curves. The sealed test split is never opened: evaluate_model does that, once.
"""

from __future__ import annotations

import json
import math
import time
from importlib import metadata

from ml_expert.tools.data.prepare import PreparedData, prepare_data
from ml_expert.tools.envelope import Curve, Provenance, Verdict
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import save_model
from ml_expert.tools.train import plots
from ml_expert.tools.train.importance import permutation_importance
from ml_expert.tools.train.loop import FitResult, fit
from ml_expert.tools.train.metrics import headline_metric
from ml_expert.tools.train.schema import FeatureImportance, TrainingMemory, TrainModelResult, TrainModelSpec
from ml_expert.tools.train.spec import ExperimentSpec
from ml_expert.tools.train.tensors import to_tensors
from ml_expert.tools.train.verdicts import diverged_verdict, gap_verdict, target_verdict
from ml_expert.tools.train.watch import HISTORY_FILE, BestCheckpoint, Progress

PACKAGES = ("torch", "numpy", "scikit-learn")
MODEL_CHECKPOINT = "model.pt"
EXPERIMENT_FILE = "experiment.json"


def train_model(spec: TrainModelSpec, job: JobContext) -> TrainModelResult:
    if spec.tasks:
        from ml_expert.tools.train.continual import train_sequence

        if spec.target is not None:
            raise SpecError("target", "a task sequence has no single target", "target null with tasks")
        return train_sequence(spec, job)
    started = time.perf_counter()
    experiment = ExperimentSpec(model=spec.model, data=spec.data, training=spec.training)
    job.progress(0, message="loading the data")
    prepared = prepare_data(spec.data, job)
    imbalanced = any(v.check == "class_imbalance" and v.status != "pass" for v in prepared.verdicts)
    metric = headline_metric(prepared.table.task, imbalanced)
    _check_target(spec, prepared.table.task)
    best = BestCheckpoint(metric, spec.patience, (spec.target.metric, spec.target.value) if spec.target else None)
    fitted = fit(experiment, job, prepared=prepared, callbacks=[best, Progress(job, metric, best)], seed=spec.seed,
                 field="model")
    save_model(fitted.loaded, job, checkpoint=MODEL_CHECKPOINT)
    job.add_artifact(EXPERIMENT_FILE, "config", json.dumps(
        {"experiment": experiment.model_dump(mode="json", exclude_none=True), "seed": fitted.seed,
         "best_epoch": best.best_epoch, "metric": metric}, indent=1))
    job.add_artifact(HISTORY_FILE, "data", json.dumps(fitted.history))
    if fitted.history:
        job.add_artifact("learning_curves.png", "plot", plots.learning_curves_png(
            fitted.history, fitted.metric_name, best.best_epoch))

    result = TrainModelResult(metric=metric, best_epoch=best.best_epoch, epochs_run=len(fitted.history),
                              stopped=_stopped(fitted), target_epoch=best.target_epoch,
                              importance=_importance(prepared, fitted, metric), memory=_memory(fitted))
    result.verdicts = _verdicts(spec, prepared, fitted, metric, best)
    result.metrics = _metrics(fitted, metric, best)
    result.curves = _curves(fitted.history)
    result.summary = _summary(spec, fitted, metric, best, imbalanced, job.run_id, result.importance)
    result.artifacts = list(job.artifacts)
    result.provenance = Provenance(
        **prepared.provenance_fields(), seeds={"train": fitted.seed, **prepared.seeds},
        packages={name: metadata.version(name) for name in PACKAGES}, device=fitted.device,
        wall_time_s=round(time.perf_counter() - started, 3))
    return result


def _importance(prepared: PreparedData, fitted: FitResult, metric: str) -> list[FeatureImportance] | None:
    import torch

    val = to_tensors(prepared.splits.val, fitted.loaded, fitted.preprocessing, torch.device(fitted.device))
    rows = permutation_importance(fitted.model, val.inputs, val.raw_targets, fitted.loaded.task, metric,
                                  fitted.preprocessing, seed=fitted.seed)
    return None if rows is None else [FeatureImportance(**row) for row in rows]


def _memory(fitted: FitResult) -> TrainingMemory | None:
    if fitted.memory is None:
        return None
    mb = 2 ** 20
    limit = fitted.memory_limit
    return TrainingMemory(
        estimate_mb=round(fitted.memory.peak / mb, 1), activations_mb=round(fitted.memory.activations / mb, 1),
        limit_mb=None if limit is None else round(limit / mb, 1), fits=None if limit is None else fitted.memory.peak <= limit,
        max_batch_size=None if limit is None else fitted.memory.largest_batch(limit),
        measured_peak_mb=None if fitted.measured_peak is None else round(fitted.measured_peak / mb, 1),
        seconds_per_step=round(fitted.wall_time_s / max(fitted.steps, 1), 5))


def _check_target(spec: TrainModelSpec, task: str) -> None:
    fits = ("accuracy", "balanced_accuracy") if task == "classification" else ("r2", "rmse")
    if spec.target is not None and spec.target.metric not in fits:
        raise SpecError("target.metric", f"{spec.target.metric!r} does not apply to {task}",
                        " or ".join(repr(m) for m in fits))


def _stopped(fitted: FitResult) -> str:
    return {None: "budget", "nan": "nan"}.get(fitted.stopped_reason, fitted.stopped_reason)


def _verdicts(spec: TrainModelSpec, prepared: PreparedData, fitted: FitResult, metric: str,
              best: BestCheckpoint) -> list[Verdict]:
    verdicts, test_hash = list(prepared.verdicts), prepared.splits.hashes["test"]
    verdicts.append(Verdict(check="test_split_sealed", status="pass",
                            message="Training and checkpoint selection used train and validation rows only.",
                            evidence={"test_split_hash": test_hash}))
    if fitted.stopped_reason == "nan":
        verdicts.append(diverged_verdict(len(fitted.history)))
    verdicts.append(gap_verdict(metric, fitted.train_metrics[metric], fitted.val_metrics[metric], fitted.history))
    if spec.target is not None:
        verdicts.append(target_verdict(spec.target.metric, spec.target.value, best.target_epoch, best.target_value,
                                       _target_best(fitted, spec.target.metric), best.best_epoch))
    return verdicts


def _target_best(fitted: FitResult, name: str) -> float | None:
    value = fitted.val_metrics.get(name)
    return None if value is None else round(value, 4)


def _metrics(fitted: FitResult, metric: str, best: BestCheckpoint) -> dict[str, float]:
    metrics = {f"val_{k}": v for k, v in fitted.val_metrics.items()}
    metrics.update({f"train_{metric}": fitted.train_metrics[metric], "train_loss": fitted.train_metrics["loss"],
                    "epochs": len(fitted.history), "steps": fitted.steps, "train_seconds": fitted.wall_time_s})
    if best.best_epoch is not None:
        metrics["best_epoch"] = best.best_epoch
    # A diverged run's NaN scores are left out (JSON has no NaN); the finite_loss verdict says why.
    return {k: round(float(v), 6) for k, v in metrics.items() if math.isfinite(v)}


def _curves(history: list[dict[str, float]]) -> dict[str, Curve]:
    epochs = [row["epoch"] for row in history]
    return {name: Curve.from_series(epochs, [row[name] for row in history], x_label="epoch")
            for name in ("train_loss", "val_loss", "val_metric")}


def _describe(spec: TrainModelSpec) -> str:
    model = spec.model
    if model.kind == "run":
        return f"run {model.run_id}'s model"
    if model.kind == "code":
        return model.target
    return model.family


def _summary(spec: TrainModelSpec, fitted: FitResult, metric: str, best: BestCheckpoint, imbalanced: bool,
             run_id: str, importance: list[FeatureImportance] | None) -> str:
    stopped = {"early_stopping": "early stopping", "nan": "loss diverged"}.get(fitted.stopped_reason or "", "budget")
    first = (f"Trained {_describe(spec)} for {len(fitted.history)} epochs ({stopped}; kept epoch {best.best_epoch}): "
             f"validation {metric} {fitted.val_metrics[metric]:.4f}, train {fitted.train_metrics[metric]:.4f}"
             + (" — verdicts use balanced_accuracy because the training classes are imbalanced." if imbalanced
                else "."))
    second = ""
    if spec.target is not None:
        t = spec.target
        second = (f" Target reached: {best.target_value:.4g} at epoch {best.target_epoch}." if best.target_epoch
                  else f" Target {t.metric} {t.value:g} not reached.")
    if importance:
        top = importance[0]
        second += (f" Shuffling {top.feature!r} costs the most validation {metric}: {top.drop:.3f} "
                   f"[{top.low:.3f}, {top.high:.3f}].")
    return first + second + f" Saved as run {run_id}; next: diagnose_training, tune_hyperparams or evaluate_model."
