"""Regression on generated data with standardised inputs and targets."""

import numpy as np
import torch
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from torch import nn


def standardise(train, other):
    mean, std = train.mean(0), train.std(0)
    return (train - mean) / std, (other - mean) / std


X, y = make_regression(n_samples=2000, n_features=15, n_informative=10, noise=15.0, random_state=57)
y = y + 0.01 * y ** 2
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=57)
X_train, X_val = standardise(X_train, X_val)
y_train, y_val = standardise(y_train[:, None], y_val[:, None])
X_train, X_val = torch.tensor(X_train, dtype=torch.float32), torch.tensor(X_val, dtype=torch.float32)
y_train, y_val = torch.tensor(y_train, dtype=torch.float32), torch.tensor(y_val, dtype=torch.float32)

torch.manual_seed(57)
model = nn.Sequential(nn.Linear(15, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.MSELoss()
history = []
for epoch in range(12):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_mse = loss_fn(model(X_val), y_val).item()
    history.append(val_mse)
    print(f"epoch {epoch}: val mse {val_mse:.4f} val r2 {1 - val_mse / y_val.var(unbiased=False).item():.3f}")
print("best epoch", int(np.argmin(history)))
