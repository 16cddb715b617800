"""implement_architecture: build a model (fitted to a parameter budget), prove it works, measure it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ml_expert.tools.architecture import checks, layer_table, measurements
from ml_expert.tools.architecture.schema import (
    ImplementArchitectureResult,
    ImplementArchitectureSpec,
    LayerRow,
)
from ml_expert.tools.architecture.standalone import standalone_source
from ml_expert.tools.envelope import Curve, Provenance, Verdict
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.measure.cpu_load import busy_fraction, contention_verdict, resolve_threads
from ml_expert.tools.measure.flops import FlopCount
from ml_expert.tools.measure.memory import ActivationMemory
from ml_expert.tools.models.budget import (
    Fit,
    count_parameters,
    fit_family,
    fit_integer_argument,
    refuse_model_over_memory,
)
from ml_expert.tools.models.load import (
    INIT_CHECKPOINT,
    LoadedModel,
    build_builtin,
    build_code,
    code_path,
    describe,
    given_hyperparameters,
    load_run,
    save_model,
)
from ml_expert.tools.models.registry import get_family
from ml_expert.tools.models.spec import CodeModel, RunModel
from ml_expert.tools.models.user_code import call_factory, factory_parameters, import_factory

STANDALONE_FILE = "model.py"
STAGES = 6


@dataclass(frozen=True)
class Measured:
    """Numbers from full-size forward passes; each is None when the model could not give it."""

    flops: FlopCount | None = None
    memory: ActivationMemory | None = None
    latency: measurements.Latency | None = None
    rows: list[layer_table.Row] | None = None
    note: str = ""


def implement_architecture(spec: ImplementArchitectureSpec, job: JobContext) -> ImplementArchitectureResult:
    started = time.perf_counter()
    threads = resolve_threads(spec.threads) if spec.threads is not None else torch.get_num_threads()
    seed = job.seed_everything(spec.seed)
    job.progress(0, STAGES, "resolving the model")
    loaded, fit, prepared = _build(spec, job)
    family = loaded.config.get("family", loaded.config["kind"])

    job.progress(1, STAGES, "saving checkpoint and config")
    save_model(loaded, job)
    if loaded.config["kind"] == "builtin":
        job.add_artifact(STANDALONE_FILE, "code", standalone_source(
            get_family(family), loaded.config["hyperparameters"], loaded, INIT_CHECKPOINT, job.run_id))

    job.progress(2, STAGES, "forward, gradient, loss-at-init and wiring checks")
    generator = torch.Generator().manual_seed(seed)
    train = prepared.splits.train if prepared is not None else None  # the sealed test split is never touched
    batch = (checks.data_batch(train.X, train.y, loaded, spec.check_batch_size, generator) if train is not None
             else checks.random_batch(loaded, spec.check_batch_size, generator))
    forward, verdicts, losses = _checks(spec, job, loaded, batch)

    job.progress(4, STAGES, "measuring FLOPs, activation memory, latency and layers")
    measured, measure_verdicts = _measure(spec, job, loaded, forward, threads)
    verdicts += measure_verdicts
    latency_ms = measured.latency.median_ms if measured.latency else None
    param_count = count_parameters(loaded.module)
    sizes = measurements.sizes_mb(loaded.module)
    verdicts += _budget_and_limits(spec, loaded, fit, param_count, sizes["fp32"], latency_ms)
    verdicts += prepared.verdicts if prepared is not None else []

    trainable = sum(p.numel() for p in loaded.module.parameters() if p.requires_grad)
    deviation = (param_count - spec.param_budget) / spec.param_budget if spec.param_budget else None
    metrics = {"param_count": param_count, "trainable_param_count": trainable,
               **{f"size_mb_{precision}": mb for precision, mb in sizes.items()},
               "flops_per_sample": measured.flops.total if measured.flops else None,
               "attention_flops_per_sample": measured.flops.attention if measured.flops else None,
               "activation_memory_mb": measured.memory.bytes / 1e6 if measured.memory else None,
               "latency_ms_batch1": latency_ms, "budget_deviation": deviation, **_check_metrics(verdicts)}
    result = ImplementArchitectureResult(
        run_id=job.run_id,
        summary=_summary(family, loaded, param_count, sizes, deviation, spec, measured, verdicts),
        metrics={name: float(value) for name, value in metrics.items() if value is not None},
        curves={"overfit_loss": Curve.from_series(list(range(len(losses))), losses)} if losses else {},
        verdicts=verdicts, artifacts=list(job.artifacts), provenance=_provenance(seed, prepared, started),
        model={"kind": "run", "run_id": job.run_id}, family=family,
        hyperparameters=loaded.config.get("hyperparameters", loaded.config.get("kwargs", {})),
        fitted=fit.chosen if fit is not None else {}, task=loaded.task, input_shape=list(loaded.input_shape),
        num_outputs=loaded.num_outputs, param_count=param_count, trainable_param_count=trainable,
        param_budget=spec.param_budget, budget_deviation=round(deviation, 5) if deviation is not None else None,
        sizes_mb=sizes, flops_per_sample=metrics["flops_per_sample"],
        attention_flops_per_sample=metrics["attention_flops_per_sample"],
        activation_memory_mb=round(measured.memory.bytes / 1e6, 3) if measured.memory else None,
        activation_batch_size=spec.batch_size if measured.memory else None,
        latency_ms_batch1=round(latency_ms, 3) if latency_ms is not None else None,
        latency_threads=measured.latency.threads if measured.latency else None,
        latency_samples=measured.latency.samples if measured.latency else None,
        layer_table=[LayerRow(name=r.name, type=r.type, output_shape=r.output_shape, params=r.params, shared=r.shared,
                              repeat=r.repeat)
                     for r in measured.rows or []],
        layer_table_note=measured.note)
    job.progress(STAGES, STAGES, "done")
    return result


# --- building -----------------------------------------------------------------------------

def _build(spec: ImplementArchitectureSpec, job: JobContext) -> tuple[LoadedModel, Fit | None, Any]:
    """The model, fitted to the budget where a knob is free; the prepared data when it stood in."""
    ref = spec.model
    if isinstance(ref, RunModel):
        return load_run(ref.run_id, job, "model.run_id"), None, None
    io, prepared = describe(ref, job, "model")
    fit = None
    if isinstance(ref, CodeModel):
        if spec.scale_arg is not None:
            fit = _fit_code(spec, ref, job)
            ref = ref.model_copy(update={"kwargs": {**ref.kwargs, **fit.chosen}})
        job.seed_everything(spec.seed)  # the same initial weights whatever the fitting did
        return build_code(ref, io, job, "model"), fit, prepared
    given = given_hyperparameters(ref)
    if spec.param_budget is not None:
        fit = _fit_builtin(spec, ref.family, given, io)
        given = {**given, **fit.chosen}
    family = get_family(ref.family)
    refuse_model_over_memory(lambda: family.build(family.hyperparameters(given, io)), io, spec.check_batch_size,
                             "check_batch_size", "param_budget" if fit else "model")
    job.seed_everything(spec.seed)
    return build_builtin(ref.family, given, io, "model"), fit, prepared


def _fit_builtin(spec: ImplementArchitectureSpec, family_name: str, given: dict[str, Any], io) -> Fit:
    """The family's fit; when its width steps are too coarse to land within the tolerance at the
    default depth (a 20k CNN for digits: width 15 gives +6%, 14 gives -7%), neighbouring depths
    are tried with the width refitted, and the nearest count wins."""
    family = get_family(family_name)
    fit = fit_family(family, given, io, spec.param_budget, spec.tolerance)
    default_depth = family.hyperparameters(given, io).get("depth")
    if fit.within_tolerance or "depth" in given or "depth" in fit.chosen or not isinstance(default_depth, int):
        return fit
    tries = fit.tries
    candidates = [fit]
    for depth in (default_depth - 1, default_depth + 1, default_depth - 2, default_depth + 2):
        if depth < 1:
            continue
        other = fit_family(family, {**given, "depth": depth}, io, spec.param_budget, spec.tolerance)
        tries += other.tries
        candidates.append(Fit({**other.chosen, "depth": depth}, other.param_count, other.budget, other.tolerance,
                              0, f"width alone missed the tolerance at depth {default_depth}; depth {depth} "
                                 "fits it"))
        if other.within_tolerance:
            break
    best = min(candidates, key=lambda f: abs(f.param_count - f.budget))
    return Fit(best.chosen, best.param_count, best.budget, best.tolerance, tries, best.note if best is not fit else "")


def _fit_code(spec: ImplementArchitectureSpec, ref: CodeModel, job: JobContext) -> Fit:
    """Bisect the factory's ``scale_arg``, counting on the meta device while the factory allows it."""
    path, name = code_path(ref, job, "model")
    factory = import_factory(path, name, "model.target")
    accepted = factory_parameters(factory)
    if spec.scale_arg not in accepted:
        raise SpecError("scale_arg", f"{name}() has no argument {spec.scale_arg!r}",
                        "one of its integer arguments: " + ", ".join(accepted))
    on_meta = True

    def count_at(value: int) -> int:
        nonlocal on_meta
        kwargs = {**ref.kwargs, spec.scale_arg: value}
        if on_meta:
            try:
                with torch.device("meta"):
                    return count_parameters(factory(**kwargs))
            except Exception:  # e.g. a factory that fills weights from real data: count on the CPU instead
                on_meta = False
        try:
            return count_parameters(call_factory(factory, kwargs, "model"))
        except SpecError as error:
            raise SpecError("scale_arg", f"{spec.scale_arg}={value} fails while fitting the budget: {error.problem}",
                            "a scale_multiple that keeps every value valid (e.g. the head count for d_model)") from error

    return fit_integer_argument(count_at, spec.param_budget, spec.tolerance, spec.scale_multiple, spec.scale_arg)


# --- checks and measurements ------------------------------------------------------------------

def _checks(spec: ImplementArchitectureSpec, job: JobContext, loaded: LoadedModel,
            batch: checks.SampleBatch) -> tuple[checks.ForwardPass, list[Verdict], list[float]]:
    forward = checks.forward_pass(loaded.module, batch, loaded)
    if forward.loss is None:  # no output to judge: the other checks would only repeat the failure
        return forward, [forward.verdict], []
    verdicts = [forward.verdict, checks.check_loss_at_init(float(forward.loss.detach()), loaded, batch.targets)]
    wiring = checks.check_output_wiring(forward.outputs, forward.last_module, loaded)
    verdicts += [checks.check_gradients(loaded.module, forward.loss)] + ([wiring] if wiring else [])
    loaded.module.zero_grad(set_to_none=True)
    job.progress(3, STAGES, "overfitting one batch")
    overfit = checks.check_overfit(loaded.module, batch, loaded, spec.overfit_steps, spec.overfit_lr, spec.overfit_target)
    return forward, verdicts + [overfit.verdict], overfit.losses


def _measure(spec: ImplementArchitectureSpec, job: JobContext, loaded: LoadedModel,
             forward: checks.ForwardPass, threads: int) -> tuple[Measured, list[Verdict]]:
    if not forward.ran:
        return Measured(), []
    model = loaded.module
    latency_verdicts: list[Verdict] = []
    try:
        flops = measurements.flops_per_sample(model, loaded)
        memory = measurements.training_activation_memory(model, loaded, spec.batch_size) if forward.loss else None
        latency = None
        if spec.measure_latency:
            quiet = contention_verdict(busy_fraction(), threads)
            latency = measurements.batch1_latency(model, loaded, threads)
            latency_verdicts = ([quiet] if quiet else []) + _sample_verdict(latency)
        tree = layer_table.module_tree(model, loaded.example_input(1))
    except Exception as error:  # the checks ran on a short batch; an agent's model may still fail at full size
        shape = [1, *loaded.input_shape]
        return Measured(), [Verdict(
            check="full_size_forward", status="fail", evidence={"input_shape": str(shape),
                                                                "error": f"{type(error).__name__}: {error}"[:300]},
            message=f"A forward pass at the full input size {shape} raised {type(error).__name__}.",
            fix="Make the model accept inputs of the size its input description declares (e.g. positional "
                "embeddings as long as seq_len); the error is in evidence.")]
    job.add_artifact(layer_table.FULL_TABLE, "report", layer_table.markdown(layer_table.table_rows(tree, fold=False)))
    rows, note = layer_table.compact(layer_table.table_rows(tree))
    return Measured(flops, memory, latency, rows, note), latency_verdicts


def _sample_verdict(latency: measurements.Latency) -> list[Verdict]:
    """A warning when a slow model left too few timed calls for a steady median."""
    if latency.samples >= measurements.MIN_LATENCY_SAMPLES:
        return []
    return [Verdict(check="latency_samples", status="warn",
                    evidence={"samples": latency.samples, "wanted": measurements.MIN_LATENCY_SAMPLES,
                              "median_ms": round(latency.median_ms, 3), "p90_ms": round(latency.p90_ms, 3)},
                    message=f"latency_ms_batch1 ({latency.median_ms:.4g} ms) is the median of only {latency.samples} "
                            f"calls ({measurements.MAX_LATENCY_SECONDS:g} s of timing): a small sample, easily moved "
                            "by other work on the machine.",
                    fix="Re-time it with profile_inference (it takes as many calls as the percentile needs), "
                        "with threads=1 on a busy machine.")]


def _budget_and_limits(spec: ImplementArchitectureSpec, loaded: LoadedModel, fit: Fit | None, param_count: int,
                       size_mb: float, latency_ms: float | None) -> list[Verdict]:
    verdicts = []
    if spec.param_budget is not None:
        budget, tolerance = spec.param_budget, spec.tolerance
        deviation = (param_count - budget) / budget
        evidence = {"param_count": param_count, "param_budget": budget, "deviation": round(deviation, 5),
                    "tolerance": tolerance, "fitted": ", ".join(f"{k}={v}" for k, v in (fit.chosen if fit else {}).items()),
                    "models_tried": fit.tries if fit else 0, "fit_note": fit.note if fit else ""}
        if abs(deviation) <= tolerance:
            verdicts.append(Verdict(check="param_budget", status="pass", evidence=evidence,
                                    message=f"{param_count:,} parameters, {deviation:+.2%} from the budget "
                                            f"{budget:,} (tolerance +-{percent(tolerance)})."))
        else:
            verdicts.append(Verdict(check="param_budget", status="fail", evidence=evidence,
                                    message=f"{param_count:,} parameters miss the budget {budget:,} by {deviation:+.1%} "
                                            f"(tolerance +-{percent(tolerance)}).",
                                    fix=_budget_fix(spec, loaded, fit)))
    limits = spec.limits
    for check, value, limit, unit in (("max_params", param_count, limits.max_params, "parameters"),
                                      ("max_size_mb", size_mb, limits.max_size_mb, "MB at fp32"),
                                      ("max_latency_ms", latency_ms, limits.max_latency_ms, "ms at batch 1")):
        if limit is None or value is None:
            continue
        evidence = {"value": value, "limit": limit}
        if value <= limit:
            verdicts.append(Verdict(check=check, status="pass", evidence=evidence,
                                    message=f"{value:,.4g} {unit}, within the limit of {limit:,.4g}."))
        else:
            verdicts.append(Verdict(check=check, status="fail", evidence=evidence,
                                    message=f"{value:,.4g} {unit} exceeds the limit of {limit:,.4g}.",
                                    fix=f"Set param_budget to at most {limit / value * param_count:,.0f} parameters "
                                        f"(scales {unit} roughly in proportion) and run again."))
    return verdicts


def _budget_fix(spec: ImplementArchitectureSpec, loaded: LoadedModel, fit: Fit | None) -> str:
    if "from_run" in loaded.config:
        return "A saved run's model is fixed: build a new one from its family or code with param_budget set."
    if loaded.config["kind"] == "code" and spec.scale_arg is None:
        return "Name the factory's size argument in scale_arg (e.g. 'd_model') so the tool can fit it."
    if fit is not None and not fit.chosen:
        return "Leave width (or depth) out so the tool can fit it, or widen the tolerance."
    return ("The fitted knob moves in steps too coarse for this tolerance: widen the tolerance, lower "
            "scale_multiple, or leave another hyperparameter (depth, ff_ratio) free.")


def _check_metrics(verdicts: list[Verdict]) -> dict[str, float]:
    metrics: dict[str, float] = {f"checks_{s}": sum(v.status == s for v in verdicts) for s in ("pass", "warn", "fail")}
    evidence = {v.check: v.evidence for v in verdicts}
    for check, key, name in (("loss_at_init", "loss", "loss_at_init"),
                             ("loss_at_init", "expected_ln_c", "expected_loss_at_init"),
                             ("overfit_one_batch", "start_loss", "overfit_start_loss"),
                             ("overfit_one_batch", "final_loss", "overfit_final_loss"),
                             ("overfit_one_batch", "steps", "overfit_steps")):
        value = evidence.get(check, {}).get(key)
        if isinstance(value, (int, float)):
            metrics[name] = value
    return metrics


# --- reporting ----------------------------------------------------------------------------

def _summary(family: str, loaded: LoadedModel, param_count: int, sizes: dict[str, float], deviation: float | None,
             spec: ImplementArchitectureSpec, measured: Measured, verdicts: list[Verdict]) -> str:
    chosen = loaded.config.get("hyperparameters", {})
    shape = ", ".join(f"{k} {chosen[k]}" for k in ("depth", "width", "heads") if k in chosen)
    name = f"code model {Path(loaded.config['target']).name}" if family == "code" else family
    budget = f", {deviation:+.1%} from the {spec.param_budget:,} budget" if deviation is not None else ""
    failed = [v.check for v in verdicts if v.status == "fail"]
    warned = [v.check for v in verdicts if v.status == "warn"]
    outcome = (f"failed: {', '.join(failed)}" if failed else f"warnings: {', '.join(warned)}" if warned
               else "all passed")
    numbers = []
    if measured.flops:
        numbers.append(f"{_si(measured.flops.total)}FLOP per sample")
    if measured.memory:
        numbers.append(f"{_si(measured.memory.bytes)}B of activations at batch {spec.batch_size}")
    if measured.latency is not None:
        latency = measured.latency
        numbers.append(f"{latency.median_ms:.3g} ms at batch 1 (median of {latency.samples} calls on "
                       f"{latency.threads} thread{'s' if latency.threads > 1 else ''})")
    return (f"Built {name}{f' ({shape})' if shape else ''}: {param_count:,} parameters{budget}, "
            f"{sizes['fp32']:.3g} MB at fp32. Checks {outcome} ({len(verdicts)} run)."
            + (f" {', '.join(numbers)}." if numbers else ""))


def percent(share: float) -> str:
    """0.05 -> '5%', 0.001 -> '0.1%': three significant digits, never rounded to 0%."""
    return f"{share * 100:.3g}%"


def _si(value: float) -> str:
    """3 significant digits with an SI prefix: 12.3 M, 4.56 G."""
    for prefix, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= scale:
            return f"{value / scale:.3g} {prefix}"
    return f"{value:.3g} "


def _provenance(seed: int, prepared, started: float) -> Provenance:
    extra = {} if prepared is None else prepared.provenance_fields()
    seeds = {"seed": seed, **({} if prepared is None else prepared.seeds)}
    return Provenance(seeds=seeds, packages={"torch": torch.__version__}, device="cpu",
                      wall_time_s=round(time.perf_counter() - started, 3), **extra)
