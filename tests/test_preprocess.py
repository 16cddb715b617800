"""Models carry their preprocessing: fitted on training rows only, saved with the checkpoint, loaded back."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import load_run, save_model
from ml_expert.tools.preprocess.files import PREPROCESSING_FILE
from ml_expert.tools.preprocess.transforms import Preprocessing
from ml_expert.tools.train.loop import fit
from ml_expert.tools.train.spec import ExperimentSpec


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def unscaled_wine_csv(folder):
    """wine with columns on wildly different scales and offsets, as raw business data often is."""
    from sklearn.datasets import load_wine

    data = load_wine(as_frame=True)
    frame = data.frame.copy()
    for k, column in enumerate(data.feature_names):
        frame[column] = frame[column] * 10.0 ** (k % 4) + 500.0 * k
    path = folder / "wine_raw.csv"
    frame.to_csv(path, index=False)
    return path


def test_fit_uses_the_training_rows_and_round_trips_through_json():
    rng = np.random.default_rng(0)
    X = rng.normal(5.0, 3.0, (200, 4)).astype(np.float32)
    y = (X[:, 0] * 2 + 1).astype(np.float32)
    pre = Preprocessing.fit(X, y, task="regression", feature_names=list("abcd"))
    assert np.allclose(pre.x_mean, X.mean(axis=0)) and np.allclose(pre.x_std, X.std(axis=0))
    scaled = pre.transform(X)
    assert np.allclose(scaled.mean(axis=0), 0, atol=1e-5) and np.allclose(scaled.std(axis=0), 1, atol=1e-4)
    back = Preprocessing.from_dict(json.loads(json.dumps(pre.to_dict())))
    assert np.array_equal(back.transform(X), scaled)
    model_scale = back.transform_target(y)
    assert np.allclose(back.inverse_target(model_scale).ravel(), y, atol=1e-4)
    with pytest.raises(ValueError, match="3 features; the model was trained on 4"):
        pre.transform(X[:, :3])


def test_column_order_follows_training_and_names_missing_columns():
    pre = Preprocessing(task="classification", feature_names=["a", "b", "c"])
    assert pre.column_order(["c", "a", "b", "z"], "data").tolist() == [1, 2, 0]
    with pytest.raises(SpecError, match=r"data: the data lacks feature column\(s\) \['b'\]"):
        pre.column_order(["a", "c"], "data")


def test_a_model_trained_on_unscaled_csv_keeps_its_score_after_saving_and_loading(tmp_path):
    path = unscaled_wine_csv(tmp_path)
    job = JobContext.local(tmp_path, roots=[tmp_path], seed=0)
    data = {"source": {"kind": "file", "path": str(path), "target": "target"}}
    experiment = ExperimentSpec.model_validate({"model": {"kind": "builtin", "family": "mlp", "width": 32},
                                                "data": data, "training": {"epochs": 15, "lr": 3e-3}})
    result = fit(experiment, job)
    assert result.val_metric > 0.85
    prepared = prepare_data(DataSpec.model_validate(data), job)
    # The statistics are the training rows', not all rows'.
    assert np.allclose(result.preprocessing.x_mean, prepared.splits.train.X.mean(axis=0))
    assert result.preprocessing.fitted_on["train_split_hash"] == prepared.splits.train.hash
    artifacts = save_model(result.loaded, job, checkpoint="model.pt")
    assert PREPROCESSING_FILE in {a.name for a in artifacts}

    loaded = load_run(job.run_id, JobContext.local(tmp_path, roots=[tmp_path]))
    val = prepared.splits.val
    with torch.no_grad():
        through = loaded.module.eval()(torch.from_numpy(loaded.preprocessing.transform(val.X))).argmax(1).numpy()
        raw = loaded.module(torch.from_numpy(np.array(val.X))).argmax(1).numpy()
    assert float((through == val.y).mean()) == pytest.approx(result.val_metric)
    assert float((raw == val.y).mean()) < result.val_metric - 0.3  # what the model scored before #13


def test_a_changed_preprocessing_file_is_refused(tmp_path):
    job = JobContext.local(tmp_path, seed=0)
    experiment = ExperimentSpec.model_validate({"model": {"kind": "builtin", "family": "mlp", "width": 8},
                                                "data": {"source": {"kind": "bundled", "name": "iris"}},
                                                "training": {"epochs": 1}})
    save_model(fit(experiment, job).loaded, job, checkpoint="model.pt")
    file = job.run_dir / PREPROCESSING_FILE
    raw = json.loads(file.read_text())
    raw["inputs"]["mean"][0] += 1.0
    file.write_text(json.dumps(raw))
    with pytest.raises(SpecError, match="does not match the sha256 saved with its checkpoint"):
        load_run(job.run_id, job)
