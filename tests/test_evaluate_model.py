"""evaluate_model: the only opening of the sealed test split, recorded; intervals, breakdowns, baselines, tests."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ml_expert.tools.errors import SpecError
from ml_expert.tools.evaluate.run import evaluate_model
from ml_expert.tools.evaluate.schema import EvaluateModelSpec
from ml_expert.tools.job import JobContext
from ml_expert.tools.train.run import train_model
from ml_expert.tools.train.schema import TrainModelSpec

WINE = {"source": {"kind": "bundled", "name": "wine"}}


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


class Workspace:
    """One workspace whose jobs share a ledger, as jobs of one server do."""

    def __init__(self, path):
        self.path = path
        self.records = JobContext.local(path).records

    def job(self, tool: str) -> JobContext:
        job = JobContext.local(self.path, roots=[self.path], tool=tool)
        job.records = self.records
        return job

    def train(self, data=WINE, **training) -> str:
        spec = TrainModelSpec.model_validate({"model": {"kind": "builtin", "family": "mlp", "width": 32},
                                              "data": data, "training": {"epochs": 12, "lr": 3e-3, **training}})
        job = self.job("train_model")
        train_model(spec, job)
        return job.run_id

    def evaluate(self, run_id: str, **fields):
        spec = EvaluateModelSpec.model_validate({"run_id": run_id, "bootstrap_resamples": 200, **fields})
        job = self.job("evaluate_model")
        return evaluate_model(spec, job), job


@pytest.fixture
def ws(tmp_path):
    return Workspace(tmp_path)


def test_one_recorded_look_then_refusal_unless_deliberate(ws):
    run_id = ws.train()
    assert ws.records.test_openings == []  # training never opened it
    result, job = ws.evaluate(run_id, slice_features=["alcohol"])
    [opening] = ws.records.test_openings
    assert opening.lineage == result.lineage == run_id and opening.run_id == job.run_id
    assert not result.reevaluation and result.test_rows == 27
    assert result.metrics["test_accuracy"] > 0.8
    low, high = result.intervals["accuracy"]
    assert low <= result.metrics["test_accuracy"] <= high and high - low > 0.02
    assert sum(map(sum, result.confusion_matrix)) == 27 and len(result.per_class) == 3
    assert {"confusion_matrix.png", "reliability.png", "evaluation.json"} <= {a.name for a in result.artifacts}
    assert all(a.sha256 and a.uri.startswith(f"runs://{job.run_id}/") for a in result.artifacts)
    assert {c.against for c in result.comparisons} == {"majority", "linear", "hist_gradient_boosting"}
    majority = next(c for c in result.comparisons if c.against == "majority")
    assert majority.verdict == "better" and majority.test == "mcnemar"  # wine's largest class is 40%
    assert {s.feature for s in result.slices} == {"alcohol"} and sum(s.rows for s in result.slices) == 27
    record = json.loads((job.run_dir / "evaluation.json").read_text())
    assert record["model_run_id"] == run_id and record["metrics"]["accuracy"]["low"] == pytest.approx(low, abs=1e-6)
    checks = {v.check: v for v in result.verdicts}
    assert checks["test_split_sealed"].status == "pass" and "calibration" in checks and "beats_baselines" in checks

    with pytest.raises(SpecError, match="reevaluate: lineage .* already opened this test split 1 time"):
        ws.evaluate(run_id, baselines=False)
    assert len(ws.records.test_openings) == 1  # the refusal opened nothing
    again, _ = ws.evaluate(run_id, reevaluate=True, baselines=False)
    assert again.reevaluation and len(ws.records.test_openings) == 2
    assert next(v for v in again.verdicts if v.check == "test_split_sealed").status == "warn"
    assert "re-evaluation" in again.summary


def test_a_model_continued_from_a_run_shares_its_lineage(ws):
    first = ws.train(epochs=2)
    ws.evaluate(first, baselines=False)
    spec = TrainModelSpec.model_validate({"model": {"kind": "run", "run_id": first}, "data": WINE,
                                          "training": {"epochs": 2}})
    job = ws.job("train_model")
    train_model(spec, job)
    with pytest.raises(SpecError, match=f"lineage '{first}' already opened"):
        ws.evaluate(job.run_id, baselines=False)


def test_paired_comparison_says_better_only_on_evidence(ws):
    good = ws.train()
    weak = ws.train(epochs=1, lr=1e-5)
    result, _ = ws.evaluate(good, baselines=False, compare_run_id=weak)
    [versus] = result.comparisons
    assert versus.against == weak and versus.verdict == "better" and versus.p_value < 0.05 and versus.ci_low > 0
    # The compared run's look is in the ledger too: its own evaluation is now a re-evaluation.
    with pytest.raises(SpecError, match="reevaluate"):
        ws.evaluate(weak, baselines=False)
    same, _ = ws.evaluate(weak, baselines=False, compare_run_id=weak, reevaluate=True)
    assert same.comparisons[0].verdict == "not_significant" and same.comparisons[0].p_value == 1.0  # no evidence
    assert [o.lineage for o in ws.records.test_openings] == [good, weak, weak, weak]


def test_regression_in_the_targets_units_with_baselines_and_cross_validation(ws):
    run_id = ws.train(data={"source": {"kind": "bundled", "name": "diabetes"}}, epochs=8)
    result, _ = ws.evaluate(run_id, cv_folds=3)
    assert result.metric == "r2" and result.metrics["test_mae"] > 10  # targets run 25..346
    assert {c.against for c in result.comparisons} == {"mean", "linear", "hist_gradient_boosting"}
    assert result.confusion_matrix is None and result.per_class == []
    cv = result.cross_validation
    assert len(cv.folds) == 3 and cv.std >= 0 and min(cv.folds) <= cv.mean <= max(cv.folds)


def test_mistakes_in_the_spec_are_refused_before_the_test_split_opens(ws):
    run_id = ws.train(epochs=1)
    with pytest.raises(SpecError, match=r"slice_features: \['colour'\] are not features"):
        ws.evaluate(run_id, slice_features=["colour"])
    resplit = {**WINE, "split": {"seed": 7}}
    with pytest.raises(SpecError, match="data.split: the run was trained on another split of this dataset"):
        ws.evaluate(run_id, data=resplit)
    with pytest.raises(SpecError, match="compare_run_id: run 'nope' has no saved model"):
        ws.evaluate(run_id, compare_run_id="nope")
    assert ws.records.test_openings == []


def test_only_evaluate_model_may_open_the_test_split(tmp_path):
    job = JobContext.local(tmp_path, tool="tune_hyperparams")
    with pytest.raises(PermissionError, match="only evaluate_model"):
        job.open_test_split(dataset_version="d", split_hash="h", lineage="l", purpose="peek")


def test_tune_and_diagnose_never_open_the_test_split(ws):
    from ml_expert.tools.diagnose.run import diagnose_training
    from ml_expert.tools.diagnose.schema import DiagnoseTrainingSpec
    from ml_expert.tools.tune.run import tune_hyperparams
    from ml_expert.tools.tune.schema import TuneHyperparamsSpec

    base = {"model": {"kind": "builtin", "family": "mlp", "width": 8}, "data": {"source": {"kind": "bundled",
                                                                                        "name": "iris"}},
            "training": {"epochs": 2}}
    tune_hyperparams(TuneHyperparamsSpec.model_validate({
        "base": base, "space": {"training.lr": {"type": "float", "low": 1e-3, "high": 1e-2, "log": True}},
        "n_trials": 2, "significance_seeds": 0}), ws.job("tune_hyperparams"))
    diagnose_training(DiagnoseTrainingSpec.model_validate({"mode": {"kind": "experiment", "experiment": base,
                                                                    "max_steps": 30}}),
                      ws.job("diagnose_training"))
    assert ws.records.test_openings == []


@pytest.mark.slow
def test_bootstrap_intervals_cover_a_known_accuracy_95_percent_of_the_time():
    """200 test sets drawn from a model whose true accuracy is 0.8: the 95% interval should hold it ~95%."""
    from ml_expert.tools.evaluate.predict import Answers
    from ml_expert.tools.evaluate.scores import intervals

    covered = 0
    for repeat in range(200):
        rng = np.random.default_rng(repeat)
        y = rng.integers(0, 2, 400)
        right = rng.random(400) < 0.8
        predictions = np.where(right, y, 1 - y)
        ci = intervals("classification", y, Answers(predictions, None), ["accuracy"], resamples=1000,
                       confidence=0.95, seed=repeat)["accuracy"]
        covered += ci.low <= 0.8 <= ci.high
    assert 0.93 <= covered / 200 <= 0.97
