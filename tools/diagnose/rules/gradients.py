"""Rules for gradient flow, activations and initialisation."""

from __future__ import annotations

import math

import numpy as np

from ml_expert.tools.diagnose.measures import (
    EARLY_SAMPLES,
    finite_losses,
    first_last_grad_ratio,
    first_layer_recurrent,
    fmt,
    group_lr_spread,
    last_epoch_metrics,
    learning_poorly,
    loss_progress,
    lr_symptoms,
    steady_grad_growth,
    weight_layers,
)
from ml_expert.tools.diagnose.registry import rule
from ml_expert.tools.diagnose.schema import Diagnosis
from ml_expert.tools.diagnose.trace import Trace

VANISHING_RATIO = 1e-3  # AUTOTRAINER: first/last gradient ratio below this
EXPLODING_RATIO = 70.0  # AUTOTRAINER: above this (40-100 all worked)
DEAD_SHARE = 0.7  # AUTOTRAINER / DeepDiagnosis: 70% of a ReLU layer
MOSTLY_ZERO = 0.9  # a ReLU layer whose outputs are 0 for this share of rows counts as dead too (when learning poorly)
SATURATED_SHARE = 0.5  # DeepDiagnosis: half the pre-activations beyond +-5
INIT_LOSS_FACTOR = 2.5  # loss at step 0 above this many times ln(C)
LONG_SEQUENCE = 40  # time steps beyond which a plain RNN's gradient through time fades
NEAR_CHANCE = 0.1  # metric within this of chance
GROUP_LR_SPREAD = 20.0  # param groups' LRs this far apart: oversized steps in one group (bad_update_ratio)
HUGE_LOSS_RATIO = 1e3  # regression: an initial loss this many times the targets' second moment
HUGE_INITIAL_GRAD_RMS = 10.0  # classification losses give per-weight gradients far below 1 at a sane init


def saturation(trace: Trace) -> dict[str, float]:
    """Per tanh/sigmoid layer: median saturated share over the early samples."""
    per_layer: dict[str, list[float]] = {}
    for sample in trace.samples[:EARLY_SAMPLES * 2]:
        for name, act in sample.activations.items():
            if act.kind in ("tanh", "sigmoid"):
                per_layer.setdefault(name, []).append(act.saturated_fraction)
    return {name: float(np.median(v)) for name, v in per_layer.items()}


@rule("saturated_activations", priority=30)
def saturated_activations(trace: Trace) -> Diagnosis | None:
    """Half or more of a tanh/sigmoid layer's inputs beyond +-5 over the early samples, while learning poorly."""
    medians = saturation(trace)
    if not medians:
        return None
    worst = max(medians, key=medians.get)
    saturated = [n for n, v in medians.items() if v >= SATURATED_SHARE]
    _, val_metric = last_epoch_metrics(trace)
    floor = trace.data.simple_model_score
    generalises_poorly = floor is not None and val_metric is not None and val_metric < floor - 0.05
    if not saturated or not (learning_poorly(trace) or generalises_poorly):
        return None  # saturated units in a model that learns and generalises well cost little
    return Diagnosis(
        label="saturated_activations", confidence=0.85, severity="major",
        message=f"{len(saturated)} of {len(medians)} tanh/sigmoid layers are saturated: in {worst!r} "
                f"{medians[worst]:.0%} of inputs lie beyond +-5, where the gradient is almost zero.",
        evidence={"worst_layer": worst, "saturated_share": fmt(medians[worst]), "saturated_layers": len(saturated),
                  "layers_checked": len(medians)},
        where=worst,
        fix="Initialise weights at a scale that keeps pre-activations near unit variance (Xavier/Glorot for "
            "tanh/sigmoid, i.e. the layer's reset_parameters() default), and standardise inputs; normalisation "
            "layers before the activation help too.",
        patch={"surgery.reset_init": True})


@rule("exploding_gradients", priority=32)
def exploding_gradients(trace: Trace) -> Diagnosis | None:
    """Early gradients grow towards the input: first/last layer RMS above EXPLODING_RATIO, or a steady growth
    over the layers before the last (``measures.steady_grad_growth``); huge from step 0; or non-finite."""
    flow = first_last_grad_ratio(trace)
    nonfinite = any(g.grad_norm is not None and not math.isfinite(g.grad_norm)
                    for s in trace.samples for g in s.groups.values())
    if flow is None and not nonfinite:
        return None
    initial = _initial_grad_rms(trace)
    growth = steady_grad_growth(trace)
    if flow is not None and flow[0] > EXPLODING_RATIO:
        ratio, first, last = flow
    elif growth is not None and growth[0] > EXPLODING_RATIO:
        ratio, first, last = growth
    elif initial is not None and initial > HUGE_INITIAL_GRAD_RMS:
        return _huge_from_the_start(trace, initial)
    elif nonfinite and not lr_symptoms(trace):
        ratio, first, last = math.inf, *(flow[1:] if flow else ("?", "?"))
    else:
        return None  # gradients went non-finite after oversized steps: the learning-rate rule names the cause
    return Diagnosis(
        label="exploding_gradients", confidence=0.85 if flow and ratio > EXPLODING_RATIO else 0.7, severity="critical",
        message=(f"Gradients grow towards the input: the first layer's RMS gradient is {ratio:.3g}x that of a "
                 f"later layer ({first!r} vs {last!r})" if math.isfinite(ratio) else
                 "Gradient norms became infinite or NaN")
                + "; steps in early layers are huge and training is unstable.",
        evidence={"first_last_grad_rms_ratio": fmt(ratio), "first_layer": first, "last_layer": last,
                  "nonfinite_gradients": nonfinite},
        where=first if first != "?" else None,
        fix="Initialise weights with the Kaiming/Xavier scale (each layer's reset_parameters() default) instead of "
            "a fixed large std, add normalisation layers, and clip the gradient norm (e.g. 1.0).",
        patch={"surgery.reset_init": True, "training.grad_clip": 1.0})


def _initial_grad_rms(trace: Trace) -> float | None:
    """Median gradient RMS over weight layers at step 0, before any update (so no learning rate is to blame).

    For regression only when the initial loss dwarfs the targets' own scale: large targets give large
    gradients without anything exploding."""
    if not trace.samples or trace.samples[0].step != 0 or trace.task is None:
        return None
    if trace.task == "regression":
        w = trace.wiring
        scale = math.hypot(w.target_std or 0.0, w.target_abs_mean or 0.0)  # root of the targets' second moment
        first = trace.losses[0] if trace.losses else math.nan
        if not (math.isfinite(first) and first > 0 and math.sqrt(first / HUGE_LOSS_RATIO) > max(scale, 1e-6)):
            return None
    layers = set(weight_layers(trace))
    values = [g.grad_rms for n, g in trace.samples[0].groups.items() if n in layers and g.grad_rms is not None]
    return float(np.median(values)) if values else None


def _huge_from_the_start(trace: Trace, initial: float) -> Diagnosis:
    return Diagnosis(
        label="exploding_gradients", confidence=0.85, severity="critical",
        message=f"Gradients are huge before the first update (median RMS {initial:.3g} per weight; a sane "
                "initialisation gives far below 1): activations grow layer by layer from the initial weights.",
        evidence={"initial_grad_rms": fmt(initial), "initial_loss": fmt(trace.losses[0]) if trace.losses else None},
        where=weight_layers(trace)[0] if weight_layers(trace) else None,
        fix="Initialise weights with the Kaiming/Xavier scale (each layer's reset_parameters() default) instead of "
            "a fixed large std, add normalisation layers, and clip the gradient norm (e.g. 1.0).",
        patch={"surgery.reset_init": True, "training.grad_clip": 1.0})


@rule("vanishing_gradients", priority=33)
def vanishing_gradients(trace: Trace) -> Diagnosis | None:
    """First-layer gradients 1000x smaller than the last layer's while learning poorly; or a plain tanh RNN
    over long sequences stuck near chance while simple models find the signal (vanishing through time)."""
    flow = first_last_grad_ratio(trace)
    if flow is None or (flow[0] >= VANISHING_RATIO and first_layer_recurrent(trace) and flow[0] <= EXPLODING_RATIO):
        return _vanishing_through_time(trace)  # a recurrent layer's gradient can fade over time steps alone
    if flow[0] >= VANISHING_RATIO or not learning_poorly(trace):
        return None
    ratio, first, last = flow
    return Diagnosis(
        label="vanishing_gradients", confidence=0.85, severity="critical",
        message=f"Gradients vanish towards the input: the first layer's RMS gradient is {ratio:.2g}x the last "
                f"layer's ({first!r} vs {last!r}), so early layers barely learn.",
        evidence={"first_last_grad_rms_ratio": fmt(ratio), "first_layer": first, "last_layer": last,
                  "loss_progress": fmt(loss_progress(trace))},
        where=first,
        fix="Use ReLU-family activations instead of sigmoid/tanh between layers, add normalisation (BatchNorm or "
            "LayerNorm) or residual connections, and Kaiming initialisation.",
        patch={"surgery.relu_activations": True})


def _vanishing_through_time(trace: Trace) -> Diagnosis | None:
    length = trace.config.get("sequence_length")
    d = trace.data
    train_metric, val_metric = last_epoch_metrics(trace)
    metric = val_metric if val_metric is not None else train_metric
    if (trace.config.get("recurrent") != "RNN" or not isinstance(length, int) or length < LONG_SEQUENCE
            or metric is None or d.chance_score is None or d.simple_model_score is None
            or metric > d.chance_score + NEAR_CHANCE or d.simple_model_score < d.chance_score + 2 * NEAR_CHANCE):
        return None
    return Diagnosis(
        label="vanishing_gradients", confidence=0.75, severity="critical",
        message=f"A plain tanh RNN over sequences of {length} steps stays near chance ({metric:.3f}) while simple "
                f"models reach {d.simple_model_score:.3f} on the same rows: the gradient from the loss fades over the "
                "time steps, so early inputs never shape the weights.",
        evidence={"sequence_length": length, "metric": fmt(metric), "simple_model_score": fmt(d.simple_model_score),
                  "chance": fmt(d.chance_score)},
        where=trace.locations.get("model_forward") or next((g.name for g in trace.groups if g.kind == "RNN"), None),
        fix="Use nn.LSTM or nn.GRU (gated, they keep gradients over long spans), shorten the sequences, or feed the "
            "informative steps last; clip gradients while tuning.")


@rule("dying_relu", priority=31)
def dying_relu(trace: Trace) -> Diagnosis | None:
    """Most units of a ReLU layer output 0 for every row of the batch (or the layer is 0 for nearly every
    row while the model learns poorly), late in the run. Dead at initialisation (the first sampled step,
    before any update) is the init's fault; units alive then that died later were killed by oversized
    updates, and the rule that names the oversized step (learning rate, confidently wrong init) ranks. Units that
    died along the way in a run that still learns as well as simple models do are no finding."""
    early: dict[str, list[float]] = {}
    late: dict[str, list[float]] = {}
    third = max(1, len(trace.samples) // 3)
    poor = learning_poorly(trace)
    for i, sample in enumerate(trace.samples):
        for name, act in sample.activations.items():
            if act.kind == "relu":
                dead = act.dead_unit_fraction
                if poor and act.zero_fraction >= MOSTLY_ZERO:
                    dead = max(dead, act.zero_fraction)
                if sample.step == trace.samples[0].step:
                    early.setdefault(name, []).append(dead)
                if i >= len(trace.samples) - third:
                    late.setdefault(name, []).append(dead)
    if not late:
        return None
    dead = {name: float(np.median(v)) for name, v in late.items()}
    worst = max(dead, key=dead.get)
    if dead[worst] < DEAD_SHARE:
        return None
    dead_from_start = float(np.median(early.get(worst, [0.0]))) >= DEAD_SHARE
    if not dead_from_start and not poor:
        return None  # units that died along the way in a run that still learns well cost it nothing to name
    spread = group_lr_spread(trace)
    if not dead_from_start and (lr_symptoms(trace) or (spread is not None and spread >= GROUP_LR_SPREAD)
                                or bad_init_loss(trace)):
        return None  # units died after oversized steps: the learning-rate or init rules name the cause
    return Diagnosis(
        label="dying_relu", confidence=0.85 if dead_from_start else 0.7, severity="critical",
        message=f"{dead[worst]:.0%} of the units in {worst!r} output 0 for every input"
                + (" from the first step" if dead_from_start else "") + ": dead ReLUs pass no gradient and never recover.",
        evidence={"worst_layer": worst, "dead_unit_share": fmt(dead[worst]), "dead_from_start": dead_from_start,
                  "layers_checked": len(dead)},
        where=worst,
        fix="Initialise biases at 0 (or a small positive value) rather than negative, use LeakyReLU/GELU, and keep "
            "the learning rate moderate.",
        patch={"surgery.reset_init": True})


@rule("bad_init_loss", priority=34)
def bad_init_loss(trace: Trace) -> Diagnosis | None:
    """The first cross-entropy far above ln(C). Read from the cross-entropy call itself where the probe saw one:
    the loss a script backpropagates may add other terms (a second task, a robust-loss partner)."""
    w = trace.wiring
    losses = finite_losses(trace)
    if not len(losses) or w.loss_kind not in ("cross_entropy", "nll", None):
        return None
    if w.loss_sum_reduction_calls:
        return None  # a summed loss starts at batch x ln(C): wrong_loss_reduction names the cause
    if w.first_class_loss is not None and w.first_class_loss_classes:
        start, classes = w.first_class_loss, w.first_class_loss_classes
    else:
        start, classes = float(losses[0]), trace.num_classes
    if trace.task != "classification" or not classes or not math.isfinite(start):
        return None
    chance = math.log(classes)
    if start < INIT_LOSS_FACTOR * chance or start - chance < 1.0:
        return None
    return Diagnosis(
        label="bad_init_loss", confidence=0.8, severity="minor" if (loss_progress(trace) or 1) < 0.3 else "major",
        message=f"The first cross-entropy is {start:.3g}, {start / chance:.1f}x ln({classes}) = {chance:.3g}: the "
                "untrained model is confidently wrong, and early steps are spent undoing the initialisation.",
        evidence={"initial_loss": fmt(start), "expected_ln_c": fmt(chance), "ratio": fmt(start / chance)},
        where=trace.groups[-1].name if trace.groups else None,
        fix="Initialise the output layer small (e.g. normal std 0.01, or its default scale times 0.1) and its bias "
            "at 0, so the model starts from a near-uniform guess.",
        patch={"surgery.shrink_output": True})
