"""export_model: spec and result. Pydantic only: the server imports this for JSON schemas."""

from __future__ import annotations

from pydantic import BaseModel, Field

from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.spec import ToolSpec


class ExportModelSpec(ToolSpec):
    """Package a trained, evaluated run for serving, with its model card and drift reference."""

    run_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", max_length=128,
                        description="A train_model or tune_hyperparams run that evaluate_model has evaluated.")
    draft: bool = Field(default=False, description="Export a run never evaluated on the test split; the card "
                                                   "says DRAFT.")
    intended_use: str | None = Field(default=None, max_length=2000,
                                     description="What the model is for, in the person's words (goes in the card).")


class Parity(BaseModel):
    rows: int = Field(description="Validation rows compared.")
    max_abs_diff: float
    relative_diff: float = Field(description="max_abs_diff over the largest checkpoint output.")
    tolerance: float = Field(description="Largest relative_diff that passes.")
    passed: bool
    top1_agreement: float | None = None


class ExportModelResult(ToolResult):
    package: list[str] = Field(default_factory=list, description="Package files (artifacts of this run).")
    parity: dict[str, Parity] = Field(default_factory=dict, description="'pt2' and 'onnx' against the checkpoint.")
    draft: bool = False
    evaluation_run: str | None = Field(default=None, description="The evaluate_model run the card reports.")
