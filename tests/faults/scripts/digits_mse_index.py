"""Digits recogniser with a single regression-style output and a DataLoader."""

import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(81)
X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=81, stratify=y)
scaler = StandardScaler().fit(X_train)
loader = DataLoader(TensorDataset(torch.tensor(scaler.transform(X_train), dtype=torch.float32),
                                  torch.tensor(y_train, dtype=torch.float32)), batch_size=32, shuffle=True)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_val = torch.tensor(y_val)

model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(10):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = F.mse_loss(model(xb).squeeze(-1), yb)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        guess = model(X_val).squeeze(-1).round().clamp(0, 9).long()
    print(f"epoch {epoch}: train mse {loss.item():.3f} val acc {(guess == y_val).float().mean().item():.3f}")
