"""Global probes for an unmodified training script (runs in the script's child process only).

Installed process-wide: module forward pre/post hooks (every module), optimizer step pre/post
hooks (every optimizer), and thin wrappers around ``Tensor.backward``, ``Optimizer.zero_grad``,
``Module.zero_grad``, ``Module.train``, ``Optimizer.__init__`` and the functional losses. Every
step pays for a few counters and the loss value; gradient, update and activation statistics
are taken on sampled steps only. Call sites in the user's files give the ``where`` of a fix.
"""

from __future__ import annotations

import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook

from ml_expert.tools.diagnose import probes
from ml_expert.tools.diagnose.trace import EpochRow, Sample, Trace

LOSS_KINDS = {"cross_entropy": "cross_entropy", "nll_loss": "nll", "mse_loss": "mse", "l1_loss": "l1",
              "smooth_l1_loss": "smooth_l1", "huber_loss": "huber", "binary_cross_entropy": "bce",
              "binary_cross_entropy_with_logits": "bce"}
REGRESSION_LOSSES = ("mse", "l1", "smooth_l1", "huber")
CLASS_LOSSES = ("cross_entropy", "nll")
ROWS_KEPT = 2048  # input rows kept per kind (training / validation) for statistics and the signal probe
HASHED_ROWS = 200_000
MAX_INTEGER_CLASSES = 20
STALE_BATCHES = 3  # batches adding no new row hash before hashing stops
ACCURACY_EVERY = 4


class BudgetReached(BaseException):  # noqa: N818 - a stop signal; BaseException so `except Exception` lets it pass
    """Raised from a hook or the timer to stop the user's script."""


class ScriptProbe:
    def __init__(self, script: Path, max_steps: int):
        self.user_dir = str(script.resolve().parent)
        self.max_steps = max_steps
        self.sampled = probes.sample_steps(max_steps)
        self.started = time.perf_counter()
        self.step = 0
        self.sampling = 0 in self.sampled
        self.depth = 0
        self.locations: dict[str, str] = {}
        self.counts = Counter()
        self.mode_layers_of: dict[int, list[nn.Module]] = {}  # root module id -> its dropout/batch-norm layers
        self.roots: dict[int, nn.Module] = {}
        self.root_grad_forwards = Counter()
        self.optimizers: list[torch.optim.Optimizer] = []
        self.model: nn.Module | None = None
        self.groups: dict[str, list[nn.Parameter]] = {}
        self.initial: list[torch.Tensor] = []
        self.before: list[torch.Tensor] = []
        self.samples: list[Sample] = []
        self.activations: dict = {}
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.last_backward_loss: float | None = None
        self.last_root_input: torch.Tensor | None = None
        self.train_hashes: set[int] = set()
        self.val_hashes: set[int] = set()
        self.train_rows: list[np.ndarray] = []
        self.val_rows: list[np.ndarray] = []
        self.pairs_x: list[np.ndarray] = []
        self.pairs_y: list[np.ndarray] = []
        self.loss_kinds = Counter()
        self.probability_calls = 0
        self.checked_calls = 0
        self.regression_targets: set[float] = set()
        self.regression_on_integers = True
        self.stale_grad_backwards = 0
        # per validation pass (a run of no-grad loss calls): the curves of script mode
        self.epochs: list[EpochRow] = []
        self.window_train = {"loss": [], "hits": 0, "rows": 0}
        self.window_val = {"loss": [], "hits": 0, "rows": 0, "targets": [], "preds": []}
        self.last_val_targets: np.ndarray | None = None
        self.last_val_preds: np.ndarray | None = None
        self.batch_majority: float | None = None
        self.num_classes: int | None = None
        self.module_names: dict[int, str] = {}
        self.activation_modules: list[tuple[nn.Module, str]] = []
        self.optimizer_name: str | None = None
        self.lr: float | None = None
        self._originals: list[tuple[object, str, object]] = []
        self._handles: list = []
        self._global_forward_hooks: list = []
        self._activation_hooks: list = []
        self.stale_batches = Counter()  # per kind (grad / no-grad): batches whose rows were all hashed already
        self.rows_kept = Counter()  # per kind: input rows kept for statistics
        self.rows_done = {True: False, False: False}  # per kind: hashing and keeping finished

    # --- installing -----------------------------------------------------------------------

    def install(self) -> None:
        modules = torch.nn.modules.module
        # Every module is hooked until the first optimizer step tells which module is the model;
        # then only the model is (global hooks take every module call off PyTorch's fast path).
        self._global_forward_hooks = [modules.register_module_forward_pre_hook(self._pre_forward),
                                      modules.register_module_forward_hook(self._post_forward)]
        self._handles += [register_optimizer_step_pre_hook(self._pre_step),
                          register_optimizer_step_post_hook(self._post_step)]
        self._wrap(torch.Tensor, "backward", self._backward)
        self._wrap(torch.optim.Optimizer, "zero_grad", self._counted("zero_grad"))
        self._wrap(nn.Module, "zero_grad", self._counted("zero_grad"))
        self._wrap(nn.Module, "train", self._mode_switch)
        self._wrap(torch.optim.Optimizer, "__init__", self._optimizer_init)
        for name, kind in LOSS_KINDS.items():
            self._wrap(F, name, self._loss(kind))

    def uninstall(self) -> None:
        for handle in self._handles + self._global_forward_hooks + self._activation_hooks:
            handle.remove()
        for owner, name, original in reversed(self._originals):
            setattr(owner, name, original)

    def _wrap(self, owner, name: str, make) -> None:
        original = getattr(owner, name)
        self._originals.append((owner, name, original))
        setattr(owner, name, make(original))

    def _where(self) -> str | None:
        """file:line of the innermost frame in the user's folder (frames walked directly: no source reads)."""
        frame = sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if name.startswith(self.user_dir) and "site-packages" not in name:
                return f"{name}:{frame.f_lineno}"
            frame = frame.f_back
        return None

    def _remember(self, key: str) -> None:
        if key not in self.locations and (where := self._where()):
            self.locations[key] = where

    # --- forwards -------------------------------------------------------------------------

    def _mode_layers(self, module: nn.Module) -> list[nn.Module]:
        return [m for m in module.modules() if isinstance(m, probes.MODE_LAYER_TYPES) and getattr(m, "p", 1) != 0]

    def _pre_forward(self, module, args):
        self.depth += 1
        if self.depth == 1:
            self._root_forward(module, args)

    def _root_forward(self, module, args) -> None:
        key = id(module)
        if key not in self.mode_layers_of:
            if isinstance(module, nn.modules.loss._Loss) or next(module.parameters(), None) is None:
                self.mode_layers_of[key] = []  # a loss or a parameter-free helper, not a model
                return
            self.roots[key] = module
            self.mode_layers_of[key] = self._mode_layers(module)
        elif key not in self.roots:
            return
        grad = torch.is_grad_enabled()
        wants_rows = not self.rows_done[grad] or (grad and self.rows_kept["pairs"] < ROWS_KEPT)
        first = next((a for a in args if isinstance(a, torch.Tensor)), None) if wants_rows else None
        if grad:
            if not self.root_grad_forwards[key]:
                self._remember("forward")
            self.root_grad_forwards[key] += 1
            self.counts["grad_forwards"] += 1
            if self.mode_layers_of[key] and not self._training_mode(module):
                self.counts["grad_forwards_in_eval"] += 1
            self.last_root_input = first
        else:
            self.counts["nograd_forwards"] += 1
            self._remember("validation_forward")
            if self.mode_layers_of[key] and self._training_mode(module):
                self.counts["nograd_forwards_in_train"] += 1
        if first is not None and first.is_floating_point() and first.dim() >= 2 and len(first):
            self._keep_rows(first, grad)

    def _training_mode(self, module: nn.Module) -> bool:
        layers = self.mode_layers_of[id(module)]
        return sum(m.training for m in layers) * 2 > len(layers)

    def _keep_rows(self, inputs: torch.Tensor, grad: bool) -> None:
        hashes, kept = (self.train_hashes, self.train_rows) if grad else (self.val_hashes, self.val_rows)
        # Once whole batches come back already hashed, the data has cycled: stop hashing.
        hashing = len(hashes) < HASHED_ROWS and self.stale_batches[grad] < STALE_BATCHES
        keeping = self.rows_kept[grad] < ROWS_KEPT
        if not (hashing or keeping):
            self.rows_done[grad] = True  # from now on forwards skip the input entirely
            return
        rows = probes.flat_rows(inputs)
        if hashing:
            before = len(hashes)
            hashes.update(probes.row_hashes(rows).tolist())
            self.stale_batches[grad] += len(hashes) == before
        if keeping:
            kept.append(rows)
            self.rows_kept[grad] += len(rows)

    def _post_forward(self, module, args, output):
        self.depth -= 1
        if self.sampling:
            self._record_activation(module, probes.activation_kind(module), output)

    def _record_activation(self, module, kind: str | None, output) -> None:
        if kind and torch.is_grad_enabled() and isinstance(output, torch.Tensor) and id(module) not in self.activations:
            self.activations[id(module)] = probes.activation_stats(kind, output)

    def _focus_on_model(self) -> None:
        """Swap the global forward hooks for hooks on the model alone."""
        for handle in self._global_forward_hooks:
            handle.remove()
        self._global_forward_hooks = []
        self.depth = 0
        self._handles.append(self.model.register_forward_pre_hook(lambda module, args: self._root_forward(module, args)))
        self.activation_modules = [(m, kind) for m in self.model.modules() if (kind := probes.activation_kind(m))]

    def _hook_activations(self) -> None:
        for module, kind in self.activation_modules:
            self._activation_hooks.append(module.register_forward_hook(
                lambda m, args, output, kind=kind: self._record_activation(m, kind, output)))

    def _unhook_activations(self) -> None:
        for handle in self._activation_hooks:
            handle.remove()
        self._activation_hooks = []

    # --- losses ---------------------------------------------------------------------------

    def _loss(self, kind: str):
        probe = self

        def make(original):
            def loss(*args, **kwargs):
                value = original(*args, **kwargs)
                input = args[0] if args else kwargs.get("input")
                target = args[1] if len(args) > 1 else kwargs.get("target")
                try:
                    probe._record_loss(kind, input, target, value)
                except Exception:  # noqa: BLE001 - a probe must never break the user's script
                    pass
                return value
            return loss

        return make

    def _record_loss(self, kind: str, input: torch.Tensor, target: torch.Tensor, value: torch.Tensor) -> None:
        grad = torch.is_grad_enabled()
        batch = len(target) if target.dim() else 1
        classes = kind in CLASS_LOSSES and target.dtype == torch.long and input.dim() == 2
        if grad:
            self.loss_kinds[kind] += 1
            self._remember("loss")
            if classes:
                self.num_classes = int(input.shape[1])
            if kind in CLASS_LOSSES and (self.sampling or self.checked_calls < 5):
                self.checked_calls += 1
                self.probability_calls += probes.is_probabilities(input)
            if kind in REGRESSION_LOSSES and len(self.regression_targets) <= MAX_INTEGER_CLASSES:
                values = target.detach().float().reshape(-1)
                self.regression_on_integers &= bool(torch.all(values == values.round())) if values.numel() else False
                self.regression_targets.update(values.unique()[:MAX_INTEGER_CLASSES + 1].tolist())
            if self.sampling and target.dim() == 1 and not target.is_floating_point():
                self.batch_majority = probes.majority_fraction(target)
            self._keep_pair(target, batch)
        else:
            self.window_val["loss"].append(float(value.detach()))
        # Training accuracy from every ACCURACY_EVERY-th batch: the curve needs a sample, not every row.
        if classes and (not grad or self.step % ACCURACY_EVERY == 0):
            window = self.window_train if grad else self.window_val
            predictions = input.detach().argmax(1)
            window["hits"] += int((predictions == target).sum())
            window["rows"] += batch
            if not grad:
                window["targets"].append(target.detach().cpu().numpy())
                window["preds"].append(predictions.cpu().numpy())

    def _keep_pair(self, target: torch.Tensor, batch: int) -> None:
        """Training inputs with their targets (the signal and leak probes need both)."""
        inputs = self.last_root_input
        if inputs is None or len(inputs) != batch or self.rows_kept["pairs"] >= ROWS_KEPT:
            return
        self.rows_kept["pairs"] += batch
        self.pairs_x.append(probes.flat_rows(inputs))
        self.pairs_y.append(target.detach().cpu().numpy().reshape(batch, -1)[:, 0])

    # --- backward, zero_grad, modes, optimizers -----------------------------------------------

    def _backward(self, original):
        probe = self

        def backward(tensor, *args, **kwargs):
            probe.counts["backward"] += 1
            probe._remember("backward")
            if tensor.numel() == 1:
                probe.last_backward_loss = float(tensor.detach())
            # Only while no zero_grad() has been seen: a script that calls it cannot accumulate by accident.
            if (probe.sampling and probe.step > 0 and not probe.counts["zero_grad"] and probe.model is not None
                    and probe._stale_grads()):
                probe.stale_grad_backwards += 1
            return original(tensor, *args, **kwargs)

        return backward

    def _stale_grads(self) -> bool:
        return any(p.grad is not None and bool(p.grad.any()) for p in self.model.parameters())

    def _counted(self, name: str):
        probe = self

        def make(original):
            def counted(*args, **kwargs):
                probe.counts[name] += 1
                return original(*args, **kwargs)
            return counted

        return make

    def _mode_switch(self, original):
        probe = self

        def train(module, mode: bool = True):
            if not mode:
                probe._remember("eval_call")
            return original(module, mode)

        return train

    def _optimizer_init(self, original):
        probe = self

        def init(optimizer, *args, **kwargs):
            original(optimizer, *args, **kwargs)
            probe.locations["optimizer"] = probe._where() or probe.locations.get("optimizer", "?")
            probe.optimizer_name = type(optimizer).__name__.lower()
            probe.lr = float(optimizer.param_groups[0].get("lr", math.nan))

        return init

    def _pre_step(self, optimizer, args, kwargs):
        self._remember("step")
        self._close_validation_window()
        if optimizer not in self.optimizers:
            self.optimizers.append(optimizer)
        if self.model is None:
            self._find_model()
        self._unhook_activations()
        self.steps.append(self.step)
        self.losses.append(self.last_backward_loss if self.last_backward_loss is not None else math.nan)
        if self.last_backward_loss is not None:
            self.window_train["loss"].append(self.last_backward_loss)
        if self.sampling and self.groups:
            self.samples.append(Sample(
                step=self.step, groups=probes.group_stats(self.groups),
                activations=self._named_activations(), batch_majority_fraction=self.batch_majority,
                loss_input_probabilities=None))
            self.before = probes.snapshot(self.groups)
        self.activations, self.batch_majority = {}, None

    def _post_step(self, optimizer, args, kwargs):
        if self.before:
            probes.update_ratios(self.groups, self.before, self.samples[-1].groups)
            self.before = []
        self.step += 1
        self.sampling = self.step in self.sampled
        if self.sampling and self.model is not None:
            self._hook_activations()
        if self.step >= self.max_steps:
            raise BudgetReached(f"{self.step} optimizer steps")

    def _find_model(self) -> None:
        held = {id(p) for o in self.optimizers for g in o.param_groups for p in g["params"]}
        candidates = [m for m in self.roots.values() if self.root_grad_forwards[id(m)]]
        if not candidates:
            return
        self.model = max(candidates, key=lambda m: (sum(id(p) in held for p in m.parameters()),
                                                    self.root_grad_forwards[id(m)]))
        self.groups = probes.layer_groups(self.model)
        self.initial = probes.snapshot(self.groups)
        self.module_names = {id(m): name or type(m).__name__ for name, m in self.model.named_modules()}
        self._focus_on_model()

    def _named_activations(self) -> dict:
        return {self.module_names[key]: stats for key, stats in self.activations.items() if key in self.module_names}

    def _close_validation_window(self) -> None:
        """A training step after no-grad loss calls ends a validation pass: one row of the curves."""
        val = self.window_val
        if not val["loss"]:
            return
        train = self.window_train
        row = EpochRow(epoch=len(self.epochs) + 1, step=self.step,
                       train_loss=float(np.mean(train["loss"])) if train["loss"] else None,
                       val_loss=float(np.mean(val["loss"])),
                       train_metric=train["hits"] / train["rows"] if train["rows"] else None,
                       val_metric=val["hits"] / val["rows"] if val["rows"] else None)
        self.epochs.append(row)
        if val["targets"]:
            self.last_val_targets = np.concatenate(val["targets"])
            self.last_val_preds = np.concatenate(val["preds"])
        self.window_train = {"loss": [], "hits": 0, "rows": 0}
        self.window_val = {"loss": [], "hits": 0, "rows": 0, "targets": [], "preds": []}

    # --- the trace ------------------------------------------------------------------------

    def finish(self, stopped: str | None) -> Trace:
        from ml_expert.tools.diagnose.script_trace import build_trace

        self._close_validation_window()
        return build_trace(self, stopped)
