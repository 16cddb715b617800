"""The agent skill: its front matter, the tools it names, and templates every tool accepts as they are."""

import json
import re
from pathlib import Path

import pytest
import yaml

from ml_expert.catalog import CATALOG

SKILL = Path(__file__).resolve().parents[1] / "skill"
TEMPLATES = sorted((SKILL / "templates").glob("*.json"))
SPECS = {entry.name: entry.spec_model for entry in CATALOG}
SERVER_TOOLS = set(SPECS) | {"get_job", "wait_job", "cancel_job", "list_jobs", "list_runs", "get_run"}


def test_skill_front_matter_names_and_describes_it():
    _, front, body = (SKILL / "SKILL.md").read_text().split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["name"] == "ml-expert"
    assert 50 < len(meta["description"]) < 1024
    named = set(re.findall(r"\| `([a-z_]+)`", body)) | set(re.findall(r"`([a-z]+_[a-z_]+)` \(or", body))
    assert named and named <= SERVER_TOOLS, named - SERVER_TOOLS


def test_there_is_a_template_for_every_tool_that_takes_a_model_or_a_search_space():
    covered = {path.name.split(".")[0] for path in TEMPLATES}
    assert {"implement_architecture", "diagnose_training", "tune_hyperparams", "profile_inference"} <= covered


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_each_template_is_accepted_by_its_tool_as_it_is(template):
    tool = template.name.split(".")[0]
    assert tool in SPECS, f"{template.name} does not start with a tool name"
    SPECS[tool].model_validate(json.loads(template.read_text()))
