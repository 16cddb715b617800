"""Trainer callback that fills a Trace while fit() runs: losses every step, the rest on sampled steps."""

from __future__ import annotations

import math

import numpy as np
import torch

from ml_expert.tools.diagnose.probes import (
    MODE_LAYER_TYPES,
    ActivationRecorder,
    flat_rows,
    group_stats,
    is_probabilities,
    layer_groups,
    majority_fraction,
    sample_steps,
    snapshot,
    update_ratios,
)
from ml_expert.tools.diagnose.trace import LayerGroup, Sample
from ml_expert.tools.train.callbacks import Callback, FitState

INPUT_ROWS_KEPT = 2048


class ExperimentProbe(Callback):
    def __init__(self, budget_steps: int):
        self.sampled = sample_steps(budget_steps)
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.samples: list[Sample] = []
        self.groups: list[LayerGroup] = []
        self.input_rows: list[np.ndarray] = []
        self.mode_layers = False
        self._params: dict[str, list[torch.nn.Parameter]] = {}
        self._initial: list[torch.Tensor] = []
        self._before: list[torch.Tensor] = []
        self._order: list[str] = []
        self._order_hooks: list = []
        self._recorder: ActivationRecorder | None = None

    def on_fit_start(self, state: FitState) -> None:
        model = state.model
        self._params = layer_groups(model)
        self._initial = snapshot(self._params)
        self.mode_layers = any(isinstance(m, MODE_LAYER_TYPES) and getattr(m, "p", 1) != 0 for m in model.modules())
        owners = {id(m): name for name, m in model.named_modules() if (name or type(m).__name__) in self._params}
        for module in model.modules():
            if id(module) in owners:
                name = owners[id(module)] or type(module).__name__
                self._order_hooks.append(module.register_forward_pre_hook(
                    lambda m, i, name=name: self._order.append(name) if name not in self._order else None))
        self._recorder = ActivationRecorder(model)
        if 0 in self.sampled:
            self._recorder.install()

    def on_before_step(self, state: FitState) -> None:
        step = state.step
        self.steps.append(step)
        self.losses.append(state.loss)
        if self._order_hooks:
            for handle in self._order_hooks:
                handle.remove()
            self._order_hooks = []
        if step not in self.sampled:
            return
        if sum(len(r) for r in self.input_rows) < INPUT_ROWS_KEPT and (rows := flat_rows(state.inputs)) is not None:
            self.input_rows.append(rows)
        probabilities = is_probabilities(state.outputs) if state.task == "classification" else None
        self.samples.append(Sample(
            step=step, groups=group_stats(self._params),
            activations=self._recorder.remove(), batch_majority_fraction=majority_fraction(state.targets),
            loss_input_probabilities=probabilities))
        self._before = snapshot(self._params)

    def on_after_step(self, state: FitState) -> None:
        if self._before:
            update_ratios(self._params, self._before, self.samples[-1].groups)
            self._before = []
        if state.step in self.sampled:
            self._recorder.install()

    def on_fit_end(self, state: FitState) -> None:
        if self._recorder is not None:
            self._recorder.remove()
        if state.loss is not None and not math.isfinite(state.loss) and (not self.losses or self.losses[-1] != state.loss):
            self.steps.append(state.step)
            self.losses.append(state.loss)
        order = self._order + [n for n in self._params if n not in self._order]
        kinds = {name or type(m).__name__: type(m).__name__ for name, m in state.model.named_modules()}
        changed = {name: bool(ratio) for name, ratio in update_ratios(self._params, self._initial).items()}
        self.groups = [LayerGroup(
            name=name, kind=kinds.get(name, ""), n_params=sum(p.numel() for p in self._params[name]),
            trainable=any(p.requires_grad for p in self._params[name]), in_optimizer=True,
            got_grad=any(s.groups[name].grad_norm is not None for s in self.samples),
            changed=changed[name])
            for name in order]
        self._initial = []

    def rows(self) -> np.ndarray:
        return np.concatenate(self.input_rows) if self.input_rows else np.zeros((0, 0), dtype=np.float32)
