"""Rules for the optimizer and its settings: learning rate too high or too low, update/weight ratios out of
balance, a schedule that collapses the LR, momentum/betas out of range, weight decay that crushes the weights."""

from __future__ import annotations

import math

import numpy as np

from ml_expert.tools.diagnose.measures import (
    DIVERGED,
    HIGH_UPDATE_RATIO,
    first_last_grad_ratio,
    fmt,
    group_lr_spread,
    group_update_ratios,
    has_nonfinite_loss,
    learning_poorly,
    little_progress,
    loss_progress,
    lr_symptoms,
    peak_update_ratio,
    spikes,
    steps_too_large,
    update_ratio,
    weight_layers,
)
from ml_expert.tools.diagnose.registry import rule
from ml_expert.tools.diagnose.rules.gradients import SATURATED_SHARE, VANISHING_RATIO, saturation
from ml_expert.tools.diagnose.schema import Diagnosis
from ml_expert.tools.diagnose.trace import Trace

LOW_RATIO = 1e-5  # ... and below 1e-5
SLOW_RATIO = 1e-4  # below this with little progress is still too slow
RATIO_SPREAD = 100.0  # weight layers learning 100x apart ...
SLOWEST_RATIO = 1e-4  # ... with the slowest one all but still
GROUP_LR_SPREAD = 20.0  # param groups' learning rates this far apart ...
EMBEDDING_LAYERS = ("Embedding", "EmbeddingBag")  # judged only when the user set their learning rate apart
COLLAPSED_LR = 0.01  # the LR in use below 1% of its peak ...
COLLAPSED_SHARE = 0.5  # ... for half the steps or more
HIGH_MOMENTUM = 0.98  # SGD momentum or Adam beta1 at or above this: steps keep going long after the slope turned
LOW_BETA2 = 0.9  # Adam beta2 below this: the second-moment estimate is too noisy to scale steps
COUPLED_DECAY = 0.05  # weight_decay at or above this with SGD/Adam (L2 in the gradient) ...
DECOUPLED_DECAY = 0.5  # ... or with AdamW (decoupled)
SHRUNK_WEIGHTS = 0.5  # weight RMS at the end below half its start


def _lr_where(trace: Trace) -> str:
    return trace.locations.get("optimizer", "training.lr")


@rule("lr_too_high", priority=40)
def lr_too_high(trace: Trace) -> Diagnosis | None:
    """Steps too large (``measures.steps_too_large``): NaN, divergence, rebound or spikes with big updates."""
    found = steps_too_large(trace)
    if found is None or momentum_setting(trace) is not None or group_lr_fault(trace):
        return None  # a misconfigured momentum or one group's LR makes the steps large: those rules name the cause
    confidence, what = found
    nonfinite = has_nonfinite_loss(trace)
    progress = loss_progress(trace)
    ratio = peak_update_ratio(trace)
    factor = _shrink_factor(ratio)
    new_lr = trace.lr / factor if trace.lr else None
    return Diagnosis(
        label="lr_too_high", confidence=confidence,
        severity="critical" if nonfinite or (progress is not None and progress > DIVERGED) else "major",
        message=f"Steps are too large: {what}"
                + (f", and the largest steps change the weights by {ratio:.2g} of their norm (healthy: about "
                   "1e-3 to 1e-2)"
                   if ratio is not None else "") + ".",
        evidence={"lr": trace.lr, "update_weight_ratio": fmt(ratio), "loss_spikes": spikes(trace),
                  "loss_progress": fmt(progress), "nonfinite_loss": nonfinite},
        where=_lr_where(trace),
        fix=f"Lower the learning rate about {factor:.0f}x{f' (to {new_lr:.3g})' if new_lr else ''}; add warmup and "
            "gradient clipping if spikes remain.",
        patch={"training.lr": new_lr} if new_lr else {})


def _shrink_factor(ratio: float | None) -> float:
    """10x, or as much as brings the largest update/weight ratio near 1e-2 (at most 1000x)."""
    if ratio is None or not ratio > HIGH_UPDATE_RATIO:
        return 10.0
    if not math.isfinite(ratio):
        return 1000.0
    return float(min(1000.0, 10 ** math.ceil(math.log10(ratio / 1e-2))))


@rule("lr_too_low", priority=41)
def lr_too_low(trace: Trace) -> Diagnosis | None:
    ratio = update_ratio(trace)
    progress = loss_progress(trace)
    peak = peak_update_ratio(trace)
    flow = first_last_grad_ratio(trace)
    saturated = any(v >= SATURATED_SHARE for v in saturation(trace).values())
    if (schedule_collapse(trace) is not None or (flow is not None and flow[0] < VANISHING_RATIO) or saturated
            or group_lr_fault(trace)):
        return None  # the scheduler, vanishing gradients, saturated units or one group's LR: those rules name it
    if ratio is None or ratio <= 0 or (peak is not None and peak > HIGH_UPDATE_RATIO / 10):
        return None  # tiny late steps after huge early ones: a collapse, not a small learning rate
    if ratio < LOW_RATIO:
        confidence = 0.9
    elif ratio < SLOW_RATIO and little_progress(trace):
        confidence = 0.8
    else:
        return None
    factor = float(min(1000.0, max(10.0, 10 ** min(round(math.log10(3e-3) - math.log10(ratio)), 3))))
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


def group_lr_fault(trace: Trace, fastest_ratio: float | None = None, slowest_ratio: float | None = None) -> bool:
    """The optimizer's param groups have learning rates GROUP_LR_SPREAD x apart, and the fastest group's steps
    are too large, the slowest group all but still, the loss shows steps too large, or the run learns poorly:
    a per-group LR is the cause, not the shared one (the LR rules defer to it)."""
    lr_spread = group_lr_spread(trace)
    if lr_spread is None or lr_spread < GROUP_LR_SPREAD:
        return False
    if fastest_ratio is None:
        layers = set(weight_layers(trace))
        fastest_ratio = max((r for n, r in group_update_ratios(trace).items() if n in layers), default=None)
    return ((fastest_ratio is not None and fastest_ratio > HIGH_UPDATE_RATIO)
            or (slowest_ratio is not None and slowest_ratio < SLOWEST_RATIO) or lr_symptoms(trace)
            or learning_poorly(trace))


@rule("bad_update_ratio", priority=42)
def bad_update_ratio(trace: Trace) -> Diagnosis | None:
    """Weight layers update 100x apart with the slowest all but still, or optimizer param groups given
    learning rates far apart with the fastest group's steps too large."""
    if trace.config.get("constant_init_layers"):
        return None  # identical units from a constant init move oddly: plateau names that cause
    layers = set(weight_layers(trace))
    embeddings = {g.name for g in trace.groups if g.kind in EMBEDDING_LAYERS and g.trainable and g.got_grad}
    every = group_update_ratios(trace)
    # Learning rates the user set apart per group: an embedding's group is often the one set apart. Without
    # that, embeddings stay out: their rows update only when drawn, so they are slow by nature.
    lr_ratios = {n: r for n, r in every.items() if n in layers | embeddings}
    if len(lr_ratios) >= 2 and group_lr_fault(trace, max(lr_ratios.values()), min(lr_ratios.values())):
        return _group_lr_diagnosis(trace, lr_ratios)
    ratios = {n: r for n, r in every.items() if n in layers}
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


def _group_lr_diagnosis(trace: Trace, ratios: dict[str, float]) -> Diagnosis:
    """Per-group learning rates far apart: the group off the healthy band is the one to change."""
    slowest, fastest = min(ratios, key=ratios.get), max(ratios, key=ratios.get)
    spread = ratios[fastest] / ratios[slowest]
    lr_spread = group_lr_spread(trace)
    crawling = ratios[slowest] < SLOWEST_RATIO and ratios[fastest] <= HIGH_UPDATE_RATIO
    off = slowest if crawling else fastest
    return Diagnosis(
        label="bad_update_ratio", confidence=0.8, severity="major",
        message=f"The optimizer's parameter groups have learning rates {lr_spread:.0f}x apart, and {off!r} "
                f"changes {ratios[off]:.2g} of its norm per step ({spread:.0f}x apart from the "
                f"{'fastest' if crawling else 'slowest'} layer): its steps are far too "
                f"{'small' if crawling else 'large'} for it.",
        evidence={"group_lr_spread": fmt(lr_spread), "fastest_group": fastest,
                  "fastest_ratio": fmt(ratios[fastest]), "slowest_group": slowest,
                  "slowest_ratio": fmt(ratios[slowest]), "spread": fmt(spread), "group_to_change": off},
        where=_lr_where(trace),
        fix=f"Give {off!r}'s parameter group a learning rate like the others' (per-group LRs rarely need to "
            "differ by more than 10x), then tune one shared LR.")


def schedule_collapse(trace: Trace) -> tuple[float, float, int] | None:
    """(peak LR, final LR, first step below COLLAPSED_LR x peak) when the LR in use sat that low for
    COLLAPSED_SHARE of the steps or more."""
    lrs = np.asarray([v for v in trace.lrs if math.isfinite(v)], dtype=float)
    if len(lrs) < 10 or not lrs.max() > 0:
        return None
    peak = float(lrs.max())
    low = lrs <= COLLAPSED_LR * peak
    if low.mean() < COLLAPSED_SHARE:
        return None
    return peak, float(lrs[-1]), int(np.argmax(low))


@rule("lr_schedule_collapse", priority=18)
def lr_schedule_collapse(trace: Trace) -> Diagnosis | None:
    """The LR the scheduler actually set (recorded every step) fell below 1% of its peak for most of the run."""
    found = schedule_collapse(trace)
    if found is None:
        return None
    peak, final, first_low = found
    scheduler = trace.config.get("scheduler")
    return Diagnosis(
        label="lr_schedule_collapse", confidence=0.85 if learning_poorly(trace) else 0.7, severity="major",
        message=f"The learning rate{f' set by {scheduler}' if scheduler else ''} fell from {peak:.3g} to below "
                f"{COLLAPSED_LR:.0%} of it by step {first_low} of {len(trace.lrs)} (final {final:.3g}): most steps "
                "barely move the weights.",
        evidence={"peak_lr": fmt(peak), "final_lr": fmt(final), "first_collapsed_step": first_low,
                  "steps": len(trace.lrs), "scheduler": scheduler, "scheduler_steps": trace.wiring.scheduler_steps},
        where=trace.locations.get("scheduler_step") or trace.locations.get("scheduler") or _lr_where(trace),
        fix="Step the scheduler once per epoch when its period is counted in epochs (or size T_max / step_size / "
            "total_steps to the number of scheduler.step() calls the run makes); keep the initial LR.",
        patch={"script.no_scheduler": True})


def momentum_setting(trace: Trace) -> tuple[str, float] | None:
    """(setting, value) of a momentum or beta outside the range that trains stably, or None."""
    momentum, beta2 = trace.config.get("momentum"), trace.config.get("beta2")
    if isinstance(momentum, int | float) and momentum >= HIGH_MOMENTUM:
        return ("beta1" if beta2 is not None else "momentum"), float(momentum)
    if isinstance(beta2, int | float) and beta2 < LOW_BETA2:
        return "beta2", float(beta2)
    return None


@rule("momentum_misconfigured", priority=18)
def momentum_misconfigured(trace: Trace) -> Diagnosis | None:
    """SGD momentum / Adam beta1 at 0.98 or more, or beta2 below 0.9, with the loss showing it."""
    found = momentum_setting(trace)
    if found is None:
        return None
    name, value = found
    symptoms = lr_symptoms(trace) or little_progress(trace)
    good = {"momentum": 0.9, "beta1": 0.9, "beta2": 0.999}[name]
    return Diagnosis(
        label="momentum_misconfigured", confidence=0.85 if symptoms else 0.6, severity="major",
        message=f"{name} = {value:g} is outside the stable range"
                + (": steps keep their direction long after the slope has turned, so the loss overshoots"
                   if name != "beta2" else ": the second-moment estimate follows each batch, so steps jump")
                + (" and training is unstable." if symptoms else "."),
        evidence={name: value, "loss_progress": fmt(loss_progress(trace)), "lr": trace.lr},
        where=_lr_where(trace),
        fix=f"Set {name} to {good} (SGD momentum 0.9; Adam betas (0.9, 0.999)) and keep the learning rate.",
        patch={"training.momentum" if name != "beta2" else "training.beta2": good})


def _weight_shrink(trace: Trace) -> float | None:
    """Median over weight layers of weight RMS at the last sample / at the first."""
    layers = weight_layers(trace)
    if len(trace.samples) < 2 or not layers:
        return None
    first, last = trace.samples[0].groups, trace.samples[-1].groups
    ratios = [last[n].weight_rms / first[n].weight_rms for n in layers
              if n in first and n in last and first[n].weight_rms and last[n].weight_rms is not None
              and math.isfinite(first[n].weight_rms) and math.isfinite(last[n].weight_rms)]
    return float(np.median(ratios)) if ratios else None


@rule("weight_decay_too_high", priority=18)
def weight_decay_too_high(trace: Trace) -> Diagnosis | None:
    """weight_decay far above the usual range, with the weights shrinking or the model learning poorly."""
    decay = trace.config.get("weight_decay")
    if not isinstance(decay, int | float) or not math.isfinite(decay):
        return None
    limit = DECOUPLED_DECAY if (trace.optimizer or "").endswith("w") else COUPLED_DECAY
    if decay < limit:
        return None
    shrink = _weight_shrink(trace)
    shrunk = shrink is not None and shrink < SHRUNK_WEIGHTS
    poor = learning_poorly(trace)
    if not (shrunk or poor):
        return None
    good = 0.01 if limit == DECOUPLED_DECAY else 1e-4
    return Diagnosis(
        label="weight_decay_too_high", confidence=0.85 if shrunk and poor else 0.7, severity="major",
        message=f"weight_decay = {decay:g} pulls the weights to zero faster than the loss can grow them"
                + (f" (weight RMS fell to {shrink:.2g}x its start)" if shrunk else "")
                + (", and the model learns poorly." if poor else "."),
        evidence={"weight_decay": decay, "optimizer": trace.optimizer, "weight_rms_end_over_start": fmt(shrink),
                  "loss_progress": fmt(loss_progress(trace))},
        where=_lr_where(trace),
        fix=f"Lower weight_decay to about {good:g} ({'AdamW' if good == 0.01 else 'SGD/Adam'}; 1e-4 to 1e-2 is the "
            "usual range) and retrain.",
        patch={"training.weight_decay": good})
