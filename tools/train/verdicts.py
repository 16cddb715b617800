"""Verdicts on a finished training run: the train/validation gap and the target."""

from __future__ import annotations

import math

from ml_expert.tools.envelope import Verdict
from ml_expert.tools.train.metrics import higher_is_better

GAP_LIMIT = 0.05  # train minus validation above 5 points (of accuracy, balanced accuracy or r2) is overfitting
RISING_LOSS = 1.10  # final validation loss 10% above its minimum while training loss kept falling


def gap_verdict(metric: str, train_value: float, val_value: float, history: list[dict[str, float]]) -> Verdict:
    gap = train_value - val_value
    rising = _rising_val_loss(history)
    evidence = {"metric": metric, "train": round(train_value, 4), "val": round(val_value, 4), "gap": round(gap, 4),
                "val_loss_rise": None if rising is None else round(rising, 4)}
    fix = ("Regularise (training.weight_decay 1e-4 to 1e-2, model dropout 0.1 to 0.5), use fewer epochs or a "
           "smaller model, or get more training rows; diagnose_training in experiment mode proves which helps.")
    if gap > GAP_LIMIT:
        return Verdict(check="train_val_gap", status="warn", evidence=evidence, fix=fix,
                       message=f"The model overfits: train {metric} {train_value:.3f} vs validation {val_value:.3f} "
                               f"(gap {gap:.3f} > {GAP_LIMIT}).")
    if rising is not None:
        return Verdict(check="train_val_gap", status="warn", evidence=evidence, fix=fix,
                       message=f"Validation loss rose {rising:.0%} above its minimum while training loss kept "
                               "falling: later epochs overfit (the best epoch's weights were kept).")
    return Verdict(check="train_val_gap", status="pass", evidence=evidence,
                   message=f"Train/validation {metric} gap is {gap:.3f} (limit {GAP_LIMIT}).")


def _rising_val_loss(history: list[dict[str, float]]) -> float | None:
    """How far the last validation loss sits above its minimum, when training loss fell meanwhile."""
    losses = [r["val_loss"] for r in history]
    if len(losses) < 3 or not all(math.isfinite(v) for v in losses):
        return None
    low = min(range(len(losses)), key=losses.__getitem__)
    last = history[-1]
    if losses[low] <= 0 or last["val_loss"] < RISING_LOSS * losses[low]:
        return None
    if not last["train_loss"] < history[low]["train_loss"]:
        return None
    return last["val_loss"] / losses[low] - 1


def target_verdict(metric: str, wanted: float, reached_epoch: int | None, reached_value: float | None,
                   best_value: float | None, best_epoch: int | None) -> Verdict:
    sign = "≥" if higher_is_better(metric) else "≤"
    evidence = {"metric": metric, "target": wanted, "reached_epoch": reached_epoch, "reached": reached_value,
                "best": best_value, "best_epoch": best_epoch}
    if reached_epoch is not None:
        return Verdict(check="target", status="pass", evidence=evidence,
                       message=f"Reached validation {metric} {reached_value:.4g} {sign} {wanted:g} at epoch "
                               f"{reached_epoch}.")
    best = "no finite score" if best_value is None else f"best {best_value:.4g} at epoch {best_epoch}"
    return Verdict(check="target", status="fail", evidence=evidence,
                   message=f"Validation {metric} never reached {sign} {wanted:g} ({best}).",
                   fix="Train longer (training.epochs, patience), tune_hyperparams with this run's settings as "
                       "base, or diagnose_training to find what holds it back.")


def diverged_verdict(epoch: int) -> Verdict:
    return Verdict(check="finite_loss", status="fail", evidence={"epoch": epoch},
                   message=f"The training loss became NaN or infinite in epoch {epoch}; the last finite best "
                           "epoch's weights were kept.",
                   fix="Lower training.lr (e.g. by 10x), set training.grad_clip to 1.0, or keep "
                       "training.normalize_inputs true.")
