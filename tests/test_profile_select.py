"""Judging a measured table: budgets, parity, the best variant, the nearest miss, recommendations."""

from __future__ import annotations

import pytest

from ml_expert.tools.measure.cpu_load import contention_verdict
from ml_expert.tools.profile import select, verdicts
from ml_expert.tools.profile.schema import Budgets, LatencyRow, ParityReport, ParityTolerance, VariantReport


def row(variant: str, batch: int, p50: float, *, size: float = 1.0, memory: float = 10.0,
        ci: list[float] | None = None) -> LatencyRow:
    return LatencyRow(variant=variant, batch_size=batch, p50_ms=p50, p90_ms=p50 * 1.1, p95_ms=p50 * 1.2,
                      p99_ms=p50 * 1.5, mean_ms=p50 * 1.05, iqr_ms=p50 * 0.1, samples=500, latency_ci_ms=ci,
                      throughput_per_s=batch / (p50 * 1.05 / 1e3), peak_memory_mb=memory, size_mb=size,
                      compile_s=0.01)


def report(variant: str, sqnr: float | None = None, drop: float = 0.0, *, passed: bool = True) -> VariantReport:
    parity = ParityReport(sqnr_db=sqnr, max_abs_diff=0.0 if sqnr is None else 1e-3, metric_name="accuracy",
                          metric=0.9 * (1 - drop), reference_metric=0.9, metric_drop=drop, samples=100,
                          inputs="validation rows", passed=passed)
    return VariantReport(variant=variant, status="measured", build_s=0.0, size_mb=1.0, parity=parity)


def judge(rows, reports, budgets=None, tolerance=None):
    budgets = budgets or Budgets()
    tolerance = tolerance or ParityTolerance()
    by_name = {r.variant: r for r in reports}
    blockers = select.judge_rows(rows, by_name, budgets, tolerance)
    baseline = {r.batch_size: r for r in rows if r.variant == "eager"}
    best = select.choose_best(rows, budgets, baseline)
    miss = None if best else select.nearest_miss(rows, by_name, blockers, budgets)
    return best, miss, blockers


def test_the_fastest_variant_that_keeps_parity_wins():
    rows = [row("eager", 1, 1.0), row("onnxruntime", 1, 0.25), row("inference_mode", 1, 0.9)]
    best, miss, _ = judge(rows, [report("eager"), report("onnxruntime", 130.0), report("inference_mode")])
    assert best.variant == "onnxruntime" and best.batch_size == 1
    assert best.speedup_vs_eager == pytest.approx(4.0)
    assert miss is None
    assert "4.00x eager" in best.why


def test_a_variant_that_breaks_parity_is_never_best_even_when_fastest():
    rows = [row("eager", 1, 1.0), row("bf16_autocast", 1, 0.1), row("int8_dynamic", 1, 0.2)]
    reports = [report("eager"), report("bf16_autocast", sqnr=45.0, passed=False),
               report("int8_dynamic", sqnr=20.0, drop=0.05, passed=False)]
    best, _, blockers = judge(rows, reports, tolerance=ParityTolerance(min_sqnr_db=200))
    assert best.variant == "eager"
    assert not next(r for r in rows if r.variant == "bf16_autocast").ok
    assert [b.constraint for b in blockers[("bf16_autocast", 1)]] == ["parity_sqnr"]
    found = {b.constraint for b in blockers[("int8_dynamic", 1)]}
    assert found == {"parity_sqnr", "parity_metric"}

    parity = verdicts.parity_verdicts(reports, ParityTolerance(min_sqnr_db=200), "eager")
    failed = {v.check: v for v in parity if v.status == "fail"}
    assert set(failed) == {"parity_bf16_autocast", "parity_int8_dynamic"}
    assert failed["parity_bf16_autocast"].evidence["sqnr_db"] == 45.0
    assert "45.0" in failed["parity_bf16_autocast"].fix


def test_an_impossible_latency_budget_fails_and_names_the_nearest_miss():
    rows = [row("eager", 1, 1.0), row("onnxruntime", 1, 0.3), row("onnxruntime", 8, 0.5)]
    budgets = Budgets(latency_ms=0.1)
    best, miss, _ = judge(rows, [report("eager"), report("onnxruntime", 130.0)], budgets)
    assert best is None
    assert (miss.variant, miss.batch_size) == ("onnxruntime", 1)
    (blocker,) = miss.blockers
    assert blocker.constraint == "latency"
    assert blocker.measured == pytest.approx(0.36)  # p95 = 1.2 x p50
    assert blocker.relative_violation == pytest.approx(2.6)
    found = verdicts.budget_verdicts(budgets, rows, rows, best, miss)
    (latency,) = found
    assert latency.check == "latency_budget" and latency.status == "fail"
    assert latency.evidence["variant"] == "onnxruntime"
    assert "0.36" in latency.fix  # the lowest p95 measured, quoted as the reachable limit
    choice = verdicts.choice_verdict(best, miss, budgets, rows)
    assert choice.status == "fail" and "onnxruntime at batch 1" in choice.message


def test_nearest_miss_prefers_configurations_that_keep_parity():
    rows = [row("eager", 1, 1.0), row("bf16_autocast", 1, 0.11)]
    reports = [report("eager"), report("bf16_autocast", 25.0, passed=False)]
    _, miss, _ = judge(rows, reports, Budgets(latency_ms=0.1))
    assert miss.variant == "eager"


def test_near_ties_go_to_the_smaller_model():
    rows = [row("eager", 1, 1.0, size=4.0), row("onnxruntime", 1, 0.50, size=4.0),
            row("int8_dynamic", 1, 0.51, size=1.0)]
    best, _, _ = judge(rows, [report("eager"), report("onnxruntime", 130.0), report("int8_dynamic", 35.0)])
    assert best.variant == "int8_dynamic"
    assert "smaller on disk" in best.why


def test_a_gain_within_the_noise_does_not_displace_eager():
    rows = [row("eager", 1, 1.0, ci=[1.1, 1.3]), row("inference_mode", 1, 0.95, ci=[1.0, 1.2])]
    best, _, _ = judge(rows, [report("eager"), report("inference_mode")])
    assert best.variant == "eager"
    assert "not measurably slower than inference_mode" in best.why and "smaller change" in best.why
    rows = [row("eager", 1, 1.0, ci=[1.1, 1.3]), row("onnxruntime", 1, 0.25, ci=[0.28, 0.32])]
    best, _, _ = judge(rows, [report("eager"), report("onnxruntime", 130.0)])
    assert best.variant == "onnxruntime" and "fastest configuration" in best.why


def test_throughput_size_and_memory_budgets():
    rows = [row("eager", 1, 1.0), row("eager", 64, 4.0, memory=200.0)]
    budgets = Budgets(min_throughput=5000, max_memory_mb=100)
    best, miss, _ = judge(rows, [report("eager")], budgets)
    # Batch 1 serves ~950/s; batch 64 serves ~15,000/s but needs 200 MB.
    assert best is None
    assert {b.constraint for b in miss.blockers} in ({"throughput"}, {"memory"})
    best, _, _ = judge(rows, [report("eager")], Budgets(min_throughput=5000))
    assert (best.variant, best.batch_size) == ("eager", 64)
    best, miss, _ = judge(rows, [report("eager")], Budgets(max_size_mb=0.5))
    assert best is None and miss.blockers[0].constraint == "size"


def test_budget_batch_size_restricts_the_candidates():
    rows = [row("eager", 1, 1.0), row("eager", 8, 2.0), row("onnxruntime", 1, 0.2), row("onnxruntime", 8, 3.0)]
    best, _, _ = judge(rows, [report("eager"), report("onnxruntime", 130.0)], Budgets(batch_size=8))
    assert (best.variant, best.batch_size) == ("eager", 8)
    assert [r.ok for r in rows] == [False, True, False, True]


def test_recommendations_quote_the_measured_gain():
    rows = [row("eager", 1, 1.0), row("eager", 8, 2.0), row("onnxruntime", 1, 0.25), row("onnxruntime", 8, 0.2),
            row("inference_mode", 1, 0.98), row("bf16_autocast", 1, 0.5)]
    reports = {r.variant: r for r in [report("eager"), report("onnxruntime", 130.0), report("inference_mode"),
                                      report("bf16_autocast", 20.0, passed=False)]}
    baseline = {r.batch_size: r for r in rows if r.variant == "eager"}
    recommendations = select.recommend(rows, reports, baseline, operating_batch=1)
    assert [r.variant for r in recommendations] == ["onnxruntime", "bf16_autocast"]  # 1.02x is noise
    first = recommendations[0]
    assert first.gain == pytest.approx(4.0)
    assert "p50 0.25 ms vs eager 1 ms at batch 1, 4.00x faster" in first.message
    assert "10.00x at batch 8" in first.message
    assert "breaks parity" in recommendations[1].message


def test_a_process_level_lever_says_how_to_deploy_it():
    rows = [row("eager", 64, 50.0), row("malloc_no_trim", 64, 40.0)]
    reports = {"eager": report("eager"), "malloc_no_trim": report("malloc_no_trim")}
    [advice] = select.recommend(rows, reports, {64: rows[0]}, operating_batch=64)
    assert advice.gain == pytest.approx(1.25)
    assert "MALLOC_TRIM_THRESHOLD_=1073741824" in advice.message and "jemalloc" in advice.message


def test_timing_crosscheck_warns_when_timer_disagrees():
    steady = row("eager", 1, 1.0)
    steady.timer_p50_ms = 1.05
    assert verdicts.timing_verdict([steady]).status == "pass"
    disturbed = row("eager", 8, 1.0)
    disturbed.timer_p50_ms = 1.5
    verdict = verdicts.timing_verdict([steady, disturbed])
    assert verdict.status == "warn" and verdict.evidence["batch_size"] == 8 and verdict.fix


def test_contention_verdict():
    assert contention_verdict(0.05, 2).status == "pass"
    busy = contention_verdict(0.9, 2)
    assert busy.status == "warn" and "threads=1" in busy.fix
    assert "threads=1" not in contention_verdict(0.9, 1).fix
    assert contention_verdict(None, 2) is None


def test_speedups_name_their_percentile_and_quote_p50_beside_the_tail():
    # Equal medians, a better tail: the p95 gain must not read as a faster model.
    eager, onnx = row("eager", 1, 28.7), row("onnxruntime", 1, 28.3)
    eager.p95_ms, onnx.p95_ms = 52.0, 28.4
    best, _, _ = judge([eager, onnx], [report("eager"), report("onnxruntime", 130.0)])
    assert best.variant == "onnxruntime" and best.speedup_vs_eager == pytest.approx(52.0 / 28.4)
    assert best.speedup_p50_vs_eager == pytest.approx(28.7 / 28.3)
    assert "1.83x eager at p95, 1.01x at p50" in best.why


def test_the_latency_fix_suggests_only_the_budgets_batch_size():
    rows = [row("eager", 1, 91.5), row("eager", 32, 400.0), row("onnxruntime", 1, 80.0),
            row("onnxruntime", 32, 300.0)]
    reports = [report("eager"), report("onnxruntime", 130.0)]
    budgets = Budgets(latency_ms=10.0, batch_size=32)
    best, miss, _ = judge(rows, reports, budgets)
    [latency] = [v for v in verdicts.budget_verdicts(budgets, rows, rows, best, miss) if v.check == "latency_budget"]
    assert "onnxruntime, batch 32" in latency.fix and "batch 1)" not in latency.fix


def test_timing_crosscheck_compares_timer_per_call_with_the_per_call_range():
    heavy_tail = row("eager", 32, 0.31)
    heavy_tail.mean_ms, heavy_tail.timer_p50_ms = 2.31, 2.0  # Timer's block means sit between p50 and mean
    assert verdicts.timing_verdict([heavy_tail]).status == "pass"
    heavy_tail.timer_p50_ms = 188.0
    verdict = verdicts.timing_verdict([heavy_tail])
    assert verdict.status == "warn" and "81.4x of the per-call range" in verdict.message
    assert "-100%" not in verdict.message and verdict.evidence["timer_per_call_ms"] == 188.0


def test_the_summary_gives_one_model_one_figure():
    from ml_expert.tools.profile.run import _summary
    from ml_expert.tools.profile.schema import ProfileInferenceResult

    rows = [row("eager", 1, 1.0), row("eager", 8, 6.0), row("onnxruntime", 1, 0.5), row("onnxruntime", 8, 0.96)]
    rows[1].p95_ms = 13.95 * rows[3].p95_ms  # a tail gain far above the median gain (6.25x)
    reports = [report("eager"), report("onnxruntime", 130.0)]
    budgets = Budgets(batch_size=8)
    best, _, _ = judge(rows, reports, budgets)
    baseline = {r.batch_size: r for r in rows if r.variant == "eager"}
    result = ProfileInferenceResult(rows=rows, variants=reports, best=best, threads=1, device="cpu",
                                    recommendations=select.recommend(rows, {r.variant: r for r in reports},
                                                                     baseline, operating_batch=8))
    summary = _summary(result, "eager", 2)
    assert "(13.95x eager at p95, 6.25x at p50)" in summary
    assert summary.count("x faster") == 0  # the recommendation about the same model is not repeated


def test_rows_with_too_few_calls_for_an_interval_are_named():
    quick, slow = row("eager", 1, 1.0), row("eager", 64, 1085.0)
    slow.samples = 3
    verdict = verdicts.samples_verdict([quick, slow], "p95", 72)
    assert verdict.status == "warn" and "3 calls of eager at batch 64" in verdict.message and "72 needed" in verdict.message
    assert verdicts.samples_verdict([quick], "p95", 72) is None
