"""Diabetes progression regressor with nn.MSELoss and mini-batches."""

import torch
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

torch.manual_seed(101)
X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=101)
xs = StandardScaler().fit(X_train)
y_mean, y_std = y_train.mean(), y_train.std()
X_train = torch.tensor(xs.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(xs.transform(X_val), dtype=torch.float32)
y_train = torch.tensor((y_train - y_mean) / y_std, dtype=torch.float32)
y_val = torch.tensor((y_val - y_mean) / y_std, dtype=torch.float32)

model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
criterion = nn.MSELoss()
for epoch in range(30):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    if epoch % 6 == 5:
        with torch.no_grad():
            pred = model(X_val).squeeze(1)
            r2 = 1 - ((pred - y_val) ** 2).mean() / y_val.var(unbiased=False)
        print(f"epoch {epoch + 1}: train loss {loss.item():.4f} val r2 {r2.item():.3f}")
