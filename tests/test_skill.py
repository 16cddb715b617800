"""The agent skill: its front matter, the tools it names, and templates every tool runs as they are."""

import copy
import importlib
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from ml_expert.catalog import CATALOG
from ml_expert.tools.job import JobContext

SKILL = Path(__file__).resolve().parents[1] / "skill"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "templates"  # the files the templates name
TEMPLATES = sorted((SKILL / "templates").glob("*.json"))
ENTRIES = {entry.name: entry for entry in CATALOG}
SPECS = {name: entry.spec_model for name, entry in ENTRIES.items()}
SERVER_TOOLS = set(SPECS) | {"get_job", "wait_job", "cancel_job", "list_jobs", "list_runs", "get_run"}
RUN_PLACEHOLDER = "REPLACE-with-a-run-id"
FAST_PROFILE = {"batch_sizes": [1, 4], "threads": 1, "max_seconds_per_measurement": 0.05, "parity_samples": 32}
# Smaller budgets for the default run; the slow test runs every template exactly as shipped.
QUICK = {
    "diagnose_training.experiment.json": {"mode": {"max_steps": 60, "experiment": {"training": {"epochs": 3}}}},
    "diagnose_training.script.json": {"mode": {"max_steps": 60}},
    "implement_architecture.cnn_from_data.json": {"overfit_steps": 10},
    "implement_architecture.gpt_25m.json": {"param_budget": 300_000, "tolerance": 0.1, "overfit_steps": 2,
                                            "check_batch_size": 2, "measure_latency": False,
                                            "model": {"input": {"seq_len": 32}}},
    "implement_architecture.own_module.json": {"overfit_steps": 10},
    "profile_inference.latency_budget.json": {**FAST_PROFILE, "variants": ["eager", "inference_mode"]},
    "profile_inference.onnx_file.json": FAST_PROFILE,
    "tune_hyperparams.mlp_search.json": {"n_trials": 2, "n_workers": 1, "significance_seeds": 0,
                                         "base": {"training": {"epochs": 2}}},
}


def test_skill_front_matter_names_and_describes_it():
    _, front, body = (SKILL / "SKILL.md").read_text().split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["name"] == "ml-expert"
    assert 50 < len(meta["description"]) < 1024
    named = set(re.findall(r"\| `([a-z_]+)`", body)) | set(re.findall(r"`([a-z]+_[a-z_]+)` \(or", body))
    assert named and named <= SERVER_TOOLS, named - SERVER_TOOLS


def test_there_is_a_template_for_every_tool_that_takes_data_a_model_or_a_search_space():
    covered = {path.name.split(".")[0] for path in TEMPLATES}
    assert {"audit_data", "implement_architecture", "diagnose_training", "tune_hyperparams",
            "profile_inference"} <= covered


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_each_template_is_accepted_by_its_tool_as_it_is(template):
    tool = template.name.split(".")[0]
    assert tool in SPECS, f"{template.name} does not start with a tool name"
    SPECS[tool].model_validate(json.loads(template.read_text()))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A root holding the files the templates name (an ONNX file exported here), and a built model's run."""
    root = tmp_path_factory.mktemp("templates")
    shutil.copytree(FIXTURES, root, dirs_exist_ok=True)
    import torch

    (root / "exports").mkdir()
    model = torch.nn.Sequential(torch.nn.Linear(16, 32), torch.nn.ReLU(), torch.nn.Linear(32, 3)).eval()
    torch.onnx.export(model, (torch.randn(2, 16),), str(root / "exports" / "model.onnx"), dynamo=False,
                      input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    return root


@pytest.fixture(scope="module")
def built_run(workspace) -> str:
    """The run a template's RUN_PLACEHOLDER stands for: a small model built by implement_architecture."""
    spec = {"model": {"kind": "builtin", "family": "mlp", "width": 16,
                      "data": {"source": {"kind": "bundled", "name": "breast_cancer"}}},
            "overfit_steps": 5, "measure_latency": False}
    result = run_tool("implement_architecture", spec, workspace)
    assert result.status == "succeeded", result.summary
    return result.run_id


def run_tool(tool: str, spec: dict, root: Path):
    entry = ENTRIES[tool]
    module, _, function = entry.function.partition(":")
    job = JobContext.local(root, roots=[root], tool=tool)
    result = getattr(importlib.import_module(module), function)(entry.spec_model.model_validate(spec), job)
    return result.model_copy(update={"run_id": job.run_id})


def merged(base: dict, override: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in override.items():
        out[key] = merged(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def filled(template: Path, run_id: str) -> dict:
    return json.loads(template.read_text().replace(RUN_PLACEHOLDER, run_id))


def assert_ran(template: Path, result) -> None:
    assert result.status == "succeeded", (template.name, result.summary)
    assert result.summary and result.verdicts, template.name


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_each_template_runs_through_its_tool_with_small_budgets(template, workspace, built_run):
    tool = template.name.split(".")[0]
    spec = merged(filled(template, built_run), QUICK.get(template.name, {}))
    assert_ran(template, run_tool(tool, spec, workspace))


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_each_template_runs_through_its_tool_as_shipped(template, workspace, built_run):
    tool = template.name.split(".")[0]
    assert_ran(template, run_tool(tool, filled(template, built_run), workspace))
