"""Memory of one training step, estimated before training: parameters, gradients, optimiser state
and the activations autograd keeps for the backward pass; and activation checkpointing.

Activations are counted on the meta device (shapes, no storage) by a saved-tensors hook: every
tensor the forward pass saves for backward, each counted once (views by their base, parameters
not at all), plus the two largest of them for the gradients alive at once during backward.
Checkpointing splits each ``nn.Sequential`` child of n layers into segments of ceil(sqrt(n))
layers (Chen et al. 2016); a segment keeps only its input, and one segment at a time re-saves
its own tensors during backward. The peak is parameters + gradients + the larger of (activations, optimiser
state): activations are freed by the end of backward, before the optimiser's first step
allocates its state. Activations grow with the batch, so the largest batch that fits follows
from one pass. Checked on CPU in a fresh process against the resident-memory peak
(``tests/test_train_memory.py``: within 25%).
"""

from __future__ import annotations

import copy
import functools
import math
from dataclasses import dataclass

from torch import nn

from ml_expert.tools.models.io import ModelIO

FP32 = 4


def optimizer_slots(optimizer: str, momentum: float) -> int:
    """fp32 state tensors per parameter: Adam/AdamW two moments, SGD its momentum, RMSprop square avg (+momentum)."""
    if optimizer in ("adam", "adamw"):
        return 2
    if optimizer == "sgd":
        return 1 if momentum > 0 else 0
    return 1 + (momentum > 0)


@dataclass(frozen=True)
class StepMemory:
    parameters: int
    gradients: int
    optimizer: int
    activations: int  # at ``batch_size``
    batch_size: int

    @property
    def peak(self) -> int:
        return self.parameters + self.gradients + max(self.activations, self.optimizer)

    def largest_batch(self, limit: int) -> int:
        """The largest batch whose step fits in ``limit`` bytes (0 when even the weights do not)."""
        fixed = self.parameters + self.gradients
        if fixed + self.optimizer > limit:
            return 0
        per_row = self.activations / self.batch_size
        return int((limit - fixed) // per_row) if per_row else self.batch_size


def segments(model: nn.Module) -> list[list[nn.Module]]:
    """The runs of layers checkpointing wraps: each Sequential child's layers in ceil(sqrt(n)) chunks."""
    found = []
    for child in model.children():
        if isinstance(child, nn.Sequential) and len(child) >= 2:
            layers, size = list(child), math.ceil(math.sqrt(len(child)))
            found += [layers[i:i + size] for i in range(0, len(layers), size)]
    return found


def checkpoint_segments(model: nn.Module) -> int:
    """Recompute each segment's activations in backward instead of keeping them; returns the segment count."""
    from torch.utils.checkpoint import checkpoint

    def run(chunk, x):
        for layer in chunk:
            x = layer(x)
        return x

    def forward(chunks, x):
        for chunk in chunks:
            x = checkpoint(run, chunk, x, use_reentrant=False)
        return x

    count = 0
    for child in model.children():
        if isinstance(child, nn.Sequential) and len(child) >= 2:
            chunks = [chunk for chunk in segments(model) if chunk[0] in list(child)]
            child.forward = functools.partial(forward, chunks)
            count += len(chunks)
    return count


def saved_activation_bytes(model: nn.Module, io: ModelIO, batch_size: int, *, checkpointed: bool) -> int | None:
    """Bytes autograd keeps for backward at ``batch_size``, from a meta copy of ``model``; None when
    the model cannot run on the meta device."""
    import torch

    try:
        meta = copy.deepcopy(model).to("meta").train()
        parameters = {id(p) for p in meta.parameters()}
        saved: dict[int, tuple[int, int]] = {}  # tensor -> (bytes, segment index or -1)
        inputs: list[int] = []
        running = [-1]

        def enter(index, _module, args):
            running[0] = index
            inputs.append(sum(a.numel() * a.element_size() for a in args if isinstance(a, torch.Tensor)))

        def pack(tensor):
            base = tensor._base if tensor._base is not None else tensor
            if id(base) not in parameters and id(tensor) not in parameters:
                saved.setdefault(id(base), (base.numel() * base.element_size(), running[0]))
            return tensor

        chunks = segments(meta)
        hooks = [chunk[0].register_forward_pre_hook(functools.partial(enter, i)) for i, chunk in enumerate(chunks)]
        hooks += [chunk[-1].register_forward_hook(lambda *_: running.__setitem__(0, -1)) for chunk in chunks]
        with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
            dtype = torch.long if io.input_kind == "tokens" else torch.float32
            meta(torch.zeros((batch_size, *io.input_shape), dtype=dtype, device="meta"))
        for hook in hooks:
            hook.remove()
    except Exception:  # no estimate; the real build reports its own errors
        return None
    sizes = sorted((size for size, _ in saved.values()), reverse=True)
    if not checkpointed or not inputs:
        return sum(sizes) + sum(sizes[:2])
    outside = sum(size for size, block in saved.values() if block < 0)
    per_block: dict[int, int] = {}
    for size, block in saved.values():
        if block >= 0:
            per_block[block] = per_block.get(block, 0) + size
    # a segment's recomputed tensors include its input, which is already kept
    recomputed = max((size - inputs[block] for block, size in per_block.items()), default=0)
    return outside + sum(inputs) + max(recomputed, 0) + sum(sizes[:2])


def estimate_step(model: nn.Module, io: ModelIO, batch_size: int, optimizer: str, momentum: float, *,
                  checkpointed: bool = False) -> StepMemory | None:
    activations = saved_activation_bytes(model, io, batch_size, checkpointed=checkpointed)
    if activations is None:
        return None
    weights = sum(p.numel() for p in model.parameters() if p.requires_grad) * FP32
    return StepMemory(parameters=weights, gradients=weights, optimizer=weights * optimizer_slots(optimizer, momentum),
                      activations=activations, batch_size=batch_size)


def describe(memory: StepMemory, limit: int | None) -> str:
    from ml_expert.tools.memory import human_bytes

    text = (f"a training step at batch {memory.batch_size} needs about {human_bytes(memory.peak)} "
            f"(weights {human_bytes(memory.parameters)}, gradients {human_bytes(memory.gradients)}, optimiser "
            f"{human_bytes(memory.optimizer)}, activations {human_bytes(memory.activations)})")
    if limit is None:
        return text
    verdict = "fits" if memory.peak <= limit else "does not fit"
    return f"{text}: {verdict} in {human_bytes(limit)}; the largest batch that fits is {memory.largest_batch(limit):,}"


def memory_limit(limit_gb: float | None, device) -> int | None:
    """The bytes a training step may take: the spec's limit, else what the device has free."""
    import torch

    if limit_gb is not None:
        return int(limit_gb * 2 ** 30)
    if device.type == "cuda":
        return int(torch.cuda.mem_get_info(device)[0] + torch.cuda.memory_allocated(device))
    from ml_expert.tools.memory import available_bytes

    return available_bytes()


class PeakMemory:
    """The rise in memory while training, plus the weights: CUDA's allocator peak, or on CPU the
    resident high-water mark (reset through /proc/self/clear_refs; it also counts what the C
    allocator keeps cached, so it reads high). None where neither can be read."""

    def __init__(self, device, weights: int):
        import torch

        self.device, self.weights, self.start = device, weights, None
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
            self.start = torch.cuda.memory_allocated(device)
            return
        try:
            with open("/proc/self/clear_refs", "w") as handle:
                handle.write("5")
            self.start = _status_bytes("VmRSS")
        except OSError:
            self.start = None

    def rise(self) -> int | None:
        import torch

        if self.start is None:
            return None
        peak = (torch.cuda.max_memory_allocated(self.device) if self.device.type == "cuda"
                else _status_bytes("VmHWM"))
        return None if peak is None else max(peak - self.start, 0) + self.weights


def _status_bytes(key: str) -> int | None:
    from ml_expert.tools.memory import _proc_kib

    return _proc_kib("/proc/self/status", key)
