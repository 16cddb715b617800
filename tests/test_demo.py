"""The demo a new user runs first (`make demo`): steps that are right, headlines that read true."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from ml_expert import demo
from ml_expert.tools.architecture.run import implement_architecture
from ml_expert.tools.architecture.schema import ImplementArchitectureSpec
from ml_expert.tools.job import JobContext


def step(tool: str) -> demo.DemoStep:
    return next(s for s in demo.STEPS if s.tool == tool)


def test_the_headline_never_lets_succeeded_read_as_passed():
    answer = {"status": "succeeded", "verdicts": [{"check": "forward_shape", "status": "pass"},
                                                  {"check": "param_budget", "status": "fail"}]}
    assert demo.headline(answer) == "job succeeded; 1 of 2 checks failed (param_budget)"
    answer["verdicts"][1]["status"] = "warn"
    assert demo.headline(answer) == "job succeeded; 1 of 2 checks warn (param_budget)"
    answer["verdicts"][1]["status"] = "pass"
    assert demo.headline(answer) == "job succeeded; all 2 checks pass"


def test_the_demo_asks_for_a_budget_the_builder_meets(tmp_path):
    spec = ImplementArchitectureSpec.model_validate({**step("implement_architecture").spec, "measure_latency": False})
    result = implement_architecture(spec, JobContext.local(tmp_path))
    budget = next(v for v in result.verdicts if v.check == "param_budget")
    assert budget.status == "pass" and abs(result.budget_deviation) <= spec.tolerance, budget.message


def test_the_profiled_evaluated_exported_and_drift_checked_model_is_the_trained_one():
    tools = [s.tool for s in demo.STEPS]
    assert tools.index("implement_architecture") < tools.index("train_model") < tools.index("profile_inference")
    assert tools.index("evaluate_model") < tools.index("export_model") < tools.index("check_drift")
    assert step("train_model").spec["model"] == {"kind": "run", "run_id": demo.BUILT_MODEL}
    for tool in ("profile_inference", "evaluate_model", "export_model", "check_drift"):
        assert demo.TRAINED_MODEL in json.dumps(step(tool).spec) and demo.BUILT_MODEL not in json.dumps(step(tool).spec)


def test_the_shifted_batch_has_the_digits_features_and_has_moved(tmp_path):
    from sklearn.datasets import load_digits

    demo._write_shifted_batch(tmp_path / demo.SHIFTED_BATCH)
    batch = np.load(tmp_path / demo.SHIFTED_BATCH)
    pixels = load_digits().data[:300]
    assert batch.shape == pixels.shape == (300, 64) and batch.min() >= 0 and batch.max() <= 16
    assert batch.mean() < 0.7 * pixels.mean()


@pytest.mark.slow
def test_the_demo_headlines(tmp_path):
    """The whole demo through a spawned server: each step's headline is what a reader should see."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "ml_expert", "demo", "--workspace", str(tmp_path)],
                          capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stderr[-2000:]
    report = (tmp_path / "demo-report.md").read_text()
    sections = {part.split("`")[1]: part for part in report.split("\n## ")[1:]}
    assert set(sections) == {s.tool for s in demo.STEPS}
    assert "| param_budget | pass |" in sections["implement_architecture"]  # the budget asked for is met
    assert "failed" not in sections["implement_architecture"].split("**")[1]
    # The profiled model is trained: parity's accuracy is far above chance (an untrained CNN read 0.10).
    profile = sections["profile_inference"]
    accuracy = float(re.search(r"accuracy ([0-9.]+) vs eager", profile).group(1))
    assert accuracy > 0.8
    assert "val accuracy" in sections["tune_hyperparams"]
    assert "Most likely cause: lr_too_high" in sections["diagnose_training"]
    assert "retrain" in sections["check_drift"] or "investigate" in sections["check_drift"]
