"""Tanh MLP with weights initialised from N(0, 1)."""

from torch import nn


class TanhMLP(nn.Module):
    def __init__(self, in_features: int = 64, num_classes: int = 10, hidden: int = 128):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden)
        self.act1 = nn.Tanh()
        self.fc2 = nn.Linear(hidden, hidden)
        self.act2 = nn.Tanh()
        self.fc3 = nn.Linear(hidden, num_classes)
        for layer in (self.fc1, self.fc2):
            nn.init.normal_(layer.weight, 0.0, 1.0)

    def forward(self, x):
        return self.fc3(self.act2(self.fc2(self.act1(self.fc1(x)))))
