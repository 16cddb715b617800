"""``ml-expert demo``: a real MCP client session, over stdio, against a spawned server, running
the tools on bundled and generated data. Prints a short report and writes a markdown one."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from ml_expert.terminal import call_with_progress, spawned_server, summary_lines


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
    started = time.perf_counter()
    report = ["# ml-expert demo", ""]
    async with spawned_server(workspace, roots=[]) as client:
        for number, step in enumerate(STEPS, 1):
            print(f"\n[{number}/{len(STEPS)}] {step.title}", flush=True)
            answer = await call_with_progress(client, step.tool, step.spec, wait_s=600)
            print("\n".join("    " + line for line in summary_lines(answer, step.keys)))
            report += _markdown(step, answer)
    elapsed = time.perf_counter() - started
    report_path = workspace / "demo-report.md"
    report_path.write_text("\n".join(report + [f"Wall time: {elapsed:.1f} s", ""]))
    print(f"\nDone in {elapsed:.1f} s. Report: {report_path}")


def _markdown(step: DemoStep, answer: dict[str, Any]) -> list[str]:
    lines = [f"## {step.title}", "", f"`{step.tool}` → run `{answer['run_id']}`", "", answer["summary"], ""]
    lines += [f"- **{key}**: `{answer.get(key)}`" for key in step.keys]
    lines += ["", "| check | status | message | fix |", "|---|---|---|---|"]
    lines += [f"| {v['check']} | {v['status']} | {v['message']} | {v['fix'] or ''} |" for v in answer["verdicts"]]
    lines += [""] + [f"![{a['name']}]({a['path']})" for a in answer["artifacts"] if a["name"].endswith(".png")]
    return lines + [""]
