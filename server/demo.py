"""``ml-expert demo``: a real MCP client session, over stdio, against a spawned server, running
the tools on bundled and generated data. Prints a short report and writes a markdown one."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters


@dataclass(frozen=True)
class DemoStep:
    title: str
    tool: str
    spec: dict[str, Any]
    keys: tuple[str, ...]  # result fields worth quoting


STEPS = [
    DemoStep("Audit the bundled digits data", "audit_data",
             {"data": {"source": {"kind": "bundled", "name": "digits"}}}, ("dataset_version", "split_sizes")),
    DemoStep("Audit generated data with planted problems (imbalance 20:1, drift between splits)", "audit_data",
             {"data": {"source": {"kind": "synthetic", "n_samples": 2000, "n_features": 12, "imbalance_ratio": 20,
                                  "shift": 1.0}}}, ("dataset_version", "split_sizes")),
]


def main(workspace: Path) -> None:
    anyio.run(_run, workspace)


async def _run(workspace: Path) -> None:
    workspace.mkdir(parents=True, exist_ok=True)
    params = StdioServerParameters(command=sys.executable, args=["-m", "ml_expert", "serve", "--workspace",
                                                                 str(workspace), "--tracking", "none"])
    started = time.perf_counter()
    report = ["# ml-expert demo", ""]
    async with Client(params, mode="legacy") as client:
        for number, step in enumerate(STEPS, 1):
            print(f"\n[{number}/{len(STEPS)}] {step.title}", flush=True)
            answer = await _call(client, step)
            report += _markdown(step, answer)
    elapsed = time.perf_counter() - started
    report_path = workspace / "demo-report.md"
    report_path.write_text("\n".join(report + [f"Wall time: {elapsed:.1f} s", ""]))
    print(f"\nDone in {elapsed:.1f} s. Report: {report_path}")


async def _call(client: Client, step: DemoStep) -> dict[str, Any]:
    async def show_progress(progress: float, total: float | None, message: str | None) -> None:
        share = f"{progress / total:4.0%}" if total else f"{progress:g}"
        print(f"    {share} {message or ''}", flush=True)

    result = await client.call_tool(step.tool, {"spec": step.spec, "wait_s": 600}, progress_callback=show_progress)
    if result.is_error:
        raise SystemExit(f"{step.tool} failed: {result.content[0].text}")
    answer = result.structured_content
    print(f"    {answer['summary']}")
    for key in step.keys:
        print(f"    {key}: {answer.get(key)}")
    for verdict in answer["verdicts"]:
        print(f"    [{verdict['status']:>4}] {verdict['check']}: {verdict['message']}")
    return answer


def _markdown(step: DemoStep, answer: dict[str, Any]) -> list[str]:
    lines = [f"## {step.title}", "", f"`{step.tool}` → run `{answer['run_id']}`", "", answer["summary"], ""]
    lines += [f"- **{key}**: `{answer.get(key)}`" for key in step.keys]
    lines += ["", "| check | status | message | fix |", "|---|---|---|---|"]
    lines += [f"| {v['check']} | {v['status']} | {v['message']} | {v['fix'] or ''} |" for v in answer["verdicts"]]
    lines += [""] + [f"![{a['name']}]({a['path']})" for a in answer["artifacts"] if a["name"].endswith(".png")]
    return lines + [""]
