"""The built-in model families, registered the way timm registers models.

A family is a module of plain torch classes plus one decorated function that turns what the
agent gave (hyperparameters, possibly none) and the model's input/output into the complete
keyword arguments of the family's top-level class. Adding a family is that module, one line
in ``FAMILY_MODULES`` and a test.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ml_expert.tools.models.io import ModelIO

FAMILY_MODULES = ("mlp", "cnn", "resnet", "transformer", "rnn")

Hyperparameters = Callable[[dict[str, Any], ModelIO], dict[str, Any]]


@dataclass(frozen=True)
class Family:
    """One built-in family.

    ``hyperparameters(given, io)`` returns every constructor argument of ``model_class``; keys in
    ``given`` win. Budget fitting moves ``width`` (in the steps ``width_steps(given)`` names, coarse
    to fine: the first that lands within the tolerance wins) and, where
    ``aspect_ratio`` is set, ``depth`` too, keeping width/depth near that ratio.
    """

    name: str
    model_class: type
    hyperparameters: Hyperparameters
    inputs: tuple[str, ...]
    tasks: tuple[str, ...]
    width_steps: Callable[[dict[str, Any]], tuple[int, ...]]
    aspect_ratio: float | None

    def build(self, hyperparameters: dict[str, Any]):
        return self.model_class(**hyperparameters)


_FAMILIES: dict[str, Family] = {}


def register_family(name: str, *, model: type, inputs: tuple[str, ...], tasks: tuple[str, ...],
                    width_steps: Callable[[dict[str, Any]], tuple[int, ...]] = lambda given: (1,),
                    aspect_ratio: float | None = None) -> Callable[[Hyperparameters], Hyperparameters]:
    def decorate(hyperparameters: Hyperparameters) -> Hyperparameters:
        if name in _FAMILIES and _FAMILIES[name].hyperparameters.__qualname__ != hyperparameters.__qualname__:
            raise ValueError(f"model family {name!r} is already registered; each name has one family")
        _FAMILIES[name] = Family(name, model, hyperparameters, inputs, tasks, width_steps, aspect_ratio)
        return hyperparameters

    return decorate


def families() -> dict[str, Family]:
    """Every registered family by name (imports the family modules on first use)."""
    for module in FAMILY_MODULES:
        importlib.import_module(f"ml_expert.tools.models.{module}")
    return dict(_FAMILIES)


def get_family(name: str) -> Family:
    registered = families()
    if name not in registered:
        raise KeyError(f"no model family {name!r}; registered families: {', '.join(sorted(registered))}")
    return registered[name]
