"""Trial-health pruning: time to a target score on a space where a third of the configurations diverge.

    .venv/bin/python bench/bench_tune_health.py [--trials 20] [--seeds 0,1] [--target 0.85] [--pruner asha]

The task (not used by the tests): synthetic 4 classes, 2000 rows x 16 features, an MLP trained 12
epochs with SGD; the space: lr log-uniform in 1e-3..30 (above about 1 the loss diverges or the
ReLUs die: a third of the range) and width 16..128. tune_hyperparams runs twice per seed, TPE
with --pruner (default asha; 'none' shows health pruning alone), one worker, significance off:
with trial-health pruning and without it.
Time to target counts from the start to the end of the first trial reaching the target (a run
that never gets there counts as infinitely slow). Prints one line per run, then the medians and
their ratio.
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

SPACE = {"training.lr": {"type": "float", "low": 1e-3, "high": 30.0, "log": True},
         "model.width": {"type": "int", "low": 16, "high": 128, "log": True}}
BASE = {"model": {"kind": "builtin", "family": "mlp"},
        "data": {"source": {"kind": "synthetic", "n_samples": 2000, "n_features": 16, "n_classes": 4, "seed": 7}},
        "training": {"epochs": 12, "batch_size": 32, "optimizer": "sgd", "lr": 0.01}}


def one_run(trials: int, seed: int, target: float, health: bool, pruner: str) -> dict:
    import optuna

    from ml_expert.tools.job import JobContext
    from ml_expert.tools.tune.run import tune_hyperparams
    from ml_expert.tools.tune.schema import TuneHyperparamsSpec
    from ml_expert.tools.tune.study import open_storage

    spec = TuneHyperparamsSpec.model_validate({"base": BASE, "space": SPACE, "n_trials": trials, "seed": seed,
                                               "significance_seeds": 0, "health_pruning": health,
                                               "pruner": pruner})
    with tempfile.TemporaryDirectory() as workspace:
        started, clock = datetime.now(), time.perf_counter()
        result = tune_hyperparams(spec, JobContext.local(Path(workspace), seed=seed))
        total = time.perf_counter() - clock
        study = optuna.load_study(study_name=result.study_name, storage=open_storage(result.storage))
        hits = sorted((t.datetime_complete - started).total_seconds() for t in study.get_trials()
                      if t.state.name == "COMPLETE" and t.value >= target)
    return {"to_target": hits[0] if hits else math.inf, "total": total, "best": result.best_value,
            "unhealthy": result.counts.unhealthy, "pruned": result.counts.pruned,
            "complete": result.counts.complete, "failed": result.counts.failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--target", type=float, default=0.85)
    parser.add_argument("--pruner", default="asha")
    args = parser.parse_args()
    import optuna
    import torch

    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    runs: dict[bool, list[dict]] = {True: [], False: []}
    for seed in map(int, args.seeds.split(",")):
        for health in (False, True):
            r = one_run(args.trials, seed, args.target, health, args.pruner)
            runs[health].append(r)
            print(f"seed {seed} health pruning {'on ' if health else 'off'}: to target {r['to_target']:6.1f} s, "
                  f"total {r['total']:6.1f} s, best {r['best']:.4f}; {r['complete']} complete, {r['pruned']} pruned "
                  f"({r['unhealthy']} unhealthy), {r['failed']} failed", flush=True)
    medians = {h: statistics.median(r["to_target"] for r in done) for h, done in runs.items()}
    totals = {h: statistics.median(r["total"] for r in done) for h, done in runs.items()}
    print(f"\nmedian time to target {args.target}: {medians[False]:.1f} s without, {medians[True]:.1f} s with "
          f"(x{medians[True] / medians[False]:.2f}); median total {totals[False]:.1f} s vs {totals[True]:.1f} s")


if __name__ == "__main__":
    main()
