"""build_ensemble: spec and result. Pydantic only: the server imports this for schemas."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.evaluate.schema import Comparison
from ml_expert.tools.spec import ToolSpec

RunId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=128)]


class BuildEnsembleSpec(ToolSpec):
    """Combine trained runs of one dataset and split; score on validation against the best member."""

    run_ids: list[RunId] = Field(min_length=2, max_length=10,
                                 description="Runs of built-in models trained on the same data and split.")
    method: Literal["stack", "average", "vote"] = Field(
        default="stack", description="stack: a linear meta-learner on out-of-fold member outputs of the "
                                     "training rows; average: mean probability or value; vote: majority class.")
    folds: int = Field(default=5, ge=2, le=10, description="stack: folds of the training rows for the "
                                                           "out-of-fold outputs (each member retrained per fold).")
    bootstrap_resamples: int = Field(default=1000, ge=100, le=20_000, description="For the paired test.")
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0, description="Interval level.")

    @field_validator("run_ids")
    @classmethod
    def _distinct(cls, run_ids: list[str]) -> list[str]:
        if len(set(run_ids)) != len(run_ids):
            raise ValueError("run_ids repeat a run: an ensemble needs distinct members")
        return run_ids


class MemberScore(BaseModel):
    run_id: str
    value: float = Field(description="The member's validation headline metric.")


class BuildEnsembleResult(ToolResult):
    """The ensemble's validation score against its best member; the ensemble is saved as this run."""

    metric: str | None = Field(default=None, description="accuracy, balanced_accuracy or r2.")
    method: str | None = None
    value: float | None = Field(default=None, description="The ensemble's validation headline metric.")
    members: list[MemberScore] = Field(default_factory=list)
    comparison: Comparison | None = Field(default=None, description="Ensemble minus the best member, paired.")
    meta_rows: int = Field(default=0, description="Training rows the meta-learner was fitted on (stack).")
