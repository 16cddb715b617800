"""Split rows turned into tensors once, on the training device, through the run's preprocessing."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import torch

from ml_expert.tools.data.splits import Split
from ml_expert.tools.data.table import Table
from ml_expert.tools.models.io import ModelIO
from ml_expert.tools.preprocess.features import fit_encodings
from ml_expert.tools.preprocess.transforms import Preprocessing


def encoded_view(table: Table, train: Split, *, log_skewed: bool) -> Table:
    """The table as wide as the model's input once the training rows' column encodings apply
    (one-hot columns, missing-value indicators); the table itself when nothing is encoded."""
    encodings = fit_encodings(train.X, table.feature_names, table.categories, log_skewed=log_skewed)
    if encodings is None:
        return table
    names = [name for e in encodings for name in e.outputs]
    return replace(table, X=np.empty((0, len(names)), dtype=np.float32), feature_names=names, input_shape=None)


def fit_preprocessing(train: Split, io: ModelIO, table: Table, *, inputs: bool, targets: bool,
                      data: dict | None = None, log_skewed: bool = False) -> Preprocessing:
    """The transforms fitted on ``train`` only; token ids are never encoded or scaled."""
    fitted_on = {"data": data, "dataset_version": table.version, "train_split_hash": train.hash,
                 "train_rows": len(train)}
    tokens = io.input_kind == "tokens"
    return Preprocessing.fit(train.X, train.y, task=io.task, feature_names=table.feature_names,
                             class_names=table.class_names, scale_inputs=inputs and not tokens,
                             scale_targets=targets, fitted_on=fitted_on, categories=table.categories,
                             encode_columns=not tokens, log_skewed=log_skewed)


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
