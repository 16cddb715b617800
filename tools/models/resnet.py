"""ResNet of basic blocks (He et al. 2016), CIFAR-style stem: no early downsampling for small images."""

from __future__ import annotations

import math

import torch
from torch import nn

from ml_expert.tools.models.registry import register_family

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU, "tanh": nn.Tanh}


def norm_2d(norm: str, channels: int) -> nn.Module:
    if norm == "group":
        return nn.GroupNorm(next(g for g in (8, 4, 2, 1) if channels % g == 0), channels)
    return nn.BatchNorm2d(channels)


class BasicBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, stride: int, activation: str, norm: str):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.norm1 = norm_2d(norm, out_channels)
        self.activation = ACTIVATIONS[activation]()
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.norm2 = norm_2d(norm, out_channels)
        self.shortcut = nn.Identity()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          norm_2d(norm, out_channels))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.activation(self.norm1(self.conv1(x)))
        out = self.norm2(self.conv2(out))
        return self.activation(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, in_channels: int, num_outputs: int, blocks_per_stage: list[int], width: int,
                 activation: str = "relu", norm: str = "batch", dropout: float = 0.0):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(in_channels, width, 3, padding=1, bias=False),
                                  norm_2d(norm, width), ACTIVATIONS[activation]())
        blocks, channels = [], width
        for stage, num_blocks in enumerate(blocks_per_stage):
            out_channels = width * 2**stage
            for index in range(num_blocks):
                stride = 2 if stage > 0 and index == 0 else 1
                blocks.append(BasicBlock(channels, out_channels, stride, activation, norm))
                channels = out_channels
        self.blocks = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.flatten = nn.Flatten()
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(channels, num_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.flatten(self.pool(self.blocks(self.stem(x))))))


@register_family("resnet", model=ResNet, inputs=("image",), tasks=("classification", "regression"))
def resnet(given, io):
    channels, height, width = io.input_shape
    # One stage per halving the image allows, keeping at least a 2x2 map, at most 4 stages.
    stages = min(4, max(1, int(math.log2(min(height, width))) - 1))
    return {"in_channels": channels, "num_outputs": io.num_outputs, "blocks_per_stage": [2] * stages,
            "width": 16, "activation": "relu", "norm": "batch", "dropout": 0.0, **given}
