"""Each answer is sent once: structured content, a short text summary, one resource link per artifact;
artifacts are served with their MIME type; protocol mistakes get the spec's codes (issue 15)."""

import json
from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import INVALID_PARAMS, ResourceLink, TextContent

from ml_expert.answers import mime_type, result_text
from ml_expert.app import build_server
from tests.fixtures.jobs import COUNT

pytestmark = pytest.mark.anyio


def make_server(config):
    return build_server(config, catalog=[COUNT])


async def test_an_answer_is_a_short_summary_with_links_not_the_json_again(config):
    async with Client(make_server(config), mode="legacy") as client:
        result = await client.call_tool("count", {"spec": {"steps": 2, "chatter": True}})
    answer = result.structured_content
    text, *links = result.content
    assert isinstance(text, TextContent)
    assert text.text.splitlines()[0] == "succeeded: Counted to 2."
    assert "metrics: steps=2" in text.text and answer["run_id"] in text.text and answer["job_id"] in text.text
    assert "{" not in text.text and len(text.text) < len(json.dumps(answer)) / 3
    assert all(isinstance(link, ResourceLink) for link in links)
    assert [(link.name, link.mime_type, link.size) for link in links] == [("count.txt", "text/plain", 13)]
    assert {str(link.uri) for link in links} == {a["uri"] for a in answer["artifacts"]}


def test_the_summary_names_the_checks_that_did_not_pass_with_their_fix():
    text = result_text({"status": "succeeded", "summary": "Audited.", "run_id": "r1", "job_id": "j1",
                        "metrics": {"a": 0.123456, "b": 2},
                        "verdicts": [{"check": "split_overlap", "status": "pass", "message": "none", "fix": None},
                                     {"check": "class_imbalance", "status": "fail", "message": "9:1.",
                                      "fix": "Reweight."}]})
    assert text.splitlines() == ["succeeded: Audited.", "[fail] class_imbalance: 9:1. Fix: Reweight.",
                                 "1 of 2 checks passed.", "metrics: a=0.1235, b=2",
                                 "run_id r1, job_id j1. Full result: the structured content."]


def test_mime_types_follow_the_suffix():
    assert [mime_type(n) for n in ("curves.png", "model.py", "config.yaml", "report.md", "r.json", "m.onnx",
                                   "m.pt2", "ckpt.pt")] == [
        "image/png", "text/x-python", "application/yaml", "text/markdown", "application/json",
        "application/octet-stream", "application/octet-stream", "application/octet-stream"]


async def test_job_and_run_tools_answer_with_a_summary_too(config):
    async with Client(make_server(config), mode="legacy") as client:
        done = (await client.call_tool("count", {"spec": {"steps": 1}})).structured_content
        job = await client.call_tool("get_job", {"job_id": done["job_id"]})
        runs = await client.call_tool("list_runs", {})
        run = await client.call_tool("get_run", {"run_id": done["run_id"]})
    assert job.content[0].text.startswith(f"job {done['job_id']} (count, run {done['run_id']}): succeeded after ")
    assert "succeeded: Counted to 1." in job.content[0].text
    assert runs.content[0].text == f"{done['run_id']} count succeeded: Counted to 1."
    assert run.content[0].text.startswith("succeeded: Counted to 1.")
    assert [link.name for link in run.content[1:]] == [a["name"] for a in run.structured_content["artifacts"]]


async def test_artifacts_are_served_with_their_mime_type_and_a_log_that_is_not_utf8_still_reads(config):
    async with Client(make_server(config), mode="legacy") as client:
        answer = (await client.call_tool("count", {"spec": {"steps": 1}})).structured_content
        run = (await client.call_tool("get_run", {"run_id": answer["run_id"]})).structured_content
        log = next(a for a in run["artifacts"] if a["name"] == "job.log")
        Path(log["path"]).write_bytes(b"loss \xff\xfe went up\n")
        read = (await client.read_resource(log["uri"])).contents[0]
        summary = (await client.read_resource(f"runs://{answer['run_id']}/summary")).contents[0]
    assert read.mime_type == "text/plain" and read.text == "loss \ufffd\ufffd went up\n"
    assert summary.mime_type == "application/json"


async def test_a_missing_run_or_artifact_is_invalid_params_naming_what_exists(config):
    async with Client(make_server(config), mode="legacy") as client:
        answer = (await client.call_tool("count", {"spec": {"steps": 1}})).structured_content
        with pytest.raises(MCPError) as no_run:
            await client.read_resource("runs://nope/summary")
        with pytest.raises(MCPError) as no_file:
            await client.read_resource(f"runs://{answer['run_id']}/artifacts/missing.png")
    assert no_run.value.code == INVALID_PARAMS and "run_id: no run 'nope'" in no_run.value.message
    assert no_file.value.code == INVALID_PARAMS and "accepted: count.txt" in no_file.value.message


async def test_a_prompt_without_its_required_argument_is_invalid_params_naming_it(config, capfd):
    async with Client(build_server(config), mode="legacy") as client:
        prompts = (await client.list_prompts()).prompts
        prompt = next(p for p in prompts if any(a.required for a in p.arguments or []))
        required = [a.name for a in prompt.arguments if a.required]
        with pytest.raises(MCPError) as missing:
            await client.get_prompt(prompt.name, {})
        with pytest.raises(MCPError) as unknown:
            await client.get_prompt("no_such_prompt", {})
    assert missing.value.code == INVALID_PARAMS and required[0] in missing.value.message
    assert unknown.value.code == INVALID_PARAMS and prompt.name in unknown.value.message
    assert "Traceback" not in capfd.readouterr().err


async def test_unknown_arguments_beside_spec_and_booleans_for_numbers_are_refused(config):
    async with Client(make_server(config), mode="legacy") as client:
        extra = await client.call_tool("count", {"spec": {"steps": 1}, "wait": 5, "seeds": 2})
        boolean = await client.call_tool("count", {"spec": {"steps": True}})
        lifecycle = await client.call_tool("get_run", {"run_id": "x", "verbose": True})
    assert extra.is_error and extra.content[0].text == "seeds, wait: not an argument of count; accepted: spec, wait_s"
    assert boolean.is_error and "steps: true is a boolean; accepted: a number" in boolean.content[0].text
    assert lifecycle.is_error and "verbose: not an argument of get_run; accepted: run_id" in lifecycle.content[0].text
