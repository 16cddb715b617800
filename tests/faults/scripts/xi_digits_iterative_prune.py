"""Iterative magnitude pruning of a digits MLP: train dense, then prune 30% per
round (per-layer L1) and fine-tune, reporting sparsity and val accuracy."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.utils.prune as prune
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)

# balance the training set: cap every class at the size of the rarest one
per_class = min(np.bincount(y_tr))
keep = np.concatenate([np.where(y_tr == c)[0][:per_class] for c in range(10)])
X_tr, y_tr = X_tr[keep], y_tr[keep]
print(f"balanced train set: {len(y_tr)} rows, {per_class} per class")

mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-6
X_tr = (X_tr - mu) / sd
X_va = (X_va - mu) / sd

Xt = torch.tensor(X_tr, dtype=torch.float32)
yt = torch.tensor(y_tr, dtype=torch.long)
Xv = torch.tensor(X_va, dtype=torch.float32)
yv = torch.tensor(y_va, dtype=torch.long)

train_loader = DataLoader(TensorDataset(Xt, yt), batch_size=64, shuffle=False)

model = nn.Sequential(
    nn.Linear(64, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 10),
)
linears = [m for m in model if isinstance(m, nn.Linear)]
criterion = nn.CrossEntropyLoss()


def sparsity():
    zeros = sum(int((m.weight == 0).sum()) for m in linears)
    total = sum(m.weight.numel() for m in linears)
    return zeros / total


def evaluate():
    model.eval()
    with torch.no_grad():
        pred = model(Xv).argmax(1)
    return (pred == yv).float().mean().item()


def train(epochs, lr):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    for ep in range(epochs):
        model.train()
        total = 0.0
        for xb, yb in train_loader:
            opt.zero_grad()
            loss = criterion(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        print(f"  epoch {ep + 1:2d}  loss {total / len(train_loader.dataset):.4f}")


print("dense training")
train(epochs=15, lr=0.05)
print(f"dense: params {sum(p.numel() for p in model.parameters())}  val acc {evaluate():.3f}")

for rnd in range(1, 4):
    for m in linears:
        prune.l1_unstructured(m, name="weight", amount=0.3)
    train(epochs=5, lr=0.02)
    print(f"round {rnd}: sparsity {sparsity():.2%}  val acc {evaluate():.3f}")

for m in linears:
    prune.remove(m, "weight")
print(f"final: sparsity {sparsity():.2%}  val acc {evaluate():.3f}")
