"""The training loss for a task and config (the metrics reported with it are in ``metrics``)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ml_expert.tools.train.spec import TrainingConfig


class TaskLoss(nn.Module):
    """Maps (model outputs, targets as stored in the data) to the configured loss."""

    def __init__(self, kind: str, num_outputs: int, label_smoothing: float, class_weights: torch.Tensor | None):
        super().__init__()
        self.kind = kind
        self.num_outputs = num_outputs
        self.label_smoothing = label_smoothing
        self.register_buffer("class_weights", class_weights)

    def forward(self, outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        outputs = outputs.float()
        if self.kind == "cross_entropy":
            return F.cross_entropy(outputs, targets, weight=self.class_weights, label_smoothing=self.label_smoothing)
        if targets.dtype == torch.long:  # mse / bce on classes compare with one-hot targets
            one_hot = F.one_hot(targets, self.num_outputs).float()
            if self.kind == "bce":
                weight = None if self.class_weights is None else self.class_weights[targets].unsqueeze(1)
                return F.binary_cross_entropy_with_logits(outputs, one_hot, weight=weight)
            return F.mse_loss(outputs, one_hot)
        if self.kind == "bce":
            return F.binary_cross_entropy_with_logits(outputs, targets)
        return F.mse_loss(outputs, targets)


def resolve_loss_kind(config: TrainingConfig, task: str) -> str:
    if config.loss != "auto":
        return config.loss
    return "cross_entropy" if task == "classification" else "mse"


def balanced_class_weights(y: np.ndarray, num_classes: int) -> torch.Tensor:
    """n / (C * count_c): every class contributes equally to the loss; absent classes get weight 0."""
    counts = np.bincount(y, minlength=num_classes).astype(np.float64)
    weights = np.divide(len(y), num_classes * counts, out=np.zeros_like(counts), where=counts > 0)
    return torch.tensor(weights, dtype=torch.float32)
