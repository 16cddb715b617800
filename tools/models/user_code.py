"""Import an agent's model factory from a file and call it, turning every failure into a SpecError."""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from torch import nn

from ml_expert.tools.errors import SpecError


def split_target(target: str) -> tuple[str, str]:
    """'path/to/file.py:factory' -> ('path/to/file.py', 'factory')."""
    path, _, name = target.rpartition(":")
    return path, name


def import_factory(path: Path, name: str, field: str, search_dir: Path | None = None) -> Callable[..., Any]:
    """Execute the file as a fresh module and return its callable ``name``.

    ``search_dir`` (default: the file's folder) goes on ``sys.path`` while the file runs, so it
    can import its sibling modules.
    """
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    module_name = f"ml_expert_user_code_{digest}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise SpecError(field, f"{path.name} cannot be imported as Python", "a .py file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # dataclasses and pickling look classes up here
    extra = str(search_dir or path.parent)
    sys.path.insert(0, extra)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the agent's code may raise anything
        sys.modules.pop(module_name, None)
        raise SpecError(field, f"importing {path.name} raised {type(error).__name__}: {error}",
                        "a file that imports cleanly") from error
    finally:
        sys.path.remove(extra)
    factory = getattr(module, name, None)
    if not callable(factory):
        found = sorted(n for n, v in vars(module).items() if callable(v) and getattr(v, "__module__", "") == module_name)
        raise SpecError(field, f"{path.name} has no callable {name!r}",
                        "one of " + (", ".join(found) if found else "(no functions or classes defined there)"))
    return factory


def factory_parameters(factory: Callable[..., Any]) -> list[str]:
    return [p for p in inspect.signature(factory).parameters if p not in ("self", "args", "kwargs")]


def call_factory(factory: Callable[..., Any], kwargs: dict[str, Any], field: str) -> nn.Module:
    """Call the factory; ``field`` is the model's spec path (errors name ``field.kwargs``/``field.target``)."""
    try:
        inspect.signature(factory).bind(**kwargs)
    except TypeError as error:
        raise SpecError(f"{field}.kwargs", str(error),
                        f"keyword arguments of {factory.__name__}: {', '.join(factory_parameters(factory))}") from error
    try:
        module = factory(**kwargs)
    except Exception as error:  # the agent's code may raise anything
        where = f"{field}.kwargs" if kwargs else f"{field}.target"
        raise SpecError(where, f"{factory.__name__}(**{kwargs}) raised {type(error).__name__}: {error}",
                        "arguments the factory accepts") from error
    if not isinstance(module, nn.Module):
        raise SpecError(f"{field}.target", f"{factory.__name__} returned {type(module).__name__}, not a torch.nn.Module",
                        "a factory that returns an nn.Module")
    return module
