"""Every registered rule survives degenerate traces (NaN, inf, empty, one sample), and a rule that raises
costs only its own finding: the others stand and the failure is reported."""

from __future__ import annotations

import math

import pytest

from ml_expert.tools.diagnose import registry
from ml_expert.tools.diagnose.registry import diagnose_all, get_rule, rule, rules
from ml_expert.tools.diagnose.schema import Diagnosis
from ml_expert.tools.diagnose.trace import (
    ActivationStep,
    Crash,
    DataFacts,
    EpochRow,
    GroupStep,
    InputStats,
    LayerGroup,
    Sample,
    Trace,
    Wiring,
)

VALUES = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "zero": 0.0, "huge": 1e308, "tiny": 1e-320}


def _filled(model, value: float):
    """``model`` with every float field set to ``value`` and every int field to 0 or 1."""
    fields = {}
    for name, info in model.model_fields.items():
        text = str(info.annotation)
        if "float" in text:
            fields[name] = value
        elif "int" in text and "dict" not in text and "list" not in text:
            fields[name] = 1 if name not in ("rows", "n_params") else 3
    return fields


def _trace(value: float, steps: int, task: str | None) -> Trace:
    group = GroupStep(**_filled(GroupStep, value))
    layers = [LayerGroup(name=n, kind=k, n_params=3, trainable=True, got_grad=True, changed=True)
              for n, k in (("0", "Linear"), ("2", "Linear"), ("4", "Linear"))]
    samples = [Sample(step=i, groups={g.name: group for g in layers},
                      activations={"1": ActivationStep(kind="relu", zero_fraction=value, dead_unit_fraction=value),
                                   "3": ActivationStep(kind="tanh", saturated_fraction=value)},
                      batch_majority_fraction=value) for i in range(steps)]
    data = DataFacts(**_filled(DataFacts, value), class_counts={"class_0": 3, "class_1": 1} if steps else None,
                     train_inputs=InputStats(**_filled(InputStats, value)),
                     val_inputs=InputStats(**_filled(InputStats, value)), leak_suspect=True, drift_status="fail")
    wiring = Wiring(**{**_filled(Wiring, value), "loss_kind": "cross_entropy", "mode_layers": True})
    return Trace(source="script", task=task, num_classes=3 if task == "classification" else None,
                 metric_name="accuracy" if task else None, lr=value, optimizer="sgd",
                 steps=list(range(steps)), losses=[value] * steps, lrs=[value] * steps,
                 epochs=[EpochRow(**{**_filled(EpochRow, value), "epoch": i + 1}) for i in range(steps)],
                 samples=samples, groups=layers, data=data, wiring=wiring, ended="finished",
                 config={"momentum": value, "beta2": value, "weight_decay": value})


@pytest.mark.parametrize("steps", [0, 1, 2, 40])
@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
@pytest.mark.parametrize("task", ["classification", "regression", None])
def test_every_rule_survives_degenerate_traces(value, steps, task):
    trace = _trace(value, steps, task)
    for label, entry in rules().items():
        found = entry.detect(trace)  # raises on a bug: the test names the rule in the traceback
        assert found is None or (found.label == label and 0 <= found.confidence <= 1), label


def test_an_empty_trace_and_a_bare_crash_are_handled_by_every_rule():
    for trace in (Trace(source="script"), Trace(source="history"),
                  Trace(source="script", ended="crashed", crash=Crash(exception="signal 11 (SIGSEGV)"))):
        found, failures = diagnose_all(trace)
        assert failures == []
        if trace.crash:
            assert [d.label for d in found] == ["script_crashed"]


def test_an_infinite_update_ratio_gives_a_finding_not_an_overflow():
    group = GroupStep(grad_norm=1.0, grad_rms=1.0, weight_rms=1.0, update_ratio=math.inf)
    samples = [Sample(step=i, groups={"0": group, "2": group}) for i in range(6)]
    trace = Trace(source="script", task="classification", num_classes=3, lr=0.1, samples=samples,
                  steps=list(range(30)), losses=[1.0] * 15 + [math.nan] * 15)
    found, failures = diagnose_all(trace)
    assert failures == [] and found[0].label == "lr_too_high" and "1000x" in found[0].fix


def test_a_rule_that_raises_is_reported_and_the_others_stand(monkeypatch):
    monkeypatch.setattr(registry, "_RULES", {})
    monkeypatch.setattr(registry, "RULE_MODULES", ())

    def broken(trace):
        raise OverflowError("cannot convert float infinity to integer")

    rule("lr_too_high", priority=40)(broken)
    rule("plateau", priority=53)(lambda t: Diagnosis(label="plateau", confidence=0.9, severity="minor", message="m",
                                                     fix="f"))
    found, failures = diagnose_all(Trace(source="script"))
    assert [d.label for d in found] == ["plateau"]
    assert [(f.rule, f.error) for f in failures] == [
        ("lr_too_high", "OverflowError: cannot convert float infinity to integer")]


def test_the_registry_refuses_a_second_rule_for_a_label_and_lists_names_on_a_miss():
    rules()
    with pytest.raises(ValueError, match="already registered"):
        rule("plateau", priority=1)(lambda t: None)
    with pytest.raises(KeyError, match="registered rules: .*lr_too_high"):
        get_rule("lr_too_hgih")


def test_the_model_and_variant_registries_refuse_duplicates_and_list_names_on_a_miss():
    from ml_expert.tools.models.registry import families, get_family, register_family
    from ml_expert.tools.profile.variants import VARIANTS, register_variant, why_not

    families()
    with pytest.raises(ValueError, match="already registered"):
        register_family("mlp", model=object, inputs=("tabular",), tasks=("classification",))(lambda given, io: {})
    with pytest.raises(KeyError, match="registered families: .*mlp"):
        get_family("mlpp")
    with pytest.raises(ValueError, match="already registered"):
        register_variant("eager")(lambda context: None)
    assert "eager" in VARIANTS
    with pytest.raises(KeyError, match="registered variants: .*eager"):
        why_not("eagre", None)
