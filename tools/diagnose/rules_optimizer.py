"""Rules for the step size: learning rate too high or too low, update/weight ratios out of balance."""

from __future__ import annotations

import math

import numpy as np

from ml_expert.tools.diagnose.measures import (
    HIGH_UPDATE_RATIO,
    fmt,
    group_update_ratios,
    has_nonfinite_loss,
    loss_progress,
    peak_update_ratio,
    rebound,
    spikes,
    update_ratio,
    weight_layers,
)
from ml_expert.tools.diagnose.registry import rule
from ml_expert.tools.diagnose.schema import Diagnosis
from ml_expert.tools.diagnose.trace import Trace

LOW_RATIO = 1e-5  # ... and below 1e-5
SLOW_RATIO = 1e-4  # below this with little progress is still too slow
RATIO_SPREAD = 100.0  # weight layers learning 100x apart ...
SLOWEST_RATIO = 1e-4  # ... with the slowest one all but still
MIN_SPIKES = 3


def _lr_where(trace: Trace) -> str:
    return trace.locations.get("optimizer", "training.lr")


@rule("lr_too_high", priority=40)
def lr_too_high(trace: Trace) -> Diagnosis | None:
    nonfinite = has_nonfinite_loss(trace)
    progress = loss_progress(trace)
    diverged = progress is not None and progress > 1.5
    spike_count = spikes(trace)
    ratio = peak_update_ratio(trace)
    large_steps = ratio is not None and ratio > HIGH_UPDATE_RATIO
    if nonfinite:
        confidence, what = 0.9, "the loss became NaN/inf"
    elif diverged:
        confidence, what = 0.85, f"the loss rose to {progress:.3g}x its starting value"
    elif bounced := rebound(trace):
        confidence, what = 0.8, f"the loss fell to {bounced[0]:.3g}, then climbed back to {bounced[1]:.3g}"
    elif spike_count >= MIN_SPIKES and (large_steps or ratio is None):
        confidence, what = (0.75 if large_steps else 0.55), f"the loss spiked {spike_count} times"
    elif large_steps and (progress is None or progress > 0.5):
        confidence, what = 0.6, "the loss makes little progress"
    else:
        return None
    factor = _shrink_factor(ratio)
    new_lr = trace.lr / factor if trace.lr else None
    return Diagnosis(
        label="lr_too_high", confidence=confidence, severity="critical" if nonfinite or diverged else "major",
        message=f"Steps are too large: {what}"
                + (f", and the largest steps change the weights by {ratio:.2g} of their norm (healthy: about "
                   "1e-3 to 1e-2)"
                   if ratio is not None else "") + ".",
        evidence={"lr": trace.lr, "update_weight_ratio": fmt(ratio), "loss_spikes": spike_count,
                  "loss_progress": fmt(progress), "nonfinite_loss": nonfinite},
        where=_lr_where(trace),
        fix=f"Lower the learning rate about {factor:.0f}x{f' (to {new_lr:.3g})' if new_lr else ''}; add warmup and "
            "gradient clipping if spikes remain.",
        patch={"training.lr": new_lr} if new_lr else {})


def _shrink_factor(ratio: float | None) -> float:
    """10x, or as much as brings the largest update/weight ratio near 1e-2 (at most 1000x)."""
    if ratio is None or ratio <= HIGH_UPDATE_RATIO:
        return 10.0
    return float(min(1000.0, 10 ** math.ceil(math.log10(ratio / 1e-2))))


@rule("lr_too_low", priority=41)
def lr_too_low(trace: Trace) -> Diagnosis | None:
    ratio = update_ratio(trace)
    progress = loss_progress(trace)
    peak = peak_update_ratio(trace)
    if ratio is None or ratio <= 0 or (peak is not None and peak > HIGH_UPDATE_RATIO / 10):
        return None  # tiny late steps after huge early ones: a collapse, not a small learning rate
    if ratio < LOW_RATIO:
        confidence = 0.9
    elif ratio < SLOW_RATIO and progress is not None and progress > 0.9:
        confidence = 0.8
    else:
        return None
    factor = float(min(1000.0, max(10.0, 10 ** round(math.log10(3e-3 / ratio)))))
    new_lr = trace.lr * factor if trace.lr else None
    return Diagnosis(
        label="lr_too_low", confidence=confidence, severity="major",
        message=f"Steps are too small: each step changes the weights by {ratio:.2g} of their norm (healthy: about "
                f"1e-3 to 1e-2) and the loss only reached {progress:.0%} of its start." if progress is not None else
                f"Steps are too small: each step changes the weights by {ratio:.2g} of their norm.",
        evidence={"lr": trace.lr, "update_weight_ratio": fmt(ratio), "loss_progress": fmt(progress)},
        where=_lr_where(trace),
        fix=f"Raise the learning rate about {factor:.0f}x" + (f" (to {new_lr:.3g})" if new_lr else "")
            + ", or run a short learning-rate range test.",
        patch={"training.lr": new_lr} if new_lr else {})


@rule("bad_update_ratio", priority=42)
def bad_update_ratio(trace: Trace) -> Diagnosis | None:
    layers = set(weight_layers(trace))
    ratios = {n: r for n, r in group_update_ratios(trace).items() if n in layers}
    if len(ratios) < 2:
        return None
    slowest, fastest = min(ratios, key=ratios.get), max(ratios, key=ratios.get)
    spread = ratios[fastest] / ratios[slowest]
    overall = float(np.median(list(ratios.values())))
    if spread < RATIO_SPREAD or ratios[slowest] >= SLOWEST_RATIO or not LOW_RATIO <= overall <= HIGH_UPDATE_RATIO:
        return None
    return Diagnosis(
        label="bad_update_ratio", confidence=0.6, severity="minor",
        message=f"Layer groups learn at very different speeds: {slowest!r} changes {ratios[slowest]:.2g} of its norm "
                f"per step, {fastest!r} {ratios[fastest]:.2g} ({spread:.0f}x apart).",
        evidence={"slowest_group": slowest, "slowest_ratio": fmt(ratios[slowest]), "fastest_group": fastest,
                  "fastest_ratio": fmt(ratios[fastest]), "spread": fmt(spread)},
        where=slowest,
        fix=f"Check {slowest!r}'s initial weight scale (too large a scale makes every step relatively tiny) or give "
            "it its own learning rate.",
        patch={"surgery.reset_init": True})
