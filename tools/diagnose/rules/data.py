"""Rules for the data: leaks, overlap, labels without signal, ordering, scaling, drift, hidden imbalance."""

from __future__ import annotations

import math
import statistics

from ml_expert.tools.diagnose.measures import (
    fmt,
    last_epoch_metrics,
    learning_poorly,
    little_progress,
    lr_symptoms,
)
from ml_expert.tools.diagnose.registry import rule
from ml_expert.tools.diagnose.rules.curves import GAP, R2_GAP
from ml_expert.tools.diagnose.schema import Diagnosis
from ml_expert.tools.diagnose.trace import InputStats, Trace

LEAK_LIFT = 0.5  # a leak lifts the model's metric at least half way from chance to 1
OVERLAP_SHARE = 0.05  # deepchecks fails above 5% of evaluation rows also in train
INPUT_SCALE = 10.0  # typical |x| beyond this: far outside [-1, 1]
FEATURE_SCALE_RATIO = 1000.0
REAL_FAKE_STEPS = 3  # sampled steps with a real-against-generated loss pair that make a GAN
SORTED_MAJORITY = 0.9
MIN_SORTED_BATCH = 8  # smaller shuffled batches often hold one class by chance
IMBALANCE_RATIO = 3.0
HIDDEN_GAP = 0.1  # accuracy minus balanced accuracy
ONE_SIDED_SPREAD = math.log(1.5)  # spread ratio a one-sided transform leaves at least
HUGE_TARGETS = 100.0  # regression targets' std or |mean| beyond this: far from unit scale
LARGE_TARGETS = 20.0  # ... or beyond this while the model learns poorly


def _where(trace: Trace, key: str, default: str) -> str:
    return trace.locations.get(key, default)


@rule("label_leak_feature", priority=20)
def label_leak_feature(trace: Trace) -> Diagnosis | None:
    """One input feature alone predicts the target almost perfectly, and the model's score shows it (a model
    stuck near chance is not inflated by a leak: something else is wrong)."""
    d = trace.data
    if not d.leak_suspect or d.leak_score is None or d.leak_score < 0.98:
        return None
    train_metric, val_metric = last_epoch_metrics(trace)
    metric = val_metric if val_metric is not None else train_metric
    if metric is not None and d.chance_score is not None and metric < d.chance_score + LEAK_LIFT * (1 - d.chance_score):
        return None
    return Diagnosis(
        label="label_leak_feature", confidence=0.9 if d.leak_score >= 0.999 else 0.7, severity="critical",
        message=f"Feature {d.leak_feature!r} alone predicts the target with score {d.leak_score:.3f}: it copies or "
                "encodes the label, so validation scores are inflated.",
        evidence={"feature": d.leak_feature, "single_feature_score": fmt(d.leak_score, 4)},
        where=d.leak_feature,
        fix=f"Drop {d.leak_feature!r} unless it is truly known before the target at prediction time; retrain and "
            "compare validation scores.",
        patch={"rows.drop_feature": d.leak_feature})


@rule("train_val_overlap", priority=21)
def train_val_overlap(trace: Trace) -> Diagnosis | None:
    share = trace.data.val_in_train_fraction
    if share is None or share < OVERLAP_SHARE:
        return None
    return Diagnosis(
        label="train_val_overlap", confidence=0.9 if share >= 0.2 else 0.7, severity="major",
        message=f"{share:.0%} of the validation rows were also used for training: the validation score measures "
                "memory, not generalisation.",
        evidence={"val_rows_in_train": fmt(share), "n_val": trace.data.n_val},
        where=_where(trace, "validation_forward", "data"),
        fix="Remove duplicates before splitting (hash the rows), split once, and never draw validation rows from "
            "the training array.",
        patch={"rows.dedupe_val": True})


@rule("labels_no_signal", priority=22)
def labels_no_signal(trace: Trace) -> Diagnosis | None:
    d = trace.data
    if d.signal_score is None or d.chance_score is None or not d.signal_rows:
        return None
    if trace.wiring.real_fake_steps >= REAL_FAKE_STEPS:
        return None  # a GAN's discriminator: real against generated rows, at chance when the generator is good
    _, val_metric = last_epoch_metrics(trace)
    if trace.task == "classification":
        margin = 2 * math.sqrt(max(d.chance_score * (1 - d.chance_score), 0.0) / d.signal_rows) + 0.02
        chance_level = d.signal_score <= d.chance_score + margin
        val_balanced = d.val_balanced_accuracy
        if val_balanced is not None:
            model_at_chance = val_balanced <= d.chance_score + max(margin, 0.1)
        else:  # validation scored without a loss: its plain accuracy against the share of the commonest class
            majority = _majority_share(d.class_counts) or d.chance_score
            model_at_chance = d.val_compared_accuracy is None or d.val_compared_accuracy <= majority + max(margin, 0.1)
    else:
        chance_level = d.signal_score < 0.05
        model_at_chance = val_metric is None or val_metric < 0.1
    memorises = d.overfit_batch_fraction is None or d.overfit_batch_fraction < 0.5
    if not (chance_level and model_at_chance):
        return None
    return Diagnosis(
        label="labels_no_signal", confidence=0.85 if memorises else 0.6, severity="critical",
        message=f"Nothing beats chance: simple models reach {_score_name(trace)} {d.signal_score:.3f} on the "
                f"training rows against a chance level of {d.chance_score:.3f}" + (", while the model can memorise a batch" if
                                                           d.overfit_batch_fraction is not None and memorises else "")
                + ": the labels carry no information about the inputs.",
        evidence={"simple_model_" + _score_name(trace).replace(" ", "_"): fmt(d.signal_score),
                  "chance": fmt(d.chance_score), "rows": d.signal_rows, "val_metric": fmt(val_metric),
                  "one_batch_final_loss_fraction": fmt(d.overfit_batch_fraction)},
        where=_where(trace, "data", "data"),
        fix="Check that inputs and labels are shuffled, filtered and joined together (one permutation for both); "
            "inspect a few rows with their labels by hand.")


def _majority_share(counts: dict[str, int] | None) -> float | None:
    """The commonest class's share of the training rows."""
    return max(counts.values()) / max(sum(counts.values()), 1) if counts else None


def _score_name(trace: Trace) -> str:
    return "balanced accuracy" if trace.task == "classification" else "r2"


@rule("unshuffled_sorted_data", priority=23)
def unshuffled_sorted_data(trace: Trace) -> Diagnosis | None:
    shares = [s.batch_majority_fraction for s in trace.samples if s.batch_majority_fraction is not None]
    counts = trace.data.class_counts
    batch = trace.wiring.loss_batch
    if len(shares) < 5 or (batch is not None and batch < MIN_SORTED_BATCH):
        return None
    # The median: in sorted data the few batches that straddle two classes' boundary are mixed.
    share = statistics.median(shares)
    overall = _majority_share(counts)
    if share < SORTED_MAJORITY or (overall is not None and overall > 0.7):
        return None
    return Diagnosis(
        label="unshuffled_sorted_data", confidence=0.9, severity="major",
        message=f"Batches hold one class at a time (the most common label fills {share:.0%} of the median "
                "batch): the data is sorted by label and not shuffled, so each stretch of steps pulls the model "
                "towards one class.",
        evidence={"median_batch_majority_share": fmt(share), "overall_majority_share": fmt(overall),
                  "batches_checked": len(shares)},
        where=_where(trace, "loss", "training.shuffle"),
        fix="Shuffle the training rows every epoch (DataLoader(shuffle=True), or a new permutation per epoch).",
        patch={"training.shuffle": True})


def _standardised(stats: InputStats) -> bool:
    """Features centred near 0 with spread near 1: what a StandardScaler leaves behind."""
    return (stats.median_abs_feature_mean is not None and stats.median_abs_feature_mean < 0.25
            and stats.median_feature_std is not None and 0.7 < stats.median_feature_std < 1.4)


@rule("preprocessing_mismatch", priority=24)
def preprocessing_mismatch(trace: Trace) -> Diagnosis | None:
    d = trace.data
    if d.val_shift_sd is None or d.val_std_log_ratio is None:
        return None
    # A transform applied to one side only moves the spread as well as the centre; a validation population
    # drawn elsewhere but put through the same transform keeps the spread (that is train_val_drift).
    one_standardised = (d.train_inputs is not None and d.val_inputs is not None
                        and _standardised(d.train_inputs) != _standardised(d.val_inputs) and d.val_shift_sd > 0.5
                        and d.val_std_log_ratio >= ONE_SIDED_SPREAD)
    # A large shift counts only with the spread moved too: the same shift at the same spread is another population.
    moved = d.val_shift_sd >= 3 and d.val_std_log_ratio >= ONE_SIDED_SPREAD
    if d.val_std_log_ratio < math.log(3) and not moved and not one_standardised:
        return None
    return Diagnosis(
        label="preprocessing_mismatch", confidence=0.8, severity="major",
        message=f"Validation inputs are on another scale than training inputs (median feature shift "
                f"{d.val_shift_sd:.2g} training SDs, spread ratio e^{d.val_std_log_ratio:.2g}): a transform fitted "
                "on training data was not applied to validation data, or differently.",
        evidence={"median_shift_sd": fmt(d.val_shift_sd), "median_abs_log_std_ratio": fmt(d.val_std_log_ratio),
                  "train_looks_standardised": _standardised(d.train_inputs) if d.train_inputs else None,
                  "val_looks_standardised": _standardised(d.val_inputs) if d.val_inputs else None},
        where=_where(trace, "validation_forward", "data"),
        fix="Fit the scaler (or any transform) on the training rows once and apply the same fitted transform to "
            "validation and test rows.")


@rule("unnormalized_inputs", priority=25)
def unnormalized_inputs(trace: Trace) -> Diagnosis | None:
    # What the first weight layer receives, when seen: a model may standardise its own input.
    stats = trace.data.first_layer_inputs or trace.data.train_inputs
    if stats is None or stats.p90_abs is None:
        return None
    large = stats.p90_abs > INPUT_SCALE
    uneven = (stats.max_feature_std_ratio or 0) > FEATURE_SCALE_RATIO
    if not (large or uneven):
        return None
    struggling = lr_symptoms(trace) or little_progress(trace)
    return Diagnosis(
        label="unnormalized_inputs", confidence=0.85 if struggling else 0.6, severity="major",
        message=f"Inputs reach the first layer unscaled (90th percentile |x| = {stats.p90_abs:.3g}, feature scales "
                f"differ up to {stats.max_feature_std_ratio or 1:.3g}x): large, uneven inputs make the loss "
                "landscape steep in some directions and flat in others.",
        evidence={"p90_abs_input": fmt(stats.p90_abs), "feature_std_ratio": fmt(stats.max_feature_std_ratio),
                  "median_feature_std": fmt(stats.median_feature_std), "rows": stats.rows},
        where=_where(trace, "forward", "training.normalize_inputs"),
        fix="Standardise every feature with the training rows' mean and std (StandardScaler fitted on train), and "
            "apply the same transform to validation data.",
        patch={"training.normalize_inputs": True})


@rule("train_val_drift", priority=26)
def train_val_drift(trace: Trace) -> Diagnosis | None:
    """Validation inputs differ from training inputs: the audit's domain classifier fails them, or their
    median feature shift is half a training std or more, and the shift costs: validation scores at least the
    overfitting gap (GAP, R2_GAP) below training, when both are known (validation scored by comparing predictions
    with labels, without a loss, counts: ``DataFacts.val_compared_accuracy``, ``val_compared_r2``). Training rows
    augmented each time they are drawn (``DataFacts.train_rows_fresh``) differ from clean validation rows by
    design; a later window of a series (a forecaster's split by time) differs too, and a model that carries over
    to it is healthy."""
    d = trace.data
    if d.train_rows_fresh:
        return None
    if d.drift_status == "fail":
        confidence = 0.8
    elif d.val_shift_sd is not None and d.val_shift_sd >= 0.5:
        confidence = 0.6
    else:
        return None
    train_metric, val_metric = last_epoch_metrics(trace)
    if val_metric is None:  # validation scored without a loss: (predictions == labels), a scikit-learn metric
        val_metric = d.val_compared_r2 if trace.metric_name == "r2" else d.val_compared_accuracy
    if train_metric is not None and val_metric is not None and math.isfinite(train_metric - val_metric) \
            and train_metric - val_metric < (R2_GAP if trace.metric_name == "r2" else GAP):
        return None
    return Diagnosis(
        label="train_val_drift", confidence=confidence, severity="major",
        message="Validation inputs come from a different distribution than training inputs"
                + (f" (a classifier tells them apart with AUC {d.drift_auc:.2f})" if d.drift_auc else "")
                + ": validation scores will not carry over, and the gap is not overfitting.",
        evidence={"domain_auc": fmt(d.drift_auc), "median_shift_sd": fmt(d.val_shift_sd),
                  "train_metric": fmt(train_metric), "val_metric": fmt(val_metric)},
        where=_where(trace, "data", "data"),
        fix="Split at random from one pool (or by time on purpose, and then adapt): re-weight training rows by a "
            "domain classifier's odds, or collect training data like the validation data.")


@rule("class_imbalance_hidden", priority=27)
def class_imbalance_hidden(trace: Trace) -> Diagnosis | None:
    """Classes are imbalanced and accuracy sits well above balanced accuracy: on the validation predictions,
    or, when the script never scores validation through a loss, on its latest training batches."""
    d = trace.data
    rows, accuracy, balanced = "validation", d.val_accuracy, d.val_balanced_accuracy
    if accuracy is None:
        rows, accuracy, balanced = "latest training batches", d.train_accuracy, d.train_balanced_accuracy
    if not d.class_counts or accuracy is None or balanced is None:
        return None
    counts = [c for c in d.class_counts.values()]
    ratio = max(counts) / max(min(counts), 1)
    gap = accuracy - balanced
    if ratio < IMBALANCE_RATIO or gap < HIDDEN_GAP:
        return None
    return Diagnosis(
        label="class_imbalance_hidden", confidence=0.8, severity="major",
        message=f"Accuracy {accuracy:.3f} ({rows}) hides poor minority-class performance: balanced accuracy is "
                f"{balanced:.3f}, with the largest class {ratio:.1f}x the smallest.",
        evidence={"imbalance_ratio": fmt(ratio), "rows": rows, "accuracy": fmt(accuracy),
                  "balanced_accuracy": fmt(balanced)},
        where=_where(trace, "loss", "training.class_weights"),
        fix="Weight the loss by inverse class frequency (or oversample small classes) and judge models by balanced "
            "accuracy or macro F1.",
        patch={"training.class_weights": "balanced"})


@rule("unscaled_regression_target", priority=19)
def unscaled_regression_target(trace: Trace) -> Diagnosis | None:
    """Regression targets on a raw scale (std or |mean| of 100+, or 20+ while learning poorly): the loss and
    its gradients are that scale squared."""
    w = trace.wiring
    if trace.task != "regression" or w.target_std is None:
        return None
    scale = max(w.target_std, w.target_abs_mean or 0.0)
    poor = learning_poorly(trace)
    if scale < HUGE_TARGETS and not (scale >= LARGE_TARGETS and poor):
        return None
    return Diagnosis(
        label="unscaled_regression_target", confidence=0.85 if poor else 0.7, severity="major",
        message=f"The regression targets are on a raw scale (std {w.target_std:.3g}, |mean| "
                f"{w.target_abs_mean or 0:.3g}): the {w.loss_kind or ''} loss and its gradients are that scale squared, "
                "so no single learning rate suits both the output layer and the rest.",
        evidence={"target_std": fmt(w.target_std), "target_abs_mean": fmt(w.target_abs_mean),
                  "loss_kind": w.loss_kind},
        where=_where(trace, "loss", "data"),
        fix="Standardise the targets with the training mean and std (y - mean) / std, train on that, and invert "
            "the transform for predictions and reported errors.")
