"""MLP with a layer-normalised input projection initialised from N(0, 3^2)."""

from torch import nn


class ProjectedMLP(nn.Module):
    def __init__(self, in_features: int = 64, num_classes: int = 10, hidden: int = 128):
        super().__init__()
        self.project = nn.Linear(in_features, hidden)
        nn.init.normal_(self.project.weight, std=3.0)
        self.norm = nn.LayerNorm(hidden)
        self.body = nn.Sequential(nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))

    def forward(self, x):
        return self.body(self.norm(self.project(x)))
