"""Jobs through a real MCP client, in both protocol modes: progress, waiting, cancel, crashes, queue."""

import os
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client

from ml_expert.app import build_server
from ml_expert.config import ServerConfig
from ml_expert.tools.job import sha256_file
from tests.fixtures.jobs import COUNT

pytestmark = pytest.mark.anyio
MODES = ["legacy", "auto"]


def make_server(config, **overrides):
    if overrides:
        config = ServerConfig(**{**config.__dict__, **overrides})
    return build_server(config, catalog=[COUNT])


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def wait_until_running(client, job_id, timeout=20.0):
    with anyio.fail_after(timeout):
        while True:
            job = (await client.call_tool("get_job", {"job_id": job_id})).structured_content
            if job["status"] == "running" and job["pid"] and job["progress"]["step"] >= 1:
                return job
            await anyio.sleep(0.05)


@pytest.mark.parametrize("mode", MODES)
async def test_tool_call_reports_progress_and_returns_the_envelope(config, mode):
    updates = []

    async def on_progress(progress, total, message):
        updates.append((progress, total, message))

    async with Client(make_server(config), mode=mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert {"count", "get_job", "wait_job", "cancel_job", "list_jobs", "list_runs", "get_run"} <= set(tools)
        assert set(tools["count"].input_schema["properties"]) == {"spec", "wait_s"}
        assert "steps_done" in tools["count"].output_schema["properties"]
        assert tools["get_job"].annotations.read_only_hint is True

        result = await client.call_tool("count", {"spec": {"steps": 4}}, progress_callback=on_progress)
        assert not result.is_error, result.content
        answer = result.structured_content
        assert answer["status"] == "succeeded" and answer["steps_done"] == 4
        # Two workers share the cores: each job gets its part, so they don't oversubscribe.
        assert answer["omp_threads"] == str(max(1, os.cpu_count() // 2))
        assert answer["provenance"]["seeds"]["seed"] == 0
        assert answer["provenance"]["packages"]["ml-expert"]
        [artifact] = answer["artifacts"]
        assert artifact["uri"] == f"runs://{answer['run_id']}/artifacts/count.txt"
        assert sha256_file(artifact["path"]) == artifact["sha256"]

        run = (await client.call_tool("get_run", {"run_id": answer["run_id"]})).structured_content
        assert run["status"] == "succeeded" and run["summary"] == "Counted to 4."
        assert {a["name"] for a in run["artifacts"]} == {"count.txt", "job.log"}

    assert [u[0] for u in updates] == [1, 2, 3, 4]
    assert updates[-1] == (4, 4, "step 4/4")


@pytest.mark.parametrize("mode", MODES)
async def test_a_long_job_answers_running_and_can_be_awaited(config, mode):
    async with Client(make_server(config), mode=mode) as client:
        answer = (await client.call_tool("count", {"spec": {"steps": 6, "step_s": 0.2}, "wait_s": 0.2})
                  ).structured_content
        assert answer["status"] in ("queued", "running")
        assert answer["job_id"] and "wait_job" in answer["summary"]
        done = (await client.call_tool("wait_job", {"job_id": answer["job_id"], "timeout_s": 30})).structured_content
        assert done["status"] == "succeeded"
        assert done["result"]["steps_done"] == 6
        assert done["elapsed_s"] >= 1.0


@pytest.mark.parametrize("mode", MODES)
async def test_cancel_job_ends_the_worker_process_within_two_seconds(config, mode):
    async with Client(make_server(config), mode=mode) as client:
        answer = (await client.call_tool("count", {"spec": {"steps": 200, "step_s": 0.1}, "wait_s": 0})
                  ).structured_content
        job = await wait_until_running(client, answer["job_id"])
        assert pid_alive(job["pid"])
        started = time.monotonic()
        cancelled = (await client.call_tool("cancel_job", {"job_id": job["job_id"]})).structured_content
        assert cancelled["status"] == "cancelled"
        assert cancelled["progress"]["step"] >= 1  # what was done is kept
        while pid_alive(job["pid"]) and time.monotonic() - started < 2:
            await anyio.sleep(0.02)
        assert not pid_alive(job["pid"])
        assert time.monotonic() - started < 2
        listed = (await client.call_tool("list_jobs", {"status": "cancelled"})).structured_content
        assert [j["job_id"] for j in listed["jobs"]] == [job["job_id"]]


async def test_client_cancellation_of_the_request_cancels_the_job(config):
    server = make_server(config)
    async with Client(server, mode="legacy") as client:
        with anyio.move_on_after(1.5):
            await client.call_tool("count", {"spec": {"steps": 200, "step_s": 0.05}})
        with anyio.fail_after(10):
            while True:
                jobs = (await client.call_tool("list_jobs", {})).structured_content["jobs"]
                if jobs and jobs[0]["status"] == "cancelled":
                    break
                await anyio.sleep(0.05)
        job = (await client.call_tool("get_job", {"job_id": jobs[0]["job_id"]})).structured_content
        assert not pid_alive(job["pid"])


@pytest.mark.parametrize("fault, reason", [
    ("crash", "RuntimeError: the model exploded"),
    ("segfault", "crashed with SIGSEGV"),
    ("sigkill", "killed by SIGKILL"),
])
async def test_a_failing_worker_leaves_a_failed_job_and_a_live_server(config, fault, reason):
    async with Client(make_server(config), mode="legacy") as client:
        result = await client.call_tool("count", {"spec": {"steps": 1, "fail_with": fault}})
        assert result.is_error
        message = result.content[0].text
        assert reason in message and "get_job(" in message
        [job] = (await client.call_tool("list_jobs", {})).structured_content["jobs"]
        assert job["status"] == "failed" and reason in job["error"]
        assert job["progress"]["step"] == 1
        healthy = await client.call_tool("count", {"spec": {"steps": 1}})
        assert healthy.structured_content["status"] == "succeeded"


async def test_user_errors_reach_the_agent_with_field_and_fix(config):
    async with Client(make_server(config), mode="legacy") as client:
        result = await client.call_tool("count", {"spec": {"steps": 3, "fail_with": "user"}})
        assert result.is_error
        assert result.content[0].text.endswith("count: steps: 3 is not a lucky number; accepted: 7")
        invented = await client.call_tool("count", {"spec": {"steps": 3, "learning_rate": 1}})
        assert invented.is_error and "learning_rate" in invented.content[0].text
        assert "Extra inputs are not permitted" in invented.content[0].text
        missing = await client.call_tool("get_job", {"job_id": "nope"})
        assert missing.is_error and "job_id: no job 'nope'" in missing.content[0].text


async def test_jobs_beyond_the_worker_count_wait_in_the_queue(config):
    async with Client(make_server(config, workers=1), mode="legacy") as client:
        first = (await client.call_tool("count", {"spec": {"steps": 4, "step_s": 0.2}, "wait_s": 0})).structured_content
        second = (await client.call_tool("count", {"spec": {"steps": 1}, "wait_s": 0})).structured_content
        assert second["status"] == "queued"
        for job in (first, second):
            done = (await client.call_tool("wait_job", {"job_id": job["job_id"], "timeout_s": 60})).structured_content
            assert done["status"] == "succeeded"
        assert done["started_at"] >= (await client.call_tool("get_job", {"job_id": first["job_id"]})
                                      ).structured_content["ended_at"]


async def test_a_job_past_its_time_limit_is_stopped_and_failed(config):
    async with Client(make_server(config, job_time_limit_s=1.5), mode="legacy") as client:
        result = await client.call_tool("count", {"spec": {"steps": 100, "step_s": 0.1}})
        assert result.is_error and "time limit of 1.5 s" in result.content[0].text


async def test_restart_marks_running_jobs_interrupted_and_keeps_their_records(config):
    async with Client(make_server(config), mode="legacy") as client:
        answer = (await client.call_tool("count", {"spec": {"steps": 200, "step_s": 0.1}, "wait_s": 0})
                  ).structured_content
        job = await wait_until_running(client, answer["job_id"])
    assert not pid_alive(job["pid"])
    async with Client(make_server(config), mode="legacy") as client:
        after = (await client.call_tool("get_job", {"job_id": job["job_id"]})).structured_content
        assert after["status"] == "interrupted"
        assert after["progress"]["step"] >= 1
        run = (await client.call_tool("get_run", {"run_id": job["run_id"]})).structured_content
        assert run["status"] == "interrupted"


async def test_run_resources_serve_summary_and_artifacts(config):
    async with Client(make_server(config), mode="legacy") as client:
        answer = (await client.call_tool("count", {"spec": {"steps": 2, "chatter": True}})).structured_content
        run_id = answer["run_id"]
        summary = await client.read_resource(f"runs://{run_id}/summary")
        assert '"summary": "Counted to 2."' in summary.contents[0].text
        artifact = await client.read_resource(f"runs://{run_id}/artifacts/count.txt")
        assert artifact.contents[0].text == "counted to 2\n"
        log = (await client.read_resource(f"runs://{run_id}/artifacts/job.log")).contents[0].text
        assert "user code printing to stdout" in log and "a C library writing to fd 1" in log


async def test_wandb_offline_tracking_stays_inside_the_workspace(config):
    async with Client(make_server(config, tracking="wandb-offline"), mode="legacy") as client:
        answer = (await client.call_tool("count", {"spec": {"steps": 2}})).structured_content
    tracked = answer["provenance"]["tracking_dir"]
    assert tracked.startswith(str(config.workspace / "wandb"))
    assert any(p.name.endswith(".wandb") for p in Path(tracked).rglob("*"))


# logging/setLevel is deprecated in the 2026-07-28 protocol but still what handshake-era clients send.
@pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")
async def test_logging_set_level_filters_the_job_log_messages(config):
    messages = []

    async def on_log(params):
        messages.append((params.level, params.data))

    async with Client(make_server(config), mode="legacy", logging_callback=on_log) as client:
        assert client.server_capabilities.logging is not None
        await client.call_tool("count", {"spec": {"steps": 1}})
        assert [level for level, _ in messages] == ["info", "info"]
        assert "succeeded" in messages[-1][1]
        messages.clear()
        await client.set_logging_level("error")
        await client.call_tool("count", {"spec": {"steps": 1}})
        await client.call_tool("count", {"spec": {"steps": 1, "fail_with": "crash"}})
        assert [level for level, _ in messages] == ["error"]
        assert "the model exploded" in messages[0][1]
