"""profile_inference: honest latency numbers, and the fastest variant that keeps accuracy.

The job resolves the model and the parity inputs, computes fp32 eager reference outputs, then
measures each variant in a fresh worker process (``child.py``) with the thread count pinned, one
after another so they never compete for cores. The table is judged against the budgets and the
parity tolerance here.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ml_expert.tools.envelope import Provenance, Verdict
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.measure.cpu_load import busy_fraction, contention_verdict, resolve_threads
from ml_expert.tools.profile import plots, select, verdicts
from ml_expert.tools.profile.schema import (
    LatencyRow,
    OperatorTime,
    ParityReport,
    ProfileInferenceResult,
    ProfileInferenceSpec,
    VariantReport,
)
from ml_expert.tools.profile.source import ResolvedModel, resolve_model
from ml_expert.tools.profile.variants import VARIANTS, ModelTraits, why_not
from ml_expert.tools.profile.workers import WorkerPool

MB = 1024 * 1024


def profile_inference(spec: ProfileInferenceSpec, job: JobContext) -> ProfileInferenceResult:
    started = time.perf_counter()
    threads = resolve_threads(spec.threads)
    _check_device(spec.device)
    job.progress(0, message="loading the model")
    job.run_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="profile-", dir=job.run_dir) as scratch_dir:
        scratch = Path(scratch_dir)
        model = resolve_model(spec.model, job, device=spec.device, scratch=scratch)
        _check_batch_sizes(spec, model)
        names = _variants(spec, model.traits)
        baseline = names[0]
        parity, data_verdicts, provenance = _parity_inputs(spec, model, job, scratch)
        peaks = _matmul_peaks(names, threads, spec.device, job)  # timed: before the zygote starts
        with WorkerPool(scratch, threads) as pool:
            flops = _flops(model, spec.batch_sizes)  # while the zygote imports torch
            common = {"model": model.child_model, "input": model.input, "batch_sizes": spec.batch_sizes,
                      "threads": threads, "device": spec.device, "seed": spec.seed,
                      "max_seconds": spec.max_seconds_per_measurement, "parity": parity,
                      "percentile": int(spec.budgets.latency_percentile[1:]),
                      "operating_batch": spec.budgets.batch_size or min(spec.batch_sizes)}
            pool.wait_ready()
            busy = busy_fraction()
            outcomes = []
            for step, name in enumerate(names):
                job.progress(step, total=len(names), message=f"measuring {name} in its own process")
                outcomes.append(pool.run(name, common, scratch, len(spec.batch_sizes)))
        job.progress(len(names), total=len(names), message="judging the table")
        result = _judge(spec, outcomes, flops, peaks, baseline, threads)
        quiet = contention_verdict(busy, threads)
        _attach_files(result, outcomes, _shown_variant(result.best, result.nearest_miss, baseline), spec, job)
    reference = _reference_verdict(model)
    result.verdicts = data_verdicts + result.verdicts + ([quiet] if quiet else []) + ([reference] if reference else [])
    result.input_shape, result.input_dtype = list(model.input["shape"]), model.input["dtype"]
    result.artifacts = list(job.artifacts)
    result.provenance = _provenance(spec, provenance, threads, time.perf_counter() - started)
    result.run_id, result.job_id = job.run_id, job.job_id
    return result


# --- checks at the edge ------------------------------------------------------------------------

def _check_device(device: str) -> None:
    import torch

    if device == "cuda" and not torch.cuda.is_available():
        raise SpecError("device", "cuda was asked for, but this machine has no usable CUDA device "
                                  "(torch.cuda.is_available() is False)", "cpu")


def _check_batch_sizes(spec: ProfileInferenceSpec, model: ResolvedModel) -> None:
    fixed = model.static_batch
    if fixed is not None and spec.batch_sizes != [fixed]:
        raise SpecError("batch_sizes", f"the exported model has a fixed batch size of {fixed}; got "
                                       f"{spec.batch_sizes}", f"[{fixed}], or re-export with a dynamic batch "
                                                              "dimension")


def _variants(spec: ProfileInferenceSpec, traits: ModelTraits) -> list[str]:
    """The variants to run, the baseline first: eager, or onnxruntime for an ONNX file."""
    applicable = [name for name in VARIANTS if why_not(name, traits) is None]
    if not applicable:
        raise SpecError("model", "no variant can run this model on this machine",
                        "; ".join(f"{n}: {why_not(n, traits)}" for n in VARIANTS))
    baseline = "eager" if "eager" in applicable else applicable[0]
    if spec.variants is None:
        return applicable
    for name in spec.variants:
        reason = why_not(name, traits)
        if reason is not None:
            raise SpecError("variants", f"{name} does not apply: {reason}",
                            "variants that apply to this model: " + ", ".join(applicable))
    return [baseline] + [n for n in dict.fromkeys(spec.variants) if n != baseline]


# --- inputs, references, FLOPs, peaks ------------------------------------------------------------

def _parity_inputs(spec: ProfileInferenceSpec, model: ResolvedModel, job: JobContext, scratch: Path,
                   ) -> tuple[dict[str, Any], list[Verdict], dict[str, Any]]:
    """Write the parity inputs, labels and fp32 reference outputs for the workers; return the task part."""
    import torch

    from ml_expert.tools.profile.inputs import make_input, validation_rows

    labels, data_verdicts, provenance = None, [], {}
    rows = validation_rows(spec, model, job)
    if rows is None:
        inputs = make_input(model.input, spec.parity_samples, spec.seed + 1)
        source = "random inputs"
    else:
        inputs, labels, data_verdicts, provenance = rows
        source = "validation rows"
    reference = model.reference(inputs, chunk=max(spec.batch_sizes))
    task = model.task
    if task == "auto":
        task = "classification" if reference.dim() > 1 and reference.shape[-1] > 1 else "regression"
    if labels is not None and task == "language_model":
        labels = None  # tabular labels say nothing about next tokens
    path = scratch / "parity.pt"
    torch.save({"inputs": inputs, "reference": reference, "labels": labels}, path)
    parity = {"path": str(path), "task": task, "inputs": source, "min_sqnr_db": spec.parity.min_sqnr_db,
              "max_metric_drop": spec.parity.max_metric_drop}
    return parity, data_verdicts, provenance


def _flops(model: ResolvedModel, batch_sizes: list[int]) -> dict[int, float]:
    """FLOPs per call at each batch size: the torch module's, or an ONNX file's MatMul/Gemm/Conv nodes
    (a batch size whose graph shapes cannot all be inferred gets none rather than an undercount)."""
    if model.module is None:
        from ml_expert.tools.measure.onnx_flops import count_onnx_flops

        counts = {b: count_onnx_flops(Path(model.child_model["path"]), b) for b in batch_sizes}
        return {b: float(c.total) for b, c in counts.items() if c.unknown_nodes == 0 and c.total > 0}
    from ml_expert.tools.measure.flops import count_flops
    from ml_expert.tools.profile.inputs import make_input

    return {b: float(count_flops(model.module, make_input(model.input, b, 0)).total) for b in batch_sizes}


def _matmul_peaks(names: list[str], threads: int, device: str, job: JobContext) -> dict[str, float]:
    from ml_expert.tools.measure.matmul_peak import matmul_peak_gflops

    dtypes = sorted({VARIANTS[n].dtype for n in names})
    return {d: matmul_peak_gflops(d, threads, device, job.workspace / "cache") for d in dtypes}


def _reference_verdict(model: ResolvedModel) -> Verdict | None:
    """An ONNX file has no torch model to compare with: its parity outputs come from ONNX Runtime itself."""
    if model.module is not None:
        return None
    return Verdict(check="parity_reference", status="warn", evidence={"reference": "onnxruntime"},
                   message="Parity of an .onnx file has no independent reference: the reference outputs come from "
                           "ONNX Runtime, the runtime being measured, so passing parity only shows the runs repeat, "
                           "not that the export matches the model it came from.",
                   fix="Profile the source model (a run id, a code model or a .pt2) with variants ['eager', "
                       "'onnxruntime']: its ONNX export is then checked against eager torch on the same inputs.")


# --- judging -----------------------------------------------------------------------------------

def _rows(outcome: dict[str, Any], flops: dict[int, float], peak: float, percentile: str) -> list[LatencyRow]:
    """The variant's rows; a row with too few timed calls for a 95% interval of ``percentile`` has none."""
    from ml_expert.tools.measure.timing import samples_for_interval

    enough = samples_for_interval(int(percentile[1:]) / 100)
    rows = []
    size_mb = (outcome["size_bytes"] or 0) / MB  # rows exist only for variants that built
    for index, raw in enumerate(outcome["rows"]):
        batch = raw["batch_size"]
        build_s = (outcome["build_s"] or 0.0) if index == 0 else 0.0  # export/quantize, before the first call
        call_flops = flops.get(batch)
        achieved = call_flops / (raw["p50_ms"] / 1e3) / 1e9 if call_flops else None
        rows.append(LatencyRow(
            variant=outcome["variant"], batch_size=batch, p50_ms=raw["p50_ms"], p90_ms=raw["p90_ms"],
            p95_ms=raw["p95_ms"], p99_ms=raw["p99_ms"], mean_ms=raw["mean_ms"], iqr_ms=raw["iqr_ms"],
            samples=raw["samples"], latency_ci_ms=raw["latency_ci_ms"] if raw["samples"] >= enough else None,
            throughput_per_s=batch / (raw["mean_ms"] / 1e3),
            peak_memory_mb=raw["peak_memory_mb"], size_mb=size_mb,
            compile_s=raw["first_call_s"] + build_s,
            gflops=call_flops / 1e9 if call_flops else None, gflops_per_s=achieved,
            peak_fraction=min(1.0, achieved / peak) if achieved else None,  # a ceiling is never exceeded
            timer_p50_ms=raw["timer_p50_ms"]))
    return rows


def _report(outcome: dict[str, Any]) -> VariantReport:
    size = outcome["size_bytes"]
    return VariantReport(variant=outcome["variant"], status=outcome["status"], reason=outcome.get("reason"),
                         build_s=outcome["build_s"], size_mb=size / MB if size is not None else None,
                         parity=ParityReport(**outcome["parity"]) if outcome["parity"] else None)


def _judge(spec: ProfileInferenceSpec, outcomes: list[dict[str, Any]], flops: dict[int, float],
           peaks: dict[str, float], baseline: str, threads: int) -> ProfileInferenceResult:
    budgets = spec.budgets
    rows = [row for o in outcomes
            for row in _rows(o, flops, peaks[VARIANTS[o["variant"]].dtype], budgets.latency_percentile)]
    reports = [_report(o) for o in outcomes]
    by_name = {r.variant: r for r in reports}
    blockers = select.judge_rows(rows, by_name, budgets, spec.parity)
    # Speedups are against eager; an ONNX file has no eager to compare with.
    baseline_rows = {r.batch_size: r for r in rows if r.variant == "eager"}
    best = select.choose_best(rows, budgets, baseline_rows)
    miss = None if best is not None else select.nearest_miss(rows, by_name, blockers, budgets)
    shown = _shown_variant(best, miss, baseline)
    operators = next(o for o in outcomes if o["variant"] == shown)["operators"]
    operating_batch = budgets.batch_size or min(spec.batch_sizes)
    result = ProfileInferenceResult(
        rows=rows, variants=reports, best=best, nearest_miss=miss,
        recommendations=select.recommend(rows, by_name, baseline_rows, operating_batch),
        top_operators=[OperatorTime(**op) for op in operators],
        operators_of=f"{shown} at batch {operating_batch}" if operators else None,
        matmul_peak_gflops=peaks, threads=threads, device=spec.device)
    from ml_expert.tools.measure.timing import samples_for_interval

    timing = verdicts.timing_verdict(rows)
    few = verdicts.samples_verdict(rows, budgets.latency_percentile,
                                   samples_for_interval(int(budgets.latency_percentile[1:]) / 100))
    keeping_parity = [r for r in rows if by_name[r.variant].parity is not None and by_name[r.variant].parity.passed]
    result.verdicts = (verdicts.budget_verdicts(budgets, rows, keeping_parity, best, miss)
                       + verdicts.parity_verdicts(reports, spec.parity, baseline)
                       + [verdicts.choice_verdict(best, miss, budgets, keeping_parity)]
                       + ([timing] if timing else []) + ([few] if few else []) + verdicts.failure_verdicts(reports))
    result.summary = _summary(result, baseline, len(spec.batch_sizes))
    result.metrics = _metrics(result, baseline_rows, budgets.latency_percentile)
    return result


def _shown_variant(best, miss, baseline: str) -> str:
    """Whose operators and trace the result shows: the best, else the nearest miss, else the baseline."""
    chosen = best or miss
    return chosen.variant if chosen is not None else baseline


def _summary(result: ProfileInferenceResult, baseline: str, n_batches: int) -> str:
    best, miss = result.best, result.nearest_miss
    if best is not None:
        gain = (f" ({select.speedup_text(best.speedup_vs_eager, best.speedup_p50_vs_eager, best.percentile)})"
                if best.speedup_vs_eager and best.variant != "eager" else "")
        first = (f"Best: {best.variant} at batch {best.batch_size}, {best.percentile} {best.latency_ms:.3g} ms"
                 f"{gain}, meeting every budget and keeping parity.")
    elif miss is not None:
        first = miss.message
    else:
        first = "No variant could be measured."
    measured = sum(r.status == "measured" for r in result.variants)
    failed = len(result.variants) - measured
    second = (f"Measured {measured} variant(s) x {n_batches} batch size(s) on {result.threads} {result.device} "
              f"thread(s), each in a fresh process" + (f"; {failed} failed to build or run." if failed else "."))
    broken = [r for r in result.variants if r.parity is not None and not r.parity.passed]
    if broken:
        third = "Parity broken by: " + ", ".join(
            f"{r.variant} (SQNR {select.format_sqnr(r.parity.sqnr_db)} dB, {r.parity.metric_name} drop "
            f"{r.parity.metric_drop:.2%})" for r in broken) + "."
    elif others := [r for r in result.recommendations if best is None or r.variant != best.variant]:
        third = others[0].message  # the best's own gain is in the first sentence: one figure per model
    elif baseline == "eager":
        third = "No other variant is measurably faster than eager."
    else:
        third = (f"An ONNX file runs only in {baseline}, and its parity has no independent reference "
                 "(see parity_reference).")
    return " ".join([first, second, third])


def _metrics(result: ProfileInferenceResult, baseline_rows: dict[int, LatencyRow], percentile: str,
             ) -> dict[str, float]:
    metrics = {f"matmul_peak_gflops_{dtype}": value for dtype, value in result.matmul_peak_gflops.items()}
    metrics["variants_measured"] = float(sum(r.status == "measured" for r in result.variants))
    metrics["parity_failures"] = float(sum(r.parity is not None and not r.parity.passed for r in result.variants))
    if result.best is not None:
        metrics[f"best_{percentile}_ms"] = result.best.latency_ms
        if result.best.speedup_vs_eager is not None:
            metrics["best_speedup_vs_eager"] = result.best.speedup_vs_eager
        reference = baseline_rows.get(result.best.batch_size)
        if reference is not None:
            metrics[f"eager_{percentile}_ms"] = select.latency_of(reference, percentile)
    return metrics


# --- files -------------------------------------------------------------------------------------

def _attach_files(result: ProfileInferenceResult, outcomes: list[dict[str, Any]], shown: str,
                  spec: ProfileInferenceSpec, job: JobContext) -> None:
    """Plots, the chrome trace of the variant whose operators are shown, the exported ONNX model when
    onnxruntime wins, and the logs of variants that failed."""
    if result.rows:
        job.add_artifact("latency_vs_batch.png", "plot", plots.latency_vs_batch(
            result.rows, spec.budgets.latency_percentile, spec.budgets.latency_ms,
            job.run_dir / "latency_vs_batch.png"))
    if result.top_operators:
        job.add_artifact("operators.png", "plot", plots.operator_breakdown(
            result.top_operators, f"Top operators: {result.operators_of}", job.run_dir / "operators.png"))
    for outcome in outcomes:
        name = outcome["variant"]
        if name == shown and outcome["trace"]:
            job.add_artifact(f"trace_{name}.json", "trace", Path(outcome["trace"]))
        if outcome["status"] == "failed":
            job.add_artifact(f"{name}_worker.log", "log", Path(outcome["log"]))
        exported = Path(outcome["workdir"]) / "onnx" / "model.onnx"
        if name == "onnxruntime" and result.best is not None and result.best.variant == name and exported.is_file():
            job.add_artifact("model.onnx", "checkpoint", exported)


def _provenance(spec: ProfileInferenceSpec, data_fields: dict[str, Any], threads: int, wall_s: float) -> Provenance:
    import onnxruntime
    import torch

    from ml_expert import __version__
    from ml_expert.tools.measure.matmul_peak import device_name

    return Provenance(seeds={"seed": spec.seed}, packages={"torch": torch.__version__,
                                                           "onnxruntime": onnxruntime.__version__,
                                                           "python": sys.version.split()[0]},
                      device=f"{spec.device}: {device_name(spec.device)}, {threads} threads", wall_time_s=wall_s,
                      code_version=__version__, **data_fields)

