import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
np.random.seed(5)

X, y = load_wine(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=5, stratify=y)
mu = X_train.mean(axis=0)
sigma = X_train.std(axis=0)
X_train = torch.from_numpy((X_train - mu) / sigma).float()
X_val = torch.from_numpy((X_val - mu) / sigma).float()
y_train = torch.from_numpy(y_train).long()
y_val = torch.from_numpy(y_val).long()

n_in, n_hidden, n_out = X_train.shape[1], 32, 3
W1 = torch.randn(n_in, n_hidden) / n_in ** 0.5
W1.requires_grad_(True)
b1 = torch.zeros(n_hidden, requires_grad=True)
W2 = torch.randn(n_hidden, n_out) / n_hidden ** 0.5
W2.requires_grad_(True)
b2 = torch.zeros(n_out, requires_grad=True)

optimizer = torch.optim.SGD([W1, b1, W2, b2], lr=1e-5, momentum=0.9)


def logits_of(x):
    return torch.tanh(x @ W1 + b1) @ W2 + b2


def accuracy(x, t):
    with torch.no_grad():
        return (logits_of(x).argmax(dim=1) == t).float().mean().item()


batch_size = 16
for epoch in range(60):
    perm = torch.randperm(X_train.shape[0])
    total = 0.0
    for start in range(0, X_train.shape[0], batch_size):
        sel = perm[start:start + batch_size]
        loss = F.cross_entropy(logits_of(X_train[sel]), y_train[sel])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * sel.numel()
    if epoch % 10 == 0 or epoch == 59:
        with torch.no_grad():
            val_loss = F.cross_entropy(logits_of(X_val), y_val).item()
        print(f"epoch {epoch:02d}: train loss {total / X_train.shape[0]:.4f} "
              f"val loss {val_loss:.4f} val acc {accuracy(X_val, y_val):.3f}")

print(f"final: train acc {accuracy(X_train, y_train):.3f} val acc {accuracy(X_val, y_val):.3f}")
