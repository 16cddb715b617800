"""Per-call latency: warm up, then time single calls until the p95 is known precisely enough.

``torch.utils.benchmark.Timer`` reports block means, which hide the tail; a latency budget is
about the tail, so this module times calls one by one and summarises them. The profiler uses
``Timer`` to cross-check the median (see ``timer_median_s``).
"""

from __future__ import annotations

import contextlib
import gc
import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LatencyStats:
    """Summary of per-call latencies, in milliseconds."""

    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    iqr_ms: float
    samples: int

    @classmethod
    def from_samples(cls, samples_ns: list[int]) -> LatencyStats:
        import numpy as np

        ms = np.asarray(samples_ns, dtype=np.float64) / 1e6
        # Linear interpolation between order statistics: monotone in the percentile, so
        # p50 <= p90 <= p95 <= p99 always holds.
        p25, p50, p75, p90, p95, p99 = np.percentile(ms, [25, 50, 75, 90, 95, 99])
        return cls(p50_ms=float(p50), p90_ms=float(p90), p95_ms=float(p95), p99_ms=float(p99),
                   mean_ms=float(ms.mean()), iqr_ms=float(p75 - p25), samples=int(ms.size))


def samples_for_interval(q: float, level: float = 0.95) -> int:
    """The fewest samples whose order statistics can bound the q-quantile at ``level`` confidence.

    With n samples the largest one lies below the true q-quantile with probability q**n; a
    two-sided interval needs that (and the same for the smallest) under (1 - level) / 2: 72
    samples for a p95, 368 for a p99, 6 for a median.
    """
    tail = (1 - level) / 2
    return math.ceil(math.log(tail) / math.log(max(q, 1 - q)))


def quantile_interval(sorted_ns: list[int], q: float, z: float = 1.96) -> tuple[int, int]:
    """A distribution-free 95% confidence interval for the q-quantile of sorted samples.

    It runs between the order statistics at ranks n*q -/+ z*sqrt(n*q*(1-q)): the binomial bound
    on how many samples fall below the true quantile, widened where needed to hold the estimate.
    With fewer than :func:`samples_for_interval` samples it is only the range around the
    estimate, not a 95% interval: callers report none then.
    """
    n = len(sorted_ns)
    spread = z * math.sqrt(n * q * (1 - q))
    position = (n - 1) * q  # where np.percentile's linear interpolation puts the estimate
    lo = max(0, min(math.floor(n * q - spread), math.floor(position)))
    hi = min(n - 1, max(math.ceil(n * q + spread), math.ceil(position)))
    return sorted_ns[lo], sorted_ns[hi]


def quantile_relative_halfwidth(sorted_ns: list[int], q: float, z: float = 1.96) -> float:
    """Half the width of :func:`quantile_interval`, relative to the quantile's estimate (inf when
    there are too few samples for an interval)."""
    if len(sorted_ns) < samples_for_interval(q):
        return math.inf
    lo, hi = quantile_interval(sorted_ns, q, z)
    middle = sorted_ns[min(len(sorted_ns) - 1, int(len(sorted_ns) * q))]
    return (hi - lo) / (2 * middle) if middle > 0 else 0.0


def time_calls(call: Callable[[], object], *, max_seconds: float, min_samples: int = 100,
               max_samples: int = 200_000, precision: float = 0.02, clock: Callable[[], int] | None = None,
               quantile: float = 0.95, overrun: float = 3.0) -> list[int]:
    """Time ``call()`` one call at a time; return the durations in nanoseconds.

    Stops when the ``quantile``'s 95% confidence interval is within ``precision`` (relative
    half-width) and at least ``min_samples`` calls ran, or when ``max_seconds`` or ``max_samples``
    is spent (at least 3 calls always run). Past ``max_seconds`` it goes on, up to ``overrun``
    times as long, while there are too few calls for an interval of the quantile (72 for a p95):
    a slow model is timed longer rather than reported from a handful of calls. ``clock`` replaces
    the wall clock for one call when the caller needs device-side timing: it is then called as
    ``clock()`` and must run ``call`` and return its duration in ns.
    """
    samples: list[int] = []
    started = time.perf_counter()
    deadline = started + max_seconds
    hard_deadline = started + max_seconds * max(1.0, overrun)
    enough = min(samples_for_interval(quantile), max_samples)
    next_check = min_samples
    # The garbage collector pausing inside a timed call is not the model's latency; timeit
    # disables it for the same reason.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        while len(samples) < max_samples:
            if clock is None:
                start = time.perf_counter_ns()
                call()
                samples.append(time.perf_counter_ns() - start)
            else:
                samples.append(clock())
            now = time.perf_counter()
            if len(samples) >= 3 and (now > hard_deadline or (now > deadline and len(samples) >= enough)):
                break
            if len(samples) >= next_check:
                if quantile_relative_halfwidth(sorted(samples), quantile) <= precision:
                    break
                next_check = int(next_check * 1.5) + 1
    finally:
        if gc_was_enabled:
            gc.enable()
    return samples


def warm_up(call: Callable[[], object], *, max_seconds: float, min_calls: int = 5, max_calls: int = 200) -> int:
    """Run ``call`` until caches, allocator pools and lazy initialisation have settled."""
    deadline = time.perf_counter() + max_seconds
    calls = 0
    while calls < max_calls and (calls < min_calls or time.perf_counter() < deadline):
        call()
        calls += 1
    return calls


def timer_median_s(call: Callable[[], object], *, threads: int, min_run_time: float) -> float:
    """Median seconds per call from ``torch.utils.benchmark.Timer`` (the cross-check)."""
    from torch.utils.benchmark import Timer

    measurement = Timer(stmt="call()", globals={"call": call}, num_threads=threads).blocked_autorange(
        min_run_time=min_run_time)
    return float(measurement.median)


def cuda_event_clock(call: Callable[[], object]) -> Callable[[], int]:
    """A ``clock`` for :func:`time_calls` on CUDA: device time between two events, in ns."""
    import torch

    def clock() -> int:
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        call()
        end.record()
        end.synchronize()
        return int(start.elapsed_time(end) * 1e6)

    return clock


@contextlib.contextmanager
def torch_threads(count: int):
    """torch's intra-op thread count set to ``count`` inside the block, restored after."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)
