"""Server settings, fixed at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ml_expert.tools.tracking import Tracking

# HTTP sessions cost 20-40 KB each until they end; clients that vanish without a DELETE never end theirs.
SESSION_IDLE_TIMEOUT_S = 900.0  # no request in flight for this long: the session is closed
MAX_SESSIONS = 100  # past this many open sessions, a new one is refused with 503
MEMORY_SHARE = 0.8  # of the machine's memory, split between the jobs that run at once


def machine_memory_bytes() -> int:
    """MemTotal from /proc/meminfo (physical pages where that file is missing)."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")


def default_job_memory_limit(workers: int) -> int:
    return int(machine_memory_bytes() * MEMORY_SHARE / max(1, workers))


@dataclass(frozen=True)
class ServerConfig:
    workspace: Path
    roots: tuple[Path, ...] = ()
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    job_time_limit_s: float = 3600.0
    default_wait_s: float = 20.0
    tracking: Tracking = "wandb-offline"
    job_memory_limit_bytes: int | None = None  # None: MEMORY_SHARE of the machine's memory / workers

    def __post_init__(self) -> None:
        if self.job_memory_limit_bytes is None:
            object.__setattr__(self, "job_memory_limit_bytes", default_job_memory_limit(self.workers))
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
