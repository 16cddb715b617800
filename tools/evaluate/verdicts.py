"""Verdicts on a test evaluation: data, calibration, weak slices, baselines, the compared run."""

from __future__ import annotations

from ml_expert.tools.envelope import Verdict
from ml_expert.tools.evaluate.schema import ClassReport, Comparison, SliceReport

ECE_LIMIT = 0.10  # a confidence off by more than 10 points on average misleads a threshold
WEAK_SLICE = 0.10  # a slice this far below the overall score is worth a look
MIN_SLICE_ROWS = 10  # smaller slices are noise
P_FLOOR = 0.001  # p-values below this are written as "p<0.001": the tests are not that exact


def p_text(p_value: float) -> str:
    return f"p<{P_FLOOR:g}" if p_value < P_FLOOR else f"p={p_value:.2g}"


def data_verdict(fitted_on: dict, dataset_version: str) -> Verdict | None:
    trained_on = fitted_on.get("dataset_version")
    if not trained_on or trained_on == dataset_version:
        return None
    return Verdict(check="same_data_as_training", status="warn",
                   evidence={"trained_on": trained_on, "evaluated_on": dataset_version},
                   message=f"The run was trained on dataset {trained_on} but is evaluated on {dataset_version}.",
                   fix="Evaluate on the data the run was trained on (leave data out), or say in the report that "
                       "this is a transfer evaluation.")


def calibration_verdict(ece: float) -> Verdict:
    evidence = {"ece": round(ece, 4), "limit": ECE_LIMIT}
    if ece > ECE_LIMIT:
        return Verdict(check="calibration", status="warn", evidence=evidence,
                       message=f"Confidences are off by {ece:.3f} on average (ECE > {ECE_LIMIT}): probabilities "
                               "should not be read as chances.",
                       fix="Fit a temperature on the validation rows (temperature scaling) before using the "
                           "probabilities for thresholds or decisions; see reliability.png.")
    return Verdict(check="calibration", status="pass", evidence=evidence,
                   message=f"Confidences match accuracy within {ece:.3f} on average (ECE ≤ {ECE_LIMIT}).")


def slice_verdict(metric: str, overall: float, slices: list[SliceReport], classes: list[ClassReport]
                  ) -> Verdict | None:
    """Slices and classes (by recall) scoring well below the whole; None when nothing was sliced."""
    weak = [(f"{s.feature} in {s.slice}", s.value) for s in slices
            if s.rows >= MIN_SLICE_ROWS and s.value < overall - WEAK_SLICE]
    weak += [(f"class {c.name} (recall)", c.recall) for c in classes
             if c.support >= MIN_SLICE_ROWS and c.recall < overall - WEAK_SLICE]
    if not slices and not classes:
        return None
    evidence = {"overall": round(overall, 4), "weak": len(weak), "margin": WEAK_SLICE}
    if weak:
        named = ", ".join(f"{name} {value:.3f}" for name, value in sorted(weak, key=lambda w: w[1])[:3])
        return Verdict(check="weak_slices", status="warn", evidence=evidence,
                       message=f"{len(weak)} slice(s) score over {WEAK_SLICE} below the overall {metric} "
                               f"{overall:.3f}: {named}.",
                       fix="Look at those rows: collect more of them, weight them (class_weights='balanced' for "
                           "classes), or state the limitation in the model card.")
    return Verdict(check="weak_slices", status="pass", evidence=evidence,
                   message=f"No slice of at least {MIN_SLICE_ROWS} rows scores over {WEAK_SLICE} below the overall "
                           f"{metric}.")


def baseline_verdict(metric: str, value: float, baselines: list[Comparison]) -> Verdict:
    best = max(baselines, key=lambda c: c.value)
    evidence = {"baseline": best.against, "baseline_value": best.value, "model_value": round(value, 4),
                "diff": best.diff, "p_value": best.p_value, "test": best.test}
    if best.verdict == "better":
        return Verdict(check="beats_baselines", status="pass", evidence=evidence,
                       message=f"The model beats the best baseline, {best.against}: {metric} {value:.4f} vs "
                               f"{best.value:.4f} ({p_text(best.p_value)}).")
    if best.verdict == "worse":
        return Verdict(check="beats_baselines", status="warn", evidence=evidence,
                       message=f"{best.against} fitted on the same training rows scores higher: {best.value:.4f} vs "
                               f"{value:.4f} ({p_text(best.p_value)}).",
                       fix=f"Prefer {best.against} unless the network must be used, or tune the network "
                           "(tune_hyperparams) and evaluate a fresh split.")
    return Verdict(check="beats_baselines", status="warn", evidence=evidence,
                   message=f"No significant difference from {best.against} ({best.value:.4f} vs {value:.4f}, "
                           f"{p_text(best.p_value)}): the simpler model may do.",
                   fix=f"Prefer {best.against} if it is simpler to serve, or get more test rows to tell them apart.")


def comparison_verdict(metric: str, comparison: Comparison) -> Verdict:
    c = comparison
    evidence = {"other_run": c.against, "other_value": c.value, "diff": c.diff, "ci_low": c.ci_low,
                "ci_high": c.ci_high, "p_value": c.p_value, "test": c.test}
    span = f"{metric} {c.diff:+.4f} (CI {c.ci_low:+.4f} to {c.ci_high:+.4f}, {c.test} {p_text(c.p_value)})"
    if c.verdict == "better":
        return Verdict(check="beats_compared_run", status="pass", evidence=evidence,
                       message=f"Better than run {c.against}: {span}.")
    fix = (f"Keep run {c.against}." if c.verdict == "worse"
           else "Treat them as equal; choose on latency or size, or get more test rows.")
    word = "Worse than" if c.verdict == "worse" else "Not significantly different from"
    return Verdict(check="beats_compared_run", status="warn", evidence=evidence, fix=fix,
                   message=f"{word} run {c.against}: {span}.")
