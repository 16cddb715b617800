"""The terminal commands people type: `ml-expert call` and `ml-expert demo`."""

import asyncio
import json
import signal
import subprocess
import sys
import time

import pytest
from mcp import Client

from ml_expert import __version__
from ml_expert.app import build_server
from ml_expert.config import ServerConfig

# A search long enough to interrupt, small enough to start at once.
LONG_TUNE = {"base": {"model": {"kind": "builtin", "family": "mlp", "width": 8},
                      "data": {"source": {"kind": "bundled", "name": "iris"}}, "training": {"epochs": 200}},
             "space": {"training.lr": {"type": "float", "low": 0.001, "high": 0.1}}, "n_trials": 500,
             "significance_seeds": 0, "pruner": "none"}


def ml_expert(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ml_expert", *args], capture_output=True, text=True, timeout=timeout)


def test_call_prints_a_readable_summary_and_draws_progress_on_stderr(tmp_path):
    done = ml_expert("call", "audit_data", "--workspace", str(tmp_path),
                     "--json", '{"data": {"source": {"kind": "bundled", "name": "iris"}}}')
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("iris has 150 rows x 4 features (3 classes)")
    assert "[pass] split_overlap:" in done.stdout
    assert "100% done" in done.stderr and "Warning" not in done.stderr


def test_call_raw_gives_the_structured_result(tmp_path):
    done = ml_expert("call", "audit_data", "--raw", "--workspace", str(tmp_path),
                     "--json", '{"data": {"source": {"kind": "bundled", "name": "wine"}}}')
    answer = json.loads(done.stdout)
    assert answer["status"] == "succeeded" and answer["n_rows"] == 178


def test_call_reports_bad_input_with_the_field_in_one_line(tmp_path, listed):
    bad_json = ml_expert("call", "audit_data", "--workspace", str(tmp_path), "--json", "{data")
    assert bad_json.returncode == 2 and "--json is not valid JSON" in bad_json.stderr
    bad_field = ml_expert("call", "audit_data", "--workspace", str(tmp_path),
                          "--json", '{"data": {"source": {"kind": "file", "path": "x.csv", "target": "y"}}}')
    assert bad_field.returncode == 1
    assert error_lines(bad_field.stderr) == [
        "ml-expert call: audit_data: data.source.path: 'x.csv' cannot be read: the server was started without "
        "--root; accepted: a path under a --root folder"]
    bad_kind = ml_expert("call", "audit_data", "--workspace", str(tmp_path),
                         "--json", '{"data": {"source": {"kind": "bundld", "name": "iris"}}}')
    assert bad_kind.returncode == 1 and len(error_lines(bad_kind.stderr)) == 1
    assert "spec.data.source: Input tag 'bundld' found using 'kind' does not match" in bad_kind.stderr
    no_tool = ml_expert("call", "audit", "--workspace", str(tmp_path))
    assert no_tool.returncode == 1
    assert error_lines(no_tool.stderr) == [f"ml-expert call: tool: no tool 'audit'; accepted: {', '.join(listed)}"]


def error_lines(stderr: str) -> list[str]:
    """What a person reads on stderr, the progress bar aside; a traceback would show here too."""
    lines = [line for line in stderr.replace("\r", "\n").splitlines() if line.strip()]
    return [line for line in lines if not line.startswith("  [")]


@pytest.fixture(scope="module")
def listed(tmp_path_factory) -> list[str]:
    """The tools the server lists, in order."""
    async def names():
        config = ServerConfig(workspace=tmp_path_factory.mktemp("ws"), tracking="none")
        async with Client(build_server(config), mode="legacy") as client:
            return [tool.name for tool in (await client.list_tools()).tools]
    return asyncio.run(names())


def test_call_help_lists_every_tool_and_every_help_shows_defaults(listed):
    helped = ml_expert("call", "--help")
    assert helped.returncode == 0
    for name in listed:
        assert name in helped.stdout, name
    assert "(default: 3600.0)" in helped.stdout and "(default: {})" in helped.stdout
    served = ml_expert("serve", "--help").stdout
    assert "default: 20.0)" in served and "(default: 3600.0)" in served
    assert ml_expert("--version").stdout.strip() == f"ml-expert {__version__}"


def test_call_runs_the_job_and_run_tools_with_their_own_arguments(tmp_path):
    audited = json.loads(ml_expert("call", "audit_data", "--raw", "--workspace", str(tmp_path),
                                   "--json", '{"data": {"source": {"kind": "bundled", "name": "iris"}}}').stdout)
    run = ml_expert("call", "get_run", "--workspace", str(tmp_path), "--json", json.dumps({"run_id": audited["run_id"]}))
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("iris has 150 rows") and f"run: {audited['run_id']}  status: succeeded" in run.stdout
    runs = ml_expert("call", "list_runs", "--workspace", str(tmp_path))
    assert runs.returncode == 0 and runs.stdout.startswith(f"{audited['run_id']}  audit_data  succeeded  iris has")
    job = ml_expert("call", "get_job", "--workspace", str(tmp_path), "--json", json.dumps({"job_id": audited["job_id"]}))
    assert job.stdout.startswith(f"{audited['job_id']}  audit_data  succeeded")
    bad = ml_expert("call", "get_run", "--workspace", str(tmp_path), "--json", '{"run": "x"}')
    assert bad.returncode == 1 and error_lines(bad.stderr) == [
        "ml-expert call: get_run: run: not an argument of get_run; accepted: run_id"]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupting_a_call_cancels_its_job_in_one_line(tmp_path, stop):
    call = subprocess.Popen([sys.executable, "-m", "ml_expert", "call", "tune_hyperparams", "--workspace", str(tmp_path),
                             "--json", json.dumps(LONG_TUNE)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list((tmp_path / "runs").glob("tune_hyperparams-*/job.log")) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    call.send_signal(stop)
    _, stderr = call.communicate(timeout=60)
    assert call.returncode == 130
    lines = error_lines(stderr)
    assert len(lines) == 1 and lines[0].startswith("ml-expert call: interrupted: job ") and lines[0].endswith(" cancelled")
    job_id = lines[0].split()[4]
    job = json.loads(ml_expert("call", "get_job", "--raw", "--workspace", str(tmp_path),
                               "--json", json.dumps({"job_id": job_id})).stdout)
    assert job["status"] == "cancelled"


def test_demo_runs_the_four_tools_and_writes_a_report(tmp_path):
    done = ml_expert("demo", "--workspace", str(tmp_path), timeout=600)
    assert done.returncode == 0, done.stderr
    report = (tmp_path / "demo-report.md").read_text()
    assert report.startswith("# ml-expert demo")
    for tool in ("audit_data", "implement_architecture", "diagnose_training", "tune_hyperparams", "profile_inference"):
        assert f"`{tool}` → run `{tool}-" in report
    assert "Most likely cause: lr_too_high" in report  # the planted problem is found
    assert "'fixed': True" in report  # and its fix proven
    assert "Wall time:" in report
