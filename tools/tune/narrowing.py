"""A narrower search space around the best trials, for a follow-up search.

Per numeric parameter: the range the top trials span, widened by a quarter on each side (in log
space for log parameters) and kept inside the original bounds. Per categorical parameter: the
choices the top trials used.
"""

from __future__ import annotations

import math

from ml_expert.tools.tune.schema import CategoricalParam, FloatParam, IntParam, SearchParam

TOP_FRACTION = 0.2
MIN_TOP = 3
MARGIN = 0.25
KEEP_ORIGINAL_ABOVE = 0.9  # a "narrower" range covering 90% of the old one is not worth suggesting


def narrow_space(space: dict[str, SearchParam], ranked_trials: list) -> dict[str, SearchParam]:
    """``ranked_trials``: complete trials, best first. Empty when there are too few to judge."""
    if len(ranked_trials) < MIN_TOP:
        return {}
    top = ranked_trials[:max(MIN_TOP, math.ceil(TOP_FRACTION * len(ranked_trials)))]
    narrowed: dict[str, SearchParam] = {}
    for name, param in space.items():
        values = [t.params[name] for t in top if name in t.params]
        if not values:
            narrowed[name] = param
        elif isinstance(param, CategoricalParam):
            narrowed[name] = CategoricalParam(type="categorical", choices=[c for c in param.choices if c in values])
        else:
            narrowed[name] = _narrow_numeric(param, values)
    return narrowed


def _narrow_numeric(param: FloatParam | IntParam, values: list[float]) -> FloatParam | IntParam:
    to_axis, from_axis = (math.log, math.exp) if param.log else (float, float)
    old_low, old_high = to_axis(param.low), to_axis(param.high)
    low, high = to_axis(min(values)), to_axis(max(values))
    margin = MARGIN * (high - low) if high > low else 0.1 * (old_high - old_low)
    low, high = max(old_low, low - margin), min(old_high, high + margin)
    if high - low >= KEEP_ORIGINAL_ABOVE * (old_high - old_low):
        return param
    low, high = from_axis(low), from_axis(high)
    if isinstance(param, IntParam):
        step = param.step
        int_low = max(param.low, param.low + math.floor((low - param.low) / step + 1e-9) * step)
        int_high = param.low + math.ceil((high - param.low) / step - 1e-9) * step
        int_high = min(max(int_high, int_low + step), param.high)
        if int_high <= int_low:
            return param
        return IntParam(type="int", low=int_low, high=int_high, step=step, log=param.log)
    if param.step is not None:
        low = param.low + math.floor((low - param.low) / param.step) * param.step
        high = param.low + math.ceil((high - param.low) / param.step) * param.step
    else:  # four significant digits: a range an agent reads at a glance
        low, high = float(f"{low:.4g}"), float(f"{high:.4g}")
    low, high = max(low, param.low), min(high, param.high)
    if high <= low:
        return param
    return FloatParam(type="float", low=low, high=high, log=param.log, step=param.step)
