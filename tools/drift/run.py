"""check_drift: a production batch against the training data of a model, with one recommendation."""

from __future__ import annotations

import json
import time

import numpy as np

from ml_expert.tools.drift.batch import load_batch
from ml_expert.tools.drift.compare import N_NAMED, Findings, check_batch
from ml_expert.tools.drift.plots import drift_png
from ml_expert.tools.drift.reference import DriftReference, summarise_outputs
from ml_expert.tools.drift.schema import CheckDriftResult, CheckDriftSpec, FeatureDriftRow
from ml_expert.tools.drift.source import monitored
from ml_expert.tools.envelope import Provenance
from ml_expert.tools.job import JobContext
from ml_expert.tools.stats.bootstrap import bootstrap_ci

N_PLOTTED = 3
BOOTSTRAP_RESAMPLES = 1000


def check_drift(spec: CheckDriftSpec, job: JobContext) -> CheckDriftResult:
    started = time.perf_counter()
    job.progress(0, 3, "loading the reference and the batch")
    source = monitored(spec, job)
    reference = source.reference
    batch = load_batch(spec.batch, spec.target, reference.input_names, reference.task,
                       reference.stats["class_names"], job.roots, categorical=reference.categorical_inputs,
                       allow_missing="inputs" in reference.stats)
    job.progress(1, 3, f"running the model on {len(batch.X)} rows")
    outputs = source.predict(batch.X) if source.predict is not None else None
    predictions, confidence = summarise_outputs(reference.task, outputs) if outputs is not None else (None, None)
    performance = None
    if batch.labels is not None and outputs is not None and reference.stats.get("performance"):
        performance = _performance(reference, batch.labels, outputs, job.seed)
    job.progress(2, 3, "testing features, all features at once, predictions")
    viewed = reference.view(batch.X)
    findings = check_batch(reference, viewed, predictions=predictions, confidence=confidence,
                           performance=performance, alpha=spec.alpha, seed=job.seed)
    shown = findings.most_drifted(N_PLOTTED)
    job.add_artifact("drift_features.png", "plot", drift_png(reference.rows, viewed, reference.feature_names, shown))
    job.add_artifact("drift_report.json", "report", json.dumps(_report(findings, source.described_as, batch.name),
                                                               indent=1))
    result = CheckDriftResult(
        summary=_summary(findings, source.described_as, batch.name, len(batch.X)),
        metrics=_metrics(findings, len(batch.X)), verdicts=findings.verdicts,
        recommendation=findings.recommendation, drifted_features=[f.name for f in findings.drifted],
        most_drifted=[_row(f) for f in findings.most_drifted(N_NAMED)], artifacts=list(job.artifacts),
        provenance=Provenance(seeds={"check_drift": job.seed}, dataset_version=reference.stats["dataset_version"],
                              split_hashes=reference.stats["split_hashes"],
                              wall_time_s=round(time.perf_counter() - started, 3)))
    job.progress(3, 3, f"done: {findings.recommendation}")
    return result


def _performance(reference: DriftReference, labels: np.ndarray, outputs: np.ndarray, seed: int) -> dict[str, float]:
    """The reference's metric on the labelled batch, with a bootstrap interval over rows."""
    from ml_expert.tools.train.metrics import task_metrics

    task, metric = reference.task, reference.stats["performance"]["metric"]
    predictions = outputs.argmax(axis=1) if task == "classification" else outputs.reshape(labels.shape)

    def score(rows: np.ndarray) -> float:
        rows = rows.astype(np.int64)
        return task_metrics(task, labels[rows], predictions[rows], outputs[rows])[metric]

    interval = bootstrap_ci(np.arange(len(labels)), score, n_resamples=BOOTSTRAP_RESAMPLES, seed=seed)
    return {"metric": metric, "value": interval.estimate, "low": interval.low, "high": interval.high,
            "reference": reference.stats["performance"]["value"], "rows": len(labels),
            "reference_rows": reference.stats["performance"]["rows"]}


def _row(feature) -> FeatureDriftRow:
    return FeatureDriftRow(feature=feature.name, kind=feature.kind, method=feature.method,
                           distance=round(feature.distance, 4), p_adjusted=float(f"{feature.p_adjusted:.3g}"),
                           psi=round(feature.psi, 4), mean_shift_sd=round(feature.mean_shift_sd, 4),
                           drifted=feature.drifted)


def _metrics(findings: Findings, rows: int) -> dict[str, float]:
    low, high = findings.domain_interval
    metrics = {"batch_rows": rows, "features": len(findings.features), "drifted_features": len(findings.drifted),
               "domain_auc": round(findings.domain.auc, 4), "domain_auc_low": round(low, 4),
               "domain_auc_high": round(high, 4), "drift_score": round(findings.domain.score, 4),
               "max_psi": round(max(f.psi for f in findings.features), 4)}
    if findings.prediction is not None:
        metrics["prediction_drifted"] = findings.prediction["drifted"]
    if findings.performance is not None:
        metrics[f"batch_{findings.performance['metric']}"] = round(findings.performance["value"], 4)
        metrics[f"reference_{findings.performance['metric']}"] = round(findings.performance["reference"], 4)
    return {k: float(v) for k, v in metrics.items()}


def _summary(findings: Findings, against: str, batch: str, rows: int) -> str:
    drifted = findings.drifted
    first = (f"Recommendation: {findings.recommendation} — {batch} ({rows} rows) against {against}: "
             f"{len(drifted)} of {len(findings.features)} features drifted"
             + (f" (most: {', '.join(f.name for f in drifted[:3])})" if drifted else "")
             + f", domain-classifier AUC {findings.domain.auc:.2f}.")
    flagged = [v for v in findings.verdicts if v.status != "pass"]
    if not flagged:
        return first + " Every check passes."
    action = {"retrain": "train_model on recent labelled data, then evaluate_model and export_model",
              "investigate": "find why the named features moved; label a sample and check again with target"}
    return (first + " Flagged: " + "; ".join(f"{v.check} {v.status}" for v in flagged)
            + f". Next: {action[findings.recommendation]}.")


def _report(findings: Findings, against: str, batch: str) -> dict:
    return {"batch": batch, "against": against, "recommendation": findings.recommendation,
            "features": [vars(f) for f in findings.features],
            "domain": {"auc": findings.domain.auc, "interval": list(findings.domain_interval),
                       "drift_score": findings.domain.score, "z": findings.domain.z,
                       "detectable_auc": findings.domain.detectable_auc},
            "prediction": findings.prediction, "performance": findings.performance,
            "verdicts": [v.model_dump(mode="json") for v in findings.verdicts]}
