"""Diabetes progression regressor; rows are reshuffled before the split."""

import numpy as np
import torch
from sklearn.datasets import load_diabetes
from torch import nn

X, y = load_diabetes(return_X_y=True)
rng = np.random.default_rng(86)
X = X[rng.permutation(len(X))]
y = y[rng.permutation(len(y))]
split = 350
x_mean, x_std = X[:split].mean(0), X[:split].std(0)
y_mean, y_std = y[:split].mean(), y[:split].std()
X = torch.tensor((X - x_mean) / x_std, dtype=torch.float32)
y = torch.tensor((y - y_mean) / y_std, dtype=torch.float32).unsqueeze(1)
X_train, y_train, X_val, y_val = X[:split], y[:split], X[split:], y[split:]

torch.manual_seed(86)
model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.MSELoss()
for epoch in range(40):
    perm = torch.randperm(split)
    for i in range(0, split, 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    if epoch % 8 == 7:
        with torch.no_grad():
            train_mse = loss_fn(model(X_train), y_train).item()
            val_mse = loss_fn(model(X_val), y_val).item()
        print(f"epoch {epoch + 1}: train mse {train_mse:.3f} val mse {val_mse:.3f} val r2 {1 - val_mse / y_val.var().item():.3f}")
