"""train_model: spec and result. Pydantic only: the server imports this for schemas."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.models.spec import ModelRef
from ml_expert.tools.spec import ToolSpec
from ml_expert.tools.train.spec import TrainingConfig, model_shapes_from_data

EpochMetric = Literal["accuracy", "balanced_accuracy", "r2", "rmse"]


class TrainTarget(BaseModel):
    """The validation score to reach; becomes a pass/fail verdict naming the epoch."""

    model_config = ConfigDict(extra="forbid")

    metric: EpochMetric = Field(description="Validation metric; rmse counts as reached when at or below value.")
    value: float = Field(description="e.g. 0.9.")


class TrainModelSpec(ToolSpec):
    """Train a model on data, keep the best validation checkpoint, and save it as a run."""

    model: ModelRef = Field(description="Built-in family spec, code 'file.py:factory', or {'kind': 'run', "
                                        "'run_id': ...} to continue from a saved model.")
    data: DataSpec = Field(description="Training sees train and validation only; test stays sealed.")
    training: TrainingConfig = Field(default_factory=TrainingConfig)
    patience: int | None = Field(default=10, ge=1, le=10_000,
                                 description="Stop after this many epochs without a better validation score; "
                                             "null trains every epoch. The best epoch's weights are kept.")
    target: TrainTarget | None = Field(default=None, description="Optional score to reach, e.g. "
                                                                 "{'metric': 'accuracy', 'value': 0.9}.")
    tasks: list[DataSpec] | None = Field(default=None, min_length=1, max_length=10,
                                         description="Later tasks, trained in turn after data; forgetting measured.")
    replay_rows: int = Field(default=0, ge=0, le=100_000, description="Rows of each earlier task replayed with "
                                                                      "later ones (effect measured vs none).")

    @model_validator(mode="before")
    @classmethod
    def _model_shapes_from_data(cls, raw: Any) -> Any:
        return model_shapes_from_data(raw)


class FeatureImportance(BaseModel):
    """Validation score lost when one input column is shuffled (5 shuffles; t-interval)."""

    feature: str
    drop: float
    low: float
    high: float


class TrainingMemory(BaseModel):
    """One step's memory: the estimate before training, the limit, and what training measured."""

    estimate_mb: float = Field(description="Weights + gradients + max(activations, optimiser state).")
    activations_mb: float
    limit_mb: float | None = None
    fits: bool | None = None
    max_batch_size: int | None = Field(default=None, description="Largest batch the estimate fits in the limit.")
    measured_peak_mb: float | None = Field(default=None, description="CUDA allocator peak, or CPU resident "
                                                                     "high-water rise (reads high).")
    seconds_per_step: float


class Continual(BaseModel):
    """accuracy[i][j]: validation accuracy on task j after training task i."""

    accuracy: list[list[float]]
    forgetting: float = Field(description="Chaudhry et al. 2018: mean best-minus-final accuracy of earlier tasks.")
    backward_transfer: float = Field(description="Lopez-Paz & Ranzato 2017: mean final-minus-just-trained.")
    replay_rows: int
    forgetting_without_replay: float | None = None
    backward_transfer_without_replay: float | None = None


class TrainModelResult(ToolResult):
    """The trained run: its best epoch, why it stopped, and the metric the verdicts use."""

    metric: str | None = Field(default=None, description="The metric verdicts use: accuracy, balanced_accuracy "
                                                         "(imbalanced classes) or r2.")
    best_epoch: int | None = Field(default=None, description="The epoch whose weights were kept.")
    epochs_run: int = 0
    stopped: Literal["budget", "early_stopping", "nan"] | None = Field(
        default=None, description="budget: every epoch ran; early_stopping: patience ran out; nan: diverged.")
    target_epoch: int | None = Field(default=None, description="First epoch that met the target, if any.")
    memory: TrainingMemory | None = None
    continual: Continual | None = None
    importance: list[FeatureImportance] | None = Field(
        default=None, description="Top 5 columns by permutation importance on validation (none past 100 columns).")
