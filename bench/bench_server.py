"""Backbone figures, each against a bare MCPServer measured in the same run (ratios, since this
machine is shared and noisy):

- spawn -> initialize over stdio (goal: ratio <= 1.2)
- a trivial tool's round trip over stdio (goal: median ratio <= 1.2)
- get_job p99 while two training jobs run (goal: < 50 ms)

Run: .venv/bin/python bench/bench_server.py
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
from mcp.client.stdio import StdioServerParameters

HERE = Path(__file__).resolve().parent
SPAWNS = 12
ROUND_TRIPS = 300
GET_JOB_CALLS = 300


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def ml_expert_params(workspace: str) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=["-m", "ml_expert", "serve", "--workspace", workspace,
                                                               "--tracking", "none"])


def bare_params() -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable, args=[str(HERE / "bare_server.py")])


async def time_spawn(params: StdioServerParameters) -> float:
    started = time.perf_counter()
    async with Client(params, mode="legacy"):
        elapsed = time.perf_counter() - started
    return elapsed


async def time_round_trips(params: StdioServerParameters, tool: str, arguments: dict) -> list[float]:
    async with Client(params, mode="legacy") as client:
        for _ in range(20):
            await client.call_tool(tool, arguments)
        times = []
        for _ in range(ROUND_TRIPS):
            started = time.perf_counter()
            await client.call_tool(tool, arguments)
            times.append(time.perf_counter() - started)
    return times


async def get_job_under_training(workspace: str) -> tuple[list[float], list[str]]:
    params = StdioServerParameters(command=sys.executable, args=[str(HERE / "serve_with_training.py"), workspace],
                                   env={"PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])})
    async with Client(params, mode="legacy") as client:
        jobs = [(await client.call_tool("train_digits", {"spec": {"epochs": 40}, "wait_s": 0})).structured_content
                for _ in range(2)]
        times, statuses = [], []
        for i in range(GET_JOB_CALLS):
            started = time.perf_counter()
            answer = await client.call_tool("get_job", {"job_id": jobs[i % 2]["job_id"]})
            times.append(time.perf_counter() - started)
            statuses.append(answer.structured_content["status"])
            await anyio.sleep(0.01)
        for job in jobs:
            await client.call_tool("cancel_job", {"job_id": job["job_id"]})
    return times, statuses


async def main() -> None:
    with tempfile.TemporaryDirectory() as workspace:
        spawn_ours, spawn_bare = [], []
        for _ in range(SPAWNS):  # interleaved so both see the same machine load
            spawn_ours.append(await time_spawn(ml_expert_params(workspace)))
            spawn_bare.append(await time_spawn(bare_params()))
        trip_ours = await time_round_trips(ml_expert_params(workspace), "list_jobs", {"limit": 1})
        trip_bare = await time_round_trips(bare_params(), "echo", {"text": "hi"})
        get_job_times, statuses = await get_job_under_training(workspace)

    spawn_ratio = statistics.median(spawn_ours) / statistics.median(spawn_bare)
    trip_ratio = statistics.median(trip_ours) / statistics.median(trip_bare)
    running_share = statuses.count("running") / len(statuses)
    if running_share < 0.9:
        raise SystemExit(f"the training jobs were not running during the get_job calls: {set(statuses)}")
    print(f"spawn->initialize  ml-expert {statistics.median(spawn_ours) * 1e3:.0f} ms, bare "
          f"{statistics.median(spawn_bare) * 1e3:.0f} ms (median of {SPAWNS}); ratio {spawn_ratio:.2f} (goal <= 1.2)")
    print(f"tool round trip    ml-expert {statistics.median(trip_ours) * 1e3:.2f} ms (list_jobs), bare "
          f"{statistics.median(trip_bare) * 1e3:.2f} ms (echo), median of {ROUND_TRIPS}; ratio {trip_ratio:.2f} "
          f"(goal <= 1.2)")
    print(f"get_job under two training jobs: p50 {percentile(get_job_times, 50) * 1e3:.2f} ms, "
          f"p99 {percentile(get_job_times, 99) * 1e3:.2f} ms over {GET_JOB_CALLS} calls "
          f"({running_share:.0%} answered while the jobs ran; goal p99 < 50 ms)")


if __name__ == "__main__":
    anyio.run(main)
