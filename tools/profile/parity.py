"""Does a variant keep accuracy? Its outputs against fp32 eager's, on the same inputs.

Two numbers decide: the SQNR of the outputs (how much numeric noise the variant adds) and the
task metric (whether that noise changes answers). Runs in the worker process on torch tensors.
"""

from __future__ import annotations

import math
from typing import Any

SQNR_CLAMP_DB = 300.0  # beyond this the difference is float rounding; keeps the JSON finite


def sqnr_db(reference, output) -> float | None:
    """10*log10(|ref|^2 / |ref - out|^2) in dB; None when the outputs are identical."""
    ref, out = reference.double(), output.double()
    noise = float((ref - out).pow(2).sum())
    if noise == 0.0:
        return None
    signal = float(ref.pow(2).sum())
    if signal == 0.0:
        return -SQNR_CLAMP_DB
    return max(-SQNR_CLAMP_DB, min(SQNR_CLAMP_DB, 10 * math.log10(signal / noise)))


def _metric(task: str, reference, output, labels) -> tuple[str, float, float, float]:
    """(metric name, variant's value, reference's value, relative drop: > 0 means worse)."""
    if task in ("classification", "language_model"):
        predicted, expected = output.argmax(-1), reference.argmax(-1)
        if labels is not None:
            labels = labels.reshape(predicted.shape)
            accuracy = float((predicted == labels).double().mean())
            reference_accuracy = float((expected == labels).double().mean())
            return "accuracy", accuracy, reference_accuracy, _relative_drop(reference_accuracy, accuracy)
        agreement = float((predicted == expected).double().mean())
        return "top1_agreement", agreement, 1.0, 1.0 - agreement
    if labels is not None:
        labels = labels.reshape(output.shape).double()
        rmse = float((output.double() - labels).pow(2).mean().sqrt())
        reference_rmse = float((reference.double() - labels).pow(2).mean().sqrt())
        growth = (rmse - reference_rmse) / reference_rmse if reference_rmse > 0 else (0.0 if rmse == 0 else math.inf)
        return "rmse", rmse, reference_rmse, min(growth, 1e6)
    scale = float(reference.double().pow(2).sum().sqrt())
    relative = float((output.double() - reference.double()).pow(2).sum().sqrt()) / scale if scale > 0 else 0.0
    return "relative_rmse", relative, 0.0, relative


def _relative_drop(reference: float, value: float) -> float:
    return (reference - value) / reference if reference > 0 else max(0.0, reference - value)


def compare(reference, output, labels, *, task: str, min_sqnr_db: float, max_metric_drop: float,
            inputs: str) -> dict[str, Any]:
    """The fields of a ParityReport for ``output`` against ``reference``."""
    output = output.float().reshape(reference.shape)
    sqnr = sqnr_db(reference, output)
    name, value, reference_value, drop = _metric(task, reference, output, labels)
    return {"sqnr_db": sqnr, "max_abs_diff": float((output - reference).abs().max()), "metric_name": name,
            "metric": value, "reference_metric": reference_value, "metric_drop": drop,
            "samples": int(reference.shape[0]), "inputs": inputs,
            "passed": (sqnr is None or sqnr >= min_sqnr_db) and drop <= max_metric_drop}
