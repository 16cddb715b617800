"""History mode reads curves from the logs people have: CSV, JSON, JSON lines, wandb offline runs."""

from __future__ import annotations

import json

import pytest

from ml_expert.tools.diagnose.history import read_history
from ml_expert.tools.diagnose.schema import HistoryMode
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from tests.faults.cases import FAULTS


def _read(path, roots, **mode):
    return read_history(HistoryMode(path=str(path), **mode), JobContext.local(roots[0], roots=roots))


def test_keras_csv_gives_epochs_with_both_metrics():
    trace = _read("history/keras_overfit.csv", [FAULTS])
    assert len(trace.epochs) == 30 and trace.task == "classification" and trace.metric_name == "accuracy"
    first = trace.epochs[0]
    assert first.train_loss == 1.22 and first.val_metric == pytest.approx(0.7793)
    assert trace.losses == []  # one row per epoch: no step curve


def test_percent_accuracies_are_read_as_fractions():
    trace = _read("history/lightning_oscillating.csv", [FAULTS])
    assert all(0 <= r.val_metric <= 1 for r in trace.epochs)


def test_json_lines_give_steps_and_sparse_validation_rows():
    trace = _read("history/plateau_steps.jsonl", [FAULTS])
    assert len(trace.losses) == 400 and len(trace.epochs) == 8  # a validation row every 50 steps
    assert trace.epochs[0].val_loss is not None


def test_json_columns_and_a_wandb_offline_run():
    assert len(_read("history/healthy_history.json", [FAULTS]).epochs) == 20
    wandb = _read("history/wandb_overfit", [FAULTS])
    assert len(wandb.epochs) == 60 and wandb.epochs[-1].train_metric > wandb.epochs[-1].val_metric


def test_nan_losses_mark_the_run_as_diverged():
    assert _read("history/diverged.csv", [FAULTS]).stopped_reason == "nan"


def test_unreadable_logs_are_spec_errors_naming_the_field(tmp_path):
    (tmp_path / "log.csv").write_text("when,what\n1,2\n")
    with pytest.raises(SpecError, match="no loss or metric column") as caught:
        _read("log.csv", [tmp_path])
    assert caught.value.field == "mode.path"
    (tmp_path / "log.txt").write_text("loss 1.0")
    with pytest.raises(SpecError, match="neither CSV nor JSON"):
        _read("log.txt", [tmp_path])
    (tmp_path / "bad.json").write_text(json.dumps(3))
    with pytest.raises(SpecError, match="list of rows"):
        _read("bad.json", [tmp_path])
    with pytest.raises(SpecError, match="outside the server's roots"):
        _read(str(FAULTS / "history" / "diverged.csv"), [tmp_path])
