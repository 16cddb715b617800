"""Shape-image CNN whose output bias starts from a prior over the three classes."""

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
    images += rng.normal(0, 0.3, images.shape).astype(np.float32)
    return torch.tensor(images), torch.tensor(labels)


rng = np.random.default_rng(13)
torch.manual_seed(13)
X_train, y_train = make_shapes(1000, rng)
X_val, y_val = make_shapes(300, rng)

model = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(256, 3),
)
head = model[-1]
with torch.no_grad():
    head.weight.mul_(40.0)
    head.bias.copy_(torch.tensor([25.0, 0.0, -25.0]))

optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(4):
    perm = torch.randperm(len(X_train))
    for step, i in enumerate(range(0, len(perm), 25)):
        idx = perm[i:i + 25]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        if epoch == 0 and step < 3:
            print(f"step {step}: loss {loss.item():.2f}")
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: val loss {criterion(logits, y_val).item():.3f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
