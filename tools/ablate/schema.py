"""ablate_experiment: spec and result. Pydantic only: the server imports this for schemas."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.spec import ToolSpec
from ml_expert.tools.train.spec import ExperimentSpec

NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"


class Ablation(BaseModel):
    """One component taken away: settings changed, put back to default, or feature columns removed."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=NAME_PATTERN, max_length=64, description="e.g. 'no_dropout'.")
    overrides: dict[str, Any] = Field(default_factory=dict, max_length=20,
                                      description="Dotted settings, e.g. {'model.dropout': 0.0, 'model.depth': 1}.")
    reset: list[str] = Field(default_factory=list, max_length=20,
                             description="Settings put back to their defaults, e.g. ['training.weight_decay'].")
    drop_features: list[str] = Field(default_factory=list, max_length=10_000,
                                     description="Feature columns removed (a feature group).")

    @model_validator(mode="after")
    def _changes_something(self) -> Ablation:
        if not (self.overrides or self.reset or self.drop_features):
            raise ValueError(f"ablation {self.name!r} changes nothing: give overrides, reset or drop_features")
        return self


class AblateExperimentSpec(ToolSpec):
    """Train the base and each ablation over the same seeds and splits; rank the components by effect."""

    base: ExperimentSpec = Field(description="The experiment every ablation changes one part of.")
    ablations: list[Ablation] = Field(min_length=1, max_length=12, description="Each removes one component.")
    seeds: int = Field(default=3, ge=2, le=10, description="Seeds per variant (seed, seed+1, ...), paired.")
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0, description="Interval level.")

    @field_validator("ablations")
    @classmethod
    def _names_differ(cls, ablations: list[Ablation]) -> list[Ablation]:
        names = [a.name for a in ablations]
        repeated = sorted({n for n in names if names.count(n) > 1} | ({"base"} & set(names)))
        if repeated:
            raise ValueError(f"ablation names must be unique and not 'base'; repeated or reserved: {repeated}")
        return ablations


class AblationRow(BaseModel):
    """An ablation against the base on the same seeds: ``diff`` = ablation minus base."""

    name: str
    mean: float = Field(description="The ablation's mean validation metric over seeds.")
    diff: float
    ci_low: float
    ci_high: float
    p_value: float
    verdict: Literal["needed", "harmful", "within_noise"] = Field(
        description="needed: removing it costs significantly; harmful: removing it helps significantly.")


class AblateExperimentResult(ToolResult):
    """The ablations ranked by effect, the costliest removal first; ablation.json has every seed's score."""

    metric: str | None = Field(default=None, description="The validation metric compared.")
    seeds: list[int] = Field(default_factory=list)
    base_mean: float | None = None
    ablations: list[AblationRow] = Field(default_factory=list)
    runs: dict[str, str] = Field(default_factory=dict,
                                 description="Variant ('base' too) -> the run id of its first seed's model.")
