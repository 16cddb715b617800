"""Each registered variant builds, runs, and stays close to eager; applicability is explained."""

from __future__ import annotations

import subprocess
import sys
import typing

import pytest
import torch

from ml_expert.tools.profile.schema import VariantName
from ml_expert.tools.profile.source import module_traits
from ml_expert.tools.profile.variants import VARIANTS, BuildContext, ModelTraits, why_not
from tests.fixtures.profile.tiny_models import cnn, mlp


def test_registry_matches_the_schema():
    assert list(VARIANTS) == list(typing.get_args(VariantName))


def build(name: str, module, example, tmp_path):
    torch.manual_seed(0)
    ctx = BuildContext(module=module.eval(), exported_program=None, onnx_path=None, example=example,
                       device="cpu", threads=1, workdir=tmp_path)
    return VARIANTS[name].build(ctx)


@pytest.mark.parametrize("name, factory, shape, max_error", [
    ("eager", mlp, (4, 16), 0.0),
    ("inference_mode", mlp, (4, 16), 0.0),
    ("bf16_autocast", mlp, (4, 16), 5e-2),
    ("int8_dynamic", mlp, (4, 16), 5e-2),
    ("channels_last", cnn, (2, 3, 8, 8), 1e-5),
])
def test_cheap_variants_match_eager(name, factory, shape, max_error, tmp_path):
    torch.manual_seed(0)
    module = factory().eval()
    x = torch.randn(*shape)
    with torch.no_grad():
        expected = module(x)
    built = build(name, module, x, tmp_path)
    assert built.size_bytes > 0
    assert (built.call(x).float() - expected).abs().max() <= max_error


def test_int8_weights_are_smaller(tmp_path):
    module = torch.nn.Sequential(torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 4))
    fp32 = build("eager", module, torch.randn(2, 256), tmp_path).size_bytes
    int8 = build("int8_dynamic", module, torch.randn(2, 256), tmp_path).size_bytes
    assert int8 < fp32 / 3


@pytest.mark.slow
@pytest.mark.parametrize("name", ["compile", "onnxruntime"])
def test_compiled_and_exported_variants_match_eager(name, tmp_path):
    module = mlp().eval()
    x = torch.randn(4, 16)
    with torch.no_grad():
        expected = module(x)
    built = build(name, module, x, tmp_path)
    assert (built.call(x).float() - expected).abs().max() < 1e-4
    other_batch = torch.randn(7, 16)  # the ONNX export keeps the batch dimension dynamic
    assert built.call(other_batch).shape == (7, 4)


def test_applicability_follows_the_model():
    mlp_traits = module_traits(mlp(), "module", input_rank=2)
    cnn_traits = module_traits(cnn(), "module", input_rank=4)
    assert "Conv2d" in why_not("channels_last", mlp_traits)
    assert why_not("channels_last", cnn_traits) is None
    assert why_not("int8_dynamic", mlp_traits) is None
    no_linear = module_traits(torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3)), "module", input_rank=4)
    assert "nn.Linear" in why_not("int8_dynamic", no_linear)
    onnx_file = ModelTraits(source="onnx", device="cpu", onnxruntime_providers=("CPUExecutionProvider",))
    assert [n for n in VARIANTS if why_not(n, onnx_file) is None] == ["onnxruntime"]
    assert "ONNX file" in why_not("eager", onnx_file)
    on_gpu = ModelTraits(source="module", device="cuda", quantizable_layers=2,
                         onnxruntime_providers=("CPUExecutionProvider",))
    assert "CPU only" in why_not("int8_dynamic", on_gpu)
    assert "CUDAExecutionProvider" in why_not("onnxruntime", on_gpu)
    assert "GPU" in why_not("malloc_no_trim", on_gpu)
    assert why_not("malloc_no_trim", mlp_traits) is None  # this Linux machine runs glibc
    musl = ModelTraits(source="module", device="cpu", glibc_malloc=False)
    assert "not glibc" in why_not("malloc_no_trim", musl)


# Builds a variant in a fresh process (mallopt changes the whole process), then frees a 64 MB
# tensor and prints how far resident memory fell.
FREED_MEMORY_PROBE = """
import sys, torch
from pathlib import Path
from ml_expert.tools.measure.resident_memory import resident_mb
from ml_expert.tools.profile.variants import VARIANTS, BuildContext
module = torch.nn.Linear(4, 2).eval()
built = VARIANTS[sys.argv[1]].build(BuildContext(module=module, exported_program=None, onnx_path=None,
                                                 example=torch.randn(2, 4), device="cpu", threads=1,
                                                 workdir=Path(sys.argv[2])))
assert built.call(torch.randn(3, 4)).shape == (3, 2)
big = torch.ones(16 * 1024 * 1024)
held = resident_mb()
del big
print(held - resident_mb())
"""


def test_malloc_no_trim_keeps_freed_memory_in_the_process(tmp_path):
    def fall_mb(variant: str) -> float:
        done = subprocess.run([sys.executable, "-c", FREED_MEMORY_PROBE, variant, str(tmp_path)],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return float(done.stdout.split()[-1])

    assert fall_mb("eager") > 48  # glibc unmaps the freed 64 MB at once
    assert fall_mb("malloc_no_trim") < 8  # kept for the next call to reuse


def test_exported_program_convolutions_are_seen_in_its_graph():
    program = torch.export.export(cnn().eval(), (torch.randn(2, 3, 8, 8),))
    traits = module_traits(program.module(), "exported_program", input_rank=4)
    assert traits.has_conv2d and traits.quantizable_layers == 0
