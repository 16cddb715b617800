"""Diabetes progression from polynomial features with a wide MLP."""

import torch
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from torch import nn

torch.manual_seed(0)
X, y = load_diabetes(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, train_size=60, random_state=0)
poly = PolynomialFeatures(degree=2, include_bias=False).fit(X_train)
scaler = StandardScaler().fit(poly.transform(X_train))
X_train = torch.tensor(scaler.transform(poly.transform(X_train)), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(poly.transform(X_val)), dtype=torch.float32)
mu, sd = y_train.mean(), y_train.std()
y_train = torch.tensor((y_train - mu) / sd, dtype=torch.float32).unsqueeze(1)
y_val = torch.tensor((y_val - mu) / sd, dtype=torch.float32).unsqueeze(1)

model = nn.Sequential(nn.Linear(X_train.shape[1], 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.MSELoss()
for epoch in range(250):
    model.train()
    for i in range(0, len(X_train), 20):
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[i:i + 20]), y_train[i:i + 20])
        loss.backward()
        optimizer.step()
    if epoch % 25 == 0 or epoch == 249:
        model.eval()
        with torch.no_grad():
            train_mse = loss_fn(model(X_train), y_train).item()
            val_mse = loss_fn(model(X_val), y_val).item()
        print(f"epoch {epoch + 1}: train mse {train_mse:.4f} val mse {val_mse:.4f}")
