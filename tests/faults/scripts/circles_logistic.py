"""Classifier for concentric rings (make_circles) with a compact model."""

import torch
from sklearn.datasets import make_circles
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

X, y = make_circles(n_samples=1500, noise=0.08, factor=0.5, random_state=67)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.2, random_state=67)
train_loader = DataLoader(TensorDataset(torch.tensor(X_train, dtype=torch.float32),
                                        torch.tensor(y_train, dtype=torch.float32)), batch_size=32, shuffle=True)
X_val = torch.tensor(X_val, dtype=torch.float32)
y_val = torch.tensor(y_val, dtype=torch.float32)

torch.manual_seed(67)
model = nn.Linear(2, 1)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.BCEWithLogitsLoss()
for epoch in range(15):
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss = criterion(model(xb).squeeze(1), yb)
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        logits = model(X_val).squeeze(1)
    if epoch % 3 == 2:
        print(f"epoch {epoch + 1}: train loss {loss.item():.4f} val loss {criterion(logits, y_val).item():.4f} "
              f"val acc {((logits > 0).float() == y_val).float().mean().item():.3f}")
