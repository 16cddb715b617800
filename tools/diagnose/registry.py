"""Detection rules, registered like model families: one decorated function per diagnosis label.

A rule reads a Trace and returns a Diagnosis or None. It must cope with missing parts (a
history trace has curves only). ``priority`` orders findings: root causes (wiring, data) come
before the symptoms they produce (gradients, learning rate, curve shapes). Adding a rule is one
function in a ``rules/`` family module plus a test. Rules are isolated: one that raises is reported as
a ``RuleFailure`` and every other finding stands.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

from ml_expert.tools.diagnose.schema import Diagnosis, RuleFailure
from ml_expert.tools.diagnose.trace import Trace

RULE_MODULES = ("crash", "wiring", "loss", "data", "gradients", "optimizer", "curves")  # under rules/
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
        if label in _RULES and _name(_RULES[label].detect) != _name(detect):
            raise ValueError(f"a rule for {label!r} is already registered ({_name(_RULES[label].detect)}); "
                             "each label has one rule")
        _RULES[label] = Rule(label, priority, detect)
        return detect
    return register


def _name(detect: Detect) -> str:
    return f"{detect.__module__}.{detect.__qualname__}"


def rules() -> dict[str, Rule]:
    for module in RULE_MODULES:
        importlib.import_module(f"ml_expert.tools.diagnose.rules.{module}")
    return dict(_RULES)


def get_rule(label: str) -> Rule:
    registered = rules()
    if label not in registered:
        raise KeyError(f"no rule for {label!r}; registered rules: {', '.join(sorted(registered))}")
    return registered[label]


def diagnose(trace: Trace) -> list[Diagnosis]:
    """Every finding at MIN_CONFIDENCE or above, most likely root cause first."""
    return diagnose_all(trace)[0]


def diagnose_all(trace: Trace) -> tuple[list[Diagnosis], list[RuleFailure]]:
    """(findings, most likely root cause first; rules that raised, each with its error)."""
    found: list[tuple[int, Diagnosis]] = []
    failures: list[RuleFailure] = []
    for entry in rules().values():
        try:
            diagnosis = entry.detect(trace)
            if diagnosis is not None and diagnosis.label != entry.label:
                raise ValueError(f"rule {entry.label!r} returned a {diagnosis.label!r} diagnosis")
        except Exception as error:  # noqa: BLE001 - one rule's bug must not lose the other findings
            failures.append(RuleFailure(rule=entry.label, error=f"{type(error).__name__}: {error}"[:300]))
            continue
        if diagnosis is not None and diagnosis.confidence >= MIN_CONFIDENCE:
            found.append((entry.priority, diagnosis))
    found.sort(key=lambda item: (item[0], -item[1].confidence))
    return [diagnosis for _, diagnosis in found], failures
