"""ablate_experiment: train the base and each ablation over the same seeds on the same splits,
compare each with the base by a paired t-test over seeds, and rank the components by effect.

Every variant trains through the shared trainer on rows prepared once (a removed feature group
drops columns, never rows), so seed i of an ablation pairs with seed i of the base. ablation.json
keeps every seed's score and learning curve; the test split stays sealed. Each variant's first
seed is saved as a run of its own (``<run id>-<variant>``, as train_model saves one), so
evaluate_model, profile_inference and export_model accept it.
"""

from __future__ import annotations

import json
import time
from importlib import metadata

import numpy as np

from ml_expert.tools.ablate import plots
from ml_expert.tools.ablate.schema import AblateExperimentResult, AblateExperimentSpec, AblationRow
from ml_expert.tools.ablate.variants import Variant, variants
from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.envelope import Provenance, Verdict
from ml_expert.tools.job import JobContext
from ml_expert.tools.stats import paired_test
from ml_expert.tools.train.loop import fit
from ml_expert.tools.train.metrics import headline_metric
from ml_expert.tools.tune.objective import imbalanced, quiet_job

PACKAGES = ("torch", "numpy", "scikit-learn", "scipy")
ABLATION_FILE = "ablation.json"
POINT_METRICS = ("accuracy", "balanced_accuracy")  # differences read as percentage points
WIDE_INTERVAL = 0.05  # half-width beyond which "within noise" could hide a real effect


def ablate_experiment(spec: AblateExperimentSpec, job: JobContext) -> AblateExperimentResult:
    started = time.perf_counter()
    job.progress(0, message="loading the data")
    prepared = prepare_data(spec.base.data, job, field="base.data")
    found = variants(spec.base, spec.ablations, prepared)
    metric = headline_metric(prepared.table.task, imbalanced(prepared))
    seeds = [spec.seed + i for i in range(spec.seeds)]
    quiet, total = quiet_job(job), len(found) * len(seeds)
    runs: dict[str, list[dict]] = {}
    saved: dict[str, str] = {}
    for v, variant in enumerate(found):
        runs[variant.name] = []
        for s, seed in enumerate(seeds):
            job.progress(v * len(seeds) + s, total, f"{variant.name}, seed {seed}")
            fitted = fit(variant.experiment, quiet, prepared=variant.prepared, seed=seed, field=variant.field,
                         epoch_train_metric=False)
            runs[variant.name].append(_record(fitted, seed, metric))
            if s == 0:
                saved[variant.name] = _save_run(fitted, variant, job, seed, metric,
                                                 recorded=variant.prepared is prepared)
    base_scores = [r["score"] for r in runs["base"]]
    rows = sorted((_row(name, base_scores, [r["score"] for r in runs[name]], spec.confidence)
                   for name in runs if name != "base"), key=lambda row: row.diff)

    result = AblateExperimentResult(metric=metric, seeds=seeds, base_mean=round(float(np.mean(base_scores)), 6),
                                    ablations=rows, runs=saved)
    result.metrics = {f"base_{metric}": result.base_mean, **{f"{r.name}_diff": r.diff for r in rows}}
    result.verdicts = [*prepared.verdicts, _same_splits(found, prepared.splits.hashes),
                       _power(rows, metric, len(seeds))]
    job.add_artifact(ABLATION_FILE, "report", json.dumps(
        {"metric": metric, "seeds": seeds, "confidence": spec.confidence, "ranked": [r.model_dump() for r in rows],
         "variants": {v.name: {"experiment": v.experiment.model_dump(mode="json", exclude_none=True),
                               "features": len(v.prepared.table.feature_names), "runs": runs[v.name],
                               "run_id": saved[v.name]}
                      for v in found}}, indent=1))
    job.add_artifact("ablation.png", "plot", plots.effects_png(rows, metric, spec.confidence))
    result.summary = _summary(rows, metric, result.base_mean, len(seeds))
    result.artifacts = list(job.artifacts)
    result.provenance = Provenance(
        **prepared.provenance_fields(), seeds={"first_train": seeds[0], **prepared.seeds},
        packages={name: metadata.version(name) for name in PACKAGES},
        wall_time_s=round(time.perf_counter() - started, 3))
    job.progress(total, total, "done")
    return result


def _record(fitted, seed: int, metric: str) -> dict:
    return {"seed": seed, "score": float(fitted.val_metrics[metric]), "steps": fitted.steps,
            "stopped": fitted.stopped_reason, "val_metric_per_epoch": [row["val_metric"] for row in fitted.history]}


def _save_run(fitted, variant: Variant, job: JobContext, seed: int, metric: str, *, recorded: bool) -> str:
    """The variant's model as a run of its own; its experiment.json (what evaluate_model's cv_folds
    and build_ensemble retrain from) only when the experiment alone reproduces it: a removed
    feature group is not part of the experiment, so that run records none."""
    from ml_expert.tools.models.load import save_model
    from ml_expert.tools.train.run import EXPERIMENT_FILE, MODEL_CHECKPOINT

    run = JobContext(job_id=job.job_id, run_id=f"{job.run_id}-{variant.name}", tool=f"{job.tool}.variant",
                     workspace=job.workspace, roots=job.roots, seed=seed, tracking="none", records=job.records,
                     emit=lambda event: None)
    save_model(fitted.loaded, run, checkpoint=MODEL_CHECKPOINT)
    if recorded:
        run.add_artifact(EXPERIMENT_FILE, "config", json.dumps(
            {"experiment": variant.experiment.model_dump(mode="json", exclude_none=True), "seed": seed,
             "metric": metric, "ablation_of": job.run_id, "variant": variant.name}, indent=1))
    return run.run_id


def _row(name: str, base: list[float], scores: list[float], confidence: float) -> AblationRow:
    test = paired_test(base, scores, confidence=confidence)
    verdict = "within_noise"
    if test.significant():
        verdict = "needed" if test.mean_diff < 0 else "harmful"
    return AblationRow(name=name, mean=round(float(np.mean(scores)), 6), diff=round(test.mean_diff, 6),
                       ci_low=round(test.ci_low, 6), ci_high=round(test.ci_high, 6),
                       p_value=round(test.p_value, 6), verdict=verdict)


def _same_splits(found: list[Variant], hashes: dict[str, str]) -> Verdict:
    rows = {v.name: len(v.prepared.splits.train) for v in found}
    return Verdict(check="same_splits", status="pass",
                   message=f"All {len(found)} variants trained on the same {rows['base']} training rows and were "
                           "scored on the same validation rows; the test split stayed sealed.",
                   evidence={"train_split_hash": hashes["train"], "val_split_hash": hashes["val"]})


def _power(rows: list[AblationRow], metric: str, n_seeds: int) -> Verdict:
    """A "within noise" is only worth saying when the interval could have shown an effect."""
    wide = [r for r in rows if r.verdict == "within_noise" and (r.ci_high - r.ci_low) / 2 > WIDE_INTERVAL]
    evidence = {"seeds": n_seeds, "widest_half_width": round(max((r.ci_high - r.ci_low) / 2 for r in rows), 6)}
    if not wide:
        return Verdict(check="ablation_power", status="pass", evidence=evidence,
                       message=f"Every 'within noise' interval is narrower than ±{_number(metric, WIDE_INTERVAL)}"
                               f"{' points' if metric in POINT_METRICS else ''}, so a larger effect would have shown.")
    names = ", ".join(r.name for r in wide)
    return Verdict(check="ablation_power", status="warn", evidence=evidence,
                   message=f"{names}: within noise, but the interval is wider than ±{_number(metric, WIDE_INTERVAL)}"
                           f"{' points' if metric in POINT_METRICS else ''}; a real effect could hide in it.",
                   fix=f"Add seeds (now {n_seeds}) or train the base longer so its scores vary less before "
                       "calling these components unnecessary.")


def _number(metric: str, value: float) -> str:
    return f"{value * 100:.1f}" if metric in POINT_METRICS else f"{value:.4f}"


def _phrase(row: AblationRow, metric: str) -> str:
    """"removing X costs 4.1 points [2.8, 5.3]", "removing X gains ...", or "X is within noise"."""
    unit = " points" if metric in POINT_METRICS else f" {metric}"
    if row.verdict == "needed":
        return (f"removing {row.name} costs {_number(metric, -row.diff)}{unit} "
                f"[{_number(metric, -row.ci_high)}, {_number(metric, -row.ci_low)}]")
    if row.verdict == "harmful":
        return (f"removing {row.name} gains {_number(metric, row.diff)}{unit} "
                f"[{_number(metric, row.ci_low)}, {_number(metric, row.ci_high)}]")
    return f"{row.name} is within noise ({_number(metric, row.diff)}{unit}, p={row.p_value:.2g})"


def _summary(rows: list[AblationRow], metric: str, base_mean: float, n_seeds: int) -> str:
    listed = "; ".join(_phrase(row, metric) for row in rows)
    return (f"Base validation {metric} {base_mean:.4f} over {n_seeds} seeds; {listed}. "
            "Ranked in the ablations list (paired t-test over seeds); every seed's score is in ablation.json, "
            "each variant's first seed saved as the run in runs.")
