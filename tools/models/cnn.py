"""A plain convolutional classifier: conv stages that halve the image, global pooling, a linear head."""

from __future__ import annotations

import math

import torch
from torch import nn

from ml_expert.tools.models.registry import register_family

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU, "tanh": nn.Tanh}


def norm_2d(norm: str, channels: int) -> nn.Module:
    if norm == "batch":
        return nn.BatchNorm2d(channels)
    if norm == "group":
        return nn.GroupNorm(next(g for g in (8, 4, 2, 1) if channels % g == 0), channels)
    return nn.Identity()


class ConvStage(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, activation: str, norm: str):
        super().__init__()
        # A norm right after the conv makes the conv's bias redundant.
        self.conv = nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2, bias=norm == "none")
        self.norm = norm_2d(norm, out_channels)
        self.activation = ACTIVATIONS[activation]()
        self.pool = nn.MaxPool2d(2, ceil_mode=True)  # ceil_mode: a 1-pixel map stays 1 pixel

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pool(self.activation(self.norm(self.conv(x))))


class CNN(nn.Module):
    def __init__(self, in_channels: int, num_outputs: int, depth: int, width: int, kernel_size: int = 3,
                 activation: str = "relu", norm: str = "batch", dropout: float = 0.0):
        super().__init__()
        channels = [in_channels] + [width * 2**i for i in range(depth)]
        self.stages = nn.Sequential(*[ConvStage(channels[i], channels[i + 1], kernel_size, activation, norm)
                                      for i in range(depth)])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(channels[-1], num_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.flatten(self.pool(self.stages(x)))))


@register_family("cnn", model=CNN, inputs=("image",), tasks=("classification", "regression"))
def cnn(given, io):
    channels, height, width = io.input_shape
    halvings = max(1, int(math.log2(min(height, width))))
    return {"in_channels": channels, "num_outputs": io.num_outputs, "depth": min(4, halvings), "width": 32,
            "kernel_size": 3, "activation": "relu", "norm": "batch", "dropout": 0.0, **given}
