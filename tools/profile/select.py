"""Judging the measured table: which configurations meet the budgets and keep parity, which is best,
what the nearest miss lacks, and what is worth recommending. Pure functions on schema objects."""

from __future__ import annotations

from ml_expert.tools.profile.schema import (
    Blocker,
    Budgets,
    Choice,
    LatencyRow,
    NearestMiss,
    ParityTolerance,
    Recommendation,
    VariantReport,
)
from ml_expert.tools.profile.variants import VARIANTS

TIE_TOLERANCE = 0.03  # without confidence intervals, latencies this close count as a tie
MIN_GAIN = 1.10  # a smaller measured speedup is within this machine's run-to-run noise
MAX_RECOMMENDATIONS = 5
BUDGET_CONSTRAINTS = ("latency", "throughput", "size", "memory")
UNITS = {"latency": "ms", "throughput": "samples/s", "size": "MB", "memory": "MB", "parity_sqnr": "dB",
         "parity_metric": "relative drop"}


def latency_of(row: LatencyRow, percentile: str) -> float:
    return getattr(row, f"{percentile}_ms")


def _over(constraint: str, measured: float | None, limit: float | None, *, at_least: bool = False) -> list[Blocker]:
    if limit is None or measured is None:
        return []
    missed = measured < limit if at_least else measured > limit
    if not missed:
        return []
    scale = abs(limit) if limit else 1.0
    return [Blocker(constraint=constraint, measured=measured, limit=limit,
                    relative_violation=abs(measured - limit) / scale)]


def row_blockers(row: LatencyRow, report: VariantReport, budgets: Budgets,
                 tolerance: ParityTolerance) -> list[Blocker]:
    """Every constraint this configuration misses (budgets, then parity)."""
    found = (_over("latency", latency_of(row, budgets.latency_percentile), budgets.latency_ms)
             + _over("throughput", row.throughput_per_s, budgets.min_throughput, at_least=True)
             + _over("size", row.size_mb, budgets.max_size_mb)
             + _over("memory", row.peak_memory_mb, budgets.max_memory_mb))
    parity = report.parity
    if parity is not None:
        if parity.sqnr_db is not None:
            found += _over("parity_sqnr", parity.sqnr_db, tolerance.min_sqnr_db, at_least=True)
        found += _over("parity_metric", parity.metric_drop, tolerance.max_metric_drop)
    return found


def judge_rows(rows: list[LatencyRow], reports: dict[str, VariantReport], budgets: Budgets,
               tolerance: ParityTolerance) -> dict[tuple[str, int], list[Blocker]]:
    """Set each row's meets_budgets and ok; return the blockers of every row."""
    blockers = {}
    for row in rows:
        report = reports[row.variant]
        found = row_blockers(row, report, budgets, tolerance)
        blockers[(row.variant, row.batch_size)] = found
        row.meets_budgets = not any(b.constraint in BUDGET_CONSTRAINTS for b in found)
        at_budget_batch = budgets.batch_size in (None, row.batch_size)
        row.ok = (not found and at_budget_batch and report.status == "measured"
                  and report.parity is not None and report.parity.passed)
    return blockers


def _speedup(row: LatencyRow, baseline: dict[int, LatencyRow], percentile: str) -> float | None:
    reference = baseline.get(row.batch_size)
    if reference is None:
        return None
    return latency_of(reference, percentile) / latency_of(row, percentile)


def _tied_with(row: LatencyRow, fastest: LatencyRow, percentile: str) -> bool:
    """Not measurably slower: the latency intervals overlap (or, without them, within TIE_TOLERANCE)."""
    if row.latency_ci_ms and fastest.latency_ci_ms:
        return row.latency_ci_ms[0] <= fastest.latency_ci_ms[1]
    return latency_of(row, percentile) <= latency_of(fastest, percentile) * (1 + TIE_TOLERANCE)


def choose_best(rows: list[LatencyRow], budgets: Budgets, baseline: dict[int, LatencyRow]) -> Choice | None:
    """The lowest latency among qualifying configurations, each variant at its smallest qualifying
    batch size. Variants not measurably slower than the fastest tie; among them the smaller model
    wins, then the one that changes least (registry order: eager first)."""
    percentile = budgets.latency_percentile
    first_ok: dict[str, LatencyRow] = {}
    for row in sorted(rows, key=lambda r: r.batch_size):
        if row.ok:
            first_ok.setdefault(row.variant, row)
    if not first_ok:
        return None
    fastest = min(first_ok.values(), key=lambda r: latency_of(r, percentile))
    tied = [r for r in first_ok.values() if _tied_with(r, fastest, percentile)]
    order = list(VARIANTS)
    best = min(tied, key=lambda r: (r.size_mb, order.index(r.variant)))
    speedup, speedup_p50 = _speedup(best, baseline, percentile), _speedup(best, baseline, "p50")
    why = (f"{best.variant} at batch {best.batch_size}: {percentile} {latency_of(best, percentile):.3g} ms"
           + (f" ({speedup_text(speedup, speedup_p50, percentile)})" if speedup is not None and best.variant != "eager"
              else ""))
    if best is fastest:
        why += ", the fastest configuration that meets every budget and keeps parity"
    else:
        reason = "smaller on disk" if best.size_mb < fastest.size_mb else "the smaller change to the model"
        why += (f", not measurably slower than {fastest.variant} ({latency_of(fastest, percentile):.3g} ms; "
                f"their 95% intervals overlap) and {reason}; it meets every budget and keeps parity")
    return Choice(variant=best.variant, batch_size=best.batch_size, latency_ms=latency_of(best, percentile),
                  percentile=percentile, throughput_per_s=best.throughput_per_s, size_mb=best.size_mb,
                  speedup_vs_eager=speedup, speedup_p50_vs_eager=speedup_p50, why=why + ".")


def speedup_text(speedup: float, speedup_p50: float | None, percentile: str) -> str:
    """'1.83x eager at p95, 1.01x at p50': one figure per percentile, each named."""
    if percentile == "p50" or speedup_p50 is None:
        return f"{speedup:.2f}x eager at {percentile}"
    return f"{speedup:.2f}x eager at {percentile}, {speedup_p50:.2f}x at p50"


def describe_blocker(blocker: Blocker, percentile: str) -> str:
    name = {"latency": f"{percentile} latency", "parity_sqnr": "SQNR", "parity_metric": "task-metric drop"}.get(
        blocker.constraint, blocker.constraint)
    relation = "<" if blocker.constraint in ("throughput", "parity_sqnr") else ">"
    return (f"{name} {blocker.measured:.4g} {relation} {blocker.limit:.4g} {UNITS[blocker.constraint]} "
            f"(off by {blocker.relative_violation:.0%})")


def nearest_miss(rows: list[LatencyRow], reports: dict[str, VariantReport],
                 blockers: dict[tuple[str, int], list[Blocker]], budgets: Budgets) -> NearestMiss | None:
    """The configuration whose worst violation is smallest, preferring those that keep parity."""
    candidates = [r for r in rows if reports[r.variant].status == "measured" and reports[r.variant].parity is not None
                  and budgets.batch_size in (None, r.batch_size) and blockers[(r.variant, r.batch_size)]]
    if not candidates:
        return None

    def distance(row: LatencyRow) -> tuple[bool, float, float]:
        found = blockers[(row.variant, row.batch_size)]
        breaks_parity = any(b.constraint.startswith("parity") for b in found)
        return breaks_parity, max(b.relative_violation for b in found), latency_of(row, budgets.latency_percentile)

    row = min(candidates, key=distance)
    found = blockers[(row.variant, row.batch_size)]
    message = (f"No configuration meets every constraint; the nearest is {row.variant} at batch {row.batch_size}, "
               f"held back by " + " and ".join(describe_blocker(b, budgets.latency_percentile) for b in found) + ".")
    return NearestMiss(variant=row.variant, batch_size=row.batch_size, blockers=found, message=message)


def recommend(rows: list[LatencyRow], reports: dict[str, VariantReport], baseline: dict[int, LatencyRow],
              operating_batch: int) -> list[Recommendation]:
    """Variants measurably faster than eager at the operating batch size, by p50 (the percentile
    least moved by noise), with the p95s and the largest gain at another batch size as context."""
    recommendations = []
    for variant in dict.fromkeys(r.variant for r in rows):
        if reports[variant].status != "measured":
            continue
        mine = {r.batch_size: r for r in rows if r.variant == variant}
        row = mine.get(operating_batch)
        gain = _speedup(row, baseline, "p50") if row is not None else None
        if gain is None or gain < MIN_GAIN:
            continue
        reference = baseline[operating_batch]
        message = (f"{variant}: p50 {row.p50_ms:.3g} ms vs eager {reference.p50_ms:.3g} ms at batch "
                   f"{operating_batch}, {gain:.2f}x faster (p95 {row.p95_ms:.3g} vs {reference.p95_ms:.3g} ms)")
        gains = {b: _speedup(r, baseline, "p50") or 0.0 for b, r in mine.items()}
        top_batch = max(gains, key=gains.__getitem__)
        if top_batch != operating_batch and gains[top_batch] > gain * MIN_GAIN:
            message += f"; {gains[top_batch]:.2f}x at batch {top_batch}"
        parity = reports[variant].parity
        if parity is not None and not parity.passed:
            message += (f", but it breaks parity (SQNR {format_sqnr(parity.sqnr_db)} dB, {parity.metric_name} "
                        f"{parity.metric:.4g} vs {parity.reference_metric:.4g}): use it only if that accuracy "
                        f"loss is acceptable")
        elif row.compile_s > 1.0:
            message += f"; its first call takes {row.compile_s:.1f} s (compile/export)"
        if VARIANTS[variant].deploy:
            message += f"; to deploy it, {VARIANTS[variant].deploy}"
        recommendations.append(Recommendation(variant=variant, batch_size=operating_batch, gain=gain,
                                              message=message + "."))
    recommendations.sort(key=lambda r: (reports[r.variant].parity is None or not reports[r.variant].parity.passed,
                                        -r.gain))
    return recommendations[:MAX_RECOMMENDATIONS]


def format_sqnr(sqnr: float | None) -> str:
    return "inf" if sqnr is None else f"{sqnr:.1f}"
