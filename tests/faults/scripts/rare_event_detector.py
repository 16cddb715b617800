"""Rare-event detector on generated telemetry, reporting accuracy each epoch."""

import torch
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

X, y = make_classification(n_samples=3000, n_features=20, n_informative=5, n_redundant=2, weights=[0.97, 0.03],
                           class_sep=0.6, flip_y=0.0, random_state=27)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=27)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

torch.manual_seed(27)
model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Linear(32, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(5):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 64):
        idx = perm[i:i + 64]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        pred = model(X_val).argmax(1)
    print(f"epoch {epoch}: loss {loss.item():.4f} val acc {(pred == y_val).float().mean().item():.4f}")
