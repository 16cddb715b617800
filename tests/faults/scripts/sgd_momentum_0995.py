"""Diabetes progression regressor trained with heavy-ball SGD."""

import torch
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

torch.manual_seed(97)
X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=97)
xs, ys = StandardScaler().fit(X_train), StandardScaler().fit(y_train[:, None])
X_train = torch.tensor(xs.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(xs.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(ys.transform(y_train[:, None]), dtype=torch.float32)
y_val = torch.tensor(ys.transform(y_val[:, None]), dtype=torch.float32)

model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.03, momentum=0.995)
loss_fn = nn.MSELoss()
for epoch in range(20):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        val = loss_fn(model(X_val), y_val).item()
    if epoch % 2 == 1:
        print(f"epoch {epoch + 1}: train mse {loss.item():.4f} val mse {val:.4f} val r2 {1 - val / y_val.var().item():.3f}")
