"""evaluate_model's adversarial check (issue 17): FGSM hurts more as epsilon grows, and more than
random noise of the same norm; PGD at least as much as FGSM; the verdict follows the threshold."""

from __future__ import annotations

import pytest
import torch

from ml_expert.tools.errors import SpecError
from ml_expert.tools.evaluate.run import evaluate_model
from ml_expert.tools.evaluate.schema import EvaluateModelSpec
from ml_expert.tools.job import JobContext
from ml_expert.tools.train.run import train_model
from ml_expert.tools.train.schema import TrainModelSpec

EPSILONS = [0.05, 0.2, 0.5]


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("robustness")
    spec = TrainModelSpec.model_validate({
        "model": {"kind": "builtin", "family": "mlp", "width": 64},
        "data": {"source": {"kind": "bundled", "name": "breast_cancer"}},
        "training": {"epochs": 30, "batch_size": 32, "lr": 3e-3}})
    job = JobContext.local(workspace)
    train_model(spec, job)
    return workspace, job.run_id


def _evaluate(workspace, run_id, **robustness):
    spec = EvaluateModelSpec.model_validate({"run_id": run_id, "baselines": False, "bootstrap_resamples": 200,
                                             "reevaluate": True, "robustness": robustness})
    return evaluate_model(spec, JobContext.local(workspace, tool="evaluate_model"))


def test_fgsm_hurts_more_as_epsilon_grows_and_more_than_noise_of_the_same_norm(workspace):
    result = _evaluate(*workspace, epsilons=EPSILONS, max_drop=0.1)
    rows = {(r.epsilon, r.attack): r for r in result.robustness}
    fgsm = [rows[(e, "fgsm")].accuracy for e in EPSILONS]
    assert fgsm[0] > fgsm[1] > fgsm[2]
    assert result.metrics["test_accuracy"] - fgsm[2] > 0.3
    for epsilon in EPSILONS[1:]:
        noise, attack = rows[(epsilon, "noise")], rows[(epsilon, "fgsm")]
        assert noise.accuracy > attack.accuracy and noise.drop < attack.drop
        assert rows[(epsilon, "pgd")].accuracy <= attack.accuracy + 0.02
    big = rows[(0.5, "fgsm")]
    assert big.low <= big.drop <= big.high and big.low > 0
    verdict = next(v for v in result.verdicts if v.check == "adversarial_robustness")
    assert verdict.status == "fail" and verdict.fix


def test_the_verdict_passes_under_a_lenient_threshold(workspace):
    result = _evaluate(*workspace, epsilons=[0.01], max_drop=0.5, pgd_steps=3)
    verdict = next(v for v in result.verdicts if v.check == "adversarial_robustness")
    assert verdict.status == "pass" and len(result.robustness) == 3


def test_a_regression_run_is_refused_before_the_test_split_opens(tmp_path):
    job = JobContext.local(tmp_path)
    train_model(TrainModelSpec.model_validate({
        "model": {"kind": "builtin", "family": "mlp", "width": 8},
        "data": {"source": {"kind": "bundled", "name": "diabetes"}}, "training": {"epochs": 1}}), job)
    with pytest.raises(SpecError) as error:
        _evaluate(tmp_path, job.run_id)
    assert error.value.field == "robustness" and "regression" in error.value.problem
    # the refused call cost no look: a first evaluation without re-evaluating is still allowed
    first = evaluate_model(EvaluateModelSpec.model_validate({"run_id": job.run_id, "baselines": False,
                                                             "bootstrap_resamples": 100}),
                           JobContext.local(tmp_path, tool="evaluate_model"))
    assert first.reevaluation is False
