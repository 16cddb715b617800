"""Deterministic train / validation / sealed test splits.

The split depends on the split seed, the ratios and the class counts only, not on the data
values: fixing one label or value changes that row's split hash but moves no row to another
split, so runs before and after a data fix stay comparable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ml_expert.tools.data.hashing import row_digests, split_hash
from ml_expert.tools.data.spec import SplitSpec
from ml_expert.tools.data.table import Table, frozen_array
from ml_expert.tools.errors import SpecError

if TYPE_CHECKING:
    from ml_expert.tools.envelope import Verdict
    from ml_expert.tools.job import JobContext

MIN_ROWS_PER_CLASS = 3  # a stratified split puts at least one row of every class in each of the three splits


@dataclass(frozen=True, eq=False)
class Split:
    """Rows of one split; ``indices`` are row numbers in the Table; arrays are read-only."""

    name: str
    X: np.ndarray
    y: np.ndarray
    indices: np.ndarray
    hash: str

    @classmethod
    def of(cls, name: str, X: np.ndarray, y: np.ndarray, indices: np.ndarray) -> Split:
        X, y = frozen_array(X, "float32"), frozen_array(y, y.dtype.str)
        indices = frozen_array(indices, "int64")
        return cls(name=name, X=X, y=y, indices=indices, hash=split_hash(indices, X, y))

    def __len__(self) -> int:
        return len(self.indices)


class Splits:
    """Train and validation rows, and a sealed test split reachable only through :meth:`open_test`."""

    def __init__(self, train: Split, val: Split, test: Split, dataset_version: str):
        self.train = train
        self.val = val
        self._sealed_test = test
        self.dataset_version = dataset_version

    @property
    def test(self) -> Split:
        raise AttributeError("the test split is sealed: call splits.open_test(job, lineage=..., purpose=...) "
                             "for a final evaluation; it is recorded in the test-set ledger")

    @property
    def hashes(self) -> dict[str, str]:
        return {"train": self.train.hash, "val": self.val.hash, "test": self._sealed_test.hash}

    @property
    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train), "val": len(self.val), "test": len(self._sealed_test)}

    def open_test(self, job: JobContext, *, lineage: str, purpose: str) -> tuple[Split, Verdict]:
        """The test rows, after recording this look in the ledger; the verdict warns on a repeat look."""
        verdict = job.open_test_split(dataset_version=self.dataset_version, split_hash=self._sealed_test.hash,
                                      lineage=lineage, purpose=purpose)
        return self._sealed_test, verdict

    def test_row_digests(self) -> tuple[np.ndarray, np.ndarray]:
        """Row numbers and feature fingerprints of the test rows, for duplicate checks.

        Fingerprints reveal neither values nor labels, so this is not a look at the test set and
        is not recorded.
        """
        return self._sealed_test.indices, row_digests(self._sealed_test.X)

    def with_eval_rows_shifted(self, offset: np.ndarray) -> Splits:
        """A copy whose validation and test features are moved by ``offset`` (simulated drift)."""
        moved = [Split.of(s.name, s.X + offset, s.y, s.indices) for s in (self.val, self._sealed_test)]
        return Splits(self.train, moved[0], moved[1], self.dataset_version)

    def with_columns(self, keep: np.ndarray) -> Splits:
        """A copy holding only the feature columns ``keep``, on the same rows (an ablation of a feature group)."""
        kept = [Split.of(s.name, s.X[:, keep], s.y, s.indices) for s in (self.train, self.val, self._sealed_test)]
        return Splits(*kept, self.dataset_version)

    def __repr__(self) -> str:
        return f"Splits({self.dataset_version}, sizes={self.sizes}, test sealed)"


def make_splits(table: Table, split: SplitSpec, *, field: str = "data") -> Splits:
    """Split ``table`` by ``split``'s ratios and seed; stratified for classification when asked.

    Stratification keeps every class's share in each split and at least one row of every class
    in each split, so it needs at least three rows per class.
    """
    n = table.n_rows
    if n < 3:
        raise SpecError(f"{field}.split", f"the data has {n} row(s); train, validation and test need at least "
                                          "one row each", "a dataset with at least 3 rows")
    n_test = max(1, round(n * split.test_fraction))
    n_val = max(1, round(n * split.val_fraction))
    rng = np.random.default_rng(split.seed)
    if split.stratify and table.task == "classification":
        parts = _stratified(table, n_test, n_val, rng, field)
    else:
        n_test = min(n_test, n - 2)
        n_val = min(n_val, n - n_test - 1)
        order = rng.permutation(n)
        parts = {"test": order[:n_test], "val": order[n_test:n_test + n_val], "train": order[n_test + n_val:]}
    made = {name: Split.of(name, table.X[idx], table.y[idx], idx)
            for name, idx in ((name, np.sort(rows)) for name, rows in parts.items())}
    return Splits(made["train"], made["val"], made["test"], table.version)


def _stratified(table: Table, n_test: int, n_val: int, rng: np.random.Generator, field: str) -> dict[str, np.ndarray]:
    counts = np.bincount(table.y, minlength=len(table.class_names or []))
    too_small = [(table.class_names[k], int(c)) for k, c in enumerate(counts) if c < MIN_ROWS_PER_CLASS]
    if too_small:
        listed = ", ".join(f"{name!r} has {c} row(s)" for name, c in too_small[:5])
        raise SpecError(f"{field}.split.stratify",
                        f"impossible split: {listed}; a stratified train/validation/test split needs at least "
                        f"{MIN_ROWS_PER_CLASS} rows of every class (one per split)",
                        "stratify=false, or add rows of those classes, or drop or merge them in the file")
    test_share, val_share = _apportion(counts, n_test), _apportion(counts, n_val)
    parts: dict[str, list[np.ndarray]] = {"train": [], "val": [], "test": []}
    for k, count in enumerate(counts):
        n_k_test = int(np.clip(test_share[k], 1, count - 2))
        n_k_val = int(np.clip(val_share[k], 1, count - n_k_test - 1))
        rows = rng.permutation(np.flatnonzero(table.y == k))
        parts["test"].append(rows[:n_k_test])
        parts["val"].append(rows[n_k_test:n_k_test + n_k_val])
        parts["train"].append(rows[n_k_test + n_k_val:])
    return {name: np.concatenate(chunks) for name, chunks in parts.items()}


def _apportion(counts: np.ndarray, total: int) -> np.ndarray:
    """Split ``total`` over classes in proportion to ``counts`` (largest remainder; ties by class order)."""
    quotas = counts * total / counts.sum()
    shares = np.floor(quotas).astype(np.int64)
    leftover = total - int(shares.sum())
    shares[np.argsort(-(quotas - shares), kind="stable")[:leftover]] += 1
    return shares
