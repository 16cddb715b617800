"""Classifier with a layer-normalised body and an output layer initialised at unit scale."""

from torch import nn


class Classifier(nn.Module):
    def __init__(self, in_features: int = 64, num_classes: int = 10, hidden: int = 128):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(in_features, hidden), nn.GELU(), nn.Linear(hidden, hidden),
                                  nn.LayerNorm(hidden))
        self.head = nn.Linear(hidden, num_classes)
        nn.init.normal_(self.head.weight, std=1.0)
        nn.init.constant_(self.head.bias, 0.0)

    def forward(self, x):
        return self.head(self.body(x))
