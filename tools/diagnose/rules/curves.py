"""Rules that read only the curves: overfitting, underfitting, plateau, oscillation."""

from __future__ import annotations

import math

import numpy as np

from ml_expert.tools.diagnose.measures import (
    SWING,
    UNDER_FLOOR,
    finite_losses,
    fmt,
    last_epoch_metrics,
    late_train_metric,
    learning_poorly,
    loss_progress,
    metric_standard_error,
    metric_swings,
    overshoots,
    peak_update_ratio,
    short_of_simple_models,
)
from ml_expert.tools.diagnose.registry import rule
from ml_expert.tools.diagnose.schema import Diagnosis
from ml_expert.tools.diagnose.trace import Trace

GAP = 0.05  # the design's guardrail: a train/validation gap over 5 points
R2_GAP = 0.1
VAL_LOSS_RISE = 1.25  # validation loss this many times its best, late in the run, counts as rising ...
RISE_OF_DESCENT = 0.1  # ... and it climbs back this share of its fall from the first epoch
MIN_EPOCHS_FOR_SHAPE = 8
PLATEAU_GAIN = 0.01
STILL_FALLING = 0.8  # the last fifth's median loss below 0.8x the fifth before it: far from converged
MIN_LOSSES_FOR_TREND = 20
FEW_PASSES = 3  # ... or, in a run that saw its training rows at most 3 times, ...
STEADY_DROP = 0.05  # ... a straight line over the last half falls 5%+ of its level ...
STEADY_T = 4.0  # ... with a slope this many standard errors below 0: still going down, not batch noise


def _series(trace: Trace, name: str) -> np.ndarray:
    values = [getattr(r, name) for r in trace.epochs]
    return np.asarray([v for v in values if v is not None], dtype=float)


@rule("oscillation", priority=50)
def oscillation(trace: Trace) -> Diagnosis | None:
    """The metric swings up and down by 3+ points in 20%+ of epochs (``measures.metric_swings``), or the loss of
    a run that learns is thrown back past its start by large steps again and again (``measures.overshoots``)."""
    found, thrown = metric_swings(trace), overshoots(trace)
    if found is None and thrown is None:
        return None
    if found is not None:
        series_name, swings, share, series = found
        what = f"The {series_name.replace('_', ' ')} swings up and down by {SWING:.0%} or more in {share:.0%} of epochs"
        evidence = {"series": series_name, "swing_epochs": swings, "epochs": len(series),
                    "largest_swing": fmt(float(np.abs(np.diff(series)).max()))}
    else:
        what = (f"The model learns, yet its loss jumps back above where it started {thrown} times, with steps that "
                f"change the weights by up to {peak_update_ratio(trace):.2g} of their norm")
        evidence = {"loss_spikes": thrown, "update_weight_ratio": fmt(peak_update_ratio(trace)),
                    "loss_progress": fmt(loss_progress(trace))}
    return Diagnosis(
        label="oscillation", confidence=0.7, severity="minor",
        message=f"{what} instead of settling: steps overshoot the minimum.",
        evidence=evidence,
        where=trace.locations.get("optimizer", "training.lr"),
        fix="Lower the learning rate 2-3x and decay it (cosine schedule), or raise the batch size.",
        patch={"training.lr": trace.lr / 3 if trace.lr else None, "training.schedule": "cosine"})


@rule("overfitting", priority=51)
def overfitting(trace: Trace) -> Diagnosis | None:
    """The last epoch's train metric beats validation by over GAP (R2_GAP) plus twice the validation metric's
    standard error, or late validation loss sits VAL_LOSS_RISE x above its best while training loss still falls
    (unless the script loads its best weights back: ``trace.restored``)."""
    train_metric, val_metric = last_epoch_metrics(trace)
    val_loss, train_loss = _series(trace, "val_loss"), _series(trace, "train_loss")
    evidence: dict = {"train_metric": fmt(train_metric), "val_metric": fmt(val_metric)}
    gap_found = False
    if train_metric is not None and val_metric is not None and math.isfinite(train_metric - val_metric):
        gap = train_metric - val_metric
        # Over the limit and clearly so: a small validation set moves by several points on its own.
        limit = (R2_GAP if trace.metric_name == "r2" else GAP) + 2 * metric_standard_error(trace, val_metric)
        evidence.update(gap=fmt(gap), gap_limit=fmt(limit))
        gap_found = gap > limit
    rising = False
    if len(val_loss) >= 5 and len(val_loss) == len(train_loss) and np.isfinite(val_loss).all():
        best = int(np.argmin(val_loss))
        # A rise that matters: VAL_LOSS_RISE x the best, and a tenth or more of the way back to where it started
        # (near zero, a tiny wobble of a converged run is a big ratio).
        rebound = val_loss[-1] - val_loss[best] >= RISE_OF_DESCENT * (val_loss[0] - val_loss[best])
        rising = (best <= 0.7 * (len(val_loss) - 1) and val_loss[-1] > VAL_LOSS_RISE * val_loss[best]
                  and rebound and train_loss[-1] < train_loss[best])
        evidence.update(best_val_loss_epoch=best + 1, val_loss_rise=fmt(val_loss[-1] / max(val_loss[best], 1e-12)))
        restored = trace.restored.val_loss if trace.restored else None
        if rising and restored is not None and restored <= VAL_LOSS_RISE * val_loss[best]:
            # Early stopping that loads its best weights back delivers the model from before the rise.
            rising = False
            evidence["restored_val_loss"] = fmt(restored)
    if not (gap_found or rising):
        return None
    best_epoch = evidence.get("best_val_loss_epoch")
    return Diagnosis(
        label="overfitting", confidence=0.85 if gap_found and rising else 0.7, severity="major",
        message=("The model fits training rows much better than validation rows"
                 + (f" (gap {evidence['gap']:.3g})" if gap_found else "")
                 + (" and validation loss rises while training loss falls" if rising else "") + "."),
        evidence=evidence,
        where=trace.locations.get("model", "model"),
        fix="Regularise: weight decay (e.g. 0.01-0.05 with AdamW), dropout, data augmentation or more data; stop at "
            f"the best validation epoch{f' (epoch {best_epoch})' if best_epoch else ''}.",
        patch={"training.weight_decay": 0.05, "surgery.dropout": 0.3,
               **({"training.epochs": int(best_epoch)} if best_epoch and rising else {})})


@rule("underfitting", priority=48)
def underfitting(trace: Trace) -> Diagnosis | None:
    """Training (and validation, when there is one) metric stays well below what simple models reach on the
    same rows, with no train/validation gap as large as that shortfall."""
    _, val_metric = last_epoch_metrics(trace)
    floor, train_metric = trace.data.simple_model_score, late_train_metric(trace)
    if not short_of_simple_models(trace) or trace.config.get("constant_init_layers"):
        return None  # identical units from a constant init: plateau names the cause
    counts = list((trace.data.class_counts or {}).values())
    if trace.metric_name == "accuracy" and counts and floor < max(counts) / sum(counts) + UNDER_FLOOR:
        return None  # simple models only predict the majority class: class weights trade that accuracy for recall
    # A train/validation gap points at overfitting only while it is larger than how far training falls short.
    if val_metric is not None and train_metric - val_metric > max(GAP, floor - train_metric):
        return None
    shown = f"validation {val_metric:.3f}" if val_metric is not None else "no validation pass"
    return Diagnosis(
        label="underfitting", confidence=0.75, severity="major",
        message=f"The model underfits: training {trace.metric_name} {train_metric:.3f} ({shown}), while a simple "
                f"model reaches {floor:.3f} on the same rows.",
        evidence={"train_metric": fmt(train_metric), "val_metric": fmt(val_metric), "simple_model_score": fmt(floor)},
        where=trace.locations.get("model_forward") or trace.locations.get("model", "model"),
        fix="Give the model more capacity (width/depth) or train longer, and drop regularisation that is too strong.",
        patch={"surgery.wider": 4})


def _short_of_floor(trace: Trace) -> bool:
    """The model stays short of what simple models reach on the same rows. In a run the probes watched, a loss
    that flattens high without that is a run that converged on a noisy task, not a plateau; logged curves
    alone carry no reference, so there the shape has to speak for itself."""
    if trace.source == "history":
        return True
    train_metric, val_metric = last_epoch_metrics(trace)
    metric = train_metric if train_metric is not None else val_metric  # the training loss is what plateaus
    floor = trace.data.simple_model_score
    return floor is not None and metric is not None and metric < floor - UNDER_FLOOR


@rule("plateau", priority=53)
def plateau(trace: Trace) -> Diagnosis | None:
    """The loss fell, then stopped improving at a high level short of what simple models reach; or it crawls because a constant init made every
    unit of a layer identical (they get identical gradients and stay identical)."""
    symmetric = trace.config.get("constant_init_layers")
    if isinstance(symmetric, str) and symmetric and learning_poorly(trace):
        first = symmetric.split(",")[0]
        return Diagnosis(
            label="plateau", confidence=0.85, severity="major",
            message=f"Every weight in {symmetric.replace(',', ', ')} starts at the same value: the units of each such "
                    "layer get identical gradients and stay identical, so the model learns like a one-unit network "
                    "and the loss stays on a plateau.",
            evidence={"constant_init_layers": symmetric, "loss_progress": fmt(loss_progress(trace))},
            where=trace.locations.get("model_forward") or first,
            fix=f"Initialise {first!r} (and the other layers named) randomly: drop nn.init.constant_ on weights (keep "
                "it for biases only) and use the layer's default reset_parameters() or Kaiming/Xavier init.")
    losses = finite_losses(trace)
    if len(losses) < 20:
        losses = _series(trace, "train_loss")
    if len(losses) < MIN_EPOCHS_FOR_SHAPE or not np.isfinite(losses).all():
        return None
    half = len(losses) // 2
    quarter = max(2, half // 4)
    start, mid, end = np.median(losses[:quarter]), np.median(losses[half:half + quarter]), np.median(losses[-quarter:])
    fell_first = mid < 0.9 * start
    flat_after = (mid - end) < PLATEAU_GAIN * mid
    chance = trace.chance_loss
    high = end > 0.3 * start if chance is None else end > 0.3 * chance
    if not (fell_first and flat_after and high and _short_of_floor(trace)):
        return None
    return Diagnosis(
        label="plateau", confidence=0.65, severity="minor",
        message=f"The loss stopped improving halfway: {mid:.3g} at mid-run and {end:.3g} at the end (from {start:.3g}), "
                "still high.",
        evidence={"start_loss": fmt(start), "mid_loss": fmt(mid), "end_loss": fmt(end)},
        where=trace.locations.get("optimizer", "training.schedule"),
        fix="Use a decaying schedule with warmup (cosine or one-cycle), or reduce the learning rate on plateau; "
            "if the plateau is at a high loss from the start, check the learning rate and the model's capacity.",
        patch={"training.schedule": "onecycle"})


def _passes(trace: Trace, steps: int) -> float | None:
    """How many times the run went over its training rows (steps over the batches an epoch takes, counting a
    last partial batch), when both are known: rows augmented afresh at every draw never repeat, so their count
    is not the data's size."""
    batch, rows = trace.wiring.loss_batch, trace.data.n_train
    return steps / math.ceil(rows / batch) if batch and rows and not trace.data.train_rows_fresh else None


def _late_trend(losses: np.ndarray) -> tuple[float, float]:
    """(drop, t) of a straight line fitted to the last half of the losses: how much it falls across that half
    as a share of its level, and the slope's t statistic (how clearly the fall stands out of batch noise)."""
    half = losses[len(losses) // 2:]
    x = np.arange(len(half), dtype=float)
    slope, intercept = np.polyfit(x, half, 1)
    residual = half - (intercept + slope * x)
    spread = float(np.sqrt((residual ** 2).sum() / max(len(half) - 2, 1) / ((x - x.mean()) ** 2).sum()))
    level = float(np.mean(half))
    drop = -slope * len(half) / level if level > 0 else 0.0
    t = slope / spread if spread > 0 else (-math.inf if slope < 0 else 0.0)
    return float(drop), float(t)


@rule("stopped_too_early", priority=47)
def stopped_too_early(trace: Trace) -> Diagnosis | None:
    """The script finished on its own while the loss was still falling (steeply, last fifth of the steps vs the
    fifth before; or, after only a few passes over the data, steadily over the last half, clearly out of batch
    noise or with the validation loss falling every epoch) and the model is still short of what simple models
    reach on the same rows. After only a few passes, a steep fall is enough: a model that already beats simple
    models can still be far from its own best."""
    if trace.ended != "finished":
        return None
    train_metric, val_metric = last_epoch_metrics(trace)
    metric = val_metric if val_metric is not None else train_metric
    floor = trace.data.simple_model_score
    short = floor is not None and metric is not None and metric < floor - UNDER_FLOOR
    losses = finite_losses(trace)
    if len(losses) < MIN_LOSSES_FOR_TREND:
        return None
    fifth = len(losses) // 5
    before, last = float(np.median(losses[-2 * fifth:-fifth])), float(np.median(losses[-fifth:]))
    val = _series(trace, "val_loss")
    val_falling = len(val) >= 3 and np.isfinite(val[-3:]).all() and val[-1] < val[-2] < val[-3]
    steep = before > 0 and last < STILL_FALLING * before
    drop, t = _late_trend(losses)
    passes = _passes(trace, len(losses))
    # Batch noise can hide a steady fall from the t statistic; a validation loss falling every epoch shows it.
    few = passes is not None and passes <= FEW_PASSES
    steady = few and drop >= STEADY_DROP and (t <= -STEADY_T or val_falling)
    if not ((short and (steep or steady)) or (few and steep)) or (len(val) >= 3 and not val_falling):
        return None
    return Diagnosis(
        label="stopped_too_early", confidence=0.75, severity="major",
        message=f"Training ended while the loss was still falling: its median over the last fifth of the steps "
                f"is {last / before:.0%} of the fifth before, and it fell {drop:.0%} over the last half of the run"
                + (", and the validation loss fell in each of the last epochs." if val_falling else "."),
        evidence={"loss_fifth_before_last": fmt(before), "loss_last_fifth": fmt(last), "steps": len(losses),
                  "last_half_drop": fmt(drop), "last_half_trend_t": fmt(t), "passes_over_data": fmt(passes),
                  "val_loss_still_falling": bool(val_falling), "metric": fmt(metric),
                  "simple_model_score": fmt(floor)},
        where=trace.locations.get("step"),
        fix="Train for more epochs (several times as many), until the validation loss stops improving; keep early "
            "stopping on the validation loss to end it.")
