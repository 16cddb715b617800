"""Which model lineage a run belongs to, and the one look at the test split that the ledger allows it."""

from __future__ import annotations

from pathlib import Path

import yaml

from ml_expert.tools.data.prepare import PreparedData
from ml_expert.tools.data.splits import Split
from ml_expert.tools.envelope import Verdict
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import MODEL_FILE

MAX_ANCESTORS = 1000


def lineage_of(run_id: str, workspace: Path) -> str:
    """The first run of the chain of runs this model was trained from (a model continued from a run
    shares that run's lineage, so it cannot buy a fresh look at the test split)."""
    seen = [run_id]
    while len(seen) < MAX_ANCESTORS:
        path = workspace / "runs" / seen[-1] / MODEL_FILE
        parent = yaml.safe_load(path.read_text()).get("from_run") if path.is_file() else None
        if not parent or parent in seen:
            break
        seen.append(parent)
    return seen[-1]


def open_test_once(prepared: PreparedData, job: JobContext, *, lineage: str, reevaluate: bool,
                   purpose: str) -> tuple[Split, Verdict]:
    """The test rows, recorded in the ledger; refused (nothing opened) when this lineage looked before
    unless ``reevaluate`` says the repeat is deliberate (the verdict then flags it)."""
    split_hash = prepared.splits.hashes["test"]
    earlier = job.records.earlier_test_openings(split_hash, lineage)
    if earlier and not reevaluate:
        first = earlier[0]
        raise SpecError("reevaluate", f"lineage {lineage!r} already opened this test split {len(earlier)} time(s) "
                                      f"(first by run {first.run_id} at {first.opened_at}); another look makes its "
                                      "score optimistic",
                        "report the first evaluation; reevaluate=true for a deliberate, flagged re-evaluation; or "
                        "a fresh test split (new data or split.seed)")
    return prepared.splits.open_test(job, lineage=lineage, purpose=purpose)
