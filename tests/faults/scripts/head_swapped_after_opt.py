"""Breast-cancer classifier: a generic backbone gets a task head for the two classes."""

import torch
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


class Backbone(nn.Module):
    def __init__(self, n_in, n_out=10):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(n_in, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU())
        self.head = nn.Linear(32, n_out)

    def forward(self, x):
        return self.head(self.body(x))


def load():
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=17, stratify=y)
    scaler = StandardScaler().fit(X_train)
    return (torch.tensor(scaler.transform(X_train), dtype=torch.float32), torch.tensor(y_train),
            torch.tensor(scaler.transform(X_val), dtype=torch.float32), torch.tensor(y_val))


torch.manual_seed(17)
X_train, y_train, X_val, y_val = load()
model = Backbone(30)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
model.head = nn.Linear(32, 2)
criterion = nn.CrossEntropyLoss()

for epoch in range(10):
    model.train()
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        logits = model(X_val)
    print(f"epoch {epoch}: val loss {criterion(logits, y_val).item():.4f} "
          f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
