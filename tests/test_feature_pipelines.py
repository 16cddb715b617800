"""Feature pipelines (issue 17): categorical, missing and skewed columns are encoded by the
preprocessing fitted on the training rows, travel with the model (into export_model's graphs and
check_drift's statistics), and text/date columns are refused."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch

from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.train.run import train_model
from ml_expert.tools.train.schema import TrainModelSpec

N_ROWS = 600


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def mixed_frame(seed: int = 0) -> pd.DataFrame:
    """The label is colour XOR sign(x1); x1 is missing in a tenth of the rows; 'income' is lognormal."""
    rng = np.random.default_rng(seed)
    color = rng.choice(["red", "green", "blue"], N_ROWS)
    x1 = rng.normal(size=N_ROWS)
    label = ((color == "red") ^ (x1 > 0)).astype(int)
    x1[rng.random(N_ROWS) < 0.1] = np.nan
    return pd.DataFrame({"color": color, "x1": x1, "income": rng.lognormal(0, 1.5, N_ROWS), "y": label})


def _spec(path, **training) -> dict:
    return {"model": {"kind": "builtin", "family": "mlp", "width": 32},
            "data": {"source": {"kind": "file", "path": str(path), "target": "y"}},
            "training": {"epochs": 25, "batch_size": 32, "lr": 3e-3, **training}}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("features")
    root = workspace / "data"
    root.mkdir()
    mixed_frame().to_csv(root / "mixed.csv", index=False)
    job = JobContext.local(workspace, roots=[root])
    result = train_model(TrainModelSpec.model_validate(_spec(root / "mixed.csv", log_skewed=True)), job)
    return workspace, root, job.run_id, result


def test_the_encodings_are_saved_in_preprocessing_json(trained):
    workspace, _, run_id, result = trained
    saved = json.loads((workspace / "runs" / run_id / "preprocessing.json").read_text())
    columns = {c["name"]: c for c in saved["columns"]}
    assert columns["color"]["kind"] == "onehot" and columns["color"]["categories"] == ["blue", "green", "red"]
    assert columns["x1"]["indicator"] is True and columns["x1"]["log"] is False
    assert columns["income"]["log"] is True and columns["income"]["indicator"] is False
    assert len(saved["inputs"]["mean"]) == 6  # 3 one-hot + x1 + x1:missing + log1p(income)
    assert result.metrics["val_accuracy"] > 0.85  # XOR of the colour and x1: needs both encoded right


def test_the_score_survives_save_load_and_evaluate(trained):
    from ml_expert.tools.evaluate.predict import answer
    from ml_expert.tools.evaluate.run import evaluate_model
    from ml_expert.tools.evaluate.schema import EvaluateModelSpec
    from ml_expert.tools.models.load import load_run

    workspace, root, run_id, result = trained
    job = JobContext.local(workspace, roots=[root], tool="evaluate_model")
    loaded = load_run(run_id, job)
    prepared = prepare_data(DataSpec.model_validate(loaded.preprocessing.fitted_on["data"]), job)
    val = prepared.splits.val
    columns = loaded.preprocessing.column_order(prepared.table.feature_names, "data")
    reloaded = float((answer(loaded, loaded.preprocessing, val.X, columns).predictions == val.y).mean())
    assert reloaded == pytest.approx(result.metrics["val_accuracy"], abs=1e-6)
    evaluation = evaluate_model(EvaluateModelSpec.model_validate(
        {"run_id": run_id, "baselines": False, "bootstrap_resamples": 200}), job)
    assert evaluation.metrics["test_accuracy"] > 0.85


def test_importance_ranks_the_informative_columns_first(trained):
    importance = trained[3].importance
    assert {importance[0].feature, importance[1].feature} == {"color", "x1"}
    assert importance[1].low > 0.1  # both halves of the XOR matter
    income = next(row for row in importance if row.feature == "income")
    assert abs(income.drop) < 0.05  # noise


def test_statistics_come_from_the_training_rows_only(tmp_path):
    """Rows outside the training split get far larger incomes and a colour training never saw."""
    from ml_expert.tools.models.load import run_preprocessing

    frame = mixed_frame(seed=1)
    frame.to_csv(tmp_path / "plain.csv", index=False)
    job = JobContext.local(tmp_path, roots=[tmp_path])
    spec = _spec(tmp_path / "mixed.csv", epochs=1)
    prepared = prepare_data(DataSpec.model_validate({**spec["data"], "source": {
        **spec["data"]["source"], "path": str(tmp_path / "plain.csv")}}), job)
    train_rows = prepared.splits.train.indices
    others = np.setdiff1d(np.arange(N_ROWS), train_rows)
    frame.loc[others, "income"] *= 1000.0
    frame.loc[others[:20], "color"] = "violet"
    frame.loc[others, "x1"] = np.where(frame.loc[others, "x1"].isna(), np.nan, 50.0)
    frame.to_csv(tmp_path / "mixed.csv", index=False)
    train_model(TrainModelSpec.model_validate(spec), job)
    fitted = run_preprocessing(tmp_path, job.run_id)
    assert fitted.fitted_on["train_rows"] == len(train_rows)
    by_name = {e.name: e for e in fitted.encodings}
    assert by_name["color"].categories == ("blue", "green", "red")
    train_x1 = frame.loc[train_rows, "x1"]
    assert by_name["x1"].fill == pytest.approx(train_x1.median(), abs=1e-6)
    assert fitted.x_mean[3] == pytest.approx(train_x1.fillna(train_x1.median()).mean(), abs=1e-5)
    assert fitted.x_mean[5] == pytest.approx(frame.loc[train_rows, "income"].mean(), rel=1e-5)


@pytest.fixture(scope="module")
def exported(trained):
    from ml_expert.tools.export.run import export_model
    from ml_expert.tools.export.schema import ExportModelSpec

    workspace, root, run_id, _ = trained
    job = JobContext.local(workspace, roots=[root], tool="export_model")
    return export_model(ExportModelSpec(run_id=run_id, draft=True), job), job


def test_export_folds_the_encodings_into_pt2_and_onnx_with_parity_on_raw_rows(trained, exported):
    import onnx

    from ml_expert.tools.drift.source import run_outputs
    from ml_expert.tools.export.package import onnx_outputs, onnx_session, pt2_outputs
    from ml_expert.tools.models.load import load_run

    workspace, root, run_id, _ = trained
    result, job = exported
    for name in ("pt2", "onnx"):
        parity = result.parity[name]
        assert parity.passed and parity.relative_diff <= 1e-4 and parity.top1_agreement == 1.0
    # Validation rows fed raw: colour codes, NaN in x1, income unlogged; the graph encodes them itself.
    loaded = load_run(run_id, job)
    val = prepare_data(DataSpec.model_validate(loaded.preprocessing.fitted_on["data"]), job).splits.val
    raw = val.X[:, loaded.preprocessing.column_order(["color", "x1", "income"], "data")]
    assert np.isnan(raw[:, 1]).sum() >= 3 and parity.rows == len(raw)
    unseen = np.array([[123.0, np.nan, 5.0]])  # a colour code training never saw, x1 missing
    rows = np.concatenate([raw, unseen])
    expected = run_outputs(loaded, rows)
    program = torch.export.load(str(job.run_dir / "model.pt2"))
    for outputs in (pt2_outputs(program, rows), onnx_outputs(onnx_session(job.run_dir / "model.onnx"), rows)):
        assert np.abs(outputs - expected).max() <= 1e-4 * np.abs(expected).max()
    ops = {node.op_type for node in onnx.load(str(job.run_dir / "model.onnx")).graph.node}
    assert {"IsNaN", "Where", "Equal", "Log"} <= ops
    package = json.loads((job.run_dir / "package.json").read_text())["input"]
    color = next(c for c in package["column_values"] if c["name"] == "color")
    assert color["holds"] == "category code" and set(color["codes"]) == {"blue", "green", "red"}
    from ml_expert.tools.data.columns import category_code

    assert color["codes"]["red"] == category_code("red") and "crc32" in package["category_code"]
    assert "one-hot 'color'" in (job.run_dir / "README.md").read_text()
    saved = json.loads((job.run_dir / "preprocessing.json").read_text())
    assert next(c for c in saved["columns"] if c["name"] == "color")["codes"] == [
        category_code(label) for label in ("blue", "green", "red")]


def test_the_torch_encoder_matches_the_numpy_encodings_for_ordinal_columns():
    from ml_expert.tools.data.columns import category_code
    from ml_expert.tools.export.encoding import encoder_module
    from ml_expert.tools.preprocess.features import encode, fit_encodings

    labels = [f"city{i:02d}" for i in range(30)]
    X = np.array([[category_code(labels[i % 30]), float(i % 7) if i % 5 else np.nan] for i in range(300)])
    encodings = fit_encodings(X, ["city", "n"], {"city": labels}, log_skewed=False)
    assert encodings[0].kind == "ordinal" and encodings[1].indicator
    rows = np.array([[category_code("city07"), 1.0], [category_code("elsewhere"), np.nan], [np.nan, 3.0]])
    torch_rows = encoder_module(encodings)(torch.tensor(rows, dtype=torch.float32)).numpy()
    assert torch_rows.tolist() == encode(encodings, rows).tolist()
    assert torch_rows[:, 0].tolist()[:2] == [7.0, -1.0]


def test_check_drift_on_an_encoded_run_tests_categories_and_missing_shares(trained, exported):
    from ml_expert.tools.drift.run import check_drift
    from ml_expert.tools.drift.schema import CheckDriftSpec

    workspace, root, run_id, _ = trained
    mixed_frame(seed=2).to_csv(root / "same.csv", index=False)
    same = check_drift(CheckDriftSpec(batch=str(root / "same.csv"), run_id=exported[1].run_id),
                       JobContext.local(workspace, roots=[root]))
    assert same.drifted_features == [] and same.recommendation == "fine"
    kinds = {row.feature: row.kind for row in same.most_drifted}
    assert kinds["color"] == "categorical" and kinds["x1:missing"] == "categorical"

    shifted = mixed_frame(seed=3)
    shifted.loc[np.random.default_rng(0).random(N_ROWS) < 0.5, "color"] = "red"  # red: a third -> two thirds
    shifted.drop(columns=["y"]).to_csv(root / "red.csv", index=False)
    red = check_drift(CheckDriftSpec(batch=str(root / "red.csv"), run_id=run_id),
                      JobContext.local(workspace, roots=[root]))
    assert red.drifted_features == ["color"] and red.most_drifted[0].method == "chi2"

    holes = mixed_frame(seed=4)
    holes.loc[np.random.default_rng(1).random(N_ROWS) < 0.4, "income"] = np.nan  # training had none missing
    holes.to_csv(root / "holes.csv", index=False)
    missing = check_drift(CheckDriftSpec(batch=str(root / "holes.csv"), run_id=run_id),
                          JobContext.local(workspace, roots=[root]))
    assert "income:missing" in missing.drifted_features and "color" not in missing.drifted_features


@pytest.mark.parametrize(("values", "expected"), [
    ([f"free text number {i}" for i in range(60)], "free-form text"),
    ([f"2024-01-{1 + i % 28:02d}" for i in range(60)], "holds dates"),
])
def test_text_and_date_columns_are_refused_by_name(tmp_path, values, expected):
    from ml_expert.tools.data.loading import load_table
    from ml_expert.tools.data.spec import FileSource

    pd.DataFrame({"note": values, "x": np.arange(60.0), "y": np.arange(60) % 2}).to_csv(tmp_path / "d.csv",
                                                                                          index=False)
    with pytest.raises(SpecError) as error:
        load_table(FileSource(path=str(tmp_path / "d.csv"), target="y"), [tmp_path])
    assert error.value.field == "data.source.features"
    assert "'note'" in error.value.problem and expected in error.value.problem
    assert "features list without it" in error.value.accepted


def test_profile_checks_parity_through_the_encodings(trained):
    from ml_expert.tools.profile.run import profile_inference
    from ml_expert.tools.profile.schema import ProfileInferenceSpec

    workspace, root, run_id, result = trained
    spec = ProfileInferenceSpec.model_validate({
        "model": {"kind": "run", "run_id": run_id}, "variants": ["inference_mode"], "batch_sizes": [1, 4],
        "threads": 1, "max_seconds_per_measurement": 0.05, "parity_samples": 256})
    profiled = profile_inference(spec, JobContext.local(workspace, roots=[root]))
    parity = next(v.parity for v in profiled.variants if v.variant == "eager")
    assert parity.inputs == "validation rows"
    assert parity.reference_metric == pytest.approx(result.metrics["val_accuracy"], abs=1e-4)


def test_many_categories_are_ordinal_and_unseen_values_are_marked():
    from ml_expert.tools.data.columns import category_code
    from ml_expert.tools.preprocess.transforms import Preprocessing

    labels = [f"city{i:02d}" for i in range(30)]
    X = np.array([[category_code(labels[i % 30])] for i in range(300)] + [[category_code("city03")]],
                 dtype=np.float32)
    fitted = Preprocessing.fit(X, np.zeros(301, dtype=np.int64), task="classification", feature_names=["city"],
                               categories={"city": labels + ["never_in_training"]}, scale_inputs=False)
    assert fitted.encodings[0].kind == "ordinal" and fitted.model_features == ["city"]
    rows = np.array([[category_code("city07")], [category_code("never_in_training")], [np.nan]], dtype=np.float32)
    assert fitted.transform(rows)[:, 0].tolist() == [7.0, -1.0, 3.0]  # rank, unseen, the most frequent's rank
