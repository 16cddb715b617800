"""Jobs on Ray against the local executor, measured in one run (ratios; this machine is shared):

- job start latency: a one-step job's round trip through the MCP client, local vs Ray (median of N)
- throughput: 8 jobs that each wait 2 s (sleep, so the figure is scheduling, not this machine's 2
  cores) on a one-node cluster, then with a second node joined (1 CPU per node, a job asks for 1)

Run: .venv/bin/python bench/bench_ray.py
Measured here (2 shared cores, both nodes on this machine): start latency local 2360 ms, Ray 4601 ms
(ratio 1.95: a Ray worker process starts before the job's own); 8 jobs: one node 56.0 s, two 35.4 s (1.58x).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import Client

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ["PYTHONPATH"] = str(REPO)  # workers (and Ray's) import the test tool by name
ROUND_TRIPS = 5
JOBS = 8

from ml_expert.app import build_server  # noqa: E402
from ml_expert.config import ServerConfig  # noqa: E402
from tests.fixtures.jobs import COUNT  # noqa: E402


def config(workspace: Path) -> ServerConfig:
    return ServerConfig(workspace=workspace, roots=(), workers=JOBS, tracking="none", default_wait_s=600)


async def round_trips(workspace: Path, executor) -> list[float]:
    times = []
    async with Client(build_server(config(workspace), catalog=[COUNT], executor=executor), mode="legacy") as client:
        for _ in range(ROUND_TRIPS):
            started = time.perf_counter()
            result = await client.call_tool("count", {"spec": {"steps": 1, "step_s": 0.0}})
            assert result.structured_content["status"] == "succeeded", result.content
            times.append(time.perf_counter() - started)
    return times


async def throughput(workspace: Path, executor) -> float:
    """Seconds for JOBS two-second jobs submitted at once."""
    async with Client(build_server(config(workspace), catalog=[COUNT], executor=executor), mode="legacy") as client:
        started = time.perf_counter()
        async with anyio.create_task_group() as jobs:
            for _ in range(JOBS):
                jobs.start_soon(client.call_tool, "count", {"spec": {"steps": 10, "step_s": 0.2}})
        return time.perf_counter() - started


def main() -> None:
    import ray
    from ray.cluster_utils import Cluster

    from ml_expert.jobs.ray_executor import RayExecutor

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        executor = RayExecutor(cluster.address)
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            local = statistics.median(anyio.run(round_trips, root / "local", None))
            on_ray = statistics.median(anyio.run(round_trips, root / "ray", executor))
            print(f"job start latency (median of {ROUND_TRIPS}): local {local * 1000:.0f} ms, Ray {on_ray * 1000:.0f} ms,"
                  f" ratio {on_ray / local:.2f}")
            one = anyio.run(throughput, root / "one", executor)
            cluster.add_node(num_cpus=1)
            cluster.wait_for_nodes()
            two = anyio.run(throughput, root / "two", executor)
            print(f"{JOBS} two-second jobs: one node {one:.1f} s, two nodes {two:.1f} s, speed-up {one / two:.2f}x")
    finally:
        ray.shutdown()
        cluster.shutdown()


if __name__ == "__main__":
    main()
