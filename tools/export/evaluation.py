"""The test-split evaluation a card reports: evaluate_model's ``evaluation.json`` for the run.

The first evaluation is the one reported (a later look by the same lineage is optimistic, and
the guardrail says to report the first); how many later looks there were goes with it.
"""

from __future__ import annotations

import json
from typing import Any

from ml_expert.tools.evaluate.run import EVALUATION_FILE
from ml_expert.tools.job import JobContext


def find_evaluation(run_id: str, job: JobContext) -> dict[str, Any] | None:
    """The first evaluation of ``run_id`` in the workspace, with per-class recall as slices, or None."""
    records = []
    for path in (job.workspace / "runs").glob(f"*/{EVALUATION_FILE}"):
        try:
            record = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue  # not a record evaluate_model wrote
        if isinstance(record, dict) and record.get("model_run_id") == run_id:
            records.append(record)
    if not records:
        return None
    first = min(records, key=lambda r: str(r.get("opened_at", "")))
    classes = [{"slice": f"class {c['name']} (recall)", "rows": c["support"], "value": c["recall"]}
               for c in first.get("per_class", [])]
    return {**first, "slices": classes + list(first.get("slices", [])), "later_looks": len(records) - 1}
