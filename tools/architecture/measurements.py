"""The numbers implement_architecture reports: size, FLOPs, activation memory and latency."""

from __future__ import annotations

import statistics
import time

import torch
from torch import nn

from ml_expert.tools.architecture.checks import first_tensor, task_loss
from ml_expert.tools.measure.flops import FlopCount, count_flops
from ml_expert.tools.measure.memory import ActivationMemory, activation_memory
from ml_expert.tools.models.io import ModelIO

BYTES_PER_VALUE = {"fp32": 4, "bf16": 2, "int8": 1}
LATENCY_RUNS = 20
LATENCY_SECONDS = 1.0


def sizes_mb(model: nn.Module) -> dict[str, float]:
    """Weights and buffers at each precision, in MB (10^6 bytes); int8 ignores quantisation scales."""
    values = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers()
                                                              if b.is_floating_point())
    return {precision: round(values * size / 1e6, 3) for precision, size in BYTES_PER_VALUE.items()}


def flops_per_sample(model: nn.Module, io: ModelIO) -> FlopCount:
    """FLOPs of a batch-1 forward pass at full input size (eval mode)."""
    model.eval()
    return count_flops(model, io.example_input(1))


def training_activation_memory(model: nn.Module, io: ModelIO, batch_size: int) -> ActivationMemory:
    """Saved tensors of a training forward pass plus its loss, at full input size."""
    model.train()
    generator = torch.Generator().manual_seed(0)

    def forward_at(batch: int) -> torch.Tensor:
        inputs = io.example_input(batch, generator)
        if io.task == "classification":
            targets = torch.randint(0, io.num_outputs, (batch,), generator=generator)
        elif io.task == "language_model":
            targets = torch.randint(0, io.num_outputs, inputs.shape, generator=generator)
        else:
            targets = torch.randn(batch, io.num_outputs, generator=generator)
        return task_loss(io, first_tensor(model(inputs)), targets)

    batch_norm = any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules())
    return activation_memory(forward_at, batch_size, exclude=[*model.parameters(), *model.buffers()],
                             smallest=2 if batch_norm else 1)


def batch1_latency_ms(model: nn.Module, io: ModelIO) -> float:
    """Median wall time of a batch-1 forward pass (eval, no grad) after a warm-up run."""
    model.eval()
    example = io.example_input(1)
    times: list[float] = []
    with torch.inference_mode():
        model(example)
        started = time.perf_counter()
        while len(times) < LATENCY_RUNS and (len(times) < 3 or time.perf_counter() - started < LATENCY_SECONDS):
            tick = time.perf_counter()
            model(example)
            times.append(time.perf_counter() - tick)
    return statistics.median(times) * 1e3
