"""A script that did not end normally: its crash is a finding, under its cause's label when the error names one.

``crash_cause`` maps the error messages of known faults to their labels; the rule for that label
reports the crash (see ``crash_finding``). Any other crash is ``script_crashed``.
"""

from __future__ import annotations

from ml_expert.tools.diagnose.registry import rule
from ml_expert.tools.diagnose.schema import Diagnosis, DiagnosisLabel
from ml_expert.tools.diagnose.trace import Trace

# Lower-cased fragments of PyTorch's error messages, and the fault that raises each.
CRASH_CAUSES: dict[str, DiagnosisLabel] = {
    "all elements of input should be between 0 and 1": "output_activation_mismatch",  # raw outputs into BCELoss
    "expected more than 1 value per channel when training": "batchnorm_batch_of_one",
    "does not require grad and does not have a grad_fn": "no_gradient_flow",  # the graph was cut
    "grad can be implicitly created only for scalar outputs": "wrong_loss_reduction",  # the loss was not reduced
    "must be the same as input size": "loss_shape_broadcast",  # BCE(-with-logits) target and input shapes
}


def crash_cause(trace: Trace) -> DiagnosisLabel | None:
    crash = trace.crash
    if crash is None:
        return None
    text = f"{crash.exception}: {crash.message}".lower()
    return next((label for fragment, label in CRASH_CAUSES.items() if fragment in text), None)


def crash_finding(trace: Trace, label: DiagnosisLabel, meaning: str, fix: str) -> Diagnosis | None:
    """The finding for a crash whose cause is ``label``, or None when the script did not crash of it."""
    if crash_cause(trace) != label:
        return None
    crash = trace.crash
    return Diagnosis(
        label=label, confidence=0.95, severity="critical",
        message=f"The script crashed with {crash.exception}: {crash.message[:200]} ({meaning}).",
        evidence={"exception": crash.exception, "error": crash.message[:300], "exit": crash.exit,
                  "steps_before_crash": trace.wiring.optimizer_steps},
        where=crash.where, fix=fix)


@rule("script_crashed", priority=1)
def script_crashed(trace: Trace) -> Diagnosis | None:
    """The script raised, exited non-zero or was killed by a signal, for a reason no other label names."""
    crash = trace.crash
    if crash is None or crash_cause(trace) is not None:
        return None
    return Diagnosis(
        label="script_crashed", confidence=0.95, severity="critical",
        message=f"The script did not finish: {crash.exception}"
                + (f": {crash.message[:200]}" if crash.message else "")
                + (f" (process ended by {crash.exit})" if crash.exit not in ("", "exception") else "")
                + f", after {trace.wiring.optimizer_steps} optimizer steps.",
        evidence={"exception": crash.exception, "error": crash.message[:300], "exit": crash.exit,
                  "steps_before_crash": trace.wiring.optimizer_steps},
        where=crash.where,
        fix="Fix the error at the line named in `where` (the innermost line of your code in the traceback); "
            "the script's output tail has the full traceback.")
