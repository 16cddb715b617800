"""The test-split evaluation a card reports: the latest evaluate_model record of a run."""

from __future__ import annotations

import json
from typing import Any

from ml_expert.tools.job import JobContext

EVALUATION_FILE = "evaluation.json"


def find_evaluation(run_id: str, job: JobContext) -> dict[str, Any] | None:
    runs = job.workspace / "runs"
    records = []
    for path in runs.glob(f"*/{EVALUATION_FILE}"):
        record = json.loads(path.read_text())
        if record.get("model_run_id") == run_id:
            records.append(record)
    return max(records, key=lambda r: r.get("opened_at", "")) if records else None
