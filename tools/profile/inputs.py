"""Model inputs the profiler makes up: deterministic random batches of a given per-sample shape."""

from __future__ import annotations

from typing import Any


def make_input(spec: dict[str, Any], batch_size: int, seed: int, device: str = "cpu"):
    """A random batch for ``spec`` ({shape, dtype, high}); the same for every variant and process.

    Floats are standard normal; integers (token ids) uniform in [0, high).
    """
    import torch

    generator = torch.Generator().manual_seed(seed * 100_003 + batch_size)
    shape = (batch_size, *spec["shape"])
    if spec["dtype"].startswith("int"):
        x = torch.randint(0, spec["high"], shape, generator=generator, dtype=getattr(torch, spec["dtype"]))
    else:
        x = torch.randn(shape, generator=generator).to(getattr(torch, spec["dtype"]))
    return x.to(device)


def run_in_chunks(call, inputs, chunk: int, device: str = "cpu"):
    """Outputs of ``call`` on ``inputs`` in batches of exactly ``chunk`` rows (the last one padded
    with copies of its final row), so static-shape variants see only a batch size they know."""
    import torch

    outputs = []
    for start in range(0, len(inputs), chunk):
        batch = inputs[start:start + chunk]
        rows = len(batch)
        if rows < chunk:
            batch = torch.cat([batch, batch[-1:].expand(chunk - rows, *batch.shape[1:])])
        outputs.append(call(batch.to(device)).detach().float().cpu()[:rows])
    return torch.cat(outputs)
