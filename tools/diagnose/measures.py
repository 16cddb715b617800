"""Summaries of a Trace that several rules share: loss progress, spikes, update ratios, gradient flow."""

from __future__ import annotations

import math

import numpy as np

from ml_expert.tools.diagnose.trace import EpochRow, Trace

WEIGHT_LAYERS = ("Linear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "Bilinear", "LSTM",
                 "GRU", "RNN", "LazyLinear")
EARLY_SAMPLES = 5
SPIKE_FACTOR = 3.0
SPIKE_WINDOW = 10
SPIKE_SCALE = 0.25  # a spike rises by at least this share of the starting loss
SPIKE_ROWS = 32  # losses of smaller batches are averaged over about this many rows before counting spikes
SPIKE_PERSIST = 3  # a spike's step and the next two ...
SPIKE_PERSIST_FACTOR = 2.0  # ... have a median this far above the loss before it
HIGH_UPDATE_RATIO = 0.1  # DeepDiagnosis flags update/weight above 1e-1
LITTLE_PROGRESS = 0.5  # late loss above half the first loss: the run is not learning much
DIVERGED = 1.5  # late loss above 1.5x the first: the loss went up
UNMOVED = 0.1  # late loss within 10% of the first, spread within 10% of its level: the loss never moved
MIN_SPIKES = 3
OVERSHOOT_RATIO = 1.0  # an update/weight ratio past this replaces the weights: too large, even in a run that learns
SWING = 0.03  # AUTOTRAINER: peak-trough pairs 0.03 apart ...
SWING_SHARE = 0.2  # ... in 20% of epochs
MIN_EPOCHS_FOR_SWINGS = 8
RESTORED_MATCH = 1e-3  # relative: weights loaded back score the validation loss of the epoch they were saved at
UNDER_FLOOR = 0.05  # a metric this far below what simple models reach on the same rows falls short of them
LATE_EPOCHS = 3  # the training metric judged against them: the median of the last epochs


def finite_losses(trace: Trace) -> np.ndarray:
    values = np.asarray(trace.losses, dtype=float)
    return values[np.isfinite(values)]


def has_nonfinite_loss(trace: Trace) -> bool:
    return trace.stopped_reason == "nan" or any(not math.isfinite(v) for v in trace.losses) or any(
        row.train_loss is not None and not math.isfinite(row.train_loss) for row in trace.epochs)


def loss_progress(trace: Trace) -> float | None:
    """Late loss (median of the last 10%) / the first loss; 1 = no progress."""
    losses = finite_losses(trace)
    if len(losses) < 6:
        losses = np.asarray([r.train_loss for r in trace.epochs if r.train_loss is not None], dtype=float)
        losses = losses[np.isfinite(losses)]
        if len(losses) < 3:
            return None
    start = float(losses[0])
    end = float(np.median(losses[-max(3, len(losses) // 10):]))
    return end / start if start > 0 else None


def spikes(trace: Trace) -> int:
    """Steps whose loss jumps above SPIKE_FACTOR x the median of the previous SPIKE_WINDOW steps, and stays up.

    The jump must also be large against the starting loss: near zero, tiny wiggles triple too. Tiny
    batches give noisy losses: they are averaged over about SPIKE_ROWS rows first.
    """
    losses = finite_losses(trace)
    if len(losses) < 2:
        return 0
    scale = SPIKE_SCALE * max(float(losses[0]), trace.chance_loss or 0.0)
    batch = trace.wiring.loss_batch
    if batch and batch < SPIKE_ROWS:
        width = -(-SPIKE_ROWS // batch)
        losses = np.convolve(losses, np.ones(width) / width, mode="valid")
    count = 0
    for i in range(1, len(losses)):
        recent = float(np.median(losses[max(0, i - SPIKE_WINDOW):i]))
        # The loss must stay up: one hard batch of a well-fit model jumps alone and the next is back down.
        after = float(np.median(losses[i:i + SPIKE_PERSIST]))
        if losses[i] > SPIKE_FACTOR * recent and losses[i] - recent > scale and after > SPIKE_PERSIST_FACTOR * recent:
            count += 1
    return count


def rebound(trace: Trace) -> tuple[float, float] | None:
    """(lowest, final) smoothed loss when the loss fell well below its start and then climbed back up.

    Shares of the start assume a loss bounded below by zero: one that goes negative (a likelihood without its
    constant, a Gaussian NLL) has no known floor, and its climbs are not judged."""
    losses = finite_losses(trace)
    if len(losses) < 3 * SPIKE_WINDOW:
        return None
    smooth = np.array([np.median(losses[i:i + SPIKE_WINDOW]) for i in range(len(losses) - SPIKE_WINDOW + 1)])
    low, final, start = float(smooth.min()), float(smooth[-1]), float(losses[0])
    if low < 0:
        return None
    if low < 0.5 * start and final > max(3 * low, low + 0.3 * start):
        return low, final
    return None


def update_ratio(trace: Trace) -> float | None:
    """Median over sampled steps (step 0 left out) of the median update/weight ratio across layer groups."""
    per_step = []
    for sample in trace.samples[1:]:
        ratios = [g.update_ratio for g in sample.groups.values() if g.update_ratio is not None and g.update_ratio > 0]
        if ratios:
            per_step.append(float(np.median(ratios)))
    return float(np.median(per_step)) if per_step else None


def peak_update_ratio(trace: Trace) -> float | None:
    """The largest median-over-groups update ratio of any sampled step: how big the steps got."""
    per_step = []
    for sample in trace.samples:
        ratios = [g.update_ratio for g in sample.groups.values() if g.update_ratio is not None and g.update_ratio > 0]
        if ratios:
            per_step.append(float(np.median(ratios)))
    return max(per_step) if per_step else None


def group_update_ratios(trace: Trace) -> dict[str, float]:
    """Per layer group: median update/weight ratio over sampled steps (step 0 left out)."""
    collected: dict[str, list[float]] = {}
    for sample in trace.samples[1:]:
        for name, group in sample.groups.items():
            if group.update_ratio is not None and group.update_ratio > 0:
                collected.setdefault(name, []).append(group.update_ratio)
    return {name: float(np.median(values)) for name, values in collected.items()}


def group_lr_spread(trace: Trace) -> float | None:
    """Largest / smallest learning rate over the optimizer's parameter groups (script mode records it)."""
    value = trace.config.get("group_lr_spread")
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def weight_layers(trace: Trace) -> list[str]:
    """Names of weight layers (Linear, Conv, recurrent) that get gradients, in forward order."""
    return [g.name for g in trace.groups if g.kind in WEIGHT_LAYERS and g.trainable and g.got_grad]


RECURRENT_LAYERS = ("RNN", "LSTM", "GRU")


def first_layer_recurrent(trace: Trace) -> bool:
    layers = weight_layers(trace)
    return bool(layers) and next(g.kind for g in trace.groups if g.name == layers[0]) in RECURRENT_LAYERS


def first_last_grad_ratio(trace: Trace) -> tuple[float, str, str] | None:
    """Median over the early samples of rms(grad first layer) / rms(grad last layer). Three weight layers at
    least, or two when the first is recurrent: unrolled over time, it is deep on its own."""
    layers = weight_layers(trace)
    if len(layers) < (2 if first_layer_recurrent(trace) else 3):
        return None
    first, last = layers[0], layers[-1]
    ratios = []
    for sample in trace.samples[:EARLY_SAMPLES]:
        a, b = sample.groups.get(first), sample.groups.get(last)
        if a and b and a.grad_rms is not None and b.grad_rms and math.isfinite(a.grad_rms) and math.isfinite(b.grad_rms):
            ratios.append(a.grad_rms / b.grad_rms)
    return (float(np.median(ratios)), first, last) if ratios else None


GROWTH_CHAIN = 4  # weight layers a steady growth of the gradient must run through ...
STEADY_GROWTH = 0.8  # ... growing towards the input from at least this share of them to the next


def steady_grad_growth(trace: Trace) -> tuple[float, str, str] | None:
    """(ratio, first layer, lowest layer): median over the early samples of rms(grad first layer) / rms(grad of
    the later layer with the smallest gradient), when from that layer back to the input the gradient grows
    layer over layer. A last layer initialised apart (a default-init head after a body with a large init)
    sits beyond the chain, so it cannot hide the growth as it hides it from first/last."""
    layers = weight_layers(trace)
    if len(layers) < GROWTH_CHAIN:
        return None
    ratios, lowest, read = [], None, 0
    for sample in trace.samples[:EARLY_SAMPLES]:
        rms = [g.grad_rms if (g := sample.groups.get(name)) else None for name in layers]
        if any(v is None or not math.isfinite(v) or v <= 0 for v in rms):
            continue
        read += 1
        end = 1 + int(np.argmin(rms[1:]))
        chain = rms[:end + 1]
        growing = sum(a > b for a, b in zip(chain[:-1], chain[1:], strict=True)) / max(len(chain) - 1, 1)
        if len(chain) >= GROWTH_CHAIN and growing >= STEADY_GROWTH:
            ratios.append(rms[0] / rms[end])
            lowest = layers[end]
    if not ratios or 2 * len(ratios) <= read:
        return None
    return float(np.median(ratios)), layers[0], lowest


def restored_epoch(trace: Trace) -> EpochRow | None:
    """The epoch whose weights the script loaded back after training (a best checkpoint): the one row whose
    validation loss the evaluation of the loaded weights repeats, within RESTORED_MATCH."""
    loaded = trace.restored.val_loss if trace.restored else None
    rows = [r for r in trace.epochs if r.val_loss is not None]
    if loaded is None or not math.isfinite(loaded) or not rows:
        return None
    row = min(rows, key=lambda r: abs(r.val_loss - loaded))
    return row if abs(row.val_loss - loaded) <= RESTORED_MATCH * max(abs(loaded), 1e-12) else None


def last_epoch_metrics(trace: Trace) -> tuple[float | None, float | None]:
    """Train and validation metric of the model the script delivers: the last epoch's, or the restored epoch's.
    A final validation with no training step since the row before (an evaluation after the loop) scores the
    model that row's training metric was read on."""
    if (row := restored_epoch(trace)) is not None and row.val_metric is not None:
        return row.train_metric, row.val_metric
    rows = [r for r in trace.epochs if r.val_metric is not None or r.train_metric is not None]
    if not rows:
        return None, None
    last = rows[-1]
    if last.train_metric is None and len(rows) > 1 and last.step is not None and last.step == rows[-2].step:
        return rows[-2].train_metric, last.val_metric
    return last.train_metric, last.val_metric


def metric_standard_error(trace: Trace, value: float, n: int | None = None) -> float:
    """Standard error of a metric scored on ``n`` rows, by default the validation rows (distinct rows seen, else
    rows scored per validation pass; 0 when unknown).

    Accuracy: binomial, with one success and one failure added (Laplace): an accuracy of 1.0 on 32 rows is no
    certainty, and one row more or less must not read as a swing. R^2: about sqrt(2 / n) x (1 - R^2), from the
    variance of a mean squared error.
    """
    scored = [r.val_metric_rows for r in trace.epochs if r.val_metric_rows]
    n = n or trace.data.n_val or (int(np.median(scored)) if scored else None)
    if not n:
        return 0.0
    if trace.metric_name == "r2":
        return math.sqrt(2 / n) * max(1 - value, 0.0)
    p = (min(max(value, 0.0), 1.0) * n + 1) / (n + 2)
    return math.sqrt(p * (1 - p) / n)


def metric_swings(trace: Trace) -> tuple[str, int, float, np.ndarray] | None:
    """(series, swings, share of epochs, values) when the train (or else validation) metric swings up and down
    by SWING (or twice the standard error of a step between two scores, if more) in SWING_SHARE of the epochs or more."""
    for name in ("train_metric", "val_metric"):
        series = np.asarray([v for r in trace.epochs if (v := getattr(r, name)) is not None], dtype=float)
        if len(series) >= MIN_EPOCHS_FOR_SWINGS:
            break
    else:
        return None
    if not np.isfinite(series).all():
        return None
    steps = np.diff(series)
    # A swing must also exceed the metric's own sampling noise: a small validation set, or the few training
    # batches script mode scores per epoch, wobble by themselves. A step is the difference of two such noisy
    # scores, so its noise is sqrt(2) x one score's.
    scored = [r.train_metric_rows for r in trace.epochs if r.train_metric_rows] if name == "train_metric" else []
    rows = int(np.median(scored)) if scored else None
    least = max(SWING, 2 * math.sqrt(2) * metric_standard_error(trace, float(np.median(series)), rows))
    swings = sum(1 for a, b in zip(steps[:-1], steps[1:], strict=True) if a * b < 0 and min(abs(a), abs(b)) >= least)
    share = swings / len(series)
    return (name, swings, share, series) if share >= SWING_SHARE else None


def little_progress(trace: Trace, unknown: bool = False) -> bool:
    """The late loss is above LITTLE_PROGRESS x the first (``unknown`` when there are too few losses)."""
    progress = loss_progress(trace)
    return unknown if progress is None else progress > LITTLE_PROGRESS


def late_train_metric(trace: Trace) -> float | None:
    """The median training metric of the last LATE_EPOCHS: script mode scores a few batches per epoch, so one
    epoch's is noisy."""
    late = [r.train_metric for r in trace.epochs if r.train_metric is not None][-LATE_EPOCHS:]
    return float(np.median(late)) if late else None


def short_of_simple_models(trace: Trace) -> bool:
    """Training falls short of what simple models reach on the same rows: its late metric is below theirs, and
    validation, when there is one, UNDER_FLOOR below; without validation, training itself must be that far
    below."""
    _, val_metric = last_epoch_metrics(trace)
    floor, train_metric = trace.data.simple_model_score, late_train_metric(trace)
    if floor is None or train_metric is None:
        return False
    if val_metric is None:
        return train_metric < floor - UNDER_FLOOR
    return train_metric < floor and val_metric < floor - UNDER_FLOOR


def learning_poorly(trace: Trace) -> bool:
    """Short of what simple models reach on the same rows, or little progress on the loss (or unknown)."""
    return short_of_simple_models(trace) or little_progress(trace, unknown=True)


def steps_too_large(trace: Trace) -> tuple[float, str] | None:
    """(confidence, what happened) when the loss shows that steps are too large; the one definition of
    "LR too high" that the lr_too_high rule reports and other rules defer to."""
    progress = loss_progress(trace)
    spike_count = spikes(trace)
    ratio = peak_update_ratio(trace)
    large_steps = ratio is not None and ratio > HIGH_UPDATE_RATIO
    if has_nonfinite_loss(trace):
        return 0.9, "the loss became NaN/inf"
    if progress is not None and progress > DIVERGED:
        return 0.85, f"the loss rose to {progress:.3g}x its starting value"
    if bounced := rebound(trace):
        return 0.8, f"the loss fell to {bounced[0]:.3g}, then climbed back to {bounced[1]:.3g}"
    if spike_count >= MIN_SPIKES and (large_steps or ratio is None):
        if progress is not None and progress <= LITTLE_PROGRESS and (metric_swings(trace) or overshoots(trace)
                                                                     or not _spikes_pass_start(trace)):
            # A model that learned: with its metric swinging or its loss thrown back past its start, oscillation
            # is what the user sees; with its spikes staying below the start, they are hard batches.
            return None
        return (0.75 if large_steps else 0.55), f"the loss spiked {spike_count} times"
    if large_steps and (progress is None or progress > LITTLE_PROGRESS) and not loss_never_moved(trace):
        return 0.6, "the loss makes little progress"
    return None


def overshoots(trace: Trace) -> int | None:
    """Loss spikes (how many) that throw the loss back above where it started, with large steps, in a run that
    still learns as well as simple models do, its loss well down: steps that overshoot the minimum again and
    again (oscillation), not steps so large (OVERSHOOT_RATIO) that nothing is learned."""
    count, ratio, progress = spikes(trace), peak_update_ratio(trace), loss_progress(trace)
    if (count < MIN_SPIKES or ratio is None or not HIGH_UPDATE_RATIO < ratio < OVERSHOOT_RATIO or progress is None
            or progress > LITTLE_PROGRESS or short_of_simple_models(trace) or not _spikes_pass_start(trace)):
        return None
    return count


def loss_never_moved(trace: Trace) -> bool:
    """The late loss sits where the first loss was, with almost no spread: steps too large would throw it
    about. Large update/weight ratios then come from tiny weights (a model with nothing it can fit, or
    identical units from a constant init), not from the learning rate."""
    losses = finite_losses(trace)
    progress = loss_progress(trace)
    if len(losses) < 20 or progress is None or abs(progress - 1) > UNMOVED:
        return False
    late = losses[-max(10, len(losses) // 5):]
    level = float(np.median(late))
    return level > 0 and float(np.percentile(late, 90) - np.percentile(late, 10)) <= UNMOVED * level


def _spikes_pass_start(trace: Trace) -> bool:
    """After its first tenth, the loss jumps above its very first value MIN_SPIKES times or more."""
    losses = finite_losses(trace)
    return len(losses) >= 10 and int((losses[len(losses) // 10:] > losses[0]).sum()) >= MIN_SPIKES


def lr_symptoms(trace: Trace) -> bool:
    """The loss went non-finite, diverged, rebounded or spiked with large steps (``steps_too_large``), or it
    overshoots in a run that learns (``overshoots``)."""
    return steps_too_large(trace) is not None or overshoots(trace) is not None


def fmt(value: float | None, digits: int = 3) -> float | None:
    if value is None or not math.isfinite(value):
        return value
    return float(f"{value:.{digits}g}")
