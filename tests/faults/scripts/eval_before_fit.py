"""Breast-cancer MLP with batch norm and dropout, with deterministic evaluation."""

import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


def build_model():
    return nn.Sequential(
        nn.Linear(30, 128), nn.BatchNorm1d(128), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(128, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.5),
        nn.Linear(64, 2),
    )


def fit(model, X_train, y_train, X_val, y_val, epochs=8):
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    criterion = nn.CrossEntropyLoss()
    model.eval()
    for epoch in range(epochs):
        perm = torch.randperm(len(X_train))
        for i in range(0, len(perm), 32):
            idx = perm[i:i + 32]
            optimizer.zero_grad()
            loss = criterion(model(X_train[idx]), y_train[idx])
            loss.backward()
            optimizer.step()
        with torch.no_grad():
            logits = model(X_val)
        print(f"epoch {epoch}: loss {loss.item():.4f} val loss {criterion(logits, y_val).item():.4f} "
              f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")


torch.manual_seed(21)
X, y = load_breast_cancer(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=21)
scaler = StandardScaler().fit(X_train)
fit(build_model(),
    torch.tensor(scaler.transform(X_train), dtype=torch.float32), torch.tensor(y_train),
    torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val))
