"""Machine-state classifier: train on the first months of readings, validate on the latest month."""

import numpy as np
import torch
from sklearn.datasets import make_classification
from torch import nn

X, y = make_classification(n_samples=3000, n_features=10, n_informative=6, n_classes=3, n_clusters_per_class=1,
                           random_state=90)
rng = np.random.default_rng(90)
month = np.sort(rng.integers(0, 6, len(X)))
X = X + month[:, None] * np.linspace(0.5, 2.0, 10)
train, val = month < 2, month >= 5
mean, std = X[train].mean(0), X[train].std(0)
X_train = torch.tensor((X[train] - mean) / std, dtype=torch.float32)
X_val = torch.tensor((X[val] - mean) / std, dtype=torch.float32)
y_train, y_val = torch.tensor(y[train]), torch.tensor(y[val])

torch.manual_seed(90)
model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(10):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        train_acc = (model(X_train).argmax(1) == y_train).float().mean().item()
        val_acc = (model(X_val).argmax(1) == y_val).float().mean().item()
    print(f"epoch {epoch}: loss {loss.item():.4f} train acc {train_acc:.3f} val acc {val_acc:.3f}")
