"""tune_hyperparams: search with Optuna, then retrain the best against the base and register it.

Order of work: check the space against the base experiment, load the data, open (or resume) the
study, run trials (in this process for one worker, in worker processes otherwise), read the
study back, retrain best and base on fresh seeds for the paired test, save the best model as
this job's run, suggest a narrower space, and write plots and the full trial table.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import time
from importlib import metadata

from ml_expert.tools.data.prepare import PreparedData, prepare_data
from ml_expert.tools.envelope import Curve, Provenance, Verdict
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.measure.timing import torch_threads
from ml_expert.tools.models.load import save_model
from ml_expert.tools.train.loop import FitResult
from ml_expert.tools.train.overrides import apply_overrides
from ml_expert.tools.tune import plots
from ml_expert.tools.tune.narrowing import narrow_space
from ml_expert.tools.tune.objective import (
    EvaluationRun,
    concrete_objectives,
    pruning_signal,
    quiet_job,
    train,
)
from ml_expert.tools.tune.report import count_trials, importances, pareto_front, ranked, trial_row
from ml_expert.tools.tune.schema import (
    MAX_TOP_TRIALS,
    MINIMIZED,
    FloatParam,
    IntParam,
    Objective,
    Significance,
    TuneHyperparamsResult,
    TuneHyperparamsSpec,
)
from ml_expert.tools.tune.significance import (
    FRESH_SEED_OFFSET,
    confirm_runs,
    confirm_trainings,
    confirmed_interval,
    judge,
    retrain_both,
)
from ml_expert.tools.tune.space import base_values, check_space
from ml_expert.tools.tune.study import (
    check_sampler,
    open_storage,
    open_study,
    publish_plan,
    redact,
    resolve_storage,
)
from ml_expert.tools.tune.workers import (
    WorkerPool,
    fail_orphaned_trials,
    optimize,
    threads_per_worker,
)

log = logging.getLogger(__name__)
GAP_LIMIT = 0.05  # train minus validation metric above this (5 points of accuracy or r2) is overfitting
BOUNDARY_SHARE = 0.02  # a best value this close to a range end suggests the range is too narrow
MODEL_CHECKPOINT = "model.pt"
CONFIRM_SHARE_LIMIT = 3.0  # confirming the best may cost up to this multiple of the search before it warns


def tune_hyperparams(spec: TuneHyperparamsSpec, job: JobContext) -> TuneHyperparamsResult:
    started = time.perf_counter()
    check_space(spec.space, spec.base)
    check_sampler(spec)
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study_name = spec.study_name or f"tune-{job.run_id}"
    storage_url = resolve_storage(spec.storage, job.workspace, study_name)
    storage = open_storage(storage_url)
    study = open_study(spec, storage, study_name, seed=spec.seed)
    fail_orphaned_trials(study, storage)  # trials left RUNNING by an earlier call that died
    before = publish_plan(study, spec, workspace=job.workspace, roots=job.roots, run_id=job.run_id)
    reference = base_values(spec.space, spec.base)
    enqueued = before == 0 and reference is not None and spec.sampler != "grid"
    if enqueued:
        study.enqueue_trial(reference)  # the base configuration is the search's first point of reference
    progress = _Progress(spec, study, job, before)
    progress.loading()
    prepared, crashed = _run_trials(spec, study, job, storage_url, progress)
    searched_s = time.perf_counter() - started
    objectives = concrete_objectives(spec.objectives, prepared)

    trials = study.get_trials(deepcopy=False)
    maximize = objectives[0].resolved_direction == "maximize"
    best_first = ranked(trials, maximize)
    result = TuneHyperparamsResult(study_name=study_name, storage=redact(storage_url),
                                   objectives=[o.label for o in objectives], counts=count_trials(trials, before))
    result.top_trials = [trial_row(t) for t in best_first[:MAX_TOP_TRIALS]]
    verdicts = list(prepared.verdicts) + [_sealed_verdict(prepared), _health_verdict(result, crashed)]
    confirm_s = 0.0
    if best_first:
        best = best_first[0]
        result.best_trial, result.best_params, result.best_value = best.number, dict(best.params), best.values[0]
        result.importances = importances(study, len(best_first))
        result.suggested_space = narrow_space(spec.space, best_first)
        if len(spec.objectives) == 2:
            result.pareto_front = pareto_front(study, maximize)
        best_experiment = apply_overrides(spec.base, best.params, "space")
        result.best_experiment = best_experiment.model_dump(mode="json", exclude_none=True)
        confirm_started = time.perf_counter()
        fitted = _confirm(spec, objectives[0], prepared, job, best_experiment, result, progress,
                          same_as_base=best.params == reference, trials=trials[before:])
        confirm_s = time.perf_counter() - confirm_started
        result.best_run_id = job.run_id
        verdicts += [_gap_verdict(fitted, objectives[0]), _significance_verdict(result.significance),
                     _confirm_cost_verdict(spec, result, confirm_s, searched_s),
                     *_boundary_verdicts(spec, result.best_params)]
        base_trial = trials[before] if enqueued and len(trials) > before else None
        base_value = base_trial.values[0] if base_trial and base_trial.state.name == "COMPLETE" else None
        _write_plots(spec, objectives, prepared.table.task, trials, result, job, base_value)
    result.verdicts = verdicts
    result.curves = _curves(trials, maximize)
    result.metrics = _metrics(result, searched_s, confirm_s, time.perf_counter() - started)
    job.add_artifact("tune_trials.json", "report", json.dumps([trial_row(t).model_dump() for t in trials], indent=1))
    result.summary = _summary(spec, result, searched_s, confirm_s, _leak(prepared))
    result.artifacts = list(job.artifacts)
    result.provenance = Provenance(
        **prepared.provenance_fields(), seeds={"search": spec.seed, "significance": spec.seed + FRESH_SEED_OFFSET,
                                               **prepared.seeds},
        packages={name: metadata.version(name) for name in ("optuna", "torch")},
        wall_time_s=round(time.perf_counter() - started, 3))
    return result


# --- trials ---------------------------------------------------------------------------------

def _run_trials(spec: TuneHyperparamsSpec, study, job: JobContext, storage_url: str,
                progress: _Progress) -> tuple[PreparedData, int]:
    """Run the study's trials here and in n_workers - 1 worker processes; return the data and crashed workers.

    The workers start first, so they load torch and the data while this process loads its own;
    this process is a worker too (it has the data, and would otherwise sit idle).
    """
    threads = threads_per_worker(spec.n_workers)
    pool = None
    if spec.n_workers > 1:
        pool = WorkerPool(storage_url, study.study_name, indices=range(1, spec.n_workers), threads=threads,
                          seed=spec.seed, workspace=job.workspace, roots=job.roots, log_dir=job.run_dir)
    try:
        prepared = prepare_data(spec.base.data, job, field="base.data")
        concrete_objectives(spec.objectives, prepared)  # a metric the task lacks stops the call here
        _stop_on_label_copy(spec, prepared)

        def after_trial(study, trial) -> None:
            if pool is not None:
                pool.check(study)
            progress.report()

        # One worker keeps the process's thread setting; several share the cores between them.
        with torch_threads(threads) if pool is not None else contextlib.nullcontext():
            optimize(study, spec, prepared, quiet_job(job), callbacks=[after_trial])
        if pool is not None:
            pool.wait(study, progress.report)  # the workers finish the trials they are running
    finally:
        if pool is not None:
            pool.stop()
            for worker in pool.workers:
                job.add_artifact(worker.log_path.name, "log", worker.log_path)
    return prepared, len(pool.crashed()) if pool is not None else 0


class _Progress:
    """One growing scale for the client (MCP wants progress to increase): the trials, then the runs
    that confirm the best. Sent once per change: 'trial i/N, best x', then 'confirming: run j/R'."""

    def __init__(self, spec: TuneHyperparamsSpec, study, job: JobContext, before: int):
        self.study, self.job, self.before = study, job, before
        self.n_trials = spec.n_trials
        self.maximize = spec.objectives[0].resolved_direction == "maximize"
        self.confirm_runs = confirm_runs(spec)
        self.finished = 0
        self.step = -1

    def _send(self, step: int, total: int | None, message: str, **metrics: float) -> None:
        if step > self.step:
            self.step = step
            self.job.progress(step, max(total, step) if total is not None else None, message, **metrics)

    def loading(self) -> None:
        self._send(0, self._total(), "loading the data")

    def _total(self) -> int | None:
        return None if self.n_trials is None else self.n_trials + self.confirm_runs

    def report(self) -> None:
        trials = self.study.get_trials(deepcopy=False)
        self.finished = sum(t.state.is_finished() for t in trials[self.before:])
        values = [t.values[0] for t in trials if t.state.name == "COMPLETE"]
        # "finished", not "trial k": Optuna numbers trials from 0 (#0 is the base), as the summary and plot do.
        message = (f"{self.finished}/{self.n_trials} trials finished" if self.n_trials
                   else f"{self.finished} trials finished")
        if not values:
            self._send(self.finished, self._total(), f"{message}, no trial complete yet")
            return
        best = max(values) if self.maximize else min(values)
        self._send(self.finished, self._total(), f"{message}, best {best:.4f}", best=best)

    def confirming(self, done: int, runs: int, trainings: int, estimate_s: float | None) -> None:
        cost = f"{trainings} trainings" + (f", about {estimate_s:.0f} s" if estimate_s is not None else "")
        self._send(self.finished + done, (self.n_trials or self.finished) + runs,
                   f"confirming the best ({cost}): {done}/{runs} done")


# --- confirming the best --------------------------------------------------------------------

def _confirm(spec: TuneHyperparamsSpec, objective: Objective, prepared: PreparedData, job: JobContext,
             best_experiment, result: TuneHyperparamsResult, progress: _Progress, *, same_as_base: bool,
             trials: list) -> FitResult:
    """Retrain best (and base) for the paired test; save the best model as this job's run.

    Its cost is stated before it starts: full trainings times what one took in the search.
    """
    trainer_job = quiet_job(job)
    fresh = EvaluationRun(spec.seed + FRESH_SEED_OFFSET)
    runs = confirm_runs(spec)
    trainings = confirm_trainings(spec, same_as_base=same_as_base)
    estimate = _training_seconds(spec, trials)
    result.confirm_trainings = trainings
    result.confirm_estimate_s = round(trainings * estimate, 1) if estimate is not None else None
    progress.confirming(0, runs, trainings, result.confirm_estimate_s)
    if spec.significance_seeds < 2:
        result.significance = Significance(verdict="not_tested", metric=objective.metric)
        fitted = train(best_experiment, trainer_job, prepared, fresh)
    else:
        best_as_base = best_experiment if not same_as_base else spec.base
        retrained = retrain_both(spec, prepared, trainer_job, best_as_base, objective,
                                 on_run=lambda done, _: progress.confirming(done, runs, trainings,
                                                                            result.confirm_estimate_s))
        result.significance = judge(retrained.base_scores, retrained.best_scores, objective,
                                    compared_on=retrained.compared_on)
        result.confirmed_value, result.confirmed_ci_low, result.confirmed_ci_high = (
            round(v, 6) for v in confirmed_interval(retrained.best_scores))
        fitted = (retrained.first_best_fit if retrained.compared_on == "seeds"
                  else train(best_experiment, trainer_job, prepared, fresh))
    progress.confirming(runs, runs, trainings, result.confirm_estimate_s)
    # The fitted model carries its preprocessing (training rows' statistics): saved as preprocessing.json.
    save_model(fitted.loaded, job, checkpoint=MODEL_CHECKPOINT)
    job.add_artifact("best_experiment.json", "config", json.dumps(
        {"experiment": best_experiment.model_dump(mode="json"), "seed": fitted.seed}, indent=1))
    return fitted


def _training_seconds(spec: TuneHyperparamsSpec, trials: list) -> float | None:
    """Median seconds of one full training in this call's complete trials (a trial trains once per
    seed and fold)."""
    import statistics

    durations = [t.duration.total_seconds() for t in trials if t.state.name == "COMPLETE" and t.duration]
    if not durations:
        return None
    return statistics.median(durations) / (spec.seeds_per_trial * (spec.cv_folds or 1))


# --- verdicts -------------------------------------------------------------------------------

def _leak(prepared: PreparedData) -> Verdict | None:
    """The label_leak verdict when it flags a feature."""
    return next((v for v in prepared.verdicts if v.check == "label_leak" and v.status != "pass"), None)


def _stop_on_label_copy(spec: TuneHyperparamsSpec, prepared: PreparedData) -> None:
    """A feature that copies the label makes every trial score the copy: refuse to search on it."""
    leak = _leak(prepared)
    if leak is None or leak.status != "fail" or spec.allow_label_leak:
        return
    feature = leak.evidence.get("best_feature")
    raise SpecError("base.data", f"the data audit failed label_leak: {leak.message} A search on it would only "
                                 "measure the copy",
                    f"drop {feature!r} (list the columns to keep in base.data.source.features), or set "
                    "allow_label_leak=true to search anyway")


def _sealed_verdict(prepared: PreparedData) -> Verdict:
    return Verdict(check="test_split_sealed", status="pass",
                   message="Trials, significance runs and the saved model used train and validation rows only; "
                           "the test split was never opened.",
                   evidence={"test_split_hash": prepared.splits.hashes["test"],
                             "test_rows": prepared.splits.sizes["test"]})


def _health_verdict(result: TuneHyperparamsResult, crashed_workers: int) -> Verdict:
    counts = result.counts
    evidence = {"complete": counts.complete, "pruned": counts.pruned, "failed": counts.failed,
                "crashed_workers": crashed_workers}
    if counts.complete == 0:
        return Verdict(check="trials_completed", status="fail", evidence=evidence,
                       message=f"No trial completed ({counts.failed} failed, {counts.pruned} pruned).",
                       fix="Read counts.failure_reasons; fix the base experiment or shrink the space to values "
                           "that train, then call again with the same study_name to extend the study.")
    if counts.failed > counts.complete or crashed_workers:
        return Verdict(check="trials_completed", status="warn", evidence=evidence,
                       message=f"{counts.failed} of {counts.total} trials failed"
                               + (f" and {crashed_workers} worker(s) crashed" if crashed_workers else "") + ".",
                       fix="Read counts.failure_reasons and the tune-worker-*.log files in the run folder; "
                           "exclude the ranges that fail from the space.")
    return Verdict(check="trials_completed", status="pass", evidence=evidence,
                   message=f"{counts.complete} trials completed, {counts.pruned} pruned, {counts.failed} failed.")


def _gap_verdict(fitted: FitResult, objective: Objective) -> Verdict:
    """Train minus validation on the objective's metric when it is a higher-is-better task metric, else
    on the task's headline one."""
    name = objective.metric if objective.metric in fitted.train_metrics else fitted.metric_name
    if name in MINIMIZED:
        name = fitted.metric_name
    train_value, val_value = fitted.train_metrics[name], fitted.val_metrics[name]
    gap = train_value - val_value
    evidence = {"metric": name, "train": round(train_value, 4), "val": round(val_value, 4), "gap": round(gap, 4)}
    if gap > GAP_LIMIT:
        return Verdict(check="train_val_gap", status="warn", evidence=evidence,
                       message=f"The best model overfits: train {name} {train_value:.3f} vs validation "
                               f"{val_value:.3f} (gap {gap:.3f} > {GAP_LIMIT}).",
                       fix="Add regularisation to the space (training.weight_decay up to 1e-2, log; model.dropout "
                           "0 to 0.5) or search fewer training.epochs.")
    return Verdict(check="train_val_gap", status="pass", evidence=evidence,
                   message=f"The best model's train/validation {name} gap is {gap:.3f} (limit {GAP_LIMIT}).")


def _confirm_cost_verdict(spec: TuneHyperparamsSpec, result: TuneHyperparamsResult, confirm_s: float,
                          searched_s: float) -> Verdict:
    """What confirming the best cost against the search; a warning when it dwarfs it."""
    ratio = confirm_s / searched_s if searched_s > 0 else 0.0
    evidence = {"confirm_seconds": round(confirm_s, 2), "search_seconds": round(searched_s, 2),
                "ratio": round(ratio, 3), "trainings": result.confirm_trainings,
                "estimated_seconds": result.confirm_estimate_s, "significance_seeds": spec.significance_seeds}
    stated = (f", estimated at {result.confirm_estimate_s:.0f} s before it started"
              if result.confirm_estimate_s is not None else "")
    numbers = (f"confirming the best took {confirm_s:.0f} s for {result.confirm_trainings} full trainings"
               f"{stated}, {ratio:.2g}x the {searched_s:.0f} s search")
    if ratio <= CONFIRM_SHARE_LIMIT:
        return Verdict(check="confirmation_cost", status="pass", evidence=evidence, message=numbers[0].upper()
                       + numbers[1:] + ".")
    return Verdict(check="confirmation_cost", status="warn", evidence=evidence,
                   message=numbers[0].upper() + numbers[1:] + ": the check cost more than the search itself.",
                   fix="Lower significance_seeds (3 pairs still test), or give the search more trials or "
                       "n_workers so confirming is a smaller share of the call; the estimate is in the progress "
                       "message before it starts.")


def _significance_verdict(significance: Significance) -> Verdict:
    s = significance
    evidence = {"verdict": s.verdict, "gain": _maybe_round(s.gain), "ci_low": _maybe_round(s.ci_low),
                "ci_high": _maybe_round(s.ci_high), "p_value": _maybe_round(s.p_value), "n": s.n,
                "compared_on": s.compared_on}
    if s.verdict == "better":
        return Verdict(check="best_beats_base", status="pass", evidence=evidence,
                       message=f"The best configuration beats the base on {s.n} {s.compared_on}: gain {s.gain:+.4f} "
                               f"(95% CI {s.ci_low:+.4f} to {s.ci_high:+.4f}, p={s.p_value:.3g}).")
    if s.verdict == "not_tested":
        return Verdict(check="best_beats_base", status="warn", evidence=evidence,
                       message="The best configuration was not compared with the base (significance_seeds=0).",
                       fix="Call again with significance_seeds of 3 to 5 before adopting the new settings.")
    if s.verdict == "worse":
        return Verdict(check="best_beats_base", status="fail", evidence=evidence,
                       message=f"Retrained on fresh {s.compared_on}, the search's best is worse than the base "
                               f"(gain {s.gain:+.4f}, p={s.p_value:.3g}): its search score was luck.",
                       fix="Keep the base configuration; search with seeds_per_trial 2-3 or cv_folds so trials "
                           "are scored on less noise.")
    return Verdict(check="best_beats_base", status="warn", evidence=evidence,
                   message=f"No evidence that the best beats the base on {s.n} {s.compared_on}: gain {s.gain:+.4f} "
                           f"(95% CI {s.ci_low:+.4f} to {s.ci_high:+.4f}, p={s.p_value:.3g}).",
                   fix="Keep the base configuration, or raise significance_seeds (more pairs) and extend the "
                       "study with the suggested_space.")


def _boundary_verdicts(spec: TuneHyperparamsSpec, best_params: dict) -> list[Verdict]:
    """A best value at the edge of its range: the optimum may lie outside the space."""
    found = []
    for name, param in spec.space.items():
        if not isinstance(param, FloatParam | IntParam) or name not in best_params:
            continue
        axis = math.log if param.log else float
        share = (axis(best_params[name]) - axis(param.low)) / (axis(param.high) - axis(param.low))
        if BOUNDARY_SHARE < share < 1 - BOUNDARY_SHARE:
            continue
        edge, bound = ("low", param.low) if share <= BOUNDARY_SHARE else ("high", param.high)
        found.append(Verdict(
            check="best_at_range_edge", status="warn",
            evidence={"parameter": name, "best": best_params[name], "edge": edge, "bound": bound},
            message=f"The best {name} ({best_params[name]:.4g}) sits at the {edge} end of its range ({bound}).",
            fix=f"Extend space.{name} beyond {bound} ({'down' if edge == 'low' else 'up'}) and extend the study."))
    return found


# --- pictures, curves, numbers, words -------------------------------------------------------

def _write_plots(spec: TuneHyperparamsSpec, objectives: list[Objective], task: str, trials: list,
                 result: TuneHyperparamsResult, job: JobContext, base_value: float | None) -> None:
    maximize = objectives[0].resolved_direction == "maximize"
    # A pruned trial's value is its last pruning signal: drawn only when that is the objective itself.
    comparable = pruning_signal(objectives[0], task) == (objectives[0].metric, 1.0)
    job.add_artifact("tune_history.png", "plot", plots.history_png(trials, result.objectives[0], maximize, base_value,
                                                                   show_pruned=comparable))
    if result.importances:
        job.add_artifact("tune_importances.png", "plot", plots.importances_png(result.importances))
    if len(spec.objectives) == 2:
        job.add_artifact("tune_pareto.png", "plot", plots.pareto_png(
            trials, {p.number for p in result.pareto_front}, result.objectives))


def _curves(trials: list, maximize: bool) -> dict[str, Curve]:
    complete = [(t.number, t.values[0]) for t in trials if t.state.name == "COMPLETE"]
    if not complete:
        return {}
    numbers, values = [n for n, _ in complete], [v for _, v in complete]
    best, running = [], None
    for value in values:
        running = value if running is None else (max(running, value) if maximize else min(running, value))
        best.append(running)
    return {"trial_value": Curve.from_series(numbers, values, x_label="trial"),
            "best_so_far": Curve.from_series(numbers, best, x_label="trial")}


def _metrics(result: TuneHyperparamsResult, searched_s: float, confirm_s: float, total_s: float) -> dict[str, float]:
    counts, s = result.counts, result.significance
    metrics = {"trials_total": counts.total, "trials_added": counts.added_by_this_call,
               "trials_complete": counts.complete, "trials_pruned": counts.pruned, "trials_failed": counts.failed,
               "search_seconds": round(searched_s, 2), "confirm_seconds": round(confirm_s, 2),
               "confirm_to_search_ratio": round(confirm_s / searched_s, 3) if searched_s > 0 else 0.0,
               "total_seconds": round(total_s, 2)}
    optional = {"best_value": result.best_value, "confirmed_value": result.confirmed_value,
                "gain_over_base": s.gain if s else None, "p_value": s.p_value if s else None}
    metrics.update({k: round(float(v), 6) for k, v in optional.items() if v is not None})
    return {k: float(v) for k, v in metrics.items()}


def _maybe_round(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def _summary(spec: TuneHyperparamsSpec, result: TuneHyperparamsResult, searched_s: float, confirm_s: float,
             leak: Verdict | None) -> str:
    c = result.counts
    warning = ""
    if leak is not None:
        warning = (f"Not to be trusted while feature {leak.evidence.get('best_feature')!r} is in the data: label_leak "
                   f"{leak.status} (it alone scores {leak.evidence.get('best_score')}). ")
    unhealthy = f" ({c.unhealthy} as unhealthy)" if c.unhealthy else ""
    first = (warning + f"Ran {c.added_by_this_call} trials ({c.complete} complete, {c.pruned} pruned{unhealthy}, "
             f"{c.failed} failed in the study) with {spec.sampler}/{spec.pruner} on {spec.n_workers} worker(s) in "
             f"{searched_s:.0f} s.")
    if result.best_trial is None:
        return first + " No trial completed, so there is no best configuration; see counts.failure_reasons."
    metric = result.objectives[0].rsplit(",", 1)[0]
    second = (f" Best {metric} {result.best_value:.4f} at trial #{result.best_trial} "
              f"({_describe(result.best_params)}).")
    s = result.significance
    if s is None or s.verdict == "not_tested":
        third = f" Saved as run {result.best_run_id}; not compared with the base."
    else:
        word = {"better": "better than", "worse": "worse than", "not_significant": "not significantly better than"}
        third = (f" Retrained on {s.n} fresh {s.compared_on} it scores {result.confirmed_value:.4f}, "
                 f"{word[s.verdict]} the base (gain {s.gain:+.4f}, p={s.p_value:.2g}); saved as run "
                 f"{result.best_run_id}")
        third += f" after {result.confirm_trainings} confirming trainings ({confirm_s:.0f} s)."
    return first + second + third


def _describe(values: dict) -> str:
    return ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items())
