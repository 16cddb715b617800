"""The worker side of profile_inference: a zygote that forks one fresh process per variant.

``python -m ml_expert.tools.profile.child`` imports torch and the model loaders once (2-5 s on
a small machine), says ``ready``, then reads task paths on stdin, one per line. For each it
forks a worker, answers ``pid N`` and, when the worker ends, ``exit CODE``. A worker has never
run a model, so one variant's compiled kernels, allocator pools and thread pools stay out of the
next one's numbers; only the imported code is shared. Workers write to their own log and
``result.json``, never to the zygote's stdout, the pipe to the parent.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any, NoReturn

PRELOAD = ("torch", "torch.export", "torch._dynamo", "torch.profiler", "torch.utils.benchmark",
           "ml_expert.tools.models.load", "ml_expert.tools.profile.variants")
PROFILER_SECONDS = 0.2
MB = 1024 * 1024
MAX_REASON_CHARS = 400


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (the job cancelled, the worker killed)."""
    import ctypes
    import signal

    parent = os.getppid()
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def serve() -> None:
    """The zygote loop: preload, then one forked worker per task path, one at a time."""
    _die_with_parent()
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything printed from here on lands in the log, never in the replies
    for module in PRELOAD:
        importlib.import_module(module)
    replies.write("ready\n")
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            run_forked(Path(line.strip()))
        replies.write(f"pid {pid}\n")
        _, status = os.waitpid(pid, 0)
        replies.write(f"exit {os.waitstatus_to_exitcode(status)}\n")


def run_forked(task_path: Path) -> NoReturn:
    """A forked worker: output to the task's log, the result to result.json, then exit."""
    code = 1
    try:
        task = json.loads(task_path.read_text())
        workdir = Path(task["workdir"])
        log = os.open(workdir / "worker.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        _die_with_parent()
        (workdir / "result.json").write_text(json.dumps(run_task(task)))
        code = 0
    except BaseException:  # whatever happens, the worker ends here: it must never return into the zygote loop
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def load_model(model: dict[str, Any], device: str):
    """(module, exported_program, onnx_path) for the task's model description."""
    import torch

    if model["kind"] == "onnx":
        return None, None, Path(model["path"])
    if model["kind"] == "pt2":
        program = torch.export.load(model["path"])
        return program.module().to(device), program, None
    from ml_expert.tools.job import JobContext
    from ml_expert.tools.models.load import load_model as load_model_ref
    from ml_expert.tools.models.spec import RunModel

    job = JobContext.local(Path(model["workspace"]), roots=[Path(r) for r in model["roots"]])
    module = load_model_ref(RunModel(kind="run", run_id=model["run_id"]), job).module
    return module.eval().to(device), None, None


def _sync(device: str) -> None:
    if device == "cuda":
        import torch

        torch.cuda.synchronize()


def measure_batch(call, x, *, device: str, threads: int, max_seconds: float, percentile: int,
                  baseline_mb: float, weights_mb: float) -> dict:
    """First call, warm-up, timed calls, peak memory and the Timer cross-check at one batch size.

    CPU peak memory is the weights plus how far resident memory rose above ``baseline_mb`` (taken
    once the variant was built): activations, workspaces, and whatever the first calls loaded
    (torch.compile's compiler). Exporters and loaders run before the baseline, so a serving
    process that only loads the finished model would not pay for them.
    """
    from ml_expert.tools.measure import resident_memory
    from ml_expert.tools.measure.timing import (
        LatencyStats,
        cuda_event_clock,
        quantile_interval,
        time_calls,
        timer_median_s,
        warm_up,
    )

    start = time.perf_counter()
    call(x)
    _sync(device)
    first_call_s = time.perf_counter() - start

    def run():
        return call(x)

    warm_up(run, max_seconds=min(0.2, max_seconds / 4))
    _sync(device)
    if device == "cuda":
        resident_memory.reset_peak_cuda()
    else:
        resident_memory.reset_peak_resident()
    samples = time_calls(run, max_seconds=max_seconds, clock=cuda_event_clock(run) if device == "cuda" else None)
    peak_mb = (resident_memory.peak_cuda_mb() if device == "cuda"
               else weights_mb + max(0.0, resident_memory.peak_resident_mb() - baseline_mb))
    stats = LatencyStats.from_samples(samples)
    interval_ns = quantile_interval(sorted(samples), percentile / 100)
    timer_s = timer_median_s(run, threads=threads, min_run_time=min(0.2, max_seconds / 4))
    return {**stats.__dict__, "latency_ci_ms": [t / 1e6 for t in interval_ns], "first_call_s": first_call_s,
            "peak_memory_mb": peak_mb, "timer_p50_ms": timer_s * 1e3}


def run_parity(call, saved: dict[str, Any], parity: dict[str, Any], chunk: int, device: str) -> dict[str, Any]:
    """The variant's outputs on the parity inputs, compared with the reference outputs."""
    from ml_expert.tools.profile.inputs import run_in_chunks
    from ml_expert.tools.profile.parity import compare

    # Chunks of a profiled batch size: a compiled variant reuses a graph it already has.
    outputs = run_in_chunks(call, saved["inputs"], chunk, device)
    return compare(saved["reference"], outputs, saved["labels"], task=parity["task"],
                   min_sqnr_db=parity["min_sqnr_db"], max_metric_drop=parity["max_metric_drop"],
                   inputs=parity["inputs"])


def timing_batch(task: dict[str, Any], saved: dict[str, Any], batch_size: int, device: str):
    """The batch the variant is timed on: validation rows when the parity data has them (repeated
    to fill the batch), else a deterministic random batch of the model's input."""
    import torch

    from ml_expert.tools.profile.inputs import make_input

    if task["parity"]["inputs"] != "validation rows":
        return make_input(task["input"], batch_size, task["seed"], device)
    rows = saved["inputs"]
    return rows[torch.arange(batch_size) % len(rows)].to(device)


def profile_operators(built, x, *, device: str, p50_ms: float, workdir: Path) -> tuple[list[dict], Path]:
    from ml_expert.tools.profile.operators import onnxruntime_operators, torch_operators

    calls = int(min(50, max(5, PROFILER_SECONDS * 1e3 / max(p50_ms, 1e-3))))
    trace = workdir / "trace.json"
    if built.onnx_session_factory is not None:
        return onnxruntime_operators(built.onnx_session_factory(True), x, calls=calls, trace_path=trace), trace
    return torch_operators(built.call, x, calls=calls, device=device, trace_path=trace), trace


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Build the variant, measure it at every batch size, check parity, profile operators."""
    import torch

    from ml_expert.tools.measure.resident_memory import resident_mb
    from ml_expert.tools.profile.variants import VARIANTS, BuildContext

    torch.set_num_threads(task["threads"])
    device, workdir = task["device"], Path(task["workdir"])
    result: dict[str, Any] = {"variant": task["variant"], "status": "failed", "rows": [], "parity": None,
                              "operators": [], "trace": None, "build_s": None, "size_bytes": None}
    stage = "loading the model"
    try:
        module, program, onnx_path = load_model(task["model"], device)
        saved = torch.load(task["parity"]["path"], weights_only=True)
        example = timing_batch(task, saved, max(2, min(task["batch_sizes"])), device)
        stage = "building the variant"
        start = time.perf_counter()
        built = VARIANTS[task["variant"]].build(BuildContext(
            module=module, exported_program=program, onnx_path=onnx_path, example=example, device=device,
            threads=task["threads"], workdir=workdir))
        result["build_s"] = time.perf_counter() - start
        result["size_bytes"] = built.size_bytes
        baseline_mb = resident_mb()
        for batch_size in task["batch_sizes"]:
            stage = f"measuring batch size {batch_size}"
            x = timing_batch(task, saved, batch_size, device)
            row = measure_batch(built.call, x, device=device, threads=task["threads"],
                                max_seconds=task["max_seconds"], percentile=task["percentile"],
                                baseline_mb=baseline_mb,
                                weights_mb=built.size_bytes / MB)
            result["rows"].append({"batch_size": batch_size, **row})
        stage = "checking parity"
        result["parity"] = run_parity(built.call, saved, task["parity"], max(task["batch_sizes"]), device)
        stage = "profiling operators"
        profiled = next(r for r in result["rows"] if r["batch_size"] == task["operating_batch"])
        x = timing_batch(task, saved, task["operating_batch"], device)
        operators, trace = profile_operators(built, x, device=device, p50_ms=profiled["p50_ms"], workdir=workdir)
        result.update(operators=operators, trace=str(trace), status="measured")
    except Exception as error:  # any failure is this variant's result, not the job's
        traceback.print_exc(file=sys.stderr)
        message = f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error).strip() else ''}"
        result["reason"] = f"failed while {stage}: {message}"[:MAX_REASON_CHARS]
    return result


if __name__ == "__main__":
    serve()
