"""Figures for profile_inference (issue 6).

1. On three models (MLP, CNN, small transformer) the tool's eager p50 agrees with
   torch.utils.benchmark.Timer, run here in this process at the same thread count, within +-10%.
   (Every row also carries the Timer median taken inside its own worker: that agreement is shown too.)
2. A default profile of a small model, torch.compile included, finishes within 60 s.
3. The best variant's speedup over eager, per model.

Usage: .venv/bin/python bench/bench_profile.py [--threads 1] [--max-seconds 0.5]
The machine is shared: the CPU load before each run is printed beside the figures.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

MODELS = {
    "mlp": {"kind": "builtin", "family": "mlp", "width": 256, "depth": 2,
            "input": {"kind": "tabular", "num_features": 64}, "output": {"kind": "classes", "num_classes": 10}},
    "cnn": {"kind": "builtin", "family": "cnn", "width": 32,
            "input": {"kind": "image", "channels": 3, "height": 32, "width": 32},
            "output": {"kind": "classes", "num_classes": 10}},
    "transformer": {"kind": "builtin", "family": "transformer_encoder", "width": 64, "depth": 2, "heads": 4,
                    "input": {"kind": "tokens", "vocab_size": 1000, "seq_len": 64},
                    "output": {"kind": "classes", "num_classes": 2}},
}
BATCH_SIZES = [1, 8, 64]


def timer_p50_ms(ref: dict, batch_size: int, threads: int, job) -> float:
    """Eager fp32 under no_grad, timed by torch.utils.benchmark.Timer in this process."""
    import torch
    from pydantic import TypeAdapter
    from torch.utils.benchmark import Timer

    from ml_expert.tools.models.load import load_model
    from ml_expert.tools.models.spec import ModelRef

    loaded = load_model(TypeAdapter(ModelRef).validate_python(ref), job)
    module = loaded.module.eval()
    x = loaded.example_input(batch_size, generator=torch.Generator().manual_seed(0))

    def call():
        with torch.no_grad():
            return module(x)

    for _ in range(10):
        call()
    measurement = Timer("call()", globals={"call": call}, num_threads=threads).blocked_autorange(min_run_time=1.0)
    return measurement.median * 1e3


def profile(ref: dict, root: Path, **fields):
    from ml_expert.tools.job import JobContext
    from ml_expert.tools.profile.run import profile_inference
    from ml_expert.tools.profile.schema import ProfileInferenceSpec

    spec = ProfileInferenceSpec.model_validate({"model": ref, **fields})
    started = time.perf_counter()
    result = profile_inference(spec, JobContext.local(root, roots=[root]))
    return result, time.perf_counter() - started


def main() -> None:
    from ml_expert.tools.job import JobContext
    from ml_expert.tools.measure.cpu_load import busy_fraction

    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-seconds", type=float, default=0.5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    job = JobContext.local(root, roots=[root])

    print(f"== 1. eager p50 vs torch.utils.benchmark.Timer, {args.threads} thread(s) ==")
    print(f"{'model':12} {'batch':>5} {'tool p50 ms':>12} {'Timer ms':>10} {'ratio':>7} {'in-worker':>10}")
    speedups = []
    ratios = []
    for name, ref in MODELS.items():
        busy = busy_fraction()
        result, wall = profile(ref, root, threads=args.threads, batch_sizes=BATCH_SIZES,
                               max_seconds_per_measurement=args.max_seconds)
        for row in (r for r in result.rows if r.variant == "eager"):
            reference = timer_p50_ms(ref, row.batch_size, args.threads, job)
            ratio = row.p50_ms / reference
            ratios.append(ratio)
            print(f"{name:12} {row.batch_size:5d} {row.p50_ms:12.4f} {reference:10.4f} {ratio:7.3f} "
                  f"{row.p50_ms / row.timer_p50_ms:10.3f}")
        in_worker = [r.p50_ms / r.timer_p50_ms for r in result.rows]
        print(f"{'':12} all {len(result.rows)} rows, p50 / in-worker Timer: median "
              f"{statistics.median(in_worker):.3f}, range {min(in_worker):.3f}-{max(in_worker):.3f}; "
              f"CPU busy before: {busy:.0%}; profile took {wall:.1f} s")
        speedups.append((name, result))
    within = sum(abs(r - 1) <= 0.10 for r in ratios)
    print(f"within +-10%: {within}/{len(ratios)}")

    print("\n== 2. default profile of a small model (MLP), compile included ==")
    busy = busy_fraction()
    result, wall = profile(MODELS["mlp"], root)
    print(f"variants: {', '.join(v.variant for v in result.variants)}; threads {result.threads}; "
          f"wall {wall:.1f} s (limit 60 s); CPU busy before: {busy:.0%}")

    print(f"\n== 3. best variant's speedup over eager ({args.threads} thread(s)) ==")
    for name, result in speedups:
        best = result.best
        keeping = {v.variant for v in result.variants if v.parity is not None and v.parity.passed}
        at_one = {r.variant: r for r in result.rows if r.batch_size == 1 and r.variant in keeping}
        by_p50 = min(at_one.values(), key=lambda r: r.p50_ms)
        line = (f"{name:12} fastest by p50 at batch 1: {by_p50.variant} {by_p50.p50_ms:.4f} ms, "
                f"{at_one['eager'].p50_ms / by_p50.p50_ms:.2f}x eager; ")
        if best is None:
            print(line + "tool's choice: none qualified")
            continue
        print(line + f"tool's choice (by p95, ties within the 95% intervals go to the smaller change): "
                     f"{best.variant} at batch {best.batch_size}, p95 {best.latency_ms:.4f} ms, "
                     f"{best.speedup_vs_eager:.2f}x eager")


if __name__ == "__main__":
    main()
