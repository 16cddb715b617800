"""The files of a run folder as artifact records, and the check that a worker's artifacts are in it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ml_expert.jobs.executor import MalformedEvent
from ml_expert.tools.job import sha256_file

KIND_BY_SUFFIX = {".png": "plot", ".svg": "plot", ".py": "code", ".yaml": "config", ".yml": "config",
                  ".json": "report", ".md": "report", ".txt": "report", ".pt": "checkpoint", ".pth": "checkpoint",
                  ".ckpt": "checkpoint", ".pt2": "checkpoint", ".onnx": "checkpoint", ".log": "log", ".csv": "data",
                  ".npz": "data", ".npy": "data"}


def inside(path: str | Path, folder: Path) -> bool:
    """Whether the real path (symlinks resolved) is inside the real folder."""
    real, real_folder = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([real, real_folder]) == real_folder and real != real_folder


def checked_artifacts(artifacts: list[dict[str, Any]], run_dir: Path) -> None:
    """Refuse artifacts a worker names outside its run folder (a forged result could name any file)."""
    for artifact in artifacts:
        path = artifact["path"]
        if not inside(path, run_dir) or not os.path.isfile(path):
            raise MalformedEvent(f"artifact {artifact['name']!r} is {path!r}, not a file in the run folder {run_dir}")


def file_artifact(path: Path) -> dict[str, Any]:
    return {"name": path.name, "kind": KIND_BY_SUFFIX.get(path.suffix.lower(), "data"), "path": str(path),
            "sha256": sha256_file(path), "bytes": path.stat().st_size}


def run_folder_artifacts(run_dir: Path) -> list[dict[str, Any]]:
    """The regular files at the top of a run folder, hashed (symlinks are left out: they may point anywhere)."""
    if not run_dir.is_dir():
        return []
    return [file_artifact(path) for path in sorted(run_dir.iterdir()) if path.is_file() and not path.is_symlink()]
