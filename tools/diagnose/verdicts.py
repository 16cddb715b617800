"""Guardrail verdicts every diagnosis carries: train/validation gap, and in script mode the data checks
the run revealed (rows shared between training and validation forwards, class imbalance)."""

from __future__ import annotations

from ml_expert.tools.data.imbalance import imbalance_verdict
from ml_expert.tools.diagnose.measures import fmt, last_epoch_metrics
from ml_expert.tools.diagnose.trace import Trace
from ml_expert.tools.envelope import Verdict

GAP_POINTS = 0.05


def gap_verdict(trace: Trace) -> Verdict | None:
    train, val = last_epoch_metrics(trace)
    if train is None or val is None:
        return None
    gap = train - val
    evidence = {"train_metric": fmt(train), "val_metric": fmt(val), "gap": fmt(gap), "metric": trace.metric_name}
    if gap <= GAP_POINTS:
        return Verdict(check="train_val_gap", status="pass", evidence=evidence,
                       message=f"Train and validation {trace.metric_name} are within {GAP_POINTS:.0%} ({gap:+.3f}).")
    return Verdict(check="train_val_gap", status="warn", evidence=evidence,
                   message=f"Training {trace.metric_name} exceeds validation by {gap:.3f} (over {GAP_POINTS:.0%}).",
                   fix="Regularise (weight decay, dropout, augmentation), stop at the best validation epoch, or get "
                       "more data; check the diagnoses for drift or leakage first.")


def script_data_verdicts(trace: Trace) -> list[Verdict]:
    verdicts = []
    share = trace.data.val_in_train_fraction
    if share is not None:
        evidence = {"val_rows_in_train": fmt(share), "n_val_rows_seen": trace.data.n_val}
        if share < 0.05:
            verdicts.append(Verdict(check="split_overlap", status="pass", evidence=evidence,
                                    message=f"{share:.1%} of the rows fed to no-grad (validation) forwards were also "
                                            "fed to training forwards."))
        else:
            verdicts.append(Verdict(check="split_overlap", status="fail", evidence=evidence,
                                    message=f"{share:.0%} of validation rows were also used for training.",
                                    fix="Split once, before any augmentation, and keep validation rows out of the "
                                        "training arrays."))
    if trace.data.class_counts and len(trace.data.class_counts) >= 2:
        verdicts.append(imbalance_verdict(trace.data.class_counts))
    return verdicts
