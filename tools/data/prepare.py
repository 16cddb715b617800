"""The one call a tool makes to get data: load, version, split, shift (synthetic), audit, record."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

import numpy as np

from ml_expert.tools.data.audit import AuditReport, run_audit
from ml_expert.tools.data.loading import load_table
from ml_expert.tools.data.spec import DataSpec, SyntheticSource
from ml_expert.tools.data.splits import Split, Splits, make_splits
from ml_expert.tools.data.synthetic import shift_offset
from ml_expert.tools.data.table import Table
from ml_expert.tools.envelope import Verdict
from ml_expert.tools.job import JobContext


@dataclass
class PreparedData:
    table: Table
    splits: Splits
    verdicts: list[Verdict]
    seeds: dict[str, int] = dataclasses.field(default_factory=dict)  # "split", and "synthetic" for generated data
    audit: AuditReport | None = None

    def provenance_fields(self) -> dict:
        """Keyword arguments for Provenance: the dataset version and the three split hashes."""
        return {"dataset_version": self.table.version, "split_hashes": self.splits.hashes}


def prepare_data(spec: DataSpec, job: JobContext, field: str = "data") -> PreparedData:
    """Load ``spec`` (files only under ``job.roots``), split it, audit it and record its version.

    ``field`` is where the DataSpec sits in the tool's spec, so errors name e.g. ``data.source.path``.
    """
    table = load_table(spec.source, job.roots, field=field)
    splits = make_splits(table, spec.split, field=field)
    seeds = {"split": spec.split.seed}
    if isinstance(spec.source, SyntheticSource):
        seeds["synthetic"] = spec.source.seed
        if spec.source.shift > 0:
            # Later rows drift away from the training rows, measured in training standard deviations.
            splits = splits.with_eval_rows_shifted(shift_offset(splits.train.X, spec.source.shift))
    audit = run_audit(table, _audit_view(splits), seed=job.seed)
    job.records.record_dataset(table.version, table.source, table.n_rows, table.n_features, splits.hashes)
    return PreparedData(table, splits, audit.verdicts, seeds, audit)


def _audit_view(splits: Splits) -> Splits:
    """The splits with missing values filled by the training medians, for the audit's estimators
    (the model's own imputation is the preprocessing's, fitted the same way on the training rows)."""
    if not (np.isnan(splits.train.X).any() or np.isnan(splits.val.X).any()):
        return splits
    with np.errstate(all="ignore"):
        fill = np.nan_to_num(np.nanmedian(splits.train.X, axis=0))
    view = copy.copy(splits)
    view.train, view.val = (Split.of(s.name, np.where(np.isnan(s.X), fill, s.X), s.y, s.indices)
                            for s in (splits.train, splits.val))
    return view
