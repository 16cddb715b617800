"""The numbers implement_architecture reports: size, FLOPs, activation memory and latency."""

from __future__ import annotations

import time
from dataclasses import dataclass

import torch
from torch import nn

from ml_expert.tools.architecture.checks import first_tensor, task_loss
from ml_expert.tools.measure.flops import FlopCount, count_flops
from ml_expert.tools.measure.memory import ActivationMemory, activation_memory
from ml_expert.tools.models.io import ModelIO

BYTES_PER_VALUE = {"fp32": 4, "bf16": 2, "int8": 1}
LATENCY_RUNS = 200
LATENCY_SECONDS = 1.0
MIN_LATENCY_SAMPLES = 20
MAX_LATENCY_SECONDS = 10.0


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


@dataclass(frozen=True)
class Latency:
    """Batch-1 forward time: the median over ``samples`` timed calls on ``threads`` intra-op threads."""

    median_ms: float
    p90_ms: float
    samples: int
    threads: int


def batch1_latency(model: nn.Module, io: ModelIO, threads: int) -> Latency:
    """Timed batch-1 forward passes (eval, no grad) after a warm-up, with the thread count pinned.

    At least LATENCY_SECONDS of calls, and at least MIN_LATENCY_SAMPLES of them unless that would
    take more than MAX_LATENCY_SECONDS (a slow model's median from 3 calls is mostly noise).
    """
    from ml_expert.tools.measure.timing import LatencyStats, time_calls, torch_threads, warm_up

    model.eval()
    example = io.example_input(1)
    with torch_threads(threads), torch.inference_mode():
        started = time.perf_counter()
        model(example)
        first_s = time.perf_counter() - started
        warm_up(lambda: model(example), max_seconds=min(0.2, first_s * 3), min_calls=2)
        budget = min(MAX_LATENCY_SECONDS, max(LATENCY_SECONDS, MIN_LATENCY_SAMPLES * first_s * 1.2))
        samples = time_calls(lambda: model(example), max_seconds=budget, min_samples=MIN_LATENCY_SAMPLES,
                             max_samples=LATENCY_RUNS, quantile=0.5, overrun=1.0)
    stats = LatencyStats.from_samples(samples)
    return Latency(median_ms=stats.p50_ms, p90_ms=stats.p90_ms, samples=stats.samples, threads=threads)
