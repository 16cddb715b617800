"""Verdicts of a profile: one per budget, one per parity check, the choice itself, the timing
cross-check and any variant that failed. Every warn or fail names a fix built from measured numbers."""

from __future__ import annotations

from ml_expert.tools.envelope import Verdict
from ml_expert.tools.profile.schema import (
    Budgets,
    Choice,
    LatencyRow,
    NearestMiss,
    ParityTolerance,
    VariantReport,
)
from ml_expert.tools.profile.select import describe_blocker, latency_of

TIMER_DISAGREEMENT = 0.10  # p50 vs torch.utils.benchmark.Timer beyond this: the machine was disturbed
BUDGET_FIELDS = {"latency": "latency_ms", "throughput": "min_throughput", "size": "max_size_mb",
                 "memory": "max_memory_mb"}


def _measured(row: LatencyRow, constraint: str, percentile: str) -> float | None:
    return {"latency": latency_of(row, percentile), "throughput": row.throughput_per_s, "size": row.size_mb,
            "memory": row.peak_memory_mb}[constraint]


def _budget_fix(constraint: str, rows: list[LatencyRow], budgets: Budgets) -> str:
    """Where the measured table says the limit could be met, or how far it is (``rows``: those of
    variants that keep parity)."""
    percentile = budgets.latency_percentile
    at_batch = [r for r in rows if budgets.batch_size in (None, r.batch_size)] or rows  # the budget's batch only
    if constraint == "latency":
        row = min(at_batch, key=lambda r: latency_of(r, percentile))
        return (f"The lowest {percentile} measured is {latency_of(row, percentile):.3g} ms ({row.variant}, batch "
                f"{row.batch_size}): raise budgets.latency_ms to at least that, or use a model with fewer FLOPs "
                f"per call (latency tracks them{_gflops_note(row)}).")
    if constraint == "throughput":
        row = max(rows, key=lambda r: r.throughput_per_s)
        return (f"The highest throughput measured is {row.throughput_per_s:,.0f} samples/s ({row.variant}, batch "
                f"{row.batch_size}): profile larger batch_sizes if the latency budget allows, use more threads, "
                f"or lower budgets.min_throughput.")
    if constraint == "size":
        row = min(rows, key=lambda r: r.size_mb)
        return (f"The smallest variant on disk is {row.variant} at {row.size_mb:.3g} MB: use a model with fewer "
                f"parameters (int8_dynamic stores Linear weights in a quarter of the bytes), or raise "
                f"budgets.max_size_mb.")
    row = min(rows, key=lambda r: r.peak_memory_mb)
    return (f"The smallest peak measured is {row.peak_memory_mb:.3g} MB ({row.variant}, batch {row.batch_size}); "
            f"memory grows with batch size: serve smaller batches, or raise budgets.max_memory_mb.")


def _gflops_note(row: LatencyRow) -> str:
    return f": {row.gflops:.3g} GFLOP per call at batch {row.batch_size}" if row.gflops else ""


def budget_verdicts(budgets: Budgets, rows: list[LatencyRow], keeping_parity: list[LatencyRow],
                    best: Choice | None, miss: NearestMiss | None) -> list[Verdict]:
    verdicts = []
    percentile = budgets.latency_percentile
    for constraint, field in BUDGET_FIELDS.items():
        limit = getattr(budgets, field)
        if limit is None:
            continue
        check = f"{constraint}_budget"
        judged = best or miss
        row = next((r for r in rows if judged and (r.variant, r.batch_size) == (judged.variant, judged.batch_size)),
                   None)
        if row is None:
            verdicts.append(Verdict(check=check, status="fail", evidence={"limit": limit},
                                    message=f"No variant was measured, so the {constraint} budget is unjudged.",
                                    fix="See the failed variants' reasons and logs, fix the model or input, "
                                        "and run again."))
            continue
        measured = _measured(row, constraint, percentile)
        evidence = {"limit": limit, "measured": measured, "variant": row.variant, "batch_size": row.batch_size}
        blocker = next((b for b in (miss.blockers if miss else []) if b.constraint == constraint), None)
        if blocker is None:
            who = "the best configuration" if best else "the nearest miss"
            verdicts.append(Verdict(check=check, status="pass", evidence=evidence,
                                    message=f"{row.variant} at batch {row.batch_size} ({who}) meets the "
                                            f"{constraint} budget: {measured:.4g} vs limit {limit:.4g}."))
        else:
            verdicts.append(Verdict(check=check, status="fail", evidence=evidence,
                                    message=f"Nearest miss {row.variant} at batch {row.batch_size}: "
                                            f"{describe_blocker(blocker, percentile)}.",
                                    fix=_budget_fix(constraint, keeping_parity or rows, budgets)))
    return verdicts


def _sqnr_text(sqnr: float | None) -> str:
    return "identical outputs" if sqnr is None else f"SQNR {sqnr:.1f} dB"


def parity_verdicts(reports: list[VariantReport], tolerance: ParityTolerance, baseline: str) -> list[Verdict]:
    verdicts = []
    for report in reports:
        parity = report.parity
        if report.variant == baseline or parity is None:
            continue
        evidence = {"sqnr_db": parity.sqnr_db, "min_sqnr_db": tolerance.min_sqnr_db, "metric": parity.metric_name,
                    "value": parity.metric, "reference": parity.reference_metric, "drop": parity.metric_drop,
                    "max_drop": tolerance.max_metric_drop, "samples": parity.samples, "inputs": parity.inputs}
        numbers = (f"{_sqnr_text(parity.sqnr_db)} (min {tolerance.min_sqnr_db:g}), {parity.metric_name} "
                   f"{parity.metric:.4g} vs eager {parity.reference_metric:.4g} (drop {parity.metric_drop:.2%}, "
                   f"max {tolerance.max_metric_drop:.2%}) on {parity.samples} {parity.inputs}")
        if parity.passed:
            verdicts.append(Verdict(check=f"parity_{report.variant}", status="pass", evidence=evidence,
                                    message=f"{report.variant} keeps parity with fp32 eager: {numbers}."))
            continue
        relax = []
        if parity.sqnr_db is not None and parity.sqnr_db < tolerance.min_sqnr_db:
            relax.append(f"parity.min_sqnr_db <= {parity.sqnr_db:.1f}")
        if parity.metric_drop > tolerance.max_metric_drop:
            relax.append(f"parity.max_metric_drop >= {parity.metric_drop:.4f}")
        verdicts.append(Verdict(check=f"parity_{report.variant}", status="fail", evidence=evidence,
                                message=f"{report.variant} breaks parity with fp32 eager: {numbers}.",
                                fix=f"Do not deploy {report.variant} for this model; only if that accuracy "
                                    f"change is acceptable, set {' and '.join(relax)}."))
    return verdicts


def choice_verdict(best: Choice | None, miss: NearestMiss | None, budgets: Budgets,
                   keeping_parity: list[LatencyRow]) -> Verdict:
    if best is not None:
        return Verdict(check="best_variant", status="pass", message=best.why,
                       evidence={"variant": best.variant, "batch_size": best.batch_size,
                                 "latency_ms": best.latency_ms, "speedup_vs_eager": best.speedup_vs_eager})
    if miss is None:
        return Verdict(check="best_variant", status="fail", message="No variant could be measured.",
                       fix="See the variants' reasons and the logs attached as artifacts.")
    worst = max(miss.blockers, key=lambda b: b.relative_violation)
    if worst.constraint in BUDGET_FIELDS and keeping_parity:
        fix = _budget_fix(worst.constraint, keeping_parity, budgets)
    else:
        fix = ("Only variants that change the numbers come close: loosen the parity tolerance only if the "
               "accuracy change is acceptable, or keep eager.")
    return Verdict(check="best_variant", status="fail", message=miss.message, fix=fix,
                   evidence={"variant": miss.variant, "batch_size": miss.batch_size,
                             "blocked_by": ", ".join(b.constraint for b in miss.blockers)})


def samples_verdict(rows: list[LatencyRow], percentile: str, needed: int) -> Verdict | None:
    """Rows whose calls were too few for a 95% interval of the budget's percentile (they report none)."""
    few = [r for r in rows if r.samples < needed]
    if not few:
        return None
    worst = min(few, key=lambda r: r.samples)
    return Verdict(check="latency_samples", status="warn",
                   evidence={"rows": len(few), "fewest": worst.samples, "needed": needed, "variant": worst.variant,
                             "batch_size": worst.batch_size},
                   message=f"{len(few)} row(s) had too few timed calls for a 95% interval of their {percentile} "
                           f"(fewest: {worst.samples} calls of {worst.variant} at batch {worst.batch_size}; "
                           f"{needed} needed), so they report no latency_ci_ms and their {percentile} is rough.",
                   fix=f"Raise max_seconds_per_measurement to about {needed / max(worst.samples, 1):.0f}x its value "
                       "for those rows, or judge by p50, which needs fewer calls.")


def _timer_gap(row: LatencyRow) -> float:
    """How far Timer's per-call figure lies outside [p50, mean] of the same calls, as a ratio - 1.

    Timer times blocks of calls and reports the median block's time per call: a mean over a
    block, so on a quiet machine it lies between the per-call median and mean (a tail moves the
    mean, not the median). Outside both, the two measurements saw different machines.
    """
    low, high = min(row.p50_ms, row.mean_ms), max(row.p50_ms, row.mean_ms)
    if row.timer_p50_ms < low:
        return row.timer_p50_ms / low - 1
    return row.timer_p50_ms / high - 1 if row.timer_p50_ms > high else 0.0


def _ratio_text(gap: float) -> str:
    """+15% / -20%, or 81x / 1/81 when percentages would read +8000% or -100%."""
    ratio = 1 + gap
    if 0.5 <= ratio <= 2:
        return f"{gap:+.0%}"
    return f"{ratio:.3g}x" if ratio > 1 else f"1/{1 / ratio:.3g}"


def timing_verdict(rows: list[LatencyRow]) -> Verdict | None:
    checked = [r for r in rows if r.timer_p50_ms]
    if not checked:
        return None
    row = max(checked, key=lambda r: abs(_timer_gap(r)))
    gap = _timer_gap(row)
    evidence = {"variant": row.variant, "batch_size": row.batch_size, "p50_ms": row.p50_ms, "mean_ms": row.mean_ms,
                "timer_per_call_ms": row.timer_p50_ms, "relative_gap": gap}
    if abs(gap) <= TIMER_DISAGREEMENT:
        return Verdict(check="timing_crosscheck", status="pass", evidence=evidence,
                       message=f"torch.utils.benchmark.Timer's per-call times agree with the per-call p50-to-mean "
                               f"range within {abs(gap):.1%} (worst: {row.variant}, batch {row.batch_size}).")
    return Verdict(check="timing_crosscheck", status="warn", evidence=evidence,
                   message=f"{row.variant} at batch {row.batch_size}: torch.utils.benchmark.Timer's median block "
                           f"took {row.timer_p50_ms:.3g} ms per call, {_ratio_text(gap)} of the per-call range "
                           f"(p50 {row.p50_ms:.3g} ms, mean {row.mean_ms:.3g} ms, the same calls one at a time); "
                           "the two measurements saw a differently loaded machine.",
                   fix="Run again when the machine is quieter, or raise max_seconds_per_measurement; compare "
                       "variants by ratios within one run.")


def failure_verdicts(reports: list[VariantReport]) -> list[Verdict]:
    return [Verdict(check=f"variant_{r.variant}", status="warn", message=f"{r.variant} failed: {r.reason}",
                    evidence={"variant": r.variant},
                    fix=f"See artifact {r.variant}_worker.log; the other variants' results stand. Leave "
                        f"{r.variant} out of `variants` if the model cannot support it.")
            for r in reports if r.status == "failed"]
