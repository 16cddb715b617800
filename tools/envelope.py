"""The result envelope every tool answers with (see DESIGN.md, "Every answer has the same envelope").

Tool results subclass :class:`ToolResult` and give every field of their own a default, so a
job that is still running can answer with the same schema (``status: running``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

JobStatus = Literal["queued", "running", "succeeded", "failed", "cancelled", "interrupted"]
EvidenceValue = float | int | str | bool | None
MAX_CURVE_POINTS = 200


class Verdict(BaseModel):
    """One guardrail or check, judged on measured numbers."""

    check: str = Field(description="Name of the check, e.g. 'split_overlap' or 'class_imbalance'.")
    status: Literal["pass", "warn", "fail"]
    message: str = Field(description="One sentence an agent can quote.")
    evidence: dict[str, EvidenceValue] = Field(default_factory=dict, description="The numbers behind the verdict.")
    fix: str | None = Field(default=None, description="A concrete fix; always present when status is warn or fail.")

    def model_post_init(self, _context: object) -> None:
        if self.status != "pass" and not self.fix:
            raise ValueError(f"verdict {self.check!r} is {self.status} but names no fix")


class Artifact(BaseModel):
    """A file a job wrote, addressable as an MCP resource."""

    name: str = Field(description="File name inside the run folder, e.g. 'learning_curves.png'.")
    kind: str = Field(description="plot, code, config, checkpoint, trace, data, log or report.")
    path: str = Field(description="Absolute path on the server's machine.")
    sha256: str
    bytes: int
    uri: str = Field(description="MCP resource URI: runs://{run_id}/artifacts/{name}.")


class Curve(BaseModel):
    """A named series, downsampled to at most 200 points; full data lives in artifacts."""

    x_label: str = "step"
    x: list[float]
    y: list[float]

    @classmethod
    def from_series(cls, xs: list[float], ys: list[float], x_label: str = "step") -> Curve:
        if len(xs) != len(ys):
            raise ValueError(f"curve has {len(xs)} x values but {len(ys)} y values")
        if len(xs) > MAX_CURVE_POINTS:
            last = len(xs) - 1
            keep = sorted({round(i * last / (MAX_CURVE_POINTS - 1)) for i in range(MAX_CURVE_POINTS)})
            xs, ys = [xs[i] for i in keep], [ys[i] for i in keep]
        return cls(x_label=x_label, x=[float(v) for v in xs], y=[float(v) for v in ys])


class Provenance(BaseModel):
    """Everything needed to say what produced a result and to reproduce it."""

    seeds: dict[str, int] = Field(default_factory=dict)
    dataset_version: str | None = Field(default=None, description="Content hash of the dataset.")
    split_hashes: dict[str, str] = Field(default_factory=dict)
    packages: dict[str, str] = Field(default_factory=dict)
    device: str | None = None
    wall_time_s: float | None = None
    code_version: str | None = Field(default=None, description="ml-expert version that ran the job.")
    tracking_dir: str | None = Field(default=None, description="The wandb offline run folder, when tracked.")


class JobProgress(BaseModel):
    """The last progress report of a job."""

    step: float = 0
    total: float | None = None
    message: str = ""
    metrics: dict[str, float] = Field(default_factory=dict)


class ToolResult(BaseModel):
    """The envelope: fields every tool result carries."""

    model_config = ConfigDict(extra="forbid")

    run_id: str | None = Field(default=None, description="The tracked run; its files are resources runs://{run_id}/...")
    job_id: str | None = Field(default=None, description="Pass to get_job, wait_job or cancel_job.")
    status: JobStatus = "succeeded"
    summary: str = Field(default="", description="At most three sentences an agent can quote to a person.")
    metrics: dict[str, float] = Field(default_factory=dict)
    curves: dict[str, Curve] = Field(default_factory=dict)
    verdicts: list[Verdict] = Field(default_factory=list)
    artifacts: list[Artifact] = Field(default_factory=list)
    provenance: Provenance = Field(default_factory=Provenance)
    progress: JobProgress | None = Field(default=None, description="Set while the job is queued or running.")
