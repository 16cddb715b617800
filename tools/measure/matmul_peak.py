"""This machine's measured matmul throughput per dtype: the ceiling achieved GFLOP/s is read against.

Measured once per (device, torch version, thread count, dtype) with ``torch.utils.benchmark.Timer``
and cached as JSON, so later profiles pay nothing.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

# The side grows from FIRST_SIDE until one call takes CALL_TIME_S (out of the memory-bound regime, quick to
# time) or reaches MAX_SIDE: a dtype the processor emulates (bf16 on a CPU without bf16 units runs at under
# 1 GFLOP/s) would spend a minute on one call of the largest side.
FIRST_SIDE = 256
MAX_SIDE = {"cpu": 2048, "cuda": 8192}
CALL_TIME_S = 0.05
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
    """GFLOP/s of a square matmul in ``dtype`` at ``threads`` threads, of the side that makes one call take about
    CALL_TIME_S (at most MAX_SIDE[device]).

    ``int8``: a dynamically quantised Linear of that side (int8 weights, activations quantised per
    call), the kernels int8_dynamic runs; its FLOPs are counted like the float matmul's.
    """
    import torch
    from torch.utils.benchmark import Timer

    def operands(side: int) -> tuple[str, dict]:
        if dtype == "int8":
            import warnings

            with warnings.catch_warnings():  # torch.ao.quantization announces its move to torchao
                warnings.simplefilter("ignore")
                layer = torch.ao.quantization.quantize_dynamic(
                    torch.nn.Sequential(torch.nn.Linear(side, side, bias=False)), {torch.nn.Linear}, dtype=torch.qint8)
            return "layer(a)", {"layer": layer, "a": torch.randn(side, side)}
        a, b = (torch.randn(side, side, device=device, dtype=getattr(torch, dtype)) for _ in range(2))
        return "a @ b", {"a": a, "b": b}

    # Timer synchronises CUDA around each block and pins the thread count while it runs.
    with torch.no_grad():
        side = FIRST_SIDE
        while True:
            stmt, env = operands(side)
            once = Timer(stmt=stmt, globals=env, num_threads=threads).timeit(1).median
            if once >= CALL_TIME_S or side >= MAX_SIDE[device]:
                break
            side *= 2
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
