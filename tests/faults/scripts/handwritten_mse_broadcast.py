"""Friedman #2 regression with a hand-written squared-error loss."""

import numpy as np
import torch
from sklearn.datasets import make_friedman2
from torch import nn


def squared_error(pred, target):
    return ((pred - target) ** 2).mean()


X, y = make_friedman2(n_samples=2000, noise=0.0, random_state=102)
X = (X - X.mean(0)) / X.std(0)
y = (y - y.mean()) / y.std()
rng = np.random.default_rng(102)
order = rng.permutation(len(X))
train, val = order[:1600], order[1600:]
X_train, y_train = torch.tensor(X[train], dtype=torch.float32), torch.tensor(y[train], dtype=torch.float32)
X_val, y_val = torch.tensor(X[val], dtype=torch.float32), torch.tensor(y[val], dtype=torch.float32)

torch.manual_seed(102)
model = nn.Sequential(nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
for epoch in range(12):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = squared_error(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        pred = model(X_val)[:, 0]
        r2 = 1 - ((pred - y_val) ** 2).mean() / y_val.var(unbiased=False)
    print(f"epoch {epoch}: train loss {loss.item():.4f} val r2 {r2.item():.3f}")
