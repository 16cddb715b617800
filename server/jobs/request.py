"""What the server hands a worker process, and the events a worker sends back."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from ml_expert.tools.envelope import JobProgress


class WorkerRequest(BaseModel):
    job_id: str
    run_id: str
    tool: str
    function: str
    spec_model: str
    spec: dict[str, Any]
    seed: int
    tracking: str
    workspace: str
    roots: list[str]
    database: str
    threads: int
    server_pid: int  # the worker ends itself when its parent is no longer this process
    memory_limit_bytes: int


class ProgressEvent(JobProgress):
    model_config = ConfigDict(extra="forbid")

    type: Literal["progress"]


class ResultEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["result"]
    result: dict[str, Any]


class ErrorEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["error"]
    kind: Literal["user", "crash", "memory"]
    message: str
    field: str | None = None


WorkerEvent = Annotated[ProgressEvent | ResultEvent | ErrorEvent, Field(discriminator="type")]
WORKER_EVENT = TypeAdapter(WorkerEvent)
