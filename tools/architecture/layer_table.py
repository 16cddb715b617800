"""A compact layer table: name, type, output shape and parameters of each module.

Runs of identical numbered siblings (the blocks of a transformer, the layers of a Sequential)
fold into one entry, ``blocks.0-11`` with repeat 12, whose children are listed once. The table
then goes as deep into the module tree as fits in ``MAX_ROWS``; the full table is an artifact.

A tied parameter (a language model's output layer sharing the embedding's weight) is counted in
the first module that holds it and shown as ``shared`` in the later ones, so the top-level rows
sum to the model's distinct parameter count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import torch
from torch import nn

from ml_expert.tools.architecture.checks import first_tensor

MAX_ROWS = 40
FULL_TABLE = "layer_table.md"


@dataclass(frozen=True)
class Row:
    name: str
    type: str
    output_shape: list[int] | None
    params: int
    depth: int
    is_leaf: bool
    repeat: int = 1
    shared: int = 0


@dataclass
class Node:
    local_name: str
    type: str
    output_shape: list[int] | None
    params: int
    children: list[Node] = field(default_factory=list)
    shared: int = 0  # parameters counted in an earlier module (tied weights)

    @cached_property
    def signature(self) -> tuple:
        shape = tuple(self.output_shape) if self.output_shape else None
        return (self.type, shape, self.params, self.shared, tuple((c.local_name, c.signature) for c in self.children))


def module_tree(model: nn.Module, example_input: torch.Tensor) -> Node:
    """The module tree with each module's output shape for ``example_input``."""
    shapes: dict[str, list[int]] = {}

    def recorder(name: str):
        def hook(module, inputs, output):
            tensor = first_tensor(output)
            if tensor is not None:
                shapes.setdefault(name, list(tensor.shape))
        return hook

    hooks = [module.register_forward_hook(recorder(name)) for name, module in model.named_modules()]
    model.eval()
    try:
        with torch.no_grad():
            model(example_input)
    finally:
        for hook in hooks:
            hook.remove()

    owners = parameter_owners(model)

    def node(path: str, local_name: str, module: nn.Module) -> Node:
        children = [node(f"{path}.{name}" if path else name, name, child) for name, child in module.named_children()]
        own = shared = 0
        for parameter in module.parameters():  # distinct within the module
            owner = owners[id(parameter)]
            if not path or owner == path or owner.startswith(path + "."):
                own += parameter.numel()
            else:
                shared += parameter.numel()
        return Node(local_name, type(module).__name__, shapes.get(path), own, children, shared)

    return node("", "", model)


def parameter_owners(model: nn.Module) -> dict[int, str]:
    """id of each parameter -> path of the first module (definition order) that holds it directly."""
    owners: dict[int, str] = {}
    for path, module in model.named_modules(remove_duplicate=False):
        for parameter in module.parameters(recurse=False):
            owners.setdefault(id(parameter), path)
    return owners


def table_rows(root: Node, fold: bool = True) -> list[Row]:
    """Every module below the root in definition order; with ``fold``, identical runs merged."""
    rows: list[Row] = []

    def walk(node: Node, prefix: str, repeat: int, depth: int) -> None:
        children, i = node.children, 0
        while i < len(children):
            child, j = children[i], i + 1
            if fold and child.local_name.isdigit():
                while (j < len(children) and children[j].signature == child.signature
                       and children[j].local_name == str(int(child.local_name) + j - i)):
                    j += 1
            name = prefix + child.local_name + (f"-{children[j - 1].local_name}" if j - i > 1 else "")
            rows.append(Row(name, child.type, child.output_shape, child.params, depth, not child.children,
                            repeat * (j - i), child.shared))
            walk(child, name + ".", repeat * (j - i), depth + 1)
            i = j

    walk(root, "", 1, 1)
    return rows


def compact(rows: list[Row], max_rows: int = MAX_ROWS) -> tuple[list[Row], str]:
    """The deepest view of the (folded) tree that fits in ``max_rows`` rows."""
    deepest = max((row.depth for row in rows), default=0)
    best: list[Row] = []
    shown_depth = 0
    for depth in range(1, deepest + 1):
        view = [row for row in rows if row.depth == depth or (row.depth < depth and row.is_leaf)]
        if best and len(view) > max_rows:
            break
        best, shown_depth = view, depth
    notes = []
    if shown_depth < deepest:
        notes.append(f"Modules deeper than level {shown_depth} of {deepest} are summed into their parents.")
    if len(best) > max_rows:
        notes.append(f"Only the first {max_rows} of {len(best)} rows are shown.")
        best = best[:max_rows]
    if notes:
        notes.append(f"Full table: artifact {FULL_TABLE}.")
    return best, " ".join(notes)


def markdown(rows: list[Row]) -> str:
    lines = ["| module | type | output shape | params |", "|---|---|---|---|"]
    for row in rows:
        indent = "&nbsp;&nbsp;" * (row.depth - 1)
        shape = "x".join(map(str, row.output_shape)) if row.output_shape else "-"
        shared = f" (+{row.shared:,} shared, counted above)" if row.shared else ""
        lines.append(f"| {indent}{row.name} | {row.type} | {shape} | {row.params:,}{shared} |")
    return "\n".join(lines) + "\n"
