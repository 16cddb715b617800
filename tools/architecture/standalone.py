"""Write a built-in model as one Python file that needs only torch.

The file holds the family's torch classes, copied from its module (registration code and
non-torch imports left out), the chosen hyperparameters written in, ``build_model()`` and
``load_model()`` which loads the checkpoint saved next to it.
"""

from __future__ import annotations

import ast
import inspect

from ml_expert.tools.models.io import ModelIO
from ml_expert.tools.models.registry import Family


def standalone_source(family: Family, hyperparameters: dict, io: ModelIO, checkpoint: str, run_id: str) -> str:
    model_class = family.model_class.__name__
    imports, definitions = _torch_only_parts(inspect.getsource(inspect.getmodule(family.model_class)), model_class)
    example = (f"torch.randint(0, {io.vocab_size}, (1, {io.input_shape[0]}))" if io.input_kind == "tokens"
               else f"torch.randn(1, {', '.join(map(str, io.input_shape))})")
    arguments = "".join(f"    {name}={value!r},\n" for name, value in hyperparameters.items())
    return f'''"""{family.name} model written by ml-expert implement_architecture (run {run_id}).

Needs only torch. ``load_model()`` rebuilds the model with the hyperparameters below and loads
the initial weights saved next to this file; running the file prints the output shape.
"""

from pathlib import Path

{chr(10).join(imports)}


{definitions}


HYPERPARAMETERS = dict(
{arguments})
CHECKPOINT = Path(__file__).with_name({checkpoint!r})


def build_model() -> nn.Module:
    return {model_class}(**HYPERPARAMETERS)


def load_model(checkpoint: str | Path = CHECKPOINT) -> nn.Module:
    model = build_model()
    model.load_state_dict(torch.load(checkpoint, map_location="cpu", weights_only=True))
    return model


if __name__ == "__main__":
    torch.manual_seed(0)
    print(load_model().eval()({example}).shape)
'''


def _torch_only_parts(source: str, model_class: str) -> tuple[list[str], str]:
    """The module's torch imports, and the definitions ``model_class`` needs, in file order.

    Names are followed from the model class to the classes, helper functions and constants it
    uses; registration code and other families' classes are left behind.
    """
    tree = ast.parse(source)
    definitions = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) or (isinstance(node, ast.FunctionDef) and not node.decorator_list):
            definitions[node.name] = node
        elif isinstance(node, ast.Assign):
            definitions.update({t.id: node for t in node.targets if isinstance(t, ast.Name)})
    needed, pending = {model_class}, [definitions[model_class]]
    while pending:
        for name in {n.id for n in ast.walk(pending.pop()) if isinstance(n, ast.Name)}:
            if name in definitions and name not in needed:
                needed.add(name)
                pending.append(definitions[name])
    imports, parts, previous = [], [], None
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if all(m == "torch" or m.startswith("torch.") for m in modules):
                imports.append(ast.get_source_segment(source, node))
        elif any(definitions.get(name) is node for name in needed):
            # Constants sit together; classes and functions get two blank lines around them.
            together = isinstance(node, ast.Assign) and isinstance(previous, ast.Assign)
            parts.append(("\n" if together else "\n\n\n") + ast.get_source_segment(source, node))
            previous = node
    return imports, "".join(parts).lstrip("\n")
