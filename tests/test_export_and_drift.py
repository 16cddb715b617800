"""export_model and check_drift on a model trained on unscaled tabular data: the package keeps the
checkpoint's outputs, the card reports what was measured, and a shifted batch is caught."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

from ml_expert.tools.drift.run import check_drift
from ml_expert.tools.drift.schema import CheckDriftSpec
from ml_expert.tools.errors import SpecError
from ml_expert.tools.export.run import export_model
from ml_expert.tools.export.schema import ExportModelSpec
from ml_expert.tools.job import JobContext, sha256_file
from ml_expert.tools.train.run import train_model
from ml_expert.tools.train.schema import TrainModelSpec
from tests.test_preprocess import unscaled_wine_csv


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("lifecycle")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    csv = unscaled_wine_csv(root)
    job = JobContext.local(root, roots=[root])
    spec = TrainModelSpec.model_validate({"model": {"kind": "builtin", "family": "mlp", "width": 32},
                                          "data": {"source": {"kind": "file", "path": str(csv), "target": "target"}},
                                          "training": {"epochs": 15, "lr": 3e-3}})
    train_model(spec, job)
    yield root, csv, job.run_id
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def draft_export(trained):
    root, _, run_id = trained
    job = JobContext.local(root, roots=[root], tool="export_model")
    spec = ExportModelSpec(run_id=run_id, draft=True, intended_use="Sorting wine samples by cultivar in the lab.")
    return export_model(spec, job), job


def test_export_refuses_a_run_never_evaluated_on_the_test_split(trained):
    root, _, run_id = trained
    with pytest.raises(SpecError, match="run_id: .* was never evaluated on the sealed test split; accepted: run "
                                        "evaluate_model on it first, or set draft: true"):
        export_model(ExportModelSpec(run_id=run_id), JobContext.local(root, roots=[root]))


def test_the_exported_files_match_the_checkpoint_on_validation_rows(draft_export):
    result, job = draft_export
    assert result.draft and {"parity_pt2", "parity_onnx"} <= {v.check for v in result.verdicts if v.status == "pass"}
    for name in ("pt2", "onnx"):
        parity = result.parity[name]
        assert parity.passed and parity.rows == 27 and parity.relative_diff <= parity.tolerance == 1e-4
        assert parity.top1_agreement == 1.0
    # The ONNX graph standardises raw rows itself: Sub and Div come before the first matrix product.
    import onnx

    ops = [node.op_type for node in onnx.load(str(job.run_dir / "model.onnx")).graph.node]
    first_matmul = min(i for i, op in enumerate(ops) if op in ("Gemm", "MatMul"))
    assert {"Sub", "Div"} <= set(ops[:first_matmul])


def test_the_exported_pt2_is_one_profile_inference_loads_with_trust(draft_export):
    from ml_expert.tools.profile.schema import ExportedModelFile
    from ml_expert.tools.profile.source import resolve_model

    result, job = draft_export
    model = ExportedModelFile(kind="exported", path=str(job.run_dir / "model.pt2"), trust_code=True)
    resolved = resolve_model(model, JobContext.local(job.workspace, roots=[job.run_dir]), device="cpu",
                             scratch=job.workspace / "scratch")
    assert resolved.input["shape"] == [13] and resolved.static_batch is None


def test_every_package_file_is_an_artifact_with_its_sha256_and_a_telling_suffix(draft_export):
    result, job = draft_export
    names = {a.name: a for a in result.artifacts}
    assert set(result.package) == set(names) == {
        "model.pt2", "model.onnx", "preprocessing.json", "package.json", "drift_reference.json",
        "drift_reference_rows.npz", "README.md"}
    for artifact in result.artifacts:
        assert artifact.sha256 == sha256_file(job.run_dir / artifact.name)
    manifest = json.loads((job.run_dir / "package.json").read_text())
    assert manifest["input"]["columns"][0] == "alcohol" and manifest["parity"]["onnx"]["passed"]


def test_the_draft_card_has_the_hugging_face_layout_and_measured_assumptions(draft_export):
    result, job = draft_export
    text = (job.run_dir / "README.md").read_text()
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert "draft" in meta["tags"] and meta["library_name"] == "pytorch"
    entry = meta["model-index"][0]["results"][0]
    assert entry["dataset"]["revision"] == result.provenance.dataset_version
    assert entry["dataset"]["args"]["split_hashes"] == result.provenance.split_hashes
    assert entry["metrics"][0]["type"] == "accuracy" and "draft" in entry["metrics"][0]["name"]
    for section in ("## Intended use", "## Training data", "## Evaluation results", "## Assumptions",
                    "## Limitations", "## Ethical considerations"):
        assert section in body
    assert "**DRAFT**" in body and "Sorting wine samples by cultivar" in body
    reference = json.loads((job.run_dir / "drift_reference.json").read_text())
    alcohol = next(f for f in reference["features"] if f["name"] == "alcohol")
    assert f"`alcohol` {alcohol['quantiles']['0.01']:.4g} to {alcohol['quantiles']['0.99']:.4g}" in body
    audit = body.split("Audit findings:")[1].split("##")[0]
    assert "**pass** `split_overlap`" in audit and "**pass** `class_imbalance`" in audit


@pytest.fixture(scope="module")
def evaluated_export(trained):
    """Evaluated once on the test split, then exported: runs after the refusal test above (file order)."""
    from ml_expert.tools.evaluate.run import evaluate_model
    from ml_expert.tools.evaluate.schema import EvaluateModelSpec

    root, _, run_id = trained
    evaluation_job = JobContext.local(root, roots=[root], tool="evaluate_model")
    evaluate_model(EvaluateModelSpec(run_id=run_id, bootstrap_resamples=200, slice_features=["alcohol"]),
                   evaluation_job)
    job = JobContext.local(root, roots=[root], tool="export_model")
    return export_model(ExportModelSpec(run_id=run_id), job), job, evaluation_job


def test_an_evaluated_run_exports_a_card_with_test_metrics_intervals_and_slices(evaluated_export):
    result, job, evaluation_job = evaluated_export
    evaluation = json.loads((evaluation_job.run_dir / "evaluation.json").read_text())
    assert not result.draft and result.evaluation_run == evaluation_job.run_id
    assert next(v for v in result.verdicts if v.check == "test_evaluation").status == "pass"
    _, front, body = (job.run_dir / "README.md").read_text().split("---\n", 2)
    meta = yaml.safe_load(front)
    assert "draft" not in meta["tags"] and "DRAFT" not in body
    results = meta["model-index"][0]["results"][0]
    assert results["dataset"]["split"] == "test" and results["dataset"]["revision"] == evaluation["dataset_version"]
    accuracy = next(m for m in results["metrics"] if m["type"] == "accuracy")
    expected = evaluation["metrics"]["accuracy"]
    assert accuracy["value"] == round(expected["value"], 4)
    assert accuracy["args"] == {"ci_low": round(expected["low"], 4), "ci_high": round(expected["high"], 4),
                                "confidence": 0.95}
    assert f"| accuracy | {expected['value']:.4f} | {expected['low']:.4f} – {expected['high']:.4f} |" in body
    assert "hist_gradient_boosting" in body and "| class 0 (recall) |" in body and "alcohol in" in body
    assert f"{evaluation['test_rows']} test rows: accuracy is known only to within" in body


def batch_csv(root, csv, name: str, shift_sd: float = 0.0, labels: bool = True):
    frame = pd.read_csv(csv)
    column = "color_intensity"
    frame[column] = frame[column] + shift_sd * frame[column].std()
    if not labels:
        frame = frame.drop(columns="target")
    frame.to_csv(root / name, index=False)
    return name


def test_check_drift_on_the_package_passes_its_own_data_and_catches_a_shift(trained, draft_export):
    root, csv, _ = trained
    _, export_job = draft_export
    same = check_drift(CheckDriftSpec(batch=batch_csv(root, csv, "same.csv"), target="target",
                                      run_id=export_job.run_id),
                       JobContext.local(root, roots=[root]))
    assert same.recommendation == "fine" and same.drifted_features == []
    assert next(v for v in same.verdicts if v.check == "performance").status == "pass"

    shifted = check_drift(CheckDriftSpec(batch=batch_csv(root, csv, "shifted.csv", shift_sd=2.0, labels=False),
                                         package=str(export_job.run_dir)),
                          JobContext.local(root, roots=[root]))
    assert shifted.drifted_features == ["color_intensity"]
    assert shifted.recommendation in ("investigate", "retrain")
    assert shifted.most_drifted[0].feature == "color_intensity" and shifted.most_drifted[0].mean_shift_sd > 1.5
    assert {"drift_features.png", "drift_report.json"} <= {a.name for a in shifted.artifacts}
    assert "prediction_drift" in {v.check for v in shifted.verdicts}


def test_check_drift_on_a_trained_run_computes_its_reference(trained):
    root, csv, run_id = trained
    answer = check_drift(CheckDriftSpec(batch=batch_csv(root, csv, "again.csv"), target="target", run_id=run_id),
                         JobContext.local(root, roots=[root]))
    assert answer.recommendation == "fine"
    assert answer.metrics["batch_accuracy"] > 0.85


def test_check_drift_names_missing_columns_and_unknown_labels(trained, draft_export):
    root, csv, _ = trained
    _, export_job = draft_export
    frame = pd.read_csv(csv).drop(columns="alcohol")
    frame.to_csv(root / "no_alcohol.csv", index=False)
    with pytest.raises(SpecError, match=r"batch: no_alcohol.csv lacks the model's feature column\(s\) \['alcohol'\]"):
        check_drift(CheckDriftSpec(batch="no_alcohol.csv", run_id=export_job.run_id),
                    JobContext.local(root, roots=[root]))
    frame = pd.read_csv(csv)
    frame["target"] = np.where(frame["target"] == 2, 9, frame["target"])
    frame.to_csv(root / "new_label.csv", index=False)
    with pytest.raises(SpecError, match=r"target: new_label.csv has labels the model does not know: \['9'\]"):
        check_drift(CheckDriftSpec(batch="new_label.csv", target="target", run_id=export_job.run_id),
                    JobContext.local(root, roots=[root]))


def drift_command(trained, draft_export, batch: str, *extra: str):
    import subprocess
    import sys

    root, _, _ = trained
    _, export_job = draft_export
    return subprocess.run([sys.executable, "-m", "ml_expert", "check-drift", "--package", str(export_job.run_dir),
                           "--workspace", str(root / "cli-workspace"), *extra, str(root / batch)],
                          capture_output=True, text=True, timeout=300)


def test_the_check_drift_command_exits_non_zero_on_drift(trained, draft_export):
    root, csv, _ = trained
    shifted = drift_command(trained, draft_export, batch_csv(root, csv, "cli_shifted.csv", shift_sd=2.0))
    assert shifted.returncode in (3, 4), shifted.stderr
    assert shifted.stdout.startswith(("INVESTIGATE: ", "RETRAIN: "))
    # 178 rows a side: the KS test decides (above 1000 rows, the Wasserstein distance would)
    assert "drifted color_intensity: p_adj" in shifted.stdout and "by ks, Wasserstein" in shifted.stdout
    assert "[warn] feature_drift" in shifted.stdout


@pytest.mark.slow
def test_the_check_drift_command_exits_zero_when_fine(trained, draft_export):
    root, csv, _ = trained
    fine = drift_command(trained, draft_export, batch_csv(root, csv, "cli_same.csv"), "--target", "target")
    assert fine.returncode == 0 and fine.stdout.startswith("FINE: "), fine.stdout + fine.stderr
    assert "[pass] performance" in fine.stdout


def test_a_regression_package_predicts_in_the_data_units(tmp_path):
    from ml_expert.tools.export.package import onnx_outputs, onnx_session

    job = JobContext.local(tmp_path, roots=[tmp_path])
    train_model(TrainModelSpec.model_validate({"model": {"kind": "builtin", "family": "mlp", "width": 16},
                                               "data": {"source": {"kind": "bundled", "name": "diabetes"}},
                                               "training": {"epochs": 3}}), job)
    export_job = JobContext.local(tmp_path, roots=[tmp_path])
    result = export_model(ExportModelSpec(run_id=job.run_id, draft=True), export_job)
    assert result.parity["onnx"].passed and result.parity["pt2"].passed
    manifest = json.loads((export_job.run_dir / "package.json").read_text())
    assert manifest["output"] == "predicted values in the data's units"
    reference = json.loads((export_job.run_dir / "drift_reference.json").read_text())
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    predicted = onnx_outputs(onnx_session(export_job.run_dir / "model.onnx"), X)
    # The target scaling is folded behind the network: outputs sit on the target's scale, not near 0.
    assert abs(predicted.mean() - y.mean()) < 0.5 * y.std()
    assert reference["predictions"]["mean"] == pytest.approx(predicted.mean(), rel=0.3)
