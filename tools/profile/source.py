"""The model to profile, resolved in the parent: what it takes, what it is, how a worker reloads it.

Built-in, code and run models come through ``models.load.load_model``; exported files (.pt2,
.onnx) are read here. Every error names the spec field and what would be accepted.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.paths import resolve_under_roots
from ml_expert.tools.profile.schema import ExportedModelFile, InputShape, ProfiledModel
from ml_expert.tools.profile.variants import ModelTraits

ONNX_DTYPES = {"tensor(float)": "float32", "tensor(double)": "float64", "tensor(float16)": "float16",
               "tensor(bfloat16)": "bfloat16", "tensor(int64)": "int64", "tensor(int32)": "int32"}


@dataclass
class ResolvedModel:
    """A model ready to profile: its input, traits, a reference runner and the worker's recipe."""

    input: dict[str, Any]  # {"shape": [...], "dtype": "...", "high": int | None}, per sample
    traits: ModelTraits
    task: str  # classification, regression, language_model or auto (decided from the outputs)
    child_model: dict[str, Any]  # how a worker process loads the same model (plain JSON)
    module: Any = None  # the fp32 torch module (None for ONNX)
    onnx_session: Any = None
    static_batch: int | None = None  # the only batch size a fixed-shape export accepts
    data: Any = None  # the model's own DataSpec, the default parity data

    def reference(self, inputs, chunk: int):
        """fp32 outputs on ``inputs``: eager torch (no_grad), or ONNX Runtime for an ONNX file."""
        import numpy as np
        import torch

        from ml_expert.tools.profile.inputs import run_in_chunks

        if self.module is not None:
            def call(x):
                with torch.no_grad():
                    return self.module(x)
        else:
            name = self.onnx_session.get_inputs()[0].name

            def call(x):
                return torch.from_numpy(np.asarray(self.onnx_session.run(None, {name: x.numpy()})[0]))
        return run_in_chunks(call, inputs, self.static_batch or chunk)


def resolve_model(model: ProfiledModel, job: JobContext, *, device: str, scratch: Path) -> ResolvedModel:
    if isinstance(model, ExportedModelFile):
        path = resolve_under_roots("model.path", model.path, job.roots)
        if path.suffix == ".pt2":
            _refuse_untrusted_pt2(model, path)
            resolved = _from_exported_program(model, path)
        elif path.suffix == ".onnx":
            resolved = _from_onnx(model, path)
        else:
            raise SpecError("model.path", f"{path.name!r} is neither a .pt2 nor an .onnx file",
                            "a file written by torch.export.save (.pt2) or an ONNX model (.onnx)")
        resolved.traits = replace(resolved.traits, device=device)
        return resolved
    return _from_model_ref(model, job, device=device, scratch=scratch)


def _refuse_untrusted_pt2(model: ExportedModelFile, path: Path) -> None:
    """A .pt2 is code, not data: loading it unpickles sample inputs and constants (falling back to
    ``weights_only=False``), loads any AOTInductor shared library and passes shape expressions to
    sympy's ``eval``. Checking the archive would have to keep pace with every such path in each
    torch release, and one missed path runs the file; an explicit trust flag fails closed."""
    if not model.trust_code:
        raise SpecError("model.trust_code", f"{path.name} is a .pt2 archive, and loading one runs code it carries "
                                            "(torch.export.load unpickles objects from it), so it is not loaded "
                                            "unless trusted",
                        "trust_code: true when the file comes from a source you trust (it then runs like a "
                        "code-mode factory), or the model exported to ONNX (.onnx), which loads without running code")


def _onnxruntime_providers() -> tuple[str, ...]:
    import onnxruntime

    return tuple(onnxruntime.get_available_providers())


def module_traits(module, source: str, input_rank: int) -> ModelTraits:
    from torch import nn

    quantizable = sum(type(m) in (nn.Linear, nn.LSTM, nn.GRU) for m in module.modules())
    has_conv2d = any(isinstance(m, nn.Conv2d) for m in module.modules())
    graph = getattr(module, "graph", None)
    if graph is not None:  # an exported program's convolutions are graph nodes, not modules
        has_conv2d = has_conv2d or any(
            node.op == "call_function" and ("conv2d" in str(node.target) or "convolution" in str(node.target))
            for node in graph.nodes)
    return ModelTraits(source=source, device="cpu", input_rank=input_rank, has_conv2d=has_conv2d,
                       quantizable_layers=quantizable, onnxruntime_providers=_onnxruntime_providers(),
                       glibc_malloc=platform.libc_ver()[0] == "glibc")


def _from_model_ref(model, job: JobContext, *, device: str, scratch: Path) -> ResolvedModel:
    from ml_expert.tools.models.load import load_model, save_model

    loaded = load_model(model, job, field="model")
    module = loaded.module.eval()
    # Workers restore the model the way a run's model is restored (config, checkpoint and code,
    # saved in the scratch workspace): exactly these weights, and no data prepared again.
    saved = JobContext.local(scratch, roots=job.roots, seed=job.seed, tool="profile_inference")
    save_model(loaded, saved)
    dtype = str(loaded.input_dtype).removeprefix("torch.")
    input_spec = {"shape": list(loaded.input_shape), "dtype": dtype, "high": loaded.vocab_size}
    child = {"kind": "run", "workspace": str(scratch), "run_id": saved.run_id,
             "roots": [str(r) for r in job.roots]}
    traits = replace(module_traits(module, "module", 1 + len(loaded.input_shape)), device=device)
    return ResolvedModel(input=input_spec, traits=traits, task=loaded.task, child_model=child, module=module,
                         data=getattr(model, "data", None))


def _input_from_meta(given: InputShape | None, shape: list[Any], dtype: str | None, what: str,
                     ) -> tuple[dict[str, Any], int | None]:
    """The per-sample input and the static batch size (None when the batch dimension is dynamic)."""
    accepted = ("model.input = {'shape': [per-sample dims], 'dtype': 'float32' | 'int64' ..., 'high': N for "
                "token ids}")
    if given is not None:
        spec = given.model_dump()
    else:
        if dtype is None or not shape or not all(isinstance(d, int) for d in shape[1:]):
            raise SpecError("model.input", f"the {what} does not fix the per-sample input shape "
                                           f"(its input is {shape}, dtype {dtype})", accepted)
        spec = {"shape": [int(d) for d in shape[1:]], "dtype": dtype, "high": None}
    if spec["dtype"].startswith("int") and spec["high"] is None:
        raise SpecError("model.input.high", "integer inputs (token ids) need the range of valid values",
                        "model.input with 'high' set to the vocabulary size")
    static_batch = shape[0] if shape and isinstance(shape[0], int) else None
    return spec, static_batch


def _from_exported_program(model: ExportedModelFile, path: Path) -> ResolvedModel:
    import torch

    try:
        program = torch.export.load(str(path))
    except Exception as error:  # a corrupt or foreign file can fail in many ways
        raise SpecError("model.path", f"{path.name} could not be loaded by torch.export.load: "
                                      f"{type(error).__name__}: {error}",
                        "a .pt2 file written by torch.export.save") from error
    user_inputs = set(program.graph_signature.user_inputs)
    placeholders = [n for n in program.graph.nodes if n.op == "placeholder" and n.name in user_inputs]
    if len(placeholders) != 1:
        raise SpecError("model.path", f"{path.name} takes {len(placeholders)} inputs; profiling needs a model "
                                      "that takes one tensor", "an exported program with one tensor input")
    value = placeholders[0].meta.get("val")
    shape = [int(d) if isinstance(d, int) else str(d) for d in value.shape] if value is not None else []
    dtype = str(value.dtype).removeprefix("torch.") if value is not None else None
    spec, static_batch = _input_from_meta(model.input, shape, dtype, "exported program")
    module = program.module()
    return ResolvedModel(input=spec, traits=module_traits(module, "exported_program", 1 + len(spec["shape"])),
                         task=model.task, child_model={"kind": "pt2", "path": str(path)}, module=module,
                         static_batch=static_batch)


def _from_onnx(model: ExportedModelFile, path: Path) -> ResolvedModel:
    import onnxruntime

    try:
        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as error:  # onnxruntime raises its own exception types for bad files
        raise SpecError("model.path", f"{path.name} could not be loaded by onnxruntime: {error}",
                        "a valid .onnx model file") from error
    inputs = session.get_inputs()
    if len(inputs) != 1:
        raise SpecError("model.path", f"{path.name} takes {len(inputs)} inputs; profiling needs a model that "
                                      "takes one tensor", "an ONNX model with one input")
    spec, static_batch = _input_from_meta(model.input, list(inputs[0].shape), ONNX_DTYPES.get(inputs[0].type),
                                          "ONNX file")
    traits = ModelTraits(source="onnx", device="cpu", input_rank=1 + len(spec["shape"]),
                         onnxruntime_providers=_onnxruntime_providers())
    return ResolvedModel(input=spec, traits=traits, task=model.task, child_model={"kind": "onnx", "path": str(path)},
                         onnx_session=session, static_batch=static_batch)
