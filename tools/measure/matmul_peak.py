"""This machine's measured matmul throughput per dtype: the ceiling achieved GFLOP/s is read against.

Measured once per (device, torch version, thread count, dtype) with ``torch.utils.benchmark.Timer``
and cached as JSON, so later profiles pay nothing.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

# Big enough to leave the memory-bound regime on a CPU, small enough to measure in about a second.
SIDE = {"cpu": 2048, "cuda": 8192}
MIN_RUN_TIME_S = 0.5


def device_name(device: str) -> str:
    """The processor a number was measured on: CPU model name, or the CUDA device's name."""
    if device == "cuda":
        import torch

        return torch.cuda.get_device_name()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def measure_matmul_gflops(dtype: str, threads: int, device: str = "cpu") -> float:
    """GFLOP/s of one square matmul of side SIDE[device] in ``dtype`` at ``threads`` threads.

    ``int8``: a dynamically quantised Linear of that side (int8 weights, activations quantised per
    call), the kernels int8_dynamic runs; its FLOPs are counted like the float matmul's.
    """
    import torch
    from torch.utils.benchmark import Timer

    side = SIDE[device]
    if dtype == "int8":
        import warnings

        with warnings.catch_warnings():  # torch.ao.quantization announces its move to torchao
            warnings.simplefilter("ignore")
            layer = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(torch.nn.Linear(side, side, bias=False)),
                                                           {torch.nn.Linear}, dtype=torch.qint8)
        stmt, env = "layer(a)", {"layer": layer, "a": torch.randn(side, side)}
    else:
        a = torch.randn(side, side, device=device, dtype=getattr(torch, dtype))
        b = torch.randn(side, side, device=device, dtype=getattr(torch, dtype))
        stmt, env = "a @ b", {"a": a, "b": b}
    # Timer synchronises CUDA around each block and pins the thread count while it runs.
    with torch.no_grad():
        measurement = Timer(stmt=stmt, globals=env, num_threads=threads).blocked_autorange(
            min_run_time=MIN_RUN_TIME_S)
    return 2 * side**3 / measurement.median / 1e9


def matmul_peak_gflops(dtype: str, threads: int, device: str, cache_dir: Path) -> float:
    """The cached peak for this machine, measuring it on the first call."""
    import torch

    key = f"{device_name(device)}|torch {torch.__version__}|{device}|{threads} threads|{dtype}"
    cache_file = cache_dir / "matmul_peak.json"
    try:
        cache = json.loads(cache_file.read_text())
    except (OSError, ValueError):
        cache = {}
    if key not in cache:
        cache[key] = measure_matmul_gflops(dtype, threads, device)
        cache_dir.mkdir(parents=True, exist_ok=True)
        cache_file.write_text(json.dumps(cache, indent=1, sort_keys=True))
    return float(cache[key])
