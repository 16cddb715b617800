"""``ml-expert demo``: a real MCP client session, over stdio, against a spawned server, running
the tools on bundled and generated data. Prints a short report and writes a markdown one."""

from __future__ import annotations

import json
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


DIGITS = {"source": {"kind": "bundled", "name": "digits"}}
BUILT_MODEL = "$built_model"  # replaced by the run id of the implement_architecture step

STEPS = [
    DemoStep("Audit the bundled digits data", "audit_data", {"data": DIGITS}, ("dataset_version", "split_sizes")),
    DemoStep("Build a CNN for digits within 20k parameters and prove it trains", "implement_architecture",
             {"model": {"kind": "builtin", "family": "cnn", "data": DIGITS}, "param_budget": 20000},
             ("param_count", "flops_per_sample", "latency_ms_batch1")),
    DemoStep("Diagnose a run with a planted problem (SGD at lr 5 on wine)", "diagnose_training",
             {"mode": {"kind": "experiment", "max_steps": 300, "experiment": {
                 "model": {"kind": "builtin", "family": "mlp", "width": 32},
                 "data": {"source": {"kind": "bundled", "name": "wine"}},
                 "training": {"optimizer": "sgd", "lr": 5.0, "epochs": 30}}}}, ("proof",)),
    DemoStep("Tune learning rate and width briefly on breast_cancer", "tune_hyperparams",
             {"base": {"model": {"kind": "builtin", "family": "mlp"},
                       "data": {"source": {"kind": "bundled", "name": "breast_cancer"}},
                       "training": {"epochs": 8, "lr": 0.0003}},
              "space": {"training.lr": {"type": "float", "low": 1e-4, "high": 3e-2, "log": True},
                        "model.width": {"type": "int", "low": 16, "high": 128, "log": True}},
              "n_trials": 10, "significance_seeds": 3}, ("best_params", "best_value")),
    DemoStep("Profile the CNN built above against a 5 ms p95 budget", "profile_inference",
             {"model": {"kind": "run", "run_id": BUILT_MODEL}, "data": DIGITS, "batch_sizes": [1, 32],
              "variants": ["eager", "inference_mode", "onnxruntime"], "budgets": {"latency_ms": 5}}, ("best",)),
]


def main(workspace: Path) -> None:
    anyio.run(_run, workspace)


async def _run(workspace: Path) -> None:
    workspace.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report = ["# ml-expert demo", ""]
    built_model = None
    async with spawned_server(workspace, roots=[]) as client:
        for number, step in enumerate(STEPS, 1):
            print(f"\n[{number}/{len(STEPS)}] {step.title}", flush=True)
            spec = json.loads(json.dumps(step.spec).replace(BUILT_MODEL, str(built_model)))
            answer = await call_with_progress(client, step.tool, spec, wait_s=600)
            if step.tool == "implement_architecture":
                built_model = answer["run_id"]
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
