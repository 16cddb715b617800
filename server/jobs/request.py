"""What the server hands a worker process, and the events a worker sends back."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


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
