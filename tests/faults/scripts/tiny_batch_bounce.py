"""Breast-cancer MLP trained with small batches and SGD."""

import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

torch.manual_seed(7)
X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=7)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(30, 32), nn.Tanh(), nn.Linear(32, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.6, momentum=0.9)
criterion = nn.CrossEntropyLoss()
step = 0
for _epoch in range(4):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 4):
        idx = perm[i:i + 4]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
        step += 1
        if step % 50 == 0:
            with torch.no_grad():
                logits = model(X_val)
                acc = (logits.argmax(1) == y_val).float().mean().item()
            print(f"step {step}: batch loss {loss.item():.3f} val loss {criterion(logits, y_val).item():.3f} acc {acc:.3f}")
