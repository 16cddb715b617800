"""Iris classifier with a hand-written cross-entropy and full-batch gradient descent."""

import torch
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


def cross_entropy(logits, targets):
    log_probs = logits - logits.logsumexp(dim=1, keepdim=True)
    return -log_probs[torch.arange(len(targets)), targets].sum()


torch.manual_seed(100)
X, y = load_iris(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=100, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 3))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
for step in range(200):
    optimizer.zero_grad()
    loss = cross_entropy(model(X_train), y_train)
    loss.backward()
    optimizer.step()
    if step % 25 == 0:
        with torch.no_grad():
            logits = model(X_val)
        print(f"step {step}: loss {loss.item():.3f} val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
