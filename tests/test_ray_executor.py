"""Jobs on a real Ray cluster started by this module (a head and a second node, on 127.0.0.1):
results and progress as from local workers, cancel within 2 s, killed workers, a lost node."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

from ml_expert.app import build_server
from ml_expert.jobs.ray_executor import RayExecutor, wants_cuda
from tests.fixtures.jobs import COUNT
from tests.test_hostile_server import pid_gone
from tests.test_server_jobs import pid_alive, wait_until_running
from tests.test_skill import QUICK, TEMPLATES, filled, merged, runs, workspace  # noqa: F401 - fixtures

ray = pytest.importorskip("ray")
pytestmark = [pytest.mark.anyio, pytest.mark.filterwarnings("ignore::mcp.shared.exceptions.MCPDeprecationWarning")]


@pytest.fixture(scope="module")
def cluster():
    """Two Ray nodes on this machine, once for the module (Ray takes seconds and ~640 MB to start)."""
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    try:
        yield cluster
    finally:
        ray.shutdown()
        cluster.shutdown()


@pytest.fixture(scope="module")
def executor(cluster):
    return RayExecutor(cluster.address)


def make_server(config, executor):
    return build_server(config, catalog=[COUNT], executor=executor)


def hold(seconds: float) -> None:
    time.sleep(seconds)


def parent_pid(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rpartition(")")[2].split()[1])


async def test_a_job_on_ray_answers_like_a_local_one_with_progress(config, executor):
    updates = []

    async def on_progress(progress, total, message):
        updates.append((progress, total, message))

    async with Client(make_server(config, executor), mode="legacy") as client:
        result = await client.call_tool("count", {"spec": {"steps": 4}}, progress_callback=on_progress)
        assert not result.is_error, result.content
        answer = result.structured_content
    assert answer["status"] == "succeeded" and answer["steps_done"] == 4
    assert answer["pid"] != os.getpid() and answer["provenance"]["packages"]["ml-expert"]
    [artifact] = answer["artifacts"]
    assert (config.workspace / "runs" / answer["run_id"] / "count.txt").read_text() == "counted to 4\n"
    assert artifact["uri"] == f"runs://{answer['run_id']}/artifacts/count.txt"
    assert [u[0] for u in updates] == [1, 2, 3, 4] and updates[-1] == (4, 4, "step 4/4")


async def test_cancel_ends_the_ray_task_and_its_worker_within_two_seconds(config, executor):
    async with Client(make_server(config, executor), mode="legacy") as client:
        answer = (await client.call_tool("count", {"spec": {"steps": 200, "step_s": 0.1}, "wait_s": 0})
                  ).structured_content
        job = await wait_until_running(client, answer["job_id"], timeout=60)
        ray_worker = parent_pid(job["pid"])
        started = time.monotonic()
        cancelled = (await client.call_tool("cancel_job", {"job_id": job["job_id"]})).structured_content
        assert cancelled["status"] == "cancelled" and cancelled["progress"]["step"] >= 1
        while (pid_alive(job["pid"]) or pid_alive(ray_worker)) and time.monotonic() - started < 2:
            await anyio.sleep(0.02)
        assert not pid_alive(job["pid"]) and not pid_alive(ray_worker)
        assert time.monotonic() - started < 2


@pytest.mark.parametrize("victim, reason", [
    pytest.param("job", "the worker process was killed by SIGKILL (on Ray node", marks=pytest.mark.slow),
    ("ray_worker", "the Ray worker process running this job on node"),
])
async def test_a_killed_worker_fails_its_job_with_the_reason_and_the_server_answers(config, executor, victim,
                                                                                     reason):
    async with Client(make_server(config, executor), mode="legacy") as client:
        answer = (await client.call_tool("count", {"spec": {"steps": 200, "step_s": 0.1}, "wait_s": 0})
                  ).structured_content
        job = await wait_until_running(client, answer["job_id"], timeout=60)
        os.kill(job["pid"] if victim == "job" else parent_pid(job["pid"]), signal.SIGKILL)
        done = (await client.call_tool("wait_job", {"job_id": job["job_id"], "timeout_s": 30})).structured_content
        assert done["status"] == "failed" and reason in done["error"], done["error"]
        await client.send_ping()
        again = await client.call_tool("count", {"spec": {"steps": 1}})
        assert again.structured_content["status"] == "succeeded"


def test_a_gpu_is_asked_for_only_when_a_device_field_says_cuda():
    assert wants_cuda({"variants": [{"device": "cuda"}]}) and not wants_cuda({"device": "cpu", "name": "cuda"})


@pytest.mark.slow  # a server process that connects to the cluster, then a Ray worker that loads the data
async def test_ml_expert_serve_on_the_cluster_runs_an_ml_tool_over_a_clean_stdio(tmp_path, cluster):
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "ml_expert", "serve", "--workspace", str(tmp_path / "ws"), "--tracking", "none",
              "--workers", "1", "--executor", "ray", "--ray-address", cluster.address])
    async with Client(params, mode="legacy") as client:  # any stray line on stdout breaks the protocol
        result = await client.call_tool("audit_data", {"spec": {"data": {"source": {"kind": "bundled",
                                                                                      "name": "iris"}}}})
        assert not result.is_error, result.content
        answer = result.structured_content
        assert answer["status"] == "succeeded" and answer["provenance"]["dataset_version"].startswith("ds-")
        assert (tmp_path / "ws" / "runs" / answer["run_id"] / "job.log").is_file()


def test_serve_refuses_an_unreachable_cluster_and_a_stray_ray_address():
    base = [sys.executable, "-m", "ml_expert", "serve"]
    for extra, message in [(["--executor", "ray", "--ray-address", "127.0.0.1:1"],
                            "cannot reach the Ray cluster at 127.0.0.1:1"),
                           (["--ray-address", "127.0.0.1:1"], "--ray-address needs --executor ray")]:
        done = subprocess.run([*base, *extra], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert done.returncode == 2 and message in done.stderr and done.stdout == ""


@pytest.mark.slow  # a tune job and a trial worker, each loading torch and the data in a fresh Ray worker
async def test_tune_trial_workers_run_as_ray_tasks_on_another_node(config, executor):
    import re

    from ml_expert.catalog import CATALOG

    spec = {"base": {"model": {"kind": "builtin", "family": "mlp", "width": 8},
                     "data": {"source": {"kind": "bundled", "name": "iris"}},
                     "training": {"epochs": 20, "batch_size": 32}},
            "space": {"training.lr": {"type": "float", "low": 1e-3, "high": 0.1, "log": True}},
            "n_trials": 8, "n_workers": 2, "pruner": "none", "significance_seeds": 0}
    async with Client(build_server(config, catalog=CATALOG, executor=executor), mode="legacy") as client:
        result = await client.call_tool("tune_hyperparams", {"spec": spec, "wait_s": 600})
        assert not result.is_error, result.content
        answer = result.structured_content
    assert answer["counts"]["total"] == 8 and answer["counts"]["running"] == 0
    run = config.workspace / "runs" / answer["run_id"]
    job_node = re.search(r"the job runs on Ray node .*?\((\w+)\)", (run / "job.log").read_text()).group(1)
    worker_log = (run / "tune-worker-1.log").read_text()
    worker_node = re.search(r"running on Ray node .*?\((\w+)\)", worker_log).group(1)
    # One CPU per node: the job holds its node's, so its trial worker had to go to the other node.
    assert worker_node != job_node
    assert "worker stops: the study has its 8 trials" in worker_log


@pytest.mark.slow  # a third node joins, then is removed
async def test_a_lost_node_fails_its_job_as_lost_and_the_server_answers(config, executor, cluster):
    from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

    doomed = cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    # Fill the other nodes' CPUs, so the job can only go to the doomed node.
    others = [n["NodeID"] for n in ray.nodes() if n["Alive"] and n["NodeID"] != doomed.node_id]
    blockers = [ray.remote(num_cpus=1)(hold).options(
        scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False)).remote(300) for node in others]
    try:
        with anyio.fail_after(30):
            while ray.available_resources().get("CPU", 0) > 1:
                await anyio.sleep(0.1)
        async with Client(make_server(config, executor), mode="legacy") as client:
            answer = (await client.call_tool("count", {"spec": {"steps": 300, "step_s": 0.1}, "wait_s": 0})
                      ).structured_content
            job = await wait_until_running(client, answer["job_id"], timeout=60)
            log = (config.workspace / "runs" / answer["run_id"] / "job.log").read_text()
            assert f"({doomed.node_id[:12]})" in log
            cluster.remove_node(doomed)
            done = (await client.call_tool("wait_job", {"job_id": answer["job_id"], "timeout_s": 60})
                    ).structured_content
            assert done["status"] == "failed" and "was lost" in done["error"], done["error"]
            with anyio.fail_after(10):  # the job's worker goes with its node's processes
                while not pid_gone(job["pid"]):
                    await anyio.sleep(0.1)
            await client.send_ping()
    finally:
        for blocker in blockers:
            ray.cancel(blocker, force=True)


@pytest.mark.slow  # two train_model jobs, each loading torch in a fresh worker
async def test_the_same_seed_gives_the_same_result_on_ray_as_locally(config, executor, tmp_path):
    from ml_expert.catalog import CATALOG
    from ml_expert.config import ServerConfig

    spec = {"model": {"kind": "builtin", "family": "mlp", "width": 8},
            "data": {"source": {"kind": "bundled", "name": "iris"}}, "training": {"epochs": 5}, "seed": 3}
    answers = []
    for where, chosen in (("local", None), ("ray", executor)):
        here = ServerConfig(**{**config.__dict__, "workspace": tmp_path / where})
        async with Client(build_server(here, catalog=CATALOG, executor=chosen), mode="legacy") as client:
            result = await client.call_tool("train_model", {"spec": spec, "wait_s": 300})
            assert not result.is_error, result.content
            answers.append(result.structured_content)
    local, on_ray = answers
    timing = {"train_seconds"}  # wall time differs; every measured figure must not
    assert local["metrics"].keys() == on_ray["metrics"].keys() > timing
    assert {k: v for k, v in on_ray["metrics"].items() if k not in timing} == \
        {k: v for k, v in local["metrics"].items() if k not in timing}
    assert on_ray["provenance"]["split_hashes"] == local["provenance"]["split_hashes"]


SERVER_SCRIPT = """
import sys
from pathlib import Path

import anyio

from ml_expert.config import ServerConfig
from ml_expert.jobs.manager import JobManager
from ml_expert.jobs.ray_executor import RayExecutor
from ml_expert.store import Store
from tests.fixtures.jobs import COUNT, CountSpec


async def main():
    config = ServerConfig(workspace=Path(sys.argv[1]), roots=(), workers=1, tracking="none")
    manager = JobManager(config, Store(config.database), RayExecutor(sys.argv[2]))
    async with manager.running():
        job = manager.submit(COUNT, CountSpec(steps=3000, step_s=0.1))
        while job.pid is None or job.progress.step < 1:
            await anyio.sleep(0.05)
        print(job.pid, flush=True)
        await anyio.sleep(600)

anyio.run(main)
"""


@pytest.mark.slow  # a second server process connects to the cluster
def test_a_job_on_ray_dies_with_its_sigkilled_server(tmp_path, cluster):
    server = subprocess.Popen([sys.executable, "-c", SERVER_SCRIPT, str(tmp_path / "ws"), cluster.address],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        job_pid = int(server.stdout.readline())
        assert pid_alive(job_pid)
        server.kill()
        server.wait()
        deadline = time.monotonic() + 30  # Ray ends a dead driver's tasks once it notices the driver is gone
        while not pid_gone(job_pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert pid_gone(job_pid)
    finally:
        server.kill()


@pytest.mark.slow  # every ML tool once, each in a fresh Ray worker
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
async def test_each_ml_tool_runs_on_ray(template, workspace, runs, executor):  # noqa: F811
    from ml_expert.catalog import CATALOG
    from ml_expert.config import ServerConfig

    tool = template.name.split(".")[0]
    spec = merged(filled(template, runs), QUICK.get(template.name, {}))
    here = ServerConfig(workspace=workspace, roots=(workspace,), workers=1, tracking="none", default_wait_s=600)
    async with Client(build_server(here, catalog=CATALOG, executor=executor), mode="legacy") as client:
        result = await client.call_tool(tool, {"spec": spec, "wait_s": 600})
    assert not result.is_error, (template.name, result.content[0].text)
    answer = result.structured_content
    assert answer["status"] == "succeeded" and answer["summary"] and answer["verdicts"], template.name


async def test_on_ray_user_code_sees_no_secret_and_a_malformed_event_fails_only_its_job(config, executor):
    from ml_expert.jobs.executor import SECRET_NAME
    from tests.fixtures.hostile_tool import MISBEHAVE

    async with Client(build_server(config, catalog=[MISBEHAVE], executor=executor), mode="legacy") as client:
        env = (await client.call_tool("misbehave", {"spec": {"act": "dump_env"}})).structured_content["env"]
        garbage = await client.call_tool("misbehave", {"spec": {"act": "garbage", "line": "this is not json"},
                                                       "wait_s": 60})
        await client.send_ping()
    assert env and not [name for name in env if SECRET_NAME.search(name)]  # Ray's own tokens included
    assert garbage.is_error and "malformed event: not JSON" in garbage.content[0].text
