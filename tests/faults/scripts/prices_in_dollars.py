"""House-price regressor trained on the house_prices CSV."""

from pathlib import Path

import numpy as np
import torch
from torch import nn

rows = np.genfromtxt(Path(__file__).resolve().parents[1] / "data" / "house_prices.csv", delimiter=",", names=True)
features = np.column_stack([rows[name] for name in rows.dtype.names if name != "price"])
prices = rows["price"]
split = 1000
mean, std = features[:split].mean(0), features[:split].std(0)
X = torch.tensor((features - mean) / std, dtype=torch.float32)
y = torch.tensor(prices, dtype=torch.float32).unsqueeze(1)
X_train, y_train, X_val, y_val = X[:split], y[:split], X[split:], y[split:]

torch.manual_seed(104)
model = nn.Sequential(nn.Linear(5, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.MSELoss()
for epoch in range(15):
    perm = torch.randperm(split)
    for i in range(0, split, 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        pred = model(X_val)
        rmse = loss_fn(pred, y_val).sqrt().item()
        r2 = 1 - ((pred - y_val) ** 2).sum().item() / ((y_val - y_val.mean()) ** 2).sum().item()
    if epoch % 3 == 2:
        print(f"epoch {epoch + 1}: val rmse ${rmse:,.0f} val r2 {r2:.3f}")
