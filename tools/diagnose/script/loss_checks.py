"""Checks on one loss call in script mode: what the loss received, read from its tensors.

Shared by the ``nn``/``functional`` loss wrappers and by ``backward()`` on a hand-written loss
(read through its autograd graph). Each check is cheap and returns a plain value; the probe
counts how often it holds.
"""

from __future__ import annotations

import torch

LOSS_KINDS = {"cross_entropy": "cross_entropy", "nll_loss": "nll", "mse_loss": "mse", "l1_loss": "l1",
              "smooth_l1_loss": "smooth_l1", "huber_loss": "huber", "binary_cross_entropy": "bce",
              "binary_cross_entropy_with_logits": "bce"}
LOGITS_LOSSES = ("binary_cross_entropy_with_logits",)
REGRESSION_LOSSES = ("mse", "l1", "smooth_l1", "huber")
CLASS_LOSSES = ("cross_entropy", "nll")
MAX_INTEGER_CLASSES = 20
UNREACHABLE_SHARE = 0.2  # a fifth of the targets outside what the output can produce
CONSTANT_SPREAD = 1e-6  # predictions closer together than this are one constant
GRAPH_NODES = 60  # autograd nodes walked from a hand-written loss towards the model's output
SAVED = ("_saved_self", "_saved_other", "_saved_result")


def normalised_over_batch(values: torch.Tensor, log: bool) -> bool:
    """(N, C) scores that sum to 1 down each column (the batch axis) and not along each row."""
    if values.dim() != 2 or values.shape[0] < 2 or values.shape[1] < 2:
        return False
    p = values.detach().float()
    p = p.exp() if log else p
    if not torch.isfinite(p).all() or p.min() < 0:
        return False
    columns, rows = (p.sum(0) - 1).abs().max(), (p.sum(1) - 1).abs().max()
    return bool(columns < 1e-3 and rows > 1e-2)


def output_range(predictions: torch.Tensor) -> str | None:
    """The bounded range the predictions sit in: what a ReLU, sigmoid or tanh output allows. A prediction
    that is the same for every row (a collapsed model outputs its bias) says nothing about the activation."""
    p = predictions.detach().float()
    if p.numel() < 2 or not torch.isfinite(p).all():
        return None
    low, high = float(p.min()), float(p.max())
    if high - low <= CONSTANT_SPREAD:
        return None
    if low >= 0 and high <= 1:
        return "unit"
    if low >= 0:
        return "nonnegative"
    if low >= -1 and high <= 1:
        return "symmetric_unit"
    return None


def unreachable_share(kind: str, targets: torch.Tensor) -> float:
    """Share of targets an output bounded to ``kind`` cannot produce."""
    t = targets.detach().float()
    if not t.numel():
        return 0.0
    outside = {"unit": (t < 0) | (t > 1), "nonnegative": t < 0, "symmetric_unit": t.abs() > 1}[kind]
    return float(outside.float().mean())


def broadcasts(predictions: torch.Tensor, targets: torch.Tensor) -> bool:
    """Prediction and target shapes differ and broadcast to more elements than either has."""
    if predictions.shape == targets.shape:
        return False
    try:
        shape = torch.broadcast_shapes(predictions.shape, targets.shape)
    except RuntimeError:
        return False
    return shape.numel() > max(predictions.numel(), targets.numel())


def _saved_shapes(node) -> list[torch.Size]:
    shapes = []
    for name in SAVED:
        try:
            value = getattr(node, name, None)
        except RuntimeError:  # a saved tensor already freed
            continue
        if isinstance(value, torch.Tensor):
            shapes.append(value.shape)
    return shapes


def graph_broadcast(loss: torch.Tensor, output: torch.Tensor) -> bool:
    """A hand-written loss whose graph, between the loss and the model's output, holds a tensor with
    the batch size on two axes while the output has it on one: (N, 1) - (N,) became (N, N)."""
    if output.dim() < 1 or len(output) < 4 or loss.grad_fn is None:
        return False
    batch = len(output)
    if sum(d == batch for d in output.shape) > 1:
        return False
    stop, seen, queue = output.grad_fn, set(), [loss.grad_fn]
    while queue and len(seen) < GRAPH_NODES:
        node = queue.pop()
        if node is None or node is stop or id(node) in seen:
            continue
        seen.add(id(node))
        if any(sum(d == batch for d in shape) >= 2 for shape in _saved_shapes(node)):
            return True
        queue.extend(child for child, _ in node.next_functions)
    return False


def summed(loss: torch.Tensor, min_rows: int = 8) -> bool:
    """A hand-written loss whose last op sums over many elements (``.sum()`` where ``.mean()`` was meant)."""
    node = loss.grad_fn
    if node is None or type(node).__name__ != "SumBackward0":
        return False
    sizes = getattr(node, "_saved_self_sym_sizes", None)
    count = 1
    for size in sizes or ():
        count *= int(size)
    return count >= min_rows
