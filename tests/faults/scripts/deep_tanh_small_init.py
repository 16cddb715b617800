"""Deep tanh network for the wine data, initialised with small Gaussian weights."""

import torch
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn


def deep_tanh(n_in, n_out, width=48, depth=10):
    layers, size = [], n_in
    for _ in range(depth):
        linear = nn.Linear(size, width)
        nn.init.normal_(linear.weight, std=0.05)
        nn.init.zeros_(linear.bias)
        layers += [linear, nn.Tanh()]
        size = width
    return nn.Sequential(*layers, nn.Linear(width, n_out))


torch.manual_seed(71)
X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=71, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = deep_tanh(13, 3)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
criterion = nn.CrossEntropyLoss()
for epoch in range(30):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 16):
        idx = perm[i:i + 16]
        optimizer.zero_grad()
        loss = criterion(model(X_train[idx]), y_train[idx])
        loss.backward()
        optimizer.step()
    if epoch % 5 == 4:
        with torch.no_grad():
            logits = model(X_val)
        print(f"epoch {epoch + 1}: loss {loss.item():.4f} val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
