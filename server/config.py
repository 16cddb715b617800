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
    def database(self) -> Path:
        return self.workspace / "ml-expert.db"
