"""check_drift: spec and result. Pydantic only: the server imports this for JSON schemas."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.spec import ToolSpec

Recommendation = Literal["retrain", "investigate", "fine"]


class CheckDriftSpec(ToolSpec):
    """A production batch against the training data of a model: give run_id or package."""

    batch: str = Field(description="CSV, Parquet, NPZ ('X') or NPY file of production inputs under the roots, "
                                   "with the model's feature columns.")
    target: str | None = Field(default=None, description="Label column (CSV/Parquet) or array (NPZ) in the "
                                                         "batch; given, the model is scored on it.")
    run_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=128,
                               description="An export_model run, or a trained run (its reference is computed "
                                           "from its training split).")
    package: str | None = Field(default=None, description="An exported package folder under the roots "
                                                          "(drift_reference.json, model.onnx).")
    alpha: float = Field(default=0.01, gt=0, le=0.2, description="Significance level after the "
                                                                "Benjamini-Hochberg correction.")

    @model_validator(mode="after")
    def _one_reference(self) -> CheckDriftSpec:
        if (self.run_id is None) == (self.package is None):
            raise ValueError("give exactly one of run_id (an export or trained run) or package (a folder)")
        return self


class FeatureDriftRow(BaseModel):
    feature: str
    kind: Literal["numeric", "categorical"]
    method: str = Field(description="The deciding test: ks, wasserstein, chi2 or jensen_shannon.")
    distance: float = Field(description="Wasserstein in training sd (numeric), Jensen-Shannon (categorical).")
    p_adjusted: float
    psi: float
    mean_shift_sd: float
    drifted: bool


class CheckDriftResult(ToolResult):
    recommendation: Recommendation | None = Field(default=None, description="retrain, investigate or fine.")
    drifted_features: list[str] = Field(default_factory=list)
    most_drifted: list[FeatureDriftRow] = Field(default_factory=list, description="Top features; "
                                                                                  "drift_report.json has all.")
