"""Iris species prediction with a single-output network."""

import torch
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

torch.manual_seed(0)
X, y = load_iris(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=0)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32)
y_val = torch.tensor(y_val, dtype=torch.float32)

model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = nn.MSELoss()
for _epoch in range(30):
    for i in range(0, len(X_train), 16):
        optimizer.zero_grad()
        pred = model(X_train[i:i + 16]).squeeze(1)
        loss = loss_fn(pred, y_train[i:i + 16])
        loss.backward()
        optimizer.step()
with torch.no_grad():
    predicted = model(X_val).squeeze(1).round()
print("val accuracy", (predicted == y_val).float().mean().item())
