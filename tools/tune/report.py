"""The study, read back as compact numbers: trial rows, counts, ranking, Pareto front, importances."""

from __future__ import annotations

import logging
import math
import warnings
from collections import Counter

from ml_expert.tools.tune.health import UNHEALTHY
from ml_expert.tools.tune.objective import ENDED_ATTR, EPOCHS_ATTR, FAIL_REASON_ATTR
from ml_expert.tools.tune.schema import MAX_PARETO_POINTS, ParetoPoint, TrialCounts, TrialRow

log = logging.getLogger(__name__)
STATE_NAMES = {"COMPLETE": "complete", "PRUNED": "pruned", "FAIL": "failed", "RUNNING": "running",
               "WAITING": "waiting"}
NO_REASON = "no reason recorded (the worker was killed or stopped sending heartbeats)"
MAX_REASONS = 3


def trial_row(trial) -> TrialRow:
    duration = trial.duration.total_seconds() if trial.duration is not None else None
    values = trial.values if trial.values is not None else ([trial.value] if trial.value is not None else None)
    reason = (trial.user_attrs.get(FAIL_REASON_ATTR) or NO_REASON) if trial.state.name == "FAIL" else None
    return TrialRow(number=trial.number, state=STATE_NAMES[trial.state.name],
                    values=[_round(v) for v in values] if values is not None else None,
                    params={k: _round(v) for k, v in trial.params.items()}, epochs=trial.user_attrs.get(EPOCHS_ATTR),
                    duration_s=round(duration, 2) if duration is not None else None, fail_reason=reason,
                    ended=_ended(trial, reason))


def _ended(trial, fail_reason: str | None) -> str | None:
    state = trial.state.name
    if state == "COMPLETE":
        return "completed"
    if state == "FAIL":
        return f"failed: {fail_reason}"
    if state == "PRUNED":
        return trial.user_attrs.get(ENDED_ATTR, "pruned")
    return None


def _unhealthy(trial) -> bool:
    return trial.state.name == "PRUNED" and UNHEALTHY in trial.user_attrs.get(ENDED_ATTR, "")


def _round(value):
    return float(f"{value:.6g}") if isinstance(value, float) and math.isfinite(value) else value


def count_trials(trials: list, before: int) -> TrialCounts:
    states = Counter(STATE_NAMES[t.state.name] for t in trials)
    reasons = Counter(trial_row(t).fail_reason for t in trials if t.state.name == "FAIL")
    return TrialCounts(complete=states["complete"], pruned=states["pruned"], failed=states["failed"],
                       running=states["running"], unhealthy=sum(map(_unhealthy, trials)), total=len(trials), added_by_this_call=len(trials) - before,
                       failure_reasons=dict(reasons.most_common(MAX_REASONS)))


def ranked(trials: list, maximize: bool) -> list:
    """Complete trials, best first on the first objective."""
    complete = [t for t in trials if t.state.name == "COMPLETE"]
    return sorted(complete, key=lambda t: -t.values[0] if maximize else t.values[0])


def pareto_front(study, maximize_first: bool) -> list[ParetoPoint]:
    front = sorted(study.best_trials, key=lambda t: -t.values[0] if maximize_first else t.values[0])
    return [ParetoPoint(number=t.number, values=[_round(v) for v in t.values],
                        params={k: _round(v) for k, v in t.params.items()}) for t in front[:MAX_PARETO_POINTS]]


def importances(study, n_complete: int) -> dict[str, float]:
    """Optuna's parameter importances for the first objective; empty when there is too little to judge."""
    import optuna

    if n_complete < 3:
        return {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # experimental-feature warnings go nowhere useful
            found = optuna.importance.get_param_importances(study, target=lambda t: t.values[0])
    except (ValueError, RuntimeError) as error:  # e.g. every trial has the same value
        log.info("no parameter importances: %s", error)
        return {}
    return {name: round(float(value), 4) for name, value in found.items()}
