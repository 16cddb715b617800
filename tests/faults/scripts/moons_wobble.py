"""Two-moons classifier trained with plain SGD; keeps a loss history."""

import torch
from sklearn.datasets import make_moons
from torch import nn

X, y = make_moons(n_samples=1200, noise=0.2, random_state=65)
X = torch.tensor(X, dtype=torch.float32)
y = torch.tensor(y)
X_train, y_train, X_val, y_val = X[:1000], y[:1000], X[1000:], y[1000:]

torch.manual_seed(65)
model = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.45, momentum=0.8)
criterion = nn.CrossEntropyLoss()
history = []
for step in range(600):
    idx = torch.randint(0, len(X_train), (8,))
    optimizer.zero_grad()
    loss = criterion(model(X_train[idx]), y_train[idx])
    loss.backward()
    optimizer.step()
    history.append(loss.item())
    if step % 50 == 49:
        with torch.no_grad():
            logits = model(X_val)
        recent = history[-50:]
        print(f"step {step + 1}: mean loss {sum(recent) / 50:.3f} (min {min(recent):.3f}, max {max(recent):.3f}) "
              f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
