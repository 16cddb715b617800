"""Detector for the digit 9 (one-vs-rest) with a sigmoid output, reporting accuracy."""

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

digits = load_digits()
X = digits.data / 16.0
y = (digits.target == 9).astype("float32")
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=89)
loader = DataLoader(TensorDataset(torch.tensor(X_train, dtype=torch.float32), torch.tensor(y_train)),
                    batch_size=64, shuffle=True)
X_val, y_val = torch.tensor(X_val, dtype=torch.float32), torch.tensor(y_val)

torch.manual_seed(89)
model = nn.Sequential(nn.Linear(64, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
criterion = nn.BCEWithLogitsLoss()
for epoch in range(8):
    for xb, yb in loader:
        optimizer.zero_grad()
        loss = criterion(model(xb).squeeze(1), yb)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        pred = (model(X_val).squeeze(1) > 0).float()
    print(f"epoch {epoch}: loss {loss.item():.4f} val acc {(pred == y_val).float().mean().item():.3f}")
