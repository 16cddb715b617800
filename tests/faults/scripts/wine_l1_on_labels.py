"""Four-class sensor-state prediction with a robust (L1) loss."""

import torch
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


def batches(X, y, size, generator):
    order = torch.randperm(len(X), generator=generator)
    for i in range(0, len(X), size):
        yield X[order[i:i + size]], y[order[i:i + size]]


torch.manual_seed(20)
g = torch.Generator().manual_seed(20)
X, y = make_classification(n_samples=1000, n_features=13, n_informative=8, n_classes=4, random_state=20)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=20, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train = torch.tensor(y_train, dtype=torch.float32).unsqueeze(1)
y_val = torch.tensor(y_val, dtype=torch.float32).unsqueeze(1)

model = nn.Sequential(nn.Linear(13, 64), nn.ReLU(), nn.Linear(64, 1))
optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
criterion = nn.L1Loss()
for epoch in range(20):
    for xb, yb in batches(X_train, y_train, 32, g):
        optimizer.zero_grad()
        loss = criterion(model(xb), yb)
        loss.backward()
        optimizer.step()
    if epoch % 5 == 4:
        with torch.no_grad():
            pred = model(X_val)
            acc = (pred.round().clamp(0, 3) == y_val).float().mean().item()
        print(f"epoch {epoch + 1}: val l1 {criterion(pred, y_val).item():.3f} val acc {acc:.3f}")
