"""Is the best configuration really better than the base one?

Both are retrained on the same fresh seeds (or the same CV folds), so every pair shares its
initialisation and batch order and differs only in the configuration; a paired test then
judges the gain. Fresh seeds matter: the search picked the best on its own seeds, so its score
there is optimistic (the winner's curse).
"""

from __future__ import annotations

from dataclasses import dataclass

from ml_expert.tools.data.prepare import PreparedData
from ml_expert.tools.job import JobContext
from ml_expert.tools.stats import bootstrap_ci, paired_test
from ml_expert.tools.train.loop import FitResult
from ml_expert.tools.train.spec import ExperimentSpec
from ml_expert.tools.tune.objective import EvaluationRun, cv_folds, objective_values, train
from ml_expert.tools.tune.schema import Objective, Significance, TuneHyperparamsSpec

FRESH_SEED_OFFSET = 1000  # significance seeds start here, past any seed a trial used
ALPHA = 0.05


@dataclass
class Retrained:
    """Scores of the base and the best configuration on the same units, and the best's first fit."""

    base_scores: list[float]
    best_scores: list[float]
    compared_on: str
    first_best_fit: FitResult


def significance_runs(spec: TuneHyperparamsSpec, prepared: PreparedData) -> tuple[list[EvaluationRun], str]:
    """The paired units: the CV folds when the search used them, else fresh seeds."""
    seed = spec.seed + FRESH_SEED_OFFSET
    if spec.cv_folds is not None:
        return [EvaluationRun(seed, rows) for rows in cv_folds(prepared, spec.cv_folds, spec.seed)], "folds"
    return [EvaluationRun(seed + k) for k in range(spec.significance_seeds)], "seeds"


def confirm_runs(spec: TuneHyperparamsSpec) -> int:
    """Steps of the confirmation: the paired units (one per unit), or the one training that saves the model."""
    if spec.significance_seeds < 2:
        return 1
    return spec.cv_folds + 1 if spec.cv_folds is not None else spec.significance_seeds


def confirm_trainings(spec: TuneHyperparamsSpec, *, same_as_base: bool) -> int:
    """Full trainings the confirmation costs: best and base on every unit (once when they are the same
    configuration), plus the saved model's own training when the units are CV folds."""
    if spec.significance_seeds < 2:
        return 1
    units = spec.cv_folds if spec.cv_folds is not None else spec.significance_seeds
    return units * (1 if same_as_base else 2) + (1 if spec.cv_folds is not None else 0)


def retrain_both(spec: TuneHyperparamsSpec, prepared: PreparedData, job: JobContext, best: ExperimentSpec,
                 objective: Objective, *, on_run=lambda done, total: None) -> Retrained:
    """``objective``: the first one, concrete (see ``objective.concrete_objectives``)."""
    runs, compared_on = significance_runs(spec, prepared)
    scores: dict[str, list[float]] = {"base": [], "best": []}
    first_best_fit = None
    same = best == spec.base  # an A/A comparison: one training per unit is both arms
    for i, run in enumerate(runs):
        val_X = (run.rows[1] if run.rows else prepared.splits.val).X
        result = train(best, job, prepared, run, epoch_train_metric=False)  # only the final scores count
        scores["best"].append(objective_values(result, [objective], val_X)[0])
        first_best_fit = first_best_fit or result
        base = result if same else train(spec.base, job, prepared, run, epoch_train_metric=False)
        scores["base"].append(objective_values(base, [objective], val_X)[0])
        on_run(i + 1, len(runs))
    return Retrained(scores["base"], scores["best"], compared_on, first_best_fit)


def judge(base_scores: list[float], best_scores: list[float], objective: Objective, *,
          compared_on: str = "seeds") -> Significance:
    """Paired test of best against base; "better" only on p < 0.05 with a gain interval above 0."""
    maximize = objective.resolved_direction == "maximize"
    # Signed so that a positive gain is an improvement whichever way the objective points.
    sign = 1.0 if maximize else -1.0
    test = paired_test([sign * s for s in base_scores], [sign * s for s in best_scores])
    if test.significant(ALPHA):
        verdict = "better" if test.mean_diff > 0 else "worse"
    else:
        verdict = "not_significant"
    return Significance(verdict=verdict, metric=objective.metric, compared_on=compared_on, n=test.n,
                        base_scores=[round(s, 6) for s in base_scores], best_scores=[round(s, 6) for s in best_scores],
                        gain=test.mean_diff, ci_low=test.ci_low, ci_high=test.ci_high, p_value=test.p_value,
                        test=test.test)


def confirmed_interval(scores: list[float]) -> tuple[float, float, float]:
    """Mean of the retrained best's scores and its 95% bootstrap interval."""
    interval = bootstrap_ci(scores)
    return interval.estimate, interval.low, interval.high
