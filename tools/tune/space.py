"""The typed search space: checked against the base experiment, sampled through Optuna trials."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ml_expert.tools.errors import SpecError
from ml_expert.tools.train.overrides import apply_overrides
from ml_expert.tools.train.spec import ExperimentSpec
from ml_expert.tools.tune.schema import CategoricalParam, FloatParam, IntParam, SearchParam

TUNABLE_SECTIONS = ("training", "model")
GRID_POINTS_PER_FLOAT = 5


def check_space(space: dict[str, SearchParam], base: ExperimentSpec) -> None:
    """Every name must be a field of the base experiment, and both ends of every range valid there."""
    for name, param in space.items():
        field = f"space.{name}"
        if name.split(".", 1)[0] not in TUNABLE_SECTIONS or "." not in name:
            raise SpecError(field, "only training and model fields can be tuned (the data and its split stay "
                                   "fixed, so trials are comparable)", "e.g. 'training.lr' or 'model.width'")
        if base.model.kind == "run" and name.startswith("model."):
            raise SpecError(field, "the base model is a saved run, whose architecture is fixed",
                            "tune training fields, or use a built-in or code model as the base")
        for value in _extremes(param):
            try:
                apply_overrides(base, {name: value}, "space")
            except SpecError as error:
                raise SpecError(field, f"value {value!r} does not fit the experiment: {error.problem}",
                                error.accepted) from error


def _extremes(param: SearchParam) -> list[Any]:
    if isinstance(param, CategoricalParam):
        return list(param.choices)
    return [param.low, param.high]


def _float_high(param: FloatParam) -> float:
    # Optuna wants high on the step grid; a range that does not divide evenly ends at its last grid point.
    if param.step is None:
        return param.high
    return param.low + math.floor((param.high - param.low) / param.step + 1e-9) * param.step


def _int_high(param: IntParam) -> int:
    return param.low + (param.high - param.low) // param.step * param.step


def suggest(trial, space: dict[str, SearchParam]) -> dict[str, Any]:
    """Ask the trial for a value of every parameter: the overrides of this trial."""
    values: dict[str, Any] = {}
    for name, param in space.items():
        if isinstance(param, FloatParam):
            values[name] = trial.suggest_float(name, param.low, _float_high(param), log=param.log, step=param.step)
        elif isinstance(param, IntParam):
            values[name] = trial.suggest_int(name, param.low, _int_high(param), log=param.log, step=param.step)
        else:
            values[name] = trial.suggest_categorical(name, param.choices)
    return values


def grid(space: dict[str, SearchParam]) -> dict[str, list[Any]]:
    """Values for the grid sampler: every step of ints and stepped floats, 5 points of other floats."""
    values: dict[str, list[Any]] = {}
    for name, param in space.items():
        if isinstance(param, CategoricalParam):
            values[name] = list(param.choices)
        elif isinstance(param, IntParam):
            values[name] = list(range(param.low, _int_high(param) + 1, param.step))
        elif param.step is not None:
            count = round((_float_high(param) - param.low) / param.step) + 1
            values[name] = [float(param.low + k * param.step) for k in range(count)]
        else:
            spaced = np.geomspace if param.log else np.linspace
            values[name] = [float(v) for v in spaced(param.low, param.high, GRID_POINTS_PER_FLOAT)]
    return values


def base_values(space: dict[str, SearchParam], base: ExperimentSpec) -> dict[str, Any] | None:
    """The base experiment's value of every parameter, when all of them lie in the space (else None).

    Enqueued as the first trial, it gives the search its reference point.
    """
    dumped = base.model_dump(mode="json")
    found: dict[str, Any] = {}
    for name, param in space.items():
        node: Any = dumped
        for part in name.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if not contains(param, node):
            return None
        found[name] = node
    return found


def contains(param: SearchParam, value: Any) -> bool:
    if isinstance(param, CategoricalParam):
        return value in param.choices
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    if isinstance(param, IntParam) and not float(value).is_integer():
        return False
    step = param.step if isinstance(param, IntParam) or param.step is not None else None
    on_grid = step is None or abs((value - param.low) / step - round((value - param.low) / step)) < 1e-6
    return param.low <= value <= param.high and on_grid
