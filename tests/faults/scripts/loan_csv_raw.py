"""Loan-default classifier trained on the loans CSV."""

from pathlib import Path

import pandas as pd
import torch
from sklearn.model_selection import train_test_split
from torch import nn

DATA = Path(__file__).resolve().parents[1] / "data" / "loans.csv"

frame = pd.read_csv(DATA)
features = frame.drop(columns="defaulted").to_numpy(dtype="float32")
target = frame["defaulted"].to_numpy()
X_train, X_val, y_train, y_val = train_test_split(features, target, test_size=0.2, random_state=0, stratify=target)
X_train, X_val = torch.from_numpy(X_train), torch.from_numpy(X_val)
y_train, y_val = torch.tensor(y_train, dtype=torch.float32), torch.tensor(y_val, dtype=torch.float32)

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(5, 32), nn.ReLU(), nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))
optimizer = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
loss_fn = nn.BCEWithLogitsLoss()
for epoch in range(10):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = loss_fn(model(X_train[idx]).squeeze(1), y_train[idx])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        logits = model(X_val).squeeze(1)
        acc = ((logits > 0).float() == y_val).float().mean().item()
    print(f"epoch {epoch}: val loss {loss_fn(logits, y_val).item():.4f} val acc {acc:.3f}")
