"""Experiment mode: train under probes on a bounded budget, diagnose, then prove the top fix."""

from __future__ import annotations

from dataclasses import dataclass

from ml_expert.tools.data.prepare import PreparedData
from ml_expert.tools.data.splits import Split
from ml_expert.tools.diagnose.experiment.probe import ExperimentProbe
from ml_expert.tools.diagnose.experiment.trace import experiment_trace
from ml_expert.tools.diagnose.fixes import PlannedFix
from ml_expert.tools.diagnose.trace import Trace
from ml_expert.tools.job import JobContext
from ml_expert.tools.train.loop import FitResult, fit
from ml_expert.tools.train.spec import ExperimentSpec


@dataclass
class ProbedRun:
    trace: Trace
    fit: FitResult
    rows: tuple[Split, Split] | None


def budget_steps(experiment: ExperimentSpec, max_steps: int, n_train: int) -> int:
    config = experiment.training
    per_epoch = -(-n_train // config.batch_size)
    return min(config.epochs * per_epoch, config.max_steps or max_steps, max_steps)


def probed_run(experiment: ExperimentSpec, prepared: PreparedData, job: JobContext, *, max_steps: int,
               seed: int, fix: PlannedFix | None = None, field: str = "mode.experiment") -> ProbedRun:
    """One training run with probes; ``fix`` (the proof's second run) changes config, model or rows."""
    fix = fix or PlannedFix()
    rows = None
    if fix.rows:
        rows = fix.apply_rows(prepared.splits.train, prepared.splits.val, prepared.table.feature_names)
    overrides = {**fix.overrides}
    probe_experiment = experiment
    if overrides:
        from ml_expert.tools.train.overrides import apply_overrides

        probe_experiment = apply_overrides(experiment, overrides, field)
    budget = budget_steps(probe_experiment, max_steps, len(rows[0]) if rows else len(prepared.splits.train))
    probe = ExperimentProbe(budget)
    result = fit(experiment, job, prepared=prepared, rows=rows, callbacks=[probe], seed=seed,
                 overrides={**overrides, "training.max_steps": budget}, field=field,
                 adjust_model=fix.adjust_model if fix.surgery else None)
    return ProbedRun(experiment_trace(probe, result, prepared, seed, rows), result, rows)
