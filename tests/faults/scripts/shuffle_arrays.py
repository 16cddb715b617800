"""Sensor-state classifier; the arrays are shuffled before splitting."""

import numpy as np
import torch
from sklearn.datasets import make_classification
from torch import nn

X, y = make_classification(n_samples=1200, n_features=12, n_informative=6, n_classes=3, random_state=4)
np.random.seed(0)
np.random.shuffle(X)
np.random.shuffle(y)
X_train, y_train = torch.tensor(X[:1000], dtype=torch.float32), torch.tensor(y[:1000])
X_val, y_val = torch.tensor(X[1000:], dtype=torch.float32), torch.tensor(y[1000:])

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(12, 64), nn.ReLU(), nn.Linear(64, 3))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
criterion = nn.CrossEntropyLoss()
for epoch in range(5):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        logits = model(X_val)
        print(epoch, criterion(logits, y_val).item(), (logits.argmax(1) == y_val).float().mean().item())
