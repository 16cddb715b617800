"""A deep fully connected classifier: ten hidden layers with sigmoid activations."""

from torch import nn


def build(in_features: int = 64, num_classes: int = 10, hidden: int = 64, layers: int = 10) -> nn.Module:
    blocks = []
    width = in_features
    for _ in range(layers):
        blocks += [nn.Linear(width, hidden), nn.Sigmoid()]
        width = hidden
    blocks.append(nn.Linear(width, num_classes))
    return nn.Sequential(*blocks)
