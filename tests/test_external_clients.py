"""Real MCP clients besides the Python SDK: the MCP Inspector CLI and the TypeScript SDK over stdio,
and the conformance suite over HTTP. `make clients` installs them into .clients/ (Node 22 from npm).

Without them these tests skip; under CI they must be present.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.http_server import serving_http

HERE = Path(__file__).resolve().parent
CLIENTS = Path(os.environ.get("ML_EXPERT_CLIENTS", HERE.parent / ".clients"))
NODE_BIN = CLIENTS / "node_modules" / "node" / "bin"
CALLS = json.loads((HERE / "clients" / "tool_calls.json").read_text())
CONFORMANCE_SCENARIOS = ["server-initialize", "ping", "tools-list", "resources-list", "prompts-list",
                         "dns-rebinding-protection", "logging-set-level", "server-sse-multiple-streams"]

if not (CLIENTS / "node_modules" / ".bin" / "inspector").exists():
    if os.environ.get("CI"):
        raise RuntimeError(f"the external MCP clients are missing under {CLIENTS}: run `make clients`")
    pytest.skip("external MCP clients not installed (make clients)", allow_module_level=True)


def node_env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ['PATH']}"}


def npx(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(["npx", "--no-install", *args], cwd=CLIENTS, env=node_env(), capture_output=True,
                          text=True, timeout=timeout)


def server_command(workspace: Path) -> list[str]:
    """The server, with a root holding the production batch that check_drift compares (iris rows)."""
    from sklearn.datasets import load_iris

    root = workspace.parent / "data"
    root.mkdir(exist_ok=True)
    load_iris(as_frame=True).frame.drop(columns="target").sample(60, random_state=0).to_csv(root / "batch.csv",
                                                                                           index=False)
    return [sys.executable, "-m", "ml_expert", "serve", "--workspace", str(workspace), "--tracking", "none",
            "--root", str(root)]


def filled(arguments: dict, ids: dict[str, str], runs: dict[str, list[str]]) -> dict:
    """'$job_id' / '$run_id': the first seen; '$run_id:TOOL': the run of the last call to TOOL;
    '$runs:TOOL': the runs of every call to TOOL so far."""
    text = re.sub(r'"\$runs:(\w+)"', lambda m: json.dumps(runs.get(m.group(1))), json.dumps(arguments))
    text = re.sub(r'"\$run_id:(\w+)"', lambda m: json.dumps(runs.get(m.group(1), [None])[-1]), text)
    return json.loads(text.replace('"$job_id"', json.dumps(ids.get("job_id")))
                      .replace('"$run_id"', json.dumps(ids.get("run_id"))))


def call_through_inspector(server: list[str], calls: list[dict]) -> None:
    ids: dict[str, str] = {}
    runs: dict[str, list[str]] = {}
    for call in calls:
        arguments = filled(call["arguments"], ids, runs)
        done = npx("inspector", "--cli", *server, "--method", "tools/call", "--tool-name", call["tool"],
                   "--tool-args-json", json.dumps(arguments))
        # Exit 1: structured content broke the outputSchema; 5: the tool answered an error.
        assert done.returncode == 0, (call["tool"], done.returncode, done.stdout[-2000:], done.stderr[-2000:])
        structured = json.loads(done.stdout)["structuredContent"]
        ids.setdefault("job_id", structured.get("job_id"))
        ids.setdefault("run_id", structured.get("run_id"))
        if structured.get("run_id"):
            runs.setdefault(call["tool"], []).append(structured["run_id"])


def test_inspector_lists_every_tool_and_calls_the_first_ones(tmp_path):
    # The TypeScript test below calls every tool in one session; the Inspector starts a server per
    # call, so the default run takes the calls that need no earlier run, and the chain runs under slow.
    server = server_command(tmp_path)
    listed = npx("inspector", "--cli", *server, "--method", "tools/list")
    assert listed.returncode == 0, listed.stderr
    assert {tool["name"] for tool in json.loads(listed.stdout)["tools"]} == {call["tool"] for call in CALLS}
    call_through_inspector(server, [call for call in CALLS if call["tool"] in ("audit_data", "list_jobs")])


@pytest.mark.slow
@pytest.mark.timeout(900)  # a fresh server per call, and the chained tools run to the end
def test_inspector_calls_every_tool(tmp_path):
    call_through_inspector(server_command(tmp_path), CALLS)


def test_typescript_sdk_validates_every_structured_result(tmp_path):
    # ES modules resolve packages from the script's own folder: run a copy beside node_modules.
    script = CLIENTS / "check_outputs.mjs"
    script.write_text((HERE / "clients" / "check_outputs.mjs").read_text())
    done = subprocess.run(["node", str(script), str(HERE / "clients" / "tool_calls.json"),
                           "--", *server_command(tmp_path)], cwd=CLIENTS, env=node_env(), capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["missing"] == [] and len(report["checked"]) == len(CALLS)
    # Agents pay for every token (issue 15): the tool list under 24 KB, the text block a summary rather
    # than the JSON again, a typical answer (structured + text + links) under 8 KB, none above 20 KB.
    assert report["list_bytes"] <= 24_000, report["list_bytes"]
    assert report["text_is_json"] == []
    answers = sorted(report["answer_bytes"].values())
    assert answers[len(answers) // 2] < 8_000 and answers[-1] < 20_000, report["answer_bytes"]
    assert all(mime for links in report["links"].values() for _, mime in links), report["links"]
    assert ["model.onnx", "application/octet-stream"] in report["links"]["export_model"], report["links"]


@pytest.fixture(scope="module")
def local_http_server(tmp_path_factory):
    with serving_http(tmp_path_factory.mktemp("ws"), "--no-auth") as url:
        yield url


@pytest.mark.parametrize("scenario", CONFORMANCE_SCENARIOS)
def test_conformance_scenario_passes_over_http(local_http_server, scenario):
    done = npx("conformance", "server", "--url", local_http_server, "--scenario", scenario)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 failed" in done.stdout
