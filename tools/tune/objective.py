"""What one trial does: train the base experiment with the trial's values, on every seed and fold.

The objective reports per-epoch validation values so the pruner can stop a bad trial early,
records why a trial failed, and tags the trial with its worker so a dead worker's trial can be
failed by whoever notices.
"""

from __future__ import annotations

import math
import os
import socket
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ml_expert.tools.data.prepare import PreparedData
from ml_expert.tools.data.splits import Split
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.train.callbacks import Callback, StopFit
from ml_expert.tools.train.loop import FitResult, fit
from ml_expert.tools.train.overrides import apply_overrides
from ml_expert.tools.train.spec import ExperimentSpec
from ml_expert.tools.tune.health import UNHEALTHY, TrialHealth
from ml_expert.tools.tune.schema import (
    CLASSIFICATION_METRICS,
    REGRESSION_METRICS,
    Objective,
    TuneHyperparamsSpec,
)
from ml_expert.tools.tune.space import suggest

WORKER_ATTR = "worker"
FAIL_REASON_ATTR = "fail_reason"
ENDED_ATTR = "ended"  # why a pruned trial stopped: the pruner at an epoch, or its health
RUN_SCORES_ATTR = "run_scores"
EPOCHS_ATTR = "epochs"
MAX_REASON_CHARS = 300
LATENCY_CALLS = 30
PRUNABLE_SHARE = 0.5


def worker_label() -> str:
    """host:pid of this process, so anyone on the same host can tell whether it is alive."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class EvaluationRun:
    """One training run of a trial: a seed, and the rows (None: the prepared train/val split)."""

    seed: int
    rows: tuple[Split, Split] | None = None


def evaluation_runs(spec: TuneHyperparamsSpec, prepared: PreparedData) -> list[EvaluationRun]:
    """seeds_per_trial seeds, on each CV fold when cv_folds is set."""
    seeds = [spec.seed + k for k in range(spec.seeds_per_trial)]
    if spec.cv_folds is None:
        return [EvaluationRun(seed) for seed in seeds]
    return [EvaluationRun(seed, rows) for rows in cv_folds(prepared, spec.cv_folds, spec.seed) for seed in seeds]


def cv_folds(prepared: PreparedData, k: int, seed: int) -> list[tuple[Split, Split]]:
    """k folds over the train and validation rows together (stratified for classification).

    The sealed test split takes no part: tuning never sees it.
    """
    from sklearn.model_selection import KFold, StratifiedKFold

    train, val = prepared.splits.train, prepared.splits.val
    X, y = np.concatenate([train.X, val.X]), np.concatenate([train.y, val.y])
    indices = np.concatenate([train.indices, val.indices])
    classification = prepared.table.task == "classification"
    splitter = (StratifiedKFold if classification else KFold)(n_splits=k, shuffle=True, random_state=seed)
    folds = []
    for i, (fit_rows, held_out) in enumerate(splitter.split(X, y if classification else None)):
        folds.append((Split.of(f"fold{i}-train", X[fit_rows], y[fit_rows], indices[fit_rows]),
                      Split.of(f"fold{i}-val", X[held_out], y[held_out], indices[held_out])))
    return folds


def imbalanced(prepared: PreparedData) -> bool:
    """The data audit's class_imbalance check warned or failed."""
    return any(v.check == "class_imbalance" and v.status != "pass" for v in prepared.verdicts)


def concrete_objectives(objectives: Sequence[Objective], prepared: PreparedData) -> list[Objective]:
    """The objectives with 'val_metric' replaced by the metric the data calls for, each checked
    against the task. Every process that loads the data resolves them the same way."""
    from ml_expert.tools.train.metrics import headline_metric

    task = prepared.table.task
    resolved = []
    for i, objective in enumerate(objectives):
        metric = objective.metric
        if metric == "val_metric":
            metric = headline_metric(task, imbalanced(prepared))
        fits = REGRESSION_METRICS if task == "regression" else CLASSIFICATION_METRICS
        if metric in (*CLASSIFICATION_METRICS, *REGRESSION_METRICS) and metric not in fits:
            raise SpecError(f"objectives[{i}].metric", f"{metric} does not apply to a {task} task",
                            ", ".join(("val_metric", *fits, "val_loss", "param_count", "latency_ms")))
        if metric == "roc_auc" and len(prepared.table.class_names or []) != 2:
            raise SpecError(f"objectives[{i}].metric", "roc_auc is defined here for two classes; this data has "
                                                       f"{len(prepared.table.class_names or [])}",
                            "balanced_accuracy, macro_f1 or log_loss")
        resolved.append(objective.model_copy(update={"metric": metric}))
    return resolved


def objective_values(result: FitResult, objectives: Sequence[Objective], val_X: np.ndarray) -> list[float]:
    """The (concrete) objectives of one finished run."""
    values = []
    for objective in objectives:
        if objective.metric == "val_loss":
            values.append(result.val_loss)
        elif objective.metric == "param_count":
            values.append(float(sum(p.numel() for p in result.model.parameters() if p.requires_grad)))
        elif objective.metric == "latency_ms":
            values.append(latency_ms(result.model, val_X))
        elif objective.metric in result.val_metrics:
            values.append(result.val_metrics[objective.metric])
        else:
            raise ValueError(f"{objective.metric} is undefined on these validation rows (e.g. roc_auc needs both "
                             "classes present)")
    return values


PER_EPOCH_SCORES = {"classification": ("accuracy", "balanced_accuracy"), "regression": ("r2", "rmse")}


def pruning_signal(objective: Objective, task: str) -> tuple[str, float]:
    """The per-epoch value the pruner sees (a key of the epoch's validation scores, or 'val_loss'),
    and its sign in the study's direction.

    The trainer scores accuracy and balanced accuracy (r2 and rmse) every epoch; other metrics
    are read only at the end, so their trials are pruned on the validation loss (negated when
    the study maximises).
    """
    if objective.metric in PER_EPOCH_SCORES.get(task, ()):
        return objective.metric, 1.0
    return "val_loss", -1.0 if objective.resolved_direction == "maximize" else 1.0


def latency_ms(model, X: np.ndarray) -> float:
    """Median forward time of one row, after a short warm-up."""
    import torch

    device = next(model.parameters()).device
    row = torch.as_tensor(np.array(X[:1], dtype=np.float32), device=device)
    model.eval()
    times = []
    with torch.no_grad():
        for i in range(LATENCY_CALLS + 5):
            start = time.perf_counter()
            model(row)
            if i >= 5:
                times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


class PruningReporter(Callback):
    """Reports every epoch's validation value to the trial; stops the fit when Optuna says prune.

    Pruning is asked only in the first half of the trial's epochs: stopping later saves little
    and throws away a nearly finished score (ASHA's rung at 27 of 30 epochs would do just that).
    """

    def __init__(self, trial, signal: tuple[str, float], *, first_step: int, runs: int):
        self.trial = trial
        self.key, self.sign = signal
        self.step = first_step
        self.runs = runs
        self.prunable_until = 0
        self.pruned = False

    def on_fit_start(self, state) -> None:
        trial_epochs = self.runs * math.ceil(state.total_steps / state.steps_per_epoch)
        self.prunable_until = PRUNABLE_SHARE * trial_epochs

    def on_epoch_end(self, state) -> None:
        self.step += 1
        raw = state.history[-1]["val_loss"] if self.key == "val_loss" else state.val_scores[self.key]
        value = self.sign * raw
        if self.step > self.prunable_until or not math.isfinite(value):
            return  # past the pruning window a report is only another write to the storage
        self.trial.report(value, self.step)
        if self.trial.should_prune():
            self.pruned = True
            raise StopFit("pruned")


class TrialObjective:
    """The callable handed to ``study.optimize``; data, folds and the base experiment are set up once."""

    def __init__(self, spec: TuneHyperparamsSpec, prepared: PreparedData, job: JobContext, *, prune: bool):
        self.spec = spec
        self.prepared = prepared
        self.job = job
        self.prune = prune
        self.runs = evaluation_runs(spec, prepared)
        self.objectives = concrete_objectives(spec.objectives, prepared)
        self.signal = pruning_signal(self.objectives[0], prepared.table.task)

    def __call__(self, trial) -> float | list[float]:
        import optuna

        trial.set_user_attr(WORKER_ATTR, worker_label())
        try:
            return self._evaluate(trial)
        except optuna.TrialPruned:
            raise
        except Exception as error:
            # Optuna marks the trial FAIL and the study goes on; the reason stays with the trial.
            reason = f"{type(error).__name__}: {str(error).strip()}"[:MAX_REASON_CHARS]
            trial.set_user_attr(FAIL_REASON_ATTR, reason)
            raise

    def _evaluate(self, trial) -> float | list[float]:
        import optuna

        overrides = suggest(trial, self.spec.space)
        experiment = apply_overrides(self.spec.base, overrides, "space")
        objectives = self.objectives
        per_run: list[list[float]] = []
        epochs = 0
        for run in self.runs:
            reporter = (PruningReporter(trial, self.signal, first_step=epochs, runs=len(self.runs))
                        if self.prune else None)
            callbacks = [c for c in (reporter, TrialHealth() if self.spec.health_pruning else None) if c]
            result = train(experiment, self.job, self.prepared, run, callbacks,
                           epoch_train_metric=False)  # the pruner reads validation values only
            epochs += len(result.history)
            trial.set_user_attr(EPOCHS_ATTR, epochs)
            if reporter is not None and reporter.pruned:
                trial.set_user_attr(ENDED_ATTR, f"pruned by {self.spec.pruner} at epoch {epochs}")
                raise optuna.TrialPruned(f"pruned at epoch {epochs}")
            nan = f"the training loss became NaN or infinite at step {result.steps}"
            if self.spec.health_pruning and (result.stopped_reason or "").startswith(UNHEALTHY):
                trial.set_user_attr(ENDED_ATTR, f"stopped at epoch {epochs}, {result.stopped_reason}")
                raise optuna.TrialPruned(result.stopped_reason)
            if result.stopped_reason == "nan":
                if self.spec.health_pruning:  # pruned, not failed: the sampler learns to avoid the region
                    trial.set_user_attr(ENDED_ATTR, f"stopped at step {result.steps}, {UNHEALTHY}: {nan}")
                    raise optuna.TrialPruned(nan)
                raise FloatingPointError(nan)
            val_X = (run.rows[1] if run.rows else self.prepared.splits.val).X
            per_run.append(objective_values(result, objectives, val_X))
        trial.set_user_attr(RUN_SCORES_ATTR, [values[0] for values in per_run])
        means = [float(np.mean(column)) for column in zip(*per_run, strict=True)]
        return means[0] if len(means) == 1 else means


def train(experiment: ExperimentSpec, job: JobContext, prepared: PreparedData, run: EvaluationRun,
          callbacks: Sequence[Callback] = (), *, epoch_train_metric: bool = True) -> FitResult:
    return fit(experiment, job, prepared=prepared, rows=run.rows, callbacks=callbacks, seed=run.seed,
               field="experiment", epoch_train_metric=epoch_train_metric)


def quiet_job(job: JobContext) -> JobContext:
    """The job's workspace, roots and seed, without its progress channel or tracking.

    Trials train many models; only the tune loop speaks to the client ("trial i/N"), and the
    run folder stays the job's own.
    """
    from ml_expert.tools.job import MemoryRecords

    return JobContext(job_id=job.job_id, run_id=job.run_id, tool=f"{job.tool}.trial", workspace=job.workspace,
                      roots=job.roots, seed=job.seed, tracking="none", records=MemoryRecords(),
                      emit=lambda event: None)
