"""Trial-health pruning: stop a trial whose training is broken, at once, with the reason.

A pruner compares a trial's validation score with other trials' at the same epoch, so a broken
configuration runs until the first rung. The trainer's own signals say sooner: the loss diverging
(its running mean 10x the first step's loss, about ln C for a classifier at init), or the ReLU-family units dead (no unit fires on a whole batch, so
no gradient flows back; a learning rate too high for SGD kills them in a few steps). NaN losses
already end a fit in the trainer; the trial records them the same way.
"""

from __future__ import annotations

import math

from ml_expert.tools.train.callbacks import Callback, FitState, StopFit

UNHEALTHY = "unhealthy"  # prefix of the StopFit reason
DIVERGE_FACTOR = 10.0  # running training loss over the first step's
MIN_RISE = 1.0  # and at least this far above it: a run continued from a trained model starts near 0
EMA = 0.2  # weight of the newest step in the running loss: one spike does not stop a trial
DEAD_SHARE = 0.9  # this share of the units silent on a whole batch: the network has died
RECTIFIERS = ("ReLU", "ReLU6", "LeakyReLU")  # LeakyReLU's negative slope is tiny: silent enough to count


def fired_units(output) -> object:
    """Per unit (feature or channel; the last dim of a (batch, time, features) tensor): did it fire
    anywhere in the batch?"""
    fired = output > 0
    if fired.dim() == 3:
        fired = fired.transpose(1, 2)
    return fired.transpose(0, 1).reshape(fired.shape[1], -1).any(dim=1)


class TrialHealth(Callback):
    """StopFit('unhealthy: ...') on divergence or dead units; checked every step and every epoch."""

    def __init__(self):
        self.start: float | None = None
        self.running: float | None = None
        self._hooks: list = []
        self._fired: list = []  # per rectifier module: units that fired on the last batch

    def on_fit_start(self, state: FitState) -> None:
        for module in state.model.modules():
            if type(module).__name__ in RECTIFIERS:
                index = len(self._fired)
                self._fired.append(None)
                self._hooks.append(module.register_forward_hook(self._recorder(index)))

    def _recorder(self, index: int):
        def hook(module, inputs, output):
            if module.training and output.dim() >= 2:  # training batches only, not the validation pass
                self._fired[index] = fired_units(output.detach())
        return hook

    def on_after_step(self, state: FitState) -> None:
        loss = state.loss
        if loss is None or not math.isfinite(loss):
            return  # the trainer stops on a NaN loss itself
        if self.start is None:
            self.start = self.running = loss
            return
        self.running = (1 - EMA) * self.running + EMA * loss
        if self.running > max(DIVERGE_FACTOR * self.start, self.start + MIN_RISE):
            raise StopFit(f"{UNHEALTHY}: the training loss diverged (running mean {self.running:.3g} at step "
                          f"{state.step}, over {DIVERGE_FACTOR:g}x the first step's {self.start:.3g})")

    def on_epoch_end(self, state: FitState) -> None:
        fired = [f for f in self._fired if f is not None]
        if not fired:
            return
        units = sum(f.numel() for f in fired)
        dead = units - sum(int(f.sum()) for f in fired)
        if dead >= DEAD_SHARE * units:
            raise StopFit(f"{UNHEALTHY}: {dead} of {units} rectifier units are dead (none fired on the last batch "
                          f"of epoch {state.epoch}), so no gradient reaches the layers below")

    def on_fit_end(self, state: FitState) -> None:
        for hook in self._hooks:
            hook.remove()
        self._hooks.clear()
