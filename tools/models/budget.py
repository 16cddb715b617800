"""Choose a size knob so the parameter count lands on a budget.

Counts come from models built on the meta device: shapes without storage, so a 25M-parameter
try costs milliseconds and no memory. Parameter counts rise with width and with depth, which
makes every search here a bisection.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from ml_expert.tools.memory import human_bytes, refuse_unless_it_fits
from ml_expert.tools.models.io import ModelIO
from ml_expert.tools.models.registry import Family

MAX_WIDTH = 65_536
MAX_DEPTH = 64
MAX_SCALE = 1 << 24
# A checked model holds fp32 weights and, after the backward pass of the checks, fp32 gradients.
TRAINING_BYTES_PER_PARAM = 4 + 4


@dataclass(frozen=True)
class Fit:
    """The chosen knobs (``chosen``), the count they give and whether it is within the tolerance."""

    chosen: dict[str, int]
    param_count: int
    budget: int
    tolerance: float
    tries: int
    note: str = ""

    @property
    def within_tolerance(self) -> bool:
        return abs(self.param_count - self.budget) <= self.tolerance * self.budget


def count_parameters(module: nn.Module) -> int:
    """Distinct parameters (a tied weight counts once)."""
    return sum(p.numel() for p in module.parameters())


def meta_parameter_count(build: Callable[[], nn.Module]) -> int:
    with torch.device("meta"):
        return count_parameters(build())


def refuse_budget_over_memory(budget: int, field: str = "param_budget") -> None:
    """A budget whose weights and gradients alone cannot fit is refused before any model is built."""
    refuse_unless_it_fits(field, budget * TRAINING_BYTES_PER_PARAM,
                          f"a model of {budget:,} parameters (fp32 weights and gradients)",
                          "a smaller param_budget")


def meta_training_bytes(build: Callable[[], nn.Module], io: ModelIO, batch_size: int) -> tuple[int, int] | None:
    """(weights and gradients, activations) of one training step at ``batch_size``, in bytes, from a
    forward pass on the meta device: shapes only, nothing allocated. Activations are the outputs
    of every leaf module, which is about what autograd keeps for the backward pass. None when the
    model cannot run on the meta device (some factories fill weights from real data)."""
    activations = 0

    def count(module, inputs, output) -> None:
        nonlocal activations
        tensors = output if isinstance(output, tuple | list) else (output,)
        activations += sum(t.numel() * t.element_size() for t in tensors if isinstance(t, torch.Tensor))

    try:
        with torch.device("meta"):
            model = build()
            hooks = [m.register_forward_hook(count) for m in model.modules() if not any(m.children())]
            model(io.example_input(batch_size))
    except Exception:  # any failure only means no estimate; the real build reports its own errors
        return None
    for hook in hooks:
        hook.remove()
    weights = sum(p.numel() for p in model.parameters()) * TRAINING_BYTES_PER_PARAM
    return weights, activations


def refuse_model_over_memory(build: Callable[[], nn.Module], io: ModelIO, batch_size: int, batch_field: str,
                             size_field: str) -> None:
    """Refuse a model whose training step at ``batch_size`` cannot fit, naming the field that drives it:
    ``model.input`` when activations dominate, else ``size_field`` (the budget or the model)."""
    estimate = meta_training_bytes(build, io, batch_size)
    if estimate is None:
        return
    weights, activations = estimate
    field = "model.input" if activations > weights else size_field
    refuse_unless_it_fits(
        field, weights + activations,
        f"a training step at {batch_field} {batch_size} on input {list(io.input_shape)} (weights and gradients "
        f"{human_bytes(weights)}, activations {human_bytes(activations)})",
        f"a smaller input, a smaller model or a smaller {batch_field}")


class _CountedSearch:
    """Counts of one search, cached by knob values, with the number of models built."""

    def __init__(self, count: Callable[[dict[str, int]], int]):
        self._count = count
        self._cache: dict[tuple, int] = {}

    def __call__(self, **knobs: int) -> int:
        key = tuple(sorted(knobs.items()))
        if key not in self._cache:
            self._cache[key] = self._count(knobs)
        return self._cache[key]

    @property
    def tries(self) -> int:
        return len(self._cache)


def closest_value(count_at: Callable[[int], int], budget: int, step: int, upper: int) -> tuple[int, int]:
    """The multiple of ``step`` in [step, upper] whose count is nearest ``budget``; returns (value, count)."""
    k_max = max(1, upper // step)
    hi = 1
    while hi < k_max and count_at(hi * step) < budget:
        hi = min(hi * 2, k_max)
    lo = hi // 2  # 0, or a multiple already known to fall short
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if count_at(mid * step) >= budget:
            hi = mid
        else:
            lo = mid
    candidates = [k for k in (lo, hi) if k >= 1]
    best = min(candidates, key=lambda k: abs(count_at(k * step) - budget))
    return best * step, count_at(best * step)


def fit_family(family: Family, given: dict[str, Any], io: ModelIO, budget: int, tolerance: float) -> Fit:
    """Fit width (and depth for transformers) of a built-in family to ``budget`` parameters.

    Knobs the agent gave stay fixed. Transformers pick depth so width/depth stays near the
    family's aspect ratio (64, as in GPT-2 small: 768/12), then width for that depth.
    """
    refuse_budget_over_memory(budget)
    search = _CountedSearch(lambda knobs: meta_parameter_count(
        lambda: family.build(family.hyperparameters({**given, **knobs}, io))))
    defaults = family.hyperparameters(given, io)
    width_free = "width" not in given
    depth_free = "depth" not in given and "depth" in defaults

    def done(chosen: dict[str, int], note: str = "") -> Fit:
        return Fit(chosen, search(**chosen), budget, tolerance, search.tries, note)

    if width_free and depth_free and family.aspect_ratio:
        return done(*_depth_and_width(search, budget, tolerance, family.width_steps(given), family.aspect_ratio))
    if width_free:
        width = _best_width(lambda w: search(width=w), budget, tolerance, family.width_steps(given))
        return done({"width": width})
    if depth_free:
        depth, _ = closest_value(lambda d: search(depth=d), budget, 1, MAX_DEPTH)
        return done({"depth": depth})
    return Fit({}, search(), budget, tolerance, search.tries,
               "width and depth were both given, so nothing was left to fit")


def _depth_and_width(search: _CountedSearch, budget: int, tolerance: float, steps: tuple[int, ...],
                     aspect: float) -> tuple[dict[str, int], str]:
    # Blocks are identical, so the count is linear in depth: two shallow builds per width price
    # every depth (a 64-block try would cost 30x a 2-block one).
    def count(depth: int, width: int) -> int:
        one, two = search(depth=1, width=width), search(depth=2, width=width)
        return one + (depth - 1) * (two - one)

    widths: dict[int, int] = {}

    def width_for(depth: int) -> int:
        if depth not in widths:
            widths[depth] = _best_width(lambda w: count(depth, w), budget, tolerance, steps)
        return widths[depth]

    def aspect_error(depth: int) -> float:
        return abs(math.log(width_for(depth) / depth / aspect))

    # Width per layer falls as depth rises: bisect for the deepest model still at least `aspect` wide.
    lo, hi = 1, MAX_DEPTH
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if width_for(mid) / mid >= aspect:
            lo = mid
        else:
            hi = mid - 1
    # Near that depth, the shape closest to the aspect ratio that also lands within the tolerance.
    nearby = sorted(range(max(1, lo - 3), min(MAX_DEPTH, lo + 4) + 1), key=aspect_error)
    for depth in nearby:
        if abs(count(depth, width_for(depth)) - budget) <= tolerance * budget:
            return {"depth": depth, "width": width_for(depth)}, ""
    depth = min(nearby, key=lambda d: abs(count(d, width_for(d)) - budget))
    return {"depth": depth, "width": width_for(depth)}, "no depth near the aspect ratio landed within the tolerance"


def _best_width(count_at: Callable[[int], int], budget: int, tolerance: float, steps: tuple[int, ...]) -> int:
    """Try the width steps coarse to fine (e.g. multiples of 8 for nice head counts, then any
    width) and keep the first that lands within the tolerance, else the closest."""
    best = None
    for step in steps:
        width, count = closest_value(count_at, budget, step, MAX_WIDTH)
        if best is None or abs(count - budget) < abs(best[1] - budget):
            best = (width, count)
        if abs(count - budget) <= tolerance * budget:
            break
    return best[0]


def fit_integer_argument(count_at: Callable[[int], int], budget: int, tolerance: float, multiple: int,
                         name: str) -> Fit:
    """Fit one integer factory argument (code mode's ``scale_arg``) to ``budget`` parameters."""
    refuse_budget_over_memory(budget)
    counts: dict[int, int] = {}

    def counted(value: int) -> int:
        if value not in counts:
            counts[value] = count_at(value)
        return counts[value]

    value, count = closest_value(counted, budget, multiple, MAX_SCALE)
    return Fit({name: value}, count, budget, tolerance, len(counts))
