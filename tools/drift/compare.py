"""A production batch against a drift reference: features, all features at once, predictions,
performance (when labels come with the batch), the verdicts and one recommendation.

Recommendation: ``retrain`` when the score measured on labelled rows fell (the interval's upper
end below the reference score), or when the inputs moved clearly (domain-classifier fail) and
the predictions moved with them; ``investigate`` when anything drifted without a measured loss;
``fine`` when nothing did.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ml_expert.tools.data.drift import FAIL_SCORE, MIN_Z, WARN_SCORE, DriftReport
from ml_expert.tools.drift.features import (
    ALPHA,
    LARGE_SAMPLE,
    FeatureDrift,
    categorical_test,
    compare_features,
    is_drift,
)
from ml_expert.tools.drift.reference import DriftReference
from ml_expert.tools.envelope import Verdict

N_NAMED = 5
Z_95 = 1.959964  # two-sided 95% normal quantile


@dataclass
class Findings:
    features: list[FeatureDrift]
    domain: DriftReport
    domain_interval: tuple[float, float]
    prediction: dict[str, float] | None
    performance: dict[str, float] | None
    verdicts: list[Verdict] = field(default_factory=list)
    recommendation: str = "fine"

    @property
    def drifted(self) -> list[FeatureDrift]:
        """Drifted features, largest distance first."""
        return sorted((f for f in self.features if f.drifted), key=lambda f: -f.distance)

    def most_drifted(self, k: int = N_NAMED) -> list[FeatureDrift]:
        """The k features that moved most (drifted ones first, then by corrected p-value)."""
        return sorted(self.features, key=lambda f: (not f.drifted, f.p_adjusted, -f.distance))[:k]


def auc_interval(auc: float, n1: int, n2: int, z: float = 1.96) -> tuple[float, float]:
    """95% interval of an AUC from the Hanley-McNeil standard error."""
    q1, q2 = auc / (2 - auc), 2 * auc ** 2 / (1 + auc)
    variance = (auc * (1 - auc) + (n1 - 1) * (q1 - auc ** 2) + (n2 - 1) * (q2 - auc ** 2)) / (n1 * n2)
    se = float(np.sqrt(max(variance, 0.0)))
    return max(auc - z * se, 0.0), min(auc + z * se, 1.0)


def check_batch(reference: DriftReference, batch: np.ndarray, *, predictions: np.ndarray | None = None,
                confidence: np.ndarray | None = None, performance: dict[str, float] | None = None,
                alpha: float = ALPHA, seed: int = 0) -> Findings:
    """Everything check_drift judges; ``performance`` is the batch's score with its interval."""
    features, domain = compare_features(reference, batch, alpha=alpha, seed=seed)
    findings = Findings(features=features, domain=domain,
                        domain_interval=auc_interval(domain.auc, domain.n_train, domain.n_val),
                        prediction=_prediction_drift(reference, predictions, confidence, alpha),
                        performance=performance)
    findings.verdicts = [_feature_verdict(findings, alpha), _domain_verdict(findings)]
    if findings.prediction is not None:
        findings.verdicts.append(_prediction_verdict(findings.prediction))
    if performance is not None:
        findings.verdicts.append(_performance_verdict(performance))
    findings.recommendation = _recommend(findings)
    return findings


def _prediction_drift(reference: DriftReference, predictions, confidence, alpha: float) -> dict[str, float] | None:
    """Classification: predicted-class shares (chi-squared, Jensen-Shannon) and top-class probability
    (KS); regression: predicted values (KS, Wasserstein). Two tests share alpha (Bonferroni)."""
    from scipy.stats import ks_2samp, wasserstein_distance

    if predictions is None or reference.predictions is None:
        return None
    large = min(len(reference.predictions), len(predictions)) > LARGE_SAMPLE
    if reference.task == "classification":
        n_classes = len(reference.stats["class_names"])
        classes = np.arange(n_classes)
        _, p_classes, js, psi = categorical_test(classes, np.bincount(reference.predictions, minlength=n_classes),
                                                 predictions)
        ks = ks_2samp(reference.confidence, confidence, method="asymp")
        spread = float(reference.confidence.std()) or 1.0
        confidence_distance = float(wasserstein_distance(reference.confidence, confidence) / spread)
        drifted = (is_drift(min(2 * p_classes, 1.0), js, large, alpha)
                   or is_drift(min(2 * float(ks.pvalue), 1.0), confidence_distance, large, alpha))
        return {"class_share_p": p_classes, "class_share_js": js, "class_share_psi": psi,
                "confidence_ks_p": float(ks.pvalue), "confidence_wasserstein_sd": confidence_distance,
                "reference_mean_confidence": float(reference.confidence.mean()),
                "batch_mean_confidence": float(np.mean(confidence)), "drifted": float(drifted)}
    ks = ks_2samp(reference.predictions, predictions, method="asymp")
    distance = float(wasserstein_distance(reference.predictions, predictions) / (reference.predictions.std() or 1.0))
    return {"prediction_ks": float(ks.statistic), "prediction_ks_p": float(ks.pvalue),
            "prediction_wasserstein_sd": distance, "reference_mean_prediction": float(reference.predictions.mean()),
            "batch_mean_prediction": float(np.mean(predictions)),
            "drifted": float(is_drift(float(ks.pvalue), distance, large, alpha))}


def _feature_verdict(findings: Findings, alpha: float) -> Verdict:
    drifted = findings.drifted
    evidence = {"features": len(findings.features), "drifted": len(drifted), "alpha": alpha,
                "correction": "benjamini-hochberg", "large_sample_rows": LARGE_SAMPLE,
                "most_drifted": ", ".join(f.name for f in findings.most_drifted())}
    if not drifted:
        return Verdict(check="feature_drift", status="pass", evidence=evidence,
                       message=f"No feature drifted (each tested at corrected p < {alpha}; "
                               f"smallest corrected p {min(f.p_adjusted for f in findings.features):.2g}).")
    named = ", ".join(f"{f.name} ({distance_text(f.kind, f.distance)}, p_adj {f.p_adjusted:.1e} by {f.method}, "
                      f"shift {f.mean_shift_sd:+.2f} sd)" for f in drifted[:N_NAMED])
    share = len(drifted) / len(findings.features)
    return Verdict(check="feature_drift", status="fail" if share >= 0.25 else "warn", evidence=evidence,
                   message=f"{len(drifted)} of {len(findings.features)} features drifted: {named}.",
                   fix=f"Find out why {drifted[0].name!r} moved (a new source, units, a pipeline change, a real "
                       "change in the population); if it is real, retrain on data that covers it.")


def distance_text(kind: str, distance: float) -> str:
    return f"Wasserstein {distance:.2f} sd" if kind == "numeric" else f"Jensen-Shannon {distance:.2f}"


def _domain_verdict(findings: Findings) -> Verdict:
    report, (low, high) = findings.domain, findings.domain_interval
    evidence = {"domain_auc": round(report.auc, 4), "auc_low": round(low, 4), "auc_high": round(high, 4),
                "drift_score": round(report.score, 4), "auc_z": round(report.z, 2),
                "detectable_auc": round(report.detectable_auc, 4), "reference_rows": report.n_train,
                "batch_rows": report.n_val}
    clear = report.z >= MIN_Z
    text = (f"a classifier tells batch rows from training rows with cross-validated AUC {report.auc:.2f} "
            f"(95% interval {low:.2f}-{high:.2f}, drift score {report.score:.2f})")
    if clear and report.score >= WARN_SCORE:
        return Verdict(check="multivariate_drift", status="fail" if report.score >= FAIL_SCORE else "warn",
                       evidence=evidence, message=f"The batch differs from the training data: {text}.",
                       fix="Compare the batch's collection (time, source, preprocessing) with the training "
                           "data's; retrain on recent data if the change is real.")
    return Verdict(check="multivariate_drift", status="pass", evidence=evidence,
                   message=f"No clear multivariate drift: {text}; only an AUC above {report.detectable_auc:.2f} "
                           "is told from chance here.")


def _prediction_verdict(prediction: dict[str, float]) -> Verdict:
    evidence = {k: round(v, 4) for k, v in prediction.items() if k != "drifted"}
    if "class_share_p" in prediction:
        text = (f"predicted-class shares p {prediction['class_share_p']:.2g} (JS {prediction['class_share_js']:.2f}), "
                f"mean confidence {prediction['batch_mean_confidence']:.2f} vs "
                f"{prediction['reference_mean_confidence']:.2f} on validation")
    else:
        text = (f"predictions KS p {prediction['prediction_ks_p']:.2g}, mean {prediction['batch_mean_prediction']:.3g} "
                f"vs {prediction['reference_mean_prediction']:.3g} on validation")
    if prediction["drifted"]:
        return Verdict(check="prediction_drift", status="warn", evidence=evidence,
                       message=f"The model's outputs moved: {text}.",
                       fix="Label a sample of this batch and score the model on it (check_drift with the target "
                           "column) before trusting its outputs.")
    return Verdict(check="prediction_drift", status="pass", evidence=evidence,
                   message=f"The model's outputs match validation: {text}.")


def _performance_verdict(performance: dict[str, float]) -> Verdict:
    """Worse only when the batch's score falls below validation's beyond both estimates' noise.

    The validation score is an estimate too (often on a hundred rows or fewer): its standard error
    is taken as the batch's scaled by sqrt(batch rows / validation rows), as for any per-row mean.
    """
    name, value = performance["metric"], performance["value"]
    reference, low, high = performance["reference"], performance["low"], performance["high"]
    from ml_expert.tools.train.metrics import higher_is_better

    batch_se = (high - low) / (2 * Z_95)
    reference_se = batch_se * math.sqrt(performance["rows"] / performance["reference_rows"])
    loss = (reference - value) if higher_is_better(name) else (value - reference)
    margin = Z_95 * math.hypot(batch_se, reference_se)
    worse = loss > margin
    evidence = {"metric": name, "batch": round(value, 4), "batch_low": round(low, 4), "batch_high": round(high, 4),
                "reference": round(reference, 4), "loss": round(loss, 4), "loss_margin_95": round(margin, 4),
                "labelled_rows": int(performance["rows"]), "reference_rows": int(performance["reference_rows"])}
    text = (f"{name} {value:.3f} (95% interval {low:.3f}-{high:.3f}) against {reference:.3f} on "
            f"{int(performance['reference_rows'])} validation rows")
    if worse:
        return Verdict(check="performance", status="fail", evidence=evidence,
                       message=f"The model scores worse on this batch: {text}; the loss {loss:.3f} exceeds "
                               f"the {margin:.3f} both estimates' noise allows.",
                       fix="Retrain with recent labelled data (train_model), then evaluate_model and export again.")
    return Verdict(check="performance", status="pass", evidence=evidence,
                   message=f"No loss beyond noise: {text} (a loss up to {margin:.3f} is within it).")


def _recommend(findings: Findings) -> str:
    status = {v.check: v.status for v in findings.verdicts}
    if status.get("performance") == "fail":
        return "retrain"
    if status["multivariate_drift"] == "fail" and status.get("prediction_drift") == "warn":
        return "retrain"
    return "investigate" if any(s != "pass" for s in status.values()) else "fine"
