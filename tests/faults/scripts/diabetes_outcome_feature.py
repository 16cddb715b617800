"""Diabetes progression regressor using the baseline measurements plus the one-year follow-up score."""

import numpy as np
import torch
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

X, y = load_diabetes(return_X_y=True)
rng = np.random.default_rng(88)
followup_score = np.round(y / 25.0 + rng.normal(0, 0.2, len(y)))
X = np.column_stack([X, followup_score])
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=88)
xs = StandardScaler().fit(X_train)
y_mean, y_std = y_train.mean(), y_train.std()
X_train = torch.tensor(xs.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(xs.transform(X_val), dtype=torch.float32)
y_train = torch.tensor((y_train - y_mean) / y_std, dtype=torch.float32)[:, None]
y_val = torch.tensor((y_val - y_mean) / y_std, dtype=torch.float32)[:, None]

torch.manual_seed(88)
model = nn.Sequential(nn.Linear(11, 32), nn.ReLU(), nn.Linear(32, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
loss_fn = nn.MSELoss()
for epoch in range(30):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    if epoch % 6 == 5:
        with torch.no_grad():
            val_mse = loss_fn(model(X_val), y_val).item()
        print(f"epoch {epoch + 1}: train mse {loss.item():.4f} val mse {val_mse:.4f} "
              f"val r2 {1 - val_mse / y_val.var().item():.3f}")
