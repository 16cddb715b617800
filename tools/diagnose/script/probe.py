"""Global probes for an unmodified training script (runs in the script's child process only).

Installed process-wide: module forward pre/post hooks (every module), optimizer step pre/post
hooks (every optimizer), and thin wrappers around ``Tensor.backward``, ``Optimizer.zero_grad``,
``Module.zero_grad``, ``Module.train``, ``Module.load_state_dict``, ``Optimizer.__init__``, the LR
schedulers and the functional losses. Every step pays for a few counters, the loss value and the LR it used;
gradient, update and activation statistics are taken on sampled steps only (spread over the
steps that actually run). Call sites in the user's files give the ``where`` of a fix. A probe
never breaks the script: what it cannot read it skips and counts.

``overrides`` (the proof's re-run) change run-time settings without editing the script: lr,
weight_decay, momentum, beta2, no_scheduler, zero_grad, modes (train()/eval() around forwards),
standardise (input mean and std per feature).
"""

from __future__ import annotations

import functools
import gc
import math
import re
import sys
import time
import weakref
from collections import Counter, deque
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.optim import lr_scheduler
from torch.optim.optimizer import register_optimizer_step_post_hook, register_optimizer_step_pre_hook

from ml_expert.tools.diagnose import probes
from ml_expert.tools.diagnose.script import loss_checks
from ml_expert.tools.diagnose.script.compared import ComparedScores
from ml_expert.tools.diagnose.script.loss_checks import (
    CLASS_LOSSES,
    LOSS_KINDS,
    MAX_INTEGER_CLASSES,
    REGRESSION_LOSSES,
)
from ml_expert.tools.diagnose.trace import EpochRow, Sample

ROWS_KEPT = 2048  # input rows kept per kind (training / validation) for statistics and the signal probe
HASHED_ROWS = 200_000
STALE_BATCHES = 3  # batches adding no new row hash before hashing stops
ACCURACY_EVERY = 4
CHECKED_CALLS = 5  # loss calls always checked; after them, sampled steps only
TRAIN_ROWS_SHARE = 0.9  # a no-grad batch with this share of training rows is a train-metric pass
ROWS_TESTED = 16  # rows of a no-grad batch hashed to tell which rows it holds
KEY_MIX = 1_000_003  # mixes the hashes of an example's several input tensors into one key
FUNCTIONAL_ACTIVATIONS = ((torch, "sigmoid", "sigmoid"), (torch, "tanh", "tanh"), (torch, "relu", "relu"),
                          (F, "relu", "relu"))
MAX_TRAIN_SCORES = 50_000  # scored training batches kept for the training-only curve
RECENT_TRAIN_BATCHES = 32  # the latest scored training batches' class predictions, for scripts that never validate
TRAINING_CHUNKS = 6  # a script without validation passes gets its training curve in this many rows
LEAF_SEARCH_NODES = 5000  # autograd nodes walked from a loss to find the leaves it depends on
INPUT_SEARCH_NODES = 64  # autograd nodes walked from a model input back to the data tensors it was built from
INPUT_LEAVES_KEPT = 256  # input leaves remembered before the freed ones are dropped
REFOCUS_STEPS = 5  # steps in a row of an optimizer that trains another model, before that model takes the focus
MIN_OBJECTIVE_STEPS = 20  # steps a new loss must train for to count as the script's final objective
FIRST_LAYER_ROWS = 512  # rows of the first weight layer's input kept, from sampled steps
# The layers whose input is "the input": a normalisation inside the model (a layer, buffers) comes before them.
FIRST_LAYER_TYPES = (nn.Linear, nn.modules.conv._ConvNd, nn.RNNBase, nn.MultiheadAttention, nn.Embedding)
# scikit-learn metrics a script may score validation predictions with, by the kind of prediction they take
SKLEARN_METRICS = {
    "classification": ("accuracy_score", "balanced_accuracy_score", "f1_score", "precision_score", "recall_score",
                       "matthews_corrcoef", "cohen_kappa_score", "confusion_matrix", "classification_report"),
    "regression": ("r2_score", "mean_squared_error", "root_mean_squared_error", "mean_absolute_error",
                   "median_absolute_error", "explained_variance_score"),
}
SKLEARN_METRICS_USE = re.compile(r"sklearn\.metrics|from\s+sklearn\s+import[^\n]*\bmetrics\b")
VAL_ROWS_KEPT = 20_000  # validation targets and predictions kept for the metric and the proof


class BudgetReached(BaseException):  # noqa: N818 - a stop signal; BaseException so `except Exception` lets it pass
    """Raised from a hook or the timer to stop the user's script."""


def _guarded(hook):
    """A hook that never breaks the script: what it cannot measure it counts as unreadable and skips."""

    def guarded(self, *args, **kwargs):
        try:
            return hook(self, *args, **kwargs)
        except Exception:  # noqa: BLE001 - BudgetReached is a BaseException and passes
            self.unreadable += 1
            return None

    guarded.__name__ = hook.__name__
    return guarded


def _owner(optimizer) -> nn.Module | None:
    """The module an optimizer trains: of the live modules that hold the most of its parameters, one that can
    be called (not a ModuleList) with the fewest parameters (the model itself, not a wrapper that also holds
    its teacher). One scan of the garbage collector's objects, done once per change of model."""
    held = {id(p) for group in optimizer.param_groups for p in group["params"]}
    best, best_key = None, None
    for candidate in gc.get_objects():
        if not issubclass(type(candidate), nn.Module):  # type(), not isinstance(): lazy module objects warn
            continue
        params = list(candidate.parameters())
        covered = sum(id(p) in held for p in params)
        key = (covered, type(candidate).forward is not nn.Module.forward, -len(params))
        if covered and (best_key is None or key > best_key):
            best, best_key = candidate, key
    return best


def _graph_leaves(grad_fn, limit: int):
    """The leaf tensors (AccumulateGrad nodes' variables) an autograd graph was built from, walking at most
    ``limit`` nodes back from ``grad_fn``."""
    seen, queue = set(), [grad_fn]
    while queue and len(seen) < limit:
        node = queue.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        variable = getattr(node, "variable", None)
        if isinstance(variable, torch.Tensor):
            yield variable
        queue.extend(child for child, _ in node.next_functions)


def _row_leaves(tensor: torch.Tensor) -> list[torch.Tensor]:
    """The tensor if it is a leaf, else the leaves its graph was built from that have as many rows
    (``torch.cat([x, t], 1)`` of two collocation columns); a layer's weight upstream has other rows."""
    if tensor.grad_fn is None:
        return [tensor]
    return [leaf for leaf in _graph_leaves(tensor.grad_fn, INPUT_SEARCH_NODES) if leaf.dim() and len(leaf) == len(tensor)]


def _replace_first(args: tuple, tensor: torch.Tensor) -> tuple:
    """``args`` with its first tensor replaced by ``tensor``."""
    first = next(a for a in args if isinstance(a, torch.Tensor))
    return tuple(tensor if a is first else a for a in args)


def _window() -> dict:
    # rows: rows scored for accuracy; reg_rows: rows scored for R^2 (a multi-task loss has both)
    return {"loss": [], "hits": 0, "rows": 0, "reg_rows": 0, "targets": [], "preds": [], "sse": 0.0, "sum": 0.0,
            "sumsq": 0.0}


def _merge(into: dict, window: dict) -> None:
    for key in ("hits", "rows", "reg_rows", "sse", "sum", "sumsq"):
        into[key] += window[key]


class ScriptProbe:
    def __init__(self, script: Path, max_steps: int, overrides: dict | None = None):
        self.user_dir = str(script.resolve().parent)
        self.script_text = script.read_text(errors="replace") if script.is_file() else None
        self.max_steps = max_steps
        self.overrides = overrides or {}
        self.started = time.perf_counter()
        self.step = 0
        self.sampling = True
        self.depth = 0
        self.locations: dict[str, str] = {}
        self.counts = Counter()
        self.mode_layers_of: dict[int, list[nn.Module]] = {}  # root module id -> its dropout/batch-norm layers
        self.batchnorm_roots: set[int] = set()
        self.roots: dict[int, nn.Module] = {}
        self.root_grad_forwards = Counter()
        self.optimizers: list[torch.optim.Optimizer] = []
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.lrs: list[float] = []
        # Keyed by the optimizer itself, weakly: a sweep builds and drops optimizers, and ids are reused.
        self.optimizer_sites: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # -> where it was built
        self.trains_model: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # -> it trains a model
        self.pass_modes = Counter()  # no-grad forwards since the last step, by mode ("train" / "eval")
        self.step_kinds: set[str] = set()  # kinds of the training losses since the last step
        self.step_constants: set[float] | None = set()  # the one target value of each loss call since the step
        self.objective_ids: dict[tuple[int, frozenset], int] = {}  # each (phase, loss kinds) a step trained on
        self.step_objective: list[int] = []  # per step, the number of its (phase, loss kinds)
        self.last_backward_loss: float | None = None
        self.loss_pending = False  # the step's loss comes from a closure called inside step()
        self.loss_since_step = False
        self.loss_kinds = Counter()
        self.probability_calls = 0
        self.checked_calls = 0
        self.output_ranges = Counter()
        self.regression_targets: set[float] = set()
        self.regression_on_integers = True
        self.target_moments = [0, 0.0, 0.0]  # rows, sum, sum of squares of regression targets
        self.stale_grad_backwards = 0
        self.input_leaves: dict[int, weakref.ref] = {}  # data tensors that require grad and feed the model, by id
        self.unreadable = 0  # tensors a probe could not read (skipped)
        self.settings: dict[str, float | str | None] = {}
        # per validation pass (a run of no-grad loss calls): the curves of script mode
        self.epochs: list[EpochRow] = []
        self.compared_epochs: list[EpochRow] = []  # passes scored by comparing predictions, without a loss
        self.window_train = _window()
        self.window_val = _window()
        self.window_train_eval = _window()  # no-grad passes over training rows
        self.train_scores: list[tuple[int, dict]] = []  # (step, one scored training batch)
        self.val_targets: np.ndarray | None = None
        self.val_preds: np.ndarray | None = None
        self.compared = ComparedScores()  # validation scored by comparing predictions with labels, no loss
        self.recent_train: deque[tuple[np.ndarray, np.ndarray]] = deque(maxlen=RECENT_TRAIN_BATCHES)  # (targets, preds)
        self.optimizer_name: str | None = None
        self.lr: float | None = None
        self.scheduler_depth = 0
        self.standardise: tuple[torch.Tensor, torch.Tensor] | None = None
        self._originals: list[tuple[object, str, object, bool]] = []  # (owner, name, original, inherited)
        self._handles: list = []
        self._global_forward_hooks: list = []
        self._model_hooks: list = []
        self._activation_hooks: list = []
        self.phase = 0  # models that took the focus after the first
        self.next_model: tuple | None = None  # (optimizer, index of its first step, its steps) of a model in waiting
        self.weights_loaded: tuple[int, int] | None = None  # (step, epoch rows) when saved weights were last loaded
        self._start_model_state()
        if (moments := self.overrides.get("standardise")) is not None:
            self.standardise = (torch.tensor(moments[0]), torch.tensor(moments[1]))

    def _start_model_state(self, origin: int = 0) -> None:
        """What the probe knows of the model in focus and the rows it sees: set afresh, from step ``origin``,
        when a second model takes the focus (``_refocus``)."""
        self.model: nn.Module | None = None
        self.schedule = probes.SampleSchedule(origin)
        # A model that took the focus late: until its training rows cycle, the rows it missed cannot be told apart.
        self.settling = origin > 0
        self.groups: dict[str, list[nn.Parameter]] = {}
        self.initial: list[torch.Tensor] = []
        self.before: list[torch.Tensor] = []
        self.samples: list[Sample] = []
        self.activations: dict = {}
        self.first_layer_rows: list[np.ndarray] = []  # inputs of the first weight layer to run, sampled steps
        self.first_layer_done = False  # this forward's first weight layer has run
        # The first training cross-entropy's own value and class count: the loss a script backpropagates may
        # add other terms (a second task, a regulariser), so only this call tells how the classifier started.
        self.first_class_loss: tuple[float, int] | None = None
        self.last_root_input: torch.Tensor | None = None
        self.last_root_output: torch.Tensor | None = None
        self.nograd_on_train = False
        self.train_hashes = Counter()  # row key -> times drawn in batches that brought new rows (one pass)
        self.val_hashes: set[int] = set()
        self.train_eval_hashes: set[int] = set()  # rows of no-grad passes over training rows
        self.train_rows: list[np.ndarray] = []
        self.val_rows: list[np.ndarray] = []
        self.pairs_x: list[np.ndarray] = []
        self.pairs_y: list[np.ndarray] = []
        self.rows_are_ids = False  # the model's first input holds ids (keys, tokens), not whole examples
        self.graph_leaves: dict[int, torch.Tensor] = {}  # trainable leaves the loss depends on, by id
        self.graded: set[int] = set()  # the model's parameters seen with a gradient at a sampled step, by id
        self.batch_majority: float | None = None
        self.num_classes: int | None = None
        self.binary_outputs = False
        self.module_names: dict[int, str] = {}
        self.activation_modules: list[tuple[nn.Module, str]] = []
        self.stale_batches = Counter()  # per kind (grad / no-grad): batches whose rows were all hashed already
        self.rows_kept = Counter()  # per kind: input rows kept for statistics
        self.rows_done = {True: False, False: False}  # per kind: hashing and keeping finished
        self.weight_modules: list[nn.Module] = []
        self.holds_model: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # optimizer -> holds its params
        self.owners: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # other optimizer -> the module it trains
        self.fed_by_model: set[int] = set()  # ids of those modules seen taking the model's output as their input

    def __deepcopy__(self, memo) -> ScriptProbe:
        # The model's hooks are bound methods of the probe, so copy.deepcopy(model) (a teacher, an EMA, the best
        # model so far) copies them with it: the copy must report to this one probe, not clone it.
        return self

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
        for name in ("__eq__", "eq"):
            self._wrap(torch.Tensor, name, self._comparison)
        self._wrap(torch.optim.Optimizer, "zero_grad", self._counted("zero_grad"))
        self._wrap(nn.Module, "zero_grad", self._counted("zero_grad"))
        self._wrap(nn.Module, "train", self._mode_switch)
        self._wrap(nn.Module, "load_state_dict", self._load_state_dict)
        self._wrap(torch.optim.Optimizer, "__init__", self._optimizer_init)
        for owner in (lr_scheduler.LRScheduler, lr_scheduler.ReduceLROnPlateau):  # the latter overrides both
            self._wrap(owner, "__init__", self._scheduler_init)
            self._wrap(owner, "step", self._scheduler_step)
        for name, kind in LOSS_KINDS.items():
            self._wrap(F, name, self._loss(kind, name in loss_checks.LOGITS_LOSSES))
        for owner, name, kind in FUNCTIONAL_ACTIVATIONS:
            self._wrap(owner, name, self._functional_activation(kind))
        if self.script_text is not None and SKLEARN_METRICS_USE.search(self.script_text):
            import sklearn.metrics  # only for a script that scores with it: the import costs a second

            for kind, names in SKLEARN_METRICS.items():
                for name in names:
                    if hasattr(sklearn.metrics, name):
                        self._wrap(sklearn.metrics, name, self._sklearn_metric(kind))

    def uninstall(self) -> None:
        for handle in self._handles + self._global_forward_hooks + self._model_hooks + self._activation_hooks:
            handle.remove()
        for owner, name, original, inherited in reversed(self._originals):
            if inherited:
                delattr(owner, name)  # the owner's own attribute was the wrapper: the base class's shows again
            else:
                setattr(owner, name, original)

    def _wrap(self, owner, name: str, make) -> None:
        inherited = name not in owner.__dict__
        original = getattr(owner, name) if inherited else owner.__dict__[name]
        self._originals.append((owner, name, original, inherited))
        setattr(owner, name, make(original))

    def where(self, frame=None) -> str | None:
        """file:line of the innermost frame in the user's folder (frames walked directly: no source reads)."""
        frame = frame or sys._getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if name.startswith(self.user_dir) and "site-packages" not in name:
                return f"{name}:{frame.f_lineno}"
            frame = frame.f_back
        return None

    def _remember(self, key: str) -> None:
        if key not in self.locations and (where := self.where(sys._getframe(2))):
            self.locations[key] = where

    def _rows(self, tensor: torch.Tensor) -> np.ndarray | None:
        rows = probes.flat_rows(tensor)
        self.unreadable += rows is None
        return rows

    # --- forwards -------------------------------------------------------------------------

    def _mode_layers(self, module: nn.Module) -> list[nn.Module]:
        return [m for m in module.modules() if isinstance(m, probes.MODE_LAYER_TYPES) and getattr(m, "p", 1) != 0]

    @_guarded
    def _pre_forward(self, module, args):
        self.depth += 1
        if self.depth == 1 and (replaced := self._root_forward(module, args)) is not None:
            return _replace_first(args, replaced)
        return None

    @_guarded
    def _model_input(self, module, args, kwargs):
        """The model's own pre-hook: its inputs may come as keywords (``model(**batch)``)."""
        replaced = self._root_forward(module, (*args, *kwargs.values()))
        if replaced is None:
            return None
        if any(isinstance(a, torch.Tensor) for a in args):
            return _replace_first(args, replaced), kwargs
        name = next(k for k, v in kwargs.items() if isinstance(v, torch.Tensor))
        return args, {**kwargs, name: replaced}

    def _root_forward(self, module, inputs: tuple) -> torch.Tensor | None:
        """Record a model's forward from its inputs (the first tensor among them is the batch); returns that
        tensor standardised when the proof's re-run standardises inputs."""
        key = id(module)
        if key not in self.mode_layers_of:
            if isinstance(module, nn.modules.loss._Loss) or next(module.parameters(), None) is None:
                self.mode_layers_of[key] = []  # a loss or a parameter-free helper, not a model
                return None
            self.roots[key] = module
            self.mode_layers_of[key] = self._mode_layers(module)
            if any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in module.modules()):
                self.batchnorm_roots.add(key)
            self._remember_forward_def(module)
        elif key not in self.roots:
            return None
        grad = torch.is_grad_enabled()
        if self.overrides.get("modes") and module.training != grad:
            module.train(grad)
        first = next((a for a in inputs if isinstance(a, torch.Tensor)), None)
        replaced = self._standardised(first)
        first = first if replaced is None else replaced
        # Rows of any dtype are hashed (ids too: data size, passes, train-metric passes); only float rows feed
        # input statistics.
        readable = first is not None and first.dim() >= 2 and len(first)
        if grad:
            self._grad_forward(module, first)
            self._note_input_leaves(inputs)
        elif not self.counts["grad_forwards"]:
            # Scored before training starts (an initial loss): neither validation nor a train-metric pass.
            self.counts["forwards_before_training"] += 1
            return replaced
        else:
            self.counts["nograd_forwards"] += 1
            self._remember("validation_forward")
            self.nograd_on_train = bool(readable) and self.rows_are_examples() and self._train_rows(first, inputs)
            if self.nograd_on_train:
                self.counts["train_row_eval_forwards"] += 1
                if len(self.train_eval_hashes) < HASHED_ROWS and (keys := self._row_keys(first, inputs)) is not None:
                    self.train_eval_hashes.update(keys.tolist())
            elif self.mode_layers_of[key]:
                self.pass_modes["train" if self._training_mode(module) else "eval"] += 1
        wants_rows = not self.rows_done[grad] or (grad and self.rows_kept["pairs"] < ROWS_KEPT)
        if readable and wants_rows and not (not grad and self.nograd_on_train):
            self._keep_rows(first, inputs, grad)
        return replaced

    def _grad_forward(self, module: nn.Module, first: torch.Tensor | None) -> None:
        key = id(module)
        if not self.root_grad_forwards[key]:
            self._remember("forward")
        self.root_grad_forwards[key] += 1
        self.counts["grad_forwards"] += 1
        if self.mode_layers_of[key] and not self._training_mode(module):
            self.counts["grad_forwards_in_eval"] += 1
        if key in self.batchnorm_roots and module.training and first is not None and first.dim() and len(first) == 1:
            self.counts["bn_batch_of_one"] += 1
            self._remember("batch_of_one")
        self.last_root_input = first
        self.first_layer_done = False
        self.rows_are_ids = first is not None and not first.is_floating_point()

    def _remember_forward_def(self, module: nn.Module) -> None:
        code = getattr(type(module).forward, "__code__", None)
        if code is not None and code.co_filename.startswith(self.user_dir):
            self.locations.setdefault("model_forward", f"{code.co_filename}:{code.co_firstlineno}")

    def _standardised(self, first: torch.Tensor | None) -> torch.Tensor | None:
        if self.standardise is None or first is None or not first.is_floating_point() or first.dim() < 2:
            return None
        mean, std = self.standardise
        if first[0].numel() != mean.numel():
            return None
        shape = first.shape
        return ((first.reshape(len(first), -1) - mean.to(first)) / std.to(first)).reshape(shape)

    def rows_are_examples(self) -> bool:
        """The model's input rows are the examples its losses score. A model fed a whole graph whose loss
        scores a mask of its nodes is not: every pass sees the same rows, whatever split it scores."""
        return self.counts["loss_rows_differ"] * 2 <= self.counts["grad_losses"]

    def _row_keys(self, first: torch.Tensor, inputs: tuple, limit: int | None = None,
                  first_rows: np.ndarray | None = None) -> np.ndarray | None:
        """A hash per example over every input tensor with one row per example (a graph's adjacency alone
        repeats across graphs of one shape; with its node features it is the example), of the first ``limit``
        examples. ``first_rows``: the first tensor already flattened."""
        keys = None if first_rows is None else probes.row_hashes(first_rows)
        tensors = [t for t in inputs if t is not first]
        if first_rows is None:
            tensors.insert(0, first)
        for tensor in tensors:
            if not isinstance(tensor, torch.Tensor) or not tensor.dim() or len(tensor) != len(first):
                continue
            flat = self._rows(tensor[:limit])
            if flat is None:
                return None
            hashes = probes.row_hashes(flat)
            keys = hashes if keys is None else keys * np.uint64(KEY_MIX) ^ hashes
        return keys

    def _train_rows(self, first: torch.Tensor, inputs: tuple) -> bool:
        """The no-grad batch holds training rows (a train-metric pass), judged on its first rows."""
        if not self.train_hashes:
            return False
        keys = self._row_keys(first, inputs, limit=ROWS_TESTED)
        if keys is None:
            return False
        return sum(h in self.train_hashes for h in keys.tolist()) >= TRAIN_ROWS_SHARE * len(keys)

    def _training_mode(self, module: nn.Module) -> bool:
        layers = self.mode_layers_of[id(module)]
        return sum(m.training for m in layers) * 2 > len(layers)

    def _keep_rows(self, first: torch.Tensor, inputs: tuple, grad: bool) -> None:
        if not grad and self.settling:
            if not self.stale_batches[True] and not self.rows_done[True]:
                return  # a model that took the focus late: until its training rows cycle, no row is told from them
            self.settling = False
        hashes, kept = (self.train_hashes, self.train_rows) if grad else (self.val_hashes, self.val_rows)
        # Once whole batches come back already hashed, the data has cycled: stop hashing.
        hashing = len(hashes) < HASHED_ROWS and self.stale_batches[grad] < STALE_BATCHES
        keeping = self.rows_kept[grad] < ROWS_KEPT and first.is_floating_point()
        if not (hashing or keeping):
            self.rows_done[grad] = True  # from now on forwards skip the input entirely
            return
        rows = self._rows(first)
        if rows is None:
            return
        if hashing and (keys := self._row_keys(first, inputs, first_rows=rows)) is not None:
            keys, before = keys.tolist(), len(hashes)
            if any(key not in hashes for key in keys):  # a batch of rows all seen before: the data has cycled
                hashes.update(keys)
            self.stale_batches[grad] += len(hashes) == before
        if keeping:
            kept.append(rows)
            self.rows_kept[grad] += len(rows)

    @_guarded
    def _post_forward(self, module, args, output):
        self.depth -= 1
        if self.depth == 0 and id(module) in self.roots and isinstance(output, torch.Tensor):
            self.last_root_output = output
        if self.sampling:
            self._record_activation(module, probes.activation_kind(module), output)

    def _record_activation(self, module, kind: str | None, output) -> None:
        if kind and torch.is_grad_enabled() and isinstance(output, torch.Tensor) and id(module) not in self.activations:
            try:
                self.activations[id(module)] = probes.activation_stats(kind, output)
            except (RuntimeError, ValueError):
                self.unreadable += 1

    def _focus_on_model(self) -> None:
        """Swap the global forward hooks for hooks on the model alone."""
        for handle in self._global_forward_hooks:
            handle.remove()
        self._global_forward_hooks = []
        self.depth = 0
        for handle in self._model_hooks:
            handle.remove()
        self._model_hooks = [self.model.register_forward_pre_hook(self._model_input, with_kwargs=True),
                             self.model.register_forward_hook(self._model_output)]
        self.activation_modules = [(m, kind) for m in self.model.modules() if (kind := probes.activation_kind(m))]
        self.weight_modules = [m for m in self.model.modules() if isinstance(m, FIRST_LAYER_TYPES)]

    @_guarded
    def _model_output(self, module, args, output) -> None:
        if isinstance(output, torch.Tensor):
            self.last_root_output = output
            if not torch.is_grad_enabled() and self.counts["grad_forwards"] and not self.nograd_on_train:
                self.compared.add_output(output)

    def _hook_activations(self) -> None:
        for module, kind in self.activation_modules:
            self._activation_hooks.append(module.register_forward_hook(
                lambda m, args, output, kind=kind: self._record_activation(m, kind, output)))
        if sum(len(rows) for rows in self.first_layer_rows) < FIRST_LAYER_ROWS:
            self._activation_hooks += [m.register_forward_pre_hook(self._first_layer_input) for m in self.weight_modules]

    @_guarded
    def _first_layer_input(self, module, args) -> None:
        """Keep what the first weight layer of a training forward receives: a model that standardises its own
        input (a normalisation layer, buffers fitted on the training rows) hands it scaled rows."""
        if self.first_layer_done or not torch.is_grad_enabled():
            return
        self.first_layer_done = True
        inputs = args[0] if args else None
        if isinstance(inputs, torch.Tensor) and inputs.is_floating_point() and inputs.dim() >= 2 and len(inputs):
            if (rows := self._rows(inputs)) is not None:
                self.first_layer_rows.append(rows)

    def _unhook_activations(self) -> None:
        for handle in self._activation_hooks:
            handle.remove()
        self._activation_hooks = []

    # --- losses ---------------------------------------------------------------------------

    def _loss(self, kind: str, with_logits: bool):
        probe = self

        def make(original):
            def loss(*args, **kwargs):
                value = original(*args, **kwargs)
                input = args[0] if args else kwargs.get("input")
                target = args[1] if len(args) > 1 else kwargs.get("target")
                try:
                    probe._record_loss(kind, with_logits, input, target, value, kwargs.get("reduction", "mean"))
                except Exception:  # noqa: BLE001 - a probe must never break the user's script
                    probe.unreadable += 1
                return value
            return loss

        return make

    def _record_loss(self, kind: str, with_logits: bool, input: torch.Tensor, target: torch.Tensor,
                     value: torch.Tensor, reduction: str) -> None:
        # A training loss has a graph behind it; outputs computed under no_grad and scored after the block
        # are an evaluation, even with grad mode back on.
        grad = torch.is_grad_enabled() and input.requires_grad
        batch = len(target) if target.dim() else 1
        if kind == "cross_entropy" and loss_checks.contrastive(input, target):
            kind = "contrastive"  # an objective of its own: a probe trained after it is judged apart
        classes = kind in CLASS_LOSSES and target.dtype == torch.long and input.dim() == 2
        if grad:
            self.loss_since_step = True
            self.loss_kinds[kind] += 1
            self.step_kinds.add(kind)
            self.counts["grad_losses"] += 1
            inputs = self.last_root_input
            # Per-token targets are a multiple of the rows; a mask of a graph's nodes is not.
            self.counts["loss_rows_differ"] += inputs is not None and inputs.dim() > 0 and batch % max(len(inputs), 1) != 0
            self._remember("loss")
            if classes:
                self.num_classes = int(input.shape[1])
                if self.first_class_loss is None:
                    self.first_class_loss = (float(value.detach().float().mean()), self.num_classes)
            if self.sampling or self.checked_calls < CHECKED_CALLS:
                self._check_loss_inputs(kind, with_logits, input, target, batch, reduction)
                if kind in REGRESSION_LOSSES:
                    self._regression_targets(target)  # the targets' scale and values: sampled batches suffice
            if self.sampling and target.dim() == 1 and not target.is_floating_point():
                self.batch_majority = probes.majority_fraction(target)
            if self.sampling:
                self._note_constant_targets(target)
            self._keep_pair(target, batch)
        elif not self.counts["grad_forwards"]:
            return  # an initial score, before any training forward
        elif value.numel() == 1:
            window = self.window_train_eval if self.nograd_on_train else self.window_val
            window["loss"].append(float(value.detach()))
        # Training metrics from every ACCURACY_EVERY-th batch: the curve needs a sample, not every row.
        if grad and self.step % ACCURACY_EVERY == 0:
            batch_window = _window()
            self._score(kind, with_logits, classes, input, target, batch_window, keep=kind not in REGRESSION_LOSSES)
            if batch_window["targets"]:
                self.recent_train.append((batch_window.pop("targets")[0], batch_window.pop("preds")[0]))
            _merge(self.window_train, batch_window)
            if len(self.train_scores) < MAX_TRAIN_SCORES:
                self.train_scores.append((self.step, batch_window))
        elif not grad:
            window = self.window_train_eval if self.nograd_on_train else self.window_val
            self._score(kind, with_logits, classes, input, target, window, keep=not self.nograd_on_train)

    def _note_constant_targets(self, target: torch.Tensor) -> None:
        """A GAN's discriminator step scores real rows against ones and generated rows against zeros: each loss
        call has one target value, and the step has two. (Python floats: the probe's own == is wrapped.)"""
        if self.step_constants is None or target.numel() < 2 or not target.is_floating_point():
            self.step_constants = None
            return
        low, high = float(target.min()), float(target.max())
        self.step_constants = {low} | self.step_constants if low == high else None

    def _check_loss_inputs(self, kind: str, with_logits: bool, input: torch.Tensor, target: torch.Tensor,
                           batch: int, reduction: str) -> None:
        self.checked_calls += 1
        w = self.counts
        w["sum_reduction"] += reduction == "sum" and batch > 1
        self.counts["loss_batch"] = batch
        if kind in CLASS_LOSSES:
            self.probability_calls += probes.is_probabilities(input)
            w["wrong_axis"] += loss_checks.normalised_over_batch(input, log=kind == "nll")
        if kind in REGRESSION_LOSSES or kind == "bce":
            broadcast = loss_checks.broadcasts(input, target)
            w["broadcast"] += broadcast
            if broadcast:
                self._remember("broadcast")
        if with_logits and loss_checks.output_range(input) == "unit":
            w["logits_probabilities"] += 1
        if kind in REGRESSION_LOSSES and (output := loss_checks.output_range(input)) is not None:
            if loss_checks.unreachable_share(output, target) >= loss_checks.UNREACHABLE_SHARE:
                self.output_ranges[output] += 1

    def _regression_targets(self, target: torch.Tensor) -> None:
        values = target.detach().float().reshape(-1)
        if not values.numel():
            return
        moments = self.target_moments
        moments[0] += values.numel()
        moments[1] += float(values.sum())
        moments[2] += float((values.double() ** 2).sum())
        if len(self.regression_targets) <= MAX_INTEGER_CLASSES:
            self.regression_on_integers &= bool(torch.all(values == values.round()))
            self.regression_targets.update(values.unique()[:MAX_INTEGER_CLASSES + 1].tolist())

    def _score(self, kind: str, with_logits: bool, classes: bool, input: torch.Tensor, target: torch.Tensor,
               window: dict, keep: bool) -> None:
        """Accuracy (class and BCE losses) or the sums R^2 needs (regression losses), into ``window``."""
        if classes:
            predictions, truth = input.detach().argmax(1), target.detach()
        elif kind == "bce" and input.shape == target.shape:
            self.binary_outputs = True
            predictions = (input.detach() > (0.0 if with_logits else 0.5)).long()
            truth = (target.detach() > 0.5).long()
        elif kind in REGRESSION_LOSSES and input.shape == target.shape:
            p, y = input.detach().double().reshape(-1), target.detach().double().reshape(-1)
            window["sse"] += float(((p - y) ** 2).sum())
            window["sum"] += float(y.sum())
            window["sumsq"] += float((y ** 2).sum())
            window["reg_rows"] += len(y)
            if keep and self._regression_metric():  # a multi-task loss keeps the rows of the metric reported
                window["targets"].append(y.float().cpu().numpy())
                window["preds"].append(p.float().cpu().numpy())
            return
        else:
            return
        window["hits"] += int((predictions == truth).sum())
        window["rows"] += truth.numel()
        if keep and not self._regression_metric():
            window["targets"].append(truth.reshape(-1).cpu().numpy())
            window["preds"].append(predictions.reshape(-1).cpu().numpy())

    def _keep_pair(self, target: torch.Tensor, batch: int) -> None:
        """Training inputs with their targets (the signal and leak probes need both). Only for one target per
        row: the model's metric over many target columns (an autoencoder's pixels, multi-label outputs) is not
        comparable with a simple model fitted to one of them."""
        inputs = self.last_root_input
        if (inputs is None or len(inputs) != batch or target.numel() != batch
                or self.rows_kept["pairs"] >= ROWS_KEPT):
            return
        rows = self._rows(inputs)
        if rows is None:
            return
        self.rows_kept["pairs"] += batch
        self.pairs_x.append(rows)
        self.pairs_y.append(target.detach().cpu().numpy().reshape(batch))

    # --- backward, zero_grad, modes, optimizers, schedulers -------------------------------------

    def _backward(self, original):
        probe = self

        def backward(tensor, *args, **kwargs):
            probe.counts["backward"] += 1
            probe._remember("backward")
            if tensor.numel() == 1:
                try:
                    probe.last_backward_loss = float(tensor.detach())
                except RuntimeError:
                    probe.unreadable += 1
                probe._hand_written_loss(tensor)
            probe._count_stale()
            # Sampled steps too: a model or head built later (a probe on frozen features) trains later.
            if probe.counts["backward"] <= CHECKED_CALLS or probe.sampling:
                probe._collect_leaves(tensor)
            return original(tensor, *args, **kwargs)

        return backward

    @_guarded
    def _hand_written_loss(self, loss: torch.Tensor) -> None:
        """Read a loss's reduction from its graph; a loss no nn/functional loss produced also its shapes."""
        written = not self.loss_since_step
        self.counts["hand_written"] += written
        self.counts["backward_checked"] += 1
        if not (self.sampling or self.counts["backward_checked"] <= CHECKED_CALLS):
            return
        self.counts["sum_reduction"] += loss_checks.summed(loss)  # also reduction="none" then .sum()
        output = self.last_root_output
        if not written or output is None:
            return
        self.checked_calls += 1
        if loss_checks.graph_broadcast(loss, output):
            self.counts["broadcast"] += 1
            self._remember("broadcast")
        self.counts["wrong_axis"] += loss_checks.graph_normalised_over_batch(loss, output)

    @_guarded
    def _collect_leaves(self, loss: torch.Tensor) -> None:
        """Trainable leaf tensors the loss depends on (its graph's AccumulateGrad nodes): they all get a
        gradient, so any that neither the model registers nor an optimizer holds never learn."""
        for leaf in _graph_leaves(loss.grad_fn, LEAF_SEARCH_NODES):
            if not self._is_input_leaf(leaf):
                self.graph_leaves.setdefault(id(leaf), leaf)

    def _note_input_leaves(self, inputs: tuple) -> None:
        """Inputs that require grad (PINN collocation points, adversarial examples) and the row-shaped leaves
        they were built from: the loss depends on them, yet they are data, not parameters left out."""
        for tensor in inputs:
            if not (isinstance(tensor, torch.Tensor) and tensor.requires_grad and tensor.dim()):
                continue
            if len(self.input_leaves) > INPUT_LEAVES_KEPT:
                self.input_leaves = {k: r for k, r in self.input_leaves.items() if r() is not None}
            for leaf in _row_leaves(tensor):
                self.input_leaves[id(leaf)] = weakref.ref(leaf)

    def _is_input_leaf(self, tensor: torch.Tensor) -> bool:
        ref = self.input_leaves.get(id(tensor))
        return ref is not None and ref() is tensor

    @_guarded
    def _count_stale(self) -> None:
        """Last step's gradients still there at backward(), with no zero_grad() since that step: they add up.
        (Gradient accumulation calls zero_grad() after each step, so its backwards never count.)"""
        if (self.sampling and self.step > 0 and self.counts["zero_grad_at_step"] < self.step
                and any(p.grad is not None and bool(p.grad.any()) for ps in self.groups.values() for p in ps)):
            self.stale_grad_backwards += 1

    def _comparison(self, original):
        """``a == b`` / ``a.eq(b)``, seen by ``self.compared``: a script scoring validation predictions."""
        probe = self

        def comparison(a, b, *args, **kwargs):
            result = original(a, b, *args, **kwargs)
            if probe.compared.pending:
                try:
                    probe.compared.compared(a, b, result)
                except Exception:  # noqa: BLE001 - a probe must never break the user's script
                    probe.unreadable += 1
            return result

        return comparison

    def _sklearn_metric(self, kind: str):
        """``metric(y_true, y_pred)`` from ``sklearn.metrics``, seen by ``self.compared``."""
        probe = self

        def make(original):
            @functools.wraps(original)
            def metric(*args, **kwargs):
                result = original(*args, **kwargs)
                if probe.compared.pending:
                    try:
                        probe.compared.scored(kind, args[0] if args else kwargs.get("y_true"),
                                              args[1] if len(args) > 1 else kwargs.get("y_pred"))
                    except Exception:  # noqa: BLE001 - a probe must never break the user's script
                        probe.unreadable += 1
                return result

            return metric

        return make

    def _counted(self, name: str):
        probe = self

        def make(original):
            def counted(*args, **kwargs):
                probe.counts[name] += 1
                probe.counts[f"{name}_at_step"] = probe.step  # the step count when last called
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

    def _load_state_dict(self, original):
        probe = self

        def load_state_dict(module, *args, **kwargs):
            result = original(module, *args, **kwargs)
            probe._weights_loaded()
            return result

        return load_state_dict

    @_guarded
    def _weights_loaded(self) -> None:
        """Saved weights loaded after training began (a best checkpoint restored, an EMA swap): the validation
        pass before them closes here, so an evaluation of the loaded weights is a row of its own."""
        if self.step:
            self.close_validation_window()
            self.weights_loaded = (self.step, len(self.epochs))

    def _optimizer_init(self, original):
        probe = self

        def init(optimizer, *args, **kwargs):
            original(optimizer, *args, **kwargs)
            probe._apply_overrides(optimizer)
            probe.optimizer_sites[optimizer] = where = probe.where(sys._getframe(1))
            if not probe.steps:  # once training has begun, an optimizer's settings count from its first step
                probe._remember_settings(optimizer, where)

        return init

    @_guarded
    def _remember_settings(self, optimizer, where: str | None) -> None:
        self.locations["optimizer"] = where or self.locations.get("optimizer", "?")
        self.optimizer_name = type(optimizer).__name__.lower()
        group = optimizer.param_groups[0]
        self.lr = float(group.get("lr", math.nan))
        betas = group.get("betas")
        lrs = [g["lr"] for g in optimizer.param_groups if isinstance(g.get("lr"), int | float) and g["lr"] > 0]
        self.settings.update(group_lr_spread=max(lrs) / min(lrs) if len(lrs) > 1 else None,
                             weight_decay=group.get("weight_decay"),
                             momentum=betas[0] if betas else group.get("momentum"),
                             beta2=betas[1] if betas else None)

    @_guarded
    def _apply_overrides(self, optimizer) -> None:
        for group in optimizer.param_groups:
            for name in ("lr", "weight_decay", "momentum"):
                if name in self.overrides and name in group:
                    group[name] = self.overrides[name]
            if "betas" in group and ("momentum" in self.overrides or "beta2" in self.overrides):
                group["betas"] = (self.overrides.get("momentum", group["betas"][0]),
                                  self.overrides.get("beta2", group["betas"][1]))

    def _scheduler_init(self, original):
        probe = self

        def init(scheduler, optimizer, *args, **kwargs):
            probe.scheduler_depth += 1
            before = [group["lr"] for group in optimizer.param_groups]
            try:
                original(scheduler, optimizer, *args, **kwargs)
            finally:
                probe.scheduler_depth -= 1
            probe.locations.setdefault("scheduler", probe.where(sys._getframe(1)) or "?")
            probe.settings["scheduler"] = type(scheduler).__name__
            if probe.overrides.get("no_scheduler"):
                for group, lr in zip(optimizer.param_groups, before, strict=True):
                    group["lr"] = lr

        return init

    def _scheduler_step(self, original):
        probe = self

        def step(scheduler, *args, **kwargs):
            if probe.scheduler_depth:
                return original(scheduler, *args, **kwargs)
            probe.counts["scheduler_steps"] += 1
            probe._remember("scheduler_step")
            if probe.overrides.get("no_scheduler"):
                return None
            return original(scheduler, *args, **kwargs)

        return step

    def _trains_model(self, optimizer) -> bool:
        """The optimizer trains a model: it holds module parameters (the model's, or a second model's such as a
        distilled student), or the model is plain tensors. One that holds only plain tensors beside a model of
        modules (a temperature fitted on saved logits after training) does not: its steps stay out of the trace."""
        if optimizer not in self.trains_model:
            held = [p for group in optimizer.param_groups for p in group["params"]]
            self.trains_model[optimizer] = self.model is None or any(isinstance(p, nn.Parameter) for p in held)
            if self.trains_model[optimizer] and self.steps:
                self._remember_settings(optimizer, self.optimizer_sites.get(optimizer))
        return self.trains_model[optimizer]

    @_guarded
    def _pre_step(self, optimizer, args, kwargs):
        if optimizer not in self.optimizers:
            self.optimizers.append(optimizer)
        if self.model is None and not self.groups:
            self._find_model()
        if not self._trains_model(optimizer):
            self.step_kinds = set()
            return
        if self.model is not None:
            self._watch_for_next_model(optimizer)
        self._remember("step")
        self.close_validation_window()
        self._unhook_activations()
        self.steps.append(self.step)
        # No backward yet: a closure (L-BFGS) runs it inside step(), and _post_step records its loss.
        self.loss_pending = self.last_backward_loss is None
        self.losses.append(math.nan if self.loss_pending else self.last_backward_loss)
        self.lrs.append(float(optimizer.param_groups[0].get("lr", math.nan)))
        self.step_objective.append(self._objective(frozenset(self.step_kinds)))
        self.step_kinds = set()
        if self.last_backward_loss is not None:
            self.window_train["loss"].append(self.last_backward_loss)
        if self.sampling:  # only sampled steps note their targets' values
            self.counts["real_fake_steps"] += self.step_constants is not None and len(self.step_constants) >= 2
            self.step_constants = set()
        if self.sampling and self.groups:
            self.graded.update(id(p) for ps in self.groups.values() for p in ps if p.grad is not None)
            self.samples.append(Sample(
                step=self.step, groups=probes.group_stats(self.groups),
                activations=self._named_activations(), batch_majority_fraction=self.batch_majority,
                loss_input_probabilities=None))
            self.before = probes.snapshot(self.groups)
        self.activations, self.batch_majority = {}, None

    @_guarded
    def _post_step(self, optimizer, args, kwargs):
        if not self.trains_model.get(optimizer, True):
            return
        if self.loss_pending and self.last_backward_loss is not None:
            self.losses[-1] = self.last_backward_loss
        if self.before:
            probes.update_ratios(self.groups, self.before, self.samples[-1].groups)
            self.before = []
            self.samples = self.schedule.thin(self.samples)
        if self.overrides.get("zero_grad"):
            optimizer.zero_grad()
        self.step += 1
        self.loss_since_step = False
        self.sampling = self.schedule.due(self.step)
        if self.sampling and self.model is not None:
            self._hook_activations()
        if self.step >= self.max_steps:
            raise BudgetReached(f"{self.step} optimizer steps")

    def _find_model(self) -> None:
        held = {id(p) for o in self.optimizers for g in o.param_groups for p in g["params"]}
        # A module of meta tensors (the skeleton torch.func.functional_call runs stacked weights through) holds
        # no weights of its own: the weights are the tensors the optimizer holds.
        candidates = [m for m in self.roots.values() if self.root_grad_forwards[id(m)]
                      and any(not p.is_meta for p in m.parameters())]
        if not candidates:
            # No module ran a training forward: the model is plain tensors the optimizer holds (x @ W1 + b1).
            tensors = [p for o in self.optimizers for g in o.param_groups for p in g["params"] if p.requires_grad]
            self.groups = probes.tensor_groups(tensors)
            self.initial = probes.snapshot(self.groups)
            return
        self._adopt(max(candidates, key=lambda m: (sum(id(p) in held for p in m.parameters()),
                                                   self.root_grad_forwards[id(m)])))

    def _adopt(self, model: nn.Module) -> None:
        """Focus on ``model``: its layer groups, their starting weights, and hooks on it alone."""
        self.model = model
        self.groups = probes.layer_groups(self.model)
        self.initial = probes.snapshot(self.groups)
        constant = probes.constant_weight_groups(self.model)
        if constant:
            self.settings["constant_init_layers"] = ",".join(constant)
        recurrent = [m for m in self.model.modules() if isinstance(m, nn.RNNBase)]
        inputs = self.last_root_input
        if recurrent and inputs is not None and inputs.dim() >= 2:
            self.settings["recurrent"] = type(recurrent[0]).__name__ + (
                "" if getattr(recurrent[0], "nonlinearity", "tanh") == "tanh" else "_" + recurrent[0].nonlinearity)
            self.settings["sequence_length"] = int(inputs.shape[1] if recurrent[0].batch_first or inputs.dim() == 2
                                                   else inputs.shape[0])
        self.module_names = {id(m): name or type(m).__name__ for name, m in self.model.named_modules()}
        self._focus_on_model()

    def _watch_for_next_model(self, optimizer) -> None:
        """A second model trained after the first (a student after its teacher, a VAE after the classifier that
        judges it, the next fold's model) takes the focus once its optimizer, holding none of the model's
        parameters, has stepped REFOCUS_STEPS times in a row. Optimizers that take turns (a GAN's two) leave the
        focus where it is, and so does a head fed the model's own outputs (trained on a frozen backbone before
        both are tuned together): the model is still part of what the script trains."""
        if self._holds_model_parameters(optimizer):
            self.next_model = None
            return
        if optimizer not in self.owners:
            owner = _owner(optimizer)
            self.owners[optimizer] = owner
            if owner is not None:
                self._model_hooks.append(owner.register_forward_pre_hook(self._note_fed_by_model))
        if self.next_model is None or self.next_model[0] is not optimizer:
            self.next_model = (optimizer, len(self.steps), 0)
        waiting, first, steps = self.next_model
        self.next_model = (waiting, first, steps + 1)
        owner = self.owners[optimizer]
        if steps + 1 >= REFOCUS_STEPS and owner is not None and id(owner) not in self.fed_by_model:
            self.next_model = None
            self._refocus(owner, first)

    @_guarded
    def _note_fed_by_model(self, module, args) -> None:
        output = self.last_root_output
        first = next((a for a in args if isinstance(a, torch.Tensor)), None)
        if output is not None and first is not None and first.data_ptr() == output.data_ptr():
            self.fed_by_model.add(id(module))

    def _holds_model_parameters(self, optimizer) -> bool:
        if optimizer not in self.holds_model:
            ids = {id(p) for ps in self.groups.values() for p in ps}
            self.holds_model[optimizer] = any(id(p) in ids for group in optimizer.param_groups for p in group["params"])
        return self.holds_model[optimizer]

    def _refocus(self, model: nn.Module, first: int) -> None:
        """Start afresh on ``model`` from step index ``first``: the trace describes the model the script ends
        on, and the steps before belong to another objective."""
        self._unhook_activations()
        for setting in ("constant_init_layers", "recurrent", "sequence_length"):
            self.settings.pop(setting, None)
        self._start_model_state(origin=self.step)
        self.sampling = True  # this step opens the new model's dense early samples
        self.phase += 1
        kinds_of = {number: kinds for (_, kinds), number in self.objective_ids.items()}
        self.step_objective[first:] = [self._objective(kinds_of[n]) for n in self.step_objective[first:]]
        self._adopt(model)

    def _named_activations(self) -> dict:
        return {key if isinstance(key, str) else self.module_names[key]: stats for key, stats in self.activations.items()
                if isinstance(key, str) or key in self.module_names}

    def _functional_activation(self, kind: str):
        """torch.sigmoid / tanh / relu called in a forward: recorded on sampled steps under "kind@file:line"."""
        probe = self

        def make(original):
            def activation(*args, **kwargs):
                output = original(*args, **kwargs)
                if probe.sampling and probe.groups and torch.is_grad_enabled():
                    probe._record_functional(kind, output)
                return output
            return activation

        return make

    @_guarded
    def _record_functional(self, kind: str, output) -> None:
        # Only a call written in the user's code: nn.ReLU's own F.relu (and F.relu's torch.relu) is the module's
        # activation, which its hook already records.
        caller = sys._getframe(3)  # this hook <- _guarded <- the wrapper <- the caller
        where = self.where(caller) if caller.f_code.co_filename.startswith(self.user_dir) else None
        if where is not None and isinstance(output, torch.Tensor) and output.dim() >= 2:
            key = f"{kind}@{where.rsplit('/', 1)[-1]}"
            if key not in self.activations:
                self.activations[key] = probes.activation_stats(kind, output)

    def close_validation_window(self) -> None:
        """A training step after no-grad loss calls ends a validation pass: one row of the curves.

        A pass over training rows is the train metric when a real validation pass runs beside it;
        when it is the only no-grad pass, validation is the training set and it stands as validation.
        No-grad forwards in train mode count as validation in the wrong mode only when no forward between the
        same two steps ran in eval mode: beside an eval-mode pass they are deliberate sampling (MC dropout).
        """
        compared = self.compared.close_pass(self._regression_metric()) if self.compared.pending else None
        if not self.pass_modes["eval"]:
            self.counts["nograd_forwards_in_train"] += self.pass_modes["train"]
        self.pass_modes.clear()
        val, extra = self.window_val, self.window_train_eval
        other_rows = self.counts["nograd_forwards"] > self.counts["train_row_eval_forwards"]
        if not val["loss"] and extra["loss"] and not other_rows:
            val, extra = extra, _window()
        if not val["loss"] and compared is None:
            return
        # A pass scored by comparing predictions with labels, without a loss, gives the row its metric.
        val_metric, val_rows = (self._metric(val), self._metric_rows(val)) if val["loss"] else compared[:2]
        train = extra if self._metric_rows(extra) else self.window_train
        rows = self.epochs if val["loss"] else self.compared_epochs
        rows.append(EpochRow(epoch=len(rows) + 1, step=self.step,
                             train_loss=float(np.mean(self.window_train["loss"])) if self.window_train["loss"] else None,
                             val_loss=float(np.mean(val["loss"])) if val["loss"] else None,
                             train_metric=self._metric(train), val_metric=val_metric,
                             train_metric_rows=self._metric_rows(train) or None, val_metric_rows=val_rows or None))
        if val["targets"]:
            self.val_targets = np.concatenate(val["targets"])[:VAL_ROWS_KEPT]
            self.val_preds = np.concatenate(val["preds"])[:VAL_ROWS_KEPT]
        elif not val["loss"]:
            self.val_targets, self.val_preds = (kept[:VAL_ROWS_KEPT] for kept in compared[2:])
        self.window_train, self.window_val, self.window_train_eval = _window(), _window(), _window()

    def final_objective(self) -> tuple[int, frozenset | None]:
        """(first step index, loss kinds) of the objective the script ends on, when it took over from another:
        pretraining on one loss and fine-tuning on another give loss values that do not compare, and the
        script delivers the last. (0, None) for one objective, or losses that alternate."""
        if not self.step_objective:
            return 0, None
        last = self.step_objective[-1]
        start = len(self.step_objective)
        while start and self.step_objective[start - 1] == last:
            start -= 1
        if start == 0 or last in self.step_objective[:start] or len(self.step_objective) - start < MIN_OBJECTIVE_STEPS:
            return 0, None
        return start, next(kinds for (_, kinds), number in self.objective_ids.items() if number == last)

    def _objective(self, kinds: frozenset) -> int:
        return self.objective_ids.setdefault((self.phase, kinds), len(self.objective_ids))

    def training_curve(self) -> list[EpochRow]:
        """The curves: one row per validation pass; for a script that validated only by comparing predictions with
        labels, one per such pass, when there were two or more; else training loss and metric in TRAINING_CHUNKS
        stretches of steps (a single scoring at the end is no curve)."""
        if self.epochs:
            return self.epochs
        if len(self.compared_epochs) >= 2:
            return self.compared_epochs
        if len(self.losses) < 2 * TRAINING_CHUNKS:
            return self.epochs
        rows, bounds = [], np.linspace(0, len(self.losses), TRAINING_CHUNKS + 1).round().astype(int)
        for number, (start, end) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
            window = _window()
            for step, scored in self.train_scores:
                if start <= step < end:
                    _merge(window, scored)
            losses = [v for v in self.losses[start:end] if math.isfinite(v)]
            rows.append(EpochRow(epoch=number + 1, step=int(end), train_loss=float(np.mean(losses)) if losses else None,
                                 train_metric=self._metric(window),
                                 train_metric_rows=self._metric_rows(window) or None))
        return rows

    def _regression_metric(self) -> bool:
        return bool(self.loss_kinds) and self.loss_kinds.most_common(1)[0][0] in REGRESSION_LOSSES

    def _metric_rows(self, window: dict) -> int:
        return window["reg_rows"] if self._regression_metric() else window["rows"]

    def _metric(self, window: dict) -> float | None:
        if not self._metric_rows(window):
            return None
        if self._regression_metric():
            n = window["reg_rows"]
            spread = window["sumsq"] - window["sum"] ** 2 / n
            return 1.0 - window["sse"] / spread if spread > 0 else None
        return window["hits"] / window["rows"]
