"""What the job and run tools answer with."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ml_expert.tools.envelope import Artifact, JobProgress, JobStatus, Verdict


class JobView(BaseModel):
    job_id: str
    run_id: str
    tool: str
    status: JobStatus
    progress: JobProgress | None = None
    error: str | None = Field(default=None, description="Why the job failed, was cancelled or interrupted.")
    pid: int | None = Field(default=None, description="The worker process, while or after it ran.")
    created_at: float
    started_at: float | None = None
    ended_at: float | None = None
    elapsed_s: float | None = Field(default=None, description="Seconds from start to end (or to now).")
    result: dict[str, Any] | None = Field(default=None, description="The tool's result once the job succeeded.")


class JobList(BaseModel):
    jobs: list[JobView]


class RunView(BaseModel):
    run_id: str
    job_id: str
    tool: str
    status: JobStatus
    summary: str | None = None
    metrics: dict[str, float] | None = None
    verdicts: list[Verdict] | None = None
    provenance: dict[str, Any] | None = None
    artifacts: list[Artifact] = Field(default_factory=list)
    created_at: float
    ended_at: float | None = None


class RunList(BaseModel):
    runs: list[RunView]
