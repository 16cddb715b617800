"""How many trials really get compared: trials past each pruning rung, and the confirmation's cost.

    .venv/bin/python bench/bench_tune_rungs.py [--trials 20] [--epochs 10] [--seeds 0,1]

A small task (not used by the tests): synthetic 4 classes, 1500 rows x 12 features, an MLP
trained --epochs epochs; the bench space's lr, width, depth and dropout. tune_hyperparams runs
with its defaults (TPE, ASHA, one worker, 5 significance seeds) twice per seed: once with the old
pruning default (ASHA from a tenth of the epochs, reduction factor 3) and once with the current
one. Per run it prints how many trials reached each rung of epochs, how many completed, and the
search and confirmation times and their ratio.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

SPACE = {
    "training.lr": {"type": "float", "low": 1e-5, "high": 1.0, "log": True},
    "model.width": {"type": "int", "low": 4, "high": 256, "log": True},
    "model.depth": {"type": "int", "low": 1, "high": 3},
    "model.dropout": {"type": "float", "low": 0.0, "high": 0.5},
}


def one_run(trials: int, epochs: int, seed: int, min_epochs: int | None, reduction: int) -> dict:
    from ml_expert.tools.job import JobContext
    from ml_expert.tools.tune import study
    from ml_expert.tools.tune.run import tune_hyperparams
    from ml_expert.tools.tune.schema import TuneHyperparamsSpec
    from ml_expert.tools.tune.study import min_epochs_before_pruning

    base = {"model": {"kind": "builtin", "family": "mlp"},
            "data": {"source": {"kind": "synthetic", "n_samples": 1500, "n_features": 12, "n_classes": 4,
                                "seed": 5}},
            "training": {"epochs": epochs, "batch_size": 64}}
    spec = TuneHyperparamsSpec.model_validate({"base": base, "space": SPACE, "n_trials": trials, "seed": seed,
                                               "min_epochs_before_pruning": min_epochs})
    first = min_epochs_before_pruning(spec)
    default_reduction, study.ASHA_REDUCTION = study.ASHA_REDUCTION, reduction  # one worker: this process only
    try:
        with tempfile.TemporaryDirectory() as workspace:
            job = JobContext.local(Path(workspace), seed=seed)
            result = tune_hyperparams(spec, job)
            rows = json.loads((job.run_dir / "tune_trials.json").read_text())
    finally:
        study.ASHA_REDUCTION = default_reduction
    rungs = sorted({first * reduction ** k for k in range(8) if first * reduction ** k < epochs} | {epochs})
    reached = {r: sum((row["epochs"] or 0) >= r for row in rows) for r in rungs}
    m = result.metrics
    return {"first_rung": first, "reached": reached, "complete": result.counts.complete, "total": len(rows),
            "search_s": m["search_seconds"], "confirm_s": m["confirm_seconds"],
            "ratio": m["confirm_to_search_ratio"], "estimate_s": result.confirm_estimate_s,
            "trainings": result.confirm_trainings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seeds", default="0,1")
    args = parser.parse_args()
    import optuna
    import torch

    from ml_expert.tools.tune.study import ASHA_REDUCTION

    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    old_first = max(1, round(args.epochs / 10))
    for seed in map(int, args.seeds.split(",")):
        for label, min_epochs, reduction in (("old default", old_first, 3), ("default", None, ASHA_REDUCTION)):
            r = one_run(args.trials, args.epochs, seed, min_epochs, reduction)
            rungs = ", ".join(f">={k} epochs: {v}" for k, v in r["reached"].items())
            print(f"seed {seed} {label:11s} (ASHA from epoch {r['first_rung']}, factor {reduction}): complete {r['complete']}/{r['total']} ({rungs}); search "
                  f"{r['search_s']:.1f} s, confirmation {r['confirm_s']:.1f} s ({r['trainings']} trainings, "
                  f"estimated {r['estimate_s']} s), confirmation/search x{r['ratio']:.2f}", flush=True)


if __name__ == "__main__":
    main()
