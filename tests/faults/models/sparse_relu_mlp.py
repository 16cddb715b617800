"""ReLU MLP with negative bias initialisation, meant to start from sparse activations."""

from torch import nn


def build(in_features: int = 64, num_classes: int = 10, hidden: int = 128, bias_init: float = -3.0) -> nn.Module:
    first, second = nn.Linear(in_features, hidden), nn.Linear(hidden, hidden)
    for layer in (first, second):
        nn.init.constant_(layer.bias, bias_init)
    return nn.Sequential(first, nn.ReLU(), second, nn.ReLU(), nn.Linear(hidden, num_classes))
