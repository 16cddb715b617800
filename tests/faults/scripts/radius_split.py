"""Breast-cancer classifier validated on the larger tumours."""

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer
from torch import nn

data = load_breast_cancer()
X, y = data.data, data.target
radius = X[:, list(data.feature_names).index("mean radius")]
train_rows, val_rows = radius < 14.5, radius >= 14.5
mean, std = X[train_rows].mean(0), X[train_rows].std(0)
X = (X - mean) / std
X_train = torch.tensor(X[train_rows], dtype=torch.float32)
y_train = torch.tensor(y[train_rows])
X_val = torch.tensor(X[val_rows], dtype=torch.float32)
y_val = torch.tensor(y[val_rows])
print(f"train rows {len(y_train)} (benign {y_train.float().mean():.2f}), val rows {len(y_val)} "
      f"(benign {np.mean(y[val_rows]):.2f})")

torch.manual_seed(28)
model = nn.Sequential(nn.Linear(30, 32), nn.ReLU(), nn.Linear(32, 2))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(10):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        train_loss = criterion(model(X_train), y_train).item()
        logits = model(X_val)
    print(f"epoch {epoch}: train loss {train_loss:.4f} val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
