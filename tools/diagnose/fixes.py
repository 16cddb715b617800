"""Turn a diagnosis's patch into what a re-run needs: experiment overrides, model surgery, row changes.

Patch keys: dotted experiment fields ("training.lr", "model.width"), "surgery.*" (in-place edits
of the freshly built model, before the optimizer exists) and "rows.*" (changed train/validation
rows). A patch that needs something this experiment cannot do (e.g. widening a code model) is
reported as not applicable instead of being half applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from torch import nn

from ml_expert.tools.data.splits import Split
from ml_expert.tools.diagnose.probes import row_hashes
from ml_expert.tools.models.spec import MLPModel
from ml_expert.tools.train.spec import ExperimentSpec

WEIGHT_TYPES = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)
MIN_WIDER = 64  # a widened model gets at least this many units per layer


@dataclass
class PlannedFix:
    overrides: dict[str, Any] = field(default_factory=dict)
    surgery: dict[str, Any] = field(default_factory=dict)
    rows: dict[str, Any] = field(default_factory=dict)
    not_applicable: str | None = None

    def adjust_model(self, model: nn.Module) -> None:
        for name, value in self.surgery.items():
            SURGERY[name](model, value)

    def apply_rows(self, train: Split, val: Split, feature_names: list[str]) -> tuple[Split, Split]:
        if self.rows.get("dedupe_val"):
            seen = set(row_hashes(train.X).tolist())
            keep = np.array([h not in seen for h in row_hashes(val.X).tolist()])
            val = Split.of("val", val.X[keep], val.y[keep], val.indices[keep])
        if (feature := self.rows.get("drop_feature")) is not None:
            column = feature_names.index(feature)
            train, val = (_zero_column(s, column) for s in (train, val))
        return train, val


def plan_fix(patch: dict[str, Any], experiment: ExperimentSpec) -> PlannedFix:
    plan = PlannedFix()
    model = experiment.model
    for key, value in patch.items():
        if value is None:
            continue
        section, _, name = key.partition(".")
        if section == "surgery" and name == "wider":
            if not isinstance(model, MLPModel):
                return PlannedFix(not_applicable="widening is only automatic for built-in mlp models; widen the "
                                                 "model's hidden layers by hand")
            plan.overrides["model.width"] = max((model.width or 128) * int(value), MIN_WIDER)
        elif section == "surgery" and name == "dropout" and isinstance(model, MLPModel):
            plan.overrides["model.dropout"] = max(model.dropout or 0.0, float(value))
        elif section == "surgery":
            plan.surgery[name] = value
        elif section == "rows":
            plan.rows[name] = value
        elif section == "script":
            return PlannedFix(not_applicable=f"{key} is a script-mode setting; experiment mode trains with the "
                                             "shared trainer, which already does this")
        else:
            plan.overrides[key] = value
    return plan


def _zero_column(split: Split, column: int) -> Split:
    X = np.array(split.X)
    X[:, column] = 0.0
    return Split.of(split.name, X, split.y, split.indices)


def _replace_modules(model: nn.Module, types: tuple[type, ...], make) -> int:
    count = 0
    for parent in model.modules():
        for child_name, child in list(parent.named_children()):
            if isinstance(child, types):
                setattr(parent, child_name, make(child))
                count += 1
    return count


def _unfreeze(model: nn.Module, _value: Any) -> None:
    for parameter in model.parameters():
        parameter.requires_grad_(True)


def _drop_output_softmax(model: nn.Module, _value: Any) -> None:
    _replace_modules(model, (nn.Softmax,), lambda _: nn.Identity())


def _reset_init(model: nn.Module, _value: Any) -> None:
    for module in model.modules():
        if isinstance(module, WEIGHT_TYPES):
            module.reset_parameters()
            if module.bias is not None:
                nn.init.zeros_(module.bias)


def _relu_activations(model: nn.Module, _value: Any) -> None:
    """ReLU between layers, with the He initialisation that keeps a deep ReLU stack's signal alive."""
    _replace_modules(model, (nn.Sigmoid, nn.Tanh), lambda _: nn.ReLU())
    for module in model.modules():
        if isinstance(module, WEIGHT_TYPES):
            nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
            if module.bias is not None:
                nn.init.zeros_(module.bias)


def _shrink_output(model: nn.Module, _value: Any) -> None:
    last = [m for m in model.modules() if isinstance(m, WEIGHT_TYPES)][-1]
    last.weight.data.mul_(0.1)
    if last.bias is not None:
        nn.init.zeros_(last.bias)


def _dropout(model: nn.Module, value: Any) -> None:
    for module in model.modules():
        if isinstance(module, nn.Dropout):
            module.p = max(module.p, float(value))


SURGERY = {"unfreeze": _unfreeze, "drop_output_softmax": _drop_output_softmax, "reset_init": _reset_init,
           "relu_activations": _relu_activations, "shrink_output": _shrink_output, "dropout": _dropout}
