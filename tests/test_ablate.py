"""ablate_experiment: a component the model needs shows a significant drop, a useless one does not."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from ml_expert.tools.ablate.run import ablate_experiment
from ml_expert.tools.ablate.schema import AblateExperimentSpec
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture
def root(tmp_path):
    """Two signal columns decide the class (their product's sign: an MLP needs both); three are noise."""
    rng = np.random.default_rng(0)
    n = 800
    signal = rng.normal(size=(n, 2))
    noise = rng.normal(size=(n, 3))
    y = (signal[:, 0] * signal[:, 1] > 0).astype(int)
    lines = ["s1,s2,n1,n2,n3,label"] + [",".join(f"{v:.5f}" for v in (*signal[i], *noise[i])) + f",{y[i]}"
                                         for i in range(n)]
    (tmp_path / "xor.csv").write_text("\n".join(lines) + "\n")
    return tmp_path


def spec(**fields) -> AblateExperimentSpec:
    base = {"model": {"kind": "builtin", "family": "mlp", "width": 32, "depth": 2},
            "data": {"source": {"kind": "file", "path": "xor.csv", "target": "label"}},
            "training": {"epochs": 15, "lr": 0.01, "batch_size": 32}}
    return AblateExperimentSpec.model_validate({"base": base, **fields})


def test_a_needed_component_costs_significantly_and_a_useless_one_is_within_noise(root):
    job = JobContext.local(root, roots=[root])
    result = ablate_experiment(spec(ablations=[
        {"name": "noise_columns", "drop_features": ["n1", "n2", "n3"]},
        {"name": "signal_column", "drop_features": ["s2"]},
        {"name": "one_unit", "overrides": {"model.width": 1, "model.depth": 1}},
    ]), job)
    rows = {row.name: row for row in result.ablations}
    assert [row.diff for row in result.ablations] == sorted(row.diff for row in result.ablations)  # costliest first
    needed = rows["signal_column"]
    assert needed.verdict == "needed" and needed.ci_high < 0 and needed.p_value < 0.05
    assert needed.diff < -0.2  # without s2 the product's sign is a coin flip
    assert rows["noise_columns"].verdict == "within_noise"
    assert rows["noise_columns"].ci_low <= 0 <= rows["noise_columns"].ci_high
    assert result.base_mean > 0.85 and result.seeds == [0, 1, 2]
    assert "removing signal_column costs" in result.summary and "noise_columns is within noise" in result.summary
    record = json.loads((job.run_dir / "ablation.json").read_text())
    assert [r["seed"] for r in record["variants"]["base"]["runs"]] == [0, 1, 2]
    assert record["variants"]["signal_column"]["features"] == 4
    assert record["variants"]["one_unit"]["experiment"]["model"]["width"] == 1  # the override trained
    assert rows["one_unit"].verdict == "needed"  # one ReLU unit cannot draw the product's sign
    assert np.mean([r["score"] for r in record["variants"]["base"]["runs"]]) == pytest.approx(result.base_mean)
    assert {"ablation.json", "ablation.png"} <= {a.name for a in result.artifacts}
    assert next(v for v in result.verdicts if v.check == "same_splits").status == "pass"
    power = next(v for v in result.verdicts if v.check == "ablation_power")  # noise_columns: ±6.7 points
    assert power.status == "warn" and "noise_columns" in power.message and power.fix
    assert set(result.runs) == {"base", "noise_columns", "signal_column", "one_unit"}
    assert record["variants"]["one_unit"]["run_id"] == result.runs["one_unit"]


def test_each_variant_is_a_run_evaluate_model_loads(root):
    from ml_expert.tools.evaluate.run import evaluate_model
    from ml_expert.tools.evaluate.schema import EvaluateModelSpec

    job = JobContext.local(root, roots=[root])
    result = ablate_experiment(spec(seeds=2, ablations=[{"name": "signal_column", "drop_features": ["s2"]},
                                                        {"name": "one_unit", "overrides": {"model.width": 1}}]), job)
    assert set(result.runs) == {"base", "signal_column", "one_unit"}
    runs = root / "runs"
    assert (runs / result.runs["one_unit"] / "experiment.json").is_file()
    assert not (runs / result.runs["signal_column"] / "experiment.json").exists()  # its data is not the experiment's
    record = json.loads((job.run_dir / "ablation.json").read_text())
    scores = {}
    for name in ("base", "signal_column"):
        evaluation = evaluate_model(EvaluateModelSpec.model_validate(
            {"run_id": result.runs[name], "baselines": False, "bootstrap_resamples": 200}),
            JobContext.local(root, roots=[root], tool="evaluate_model"))
        scores[name] = evaluation.metrics["test_accuracy"]
        assert record["variants"][name]["runs"][0]["seed"] == 0  # the saved run is the first seed's
    assert scores["base"] > 0.8 and scores["signal_column"] < 0.65  # s2 dropped: the sign is a coin flip


def test_an_unknown_feature_or_setting_is_refused_before_training(root):
    job = JobContext.local(root, roots=[root])
    with pytest.raises(SpecError) as error:
        ablate_experiment(spec(ablations=[{"name": "a", "drop_features": ["nope"]}]), job)
    assert error.value.field == "ablations[0].drop_features" and "nope" in str(error.value)
    with pytest.raises(SpecError) as error:
        ablate_experiment(spec(ablations=[{"name": "a", "overrides": {"model.dropuot": 0.0}}]), job)
    assert error.value.field.startswith("ablations[0].overrides") and "dropuot" in str(error.value)
    with pytest.raises(SpecError) as error:
        ablate_experiment(spec(ablations=[{"name": "a", "reset": ["optimizer"]}]), job)
    assert error.value.field == "ablations[0].reset"
    assert not (job.run_dir / "ablation.json").exists()


def test_an_ablation_that_changes_nothing_or_repeats_a_name_is_refused():
    with pytest.raises(ValueError, match="changes nothing"):
        spec(ablations=[{"name": "a"}])
    with pytest.raises(ValueError, match="unique"):
        spec(ablations=[{"name": "a", "reset": ["model.dropout"]}, {"name": "a", "reset": ["model.norm"]}])
