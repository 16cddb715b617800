"""A model tuned on unscaled CSV data keeps its validation score through profile (and evaluate)."""

from __future__ import annotations

import pytest
import torch

from ml_expert.tools.job import JobContext
from ml_expert.tools.profile.run import profile_inference
from ml_expert.tools.profile.schema import ProfileInferenceSpec
from ml_expert.tools.tune.run import tune_hyperparams
from ml_expert.tools.tune.schema import TuneHyperparamsSpec
from tests.test_preprocess import unscaled_wine_csv


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    """(workspace, root, tuned run id, the saved model's validation accuracy) on wine with raw scales."""
    workspace = tmp_path_factory.mktemp("lifecycle")
    root = workspace / "data"
    root.mkdir()
    path = unscaled_wine_csv(root)
    base = {"model": {"kind": "builtin", "family": "mlp", "width": 32},
            "data": {"source": {"kind": "file", "path": str(path), "target": "target"}},
            "training": {"epochs": 15, "batch_size": 32, "lr": 3e-3}}
    spec = TuneHyperparamsSpec.model_validate({
        "base": base, "space": {"training.lr": {"type": "float", "low": 2e-3, "high": 5e-3, "log": True}},
        "n_trials": 2, "significance_seeds": 0})
    job = JobContext.local(workspace, roots=[root])
    result = tune_hyperparams(spec, job)
    gap = next(v for v in result.verdicts if v.check == "train_val_gap")
    assert gap.evidence["val"] > 0.85
    return workspace, root, result.best_run_id, gap.evidence["val"]


def test_profile_checks_parity_on_real_validation_rows_through_the_preprocessing(tuned):
    workspace, root, run_id, val_accuracy = tuned
    spec = ProfileInferenceSpec.model_validate({
        "model": {"kind": "run", "run_id": run_id}, "variants": ["inference_mode"], "batch_sizes": [1, 4],
        "threads": 1, "max_seconds_per_measurement": 0.05, "parity_samples": 256})
    result = profile_inference(spec, JobContext.local(workspace, roots=[root]))
    parity = next(v.parity for v in result.variants if v.variant == "eager")
    assert parity.inputs == "validation rows" and parity.metric_name == "accuracy"
    assert parity.reference_metric == pytest.approx(val_accuracy, abs=1e-4)


def test_evaluate_scores_the_tuned_model_through_its_preprocessing(tuned):
    from ml_expert.tools.data.prepare import prepare_data
    from ml_expert.tools.evaluate.predict import answer
    from ml_expert.tools.evaluate.run import evaluate_model
    from ml_expert.tools.evaluate.schema import EvaluateModelSpec
    from ml_expert.tools.models.load import load_run

    workspace, root, run_id, val_accuracy = tuned
    job = JobContext.local(workspace, roots=[root], tool="evaluate_model")
    loaded = load_run(run_id, job)
    prepared = prepare_data(_fitted_data(loaded), job)
    val = prepared.splits.val
    # evaluate_model's own path from rows in the data's units to answers keeps the validation score
    columns = loaded.preprocessing.column_order(prepared.table.feature_names, "data")
    assert float((answer(loaded, loaded.preprocessing, val.X, columns).predictions == val.y).mean()) == (
        pytest.approx(val_accuracy, abs=1e-4))
    result = evaluate_model(EvaluateModelSpec.model_validate({"run_id": run_id, "baselines": False,
                                                              "bootstrap_resamples": 200}), job)
    assert result.metrics["test_accuracy"] > 0.85 and result.test_rows == 27


def _fitted_data(loaded):
    from ml_expert.tools.data.spec import DataSpec

    return DataSpec.model_validate(loaded.preprocessing.fitted_on["data"])


def test_parity_rows_of_a_regression_run_are_in_the_models_scale(tmp_path):
    """Regression labels go through the target scaling too, so parity compares like with like."""
    from types import SimpleNamespace

    import numpy as np

    from ml_expert.tools.data.prepare import prepare_data
    from ml_expert.tools.data.spec import DataSpec
    from ml_expert.tools.models.load import load_run
    from ml_expert.tools.profile.inputs import validation_rows
    from ml_expert.tools.train.run import train_model
    from ml_expert.tools.train.schema import TrainModelSpec

    data = {"source": {"kind": "bundled", "name": "diabetes"}}
    job = JobContext.local(tmp_path)
    train_model(TrainModelSpec.model_validate({"model": {"kind": "builtin", "family": "mlp", "width": 8},
                                               "data": data, "training": {"epochs": 2}}), job)
    model = SimpleNamespace(child_model={"kind": "run", "workspace": str(tmp_path), "run_id": job.run_id},
                            input={"shape": [10], "dtype": "float32"}, data=None)
    inputs, labels, _, provenance = validation_rows(SimpleNamespace(data=None, parity_samples=500), model, job)
    pre = load_run(job.run_id, job).preprocessing
    val = prepare_data(DataSpec.model_validate(data), job).splits.val
    assert np.allclose(inputs.numpy(), pre.transform(val.X)) and abs(float(inputs.mean())) < 0.5
    assert np.allclose(labels.numpy().ravel(), ((val.y - pre.y_mean) / pre.y_std).ravel(), atol=1e-5)
    assert provenance["dataset_version"] == pre.fitted_on["dataset_version"]
