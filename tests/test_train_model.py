"""train_model: early stopping on validation, the best checkpoint kept, verdicts, and a run later tools load."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import load_run
from ml_expert.tools.train.run import train_model
from ml_expert.tools.train.schema import TrainModelSpec

WINE = {"source": {"kind": "bundled", "name": "wine"}}


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def train(tmp_path, **fields):
    job = JobContext.local(tmp_path, roots=[tmp_path])
    events: list[dict] = []
    job._emit = events.append
    spec = TrainModelSpec.model_validate({"model": {"kind": "builtin", "family": "mlp", "width": 32},
                                          "data": WINE, "training": {"epochs": 12, "lr": 3e-3}, **fields})
    return train_model(spec, job), job, events


def test_trains_to_the_target_keeps_the_best_epoch_and_saves_a_loadable_run(tmp_path):
    result, job, events = train(tmp_path, target={"metric": "accuracy", "value": 0.9})
    target = next(v for v in result.verdicts if v.check == "target")
    assert target.status == "pass" and result.target_epoch == target.evidence["reached_epoch"]
    assert f"at epoch {result.target_epoch}" in target.message and "≥ 0.9" in target.message
    history = json.loads((job.run_dir / "history.json").read_text())
    kept = history[result.best_epoch - 1]["val_metric"]
    assert kept == max(row["val_metric"] for row in history)
    tied = [row for row in history if row["val_metric"] == kept]  # a tie goes to the lower validation loss
    assert history[result.best_epoch - 1]["val_loss"] == min(row["val_loss"] for row in tied)
    assert result.metrics["val_accuracy"] == pytest.approx(kept)  # the final score is the kept epoch's
    assert {"val_macro_f1", "val_log_loss", "val_balanced_accuracy"} <= set(result.metrics)
    assert {"model.pt", "model.yaml", "preprocessing.json", "experiment.json", "learning_curves.png"} <= {
        a.name for a in result.artifacts}
    assert next(v for v in result.verdicts if v.check == "test_split_sealed").status == "pass"
    assert result.provenance.dataset_version and result.provenance.seeds["train"] == 0
    # Progress names the epoch, the metric and an ETA.
    messages = [e["message"] for e in events if e["type"] == "progress"]
    assert any("val accuracy" in m and "ETA" in m for m in messages)

    loaded = load_run(job.run_id, JobContext.local(tmp_path))
    val = prepare_data(DataSpec.model_validate(WINE), job).splits.val
    with torch.no_grad():
        predicted = loaded.module.eval()(torch.from_numpy(loaded.preprocessing.transform(val.X))).argmax(1).numpy()
    assert float((predicted == val.y).mean()) == pytest.approx(kept)


def test_patience_stops_early_and_an_unreachable_target_fails(tmp_path):
    result, _, _ = train(tmp_path, patience=1, training={"epochs": 200, "lr": 3e-2},
                         target={"metric": "accuracy", "value": 1.01})
    assert result.stopped == "early_stopping" and result.epochs_run < 200
    target = next(v for v in result.verdicts if v.check == "target")
    assert target.status == "fail" and target.fix and result.target_epoch is None


def test_imbalanced_data_judges_balanced_accuracy_and_says_so(tmp_path):
    data = {"source": {"kind": "synthetic", "n_samples": 600, "n_features": 8, "imbalance_ratio": 8}}
    result, _, _ = train(tmp_path, data=data, training={"epochs": 3})
    assert result.metric == "balanced_accuracy"
    assert "balanced_accuracy because the training classes are imbalanced" in result.summary
    gap = next(v for v in result.verdicts if v.check == "train_val_gap")
    assert gap.evidence["metric"] == "balanced_accuracy"


def test_regression_reports_metrics_in_the_targets_units(tmp_path):
    data = {"source": {"kind": "bundled", "name": "diabetes"}}
    result, _, _ = train(tmp_path, data=data, training={"epochs": 5})
    assert result.metric == "r2" and {"val_rmse", "val_mae", "val_r2"} <= set(result.metrics)
    assert result.metrics["val_mae"] > 10  # diabetes targets run from 25 to 346: units, not standard deviations
    assert np.isfinite(result.metrics["val_r2"])


def test_a_target_metric_of_the_wrong_task_names_the_field(tmp_path):
    with pytest.raises(SpecError, match="target.metric: 'r2' does not apply to classification"):
        train(tmp_path, target={"metric": "r2", "value": 0.5})


def test_the_run_is_a_model_later_tools_accept(tmp_path):
    """diagnose (experiment mode) and tune train `{'kind': 'run'}` models through the shared trainer."""
    from ml_expert.tools.train.loop import fit
    from ml_expert.tools.train.spec import ExperimentSpec

    result, job, _ = train(tmp_path)
    experiment = ExperimentSpec.model_validate({"model": {"kind": "run", "run_id": job.run_id}, "data": WINE,
                                                "training": {"epochs": 1, "lr": 1e-6}})
    continued = fit(experiment, JobContext.local(tmp_path, roots=[tmp_path]))
    assert continued.val_metric == pytest.approx(result.metrics["val_accuracy"], abs=0.04)  # trained weights
    assert continued.loaded.config["from_run"] == job.run_id


@pytest.mark.slow
def test_epochs_are_logged_to_wandb_offline(tmp_path):
    job = JobContext.local(tmp_path, tracking="wandb-offline")
    spec = TrainModelSpec.model_validate({"model": {"kind": "builtin", "family": "mlp", "width": 8},
                                          "data": {"source": {"kind": "bundled", "name": "iris"}},
                                          "training": {"epochs": 3}})
    train_model(spec, job)
    folder = job.tracker.finish()
    assert folder is not None and folder.is_relative_to(tmp_path / "wandb")
    [log] = folder.glob("*.wandb")
    assert log.stat().st_size > 0


def test_agent_code_trains_and_its_run_keeps_the_code(tmp_path):
    from pathlib import Path

    fixture = Path(__file__).parent / "fixtures" / "profile" / "tiny_models.py"
    (tmp_path / "net.py").write_text(fixture.read_text())
    result, job, _ = train(tmp_path, model={"kind": "code", "target": str(tmp_path / "net.py") + ":mlp",
                                            "kwargs": {"features": 4, "classes": 3}},
                           data={"source": {"kind": "bundled", "name": "iris"}}, training={"epochs": 20, "lr": 1e-2})
    assert result.metrics["val_accuracy"] > 0.8
    assert "model_code.py" in {a.name for a in result.artifacts}
    assert load_run(job.run_id, JobContext.local(tmp_path, roots=[tmp_path])).preprocessing is not None


def test_the_curves_so_far_are_in_the_run_folder_while_training(tmp_path):
    """A run cancelled mid-way still has its curves on disk."""
    from ml_expert.tools.train.callbacks import Callback
    from ml_expert.tools.train.loop import fit
    from ml_expert.tools.train.spec import ExperimentSpec
    from ml_expert.tools.train.watch import HISTORY_FILE, BestCheckpoint, Progress

    job = JobContext.local(tmp_path)
    seen = []

    class Look(Callback):
        def on_epoch_end(self, state):
            seen.append(json.loads((job.run_dir / HISTORY_FILE).read_text()))

    best = BestCheckpoint("accuracy", None)
    experiment = ExperimentSpec.model_validate({"model": {"kind": "builtin", "family": "mlp", "width": 8},
                                                "data": WINE, "training": {"epochs": 2}})
    fit(experiment, job, callbacks=[best, Progress(job, "accuracy", best), Look()])
    assert [len(rows) for rows in seen[:1]] == [1] and seen[0][0]["epoch"] == 1
