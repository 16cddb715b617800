"""FLOPs of an ONNX graph at a batch size, from its MatMul, Gemm and Conv nodes (multiply-add = 2).

The graph's shapes are inferred with the batch dimension fixed; a node whose shapes stay unknown
is skipped and counted in ``unknown_nodes``, so an incomplete count says so. Elementwise work
(activations, norms) is left out, as in the torch counter's matmul-dominated models.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

COUNTED_OPS = ("MatMul", "Gemm", "Conv")


@dataclass(frozen=True)
class OnnxFlops:
    total: int
    unknown_nodes: int  # MatMul/Gemm/Conv nodes whose shapes could not be inferred


def count_onnx_flops(path: Path, batch_size: int) -> OnnxFlops:
    import onnx

    model = onnx.load(str(path))
    for value in model.graph.input:
        dims = value.type.tensor_type.shape.dim
        if dims and not dims[0].dim_value:
            dims[0].ClearField("dim_param")
            dims[0].dim_value = batch_size
    inferred = onnx.shape_inference.infer_shapes(model)
    shapes = {v.name: _dims(v) for v in [*inferred.graph.input, *inferred.graph.value_info, *inferred.graph.output]}
    shapes.update({t.name: list(t.dims) for t in inferred.graph.initializer})
    total, unknown = 0, 0
    for node in inferred.graph.node:
        if node.op_type not in COUNTED_OPS:
            continue
        flops = _node_flops(node, shapes)
        if flops is None:
            unknown += 1
        else:
            total += flops
    return OnnxFlops(total, unknown)


def _dims(value) -> list[int] | None:
    shape = value.type.tensor_type.shape
    dims = [d.dim_value if d.dim_value > 0 else None for d in shape.dim]
    return None if None in dims else dims


def _node_flops(node, shapes: dict[str, list[int] | None]) -> int | None:
    inputs = [shapes.get(name) for name in node.input]
    output = shapes.get(node.output[0])
    if any(shape is None for shape in inputs[:2]) or output is None:
        return None
    if node.op_type == "Conv":  # every output value: a dot product over Cin/groups x kernel
        weight = inputs[1]
        return 2 * math.prod(output) * math.prod(weight[1:])
    a = inputs[0]
    if node.op_type == "Gemm":
        trans_a = next((attr.i for attr in node.attribute if attr.name == "transA"), 0)
        inner = a[0] if trans_a else a[1]
        return 2 * math.prod(output) * inner
    inner = a[-1]  # MatMul: output [..., M, N] from [..., M, K] @ [..., K, N]
    return 2 * math.prod(output) * inner
