"""MLP classifier that outputs class probabilities."""

from torch import nn


def build(in_features: int = 64, num_classes: int = 10, hidden: int = 128) -> nn.Module:
    return nn.Sequential(
        nn.Linear(in_features, hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, num_classes),
        nn.Softmax(dim=1),
    )
