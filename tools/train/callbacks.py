"""Hooks into the training loop, and the state they see.

A callback overrides any of the no-op methods. Raising :class:`StopFit` from one of them ends
training cleanly after the current step or epoch; ``fit`` records the reason (tune raises it
with ``"pruned"`` when Optuna prunes a trial).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class StopFit(Exception):  # noqa: N818 - it is a signal, not an error
    """Stop training now; ``reason`` becomes ``FitResult.stopped_reason``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class FitState:
    """What the loop has at hand. ``inputs``/``targets``/``outputs`` are the current batch's tensors."""

    model: Any
    optimizer: Any
    loss_fn: Any
    config: Any  # TrainingConfig
    task: str
    steps_per_epoch: int
    total_steps: int
    step: int = 0  # optimizer steps taken so far
    epoch: int = 0  # epochs completed (1-based once the first ends)
    loss: float | None = None  # last batch's training loss
    inputs: Any = None
    targets: Any = None
    outputs: Any = None
    history: list[dict[str, float]] = field(default_factory=list)
    val_scores: dict[str, float] = field(default_factory=dict)  # this epoch's accuracy & balanced_accuracy, or r2 & rmse


class Callback:
    """Override what you need; every method is a no-op."""

    def on_fit_start(self, state: FitState) -> None: ...

    def on_before_step(self, state: FitState) -> None:
        """Gradients are present (and not yet clipped); ``optimizer.step()`` comes next."""

    def on_after_step(self, state: FitState) -> None: ...

    def on_epoch_end(self, state: FitState) -> None:
        """``state.history[-1]`` holds this epoch's train/val loss and metric."""

    def on_fit_end(self, state: FitState) -> None: ...
