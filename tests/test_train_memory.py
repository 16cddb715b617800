"""Training memory (issue 17): the estimate made before training is within 25% of the peak measured
in a fresh process; a batch that does not fit is refused with the largest that does; checkpointing
and precision are options with their effect measured."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import torch

from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.io import ModelIO
from ml_expert.tools.models.mlp import MLP
from ml_expert.tools.train.memory_plan import estimate_step
from ml_expert.tools.train.run import train_model
from ml_expert.tools.train.schema import TrainModelSpec

IO = ModelIO("classification", "tabular", (256,), None, 10)
# A fresh process trains two steps and reports its resident peak above the baseline. A fixed mmap
# threshold makes glibc return freed blocks, so the peak is what was live, not what it cached.
MEASURE = """
import gc, json, sys, torch
from ml_expert.tools.models.mlp import MLP
from ml_expert.tools.train.memory_plan import checkpoint_segments
torch.set_num_threads(1)
width, depth, batch, activation, name, checkpointed = json.loads(sys.argv[1])
def status(key):
    return next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith(key))
x, y = torch.randn(batch, 256), torch.randint(0, 10, (batch,))
def optimizer(parameters):
    return (torch.optim.AdamW(parameters) if name == "adamw"
            else torch.optim.SGD(parameters, lr=0.1, momentum=0.9))
# one tiny step first: torch's first backward and optimiser step load ~70 MB of library state once
warm = MLP(256, 10, 1, 8); torch.nn.functional.cross_entropy(warm(x[:4]), y[:4]).backward()
optimizer(warm.parameters()).step(); del warm
gc.collect()
base = status("VmRSS")
model = MLP(256, 10, depth, width, activation)
if checkpointed:
    checkpoint_segments(model)
step = optimizer(model.parameters())
for _ in range(2):
    torch.nn.functional.cross_entropy(model(x), y).backward()
    step.step(); step.zero_grad(set_to_none=True)
print(status("VmHWM") - base)
"""


def measured_peak(*config) -> int:
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "65536"}
    out = subprocess.run([sys.executable, "-c", MEASURE, json.dumps(config)], capture_output=True, text=True,
                         env=env, timeout=120, check=True)
    return int(out.stdout.strip())


@pytest.mark.parametrize("config", [
    (1024, 4, 4096, "relu", "adamw", False),
    pytest.param((512, 4, 8192, "gelu", "sgd", False), marks=pytest.mark.slow),
    pytest.param((256, 9, 16384, "silu", "adamw", True), marks=pytest.mark.slow)])
def test_the_estimate_is_within_a_quarter_of_the_measured_peak(config):
    width, depth, batch, activation, optimizer, checkpointed = config
    estimate = estimate_step(MLP(256, 10, depth, width, activation), IO, batch, optimizer, 0.9,
                             checkpointed=checkpointed)
    assert estimate.activations > 3 * estimate.parameters  # activations dominate allocator noise
    assert 0.75 <= estimate.peak / measured_peak(*config) <= 1.25


def test_checkpointing_lowers_the_estimate():
    model = MLP(256, 10, 9, 256, "silu")
    assert (estimate_step(model, IO, 16384, "adamw", 0.9, checkpointed=True).activations
            < 0.7 * estimate_step(model, IO, 16384, "adamw", 0.9).activations)


@pytest.mark.slow
def test_checkpointing_lowers_the_measured_peak():
    plain, checkpointed = (256, 9, 16384, "silu", "adamw", False), (256, 9, 16384, "silu", "adamw", True)
    assert measured_peak(*checkpointed) < 0.8 * measured_peak(*plain)


def _train(tmp_path, **training):
    spec = TrainModelSpec.model_validate({
        "model": {"kind": "builtin", "family": "mlp", "width": 64, "depth": 4},
        "data": {"source": {"kind": "bundled", "name": "breast_cancer"}},
        "training": {"epochs": 3, "batch_size": 32, **training}})
    return train_model(spec, JobContext.local(tmp_path))


def test_a_batch_over_the_limit_is_refused_with_the_largest_that_fits(tmp_path):
    torch.manual_seed(0)
    with pytest.raises(SpecError) as error:
        _train(tmp_path, batch_size=100_000, memory_limit_gb=0.05)
    assert error.value.field.endswith("training.batch_size")
    assert "does not fit in 51 MiB" in error.value.problem
    largest = int(error.value.accepted.split()[1].replace(",", ""))
    fitted = _train(tmp_path, batch_size=min(largest, 512), memory_limit_gb=0.05)
    assert fitted.memory.fits is True and fitted.memory.max_batch_size == largest


def test_checkpointing_trains_the_same_model_and_reports_its_cost(tmp_path):
    plain = _train(tmp_path)
    checkpointed = _train(tmp_path, checkpointing=True)
    assert checkpointed.metrics["val_accuracy"] == pytest.approx(plain.metrics["val_accuracy"], abs=1e-6)
    assert checkpointed.memory.activations_mb < plain.memory.activations_mb
    assert plain.memory.measured_peak_mb > 0 and plain.memory.seconds_per_step > 0


def test_fp16_on_cpu_is_refused(tmp_path):
    with pytest.raises(SpecError) as error:
        _train(tmp_path, precision="fp16", device="cpu")
    assert error.value.field.endswith("training.precision") and "'bf16'" in error.value.accepted


@pytest.mark.slow
def test_bf16_trains_and_reports_its_step_time(tmp_path):
    plain, half = _train(tmp_path), _train(tmp_path, precision="bf16")
    assert half.metrics["val_accuracy"] > 0.8 and half.memory.seconds_per_step > 0
    assert abs(half.metrics["val_accuracy"] - plain.metrics["val_accuracy"]) < 0.1
