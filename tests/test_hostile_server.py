"""User code that attacks the server: garbage on the event channel, forged results, processes that
outlive their job or server, memory hogs, secrets in the environment. One job fails; the server lives,
and nothing is lost."""

import os
from pathlib import Path

import pytest
from mcp import Client

from ml_expert.app import build_server
from ml_expert.catalog import CATALOG
from ml_expert.config import ServerConfig
from ml_expert.store import Store
from tests.fixtures.hostile import MISBEHAVE

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


@pytest.mark.parametrize("line, reason", [
    ("this is not json", "not JSON"),
    ('{"hello": 1}', "not an object with a type"),
    ("[1, 2]", "not an object with a type"),
    ('{"type": "progress", "step": "x"}', "a progress event with step"),
    ('{"type": "progress", "step": NaN}', "not finite"),
    ('{"type": "error", "kind": "user"}', "a error event with message"),
    ('{"type": "result", "result": {"summary": 3}}', "not a misbehave result"),
    ('{"type": "result", "result": {"nonsense": 1}}', "not a misbehave result"),
])
async def test_a_malformed_event_fails_its_job_and_the_server_answers(config, line, reason):
    async with Client(make_server(config), mode="legacy") as client:
        result = await client.call_tool("misbehave", {"spec": {"act": "garbage", "line": line}, "wait_s": 30})
        assert result.is_error
        assert "the worker sent a malformed event" in result.content[0].text and reason in result.content[0].text
        await assert_server_answers(client)
        job = await only_job(client)
        assert job["status"] == "failed" and job["progress"]["step"] == 1
        healthy = await client.call_tool("misbehave", {"spec": {"act": "dump_env"}})
        assert healthy.structured_content["status"] == "succeeded"
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
