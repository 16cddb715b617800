"""CNN that recognises stripe orientation (horizontal / vertical / two diagonals) in noisy 16x16 images."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(10)
torch.set_num_threads(1)


def stripes(n, rng, size=16):
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    dirs = [(0, 1), (1, 0), (1, 1), (1, -1)]
    X = np.empty((n, 1, size, size), np.float32)
    y = rng.integers(0, 4, n)
    for i in range(n):
        a, b = dirs[y[i]]
        period = rng.uniform(3, 6)
        phase = rng.uniform(0, 2 * np.pi)
        X[i, 0] = np.sin(2 * np.pi * (a * xx + b * yy) / period + phase) + 0.8 * rng.standard_normal((size, size))
    return X, y


rng = np.random.default_rng(10)
X, y = stripes(1600, rng)
Xtr, ytr, Xva, yva = X[:1280], y[:1280], X[1280:], y[1280:]
m, s = Xtr.mean(), Xtr.std()
train_ds = TensorDataset(torch.tensor((Xtr - m) / s), torch.tensor(ytr))
val_x, val_y = torch.tensor((Xva - m) / s), torch.tensor(yva)
loader = DataLoader(train_ds, batch_size=32, shuffle=True)

model = nn.Sequential(
    nn.Conv2d(1, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(32 * 16, 64), nn.ReLU(), nn.Linear(64, 4),
)
optimizer = torch.optim.SGD(model.parameters(), lr=1e-5, momentum=0.9)
criterion = nn.CrossEntropyLoss()

for epoch in range(10):
    model.train()
    epoch_loss = 0.0
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
        epoch_loss += loss.item() * xb.size(0)
    model.eval()
    with torch.no_grad():
        acc = (model(val_x).argmax(1) == val_y).float().mean().item()
    print(f"epoch {epoch + 1:2d}  loss {epoch_loss / len(train_ds):.4f}  val_acc {acc:.3f}")

print(f"val accuracy {acc:.3f}")
