"""Multilayer perceptron for tabular features; an image is flattened into one vector."""

from __future__ import annotations

import math

import torch
from torch import nn

from ml_expert.tools.models.registry import register_family

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU, "tanh": nn.Tanh}
NORMS = {"none": nn.Identity, "batch": nn.BatchNorm1d, "layer": nn.LayerNorm}  # Identity ignores its size


class HiddenLayer(nn.Module):
    def __init__(self, in_features: int, width: int, activation: str, norm: str, dropout: float):
        super().__init__()
        self.linear = nn.Linear(in_features, width)
        self.norm = NORMS[norm](width)
        self.activation = ACTIVATIONS[activation]()
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dropout(self.activation(self.norm(self.linear(x))))


class MLP(nn.Module):
    def __init__(self, in_features: int, num_outputs: int, depth: int, width: int, activation: str = "relu",
                 norm: str = "none", dropout: float = 0.0):
        super().__init__()
        self.flatten = nn.Flatten()
        sizes = [in_features] + [width] * depth
        self.hidden = nn.Sequential(*[HiddenLayer(sizes[i], width, activation, norm, dropout) for i in range(depth)])
        self.head = nn.Linear(sizes[-1], num_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.hidden(self.flatten(x)))


@register_family("mlp", model=MLP, inputs=("tabular", "image"), tasks=("classification", "regression"))
def mlp(given, io):
    return {"in_features": math.prod(io.input_shape), "num_outputs": io.num_outputs,
            "depth": 2, "width": 128, "activation": "relu", "norm": "none", "dropout": 0.0, **given}
