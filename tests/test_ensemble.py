"""build_ensemble: stacking beats its best member on a task built for it, its meta-learner never saw a
validation row, and the ensemble is a run evaluate_model loads."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.ensemble.run import build_ensemble
from ml_expert.tools.ensemble.schema import BuildEnsembleSpec
from ml_expert.tools.errors import SpecError
from ml_expert.tools.evaluate.run import evaluate_model
from ml_expert.tools.evaluate.schema import EvaluateModelSpec
from ml_expert.tools.export.run import export_model
from ml_expert.tools.export.schema import ExportModelSpec
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import load_run
from ml_expert.tools.profile.run import profile_inference
from ml_expert.tools.profile.schema import ProfileInferenceSpec
from ml_expert.tools.train.run import train_model
from ml_expert.tools.train.schema import TrainModelSpec

# The target is a sum of a function of a, b, c and one of d, e, f: members that each see one group
# err in different ways, and a meta-learner that adds them up beats them all.
SUMS = {"source": {"kind": "file", "path": "sums.csv", "target": "y"}}


def view(*features: str) -> dict:
    return {"source": {**SUMS["source"], "features": list(features)}}
WINE = {"source": {"kind": "bundled", "name": "wine"}}


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def trained(root, data, model: dict, seed: int, epochs: int = 30) -> str:
    job = JobContext.local(root, roots=[root])
    spec = TrainModelSpec.model_validate({"model": {"kind": "builtin", "family": "mlp", **model}, "data": data,
                                          "training": {"epochs": epochs, "lr": 3e-3}, "patience": None,
                                          "seed": seed})
    train_model(spec, job)
    return job.run_id


def ensemble(root, run_ids, records=None, **fields):
    job = JobContext.local(root, roots=[root])
    job.records = records or job.records  # a ledger shared with earlier jobs, as the server's is
    spec = BuildEnsembleSpec.model_validate({"run_ids": run_ids, "bootstrap_resamples": 500, "folds": 3, **fields})
    return build_ensemble(spec, job), job


@pytest.fixture(scope="module")
def regressors(tmp_path_factory):
    root = tmp_path_factory.mktemp("ensemble")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 6))
    y = X[:, 0] + np.sin(2 * X[:, 1]) + X[:, 2] + X[:, 3] - X[:, 4] + 0.5 * X[:, 5] + rng.normal(scale=0.2, size=600)
    rows = [",".join(f"{v:.5f}" for v in (*X[i], y[i])) for i in range(600)]
    (root / "sums.csv").write_text("\n".join(["a,b,c,d,e,f,y", *rows]) + "\n")
    members = [trained(root, view("a", "b", "c"), {"width": 32}, seed=1),
               trained(root, view("d", "e", "f"), {"width": 32, "activation": "tanh"}, seed=2)]
    return root, members


def test_a_stacked_ensemble_beats_its_best_member_and_never_fits_on_validation_rows(regressors):
    root, members = regressors
    result, job = ensemble(root, members)
    assert result.metric == "r2" and result.comparison.verdict == "better", result.summary
    assert result.comparison.ci_low > 0 and result.comparison.p_value < 0.05
    assert result.value > max(m.value for m in result.members) + 0.2  # each member explains about half
    assert next(v for v in result.verdicts if v.check == "beats_best_member").status == "pass"
    assert next(v for v in result.verdicts if v.check == "members_test_unseen").status == "pass"

    record = json.loads((job.run_dir / "ensemble.json").read_text())
    splits = prepare_data(DataSpec.model_validate(SUMS), job).splits
    assert sorted(record["meta_rows"]) == sorted(int(r) for r in splits.train.indices)
    assert not set(record["meta_rows"]) & {int(r) for r in splits.val.indices}
    assert result.meta_rows == len(splits.train)

    # The saved run is one model: loaded back, it answers as the ensemble did on validation rows.
    loaded = load_run(job.run_id, JobContext.local(root, roots=[root]))
    assert (job.run_dir / "model_code.py").is_file()
    with torch.no_grad():
        values = loaded.module(torch.tensor(np.asarray(splits.val.X))).numpy().ravel()
    from ml_expert.tools.train.metrics import regression_metrics

    assert regression_metrics(np.asarray(splits.val.y), values)["r2"] == pytest.approx(result.value, abs=1e-4)

    evaluated = evaluate_model(EvaluateModelSpec.model_validate(
        {"run_id": job.run_id, "bootstrap_resamples": 100, "baselines": False}), JobContext.local(root, roots=[root]))
    assert evaluated.status == "succeeded" and evaluated.metric == "r2" and evaluated.test_rows > 0


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")
def test_classifier_runs_combine_by_averaging_voting_and_stacking_and_the_stack_exports(tmp_path):
    members = [trained(tmp_path, WINE, {"width": 16}, seed=1, epochs=10),
               trained(tmp_path, WINE, {"width": 8, "depth": 1}, seed=2, epochs=10)]
    looked = JobContext.local(tmp_path, roots=[tmp_path])
    evaluate_model(EvaluateModelSpec.model_validate({"run_id": members[0], "bootstrap_resamples": 100,
                                                     "baselines": False}), looked)
    for method in ("average", "vote", "stack"):
        result, job = ensemble(tmp_path, members, records=looked.records, method=method)
        tested = next(v for v in result.verdicts if v.check == "members_test_unseen")
        assert tested.status == "warn" and members[0] in tested.message and members[1] not in tested.message
        assert result.metric == "accuracy" and 0.8 < result.value <= 1.0, (method, result.summary)
        assert result.comparison.against in members and result.comparison.test == "mcnemar"
        assert (method == "stack") == any(v.check == "meta_learner_rows" for v in result.verdicts)
    loaded = load_run(job.run_id, JobContext.local(tmp_path, roots=[tmp_path]))
    assert loaded.task == "classification" and loaded.num_outputs == 3

    # The stacked run exports (ONNX and pt2 agree with its checkpoint) and profiles through ONNX Runtime.
    exported = export_model(ExportModelSpec.model_validate({"run_id": job.run_id, "draft": True}),
                            JobContext.local(tmp_path, roots=[tmp_path]))
    assert exported.status == "succeeded" and set(exported.parity) == {"pt2", "onnx"}
    assert all(p.relative_diff <= p.tolerance for p in exported.parity.values())
    profiled = profile_inference(ProfileInferenceSpec.model_validate(
        {"model": {"kind": "run", "run_id": job.run_id}, "variants": ["eager", "onnxruntime"], "batch_sizes": [4],
         "threads": 1, "max_seconds_per_measurement": 0.05, "parity_samples": 32}),
        JobContext.local(tmp_path, roots=[tmp_path]))
    assert {row.variant for row in profiled.rows} == {"eager", "onnxruntime"}, profiled.summary


def test_runs_of_other_data_or_a_vote_on_regression_are_refused(regressors, tmp_path):
    root, members = regressors
    other = trained(root, WINE, {"width": 8}, seed=0, epochs=2)
    with pytest.raises(SpecError) as error:
        ensemble(root, [members[0], other])
    assert error.value.field == "run_ids[1]" and "differs" in str(error.value)
    with pytest.raises(SpecError) as error:
        ensemble(root, members, method="vote")
    assert error.value.field == "method"
    with pytest.raises(ValueError, match="distinct"):
        BuildEnsembleSpec.model_validate({"run_ids": [members[0], members[0]]})
