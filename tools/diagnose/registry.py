"""Detection rules, registered like model families: one decorated function per diagnosis label.

A rule reads a Trace and returns a Diagnosis or None. It must cope with missing parts (a
history trace has curves only). ``priority`` orders findings: root causes (wiring, data) come
before the symptoms they produce (gradients, learning rate, curve shapes). Adding a rule is one
function in a ``rules_*`` module plus a test.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ml_expert.tools.diagnose.schema import Diagnosis
from ml_expert.tools.diagnose.trace import Trace

RULE_MODULES = ("rules_wiring", "rules_data", "rules_gradients", "rules_optimizer", "rules_curves")
MIN_CONFIDENCE = 0.5  # weaker findings are not reported: false alarms cost trust

Detect = Callable[[Trace], Diagnosis | None]


@dataclass(frozen=True)
class Rule:
    label: str
    priority: int
    detect: Detect


_RULES: dict[str, Rule] = {}


def rule(label: str, *, priority: int) -> Callable[[Detect], Detect]:
    def register(detect: Detect) -> Detect:
        _RULES[label] = Rule(label, priority, detect)
        return detect
    return register


def rules() -> dict[str, Rule]:
    for module in RULE_MODULES:
        importlib.import_module(f"ml_expert.tools.diagnose.{module}")
    return dict(_RULES)


def diagnose(trace: Trace) -> list[Diagnosis]:
    """Every finding at MIN_CONFIDENCE or above, most likely root cause first."""
    found: list[tuple[int, Diagnosis]] = []
    for entry in rules().values():
        diagnosis = entry.detect(trace)
        if diagnosis is not None and diagnosis.confidence >= MIN_CONFIDENCE:
            if diagnosis.label != entry.label:
                raise ValueError(f"rule {entry.label!r} returned a {diagnosis.label!r} diagnosis")
            found.append((entry.priority, diagnosis))
    found.sort(key=lambda item: (item[0], -item[1].confidence))
    return [diagnosis for _, diagnosis in found]
