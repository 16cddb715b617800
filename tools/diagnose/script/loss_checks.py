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
# The op that produced the predictions, and the range it bounds them to; reshapes and casts in between
# change nothing (``.squeeze(1)``, ``.view(-1)``, an autocast output's ``.float()``).
BOUNDED_OUTPUTS = {"ReluBackward0": "nonnegative", "SoftplusBackward0": "nonnegative",
                   "ExpBackward0": "nonnegative", "AbsBackward0": "nonnegative", "ClampMinBackward0": "nonnegative",
                   "SigmoidBackward0": "unit", "SoftmaxBackward0": "unit",
                   "TanhBackward0": "symmetric_unit", "HardtanhBackward0": "symmetric_unit"}
SHAPE_ONLY_OPS = {"View", "UnsafeView", "ReshapeAlias", "Squeeze", "Unsqueeze", "Select", "Slice", "T", "Permute",
                  "Transpose", "Clone", "Expand", "ToCopy", "Alias"}
GRAPH_HOPS = 8  # ops walked back from the predictions to find the output activation
GRAPH_NODES = 60  # autograd nodes walked from a hand-written loss towards the model's output
SAVED = ("_saved_self", "_saved_other", "_saved_result")


def contrastive(input: torch.Tensor, target: torch.Tensor) -> bool:
    """A cross-entropy over a batch's similarities (InfoNCE, NT-Xent): square logits whose targets are the
    positions of the batch, each once. Its "classes" are rows of the batch, not labels."""
    rows = len(target) if target.dim() == 1 else -1
    if input.dim() != 2 or input.shape != (rows, rows) or target.dtype != torch.long:
        return False
    return bool(torch.equal(target.sort().values, torch.arange(rows, device=target.device)))


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
    """The range the output activation bounds predictions to, read from the op that produced them (through
    reshapes and casts): a ReLU, sigmoid or tanh head. Small raw outputs of a slow or collapsed model are
    bounded by nothing, however close to zero they sit."""
    node = predictions.grad_fn
    for _ in range(GRAPH_HOPS):
        if node is None:
            return None
        name = type(node).__name__
        if name in BOUNDED_OUTPUTS:
            return BOUNDED_OUTPUTS[name]
        if name.rstrip("0123456789").removesuffix("Backward") not in SHAPE_ONLY_OPS:
            return None
        node = next((child for child, _ in node.next_functions if child is not None), None)
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


def _graph_between(loss: torch.Tensor, output: torch.Tensor):
    """Autograd nodes of a hand-written loss between the loss and the model's output (at most GRAPH_NODES)."""
    stop, seen, queue = output.grad_fn, set(), [loss.grad_fn]
    while queue and len(seen) < GRAPH_NODES:
        node = queue.pop()
        if node is None or node is stop or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        queue.extend(child for child, _ in node.next_functions)


def graph_broadcast(loss: torch.Tensor, output: torch.Tensor) -> bool:
    """A hand-written loss whose graph, between the loss and the model's output, holds a tensor with
    the batch size on two axes while the output, one value per row, has it on one: (N, 1) - (N,) became
    (N, N). Outputs of many values per row (embeddings) make (N, N) distance matrices on purpose."""
    if output.dim() < 1 or len(output) < 4 or loss.grad_fn is None or output.numel() != len(output):
        return False
    batch = len(output)
    if sum(d == batch for d in output.shape) > 1:
        return False
    return any(sum(d == batch for d in shape) >= 2
               for node in _graph_between(loss, output) for shape in _saved_shapes(node))


def graph_normalised_over_batch(loss: torch.Tensor, output: torch.Tensor) -> bool:
    """A hand-written loss whose softmax / log_softmax, between the loss and the model's output, normalised
    over the batch axis (``log_softmax(logits, dim=0)``)."""
    if loss.grad_fn is None:
        return False
    for node in _graph_between(loss, output):
        name = type(node).__name__
        if name in ("LogSoftmaxBackward0", "SoftmaxBackward0"):
            try:
                result = node._saved_result
            except RuntimeError:  # freed
                continue
            if isinstance(result, torch.Tensor) and normalised_over_batch(result, log=name == "LogSoftmaxBackward0"):
                return True
    return False


def summed(loss: torch.Tensor, min_rows: int = 8) -> bool:
    """A hand-written loss that sums over many elements (``.sum()`` where ``.mean()`` was meant), seen through
    a sign or a constant factor after the sum (``-(...).sum()``, ``0.5 * (...).sum()``): the factor must not
    undo the sum (``.sum() / len(batch)`` is a mean)."""
    node, scale = loss.grad_fn, 1.0
    for _ in range(GRAPH_HOPS):
        name = type(node).__name__ if node is not None else None
        if name == "SumBackward0":
            count = 1
            for size in getattr(node, "_saved_self_sym_sizes", None) or ():
                count *= int(size)
            return count * scale >= min_rows
        factor = _constant_factor(node) if name in ("NegBackward0", "MulBackward0", "DivBackward0") else None
        if factor is None:
            return False
        scale *= factor
        node = node.next_functions[0][0]
    return False


def _constant_factor(node) -> float | None:
    """|factor| a negation, or a multiplication / division by a constant, applies; None for anything else."""
    name = type(node).__name__
    if name == "NegBackward0":
        return 1.0
    if len(node.next_functions) != 2 or node.next_functions[1][0] is not None:
        return None  # the other operand carries a gradient: not a constant
    try:
        other = node._saved_other
    except RuntimeError:
        return None
    if not isinstance(other, torch.Tensor) or other.numel() != 1 or not float(other):
        return None
    value = abs(float(other))
    return value if name == "MulBackward0" else 1.0 / value
