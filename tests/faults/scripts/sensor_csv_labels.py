"""Sensor-state classifier trained from the sensor_labels CSV."""

from pathlib import Path

import numpy as np
import torch
from torch import nn

CSV = Path(__file__).resolve().parent.parent / "data" / "sensor_labels.csv"

raw = np.genfromtxt(CSV, delimiter=",", skip_header=1)
features, labels = raw[:, :-1], raw[:, -1].astype(np.int64)
split = int(0.8 * len(raw))
mean, std = features[:split].mean(0), features[:split].std(0)
X = torch.tensor((features - mean) / std, dtype=torch.float32)
y = torch.tensor(labels)
X_train, y_train, X_val, y_val = X[:split], y[:split], X[split:], y[split:]

torch.manual_seed(24)
model = nn.Sequential(nn.Linear(12, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(15):
    model.train()
    perm = torch.randperm(split)
    for i in range(0, split, 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        train_acc = (model(X_train).argmax(1) == y_train).float().mean().item()
        val_logits = model(X_val)
    print(f"epoch {epoch}: train acc {train_acc:.3f} val loss {criterion(val_logits, y_val).item():.3f} "
          f"val acc {(val_logits.argmax(1) == y_val).float().mean().item():.3f}")
