"""The data checks every job that touches data runs: overlap, imbalance, label leak, drift.

Checks see train and validation rows; the sealed test split takes part only through row
fingerprints (overlap), so auditing never counts as a look at the test set.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ml_expert.tools.data.drift import DriftReport, drift_verdict, measure_drift
from ml_expert.tools.data.duplicates import DuplicateReport, find_duplicates, overlap_verdict
from ml_expert.tools.data.imbalance import class_counts, imbalance_verdict
from ml_expert.tools.data.leakage import label_leak
from ml_expert.tools.data.splits import Splits
from ml_expert.tools.data.table import Table
from ml_expert.tools.envelope import Verdict


@dataclass(frozen=True)
class AuditReport:
    """Verdicts plus the measurements behind them, for tools that report more than verdicts."""

    verdicts: list[Verdict]
    duplicates: DuplicateReport
    class_counts: dict[str, dict[str, int]]  # "train", "val" -> class -> rows; empty for regression
    leak_scores: np.ndarray  # per feature, in table order
    drift: DriftReport
    seconds: float


def run_audit(table: Table, splits: Splits, *, seed: int = 0) -> AuditReport:
    started = time.perf_counter()
    duplicates = find_duplicates(splits)
    verdicts = [overlap_verdict(duplicates)]
    counts: dict[str, dict[str, int]] = {}
    if table.task == "classification":
        counts = {name: class_counts(part.y, table.class_names) for name, part in
                  (("train", splits.train), ("val", splits.val))}
        verdicts.append(imbalance_verdict(counts["train"]))
    leak_scores, leak = label_leak(splits.train.X, splits.train.y, table.task, table.feature_names, seed)
    verdicts.append(leak)
    drift = measure_drift(splits.train.X, splits.val.X, seed)
    verdicts.append(drift_verdict(drift, table.feature_names))
    return AuditReport(verdicts, duplicates, counts, leak_scores, drift, time.perf_counter() - started)


def audit_splits(table: Table, splits: Splits, *, seed: int = 0) -> list[Verdict]:
    """Verdicts (pass/warn/fail, with evidence and a fix) on how usable the splits are."""
    return run_audit(table, splits, seed=seed).verdicts
