"""Shape-image CNN with batch normalisation, trained one image at a time."""

import numpy as np
import torch
from torch import nn


def make_shapes(n, rng):
    images = np.zeros((n, 1, 12, 12), dtype=np.float32)
    labels = rng.integers(0, 2, n)
    yy, xx = np.mgrid[:12, :12]
    for i, label in enumerate(labels):
        cx, cy, r = rng.integers(4, 8), rng.integers(4, 8), rng.integers(2, 4)
        if label == 0:
            mask = (abs(xx - cx) <= r) & (abs(yy - cy) <= r)
        else:
            mask = (abs(xx - cx) <= 1) & (abs(yy - cy) <= r) | (abs(yy - cy) <= 1) & (abs(xx - cx) <= r)
        images[i, 0][mask] = 1.0
    images += rng.normal(0, 0.3, images.shape).astype(np.float32)
    return torch.tensor(images), torch.tensor(labels)


rng = np.random.default_rng(42)
torch.manual_seed(42)
X_train, y_train = make_shapes(600, rng)
X_val, y_val = make_shapes(200, rng)

model = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
    nn.Flatten(), nn.Linear(16, 2),
)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(2):
    model.train()
    for i in torch.randperm(len(X_train)).tolist():
        optimizer.zero_grad()
        loss = criterion(model(X_train[i:i + 1]), y_train[i:i + 1])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: last loss {loss.item():.3f} val loss {criterion(logits, y_val).item():.3f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
