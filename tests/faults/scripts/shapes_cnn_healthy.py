"""Classify generated 16x16 shape images (square, disc, cross) with a small CNN and a cosine schedule."""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def make_shapes(n, rng):
    images = np.zeros((n, 1, 16, 16), dtype=np.float32)
    labels = rng.integers(0, 3, n)
    yy, xx = np.mgrid[:16, :16]
    for i, label in enumerate(labels):
        cx, cy, r = rng.integers(5, 11), rng.integers(5, 11), rng.integers(3, 5)
        if label == 0:
            mask = (abs(xx - cx) <= r) & (abs(yy - cy) <= r)
        elif label == 1:
            mask = (xx - cx) ** 2 + (yy - cy) ** 2 <= r * r
        else:
            mask = (abs(xx - cx) <= 1) & (abs(yy - cy) <= r) | (abs(yy - cy) <= 1) & (abs(xx - cx) <= r)
        images[i, 0][mask] = 1.0
    images += rng.normal(0, 0.3, images.shape).astype(np.float32)
    return torch.tensor(images), torch.tensor(labels)


class ShapeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc = nn.Linear(32 * 4 * 4, 3)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


rng = np.random.default_rng(119)
torch.manual_seed(119)
X_train, y_train = make_shapes(1200, rng)
X_val, y_val = make_shapes(300, rng)

EPOCHS = 10
model = ShapeNet()
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS * 38)
criterion = nn.CrossEntropyLoss()
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(X_train))
    running = 0.0
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        scheduler.step()
        running += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: train loss {running / len(X_train):.4f} val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
