"""train_model on a task sequence (issue 17): two unrelated tasks show forgetting, replay reduces it."""

from __future__ import annotations

import pytest
import torch

from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.train.run import train_model
from ml_expert.tools.train.schema import TrainModelSpec


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _task(seed: int, n_features: int = 10) -> dict:
    return {"source": {"kind": "synthetic", "n_samples": 600, "n_features": n_features, "n_informative": 5,
                       "seed": seed}}


def _spec(**extra) -> TrainModelSpec:
    return TrainModelSpec.model_validate({
        "model": {"kind": "builtin", "family": "mlp", "width": 64}, "data": _task(1), "tasks": [_task(2)],
        "patience": None, "training": {"epochs": 30, "batch_size": 32, "lr": 3e-3}, **extra})


def test_a_second_task_causes_forgetting_and_replay_reduces_it(tmp_path):
    job = JobContext.local(tmp_path)
    result = train_model(_spec(replay_rows=200), job)
    c = result.continual
    assert len(c.accuracy) == 2 and len(c.accuracy[1]) == 2
    assert c.accuracy[0][0] > 0.8 and c.accuracy[1][1] > 0.8  # each task is learnt
    assert c.forgetting_without_replay > 0.25 and c.backward_transfer_without_replay < -0.25
    assert c.forgetting < c.forgetting_without_replay - 0.15
    assert c.forgetting == pytest.approx(c.accuracy[0][0] - c.accuracy[1][0], abs=1e-3)
    assert (tmp_path / "runs" / job.run_id / "model.pt").is_file()
    assert "without replay: forgetting" in result.summary


def test_tasks_of_another_shape_are_refused_by_position(tmp_path):
    with pytest.raises(SpecError) as error:
        train_model(_spec(tasks=[_task(2, n_features=8)]), JobContext.local(tmp_path))
    assert error.value.field == "tasks[0]" and "same features" in error.value.accepted
