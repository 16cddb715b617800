"""Each ablation as an experiment and the data it trains on, checked before anything trains."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ml_expert.tools.ablate.schema import Ablation
from ml_expert.tools.data.prepare import PreparedData
from ml_expert.tools.data.table import Table
from ml_expert.tools.errors import SpecError
from ml_expert.tools.train.overrides import apply_overrides
from ml_expert.tools.train.spec import ExperimentSpec, TrainingConfig


@dataclass(frozen=True)
class Variant:
    name: str
    experiment: ExperimentSpec
    prepared: PreparedData  # the base's rows; fewer columns when a feature group is removed
    field: str


def variants(base: ExperimentSpec, ablations: list[Ablation], prepared: PreparedData) -> list[Variant]:
    """The base first, then every ablation; a bad override or an unknown feature is refused here."""
    found = [Variant("base", base, prepared, "base")]
    for i, ablation in enumerate(ablations):
        field = f"ablations[{i}]"
        changes = {**_defaults(ablation.reset, f"{field}.reset"), **ablation.overrides}
        experiment = apply_overrides(base, changes, f"{field}.overrides")
        data = _without(prepared, ablation.drop_features, f"{field}.drop_features") if ablation.drop_features \
            else prepared
        found.append(Variant(ablation.name, experiment, data, field))
    return found


def _defaults(names: list[str], field: str) -> dict[str, object]:
    """model.X back to the family's default (None); training.X back to TrainingConfig's default."""
    changes: dict[str, object] = {}
    for name in names:
        section, _, leaf = name.partition(".")
        if section == "model" and leaf:
            changes[name] = None
        elif section == "training" and leaf in TrainingConfig.model_fields:
            changes[name] = TrainingConfig.model_fields[leaf].default
        else:
            raise SpecError(field, f"{name!r} names no resettable setting",
                            "'model.<hyperparameter>' or 'training.<field>', e.g. 'training.weight_decay'")
    return changes


def _without(prepared: PreparedData, dropped: list[str], field: str) -> PreparedData:
    table = prepared.table
    unknown = [name for name in dropped if name not in table.feature_names]
    if unknown:
        raise SpecError(field, f"no feature column(s) {unknown[:10]} in the data",
                        f"names among the data's features: {table.feature_names[:20]}")
    keep = np.array([i for i, name in enumerate(table.feature_names) if name not in dropped], dtype=np.int64)
    if keep.size == 0:
        raise SpecError(field, "removes every feature column", "a group that leaves at least one feature")
    reduced = Table.build(table.X[:, keep], table.y, table.task, [table.feature_names[i] for i in keep],
                          table.class_names, table.source)
    return replace(prepared, table=reduced, splits=prepared.splits.with_columns(keep))
