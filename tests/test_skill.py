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
RUN_PLACEHOLDER = re.compile(r"REPLACE-with-an?-([a-z_-]+)-run-id")  # e.g. an-implement_architecture
QUICK_TRAINING = {"model": {"kind": "builtin", "family": "mlp", "width": 8},
                  "data": {"source": {"kind": "file", "path": "data/customers.csv", "target": "churned"}},
                  "training": {"epochs": 3}}
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
    "train_model.csv_classifier.json": {"training": {"epochs": 3}},
    "evaluate_model.test_split.json": {"bootstrap_resamples": 100, "baselines": False},
    "ablate_experiment.components.json": {"seeds": 2, "base": {"training": {"epochs": 2}}},
    "build_ensemble.stacked_runs.json": {"folds": 2, "bootstrap_resamples": 100},
    "train_model.mixed_csv.json": {"training": {"epochs": 3}},
    "train_model.continual_replay.json": {"training": {"epochs": 3}, "replay_rows": 20},
    "train_model.memory_checkpointing.json": {"model": {"width": 32, "depth": 3},
                                              "training": {"epochs": 1, "batch_size": 64, "max_steps": 5}},
    "evaluate_model.robustness.json": {"bootstrap_resamples": 100, "robustness": {"pgd_steps": 3}},
}


def test_skill_front_matter_names_and_describes_it():
    _, front, body = (SKILL / "SKILL.md").read_text().split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["name"] == "ml-expert"
    assert 50 < len(meta["description"]) < 1024
    named = set(re.findall(r"\| `([a-z_]+)`", body)) | set(re.findall(r"`([a-z]+_[a-z_]+)` \(or", body))
    assert named and named <= SERVER_TOOLS, named - SERVER_TOOLS


def test_there_is_a_template_for_every_ml_tool():
    assert {path.name.split(".")[0] for path in TEMPLATES} == set(SPECS)


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
def runs(workspace):
    """The runs a template's placeholders stand for, made on first use: run_for('train_model')."""
    made: dict[str, str] = {}

    def make(kind: str) -> str:
        if kind == "implement_architecture":
            return ran("implement_architecture", {
                "model": {"kind": "builtin", "family": "mlp", "width": 16,
                          "data": {"source": {"kind": "bundled", "name": "breast_cancer"}}},
                "overfit_steps": 5, "measure_latency": False})
        if kind == "train_model":
            return ran("train_model", QUICK_TRAINING)
        if kind == "second-train_model":  # an ensemble's other member: another width and seed
            return ran("train_model", merged(QUICK_TRAINING, {"model": {"width": 16}, "seed": 1}))
        if kind == "unevaluated-train_model":  # its own lineage: the test split is still sealed for it
            return ran("train_model", QUICK_TRAINING)
        if kind == "evaluated-train_model":
            trained = ran("train_model", QUICK_TRAINING)
            ran("evaluate_model", {"run_id": trained, "bootstrap_resamples": 100, "baselines": False})
            return trained
        raise AssertionError(f"no maker for a template's '{kind}' run")

    def ran(tool: str, spec: dict) -> str:
        result = run_tool(tool, spec, workspace)
        assert result.status == "succeeded", result.summary
        return result.run_id

    def run_for(kind: str) -> str:
        if kind not in made:
            made[kind] = make(kind)
        return made[kind]

    return run_for


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


def filled(template: Path, runs) -> dict:
    return json.loads(RUN_PLACEHOLDER.sub(lambda m: runs(m.group(1)), template.read_text()))


def assert_ran(template: Path, result) -> None:
    assert result.status == "succeeded", (template.name, result.summary)
    assert result.summary and result.verdicts, template.name


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_each_template_runs_through_its_tool_with_small_budgets(template, workspace, runs):
    tool = template.name.split(".")[0]
    spec = merged(filled(template, runs), QUICK.get(template.name, {}))
    assert_ran(template, run_tool(tool, spec, workspace))


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_each_template_runs_through_its_tool_as_shipped(template, workspace, runs):
    tool = template.name.split(".")[0]
    assert_ran(template, run_tool(tool, filled(template, runs), workspace))
