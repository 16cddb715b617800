"""Time to a target validation score: tune_hyperparams against two baselines, same trial budget.

    .venv/bin/python bench/bench_tune.py [--trials 50] [--reps 3] [--target 0.78] [--workers 2]
        [--task balanced|imbalanced] [--significance-seeds 0]

The task (not used by the tests): a synthetic 8-class problem, 8000 rows x 30 features (15
informative; 4400 train, 2400 validation rows), an MLP trained 20 epochs; the space has 7
parameters: lr (1e-5..1, log), width (4..512, log), depth (1..4), dropout (0..0.6), weight decay
(1e-6..0.1, log), batch size (32..512) and optimizer (adamw, sgd). Methods, in turn per
repetition (seed = repetition):

  random  plain random search, no pruning, one trial at a time (data loaded once)
  naive   Optuna's defaults used naively: TPESampler(), MedianPruner() fed every epoch, one
          worker, the data reloaded (and audited) for every trial
  tune    tune_hyperparams with its defaults (TPE; ASHA from a tenth of the epochs, here 2;
          the base configuration as the first trial) in --workers processes (significance test
          off: this measures the search). Its trials skip the per-epoch train metric, which the
          search never reads; the baselines run the training loop as it is, measuring both
          (about a fifth of a trial's time on this task).
  tune1   the same with one process, the tool's default n_workers (--methods random,naive,tune1)

--task imbalanced gives the classes a 8:1 largest-to-smallest ratio and scores every method by
validation balanced accuracy (tune's default objective there); pick a --target to match (about
0.6). Each run's line shows the share of trials that completed (the rest pruned), and with
--significance-seeds N tune's confirmation (best and base retrained on N seeds) and its cost
against the search.

Every method trains with one torch thread per process (the fastest setting for these small
models on this machine; tune's workers each get cores / workers threads, here 1). Time to target
counts from the start of the method (tune's includes starting its worker processes) to the end of
the first trial that reaches the target; a run that never reaches it counts as infinitely slow
(counting its run time instead would reward a search that stops early without getting there).
Final quality: each method's best parameters retrained on 3 fresh seeds (a method's own "best"
is inflated by selection among noisy trials, more so the more trials it completed).
Prints one line per run, then medians and ratios.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

SPACE = {
    "training.lr": {"type": "float", "low": 1e-5, "high": 1.0, "log": True},
    "model.width": {"type": "int", "low": 4, "high": 512, "log": True},
    "model.depth": {"type": "int", "low": 1, "high": 4},
    "model.dropout": {"type": "float", "low": 0.0, "high": 0.6},
    "training.weight_decay": {"type": "float", "low": 1e-6, "high": 0.1, "log": True},
    "training.batch_size": {"type": "categorical", "choices": [32, 64, 128, 256, 512]},
    "training.optimizer": {"type": "categorical", "choices": ["adamw", "sgd"]},
}
BASE = {"model": {"kind": "builtin", "family": "mlp"},
        "data": {"source": {"kind": "synthetic", "n_samples": 8000, "n_features": 30, "n_informative": 15,
                            "n_classes": 8, "seed": 3},
                 "split": {"val_fraction": 0.3}},
        "training": {"epochs": 20}}
IMBALANCED = {**BASE, "data": {**BASE["data"], "source": {**BASE["data"]["source"], "imbalance_ratio": 8.0}}}
TASK = {"balanced": (BASE, "accuracy"), "imbalanced": (IMBALANCED, "balanced_accuracy")}
VAL_ROWS = 2400
CONFIRM_SEEDS = (1000, 1001, 1002)
task_base, task_metric = BASE, "accuracy"  # set from --task in main()


class Run:
    """When each trial of one method ended and with what value."""

    def __init__(self, method: str, target: float):
        self.method, self.target = method, target
        self.start = time.perf_counter()
        self.ends: list[tuple[float, float | None]] = []  # (seconds since start, value or None if pruned)
        self.total_s = math.nan
        self.best_params: dict = {}
        self.confirmed = math.nan  # the best parameters retrained on fresh seeds: free of selection luck
        self.search_s = self.confirm_s = math.nan  # tune only: its search and its confirmation

    def trial_ended(self, value: float | None, at_s: float | None = None) -> None:
        self.ends.append((time.perf_counter() - self.start if at_s is None else at_s, value))

    def finish(self) -> Run:
        self.total_s = time.perf_counter() - self.start
        return self

    @property
    def best(self) -> float:
        return max(v for _, v in self.ends if v is not None)

    @property
    def time_to_target(self) -> float | None:
        hits = sorted(t for t, v in self.ends if v is not None and v >= self.target)
        return hits[0] if hits else None

    @property
    def pruned(self) -> int:
        return sum(v is None for _, v in self.ends)

    @property
    def complete_share(self) -> float:
        return 1 - self.pruned / len(self.ends) if self.ends else math.nan


def _spec(trials: int, seed: int, **fields):
    from ml_expert.tools.tune.schema import TuneHyperparamsSpec

    return TuneHyperparamsSpec.model_validate({"base": task_base, "space": SPACE, "n_trials": trials, "seed": seed,
                                               "significance_seeds": 0, **fields})


def plain_random(trials: int, seed: int, target: float, workspace: Path) -> Run:
    import optuna

    from ml_expert.tools.data.prepare import prepare_data
    from ml_expert.tools.job import JobContext
    from ml_expert.tools.train.loop import fit
    from ml_expert.tools.train.overrides import apply_overrides
    from ml_expert.tools.tune.space import suggest

    run = Run("random", target)
    spec = _spec(trials, seed)
    job = JobContext.local(workspace, seed=seed)
    prepared = prepare_data(spec.base.data, job)
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=seed))
    for _ in range(trials):
        trial = study.ask()
        experiment = apply_overrides(spec.base, suggest(trial, spec.space), "space")
        value = fit(experiment, job, prepared=prepared, seed=seed).val_metrics[task_metric]
        study.tell(trial, value)
        run.trial_ended(value)
    run.best_params = study.best_params
    return run.finish()


def naive_optuna(trials: int, seed: int, target: float, workspace: Path) -> Run:
    import optuna

    from ml_expert.tools.job import JobContext
    from ml_expert.tools.train.callbacks import Callback, StopFit
    from ml_expert.tools.train.loop import fit
    from ml_expert.tools.train.overrides import apply_overrides
    from ml_expert.tools.tune.space import suggest

    run = Run("naive", target)
    spec = _spec(trials, seed)
    job = JobContext.local(workspace, seed=seed)

    class Report(Callback):
        def __init__(self, trial):
            self.trial = trial

        def on_epoch_end(self, state) -> None:
            self.trial.report(state.val_scores[task_metric], state.epoch)
            if self.trial.should_prune():
                raise StopFit("pruned")

    def objective(trial) -> float:
        experiment = apply_overrides(spec.base, suggest(trial, spec.space), "space")
        result = fit(experiment, job, callbacks=[Report(trial)], seed=seed)  # no `prepared`: loads the data
        if result.stopped_reason == "pruned":
            run.trial_ended(None)
            raise optuna.TrialPruned()
        run.trial_ended(result.val_metrics[task_metric])
        return result.val_metrics[task_metric]

    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed),
                                pruner=optuna.pruners.MedianPruner())
    study.optimize(objective, n_trials=trials)
    run.best_params = study.best_params
    return run.finish()


def tuned(trials: int, seed: int, target: float, workspace: Path, workers: int, pruner: str,
          min_epochs: int | None, significance_seeds: int = 0) -> Run:
    import optuna

    from ml_expert.tools.job import JobContext
    from ml_expert.tools.tune.run import tune_hyperparams
    from ml_expert.tools.tune.study import open_storage

    run = Run("tune", target)
    started = datetime.now()
    spec = _spec(trials, seed, n_workers=workers, pruner=pruner, min_epochs_before_pruning=min_epochs,
                 significance_seeds=significance_seeds)
    result = tune_hyperparams(spec, JobContext.local(workspace, seed=seed))
    run.finish()
    run.best_params = result.best_params
    run.search_s, run.confirm_s = result.metrics["search_seconds"], result.metrics["confirm_seconds"]
    study = optuna.load_study(study_name=result.study_name, storage=open_storage(result.storage))
    for trial in study.get_trials():
        at = (trial.datetime_complete - started).total_seconds()
        run.trial_ended(trial.value if trial.state.name == "COMPLETE" else None, at_s=at)
    return run


def confirm(run: Run, workspace: Path) -> None:
    """Mean validation score of the run's best parameters, retrained on fresh seeds."""
    from ml_expert.tools.data.prepare import prepare_data
    from ml_expert.tools.job import JobContext
    from ml_expert.tools.train.loop import fit
    from ml_expert.tools.train.overrides import apply_overrides

    spec = _spec(1, 0)
    job = JobContext.local(workspace)
    prepared = prepare_data(spec.base.data, job)
    experiment = apply_overrides(spec.base, run.best_params, "space")
    run.confirmed = statistics.mean(fit(experiment, job, prepared=prepared, seed=s).val_metrics[task_metric]
                                    for s in CONFIRM_SEEDS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--target", type=float, default=0.78)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pruner", default="asha", help="tune's pruner (asha, hyperband, median, none)")
    parser.add_argument("--min-epochs", type=int, default=None, help="tune's min_epochs_before_pruning")
    parser.add_argument("--methods", default="random,naive,tune")
    parser.add_argument("--task", choices=sorted(TASK), default="balanced")
    parser.add_argument("--significance-seeds", type=int, default=0, help="tune's confirmation (0: off)")
    args = parser.parse_args()
    global task_base, task_metric
    task_base, task_metric = TASK[args.task]
    import optuna
    import torch

    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    methods = {"random": plain_random, "naive": naive_optuna,
               "tune": lambda *a: tuned(*a, workers=args.workers, pruner=args.pruner, min_epochs=args.min_epochs,
                                        significance_seeds=args.significance_seeds),
               "tune1": lambda *a: tuned(*a, workers=1, pruner=args.pruner, min_epochs=args.min_epochs,
                                         significance_seeds=args.significance_seeds)}
    chosen = args.methods.split(",")
    runs: dict[str, list[Run]] = {m: [] for m in chosen}
    print(f"{args.trials} trials per run, target validation {task_metric} {args.target}, {args.reps} repetitions")
    for rep in range(args.reps):
        for method in chosen:
            with tempfile.TemporaryDirectory() as workspace:
                run = methods[method](args.trials, rep, args.target, Path(workspace))
                confirm(run, Path(workspace))
            runs[method].append(run)
            reached = f"{run.time_to_target:6.1f} s" if run.time_to_target is not None else "  never "
            confirmation = (f", confirmation {run.confirm_s:.1f} s = x{run.confirm_s / run.search_s:.2f} the search"
                            if run.confirm_s > 0 else "")
            print(f"rep {rep} {method:6s}: to target {reached}, total {run.total_s:6.1f} s, best {run.best:.4f}, "
                  f"retrained {run.confirmed:.4f}, pruned {run.pruned}/{len(run.ends)}, complete "
                  f"{run.complete_share:.0%}{confirmation}", flush=True)
    print("\nmedians over repetitions (a run that never reached the target counts as infinitely slow):")
    summary = {}
    for method, done in runs.items():
        to_target = statistics.median(r.time_to_target if r.time_to_target is not None else math.inf for r in done)
        summary[method] = to_target
        bests, confirmed = [r.best for r in done], [r.confirmed for r in done]
        print(f"  {method:6s}: to target {to_target:6.1f} s (reached in {sum(r.time_to_target is not None for r in done)}"
              f"/{len(done)}), total {statistics.median(r.total_s for r in done):6.1f} s, best "
              f"{statistics.median(bests):.4f} ({min(bests):.4f}-{max(bests):.4f}), retrained "
              f"{statistics.median(confirmed):.4f} ({min(confirmed):.4f}-{max(confirmed):.4f})")
    print(f"  validation noise: one {task_metric} near {args.target} on {VAL_ROWS} rows has a standard error of "
          f"{math.sqrt(args.target * (1 - args.target) / VAL_ROWS):.4f}")
    for mine in ("tune", "tune1"):
        for baseline in ("random", "naive"):
            if mine in summary and baseline in summary:
                print(f"  {mine} / {baseline}: time to target x{summary[mine] / summary[baseline]:.2f}")


if __name__ == "__main__":
    main()
