"""Split rows turned into tensors once, on the training device, through the run's preprocessing."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from ml_expert.tools.data.splits import Split
from ml_expert.tools.data.table import Table
from ml_expert.tools.models.io import ModelIO
from ml_expert.tools.preprocess.transforms import Preprocessing


def fit_preprocessing(train: Split, io: ModelIO, table: Table, *, inputs: bool, targets: bool,
                      data: dict | None = None) -> Preprocessing:
    """The transforms fitted on ``train`` only; token ids are never scaled."""
    fitted_on = {"data": data, "dataset_version": table.version, "train_split_hash": train.hash,
                 "train_rows": len(train)}
    return Preprocessing.fit(train.X, train.y, task=io.task, feature_names=table.feature_names,
                             class_names=table.class_names, scale_inputs=inputs and io.input_kind != "tokens",
                             scale_targets=targets, fitted_on=fitted_on)


@dataclass(frozen=True)
class SplitTensors:
    inputs: torch.Tensor
    targets: torch.Tensor  # long class indices, or float (n, num_targets) in model scale
    raw_targets: np.ndarray  # as in the data: class indices, or values in the data's units


def to_tensors(split: Split, io: ModelIO, preprocessing: Preprocessing, device: torch.device) -> SplitTensors:
    X = preprocessing.transform(split.X)
    dtype = torch.long if io.input_kind == "tokens" else torch.float32
    inputs = torch.tensor(X, dtype=dtype).reshape(len(X), *io.input_shape)
    if io.task == "regression":
        targets = torch.tensor(preprocessing.transform_target(split.y), dtype=torch.float32)
    else:
        targets = torch.tensor(split.y, dtype=torch.long)  # a copy: the split's arrays are read-only
    return SplitTensors(inputs.to(device), targets.to(device), np.asarray(split.y))
