"""``preprocessing.json`` in a run folder, versioned with the checkpoint by its sha256 in ``model.yaml``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ml_expert.tools.envelope import Artifact
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext, sha256_file
from ml_expert.tools.preprocess.transforms import Preprocessing

PREPROCESSING_FILE = "preprocessing.json"


def save_preprocessing(preprocessing: Preprocessing, job: JobContext) -> tuple[Artifact, dict[str, Any]]:
    """Write the file into the job's run folder; return its artifact and the entry for model.yaml."""
    artifact = job.add_artifact(PREPROCESSING_FILE, "config", json.dumps(preprocessing.to_dict(), indent=1))
    return artifact, {"file": PREPROCESSING_FILE, "sha256": artifact.sha256}


def load_preprocessing(run_dir: Path, entry: dict[str, Any] | None, run_id: str, field: str) -> Preprocessing | None:
    """The run's preprocessing (None for a run saved without one, such as an untrained architecture)."""
    if entry is None:
        return None
    path = run_dir / PREPROCESSING_FILE
    if not path.is_file():
        raise SpecError(field, f"run {run_id!r} lists {PREPROCESSING_FILE}, which is missing",
                        "a run whose files are intact")
    if sha256_file(path) != entry.get("sha256"):
        raise SpecError(field, f"run {run_id!r}: {PREPROCESSING_FILE} does not match the sha256 saved with its "
                               "checkpoint (the file was changed after the model was saved)",
                        "a run whose files are intact; retrain to get a consistent model and preprocessing")
    try:
        return Preprocessing.from_dict(json.loads(path.read_text()))
    except (ValueError, KeyError, TypeError) as error:
        raise SpecError(field, f"run {run_id!r}: {PREPROCESSING_FILE} cannot be read: {error}",
                        "a run whose files are intact") from error
