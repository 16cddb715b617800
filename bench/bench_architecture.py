"""How long implement_architecture takes to build and check a 25M-parameter decoder-only LM.

    .venv/bin/python bench/bench_architecture.py [--runs 3]

Each run is a full tool call (budget fitting, build, checkpoint and standalone file, forward,
gradient, loss-at-init, wiring and overfit checks, FLOPs, activation memory, latency, layer
table) in this process; the first run also pays one-time imports (torch._dynamo via the
optimizer). Prints per-stage times and the median. The machine is shared: each run prints the
load average and its CPU time, which contention inflates far less than wall time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import torch

from ml_expert.tools.architecture.run import implement_architecture
from ml_expert.tools.architecture.schema import ImplementArchitectureSpec
from ml_expert.tools.job import JobContext, MemoryRecords


def one_run(spec: ImplementArchitectureSpec, workspace: Path, index: int) -> float:
    marks: list[tuple[str, float]] = []

    def record(event: dict) -> None:
        marks.append((event["message"], time.perf_counter()))

    job = JobContext(job_id=f"bench{index}", run_id=f"bench-{index}", tool="implement_architecture",
                     workspace=workspace, roots=[], seed=0, tracking="none", records=MemoryRecords(), emit=record)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = implement_architecture(spec, job)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    stages = {message: round(marks[i + 1][1] - at, 2) for i, (message, at) in enumerate(marks[:-1])}
    failed = [v.check for v in result.verdicts if v.status != "pass"]
    print(f"run {index}: {total:.1f} s wall, {cpu:.1f} s CPU, {result.param_count:,} params "
          f"({result.budget_deviation:+.2%}), load average {os.getloadavg()[0]:.1f}, not passed: {failed or 'none'}")
    for message, seconds in stages.items():
        print(f"    {seconds:6.2f} s  {message}")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget", type=int, default=25_000_000)
    parser.add_argument("--vocab", type=int, default=50257)
    parser.add_argument("--seq-len", type=int, default=256)
    args = parser.parse_args()
    spec = ImplementArchitectureSpec.model_validate({
        "model": {"kind": "builtin", "family": "decoder_lm",
                  "input": {"kind": "tokens", "vocab_size": args.vocab, "seq_len": args.seq_len}},
        "param_budget": args.budget, "tolerance": 0.02})
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as folder:
        totals = [one_run(spec, Path(folder), i) for i in range(args.runs)]
    print(f"build + check a {args.budget / 1e6:g}M-parameter decoder LM: median {statistics.median(totals):.1f} s "
          f"over {len(totals)} runs (first {totals[0]:.1f} s, min {min(totals):.1f} s)")


if __name__ == "__main__":
    main()
