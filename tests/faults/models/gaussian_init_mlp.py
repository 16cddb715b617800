"""ReLU MLP whose weights are drawn from a standard normal, as in the original paper's description."""

from torch import nn


class Net(nn.Module):
    def __init__(self, in_features: int = 64, num_classes: int = 10, hidden: int = 128, depth: int = 6):
        super().__init__()
        layers = []
        width = in_features
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(width, num_classes)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=1.0)
            nn.init.zeros_(module.bias)

    def forward(self, x):
        return self.classifier(self.features(x))
