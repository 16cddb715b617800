"""Split rows turned into tensors once, on the training device, scaled with training statistics only."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ml_expert.tools.data.splits import Split
from ml_expert.tools.models.io import ModelIO

MIN_STD = 1e-6  # a constant feature is centred, not blown up


@dataclass(frozen=True)
class Scaling:
    """Affine maps fitted on the training rows: inputs (x - mean) / std, regression targets likewise."""

    x_mean: np.ndarray | None = None
    x_std: np.ndarray | None = None
    y_mean: np.ndarray | None = None
    y_std: np.ndarray | None = None

    @classmethod
    def fit(cls, train: Split, io: ModelIO, *, inputs: bool, targets: bool) -> Scaling:
        x_mean = x_std = y_mean = y_std = None
        if inputs and io.input_kind != "tokens":
            x_mean = train.X.mean(axis=0)
            x_std = np.maximum(train.X.std(axis=0), MIN_STD)
        if targets and io.task == "regression":
            y = _as_columns(train.y)
            y_mean, y_std = y.mean(axis=0), np.maximum(y.std(axis=0), MIN_STD)
        return cls(x_mean, x_std, y_mean, y_std)

    def targets_back(self, values: np.ndarray) -> np.ndarray:
        """Model-scale regression outputs back to the data's units."""
        return values if self.y_mean is None else values * self.y_std + self.y_mean


@dataclass(frozen=True)
class SplitTensors:
    inputs: torch.Tensor
    targets: torch.Tensor  # long class indices, or float (n, num_targets) in model scale
    raw_targets: np.ndarray  # as in the data: class indices, or values in the data's units


def to_tensors(split: Split, io: ModelIO, scaling: Scaling, device: torch.device) -> SplitTensors:
    X = split.X
    if scaling.x_mean is not None:
        X = (X - scaling.x_mean) / scaling.x_std
    dtype = torch.long if io.input_kind == "tokens" else torch.float32
    inputs = torch.tensor(X, dtype=dtype).reshape(len(X), *io.input_shape)
    if io.task == "regression":
        y = _as_columns(split.y)
        if scaling.y_mean is not None:
            y = (y - scaling.y_mean) / scaling.y_std
        targets = torch.tensor(y, dtype=torch.float32)
    else:
        targets = torch.tensor(split.y, dtype=torch.long)  # a copy: the split's arrays are read-only
    return SplitTensors(inputs.to(device), targets.to(device), np.asarray(split.y))


def _as_columns(y: np.ndarray) -> np.ndarray:
    return y.reshape(len(y), -1).astype(np.float32)
