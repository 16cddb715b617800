"""Optimizer and learning-rate schedule from a TrainingConfig."""

from __future__ import annotations

import math

import torch

from ml_expert.tools.train.spec import TrainingConfig


def make_optimizer(params, config: TrainingConfig) -> torch.optim.Optimizer:
    if config.optimizer == "sgd":
        return torch.optim.SGD(params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay)
    if config.optimizer == "rmsprop":
        return torch.optim.RMSprop(params, lr=config.lr, momentum=config.momentum, weight_decay=config.weight_decay)
    betas = (config.momentum, 0.999)
    if config.optimizer == "adam":
        return torch.optim.Adam(params, lr=config.lr, betas=betas, weight_decay=config.weight_decay)
    return torch.optim.AdamW(params, lr=config.lr, betas=betas, weight_decay=config.weight_decay)


def make_schedule(optimizer: torch.optim.Optimizer, config: TrainingConfig, total_steps: int):
    """A scheduler stepped once per optimizer step."""
    total = max(total_steps, 1)
    if config.schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.lr, total_steps=total + 1)
    warmup = config.warmup_steps if config.schedule == "warmup_cosine" else 0

    def factor(step: int) -> float:
        if config.schedule == "constant":
            return 1.0
        if config.schedule == "step":
            return 0.1 ** ((step >= 0.5 * total) + (step >= 0.75 * total))
        if step < warmup:
            return (step + 1) / warmup
        progress = (step - warmup) / max(total - warmup, 1)
        return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
