# Transaction-flag classifier on a generated table; tabular mixup, LayerNorm residual MLP,
# CosineAnnealingWarmRestarts stepped per batch.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(5)
np.random.seed(5)
torch.set_num_threads(1)

X, y = make_classification(n_samples=4000, n_features=16, n_informative=6, n_redundant=2,
                           weights=[0.95, 0.05], class_sep=0.6, flip_y=0.01, random_state=5)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=5, stratify=y)
sc = StandardScaler().fit(X_tr)
X_tr = torch.tensor(sc.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(sc.transform(X_va), dtype=torch.float32)
y_tr, y_va = torch.tensor(y_tr), torch.tensor(y_va)


class Residual(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.ff = nn.Sequential(nn.Linear(d, d * 2), nn.GELU(), nn.Dropout(0.1), nn.Linear(d * 2, d))

    def forward(self, x):
        return x + self.ff(self.norm(x))


model = nn.Sequential(nn.Linear(16, 64), Residual(64), Residual(64), nn.LayerNorm(64), nn.Linear(64, 2))
criterion = nn.CrossEntropyLoss()
opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=5, T_mult=2)

EPOCHS, BS, ALPHA = 15, 128, 0.2
nb = (len(X_tr) + BS - 1) // BS
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(X_tr))
    tot = 0.0
    for bi in range(nb):
        b = perm[bi * BS:(bi + 1) * BS]
        xb, yb = X_tr[b], y_tr[b]
        lam = float(np.random.beta(ALPHA, ALPHA))
        j = torch.randperm(len(b))
        xm = lam * xb + (1 - lam) * xb[j]
        opt.zero_grad()
        out = model(xm)
        loss = lam * criterion(out, yb) + (1 - lam) * criterion(out, yb[j])
        loss.backward()
        opt.step()
        sched.step(epoch + (bi + 1) / nb)
        tot += loss.item()
    model.eval()
    with torch.no_grad():
        pred = model(X_va).argmax(1)
    acc = (pred == y_va).float().mean().item()
    print(f"epoch {epoch + 1:02d} loss {tot / nb:.4f} val_acc {acc:.4f}")

print(f"validation accuracy: {acc:.4f}")
