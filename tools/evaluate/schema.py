"""evaluate_model: spec and result. Pydantic only: the server imports this for schemas."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.spec import ToolSpec

MAX_CLASSES_LISTED = 20
MAX_SLICES_LISTED = 40


class RobustnessSpec(BaseModel):
    """FGSM, PGD and same-size random noise on the test rows, in the model's input space."""

    model_config = ConfigDict(extra="forbid")

    epsilons: list[float] = Field(default=[0.05, 0.1, 0.25], min_length=1, max_length=8,
                                  description="L-inf radii (standardised units or pixels).")
    pgd_steps: int = Field(default=10, ge=1, le=200, description="PGD iterations.")
    max_drop: float = Field(default=0.1, ge=0.0, le=1.0, description="Verdict fails above this accuracy drop.")

    @field_validator("epsilons")
    @classmethod
    def _positive(cls, values: list[float]) -> list[float]:
        if any(not 0 < v <= 100 for v in values):
            raise ValueError(f"every epsilon must be in (0, 100]; got {values}")
        return sorted(set(values))


class EvaluateModelSpec(ToolSpec):
    """Open the sealed test split once for a run and report what it scores, with uncertainty."""

    run_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=128,
                        description="A run with a trained model (train_model, tune_hyperparams).")
    data: DataSpec | None = Field(default=None, description="Default: the data the run was trained on.")
    reevaluate: bool = Field(default=False, description="Look again although this lineage already opened this "
                                                        "test split; the result is flagged.")
    compare_run_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=128,
                                       description="Another run to compare on the same test rows (paired test).")
    slice_features: list[str] = Field(default_factory=list, max_length=20,
                                      description="Features whose quantile bins get their own metric.")
    n_bins: int = Field(default=4, ge=2, le=20, description="Quantile bins per slice feature.")
    baselines: bool = Field(default=True, description="Fit majority/mean, linear and HistGradientBoosting on "
                                                      "the same train split and compare.")
    cv_folds: int | None = Field(default=None, ge=2, le=10, description="Retrain the run's experiment on k "
                                                                        "folds of train+validation.")
    bootstrap_resamples: int = Field(default=1000, ge=100, le=20_000, description="Resamples per interval.")
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0, description="Interval level.")
    robustness: RobustnessSpec | None = Field(default=None, description="Classification: accuracy under "
                                                                        "adversarial and random perturbations.")


class ClassReport(BaseModel):
    name: str
    precision: float
    recall: float
    f1: float
    support: int


class SliceReport(BaseModel):
    feature: str = Field(description="A feature name, or 'class' for per-class slices.")
    slice: str = Field(description="The bin, e.g. '[0.5, 1.2)', or the class name.")
    rows: int
    value: float = Field(description="The headline metric on these rows.")


class Comparison(BaseModel):
    """This run against another model on the same test rows: ``diff`` = this minus other."""

    against: str = Field(description="A run id, or a baseline: majority, mean, linear, hist_gradient_boosting.")
    value: float = Field(description="The other model's headline metric.")
    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    test: str = Field(description="mcnemar (accuracy) or paired_bootstrap.")
    verdict: Literal["better", "worse", "not_significant"] = Field(description="Of this run; only on evidence.")


class RobustnessRow(BaseModel):
    epsilon: float
    attack: Literal["fgsm", "pgd", "noise"]
    accuracy: float
    drop: float = Field(description="Clean minus perturbed accuracy; low/high: its interval.")
    low: float
    high: float


class CrossValidation(BaseModel):
    folds: list[float] = Field(description="The headline metric of each fold's validation rows.")
    mean: float
    std: float


class EvaluateModelResult(ToolResult):
    """Test-split scores with intervals; the details beyond these fields are in evaluation.json."""

    lineage: str | None = Field(default=None, description="The model lineage the ledger records.")
    reevaluation: bool = Field(default=False, description="True when this lineage had opened the split before.")
    test_rows: int = 0
    metric: str | None = Field(default=None, description="Headline: accuracy, balanced_accuracy or r2.")
    intervals: dict[str, list[float]] = Field(default_factory=dict, description="metric -> [low, high].")
    confusion_matrix: list[list[int]] | None = Field(default=None, description="Rows true, columns predicted "
                                                                               "(up to 10 classes).")
    per_class: list[ClassReport] = Field(default_factory=list)
    slices: list[SliceReport] = Field(default_factory=list)
    comparisons: list[Comparison] = Field(default_factory=list, description="Baselines, then compare_run_id.")
    cross_validation: CrossValidation | None = None
    robustness: list[RobustnessRow] | None = None
