"""Residual MLP on a synthetic 6-class tabular problem.

Two-phase schedule: a short head-only warm start, then full fine-tuning.
"""
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split

torch.set_num_threads(1)
torch.manual_seed(3)
np.random.seed(3)
torch.backends.cudnn.benchmark = False

X, y = make_classification(n_samples=4000, n_features=24, n_informative=18, n_redundant=4,
                           n_classes=6, n_clusters_per_class=3, class_sep=1.2, random_state=3)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=3)
mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-8
X_tr = torch.from_numpy(((X_tr - mu) / sd).astype(np.float32))
X_va = torch.from_numpy(((X_va - mu) / sd).astype(np.float32))
y_tr = torch.from_numpy(y_tr).long()
y_va = torch.from_numpy(y_va).long()


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 2 * d)
        self.fc2 = nn.Linear(2 * d, d)

    def forward(self, x):
        return x + self.fc2(F.gelu(self.fc1(self.norm(x))))


class ResMLP(nn.Module):
    def __init__(self, d_in, d, n_cls, depth=3):
        super().__init__()
        self.stem = nn.Linear(d_in, d)
        self.blocks = nn.Sequential(*[Block(d) for _ in range(depth)])
        self.head = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, n_cls))

    def forward(self, x):
        return self.head(self.blocks(self.stem(x)))


model = ResMLP(X_tr.shape[1], 64, 6)
WARM_EPOCHS = 3
EPOCHS = 24
BATCH = 256

for p in list(model.stem.parameters()) + list(model.blocks.parameters()):
    p.requires_grad_(False)

opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4, foreach=True)
steps_per_epoch = math.ceil(len(X_tr) / BATCH)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS * steps_per_epoch)
n_train = len(X_tr)
perm_buf = torch.empty(n_train, dtype=torch.long)


def evaluate():
    model.eval()
    with torch.no_grad():
        logits = model(X_va)
        return F.cross_entropy(logits, y_va).item(), (logits.argmax(1) == y_va).float().mean().item()


t0 = time.time()
for epoch in range(EPOCHS):
    if epoch == WARM_EPOCHS:
        print(f"epoch {epoch}: switching to full fine-tuning")
        for p in model.head.parameters():
            p.requires_grad_(True)
    model.train()
    torch.randperm(n_train, out=perm_buf)
    run_loss, correct = 0.0, 0
    for i in range(0, n_train, BATCH):
        idx = perm_buf[i:i + BATCH]
        xb, yb = X_tr[idx], y_tr[idx]
        opt.zero_grad(set_to_none=True)
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        opt.step()
        sched.step()
        run_loss += loss.item() * len(idx)
        correct += (logits.argmax(1) == yb).sum().item()
    vl, va = evaluate()
    if epoch % 3 == 0 or epoch == EPOCHS - 1:
        print(f"epoch {epoch:02d} train_loss {run_loss / n_train:.4f} train_acc {correct / n_train:.3f} "
              f"val_loss {vl:.4f} val_acc {va:.3f} lr {sched.get_last_lr()[0]:.2e}")

vl, va = evaluate()
print(f"final val_acc {va:.4f}  ({time.time() - t0:.1f}s)")
