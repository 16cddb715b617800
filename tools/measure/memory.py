"""Training activation memory: the tensors autograd keeps from the forward pass for backward."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch


def saved_tensor_bytes(forward: Callable[[], torch.Tensor], exclude: Iterable[torch.Tensor] = ()) -> int:
    """Bytes autograd saves while ``forward()`` runs, each storage once, ``exclude`` (weights) left out."""
    excluded = {(t.device, t.untyped_storage().data_ptr()) for t in exclude}
    saved: dict[tuple, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        key = (tensor.device, storage.data_ptr())
        if key not in excluded and storage.nbytes():
            saved[key] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        result = forward()
    del result  # frees the graph, and with it the saved tensors
    return sum(saved.values())


@dataclass(frozen=True)
class ActivationMemory:
    bytes: int
    batch_size: int
    bytes_per_sample: float
    measured_at: tuple[int, ...]


def activation_memory(forward_at: Callable[[int], torch.Tensor], batch_size: int,
                      exclude: Iterable[torch.Tensor] = (), smallest: int = 1) -> ActivationMemory:
    """Saved-tensor bytes of ``forward_at(batch_size)``, measured at two small batches and extrapolated.

    Saved activations grow linearly with the batch, so two measurements (``smallest`` and twice
    that) give the line and large batches of large models are never run. Models with BatchNorm
    need ``smallest=2``: in training mode it refuses a batch of one.
    """
    exclude = list(exclude)
    small, large = min(batch_size, smallest), min(batch_size, 2 * smallest)
    at_small = saved_tensor_bytes(lambda: forward_at(small), exclude)
    if small == large:
        return ActivationMemory(at_small, batch_size, at_small / batch_size, (small,))
    at_large = saved_tensor_bytes(lambda: forward_at(large), exclude)
    per_sample = (at_large - at_small) / (large - small)
    total = round(at_small + per_sample * (batch_size - small))
    return ActivationMemory(total, batch_size, per_sample, (small, large))
