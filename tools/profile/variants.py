"""The inference variants profile_inference can measure, registered like timm's models.

Adding a variant is one decorated build function here, its name in ``schema.VariantName``, and
a test. Each variant applies one lever to the fp32 eager model so its gain is its own; build
functions run in the per-variant worker process (torch is imported there, not here).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

TORCH_SOURCES = ("module", "exported_program")


@dataclass(frozen=True)
class ModelTraits:
    """What decides which variants apply; computed once in the parent process."""

    source: Literal["module", "exported_program", "onnx"]
    device: str
    input_rank: int = 2  # including the batch dimension
    has_conv2d: bool = False
    quantizable_layers: int = 0  # nn.Linear / LSTM / GRU modules quantize_dynamic can swap
    onnxruntime_providers: tuple[str, ...] = ()
    glibc_malloc: bool = False  # the allocator that mallopt tunes (Linux with glibc)


@dataclass
class BuildContext:
    """What a build function gets, inside the worker process."""

    module: Any  # torch.nn.Module in eval mode, or None for an ONNX source
    exported_program: Any  # torch.export.ExportedProgram for a .pt2 source, else None
    onnx_path: Path | None  # the ONNX source file, if that is what was given
    example: Any  # an input batch for tracing and export
    device: str
    threads: int
    workdir: Path


@dataclass
class BuiltVariant:
    """A ready-to-call variant: ``call(x)`` takes a torch tensor and returns the output tensor."""

    call: Callable[[Any], Any]
    size_bytes: int
    onnx_session_factory: Callable[[bool], Any] | None = None  # ORT only: a session, with profiling or not


@dataclass(frozen=True)
class Variant:
    name: str
    dtype: str  # the matmul dtype its arithmetic mostly runs in, for the achieved-vs-peak figure
    applies: Callable[[ModelTraits], str | None]  # None when it applies, else why not
    build: Callable[[BuildContext], BuiltVariant]
    deploy: str | None = None  # how to get the gain in a serving process, when the name does not say


VARIANTS: dict[str, Variant] = {}


def register_variant(name: str, *, dtype: str = "float32",
                     applies: Callable[[ModelTraits], str | None] | None = None, deploy: str | None = None,
                     ) -> Callable[[Callable[[BuildContext], BuiltVariant]], Callable[[BuildContext], BuiltVariant]]:
    def decorate(build: Callable[[BuildContext], BuiltVariant]) -> Callable[[BuildContext], BuiltVariant]:
        if name in VARIANTS and VARIANTS[name].build.__qualname__ != build.__qualname__:
            raise ValueError(f"variant {name!r} is already registered; each name has one variant")
        VARIANTS[name] = Variant(name, dtype, applies or needs_torch_model, build, deploy)
        return build

    return decorate


def needs_torch_model(traits: ModelTraits) -> str | None:
    if traits.source not in TORCH_SOURCES:
        return "the model is an ONNX file, which only onnxruntime can run"
    return None


def why_not(name: str, traits: ModelTraits) -> str | None:
    """Why variant ``name`` does not apply to a model with these traits (None: it applies)."""
    if name not in VARIANTS:
        raise KeyError(f"no variant {name!r}; registered variants: {', '.join(sorted(VARIANTS))}")
    return VARIANTS[name].applies(traits)


def state_dict_bytes(module: Any) -> int:
    """Size of the module's weights serialized with torch.save."""
    import torch

    buffer = io.BytesIO()
    torch.save(module.state_dict(), buffer)
    return buffer.getbuffer().nbytes


@register_variant("eager")
def eager(ctx: BuildContext) -> BuiltVariant:
    import torch

    module = ctx.module

    def call(x):
        with torch.no_grad():
            return module(x)

    return BuiltVariant(call, state_dict_bytes(module))


@register_variant("inference_mode")
def inference_mode(ctx: BuildContext) -> BuiltVariant:
    import torch

    module = ctx.module

    def call(x):
        with torch.inference_mode():
            return module(x)

    return BuiltVariant(call, state_dict_bytes(module))


@register_variant("compile")
def compile_(ctx: BuildContext) -> BuiltVariant:
    import torch

    # Static shapes: each batch size gets its own specialised graph, compiled on its first
    # call (reported as that row's compile_s).
    compiled = torch.compile(ctx.module, dynamic=False)

    def call(x):
        with torch.no_grad():
            return compiled(x)

    return BuiltVariant(call, state_dict_bytes(ctx.module))


@register_variant("bf16_autocast", dtype="bfloat16")
def bf16_autocast(ctx: BuildContext) -> BuiltVariant:
    import torch

    module, device = ctx.module, ctx.device

    def call(x):
        with torch.no_grad(), torch.autocast(device, dtype=torch.bfloat16):
            return module(x)

    return BuiltVariant(call, state_dict_bytes(module))


def _quantizable(traits: ModelTraits) -> str | None:
    if traits.source == "onnx":
        return needs_torch_model(traits)
    if traits.device != "cpu":
        return "dynamic int8 quantization runs on CPU only"
    if traits.quantizable_layers == 0:
        return ("the model has no nn.Linear, nn.LSTM or nn.GRU modules to quantize (an exported program's "
                "layers are graph nodes, not modules)")
    return None


# Read against the int8 peak (a dynamically quantised Linear, the same kernels): int8 arithmetic is
# several times faster than float32, so the float32 peak gave peak fractions of 1.5.
@register_variant("int8_dynamic", dtype="int8", applies=_quantizable)
def int8_dynamic(ctx: BuildContext) -> BuiltVariant:
    import warnings

    import torch
    from torch import nn

    with warnings.catch_warnings():  # torch.ao.quantization announces its move to torchao
        warnings.simplefilter("ignore")
        quantized = torch.ao.quantization.quantize_dynamic(ctx.module, {nn.Linear, nn.LSTM, nn.GRU},
                                                           dtype=torch.qint8)

    def call(x):
        with torch.no_grad():
            return quantized(x)

    return BuiltVariant(call, state_dict_bytes(quantized))


def _has_conv2d(traits: ModelTraits) -> str | None:
    if traits.source == "onnx":
        return needs_torch_model(traits)
    if not traits.has_conv2d or traits.input_rank != 4:
        return "channels_last only changes models with Conv2d layers on 4-D (N, C, H, W) inputs"
    return None


@register_variant("channels_last", applies=_has_conv2d)
def channels_last(ctx: BuildContext) -> BuiltVariant:
    import torch

    module = ctx.module.to(memory_format=torch.channels_last)

    def call(x):
        # The conversion of the caller's NCHW batch is part of what this variant costs.
        with torch.no_grad():
            return module(x.contiguous(memory_format=torch.channels_last))

    return BuiltVariant(call, state_dict_bytes(module))


# glibc gives blocks above the mmap threshold back to the OS when they are freed, and trims the
# heap top above the trim threshold; a model whose activations are megabytes then page-faults
# them in again on every call (20-25% of a batch-64 CNN's CPU latency on this machine). Both
# thresholds at 1 GiB keep the memory in the process, as a long-lived server's heap often does.
MALLOC_THRESHOLD_BYTES = 1 << 30
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt parameters, from glibc's malloc.h
MALLOC_DEPLOY = (f"start the serving process with MALLOC_MMAP_THRESHOLD_={MALLOC_THRESHOLD_BYTES} and "
                 f"MALLOC_TRIM_THRESHOLD_={MALLOC_THRESHOLD_BYTES} in its environment (glibc), or preload "
                 "jemalloc or tcmalloc; resident memory then stays at its peak")


def _keeps_freed_memory(traits: ModelTraits) -> str | None:
    if traits.source == "onnx":
        return needs_torch_model(traits)
    if traits.device != "cpu":
        return "the malloc thresholds change host memory, not the GPU's"
    if not traits.glibc_malloc:
        return "mallopt thresholds are glibc's; this server's C library is not glibc"
    return None


@register_variant("malloc_no_trim", applies=_keeps_freed_memory, deploy=MALLOC_DEPLOY)
def malloc_no_trim(ctx: BuildContext) -> BuiltVariant:
    import ctypes

    libc = ctypes.CDLL(None)
    for parameter in (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD):
        if libc.mallopt(parameter, MALLOC_THRESHOLD_BYTES) != 1:
            raise OSError(f"glibc refused mallopt({parameter}, {MALLOC_THRESHOLD_BYTES})")
    return eager(ctx)


def _onnxruntime_provider(device: str) -> str:
    return "CUDAExecutionProvider" if device == "cuda" else "CPUExecutionProvider"


def _runs_in_onnxruntime(traits: ModelTraits) -> str | None:
    provider = _onnxruntime_provider(traits.device)
    if provider not in traits.onnxruntime_providers:
        return f"this onnxruntime build has no {provider} (it has {', '.join(traits.onnxruntime_providers)})"
    return None


@register_variant("onnxruntime", applies=_runs_in_onnxruntime)
def onnxruntime(ctx: BuildContext) -> BuiltVariant:
    import numpy as np
    import onnxruntime as ort
    import torch

    path = ctx.onnx_path or export_onnx(ctx)
    provider = _onnxruntime_provider(ctx.device)

    def session(profiling: bool):
        options = ort.SessionOptions()
        options.intra_op_num_threads = ctx.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        if profiling:
            options.enable_profiling = True
            options.profile_file_prefix = str(ctx.workdir / "onnxruntime_profile")
        return ort.InferenceSession(str(path), options, providers=[provider])

    timed = session(False)
    input_name = timed.get_inputs()[0].name

    def call(x):
        return torch.from_numpy(np.asarray(timed.run(None, {input_name: x.cpu().numpy()})[0]))

    return BuiltVariant(call, onnx_size_bytes(path), onnx_session_factory=session)


def onnx_size_bytes(path: Path) -> int:
    """The .onnx file plus the external-data files its initializers point to."""
    import onnx
    from onnx.external_data_helper import ExternalDataInfo, uses_external_data

    graph = onnx.load(str(path), load_external_data=False).graph
    locations = {ExternalDataInfo(t).location for t in graph.initializer if uses_external_data(t)}
    return path.stat().st_size + sum((path.parent / loc).stat().st_size for loc in locations)


def export_onnx(ctx: BuildContext) -> Path:
    """Export to ONNX with a dynamic batch dimension (the dynamo exporter, torch's supported path)."""
    import contextlib
    import sys
    import warnings

    import torch

    folder = ctx.workdir / "onnx"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.onnx"
    model = ctx.exported_program if ctx.exported_program is not None else ctx.module
    # The exporter prints progress; stdout may be the MCP protocol channel of an ancestor.
    with contextlib.redirect_stdout(sys.stderr), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (ctx.example,), str(path), dynamo=True, verbose=False, report=False,
                          dynamic_shapes=({0: torch.export.Dim("batch")},), external_data=False)
    return path
