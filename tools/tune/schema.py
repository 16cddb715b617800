"""tune_hyperparams: spec and result. Pydantic only: the server imports this for JSON schemas."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.spec import ToolSpec
from ml_expert.tools.train.spec import ExperimentSpec

MAX_TOP_TRIALS = 5
MAX_PARETO_POINTS = 20
Choice = str | int | float | bool | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- the search space ---------------------------------------------------------------------

class FloatParam(_Strict):
    """A real number in [low, high]; log=true samples evenly in log space (learning rates, decays)."""

    type: Literal["float"] = Field(description="Selects a float range.")
    low: float = Field(description="Smallest value.")
    high: float = Field(description="Largest value.")
    log: bool = Field(default=False, description="Sample log-uniformly; needs low > 0. Use for lr, weight_decay.")
    step: float | None = Field(default=None, gt=0.0, description="Only values low + k*step (not with log). The grid "
                                                                 "sampler needs a step, or takes 5 points.")

    @model_validator(mode="after")
    def _valid_range(self) -> FloatParam:
        if not (math.isfinite(self.low) and math.isfinite(self.high)) or self.low >= self.high:
            raise ValueError(f"need finite low < high; got low={self.low}, high={self.high}")
        if self.log and self.low <= 0:
            raise ValueError(f"log=true needs low > 0; got low={self.low}")
        if self.log and self.step is not None:
            raise ValueError("give either log=true or a step, not both")
        return self


class IntParam(_Strict):
    """An integer in [low, high] (both included), every `step`-th value; log=true for widths and sizes."""

    type: Literal["int"] = Field(description="Selects an integer range.")
    low: int = Field(description="Smallest value.")
    high: int = Field(description="Largest value.")
    step: int = Field(default=1, ge=1, description="Only values low + k*step.")
    log: bool = Field(default=False, description="Sample log-uniformly; needs low >= 1 and step 1. Use for widths.")

    @model_validator(mode="after")
    def _valid_range(self) -> IntParam:
        if self.low >= self.high:
            raise ValueError(f"need low < high; got low={self.low}, high={self.high}")
        if self.log and (self.low < 1 or self.step != 1):
            raise ValueError(f"log=true needs low >= 1 and step 1; got low={self.low}, step={self.step}")
        return self


class CategoricalParam(_Strict):
    """One of a list of values (strings, numbers, booleans or null)."""

    type: Literal["categorical"] = Field(description="Selects a list of choices.")
    choices: list[Choice] = Field(min_length=1, description="e.g. ['adamw', 'sgd'] or [0.0, 0.1, 0.3].")

    @model_validator(mode="after")
    def _distinct(self) -> CategoricalParam:
        if len({repr(c) for c in self.choices}) != len(self.choices):
            raise ValueError(f"choices must be distinct; got {self.choices}")
        return self


SearchParam = Annotated[FloatParam | IntParam | CategoricalParam, Field(discriminator="type")]


# --- what is optimised --------------------------------------------------------------------

CLASSIFICATION_METRICS = ("accuracy", "balanced_accuracy", "macro_f1", "log_loss", "roc_auc")
REGRESSION_METRICS = ("r2", "rmse", "mae")
MODEL_METRICS = ("param_count", "latency_ms")  # measured on the trained model, not per epoch
ObjectiveMetric = Literal["val_metric", "accuracy", "balanced_accuracy", "macro_f1", "log_loss", "roc_auc", "r2",
                          "rmse", "mae", "val_loss", "param_count", "latency_ms"]
MINIMIZED = frozenset({"log_loss", "rmse", "mae", "val_loss", "param_count", "latency_ms"})


class Objective(_Strict):
    """One quantity to optimise, measured on the validation rows or on the trained model."""

    metric: ObjectiveMetric = Field(
        default="val_metric",
        description="val_metric (default): the metric the data calls for: balanced_accuracy when the data audit "
                    "finds class imbalance, else accuracy; r2 for regression. Or name one: accuracy, "
                    "balanced_accuracy, macro_f1, log_loss, roc_auc (two classes); r2, rmse, mae (regression); "
                    "val_loss; param_count (trainable parameters); latency_ms (median CPU forward time of one "
                    "row). Results name the metric used, e.g. 'val balanced_accuracy, maximize'.")
    direction: Literal["maximize", "minimize"] | None = Field(
        default=None, description="Default: minimize log_loss, rmse, mae, val_loss, param_count and latency_ms; "
                                  "maximize the others.")

    @property
    def resolved_direction(self) -> Literal["maximize", "minimize"]:
        return self.direction or ("minimize" if self.metric in MINIMIZED else "maximize")

    @property
    def label(self) -> str:
        """e.g. 'val balanced_accuracy, maximize'."""
        where = "" if self.metric in (*MODEL_METRICS, "val_loss") else "val "
        return f"{where}{self.metric}, {self.resolved_direction}"


class TuneHyperparamsSpec(ToolSpec):
    """Search training and architecture settings of a base experiment with Optuna, then check the winner."""

    base: ExperimentSpec = Field(description="The experiment to improve: model, data and training config. Every "
                                             "trial is this experiment with the search space's fields changed.")
    space: dict[str, SearchParam] = Field(
        min_length=1,
        description="Dotted field names under 'training.' or 'model.' to their ranges, e.g. "
                    "{'training.lr': {'type': 'float', 'low': 1e-4, 'high': 1e-1, 'log': true}, "
                    "'model.width': {'type': 'int', 'low': 16, 'high': 256, 'log': true}, "
                    "'training.optimizer': {'type': 'categorical', 'choices': ['adamw', 'sgd']}}.")
    objectives: list[Objective] = Field(
        default_factory=lambda: [Objective()], min_length=1, max_length=2,
        description="One objective, or two for a Pareto front (e.g. val_metric and param_count). Pruning needs "
                    "one objective; with two, trials run all their epochs.")
    n_trials: int | None = Field(default=20, ge=1, le=10_000,
                                 description="Trials this call adds to the study (failed and pruned ones count).")
    time_budget_s: float | None = Field(default=None, gt=0.0, le=7 * 24 * 3600,
                                        description="No new trial starts after this many seconds; running ones "
                                                    "finish. With n_trials too, whichever comes first.")
    sampler: Literal["tpe", "random", "grid", "cmaes", "gp"] = Field(
        default="tpe", description="tpe (default); random; grid (every combination; floats need a step or get 5 "
                                   "points); cmaes (numeric spaces, needs the cmaes package); gp (Gaussian "
                                   "process, good for under ~100 trials of numeric parameters).")
    pruner: Literal["asha", "hyperband", "median", "none"] = Field(
        default="asha", description="Stops unpromising trials early from their per-epoch validation values. asha: "
                                    "successive halving (default); hyperband; median: stop below the median of "
                                    "earlier trials at the same epoch; none.")
    min_epochs_before_pruning: int | None = Field(
        default=None, ge=1, le=10_000,
        description="No trial is pruned before it has run this many epochs (summed over its seeds and folds). "
                    "Default: a quarter of a trial's epochs, at least 1, so a trial meets one pruning cut and "
                    "about a third of the trials run to the end (one epoch says little about a slow starter, "
                    "such as SGD with a small learning rate).")
    cv_folds: int | None = Field(default=None, ge=2, le=20,
                                 description="Score every trial by k-fold cross-validation over train+validation "
                                             "rows (k times the cost). The test split stays sealed.")
    seeds_per_trial: int = Field(default=1, ge=1, le=10,
                                 description="Train every trial with this many seeds and score the mean.")
    n_workers: int = Field(default=1, ge=1, le=64,
                           description="Worker processes running trials in parallel on this machine, each loading "
                                       "the data once. More machines join with `ml-expert worker`.")
    study_name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$",
                                   description="Name of the Optuna study; an existing name resumes and extends it. "
                                               "Default: 'tune-' + the run id.")
    storage: str | None = Field(
        default=None,
        description="Where the study lives. Default: a journal file <workspace>/studies/<study_name>.journal. A "
                    "'.journal' path inside the workspace, or an RDB URL (postgresql://user:pw@host/db, "
                    "sqlite:///file.db) when workers on several machines share the study.")
    health_pruning: bool = Field(
        default=True, description="Stop a trial at once when its training is broken: the loss diverging (10x its "
                                  "start), NaN, or 90% of the ReLU units dead. Recorded as pruned with the reason "
                                  "(top_trials[].ended), so the sampler learns to avoid the region; works with "
                                  "any pruner, 'none' included.")
    allow_label_leak: bool = Field(
        default=False, description="The search stops before any trial when the data audit finds a feature that "
                                   "copies the label (label_leak fail): its scores would only measure the copy. "
                                   "Drop the column (base.data.source.features lists the ones to keep), or set "
                                   "true to search anyway; the summary then says the result is not to be trusted.")
    significance_seeds: int = Field(default=5, ge=0, le=30,
                                    description="Seeds (or the CV folds) on which the best and the base "
                                                "configuration are both retrained for the paired significance "
                                                "test; 0 skips the test (the verdict is then 'not_tested'). "
                                                "Needs at least 2 to test.")

    @model_validator(mode="after")
    def _has_a_budget(self) -> TuneHyperparamsSpec:
        if self.n_trials is None and self.time_budget_s is None:
            raise ValueError("give n_trials, time_budget_s or both: the search needs a budget")
        if self.significance_seeds == 1:
            raise ValueError("significance_seeds must be 0 (skip) or at least 2: a paired test needs pairs")
        return self


# --- the result ---------------------------------------------------------------------------

class TrialRow(BaseModel):
    """One trial of the study."""

    number: int
    state: Literal["complete", "pruned", "failed", "running", "waiting"]
    values: list[float] | None = Field(default=None, description="Objective values, in the order of `objectives`.")
    params: dict[str, Choice] = Field(default_factory=dict)
    epochs: int | None = Field(default=None, description="Epochs the trial trained (summed over seeds and folds).")
    duration_s: float | None = None
    fail_reason: str | None = None
    ended: str | None = Field(default=None, description="Why the trial ended: 'completed', 'pruned by asha at "
                                                        "epoch 3', 'stopped at epoch 1, unhealthy: ...', or "
                                                        "'failed: ...'.")


class TrialCounts(BaseModel):
    """How the study's trials ended (all of them, including earlier calls on the same study)."""

    complete: int = 0
    pruned: int = 0
    failed: int = 0
    running: int = 0
    unhealthy: int = Field(default=0, description="Pruned trials stopped by trial-health pruning (diverged, NaN, "
                                                  "dead units), not by the pruner.")
    total: int = 0
    added_by_this_call: int = 0
    failure_reasons: dict[str, int] = Field(default_factory=dict,
                                            description="Distinct failure reasons (first 3) and how often.")


class Significance(BaseModel):
    """The best configuration against the base one, retrained on the same seeds (or folds)."""

    verdict: Literal["better", "worse", "not_significant", "not_tested"] = Field(
        description="better/worse only when p < 0.05 and the confidence interval of the gain excludes 0.")
    metric: str = Field(description="The objective compared (the first one).")
    compared_on: Literal["seeds", "folds"] = "seeds"
    n: int = 0
    base_scores: list[float] = Field(default_factory=list)
    best_scores: list[float] = Field(default_factory=list)
    gain: float | None = Field(default=None, description="Mean improvement of best over base, signed so that "
                                                         "positive is better whatever the direction.")
    ci_low: float | None = Field(default=None, description="95% confidence interval of the gain.")
    ci_high: float | None = None
    p_value: float | None = None
    test: str | None = Field(default=None, description="The paired test used.")


class ParetoPoint(BaseModel):
    number: int
    values: list[float]
    params: dict[str, Choice]


class TuneHyperparamsResult(ToolResult):
    """The best settings found, how sure that is, and how to search next."""

    study_name: str | None = Field(default=None, description="Pass it back (with the same storage) to extend the "
                                                             "study, or to `ml-expert worker --study-name`.")
    storage: str | None = Field(default=None, description="Where the study lives (passwords hidden).")
    objectives: list[str] = Field(default_factory=list, description="The metrics optimised, named: e.g. "
                                                                              "['val balanced_accuracy, maximize'].")
    best_trial: int | None = None
    best_params: dict[str, Choice] = Field(default_factory=dict)
    best_value: float | None = Field(default=None, description="The search's best value of the first objective; "
                                                               "optimistic, since it was selected among trials.")
    confirmed_value: float | None = Field(default=None, description="The best configuration retrained on the "
                                                                     "significance seeds (or folds): its mean.")
    confirmed_ci_low: float | None = Field(default=None, description="95% bootstrap interval of confirmed_value.")
    confirmed_ci_high: float | None = None
    counts: TrialCounts = Field(default_factory=TrialCounts)
    top_trials: list[TrialRow] = Field(default_factory=list, description=f"The best {MAX_TOP_TRIALS} trials.")
    pareto_front: list[ParetoPoint] = Field(default_factory=list,
                                            description=f"Two objectives: the non-dominated trials (at most "
                                                        f"{MAX_PARETO_POINTS}).")
    importances: dict[str, float] = Field(default_factory=dict,
                                          description="Share of the objective's variation each parameter explains.")
    significance: Significance | None = None
    confirm_trainings: int | None = Field(default=None, description="Full trainings the confirmation ran (best and "
                                                                    "base on every seed or fold).")
    confirm_estimate_s: float | None = Field(default=None, description="Its cost as stated before it started: "
                                                                       "trainings x the median complete trial's "
                                                                       "time per training.")
    best_run_id: str | None = Field(default=None, description="Run holding the best configuration retrained on the "
                                                              "train split: use {'kind': 'run', 'run_id': ...} as a "
                                                              "model in profile_inference and later tools.")
    best_experiment: dict | None = Field(default=None, description="The base experiment with the best parameters.")
    suggested_space: dict[str, SearchParam] = Field(
        default_factory=dict, description="A narrower space around the best trials, ready for a follow-up call.")
