# Residual MLP (ModuleList of pre-norm blocks) on a synthetic tabular task, dataset enlarged by bootstrap resampling.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.utils import resample

torch.manual_seed(13)
torch.set_num_threads(1)

X, y = make_classification(n_samples=1200, n_features=20, n_informative=8, n_redundant=4,
                           flip_y=0.1, class_sep=0.8, random_state=13)
X, y = resample(X, y, n_samples=3 * len(X), random_state=13)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=13, stratify=y)
mu, sd = X_tr.mean(0), X_tr.std(0)
X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, 2 * d), nn.GELU(), nn.Linear(2 * d, d))

    def forward(self, x):
        return x + self.ff(self.norm(x))


class ResMLP(nn.Module):
    def __init__(self, d_in, d=128, depth=3):
        super().__init__()
        self.inp = nn.Linear(d_in, d)
        self.blocks = nn.ModuleList(Block(d) for _ in range(depth))
        self.out = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 2))

    def forward(self, x):
        h = self.inp(x)
        for b in self.blocks:
            h = b(h)
        return self.out(h)


model = ResMLP(20)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
ce = nn.CrossEntropyLoss()
for epoch in range(30):
    model.train()
    perm = torch.randperm(len(X_tr))
    tot = 0.0
    for i in range(0, len(perm), 128):
        b = perm[i:i + 128]
        opt.zero_grad()
        loss = ce(model(X_tr[b]), y_tr[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        tr_acc = (model(X_tr).argmax(1) == y_tr).float().mean().item()
        va_acc = (model(X_va).argmax(1) == y_va).float().mean().item()
    if epoch % 3 == 2:
        print(f"epoch {epoch + 1:2d} loss {tot / len(X_tr):.4f} train_acc {tr_acc:.3f} val_acc {va_acc:.3f}")

print(f"final val accuracy {va_acc:.3f}")
