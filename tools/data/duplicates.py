"""Rows whose features appear in two splits, found by per-row sha256 fingerprints.

A validation or test row that is also a training row is scored on something the model has
seen, which inflates the score. The test split takes part through its fingerprints only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml_expert.tools.data.hashing import row_digests
from ml_expert.tools.data.splits import Splits
from ml_expert.tools.envelope import Verdict

FAIL_FRACTION = 0.05  # deepchecks fails above 5% of test rows also in train
N_EXAMPLES = 3


@dataclass(frozen=True)
class DuplicateReport:
    within: dict[str, int]  # rows repeating an earlier row of the same split
    across: dict[str, int]  # "val_in_train", "test_in_train_or_val"
    fractions: dict[str, float]  # the same, as a share of the validation / test rows
    examples: list[str]  # e.g. "val row 142 = train row 101"


def find_duplicates(splits: Splits) -> DuplicateReport:
    test_indices, test_digests = splits.test_row_digests()
    parts = {"train": (splits.train.indices, row_digests(splits.train.X)),
             "val": (splits.val.indices, row_digests(splits.val.X)),
             "test": (test_indices, test_digests)}
    within = {name: len(d) - len(np.unique(d)) for name, (_, d) in parts.items()}
    train_and_val = tuple(np.concatenate(pair) for pair in zip(parts["train"], parts["val"], strict=True))
    val_hits, val_examples = _matches("val", parts["val"], "train", parts["train"])
    test_hits, test_examples = _matches("test", parts["test"], "train/val", train_and_val)
    across = {"val_in_train": val_hits, "test_in_train_or_val": test_hits}
    fractions = {"val_in_train": val_hits / max(len(parts["val"][0]), 1),
                 "test_in_train_or_val": test_hits / max(len(parts["test"][0]), 1)}
    return DuplicateReport(within, across, fractions, (val_examples + test_examples)[:N_EXAMPLES])


def _matches(name: str, rows: tuple[np.ndarray, np.ndarray], earlier_name: str,
             earlier: tuple[np.ndarray, np.ndarray]) -> tuple[int, list[str]]:
    """How many of ``rows`` also occur in ``earlier``, and a few pairs of row numbers as examples."""
    (indices, digests), (earlier_indices, earlier_digests) = rows, earlier
    hits = np.flatnonzero(np.isin(digests, earlier_digests))
    if len(hits) == 0:
        return 0, []
    uniques, first = np.unique(earlier_digests, return_index=True)
    partners = earlier_indices[first[np.searchsorted(uniques, digests[hits[:N_EXAMPLES]])]]
    examples = [f"{name} row {indices[h]} = {earlier_name} row {p}" for h, p in zip(hits, partners, strict=False)]
    return len(hits), examples


def overlap_verdict(report: DuplicateReport) -> Verdict:
    evidence = {**report.across, **{f"{k}_fraction": round(v, 4) for k, v in report.fractions.items()},
                **{f"duplicates_within_{k}": v for k, v in report.within.items()},
                "examples": "; ".join(report.examples) or None}
    worst = max(report.fractions.values())
    if worst == 0:
        return Verdict(check="split_overlap", status="pass", evidence=evidence,
                       message="No validation or test row repeats a row of an earlier split (feature fingerprints).")
    return Verdict(
        check="split_overlap", status="fail" if worst > FAIL_FRACTION else "warn", evidence=evidence,
        message=f"{report.across['val_in_train']} validation row(s) ({report.fractions['val_in_train']:.1%}) also occur "
                f"in training and {report.across['test_in_train_or_val']} test row(s) "
                f"({report.fractions['test_in_train_or_val']:.1%}) in training or validation, e.g. "
                f"{report.examples[0]}; their scores are inflated.",
        fix="Remove exact duplicate rows from the data before splitting (e.g. pandas drop_duplicates on the "
            "feature columns), or keep each group of identical rows in one split; then re-run the audit.")
