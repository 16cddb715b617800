"""User code that attacks the server: garbage on the event channel, forged results, processes that
outlive their job or server, memory hogs, secrets in the environment. One job fails; the server lives,
and nothing is lost."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client

from ml_expert.app import build_server
from ml_expert.catalog import CATALOG
from ml_expert.config import ServerConfig
from ml_expert.store import Store
from tests.fixtures.hostile_tool import MISBEHAVE

pytestmark = [pytest.mark.anyio, pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")]
CODE = Path(__file__).parent / "fixtures" / "code_models"
REPO = Path(__file__).resolve().parents[1]


def make_server(config, **overrides):
    config = ServerConfig(**{**config.__dict__, **overrides})
    return build_server(config, catalog=[MISBEHAVE, *CATALOG])


def pid_gone(pid: int) -> bool:
    """Exited (a zombie waiting for its reaper counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except FileNotFoundError:
        return True


def assert_nothing_lost(config, run_id: str, names: set[str]) -> None:
    store = Store(config.database)
    try:
        run = store.get_run(run_id)
        assert names <= {a["name"] for a in run["artifacts"]}, run["artifacts"]
        assert store.get_job(run["job_id"]) is not None
        assert store.integrity() == "ok"
    finally:
        store.close()


async def assert_server_answers(client) -> None:
    await client.send_ping()
    assert "misbehave" in {t.name for t in (await client.list_tools()).tools}


async def only_job(client) -> dict:
    [job] = (await client.call_tool("list_jobs", {})).structured_content["jobs"]
    return job


MALFORMED = [
    ("this is not json", "not JSON"),
    ('{"hello": 1}', "not an object with a type"),
    ("[1, 2]", "not an object with a type"),
    ('{"type": "progress", "step": "x"}', "a progress event with step"),
    ('{"type": "progress", "step": NaN}', "not finite"),
    ('{"type": "error", "kind": "user"}', "a error event with message"),
    ('{"type": "result", "result": {"summary": 3}}', "not a misbehave result"),
    ('{"type": "result", "result": {"nonsense": 1}}', "not a misbehave result"),
    ('{"type": "error", "kind": "crash", "message": "%s"} {"type": "result"}' % ("m" * 10_000), "not JSON"),
]


async def test_a_malformed_event_fails_its_job_and_the_server_answers(config):
    async with Client(make_server(config), mode="legacy") as client:
        for line, reason in MALFORMED:
            result = await client.call_tool("misbehave", {"spec": {"act": "garbage", "line": line}, "wait_s": 30})
            assert result.is_error, line
            assert "the worker sent a malformed event" in result.content[0].text, line
            assert reason in result.content[0].text, (line, result.content[0].text)
            await assert_server_answers(client)
        jobs = (await client.call_tool("list_jobs", {})).structured_content["jobs"]
        assert [(j["status"], j["progress"]["step"]) for j in jobs] == [("failed", 1)] * len(MALFORMED)
        long_message = await client.call_tool("misbehave", {"spec": {"act": "garbage", "line": json.dumps(
            {"type": "progress", "step": 2, "message": "m" * 100_000})}})
        job = (await client.call_tool("get_job", {"job_id": long_message.structured_content["job_id"]})
               ).structured_content
        assert job["progress"]["message"] == "m" * 4000
        forged = json.dumps({"type": "result", "result": {"summary": "forged", "run_id": "audit_data-0", "job_id": "0"}})
        answer = (await client.call_tool("misbehave", {"spec": {"act": "garbage", "line": forged, "then_exit": True}})
                  ).structured_content
        assert answer["summary"] == "forged" and answer["run_id"] == f"misbehave-{answer['job_id']}" != "audit_data-0"
        healthy = await client.call_tool("misbehave", {"spec": {"act": "dump_env"}})
        assert healthy.structured_content["status"] == "succeeded"
    for job in jobs:
        assert_nothing_lost(config, job["run_id"], {"before.txt", "job.log"})


async def test_a_70_mb_line_is_cut_off_and_fails_its_job(config):
    async with Client(make_server(config), mode="legacy") as client:
        result = await client.call_tool("misbehave", {"spec": {"act": "huge_line", "line_mb": 70}, "wait_s": 60})
        assert result.is_error and "a line longer than 16 MiB" in result.content[0].text
        await assert_server_answers(client)
        job = await only_job(client)
        assert pid_gone(job["pid"])
    assert_nothing_lost(config, job["run_id"], {"before.txt", "job.log"})


@pytest.mark.parametrize("act", ["forge_artifact", "forge_symlink"])
async def test_a_forged_result_cannot_register_a_file_outside_the_run_folder(config, act):
    async with Client(make_server(config), mode="legacy") as client:
        result = await client.call_tool("misbehave", {"spec": {"act": act, "path": "/etc/passwd", "seconds": 30},
                                                      "wait_s": 30})
        assert result.is_error and "not a file in the run folder" in result.content[0].text
        job = await only_job(client)
        run = (await client.call_tool("get_run", {"run_id": job["run_id"]})).structured_content
        assert all(os.path.realpath(a["path"]) != "/etc/passwd" for a in run["artifacts"])
        assert "innocent.txt" not in {a["name"] for a in run["artifacts"]}
        await assert_server_answers(client)
    assert_nothing_lost(config, job["run_id"], {"before.txt", "job.log"})


async def test_garbage_from_a_code_mode_factory_fails_only_its_job(config):
    config = ServerConfig(**{**config.__dict__, "roots": (CODE,)})
    spec = {"model": {"kind": "code", "target": "hostile.py:garbage", "kwargs": {"line": '{"type": 7}'},
                      "input": {"kind": "tabular", "num_features": 4}, "output": {"kind": "classes", "num_classes": 2}}}
    async with Client(make_server(config), mode="legacy") as client:
        result = await client.call_tool("implement_architecture", {"spec": spec, "wait_s": 120})
        assert result.is_error and "the worker sent a malformed event" in result.content[0].text
        await assert_server_answers(client)
        job = await only_job(client)
        assert job["status"] == "failed"
    assert_nothing_lost(config, job["run_id"], {"job.log"})


SERVE_MISBEHAVE = ("import sys; from pathlib import Path; from ml_expert.app import build_server; "
                   "from ml_expert.config import ServerConfig; from tests.fixtures.hostile_tool import MISBEHAVE; "
                   "build_server(ServerConfig(workspace=Path(sys.argv[1]), workers=1, tracking='none'), "
                   "catalog=[MISBEHAVE]).run()")


class StdioPeer:
    """A spawned stdio server spoken to line by line, so the test holds its pid."""

    def __init__(self, workspace: Path):
        self.process = subprocess.Popen([sys.executable, "-c", SERVE_MISBEHAVE, str(workspace)], cwd=REPO,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._id = 0
        self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                    "clientInfo": {"name": "test", "version": "0"}})
        self._send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def _send(self, message: dict) -> None:
        self.process.stdin.write(json.dumps(message).encode() + b"\n")
        self.process.stdin.flush()

    def request(self, method: str, params: dict) -> dict:
        self._id += 1
        self._send({"jsonrpc": "2.0", "id": self._id, "method": method, "params": params})
        while True:
            message = json.loads(self.process.stdout.readline())
            if message.get("id") == self._id:
                return message["result"]

    def tool(self, name: str, arguments: dict) -> dict:
        return self.request("tools/call", {"name": name, "arguments": arguments})["structuredContent"]


def wait_for(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while not (value := predicate()):
        assert time.monotonic() < deadline, what
        time.sleep(0.05)
    return value


def kill_the_server_mid_job(config) -> dict:
    """Start a job whose worker has a child, SIGKILL the server; the job as the server last saw it."""
    peer = StdioPeer(config.workspace)
    try:
        answer = peer.tool("misbehave", {"spec": {"act": "sleep", "seconds": 120}, "wait_s": 0})
        job = wait_for(lambda: (j := peer.tool("get_job", {"job_id": answer["job_id"]}))["progress"]["step"] >= 2
                       and j, 60, "the job did not start its child")
        [child] = json.loads((config.workspace / "runs" / job["run_id"] / "pids.json").read_text())
        assert not pid_gone(job["pid"]) and not pid_gone(child)
        peer.process.send_signal(signal.SIGKILL)
        peer.process.wait(timeout=10)
        wait_for(lambda: pid_gone(job["pid"]) and pid_gone(child), 5, "a worker or its child outlived the server")
    finally:
        peer.process.kill()
        peer.process.wait(timeout=10)
    return job


async def test_workers_die_with_a_killed_server_and_the_restart_lists_the_interrupted_runs_files(config):
    job = await anyio.to_thread.run_sync(kill_the_server_mid_job, config)
    async with Client(make_server(config), mode="legacy") as client:
        after = (await client.call_tool("get_job", {"job_id": job["job_id"]})).structured_content
        assert after["status"] == "interrupted" and after["progress"]["step"] >= 1  # saved at most once a second
        run = (await client.call_tool("get_run", {"run_id": job["run_id"]})).structured_content
        assert run["status"] == "interrupted"
        before = await client.read_resource(f"runs://{job['run_id']}/artifacts/before.txt")
        assert before.contents[0].text == "written before the fault\n"
    assert_nothing_lost(config, job["run_id"], {"before.txt", "pids.json", "job.log"})


async def test_a_child_holding_the_channel_neither_delays_the_result_nor_outlives_the_job(config):
    async with Client(make_server(config), mode="legacy") as client:
        started = time.monotonic()
        result = await client.call_tool("misbehave", {"spec": {"act": "spawn_child", "seconds": 120}, "wait_s": 60})
        assert result.structured_content["status"] == "succeeded", result.content
        assert time.monotonic() - started < 30  # not the child's 120 s
        [child] = result.structured_content["pids"]
        await anyio.to_thread.run_sync(wait_for, lambda: pid_gone(child), 5, "the job's child outlived it")


async def test_cancelling_a_job_ends_its_children(config):
    async with Client(make_server(config), mode="legacy") as client:
        answer = (await client.call_tool("misbehave", {"spec": {"act": "sleep", "seconds": 120}, "wait_s": 0})
                  ).structured_content
        with anyio.fail_after(60):
            while (await client.call_tool("get_job", {"job_id": answer["job_id"]})
                   ).structured_content["progress"]["step"] < 2:
                await anyio.sleep(0.05)
        [child] = json.loads((config.workspace / "runs" / answer["run_id"] / "pids.json").read_text())
        cancelled = (await client.call_tool("cancel_job", {"job_id": answer["job_id"]})).structured_content
        assert cancelled["status"] == "cancelled"
        await anyio.to_thread.run_sync(wait_for, lambda: pid_gone(child), 5, "the cancelled job's child lived on")
    assert_nothing_lost(config, answer["run_id"], {"before.txt", "pids.json", "job.log"})


async def test_a_job_over_its_memory_limit_fails_with_the_reason_and_the_server_lives(config):
    async with Client(make_server(config, job_memory_limit_bytes=2**30), mode="legacy") as client:
        result = await client.call_tool("misbehave", {"spec": {"act": "allocate", "gib": 2}, "wait_s": 60})
        assert result.is_error and "exceeded its memory limit of 1 GiB" in result.content[0].text
        await assert_server_answers(client)
        job = await only_job(client)
        from_torch = await client.call_tool("misbehave", {"spec": {"act": "allocate_torch", "gib": 2}, "wait_s": 60})
        assert from_torch.is_error and "exceeded its memory limit of 1 GiB (RuntimeError: " in from_torch.content[0].text
        within = await client.call_tool("misbehave", {"spec": {"act": "allocate", "gib": 0.25}, "wait_s": 60})
        assert within.structured_content["status"] == "succeeded", within.content
    assert_nothing_lost(config, job["run_id"], {"before.txt", "job.log"})


SECRETS = {"ML_EXPERT_TOKEN": "secret-token-0123456789", "GITHUB_TOKEN": "ghp_x", "AWS_SECRET_ACCESS_KEY": "k",
           "WANDB_API_KEY": "w", "DB_PASSWORD": "p"}


async def test_user_code_sees_no_token_or_secret_and_compile_caches_stay_in_the_workspace(config, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    async with Client(make_server(config), mode="legacy") as client:
        env = (await client.call_tool("misbehave", {"spec": {"act": "dump_env"}})).structured_content["env"]
    assert not set(SECRETS) & set(env) and not set(SECRETS.values()) & set(env.values())
    assert env["PATH"] == os.environ["PATH"]
    assert env["TORCHINDUCTOR_CACHE_DIR"] == str(config.workspace / "cache" / "torchinductor")
    assert env["TRITON_CACHE_DIR"] == str(config.workspace / "cache" / "triton")


async def test_a_code_mode_factory_cannot_read_the_token(config, monkeypatch, tmp_path):
    monkeypatch.setenv("ML_EXPERT_TOKEN", SECRETS["ML_EXPERT_TOKEN"])
    config = ServerConfig(**{**config.__dict__, "roots": (CODE,)})
    out = tmp_path / "env.json"
    spec = {"model": {"kind": "code", "target": "hostile.py:dump_env", "kwargs": {"out": str(out)},
                      "input": {"kind": "tabular", "num_features": 4}, "output": {"kind": "classes", "num_classes": 2}}}
    async with Client(make_server(config), mode="legacy") as client:
        await client.call_tool("implement_architecture", {"spec": spec, "wait_s": 120})
    seen = json.loads(out.read_text())
    assert "ML_EXPERT_TOKEN" not in seen and SECRETS["ML_EXPERT_TOKEN"] not in seen.values()


@pytest.mark.parametrize("option, value, message", [
    ("--job-time-limit", "-5", "-5 is not allowed; accepted: a number of seconds above 0"),
    ("--job-time-limit", "0", "0 is not allowed; accepted: a number of seconds above 0"),
    ("--job-time-limit", "nan", "'nan' is not a finite number"),
    ("--wait", "-1", "-1 is not allowed; accepted: seconds from 0 to 3600"),
    ("--workers", "0", "0 is not allowed; accepted: a whole number of 1 or more"),
    ("--workers", "two", "'two' is not an integer"),
    ("--job-memory-limit", "0.5", "0.5 GiB is not allowed; accepted: 1 GiB or more"),
    ("--session-idle-timeout", "-1", "-1 is not allowed"),
    ("--max-sessions", "0", "0 is not allowed"),
])
def test_serve_refuses_a_bad_number_naming_the_option(capsys, tmp_path, option, value, message):
    from ml_expert.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", "--workspace", str(tmp_path), option, value])
    assert exited.value.code == 2
    assert f"argument {option}: {message}" in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--threads", "--n-trials"])
def test_worker_refuses_a_non_positive_count(capsys, option):
    from ml_expert.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["worker", "--storage", "s.journal", "--study-name", "s", option, "-3"])
    assert exited.value.code == 2
    assert f"argument {option}: -3 is not allowed; accepted: a whole number of 1 or more" in capsys.readouterr().err


def test_the_default_memory_limit_splits_the_machine_between_workers(tmp_path):
    from ml_expert.config import ServerConfig, machine_memory_bytes

    assert ServerConfig(workspace=tmp_path, workers=4).job_memory_limit_bytes == int(machine_memory_bytes() * 0.8 / 4)
    from ml_expert.options import gibibytes

    assert gibibytes("1.5") == 3 * 2**29


class BrokenExecutor:
    async def start(self, request, log_path):
        raise OSError(24, "Too many open files")


async def test_a_worker_that_cannot_start_fails_its_job_and_the_server_answers(config):
    server = build_server(config, catalog=[MISBEHAVE], executor=BrokenExecutor())
    async with Client(server, mode="legacy") as client:
        result = await client.call_tool("misbehave", {"spec": {"act": "dump_env"}})
        assert result.is_error and "the server could not run this job (OSError: [Errno 24] Too many open files)" \
            in result.content[0].text
        await assert_server_answers(client)
        job = await only_job(client)
        assert job["status"] == "failed"
    store = Store(config.database)
    assert store.get_run(job["run_id"])["status"] == "failed" and store.integrity() == "ok"
    store.close()


def test_after_garbage_on_the_channel_a_stdio_server_still_exits_on_stdin_eof(config):
    peer = StdioPeer(config.workspace)
    try:
        answer = peer.request("tools/call", {"name": "misbehave", "arguments": {
            "spec": {"act": "garbage", "line": "this is not json"}, "wait_s": 30}})
        assert answer["isError"] and "the worker sent a malformed event" in answer["content"][0]["text"]
        assert peer.request("ping", {}) == {}
        peer.process.stdin.close()
        assert peer.process.wait(timeout=20) == 0
    finally:
        peer.process.kill()
        peer.process.wait(timeout=10)
