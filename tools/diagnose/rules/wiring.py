"""Rules for training-loop wiring: zero_grad, optimizer coverage, frozen layers, loss inputs, train/eval mode."""

from __future__ import annotations

import math

from ml_expert.tools.diagnose.measures import fmt, last_epoch_metrics, little_progress
from ml_expert.tools.diagnose.registry import rule
from ml_expert.tools.diagnose.rules.crash import crash_finding
from ml_expert.tools.diagnose.schema import Diagnosis
from ml_expert.tools.diagnose.trace import Trace

MODE_SHARE = 0.5  # share of forwards in the wrong mode that makes it a habit, not a one-off
BACKWARDS_PER_STEP = 32  # more backward() calls than this per optimizer.step(): not gradient accumulation
NO_GRADIENT_SHARE = 0.05  # parameters in the optimizer that never get a gradient, as a share of all
FROZEN_SHARE = 0.1  # frozen parameters, as a share of all
EMBEDDINGS = ("Embedding", "EmbeddingBag")
BATCH_OF_ONE_SHARE = 0.2  # training batches of one through batch-norm


def _at(trace: Trace, *keys: str) -> str | None:
    return next((trace.locations[k] for k in keys if k in trace.locations), None)


@rule("missing_zero_grad", priority=10)
def missing_zero_grad(trace: Trace) -> Diagnosis | None:
    """zero_grad() never (or far too rarely) called, and gradients seen still there at backward() after a step."""
    w = trace.wiring
    # Gradients seen still there at backward() prove the accumulation; a missing call alone could be a
    # hand-written reset (p.grad = None).
    if w.optimizer_steps < 3 or w.zero_grad_calls * 2 > w.optimizer_steps or w.stale_grad_backwards < 1:
        return None
    return Diagnosis(
        label="missing_zero_grad", confidence=0.95, severity="critical",
        message=f"zero_grad() was called {w.zero_grad_calls} times in {w.optimizer_steps} optimizer steps: every step "
                "applies the sum of all gradients so far, so updates grow without bound.",
        evidence={"optimizer_steps": w.optimizer_steps, "backward_calls": w.backward_calls,
                  "zero_grad_calls": w.zero_grad_calls,
                  "backwards_onto_stale_gradients": w.stale_grad_backwards},
        where=_at(trace, "backward", "step"),
        fix="Call optimizer.zero_grad() once per step, before loss.backward() (or set_to_none=True).",
        patch={"script.zero_grad": True})


@rule("params_missing_from_optimizer", priority=11)
def params_missing_from_optimizer(trace: Trace) -> Diagnosis | None:
    left_out = [g for g in trace.groups if g.trainable and g.got_grad and not g.in_optimizer]
    if not left_out or not trace.wiring.optimizer_steps:
        return None
    total = sum(g.n_params for g in trace.groups)
    share = sum(g.n_params for g in left_out) / max(total, 1)
    names = [g.name for g in left_out]
    unregistered = any(g.kind == "unregistered" for g in left_out)
    return Diagnosis(
        label="params_missing_from_optimizer", confidence=0.9, severity="critical",
        message=f"{len(left_out)} layer group(s) ({share:.0%} of the parameters) get gradients but no optimizer holds "
                f"them, so they never change: {names[:5]}."
                + (" The model does not register some of them, so model.parameters() never lists them."
                   if unregistered else ""),
        evidence={"groups_left_out": len(left_out), "params_left_out_share": fmt(share), "first": names[0],
                  "unregistered": unregistered},
        where=_at(trace, "optimizer") or names[0],
        fix=("Register every layer with the model: keep layers in nn.ModuleList (not a Python list) and learnable "
             "tensors as nn.Parameter attributes, then build the optimizer from model.parameters()."
             if unregistered else
             "Build the optimizer from model.parameters() after the model is complete (not from one sub-module, "
             "and not from a model object that was replaced later)."))


@rule("frozen_parameters", priority=12)
def frozen_parameters(trace: Trace) -> Diagnosis | None:
    """Layers with requires_grad=False that never changed: a tenth of the parameters or more, or an embedding
    (a frozen embedding keeps its random initial vectors unless weights were loaded into it)."""
    frozen = [g for g in trace.groups if not g.trainable and g.changed is False]
    if not frozen or not trace.groups:
        return None
    total = sum(g.n_params for g in trace.groups)
    share = sum(g.n_params for g in frozen) / max(total, 1)
    if share < FROZEN_SHARE and not any(g.kind in EMBEDDINGS for g in frozen):
        return None
    train_metric, _ = last_epoch_metrics(trace)
    floor = trace.data.simple_model_score
    struggling = (floor is not None and train_metric is not None and train_metric < floor - 0.05) or (
        little_progress(trace))
    names = [g.name for g in frozen]
    return Diagnosis(
        label="frozen_parameters", confidence=0.85 if struggling else 0.55, severity="major",
        message=f"{share:.0%} of the parameters ({names[:5]}) have requires_grad=False and never changed"
                + (", and the model learns poorly without them." if struggling else "."),
        evidence={"frozen_groups": len(frozen), "frozen_share": fmt(share), "train_metric": fmt(train_metric),
                  "simple_model_score": fmt(floor)},
        where=_at(trace, "freeze") or names[0],
        fix="Set requires_grad=True on these layers (freeze layers only after loading pretrained weights into "
            "them), and rebuild the optimizer so it holds them.",
        patch={"surgery.unfreeze": True})


@rule("softmax_into_cross_entropy", priority=13)
def softmax_into_cross_entropy(trace: Trace) -> Diagnosis | None:
    w = trace.wiring
    if w.loss_kind not in ("cross_entropy", "nll") or not w.loss_calls_checked:
        return None
    share = w.loss_input_probability_calls / w.loss_calls_checked
    if share < 0.5:
        return None
    return Diagnosis(
        label="softmax_into_cross_entropy", confidence=0.95, severity="major",
        message=f"The {w.loss_kind} loss received probabilities (rows in [0, 1] summing to 1) in {share:.0%} of the "
                "checked calls: softmax is applied twice and gradients shrink.",
        evidence={"calls_checked": w.loss_calls_checked, "probability_inputs": w.loss_input_probability_calls},
        where=_at(trace, "loss", "model"),
        fix="Return raw logits from the model and pass them to cross_entropy (it applies log-softmax); use softmax "
            "only to report probabilities. With nll_loss, feed log_softmax outputs.",
        patch={"surgery.drop_output_softmax": True})


@rule("regression_loss_on_classes", priority=14)
def regression_loss_on_classes(trace: Trace) -> Diagnosis | None:
    w = trace.wiring
    if not w.integer_targets_with_regression_loss:
        return None
    return Diagnosis(
        label="regression_loss_on_classes", confidence=0.8, severity="critical",
        message=f"A {w.loss_kind} loss is fitted to {w.regression_target_values} integer target values 0..K-1: class "
                "indices treated as numbers impose an order and distances that classes do not have.",
        evidence={"loss": w.loss_kind, "distinct_targets": w.regression_target_values},
        where=_at(trace, "loss"),
        fix="Give the model one output per class and train with nn.CrossEntropyLoss on the integer labels "
            "(long dtype); predict with argmax.")


@rule("eval_mode_in_training", priority=15)
def eval_mode_in_training(trace: Trace) -> Diagnosis | None:
    w = trace.wiring
    if not w.mode_layers or w.grad_forwards < 3 or w.grad_forwards_in_eval / w.grad_forwards < MODE_SHARE:
        return None
    return Diagnosis(
        label="eval_mode_in_training", confidence=0.9, severity="major",
        message=f"{w.grad_forwards_in_eval} of {w.grad_forwards} training forwards ran in eval mode: dropout is off "
                "and batch-norm uses frozen running statistics while the weights train.",
        evidence={"grad_forwards": w.grad_forwards, "in_eval_mode": w.grad_forwards_in_eval},
        where=_at(trace, "eval_call", "backward"),
        fix="Call model.train() at the start of every training epoch (validation code calls model.eval() and "
            "nothing switches it back).",
        patch={"script.modes": True})


@rule("train_mode_in_validation", priority=16)
def train_mode_in_validation(trace: Trace) -> Diagnosis | None:
    w = trace.wiring
    if not w.mode_layers or w.nograd_forwards < 1 or w.nograd_forwards_in_train / w.nograd_forwards < MODE_SHARE:
        return None
    return Diagnosis(
        label="train_mode_in_validation", confidence=0.85, severity="major",
        message=f"{w.nograd_forwards_in_train} of {w.nograd_forwards} no-grad (validation) forwards ran in train "
                "mode: dropout makes the scores noisy and batch-norm updates its statistics on validation data.",
        evidence={"nograd_forwards": w.nograd_forwards, "in_train_mode": w.nograd_forwards_in_train},
        where=_at(trace, "validation_forward"),
        fix="Call model.eval() before validating (and model.train() before training resumes).",
        patch={"script.modes": True})


@rule("optimizer_step_missing", priority=9)
def optimizer_step_missing(trace: Trace) -> Diagnosis | None:
    """backward() far more often than optimizer.step(), or step() never called: gradients are thrown away.

    Gradient accumulation (several backwards per step, one zero_grad per step) is not this; zero_grad()
    between the backwards, or more than BACKWARDS_PER_STEP of them per step, is."""
    w = trace.wiring
    if w.backward_calls < 3 or trace.optimizer == "lbfgs":
        return None  # L-BFGS re-evaluates its closure, backward() included, many times in one step()
    steps = w.optimizer_steps
    per_step = w.backward_calls / steps if steps else math.inf
    wiped = steps and per_step >= 2 and w.zero_grad_calls >= 2 * steps
    if steps and not wiped and per_step < BACKWARDS_PER_STEP:
        return None
    return Diagnosis(
        label="optimizer_step_missing", confidence=0.95 if not steps else 0.85, severity="critical",
        message=(f"optimizer.step() was never called in {w.backward_calls} backward() calls: the weights never change."
                 if not steps else
                 f"backward() ran {w.backward_calls} times but optimizer.step() only {steps} "
                 f"({per_step:.0f} per step)" + (", with zero_grad() wiping the gradients in between" if wiped else "")
                 + ": most batches' gradients are thrown away."),
        evidence={"backward_calls": w.backward_calls, "optimizer_steps": steps, "zero_grad_calls": w.zero_grad_calls,
                  "backwards_per_step": fmt(per_step)},
        where=_at(trace, "step", "backward"),
        fix="Call optimizer.step() once per batch, right after loss.backward() (inside the batch loop), with "
            "optimizer.zero_grad() before the backward.")


@rule("no_gradient_flow", priority=11)
def no_gradient_flow(trace: Trace) -> Diagnosis | None:
    """Parameters the optimizer holds, with requires_grad=True, never receive a gradient: the graph is cut
    (detach(), .data, a numpy round trip or no_grad inside forward)."""
    crashed = crash_finding(trace, "no_gradient_flow", "the loss is not connected to any parameter",
                            "Keep the forward pass inside autograd: no detach(), .data, .numpy() or torch.no_grad() "
                            "between the parameters and the loss.")
    if crashed:
        return crashed
    if trace.wiring.optimizer_steps < 3:
        return None
    # A group that never got a gradient misses all of it; one that did may still miss a weight whose use went
    # through .data while its bias stayed in the graph.
    missing = {g.name: g.params_without_grad if g.got_grad else g.n_params for g in trace.groups
               if g.trainable and g.in_optimizer}
    cut = [g for g in trace.groups if missing.get(g.name)]
    total = sum(g.n_params for g in trace.groups)
    share = sum(missing[g.name] for g in cut) / max(total, 1)
    if not cut or share < NO_GRADIENT_SHARE:
        return None
    names = [g.name for g in cut]
    return Diagnosis(
        label="no_gradient_flow", confidence=0.9, severity="critical",
        message=f"{len(cut)} layer group(s) hold parameters ({share:.0%} of all) that are trainable and in the "
                f"optimizer but never received a gradient: {names[:5]}. The graph from the loss back to them is cut.",
        evidence={"groups_without_gradient": len(cut), "params_share": fmt(share), "first": names[0]},
        where=_at(trace, "model_forward", "forward") or names[0],
        fix=f"In forward, keep {names[0]!r}'s output inside autograd: remove detach(), .data, a numpy round trip "
            "(.numpy() / torch.tensor(...)) or torch.no_grad() between these layers and the loss.")


@rule("batchnorm_batch_of_one", priority=17)
def batchnorm_batch_of_one(trace: Trace) -> Diagnosis | None:
    """Batch-norm in training mode receives batches of one row (a crash for BatchNorm1d, noise otherwise)."""
    crashed = crash_finding(trace, "batchnorm_batch_of_one", "batch-norm cannot normalise one row",
                            "Drop the last incomplete batch (DataLoader(drop_last=True)), use a batch size that does "
                            "not leave one row, or switch to LayerNorm/GroupNorm.")
    if crashed:
        return crashed
    w = trace.wiring
    if not w.bn_batch_of_one_forwards or not w.grad_forwards:
        return None
    share = w.bn_batch_of_one_forwards / w.grad_forwards
    return Diagnosis(
        label="batchnorm_batch_of_one", confidence=0.9 if share >= BATCH_OF_ONE_SHARE else 0.6, severity="major",
        message=f"{w.bn_batch_of_one_forwards} of {w.grad_forwards} training forwards sent a batch of one row through "
                "batch-norm in training mode: its batch statistics are undefined (one value per channel).",
        evidence={"batch_of_one_forwards": w.bn_batch_of_one_forwards, "grad_forwards": w.grad_forwards},
        where=_at(trace, "batch_of_one", "forward"),
        fix="Use batches of several rows (drop_last=True for the last one), or replace BatchNorm with "
            "LayerNorm/GroupNorm when batches must be tiny.")
