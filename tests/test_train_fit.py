"""The shared trainer: learns, repeats itself under a seed, honours overrides, rows, callbacks and stops."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.train.callbacks import Callback, StopFit
from ml_expert.tools.train.loop import fit
from ml_expert.tools.train.spec import ExperimentSpec


@pytest.fixture(autouse=True)
def one_thread():
    # Tiny models train several times faster on one thread, above all on a shared machine.
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _experiment(name="wine", **training) -> ExperimentSpec:
    return ExperimentSpec.model_validate({
        "model": {"kind": "builtin", "family": "mlp", "width": 32},
        "data": {"source": {"kind": "bundled", "name": name}},
        "training": {"epochs": 8, "batch_size": 32, **training}})


@pytest.fixture
def job(tmp_path):
    return JobContext.local(tmp_path, roots=[tmp_path], seed=3)


def test_skipping_the_epoch_train_metric_changes_nothing_else(job):
    full = fit(_experiment(lr=3e-3), job)
    lean = fit(_experiment(lr=3e-3), job, epoch_train_metric=False)
    assert all(math.isnan(row["train_metric"]) for row in lean.history)
    assert [r["val_metric"] for r in lean.history] == [r["val_metric"] for r in full.history]
    assert lean.train_metrics == full.train_metrics  # the final train metric is still measured


def test_classifier_learns_and_reports_higher_is_better_metrics(job):
    result = fit(_experiment(lr=3e-3), job)
    assert result.metric_name == "accuracy" and result.val_metric > 0.85
    assert set(result.val_metrics) == {"loss", "accuracy", "balanced_accuracy", "macro_f1", "log_loss"}
    assert len(result.history) == 8 and result.steps == 8 * math.ceil(124 / 32)
    assert set(result.history[0]) == {"epoch", "step", "train_loss", "val_loss", "train_metric", "val_metric", "lr"}
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    assert result.val_targets.shape == result.val_predictions.shape == (27,)
    assert result.val_outputs.shape == (27, 3)
    assert result.stopped_reason is None and result.seed == 3 and isinstance(result.model, torch.nn.Module)
    assert math.isclose(result.val_metric, float((result.val_predictions == result.val_targets).mean()))


def test_regression_reports_r2_in_the_datas_units(job):
    result = fit(_experiment("diabetes", epochs=20, lr=3e-3), job)
    assert result.metric_name == "r2" and 0.2 < result.val_metric <= 1
    assert result.val_predictions.shape == result.val_targets.shape
    assert 50 < result.val_predictions.mean() < 250  # data units, not standardised ones
    assert set(result.val_metrics) == {"loss", "r2", "rmse", "mae"}


def test_same_seed_same_run_other_seed_other_run(job):
    a, b = fit(_experiment(), job), fit(_experiment(), job)
    assert [h["train_loss"] for h in a.history] == [h["train_loss"] for h in b.history]
    assert np.array_equal(a.val_outputs, b.val_outputs)
    c = fit(_experiment(), job, seed=11)
    assert not np.array_equal(a.val_outputs, c.val_outputs)


def test_overrides_reach_training_and_model(job):
    result = fit(_experiment(), job, overrides={"training.lr": 0.02, "model.width": 8, "training.max_steps": 5})
    assert result.experiment.training.lr == 0.02 and result.steps == 5
    assert result.loaded.config["hyperparameters"]["width"] == 8


@pytest.mark.parametrize(("overrides", "field", "says"), [
    ({"training.lrr": 0.1}, "experiment.training.lrr", "unknown setting"),
    ({"training.lr": -1.0}, "experiment.training.lr", "greater than 0"),
    ({"model.widht": 8}, "experiment.model.widht", "unknown setting"),
    ({"trainin.lr": 0.1}, "experiment.trainin", "no such section"),
])
def test_bad_overrides_name_the_field(job, overrides, field, says):
    with pytest.raises(SpecError) as caught:
        fit(_experiment(), job, overrides=overrides)
    assert caught.value.field == field and says in str(caught.value)


def test_prepared_data_and_row_override_are_used(job):
    experiment = _experiment(epochs=2)
    prepared = prepare_data(experiment.data, job)
    train, val = prepared.splits.train, prepared.splits.val
    result = fit(experiment, job, prepared=prepared, rows=(val, train))  # swapped: a "fold"
    assert len(result.val_targets) == len(train) and result.steps == 2 * math.ceil(len(val) / 32)


def test_callbacks_see_gradients_and_stopfit_ends_training(job):
    class Recorder(Callback):
        def __init__(self):
            self.calls, self.grad_seen = [], False

        def on_fit_start(self, state):
            self.calls.append("start")

        def on_before_step(self, state):
            self.grad_seen |= all(p.grad is not None for p in state.model.parameters())

        def on_epoch_end(self, state):
            self.calls.append(("epoch", state.epoch, state.history[-1]["val_metric"]))
            if state.epoch == 2:
                raise StopFit("pruned")

        def on_fit_end(self, state):
            self.calls.append("end")

    recorder = Recorder()
    result = fit(_experiment(), job, callbacks=[recorder])
    assert result.stopped_reason == "pruned" and len(result.history) == 2
    assert recorder.grad_seen and recorder.calls[0] == "start" and recorder.calls[-1] == "end"
    assert [c[1] for c in recorder.calls if isinstance(c, tuple)] == [1, 2]


def test_divergence_stops_with_nan(job):
    result = fit(_experiment("diabetes", optimizer="sgd", lr=10.0, normalize_inputs=False,
                             normalize_targets=False, epochs=5), job)
    assert result.stopped_reason == "nan"
    assert not math.isfinite(result.history[-1]["train_loss"])


@pytest.mark.parametrize("training", [
    {"schedule": "cosine", "optimizer": "sgd", "lr": 0.05},
    {"schedule": "warmup_cosine", "warmup_steps": 5, "optimizer": "rmsprop", "lr": 1e-3},
    {"schedule": "step", "optimizer": "adam", "grad_clip": 1.0},
    {"schedule": "onecycle", "precision": "bf16", "class_weights": "balanced", "label_smoothing": 0.1},
    {"loss": "bce", "shuffle": False},
    {"loss": "mse"},
])
def test_every_option_trains(job, training):
    result = fit(_experiment(epochs=3, **training), job)
    assert result.stopped_reason is None and math.isfinite(result.val_metrics["loss"])
    assert result.val_metric > 0.3


def test_schedules_shape_the_learning_rate(job):
    lrs = [h["lr"] for h in fit(_experiment(schedule="cosine", epochs=4), job).history]
    assert lrs == sorted(lrs, reverse=True) and lrs[-1] < 1e-6
    warm = fit(_experiment(schedule="warmup_cosine", warmup_steps=8, epochs=2), job).history
    assert warm[0]["lr"] == pytest.approx(1e-3 * 5 / 8)  # 4 of 8 warmup steps done: factor (4 + 1) / 8


def test_model_takes_shapes_from_the_experiment_data():
    spec = _experiment()
    assert spec.model.data == spec.data
    given = ExperimentSpec.model_validate({
        "model": {"kind": "builtin", "family": "mlp", "input": {"kind": "tabular", "num_features": 13},
                  "output": {"kind": "classes", "num_classes": 3}},
        "data": {"source": {"kind": "bundled", "name": "wine"}}})
    assert given.model.data is None


def test_normalisation_uses_training_rows_only(job):
    plain = fit(_experiment(normalize_inputs=False, epochs=1, max_steps=1), job)
    scaled = fit(_experiment(normalize_inputs=True, epochs=1, max_steps=1), job)
    assert not np.array_equal(plain.val_outputs, scaled.val_outputs)
