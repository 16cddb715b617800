"""Digits CNN on 8-bit greyscale images (the 8x8 digits rescaled to 0-255)."""

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn
from torch.nn import functional as F


class DigitCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 2 * 2, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(x.flatten(1))))


digits = load_digits()
pixels = (digits.images * 255.0 / 16.0).round().astype(np.uint8)
rng = np.random.default_rng(14)
order = rng.permutation(len(pixels))
train_idx, val_idx = order[:1400], order[1400:]
X = torch.tensor(pixels[:, None], dtype=torch.float32)
y = torch.tensor(digits.target)
X_train, y_train, X_val, y_val = X[train_idx], y[train_idx], X[val_idx], y[val_idx]

torch.manual_seed(14)
model = DigitCNN()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
for epoch in range(5):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
        val_loss = F.cross_entropy(logits, y_val).item()
    print(f"epoch {epoch}: train loss {loss.item():.3f} val loss {val_loss:.3f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
