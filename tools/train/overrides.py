"""Dotted-name overrides of an experiment ({"training.lr": 0.01, "model.width": 128}), validated."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ml_expert.tools.errors import SpecError
from ml_expert.tools.train.spec import ExperimentSpec


def apply_overrides(experiment: ExperimentSpec, overrides: dict[str, Any] | None, field: str) -> ExperimentSpec:
    """A new experiment with the overrides set; an unknown name or a bad value is a SpecError naming it."""
    if not overrides:
        return experiment
    raw = experiment.model_dump(mode="json", exclude_unset=False)
    for name, value in overrides.items():
        *parents, leaf = name.split(".")
        node = raw
        for i, part in enumerate(parents):
            if not isinstance(node.get(part), dict):
                raise SpecError(f"{field}.{'.'.join(parents[:i + 1])}", f"override {name!r} names no such section",
                                "dotted names under model, data or training, e.g. 'training.lr'")
            node = node[part]
        node[leaf] = value
    try:
        return ExperimentSpec.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"] if not _is_union_tag(p))
        if first["type"] == "extra_forbidden":
            raise SpecError(f"{field}.{where}", f"override names an unknown setting {where!r}",
                            "a field of the experiment's model, data or training spec, e.g. 'training.lr'") from error
        raise SpecError(f"{field}.{where}", f"override gives an invalid value: {first['msg']}",
                        f"a valid value for {where}") from error


def _is_union_tag(part: Any) -> bool:
    # pydantic puts the discriminator value (e.g. 'builtin', 'mlp') into error locations
    return isinstance(part, str) and part in ("builtin", "code", "run", "mlp", "cnn", "resnet", "transformer_encoder",
                                              "decoder_lm", "lstm", "gru", "bundled", "synthetic", "file")
