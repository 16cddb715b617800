"""Writes the fault set's training logs (run once; the files are committed next to this script).

The CSV/JSON logs are shaped like the logs Keras CSVLogger, Lightning's CSVLogger and hand-written
JSON-lines loggers write; the wandb folder is a real offline run of an overfitting MLP.
"""

import csv
import json
import math
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
rng = np.random.default_rng(0)


def keras_overfit() -> None:
    with open(HERE / "keras_overfit.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["epoch", "loss", "accuracy", "val_loss", "val_accuracy"])
        for e in range(30):
            train_loss = 1.2 * math.exp(-e / 6) + 0.02
            val_loss = 0.55 + 0.012 * (e - 9) ** 2 / 3 if e > 9 else 1.2 * math.exp(-e / 6) + 0.15
            w.writerow([e, round(train_loss, 4), round(min(0.999, 0.6 + 0.4 * (1 - math.exp(-e / 5))), 4),
                        round(val_loss + rng.normal(0, 0.01), 4),
                        round(0.78 - 0.003 * max(0, e - 9) + rng.normal(0, 0.005), 4)])


def plateau_steps() -> None:
    with open(HERE / "plateau_steps.jsonl", "w") as f:
        for s in range(400):
            row = {"step": s, "train/loss": round(1.4 + 0.9 * math.exp(-s / 40) + rng.normal(0, 0.02), 4)}
            if s % 50 == 49:
                row["val/loss"] = round(1.45 + 0.9 * math.exp(-s / 40), 4)
                row["val/acc"] = round(0.41 + rng.normal(0, 0.005), 4)
            f.write(json.dumps(row) + "\n")


def lightning_oscillating() -> None:
    with open(HERE / "lightning_oscillating.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["epoch", "step", "train_loss", "val_loss", "val_acc"])
        for e in range(20):
            w.writerow([e, (e + 1) * 100, round(0.6 - 0.01 * e + 0.08 * (-1) ** e, 4),
                        round(0.7 + 0.1 * (-1) ** e, 4), round(78 + 6 * (-1) ** e + rng.normal(0, 0.5), 2)])


def diverged() -> None:
    with open(HERE / "diverged.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["step", "loss", "lr"])
        for s in range(120):
            loss = 2.3 - 0.01 * s if s < 60 else 2.3 * 1.25 ** (s - 60)
            w.writerow([s, "nan" if s > 100 else round(loss, 4), 0.5])


def healthy() -> None:
    epochs = list(range(1, 21))
    columns = {
        "epoch": epochs,
        "train_loss": [round(2.3 * math.exp(-e / 4) + 0.05, 4) for e in epochs],
        "val_loss": [round(2.3 * math.exp(-e / 4) + 0.09 + rng.normal(0, 0.005), 4) for e in epochs],
        "train_acc": [round(min(0.99, 1 - 0.9 * math.exp(-e / 3)), 4) for e in epochs],
        "val_acc": [round(min(0.97, 1 - 0.9 * math.exp(-e / 3) - 0.02 + rng.normal(0, 0.004)), 4) for e in epochs]}
    (HERE / "healthy_history.json").write_text(json.dumps(columns))


def wandb_overfit_run() -> None:
    """A real run: a wide MLP on 300 noisy synthetic rows, logged to wandb offline."""
    import torch
    import wandb

    from ml_expert.tools.job import JobContext
    from ml_expert.tools.train.loop import fit
    from ml_expert.tools.train.spec import ExperimentSpec

    torch.set_num_threads(1)
    work = Path(tempfile.mkdtemp())
    experiment = ExperimentSpec.model_validate({
        "model": {"kind": "builtin", "family": "mlp", "width": 256, "depth": 3},
        "data": {"source": {"kind": "synthetic", "n_samples": 300, "n_features": 40, "n_informative": 5,
                            "label_noise": 0.15}},
        "training": {"epochs": 60, "batch_size": 32, "lr": 0.003}})
    result = fit(experiment, JobContext.local(work))
    os.environ.update(WANDB_MODE="offline", WANDB_SILENT="true", WANDB_DIR=str(work),
                      WANDB_CONFIG_DIR=str(work / "c"), WANDB_CACHE_DIR=str(work / "cc"), WANDB_DATA_DIR=str(work))
    run = wandb.init(project="faults", mode="offline", dir=str(work), id="overfit01")
    for row in result.history:
        run.log({"epoch": row["epoch"], "train/loss": row["train_loss"], "val/loss": row["val_loss"],
                 "train/acc": row["train_metric"], "val/acc": row["val_metric"]})
    run.finish()
    source = next(work.glob("wandb/offline-run-*"))
    target = HERE / "wandb_overfit"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir()
    shutil.copy(next(source.glob("*.wandb")), target / "run-overfit01.wandb")


if __name__ == "__main__":
    keras_overfit()
    plateau_steps()
    lightning_oscillating()
    diverged()
    healthy()
    wandb_overfit_run()
