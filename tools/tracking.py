"""Experiment tracking: wandb in offline mode inside the workspace, or nothing."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

Tracking = Literal["wandb-offline", "none"]


class Tracker:
    """Logs metrics of one run. Starts wandb lazily, on the first log call."""

    def __init__(self, mode: Tracking, workspace: Path, run_id: str, tool: str, config: dict[str, Any]):
        self.mode = mode
        self._workspace = workspace
        self._run_id = run_id
        self._tool = tool
        self._config = config
        self._run = None

    def log(self, metrics: dict[str, float], step: int | None = None) -> None:
        if self.mode == "none":
            return
        if self._run is None:
            self._run = self._start()
        self._run.log(metrics, step=step)

    def finish(self) -> Path | None:
        """Close the run; return its offline folder (None when nothing was logged)."""
        if self._run is None:
            return None
        folder = Path(self._run.dir).parent
        self._run.finish()
        self._run = None
        return folder

    def _start(self):
        wandb_root = self._workspace / "wandb"
        wandb_root.mkdir(parents=True, exist_ok=True)
        # Every folder wandb would write to points into the workspace, and online mode is
        # never chosen here: with a key but no network wandb blocks for ~100 s.
        for var, sub in (("WANDB_DIR", ""), ("WANDB_DATA_DIR", "data"), ("WANDB_CACHE_DIR", "cache"),
                         ("WANDB_CONFIG_DIR", "config")):
            path = wandb_root / sub
            path.mkdir(exist_ok=True)
            os.environ[var] = str(path)
        os.environ["WANDB_MODE"] = "offline"
        os.environ["WANDB_SILENT"] = "true"
        import wandb

        return wandb.init(project="ml-expert", id=self._run_id, name=self._run_id, job_type=self._tool,
                          config=self._config, dir=str(wandb_root), mode="offline",
                          settings=wandb.Settings(console="off", silent=True))
