"""Workflow prompts are served from prompts/*.md with their arguments filled in."""

import re

import pytest
from mcp import Client

from ml_expert.app import build_server
from ml_expert.catalog import CATALOG
from ml_expert.prompts_loader import _prompt, load_prompts

pytestmark = pytest.mark.anyio
WORKFLOWS = {"implement_architecture", "debug_training", "tune", "latency_budget", "ship_model",
             "ablation_and_ensembles", "robustness_and_continual"}


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_prompts_are_listed_and_rendered_with_arguments(config, mode):
    async with Client(build_server(config), mode=mode) as client:
        listed = {p.name: p for p in (await client.list_prompts()).prompts}
        assert set(listed) == WORKFLOWS
        assert [a.name for a in listed["latency_budget"].arguments if a.required] == ["model", "budget"]
        rendered = await client.get_prompt("latency_budget", {"model": "run-42", "budget": "p95 under 5 ms"})
        text = rendered.messages[0].content.text
        assert "Make this model meet its budget: run-42" in text and "Budget: p95 under 5 ms" in text
        assert "Parity data: (none: parity is checked on generated inputs by SQNR only)" in text
        assert "${" not in text


async def test_a_missing_required_argument_is_refused(config):
    async with Client(build_server(config), mode="legacy") as client:
        with pytest.raises(Exception, match="symptom"):
            await client.get_prompt("debug_training", {"source": "train.py"})


def test_every_prompt_names_only_tools_the_server_has():
    server_tools = {entry.name for entry in CATALOG} | {"get_job", "wait_job", "cancel_job", "list_jobs",
                                                          "list_runs", "get_run"}
    tool_like = re.compile(r"`([a-z]+_(?:data|architecture|training|hyperparams|inference|jobs?|runs?|model|experiment|ensemble))`")
    for prompt in load_prompts():
        named = set(tool_like.findall(prompt.fn(**{a.name: "x" for a in prompt.arguments})))
        assert named and named <= server_tools, (prompt.name, named - server_tools)


def test_a_placeholder_without_a_declared_argument_is_a_loading_error():
    text = "---\nname: x\ntitle: X\ndescription: d\narguments: []\n---\nHello ${who}\n"
    with pytest.raises(ValueError, match=r"undeclared arguments \['who'\]"):
        _prompt("x.md", text)
