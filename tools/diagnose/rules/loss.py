"""Rules for what reaches the loss: its reduction, the shapes it compares, and whether the model's output
activation can produce the targets. They read the script probe's loss checks (``script.loss_checks``)."""

from __future__ import annotations

from ml_expert.tools.diagnose.measures import finite_losses, fmt
from ml_expert.tools.diagnose.registry import rule
from ml_expert.tools.diagnose.rules.crash import crash_finding
from ml_expert.tools.diagnose.schema import Diagnosis
from ml_expert.tools.diagnose.trace import Trace

HABIT = 0.5  # share of checked loss calls showing the fault: a habit of the code, not one odd batch


def _share(count: int, trace: Trace) -> float:
    return count / max(trace.wiring.loss_calls_checked, 1)


def _at(trace: Trace, *keys: str) -> str | None:
    return next((trace.locations[k] for k in keys if k in trace.locations), None)


def _summed_initial_loss(trace: Trace) -> float | None:
    """Initial loss / (batch x ln C) for a classification loss: about 1 when the loss sums over the batch."""
    losses, chance, batch = finite_losses(trace), trace.chance_loss, trace.wiring.loss_batch
    if not len(losses) or not chance or not batch or batch < 8:
        return None
    return float(losses[0]) / (batch * chance)


@rule("wrong_loss_reduction", priority=13)
def wrong_loss_reduction(trace: Trace) -> Diagnosis | None:
    """The loss sums over the batch (reduction="sum", or a hand-written loss ending in .sum()) or normalises
    over the batch axis (log_softmax(dim=0))."""
    crashed = crash_finding(trace, "wrong_loss_reduction", "the loss was not reduced to one number",
                            "Reduce the loss to a scalar with .mean() over the batch before backward().")
    if crashed:
        return crashed
    w = trace.wiring
    wrong_axis = _share(w.loss_wrong_axis_calls, trace) >= HABIT
    summed_ratio = _summed_initial_loss(trace)  # evidence only: a huge loss from unscaled inputs can match it too
    if not (wrong_axis or w.loss_sum_reduction_calls):
        return None
    evidence = {"sum_reduction_calls": w.loss_sum_reduction_calls, "wrong_axis_calls": w.loss_wrong_axis_calls,
                "calls_checked": w.loss_calls_checked, "batch": w.loss_batch,
                "initial_loss_over_batch_ln_c": fmt(summed_ratio)}
    if wrong_axis:
        return Diagnosis(
            label="wrong_loss_reduction", confidence=0.9, severity="critical",
            message=f"The loss received scores normalised over the batch axis (columns sum to 1) in "
                    f"{w.loss_wrong_axis_calls} of {w.loss_calls_checked} checked calls: softmax / log_softmax ran "
                    "over dim=0, so each row's 'probabilities' depend on the other rows.",
            evidence=evidence, where=_at(trace, "model_forward", "loss"),
            fix="Normalise over the class axis: log_softmax(logits, dim=1) (or dim=-1), or pass raw logits to "
                "cross_entropy.")
    return Diagnosis(
        label="wrong_loss_reduction", confidence=0.8, severity="major",
        message=f"The loss sums over the batch of {w.loss_batch} instead of averaging"
                + (f" (its first value is {summed_ratio:.2g}x batch x ln(C))" if summed_ratio else "")
                + ": gradients scale with the batch size, so the effective learning rate does too.",
        evidence=evidence, where=_at(trace, "loss", "backward"),
        fix="Use reduction='mean' (the default), or divide the summed loss by the batch size.")


@rule("loss_shape_broadcast", priority=14)
def loss_shape_broadcast(trace: Trace) -> Diagnosis | None:
    """Prediction and target shapes broadcast to a bigger shape inside the loss: (N, 1) against (N,) gives (N, N)."""
    crashed = crash_finding(trace, "loss_shape_broadcast", "prediction and target shapes differ",
                            "Give predictions and targets the same shape (output.squeeze(1), or target.float()"
                            ".unsqueeze(1)).")
    if crashed:
        return crashed
    w = trace.wiring
    warned = next((x for x in trace.warnings if "target size" in x.message.lower()
                   and "different to the input size" in x.message.lower()), None)
    if not w.loss_broadcast_calls and warned is None:
        return None
    return Diagnosis(
        label="loss_shape_broadcast", confidence=0.9, severity="critical",
        message="Predictions and targets have different shapes that broadcast inside the loss (e.g. (N, 1) against "
                "(N,) becomes (N, N)): every prediction is compared with every target, so the model learns the mean."
                + (f" PyTorch warned: {warned.message[:160]}" if warned else ""),
        evidence={"broadcast_calls": w.loss_broadcast_calls, "calls_checked": w.loss_calls_checked,
                  "hand_written_loss": bool(w.hand_written_loss_backwards), "warning": warned.message[:200]
                  if warned else None},
        where=_at(trace, "broadcast", "loss", "backward") or (warned.where if warned else None),
        fix="Give predictions and targets the same shape before the loss: output.squeeze(-1) for (N,) targets, "
            "or y.view(-1, 1) for (N, 1) outputs.")


@rule("output_activation_mismatch", priority=15)
def output_activation_mismatch(trace: Trace) -> Diagnosis | None:
    """The output's range cannot reach the targets: ReLU/sigmoid/tanh on signed or wider targets, a sigmoid
    before a with-logits loss, or raw outputs into BCELoss (which crashes)."""
    crashed = crash_finding(trace, "output_activation_mismatch", "BCELoss needs probabilities in [0, 1]",
                            "Return raw logits and use BCEWithLogitsLoss (or apply sigmoid before BCELoss).")
    if crashed:
        return crashed
    w = trace.wiring
    squashed = _share(w.logits_loss_probability_calls, trace) >= HABIT
    bounded = _share(w.bounded_output_calls, trace) >= HABIT
    if not (squashed or bounded):
        return None
    where = _at(trace, "model_forward", "forward")
    if squashed:
        return Diagnosis(
            label="output_activation_mismatch", confidence=0.9, severity="major",
            message=f"A with-logits loss received values already in [0, 1] in {w.logits_loss_probability_calls} of "
                    f"{w.loss_calls_checked} checked calls: sigmoid is applied twice, so gradients shrink and "
                    "predictions cannot reach the targets.",
            evidence={"squashed_calls": w.logits_loss_probability_calls, "calls_checked": w.loss_calls_checked},
            where=where,
            fix="Drop the sigmoid at the end of the model: BCEWithLogitsLoss applies it (apply sigmoid only to "
                "report probabilities).")
    target = {"nonnegative": "negative targets", "unit": "targets outside [0, 1]",
              "symmetric_unit": "targets outside [-1, 1]"}.get(w.output_range or "", "the targets")
    return Diagnosis(
        label="output_activation_mismatch", confidence=0.85, severity="critical",
        message=f"The model's outputs stay {_range_text(w.output_range)} while a fifth or more of the regression "
                f"targets lie outside that range ({target}): the output activation cannot produce them.",
        evidence={"output_range": w.output_range, "bounded_calls": w.bounded_output_calls,
                  "calls_checked": w.loss_calls_checked, "target_std": fmt(w.target_std)},
        where=where,
        fix="Remove the activation on the output layer (a regression head is a plain Linear), or rescale the "
            "targets into the activation's range.")


def _range_text(kind: str | None) -> str:
    return {"nonnegative": ">= 0 (ReLU-like)", "unit": "in [0, 1] (sigmoid-like)",
            "symmetric_unit": "in [-1, 1] (tanh-like)"}.get(kind or "", "bounded")
