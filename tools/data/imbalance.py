"""Class imbalance in the training rows: the largest class's count over the smallest's."""

from __future__ import annotations

import numpy as np

from ml_expert.tools.envelope import Verdict

WARN_RATIO, FAIL_RATIO = 3.0, 10.0
N_COUNTS_SHOWN = 20  # evidence stays small for many-class data


def class_counts(y: np.ndarray, class_names: list[str]) -> dict[str, int]:
    counts = np.bincount(y, minlength=len(class_names))
    return {name: int(c) for name, c in zip(class_names, counts, strict=True)}


def imbalance_verdict(train_counts: dict[str, int]) -> Verdict:
    by_size = sorted(train_counts, key=train_counts.get)  # stable: equal classes keep their order
    smallest, largest = by_size[0], by_size[-1]
    ratio = train_counts[largest] / train_counts[smallest] if train_counts[smallest] else float("inf")
    evidence = {"ratio": round(ratio, 3) if np.isfinite(ratio) else None, "largest_class": largest,
                "smallest_class": smallest, "n_classes": len(train_counts),
                **{f"train_count_{name}": n for name, n in list(train_counts.items())[:N_COUNTS_SHOWN]}}
    if ratio <= WARN_RATIO:
        return Verdict(check="class_imbalance", status="pass", evidence=evidence,
                       message=f"Classes are balanced enough: the largest ({largest!r}, {train_counts[largest]} "
                               f"rows) has {ratio:.1f}x the smallest ({smallest!r}, {train_counts[smallest]}).")
    if np.isfinite(ratio):
        described = (f"{largest!r} has {train_counts[largest]} rows, {ratio:.1f}x the {train_counts[smallest]} "
                     f"of {smallest!r}")
    else:
        described = f"{smallest!r} has no training rows while {largest!r} has {train_counts[largest]}"
    return Verdict(
        check="class_imbalance", status="fail" if ratio > FAIL_RATIO else "warn", evidence=evidence,
        message=f"Training classes are imbalanced: {described}; accuracy will mostly reflect the large classes.",
        fix="Keep stratified splits (split.stratify=true), weight the loss by inverse class frequency (class "
            "weights) or oversample the small classes, and judge models by balanced accuracy or macro F1 "
            "instead of accuracy.")
