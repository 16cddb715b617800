"""The measuring parts of profile_inference: per-call timing, percentiles, memory, matmul peak, CPU load."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from ml_expert.tools.measure import matmul_peak, resident_memory
from ml_expert.tools.measure.cpu_load import busy_fraction
from ml_expert.tools.measure.timing import (
    LatencyStats,
    quantile_interval,
    quantile_relative_halfwidth,
    samples_for_interval,
    time_calls,
    warm_up,
)


@pytest.mark.parametrize("shape", [0.3, 1.0, 3.0])
def test_percentiles_are_ordered_and_match_the_samples(shape):
    rng = np.random.default_rng(0)
    samples = (rng.gamma(shape, 1e5, size=997) + 1e4).astype(np.int64).tolist()
    stats = LatencyStats.from_samples(samples)
    ms = np.array(samples) / 1e6
    assert ms.min() <= stats.p50_ms <= stats.p90_ms <= stats.p95_ms <= stats.p99_ms <= ms.max()
    assert stats.p95_ms == pytest.approx(np.percentile(ms, 95))
    assert stats.mean_ms == pytest.approx(ms.mean())
    assert stats.iqr_ms == pytest.approx(np.percentile(ms, 75) - np.percentile(ms, 25))
    assert stats.samples == 997
    # The share of samples at or below each percentile is what its name says.
    assert np.mean(ms <= stats.p95_ms) == pytest.approx(0.95, abs=0.002)


def test_a_steady_call_stops_once_the_p95_is_precise():
    samples = time_calls(lambda: sum(range(200)), max_seconds=5.0, min_samples=100, precision=0.5)
    assert 100 <= len(samples) < 1000
    assert all(s > 0 for s in samples)


def test_timing_respects_its_time_budget_and_overrun():
    start = time.perf_counter()
    samples = time_calls(lambda: time.sleep(0.01), max_seconds=0.1, min_samples=1000, overrun=1.0)
    assert time.perf_counter() - start < 0.5
    assert 3 <= len(samples) <= 12
    assert min(samples) >= 10_000_000  # ns: each call slept 10 ms
    start = time.perf_counter()
    samples = time_calls(lambda: time.sleep(0.01), max_seconds=0.1, min_samples=1000, overrun=3.0)
    assert time.perf_counter() - start < 0.8 and 12 < len(samples) <= 32  # too few for a p95 interval: timed longer


def test_a_slow_call_is_timed_past_the_deadline_until_a_p95_interval_exists():
    samples = time_calls(lambda: time.sleep(0.001), max_seconds=0.02, min_samples=1000, overrun=200.0)
    assert len(samples) == samples_for_interval(0.95) == 72


def test_samples_needed_for_an_interval_of_each_percentile():
    assert [samples_for_interval(q) for q in (0.5, 0.9, 0.95, 0.99)] == [6, 36, 72, 368]


@pytest.mark.parametrize("n", [3, 10, 72, 150, 1000])
def test_a_quantile_interval_contains_its_own_estimate(n):
    rng = np.random.default_rng(n)
    for q in (0.5, 0.9, 0.95):
        samples = sorted((rng.lognormal(0, 1, n) * 1e6).astype(np.int64).tolist())
        low, high = quantile_interval(samples, q)  # with 3 samples it was [max, max] for a p95
        assert low <= np.percentile(samples, 100 * q) <= high


def test_too_few_samples_give_no_profile_interval():
    from ml_expert.tools.profile.run import _rows

    def outcome(samples):
        raw = {"batch_size": 1, "p50_ms": 1.0, "p90_ms": 1.1, "p95_ms": 1.2, "p99_ms": 1.3, "mean_ms": 1.0,
               "iqr_ms": 0.1, "samples": samples, "latency_ci_ms": [1.1, 1.3], "peak_memory_mb": 1.0,
               "first_call_s": 0.0, "timer_p50_ms": 1.0}
        return {"variant": "int8_dynamic", "size_bytes": 10, "build_s": 0.0, "rows": [raw]}

    [few] = _rows(outcome(3), {1: 5e9}, peak=1.0, percentile="p95")  # 5 GFLOP in 1 ms against a 1 GFLOP/s peak
    [many] = _rows(outcome(72), {1: 5e9}, peak=1.0, percentile="p95")
    assert few.latency_ci_ms is None and many.latency_ci_ms == [1.1, 1.3]
    assert few.peak_fraction == 1.0  # never above the ceiling


def test_int8_variants_are_read_against_an_int8_peak():
    from ml_expert.tools.profile.variants import VARIANTS

    assert VARIANTS["int8_dynamic"].dtype == "int8"
    assert matmul_peak.measure_matmul_gflops("int8", threads=1) > 0


def test_quantile_interval_is_zero_for_identical_samples_and_wide_for_spread_ones():
    assert quantile_relative_halfwidth([5] * 200, 0.95) == 0.0
    spread = sorted(int(v) for v in np.geomspace(1, 1e6, 200))
    assert quantile_relative_halfwidth(spread, 0.95) > 0.5


def test_warm_up_runs_at_least_the_minimum():
    calls = []
    assert warm_up(lambda: calls.append(1), max_seconds=0.0, min_calls=7) == 7 == len(calls)


def test_peak_resident_memory_sees_a_transient_allocation():
    if not resident_memory.reset_peak_resident():
        pytest.skip("this OS cannot reset the resident high-water mark")
    before = resident_memory.resident_mb()
    block = np.ones(64 * 1024 * 1024 // 8)  # 64 MiB, touched
    del block
    assert resident_memory.peak_resident_mb() - before >= 60
    resident_memory.reset_peak_resident()
    assert resident_memory.peak_resident_mb() - resident_memory.resident_mb() < 30


def test_matmul_peak_is_measured_once_then_read_from_the_cache(tmp_path, monkeypatch):
    measured = []

    def fake_measure(dtype, threads, device="cpu"):
        measured.append((dtype, threads))
        return 123.0

    monkeypatch.setattr(matmul_peak, "measure_matmul_gflops", fake_measure)
    assert matmul_peak.matmul_peak_gflops("float32", 1, "cpu", tmp_path) == 123.0
    assert matmul_peak.matmul_peak_gflops("float32", 1, "cpu", tmp_path) == 123.0
    assert matmul_peak.matmul_peak_gflops("bfloat16", 1, "cpu", tmp_path) == 123.0
    assert measured == [("float32", 1), ("bfloat16", 1)]
    keys = json.loads((tmp_path / "matmul_peak.json").read_text())
    assert all("torch" in k and "1 threads" in k for k in keys)


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_a_real_matmul_peak_is_plausible(dtype):
    # bf16 on a CPU without bf16 units runs at under 1 GFLOP/s: the side shrinks to keep the measurement short.
    gflops = matmul_peak.measure_matmul_gflops(dtype, 1)
    assert 0.01 < gflops < 10_000


def test_cpu_busy_fraction_is_a_fraction():
    busy = busy_fraction(0.05)
    assert busy is None or 0.0 <= busy <= 1.0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_onnx_flops_of_convolutions_match_the_torch_count(tmp_path):
    import torch

    from ml_expert.tools.measure.flops import count_flops
    from ml_expert.tools.measure.onnx_flops import count_onnx_flops
    from tests.fixtures.profile.tiny_models import cnn

    model = cnn().eval()
    torch.onnx.export(model, (torch.randn(2, 3, 8, 8),), str(tmp_path / "cnn.onnx"), dynamo=False,
                      input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    for batch in (1, 5):
        counted = count_onnx_flops(tmp_path / "cnn.onnx", batch)
        assert counted.unknown_nodes == 0
        assert counted.total == pytest.approx(count_flops(model, torch.randn(batch, 3, 8, 8)).total, rel=0.01)
