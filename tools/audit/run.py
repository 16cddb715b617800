"""audit_data: load, version, split and check a dataset; report sizes, hashes, findings and a plot.

The test split is never opened: its size, hash and row fingerprints (for the overlap check) are
all the audit uses.
"""

from __future__ import annotations

import json
import time
from importlib import metadata

import numpy as np

from ml_expert.tools.audit.plot import balance_png
from ml_expert.tools.audit.scales import scale_verdict
from ml_expert.tools.audit.schema import (
    MAX_LISTED,
    AuditDataResult,
    AuditDataSpec,
    FeatureDrift,
    FeatureScore,
)
from ml_expert.tools.data.prepare import PreparedData, prepare_data
from ml_expert.tools.envelope import Provenance, Verdict
from ml_expert.tools.job import JobContext

N_FEATURES_REPORTED = 5
PACKAGES = ("numpy", "scipy", "scikit-learn", "pandas")


def audit_data(spec: AuditDataSpec, job: JobContext) -> AuditDataResult:
    started = time.perf_counter()
    job.progress(0, 2, "loading, splitting and auditing the data")
    prepared = prepare_data(spec.data, job)
    prepared.verdicts = [*prepared.verdicts, scale_verdict(
        prepared.splits.train.X, prepared.table.feature_names, shaped=prepared.table.input_shape is not None,
        categorical=set(prepared.table.categories))]
    job.progress(1, 2, "writing the report and plot")
    table, splits, audit = prepared.table, prepared.splits, prepared.audit
    drift_order = audit.drift.most_drifted(N_FEATURES_REPORTED)
    leak_order = np.argsort(-audit.leak_scores, kind="stable")[:N_FEATURES_REPORTED]
    result = AuditDataResult(
        summary=_summary(prepared),
        metrics=_metrics(prepared),
        verdicts=prepared.verdicts,
        dataset_version=table.version,
        task=table.task,
        n_rows=table.n_rows,
        n_features=table.n_features,
        input_shape=list(table.input_shape) if table.input_shape else None,
        feature_names=table.feature_names[:MAX_LISTED],
        class_names=table.class_names,
        split_sizes=splits.sizes,
        class_counts={split: _largest(counts) for split, counts in audit.class_counts.items()},
        duplicates_within=audit.duplicates.within,
        duplicates_across=audit.duplicates.across,
        duplicate_examples=audit.duplicates.examples,
        drifted_features=[_feature_drift(prepared, j) for j in drift_order],
        leak_candidates=[FeatureScore(feature=table.feature_names[j], score=round(float(audit.leak_scores[j]), 4))
                         for j in leak_order],
    )
    job.add_artifact("audit_report.json", "report", json.dumps(_full_report(prepared, result), indent=1))
    classification = table.task == "classification"
    title = f"{_dataset_name(prepared)} ({table.version}): " + (
        "class balance per split" if classification else "target distribution per split")
    plot_name = "class_balance.png" if classification else "target_distribution.png"
    job.add_artifact(plot_name, "plot", balance_png(
        audit.class_counts, {"train": splits.train.y, "val": splits.val.y}, title))
    result.artifacts = list(job.artifacts)
    result.provenance = Provenance(
        **prepared.provenance_fields(), seeds={"audit": job.seed, **prepared.seeds},
        packages={name: metadata.version(name) for name in PACKAGES}, device="cpu",
        wall_time_s=round(time.perf_counter() - started, 3))
    job.progress(2, 2, "done")
    return result


def _dataset_name(prepared: PreparedData) -> str:
    source = prepared.table.source
    return {"bundled": source.get("name"), "file": source.get("path")}.get(source.get("kind"), "synthetic data")


def _largest(counts: dict[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda item: -item[1])[:MAX_LISTED])


def _feature_drift(prepared: PreparedData, j: int) -> FeatureDrift:
    drift = prepared.audit.drift
    return FeatureDrift(feature=prepared.table.feature_names[j], ks=round(float(drift.ks[j]), 4),
                        ks_pvalue=float(f"{drift.ks_pvalue[j]:.3g}"), mean_shift_sd=round(float(drift.smd[j]), 4))


def _metrics(prepared: PreparedData) -> dict[str, float]:
    table, audit, sizes = prepared.table, prepared.audit, prepared.splits.sizes
    metrics = {"n_rows": table.n_rows, "n_features": table.n_features,
               **{f"{split}_rows": n for split, n in sizes.items()},
               **{k: v for k, v in audit.duplicates.across.items()},
               **{f"{k}_fraction": round(v, 4) for k, v in audit.duplicates.fractions.items()},
               "domain_auc": round(audit.drift.auc, 4), "drift_score": round(audit.drift.score, 4),
               "max_single_feature_score": round(float(audit.leak_scores.max()), 4),
               "audit_seconds": round(audit.seconds, 3)}
    if audit.class_counts:
        train = audit.class_counts["train"].values()
        metrics["n_classes"] = len(table.class_names)
        if min(train):  # a class without training rows has no finite ratio; the verdict says so
            metrics["imbalance_ratio"] = round(max(train) / min(train), 3)
    return {k: float(v) for k, v in metrics.items()}


def _summary(prepared: PreparedData) -> str:
    table, sizes = prepared.table, prepared.splits.sizes
    kind = f"{len(table.class_names)} classes" if table.class_names else "regression"
    first = (f"{_dataset_name(prepared)} has {table.n_rows} rows x {table.n_features} features ({kind}), version "
             f"{table.version}, split {sizes['train']}/{sizes['val']}/{sizes['test']} train/val/test with the test "
             "split sealed.")
    flagged = [v for v in prepared.verdicts if v.status != "pass"]
    if not flagged:
        return first + f" All {len(prepared.verdicts)} checks pass ({', '.join(v.check for v in prepared.verdicts)})."
    worst = sorted(flagged, key=lambda v: v.status != "fail")
    return (first + f" {len(flagged)} of {len(prepared.verdicts)} checks flag problems: "
            + "; ".join(f"{v.check} {v.status} ({_headline(v)})" for v in worst) + ".")


def _headline(verdict: Verdict) -> str:
    """The one number that says most about a flagged check."""
    e = verdict.evidence
    return {"split_overlap": lambda: f"{e['val_in_train']} val and {e['test_in_train_or_val']} test rows repeated",
            "class_imbalance": lambda: f"largest/smallest class {e['ratio']}x",
            "label_leak": lambda: f"{e['best_feature']!r} alone scores {e['best_score']}",
            "drift": lambda: f"domain AUC {e['domain_auc']}, most drifted {e['most_drifted']}",
            "feature_scale": lambda: f"std {e['widest_std']:g} of {e['widest_feature']!r} vs "
                                     f"{e['narrowest_std']:g} of {e['narrowest_feature']!r}",
            }.get(verdict.check, lambda: verdict.message)()


def _full_report(prepared: PreparedData, result: AuditDataResult) -> dict:
    """Everything the result holds, plus per-feature numbers for every feature and full class counts."""
    table, audit = prepared.table, prepared.audit
    return {
        "dataset_version": table.version, "source": table.source, "task": table.task,
        "n_rows": table.n_rows, "n_features": table.n_features, "feature_names": table.feature_names,
        "class_names": table.class_names, "split_sizes": prepared.splits.sizes,
        "split_hashes": prepared.splits.hashes, "seeds": prepared.seeds,
        "class_counts": audit.class_counts,
        "duplicates": {"within": audit.duplicates.within, "across": audit.duplicates.across,
                       "examples": audit.duplicates.examples},
        "drift": {"domain_auc": audit.drift.auc, "drift_score": audit.drift.score, "auc_z": audit.drift.z,
                  "per_feature": [{"feature": name, "ks": float(ks), "ks_pvalue": float(p), "mean_shift_sd": float(d)}
                                  for name, ks, p, d in zip(table.feature_names, audit.drift.ks,
                                                            audit.drift.ks_pvalue, audit.drift.smd, strict=True)]},
        "single_feature_scores": dict(zip(table.feature_names, map(float, audit.leak_scores), strict=True)),
        "verdicts": [v.model_dump(mode="json") for v in result.verdicts],
        "summary": result.summary,
    }
