"""The shared trainer: ``fit(experiment, job)`` trains one model and measures it on validation rows.

Tensors are built once and batched by hand (no DataLoader workers): small models train at the
speed of their matmuls. Everything random is seeded from ``seed`` (default: the job's), so a
run on CPU is repeatable. The sealed test split is never touched.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import torch
from torch import nn

from ml_expert.tools.data.prepare import PreparedData, prepare_data
from ml_expert.tools.data.splits import Split
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import LoadedModel
from ml_expert.tools.preprocess.transforms import Preprocessing
from ml_expert.tools.train.build import build_model
from ml_expert.tools.train.callbacks import Callback, FitState, StopFit
from ml_expert.tools.train.losses import TaskLoss, balanced_class_weights, resolve_loss_kind
from ml_expert.tools.train.memory_plan import (
    PeakMemory,
    StepMemory,
    checkpoint_segments,
    estimate_step,
    memory_limit,
)
from ml_expert.tools.train.memory_plan import describe as describe_memory
from ml_expert.tools.train.metrics import metric_name, score, task_metrics
from ml_expert.tools.train.optim import make_optimizer, make_schedule
from ml_expert.tools.train.overrides import apply_overrides
from ml_expert.tools.train.spec import ExperimentSpec, TrainingConfig
from ml_expert.tools.train.tensors import SplitTensors, encoded_view, fit_preprocessing, to_tensors

TRAIN_EVAL_ROWS = 4096  # the train metric is measured on at most this many fixed training rows
EVAL_CHUNK = 8192


@dataclass
class FitResult:
    """What one training run produced. Metrics follow one convention: higher is better.

    ``metric_name`` is "accuracy" (classification) or "r2" (regression). ``val_predictions``
    are class indices or values in the data's units, row-aligned with ``val_targets``, for
    paired tests and bootstrap intervals; ``val_outputs`` are the raw outputs (logits).
    """

    history: list[dict[str, float]]
    metric_name: str
    val_metrics: dict[str, float]  # "loss" plus every metric of the task (train.metrics.task_metrics)
    train_metrics: dict[str, float]
    val_targets: np.ndarray
    val_predictions: np.ndarray
    val_outputs: np.ndarray
    model: nn.Module
    loaded: LoadedModel
    experiment: ExperimentSpec  # after overrides
    seed: int
    steps: int
    wall_time_s: float
    stopped_reason: str | None  # None (ran its budget), "nan", or what a callback's StopFit said
    device: str
    memory: StepMemory | None = None  # the estimate made before training
    memory_limit: int | None = None
    measured_peak: int | None = None  # bytes, see memory_plan.PeakMemory

    @property
    def val_metric(self) -> float:
        return self.val_metrics[self.metric_name]

    @property
    def val_loss(self) -> float:
        return self.val_metrics["loss"]

    @property
    def preprocessing(self) -> Preprocessing:
        """Fitted on this run's training rows; ``loaded`` carries it, so saving the model saves it."""
        return self.loaded.preprocessing


def fit(experiment: ExperimentSpec, job: JobContext, *, prepared: PreparedData | None = None,
        rows: tuple[Split, Split] | None = None, callbacks: Sequence[Callback] = (), seed: int | None = None,
        overrides: dict[str, Any] | None = None, field: str = "experiment",
        adjust_model: Callable[[nn.Module], None] | None = None, epoch_train_metric: bool = True) -> FitResult:
    """Train ``experiment`` and evaluate it on the validation rows.

    ``prepared``: data loaded once and reused across fits. ``rows``: (train, val) splits to use
    instead of the prepared ones (cross-validation folds). ``overrides``: dotted names to
    values, e.g. {"training.lr": 0.01, "model.width": 128}. ``adjust_model`` changes the freshly
    built model in place before the optimizer is made (diagnosis proves model fixes with it).
    ``epoch_train_metric=False`` leaves the per-epoch train metric out of the history (NaN): a
    search trial needs only validation values, and the extra pass costs a fifth of its time.
    Errors are SpecErrors under ``field``.
    """
    started = time.perf_counter()
    experiment = apply_overrides(experiment, overrides, field)
    config = experiment.training
    device = _device(config, field)
    seed = job.seed_everything(seed)
    if prepared is None:
        prepared = prepare_data(experiment.data, job, field=f"{field}.data")
    train, val = rows or (prepared.splits.train, prepared.splits.val)
    model_table = encoded_view(prepared.table, train, log_skewed=config.log_skewed)
    loaded = build_model(experiment.model, model_table, job, f"{field}.model")
    if adjust_model is not None:
        adjust_model(loaded.module)
    memory, limit = _check_memory(loaded, config, device, field)
    if config.checkpointing and checkpoint_segments(loaded.module) == 0:
        raise SpecError(f"{field}.training.checkpointing", "the model has no nn.Sequential of two or more layers "
                                                            "to checkpoint", "checkpointing false for this model")
    model = loaded.module.to(device)
    preprocessing = fit_preprocessing(train, loaded, prepared.table, inputs=config.normalize_inputs,
                                      targets=config.normalize_targets, data=experiment.data.model_dump(mode="json"),
                                      log_skewed=config.log_skewed)
    loaded = replace(loaded, preprocessing=preprocessing)  # saving the model saves its preprocessing
    train_t, val_t = (to_tensors(s, loaded, preprocessing, device) for s in (train, val))
    loss_fn = _loss(config, loaded, train).to(device)
    optimizer = make_optimizer([p for p in model.parameters() if p.requires_grad], config)
    steps_per_epoch = math.ceil(len(train) / config.batch_size)
    total_steps = min(config.epochs * steps_per_epoch, config.max_steps or math.inf)
    scheduler = make_schedule(optimizer, config, total_steps)
    state = FitState(model=model, optimizer=optimizer, loss_fn=loss_fn, config=config, task=loaded.task,
                     steps_per_epoch=steps_per_epoch, total_steps=total_steps)
    train_probe = _fixed_rows(train_t, seed)
    autocast = _autocast(config, device)
    scaler = torch.amp.GradScaler("cuda") if config.precision == "fp16" else None
    generator = torch.Generator().manual_seed(seed)
    stopped: str | None = None
    peak = PeakMemory(device, memory.parameters if memory else 0)
    try:
        _each(callbacks, "on_fit_start", state)
        for epoch in range(math.ceil(total_steps / steps_per_epoch)):
            order = torch.randperm(len(train), generator=generator) if config.shuffle else torch.arange(len(train))
            model.train()
            losses = []
            for start in range(0, len(train), config.batch_size):
                if state.step >= total_steps:
                    break
                batch = order[start:start + config.batch_size].to(device)
                state.inputs, state.targets = train_t.inputs[batch], train_t.targets[batch]
                with autocast:
                    state.outputs = model(state.inputs)
                loss = loss_fn(state.outputs, state.targets)
                optimizer.zero_grad(set_to_none=True)
                (loss if scaler is None else scaler.scale(loss)).backward()
                state.loss = float(loss.detach())
                losses.append(state.loss)
                if not math.isfinite(state.loss):
                    stopped = "nan"
                    break
                if scaler is not None:
                    scaler.unscale_(optimizer)  # probes and clipping see true gradients
                _each(callbacks, "on_before_step", state)
                if config.grad_clip is not None:
                    nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
                if scaler is None:
                    optimizer.step()
                else:
                    scaler.step(optimizer)
                    scaler.update()
                scheduler.step()
                state.step += 1
                _each(callbacks, "on_after_step", state)
            state.epoch = epoch + 1
            state.history.append(_epoch_row(state, losses, train_probe if epoch_train_metric else None, val_t,
                                            preprocessing, autocast, optimizer))
            if stopped:
                break
            _each(callbacks, "on_epoch_end", state)
    except StopFit as stop:
        stopped = stop.reason
    measured_peak = peak.rise()
    state.inputs = state.targets = state.outputs = None
    _each(callbacks, "on_fit_end", state)
    val_outputs = _outputs(model, val_t.inputs, autocast)
    val_predictions = _predictions(loaded.task, val_outputs, preprocessing, val_t.raw_targets)
    val_metrics = {"loss": _loss_value(loss_fn, val_outputs, val_t.targets),
                   **task_metrics(loaded.task, val_t.raw_targets, val_predictions, val_outputs.float().cpu().numpy())}
    train_outputs = _outputs(model, train_probe.inputs, autocast)
    train_metrics = {"loss": _loss_value(loss_fn, train_outputs, train_probe.targets),
                     **task_metrics(loaded.task, train_probe.raw_targets,
                                    _predictions(loaded.task, train_outputs, preprocessing, train_probe.raw_targets),
                                    train_outputs.float().cpu().numpy())}
    return FitResult(
        history=state.history, metric_name=metric_name(loaded.task), val_metrics=val_metrics,
        train_metrics=train_metrics, val_targets=val_t.raw_targets, val_predictions=val_predictions,
        val_outputs=val_outputs.float().cpu().numpy(), model=model, loaded=loaded, experiment=experiment, seed=seed,
        steps=state.step, wall_time_s=time.perf_counter() - started, stopped_reason=stopped, device=str(device),
        memory=memory, memory_limit=limit, measured_peak=measured_peak)


def _each(callbacks: Sequence[Callback], hook: str, state: FitState) -> None:
    for callback in callbacks:
        getattr(callback, hook)(state)


def _device(config: TrainingConfig, field: str) -> torch.device:
    cuda = config.device == "cuda" or (config.device == "auto" and torch.cuda.is_available())
    if config.precision == "fp16" and not cuda:
        raise SpecError(f"{field}.training.precision", "fp16 trains on CUDA only (with a GradScaler)",
                        "'bf16' or 'fp32' on CPU")
    if config.device == "cuda" and not torch.cuda.is_available():
        raise SpecError(f"{field}.training.device", "CUDA was asked for but no GPU is visible", "'cpu' or 'auto'")
    if config.device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(config.device)


def _autocast(config: TrainingConfig, device: torch.device):
    if config.precision == "bf16":
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    if config.precision == "fp16":
        return torch.autocast(device_type=device.type, dtype=torch.float16)
    return nullcontext()


def _check_memory(loaded: LoadedModel, config: TrainingConfig, device: torch.device, field: str
                  ) -> tuple[StepMemory | None, int | None]:
    """The step's estimate, refused before training when it does not fit the limit."""
    memory = estimate_step(loaded.module, loaded, config.batch_size, config.optimizer, config.momentum,
                           checkpointed=config.checkpointing)
    limit = memory_limit(config.memory_limit_gb, device)
    if memory is not None and limit is not None and memory.peak > limit:
        largest = memory.largest_batch(limit)
        raise SpecError(f"{field}.training.batch_size", describe_memory(memory, limit),
                        (f"batch_size {largest:,} or less" if largest else "a smaller model")
                        + ", training.checkpointing true, or a larger training.memory_limit_gb")
    return memory, limit


def _loss(config: TrainingConfig, loaded: LoadedModel, train: Split) -> TaskLoss:
    weights = None
    if config.class_weights == "balanced" and loaded.task == "classification":
        weights = balanced_class_weights(train.y, loaded.num_outputs)
    return TaskLoss(resolve_loss_kind(config, loaded.task), loaded.num_outputs, config.label_smoothing, weights)


def _fixed_rows(split: SplitTensors, seed: int) -> SplitTensors:
    """Up to TRAIN_EVAL_ROWS training rows, the same every epoch, for the train metric."""
    n = len(split.inputs)
    if n <= TRAIN_EVAL_ROWS:
        return split
    keep = np.sort(np.random.default_rng(seed).choice(n, TRAIN_EVAL_ROWS, replace=False))
    index = torch.as_tensor(keep, device=split.inputs.device)
    return SplitTensors(split.inputs[index], split.targets[index], split.raw_targets[keep])


@torch.no_grad()
def _outputs(model: nn.Module, inputs: torch.Tensor, autocast) -> torch.Tensor:
    was_training = model.training
    model.eval()
    with autocast:
        out = torch.cat([model(inputs[i:i + EVAL_CHUNK]).float() for i in range(0, len(inputs), EVAL_CHUNK)])
    model.train(was_training)
    return out


def _predictions(task: str, outputs: torch.Tensor, preprocessing: Preprocessing, like: np.ndarray) -> np.ndarray:
    values = outputs.float().cpu().numpy()
    if task == "classification":
        return values.argmax(axis=1)
    return preprocessing.inverse_target(values).reshape(like.shape)


@torch.no_grad()
def _loss_value(loss_fn: TaskLoss, outputs: torch.Tensor, targets: torch.Tensor) -> float:
    return float(loss_fn(outputs, targets))


def _epoch_row(state: FitState, losses: list[float], train_probe: SplitTensors | None, val_t: SplitTensors,
               preprocessing: Preprocessing, autocast, optimizer: torch.optim.Optimizer) -> dict[str, float]:
    """The epoch's history row; ``train_probe`` None leaves the train metric NaN."""
    name = metric_name(state.task)
    val_out = _outputs(state.model, val_t.inputs, autocast)
    state.val_scores = score(state.task, val_t.raw_targets, _predictions(
        state.task, val_out, preprocessing, val_t.raw_targets))
    train_metric = math.nan
    if train_probe is not None:
        train_out = _outputs(state.model, train_probe.inputs, autocast)
        train_metric = score(state.task, train_probe.raw_targets, _predictions(
            state.task, train_out, preprocessing, train_probe.raw_targets))[name]
    return {
        "epoch": state.epoch, "step": state.step,
        "train_loss": float(np.mean(losses)) if losses else math.nan,
        "val_loss": _loss_value(state.loss_fn, val_out, val_t.targets),
        "train_metric": train_metric,
        "val_metric": state.val_scores[name],
        "lr": float(optimizer.param_groups[0]["lr"]),
    }
