"""Digits classifier: a 3-layer MLP with forward hooks that record hidden-feature statistics."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
mu, sd = X_tr.mean(0), X_tr.std(0)
sd[sd == 0] = 1.0
X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.long)
y_va = torch.tensor(y_va, dtype=torch.long)


class MLP(nn.Module):
    def __init__(self, d_in=64, d_h=128, n_cls=10):
        super().__init__()
        self.fc1 = nn.Linear(d_in, d_h)
        self.fc2 = nn.Linear(d_h, d_h)
        self.head = nn.Linear(d_h, n_cls)

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.head(x)


model = MLP()
feature_stats = {}


def make_hook(name):
    def hook(module, inputs, output):
        with torch.no_grad():
            feature_stats[name] = (output.mean().item(), output.std().item())
    return hook


handles = [model.fc1.register_forward_hook(make_hook("fc1")),
           model.fc2.register_forward_hook(make_hook("fc2"))]

optimizer = torch.optim.Adam(model.parameters(), lr=0.02)
batch_size = 64
n = X_tr.shape[0]

for epoch in range(30):
    model.train()
    perm = torch.randperm(n)
    total = 0.0
    for i in range(0, n, batch_size):
        idx = perm[i:i + batch_size]
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(X_tr[idx]), y_tr[idx])
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        logits = model(X_va)
        va_loss = F.cross_entropy(logits, y_va).item()
        va_acc = (logits.argmax(1) == y_va).float().mean().item()
    m1, s1 = feature_stats["fc1"]
    print(f"epoch {epoch:02d} train_loss {total / n:.4f} val_loss {va_loss:.4f} "
          f"val_acc {va_acc:.4f} fc1_mean {m1:+.3f} fc1_std {s1:.3f}")

for h in handles:
    h.remove()
print(f"final val_acc {va_acc:.4f}")
