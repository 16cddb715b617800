"""diagnose_training end to end: the envelope, the proof of the fix, script-mode capture and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from ml_expert.tools.diagnose.run import diagnose_training
from ml_expert.tools.diagnose.schema import DiagnoseTrainingResult, DiagnoseTrainingSpec
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from tests.faults.cases import FAULTS


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _run(tmp_path, mode: dict, roots=None) -> DiagnoseTrainingResult:
    job = JobContext.local(tmp_path / "ws", roots=roots or [FAULTS], seed=0)
    return diagnose_training(DiagnoseTrainingSpec.model_validate({"mode": mode}), job)


def _experiment(**training) -> dict:
    return {"kind": "experiment", "experiment": {
        "model": {"kind": "builtin", "family": "mlp", "width": 64},
        "data": {"source": {"kind": "bundled", "name": "digits"}}, "training": {"epochs": 8, **training}}}


def test_experiment_proves_the_fix_with_a_paired_interval(tmp_path):
    result = _run(tmp_path, _experiment(lr=1e-6))
    top, proof = result.diagnoses[0], result.proof
    assert top.label == "lr_too_low" and top.patch == {"training.lr": pytest.approx(1e-3)}
    assert proof.applied == top.patch and proof.metric == "accuracy"
    assert proof.before.symptom_present and not proof.after.symptom_present
    assert proof.after.val_metric > proof.before.val_metric + 0.5
    low, high = proof.change_ci
    assert 0 < low <= proof.change <= high and proof.fixed and proof.improved
    assert "val_metric_after_fix" in result.curves


def test_the_envelope_has_curves_plots_verdicts_and_provenance(tmp_path):
    result = _run(tmp_path, _experiment(lr=1e-6))
    names = {a.name for a in result.artifacts}
    assert {"trace.json", "trace_after_fix.json", "learning_curves.png", "gradient_flow.png",
            "confusion_matrix.png"} <= names
    for artifact in result.artifacts:
        assert Path(artifact.path).stat().st_size == artifact.bytes
    assert {"train_loss", "val_loss", "train_metric", "val_metric"} <= set(result.curves)
    assert any(name.startswith("grad_rms/") for name in result.curves)
    assert all(len(c.x) <= 100 for c in result.curves.values())
    checks = {v.check for v in result.verdicts}
    assert {"split_overlap", "class_imbalance", "label_leak", "drift", "train_val_gap"} <= checks
    assert result.provenance.dataset_version and result.provenance.seeds["diagnose"] == 0
    assert result.metrics["seconds_to_diagnosis"] > 0 and result.metrics["rules_checked"] == 39
    assert result.summary.count(". ") <= 2 and "lr_too_low" in result.summary
    assert len(result.model_dump_json()) < 20_000


def test_a_healthy_experiment_is_healthy_and_runs_no_proof(tmp_path):
    result = _run(tmp_path, _experiment(epochs=6))
    assert result.healthy and result.diagnoses == [] and result.proof is None and result.proof_skipped is None
    assert "No fault found" in result.summary


def test_data_faults_without_an_automatic_fix_say_why(tmp_path):
    mode = _experiment(epochs=6)
    mode["experiment"]["data"] = {"source": {"kind": "synthetic", "n_samples": 600, "n_features": 8, "shift": 2.0}}
    result = _run(tmp_path, mode)
    assert result.diagnoses[0].label == "train_val_drift"
    assert result.proof is None and "no automatic fix" in result.proof_skipped


def test_a_leak_proof_drops_the_column_and_reports_the_honest_score(tmp_path):
    mode = _experiment(epochs=6, batch_size=32)
    mode["experiment"]["data"] = {"source": {"kind": "file", "path": "data/clinic_visits.csv",
                                             "target": "malignant"}}
    proof = _run(tmp_path, mode).proof
    assert proof.label == "label_leak_feature" and proof.applied == {"rows.drop_feature": "followup_code"}
    assert not proof.after.symptom_present and proof.fixed and "inflated" in proof.note


def test_script_mode_points_at_the_users_line_and_returns_its_output(tmp_path):
    result = _run(tmp_path, {"kind": "script", "script": "scripts/no_zero_grad.py", "max_steps": 40})
    top = result.diagnoses[0]
    assert top.label == "missing_zero_grad"
    file, line = top.where.rsplit(":", 1)
    assert file.endswith("no_zero_grad.py") and "loss.backward()" in Path(file).read_text().splitlines()[int(line) - 1]
    assert result.script_exit == "stopped by the probe budget (40 optimizer steps)"
    assert result.steps_observed == 40
    proof = result.proof  # zero_grad() called through the probe after every step, same budget and seed
    assert proof.applied == {"script.zero_grad": True} and proof.before.symptom_present
    assert not proof.after.symptom_present and proof.fixed and proof.after.stopped_reason == result.script_exit
    low, high = proof.change_ci
    assert low <= proof.change <= high and high >= 0
    assert {"script_output.log", "script_after_fix_output.log"} <= {a.name for a in result.artifacts}


def test_script_output_and_arguments(tmp_path):
    script = tmp_path / "tiny.py"
    script.write_text(
        "import sys, torch\n"
        "print('args', sys.argv[1:])\n"
        "model = torch.nn.Linear(4, 2)\n"
        "opt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "x, y = torch.randn(64, 4), torch.randint(0, 2, (64,))\n"
        "for step in range(int(sys.argv[1])):\n"
        "    opt.zero_grad()\n"
        "    torch.nn.functional.cross_entropy(model(x), y).backward()\n"
        "    opt.step()\n"
        "print('done')\n")
    result = _run(tmp_path, {"kind": "script", "script": "tiny.py", "args": ["5"]}, roots=[tmp_path])
    assert result.script_exit == "finished" and result.steps_observed == 5
    assert "args ['5']" in result.script_output_tail and "done" in result.script_output_tail
    trace = json.loads(Path(next(a.path for a in result.artifacts if a.name == "trace.json")).read_text())
    assert trace["wiring"]["optimizer_steps"] == 5 and trace["locations"]["step"].endswith("tiny.py:9")


def test_a_crashing_script_is_a_finding_with_the_users_line_never_healthy(tmp_path):
    (tmp_path / "broken.py").write_text("import torch\n\nraise RuntimeError('no data found')\n")
    result = _run(tmp_path, {"kind": "script", "script": "broken.py"}, roots=[tmp_path])
    top = result.diagnoses[0]
    assert result.healthy is False and top.label == "script_crashed" and top.severity == "critical"
    assert top.where == f"{tmp_path / 'broken.py'}:3" and top.evidence["exception"] == "RuntimeError"
    assert "no data found" in top.message and "no data found" in result.script_output_tail


_BN_ONE_ROW = (
    "import torch\n"
    "from torch import nn\n"
    "model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.Linear(8, 2))\n"
    "opt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
    "x, y = torch.randn(33, 4), torch.randint(0, 2, (33,))\n"
    "for epoch in range(3):\n"
    "    for i in range(0, 33, 8):\n"
    "        opt.zero_grad()\n"
    "        torch.nn.functional.cross_entropy(model(x[i:i + 8]), y[i:i + 8]).backward()\n"
    "        opt.step()\n")


@pytest.mark.parametrize(("source", "label", "line"), [
    (_BN_ONE_ROW, "batchnorm_batch_of_one", 9),
    ("import torch\nx = torch.randn(8, 3)\nnet = torch.nn.Linear(3, 1)\n"
     "loss = torch.nn.BCELoss()(net(x) * 5, torch.ones(8, 1))\n", "output_activation_mismatch", 4),
    ("import os, torch\nnet = torch.nn.Linear(3, 1)\nos._exit(3)\n", "script_crashed", 3),
])
def test_a_crash_with_a_known_cause_gets_the_causes_label(tmp_path, source, label, line):
    (tmp_path / "train.py").write_text(source)
    result = _run(tmp_path, {"kind": "script", "script": "train.py"}, roots=[tmp_path])
    top = result.diagnoses[0]
    assert result.healthy is False and top.label == label and top.where == f"{tmp_path / 'train.py'}:{line}"


def test_a_segfault_is_reported_with_its_signal_and_line(tmp_path):
    (tmp_path / "seg.py").write_text("import ctypes\nimport torch\n\nctypes.string_at(0)\n")
    result = _run(tmp_path, {"kind": "script", "script": "seg.py"}, roots=[tmp_path])
    top = result.diagnoses[0]
    assert top.label == "script_crashed" and "SIGSEGV" in top.evidence["exit"]
    assert top.where == f"{tmp_path / 'seg.py'}:4"


def test_script_path_errors_are_spec_errors(tmp_path):
    with pytest.raises(SpecError, match="outside the server's roots"):
        _run(tmp_path, {"kind": "script", "script": str(FAULTS / "scripts" / "no_zero_grad.py")}, roots=[tmp_path])


def test_pytorch_warnings_come_back_with_the_users_line(tmp_path):
    (tmp_path / "fit.py").write_text(
        "import torch\n"
        "model = torch.nn.Linear(3, 1)\n"
        "opt = torch.optim.SGD(model.parameters(), lr=0.1)\n"
        "x, y = torch.randn(64, 3), torch.randn(64)\n"
        "for step in range(20):\n"
        "    opt.zero_grad()\n"
        "    loss = torch.nn.functional.mse_loss(model(x), y)\n"
        "    loss.backward()\n"
        "    opt.step()\n")
    result = _run(tmp_path, {"kind": "script", "script": "fit.py"}, roots=[tmp_path])
    top = result.diagnoses[0]
    assert top.label == "loss_shape_broadcast" and top.where == f"{tmp_path / 'fit.py'}:7"
    warned = [w for w in result.script_warnings if "target size" in w.message]
    assert warned and warned[0].where == f"{tmp_path / 'fit.py'}:7" and warned[0].category == "UserWarning"
    assert result.proof is None and "no run-time setting" in result.proof_skipped
