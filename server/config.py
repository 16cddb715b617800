"""Server settings, fixed at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ml_expert.tools.tracking import Tracking


@dataclass(frozen=True)
class ServerConfig:
    workspace: Path
    roots: tuple[Path, ...] = ()
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    job_time_limit_s: float = 3600.0
    default_wait_s: float = 20.0
    tracking: Tracking = "wandb-offline"

    def __post_init__(self) -> None:
        object.__setattr__(self, "workspace", Path(self.workspace).resolve())
        object.__setattr__(self, "roots", tuple(Path(r).resolve() for r in self.roots))

    @property
    def threads_per_job(self) -> int:
        """Intra-op threads for each job: the cores shared by the jobs that run at once, so
        concurrent jobs don't oversubscribe the CPU (OpenMP stalls badly when they do)."""
        return max(1, (os.cpu_count() or 1) // self.workers)

    @property
    def database(self) -> Path:
        return self.workspace / "ml-expert.db"
