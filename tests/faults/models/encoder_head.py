"""Encoder + classification head; the encoder is kept fixed while the head trains."""

from torch import nn


class EncoderClassifier(nn.Module):
    def __init__(self, in_features: int = 64, num_classes: int = 10, hidden: int = 32, freeze_encoder: bool = True):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(in_features, 256), nn.ReLU(), nn.Linear(256, hidden), nn.ReLU())
        self.head = nn.Linear(hidden, num_classes)
        if freeze_encoder:
            for p in self.encoder.parameters():
                p.requires_grad = False

    def forward(self, x):
        return self.head(self.encoder(x))
