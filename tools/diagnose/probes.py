"""Torch-side measurements shared by experiment mode (trainer callbacks) and script mode (global hooks).

Probes are sampled: the first few steps and then about ``SAMPLES`` spread over the run get
gradient, update and activation statistics; every step only records its loss. That keeps a
probed loop within a few percent of the plain loop's speed. Experiment mode knows how many
steps it will run (``sample_steps``); script mode does not, so ``SampleSchedule`` keeps its
samples spread over the steps that actually ran.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ml_expert.tools.diagnose.trace import ActivationStep, GroupStep, InputStats

FIRST_STEPS = 3  # always probed: initialisation problems show at once
SAMPLES = 24
SATURATION_INPUT = 5.0  # tanh/sigmoid inputs beyond +-5 count as saturated (DeepDiagnosis)
_TANH_EDGE = math.tanh(SATURATION_INPUT)
_SIGMOID_LOW = 1.0 / (1.0 + math.exp(SATURATION_INPUT))
RELU_TYPES = (nn.ReLU, nn.ReLU6)
MODE_LAYER_TYPES = (nn.modules.dropout._DropoutNd, nn.modules.batchnorm._BatchNorm)
MAX_FEATURES_FOR_STATS = 4096


def sample_steps(budget: int) -> set[int]:
    """Which optimizer steps (0-based) get the expensive probes."""
    spaced = np.linspace(0, max(budget - 1, 0), num=min(SAMPLES, max(budget, 1))).round().astype(int)
    return set(range(min(FIRST_STEPS, budget))) | {int(s) for s in spaced}


class SampleSchedule:
    """Sampled steps spread evenly over however many steps run, never more than 2 x SAMPLES of them.

    The first FIRST_STEPS always; after them every ``stride``-th step, starting at INITIAL_STRIDE so
    that at most about one step in sixteen pays for the detailed probes (a sampled step costs about half
    a plain one on a small MLP: one in eight made a short script run at 0.85x its speed). When 2 x SAMPLES later samples are held, the stride
    doubles and the samples off the new stride are dropped: a longer run gets the same density over
    its whole length, so a bigger budget never starves the real run.
    """

    INITIAL_STRIDE = 16

    def __init__(self, origin: int = 0) -> None:
        self.stride = self.INITIAL_STRIDE
        self.origin = origin  # the step the schedule starts at: a model that takes over later starts dense too

    def due(self, step: int) -> bool:
        step -= self.origin
        return step < FIRST_STEPS or step % self.stride == 0

    def thin(self, samples: list) -> list:
        """``samples`` (objects with a ``step``), thinned to the doubled stride once there are too many."""
        if sum(s.step - self.origin >= FIRST_STEPS for s in samples) < 2 * SAMPLES:
            return samples
        self.stride *= 2
        return [s for s in samples if self.due(s.step)]


def layer_groups(model: nn.Module) -> dict[str, list[nn.Parameter]]:
    """Every module that owns parameters directly, by qualified name, in registration order."""
    groups: dict[str, list[nn.Parameter]] = {}
    for name, module in model.named_modules():
        own = list(module.parameters(recurse=False))
        if own:
            groups[name or type(module).__name__] = own
    return groups


def tensor_groups(tensors: list[torch.Tensor]) -> dict[str, list[torch.Tensor]]:
    """Groups for a model of plain tensors, in the optimizer's order: a bias (1-D, sized like one axis of the
    weight before it) joins that weight, as a layer's bias does, so a zero-initialised bias is not a group
    whose every update is infinitely large against its norm."""
    groups: dict[str, list[torch.Tensor]] = {}
    leader: torch.Tensor | None = None
    for i, tensor in enumerate(tensors):
        if leader is not None and tensor.dim() == 1 and len(tensor) in (leader.shape[0], leader.shape[-1]):
            next(reversed(groups.values())).append(tensor)
            leader = None
            continue
        groups[f"tensor {i} {tuple(tensor.shape)}"] = [tensor]
        leader = tensor if tensor.dim() >= 2 else None
    return groups


def constant_weight_groups(model: nn.Module) -> list[str]:
    """Weight layers whose weight entries are all equal (constant init): their units stay identical."""
    names = []
    for name, module in model.named_modules():
        weight = getattr(module, "weight", None)
        if isinstance(module, (nn.Linear, nn.modules.conv._ConvNd)) and isinstance(weight, torch.Tensor) \
                and weight.numel() > 1 and module.weight.shape[0] > 1:
            w = weight.detach()
            if bool((w == w.reshape(-1)[0]).all()):
                names.append(name or type(module).__name__)
    return names


def group_stats(groups: dict[str, list[nn.Parameter]]) -> dict[str, GroupStep]:
    """Gradient norm and RMS of every group, from one batched norm over all gradients."""
    graded = [p for ps in groups.values() for p in ps if p.grad is not None]
    norms = torch.stack(torch._foreach_norm([p.grad.detach().float() for p in graded])).tolist() if graded else []
    grad_norm = dict(zip(map(id, graded), norms, strict=True))
    out = {}
    for name, ps in groups.items():
        with_grad = [p for p in ps if id(p) in grad_norm]
        step = GroupStep()
        if with_grad:
            step.grad_norm = math.sqrt(sum(grad_norm[id(p)] ** 2 for p in with_grad))
            step.grad_rms = step.grad_norm / math.sqrt(sum(p.numel() for p in with_grad))
        out[name] = step
    return out


def snapshot(groups: dict[str, list[nn.Parameter]]) -> list[torch.Tensor]:
    return torch._foreach_mul([p.detach() for ps in groups.values() for p in ps], 1.0)  # one batched copy


def update_ratios(groups: dict[str, list[nn.Parameter]], before: list[torch.Tensor],
                  steps: dict[str, GroupStep] | None = None) -> dict[str, float | None]:
    """Per group: ||w_after - w_before|| / ||w_before||; also fills ``steps``' weight RMS when given."""
    params = [p.detach() for ps in groups.values() for p in ps]
    norms = torch.stack(torch._foreach_norm(torch._foreach_sub(params, before)) + torch._foreach_norm(before)).tolist()
    deltas, bases = norms[:len(params)], norms[len(params):]
    out, i = {}, 0
    for name, ps in groups.items():
        delta = math.sqrt(sum(d * d for d in deltas[i:i + len(ps)]))
        base = math.sqrt(sum(b * b for b in bases[i:i + len(ps)]))
        out[name] = delta / base if base > 0 else None
        if steps is not None:
            steps[name].update_ratio = out[name]
            steps[name].weight_rms = base / math.sqrt(sum(p.numel() for p in ps))
        i += len(ps)
    return out


def activation_kind(module: nn.Module) -> str | None:
    if isinstance(module, RELU_TYPES):
        return "relu"
    if isinstance(module, nn.Tanh):
        return "tanh"
    if isinstance(module, nn.Sigmoid):
        return "sigmoid"
    return None


def activation_stats(kind: str, output: torch.Tensor) -> ActivationStep:
    out = output.detach().float()
    if kind == "relu":
        units = out.reshape(out.shape[0], -1) if out.dim() > 1 else out.reshape(1, -1)
        if out.dim() > 2:  # conv maps: a unit is a channel
            units = out.transpose(0, 1).reshape(out.shape[1], -1).T
        active = units > 0
        zero_fraction, dead_units = torch.stack([(~active).sum(), (~active.any(0)).sum()]).tolist()
        return ActivationStep(kind="relu", zero_fraction=zero_fraction / max(active.numel(), 1),
                              dead_unit_fraction=dead_units / max(active.shape[1], 1))
    if kind == "tanh":
        saturated = (out.abs() >= _TANH_EDGE).float().mean()
    else:
        saturated = ((out <= _SIGMOID_LOW) | (out >= 1 - _SIGMOID_LOW)).float().mean()
    return ActivationStep(kind=kind, saturated_fraction=float(saturated))


class ActivationRecorder:
    """Forward hooks on ReLU/tanh/sigmoid modules, installed only for a sampled step."""

    def __init__(self, model: nn.Module):
        self.modules = [(name or type(m).__name__, m, kind) for name, m in model.named_modules()
                        if (kind := activation_kind(m))]
        self.stats: dict[str, ActivationStep] = {}
        self._handles: list = []

    def install(self) -> None:
        self.stats = {}
        for name, module, kind in self.modules:
            self._handles.append(module.register_forward_hook(self._hook(name, kind)))

    def _hook(self, name: str, kind: str):
        def record(module, inputs, output):
            if isinstance(output, torch.Tensor) and output.numel() and name not in self.stats:
                self.stats[name] = activation_stats(kind, output)
        return record

    def remove(self) -> dict[str, ActivationStep]:
        for handle in self._handles:
            handle.remove()
        self._handles = []
        return self.stats


def is_probabilities(values: torch.Tensor) -> bool:
    """Rows in [0, 1] that sum to 1: what softmax gives, and what cross-entropy must not get."""
    rows = values.detach().float().reshape(-1, values.shape[-1]) if values.dim() > 1 else None
    if rows is None or rows.shape[-1] < 2 or not torch.isfinite(rows).all():
        return False
    return bool(rows.min() >= 0 and rows.max() <= 1 and (rows.sum(-1) - 1).abs().max() < 1e-3)


def majority_fraction(targets: torch.Tensor) -> float | None:
    if targets.dtype not in (torch.long, torch.int, torch.int32, torch.int64) or targets.dim() != 1 or not len(targets):
        return None
    return float(torch.bincount(targets.detach().cpu()).max()) / len(targets)


def flat_rows(inputs: torch.Tensor) -> np.ndarray | None:
    """One row per example, or None for a tensor the probes cannot read (torch.func wrappers, meta)."""
    try:
        return inputs.detach().float().reshape(len(inputs), -1).cpu().numpy()
    except (RuntimeError, TypeError, ValueError):
        return None


def input_stats(rows: np.ndarray) -> InputStats:
    if not len(rows):
        return InputStats()
    rows = rows[:, :MAX_FEATURES_FOR_STATS].astype(np.float64)
    std = rows.std(axis=0)
    varying = std[std > 1e-8]
    ratio = float(varying.max() / varying.min()) if len(varying) > 1 else None
    return InputStats(rows=len(rows), p90_abs=float(np.percentile(np.abs(rows), 90)),
                      median_feature_std=float(np.median(std)), max_feature_std_ratio=ratio,
                      median_abs_feature_mean=float(np.median(np.abs(rows.mean(axis=0)))))


def shift_between(train_rows: np.ndarray, val_rows: np.ndarray) -> tuple[float, float] | None:
    """(median |mean shift| in training stds, median |log std ratio|) over features that vary."""
    if len(train_rows) < 5 or len(val_rows) < 5 or train_rows.shape[1] != val_rows.shape[1]:
        return None
    train, val = train_rows[:, :MAX_FEATURES_FOR_STATS], val_rows[:, :MAX_FEATURES_FOR_STATS]
    std_t, std_v = train.std(axis=0), val.std(axis=0)
    varying = (std_t > 1e-6) & (std_v > 1e-6)
    if not varying.any():
        return None
    shift = np.abs(val.mean(axis=0) - train.mean(axis=0))[varying] / std_t[varying]
    return float(np.median(shift)), float(np.median(np.abs(np.log(std_v[varying] / std_t[varying]))))


_HASH_MULTIPLIERS = np.random.default_rng(12345).integers(1, 2 ** 63, size=MAX_FEATURES_FOR_STATS * 2,
                                                          dtype=np.uint64) | np.uint64(1)


def row_hashes(rows: np.ndarray) -> np.ndarray:
    """A 64-bit fingerprint per row of exact float32 values (equal rows, equal hashes)."""
    words = np.ascontiguousarray(rows.astype(np.float32) + np.float32(0.0)).view(np.uint32).astype(np.uint64)
    width = words.shape[1]
    multipliers = _HASH_MULTIPLIERS[:width] if width <= len(_HASH_MULTIPLIERS) else np.resize(_HASH_MULTIPLIERS, width)
    with np.errstate(over="ignore"):
        return (words * multipliers).sum(axis=1, dtype=np.uint64) ^ (words[:, :1].ravel() << np.uint64(32))
