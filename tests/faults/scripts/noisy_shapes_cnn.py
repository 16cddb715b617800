"""CNN on a small set of generated shape images, trained for many epochs."""

import numpy as np
import torch
from torch import nn


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
    images += rng.normal(0, 0.9, images.shape).astype(np.float32)
    return torch.tensor(images), torch.tensor(labels)


rng = np.random.default_rng(70)
torch.manual_seed(70)
X_train, y_train = make_shapes(60, rng)
X_val, y_val = make_shapes(300, rng)

model = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 8 * 8, 256), nn.ReLU(), nn.Linear(256, 3),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(120):
    model.train()
    for i in range(0, len(X_train), 20):
        optimizer.zero_grad()
        loss = criterion(model(X_train[i:i + 20]), y_train[i:i + 20])
        loss.backward()
        optimizer.step()
    if epoch % 15 == 0 or epoch == 119:
        model.eval()
        with torch.no_grad():
            train_acc = (model(X_train).argmax(1) == y_train).float().mean().item()
            logits = model(X_val)
        print(f"epoch {epoch}: train acc {train_acc:.3f} val loss {criterion(logits, y_val).item():.4f} "
              f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
