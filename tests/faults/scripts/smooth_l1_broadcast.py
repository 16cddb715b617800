"""Friedman #1 regression with a Huber-style loss and a DataLoader."""

import torch
from sklearn.datasets import make_friedman1
from sklearn.model_selection import train_test_split
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

X, y = make_friedman1(n_samples=2000, n_features=8, noise=0.5, random_state=38)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=38)
y_mean, y_std = y_train.mean(), y_train.std()
train_ds = TensorDataset(torch.tensor(X_train, dtype=torch.float32),
                         torch.tensor((y_train - y_mean) / y_std, dtype=torch.float32))
X_val = torch.tensor(X_val, dtype=torch.float32)
y_val = torch.tensor((y_val - y_mean) / y_std, dtype=torch.float32)
loader = DataLoader(train_ds, batch_size=64, shuffle=True)

torch.manual_seed(38)
model = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
for epoch in range(10):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = F.smooth_l1_loss(model(xb), yb)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        pred = model(X_val).squeeze(1)
        r2 = 1 - ((pred - y_val) ** 2).sum() / ((y_val - y_val.mean()) ** 2).sum()
    print(f"epoch {epoch}: train loss {loss.item():.4f} val r2 {r2.item():.3f}")
