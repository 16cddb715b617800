import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.utils.checkpoint as ckpt
from sklearn.datasets import load_wine
from sklearn.model_selection import StratifiedShuffleSplit

torch.set_num_threads(1)
torch.manual_seed(2024)
rng = np.random.default_rng(2024)

data = load_wine()
X = data.data.astype(np.float32)
y = data.target.astype(np.int64)
split = StratifiedShuffleSplit(n_splits=1, test_size=0.3, random_state=2024)
tr, va = next(split.split(X, y))
mean = X[tr].mean(0)
std = X[tr].std(0)
Xtr = torch.from_numpy((X[tr] - mean) / std)
Xva = torch.from_numpy((X[va] - mean) / std)
ytr = torch.from_numpy(y[tr])
yva = torch.from_numpy(y[va])


class Stage(nn.Module):
    def __init__(self, d, p):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(d, d), nn.BatchNorm1d(d), nn.SiLU(), nn.Dropout(p))

    def forward(self, x):
        return x + self.net(x)


class DeepMLP(nn.Module):
    def __init__(self, d_in, width=96, depth=4, n_out=3, p=0.2):
        super().__init__()
        self.inp = nn.Linear(d_in, width)
        self.stages = nn.ModuleList(Stage(width, p) for _ in range(depth))
        self.out = nn.Linear(width, n_out)

    def forward(self, x):
        h = self.inp(x)
        for st in self.stages:
            if self.training and h.requires_grad:
                h = ckpt.checkpoint(st, h, use_reentrant=False)
            else:
                h = st(h)
        return self.out(h)


net = DeepMLP(Xtr.shape[1])
EPOCHS, BATCH = 40, 16
opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=0.01, foreach=True)
cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS, eta_min=1e-5)
lossf = nn.CrossEntropyLoss(label_smoothing=0.05)

start = time.time()
for ep in range(EPOCHS):
    net.train()
    idx_all = torch.from_numpy(rng.permutation(len(Xtr)))
    running = 0.0
    nb = 0
    for b in range(math.ceil(len(Xtr) / BATCH)):
        idx = idx_all[b * BATCH:(b + 1) * BATCH]
        if len(idx) < 2:
            continue
        opt.zero_grad(set_to_none=True)
        loss = lossf(net(Xtr[idx]), ytr[idx])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), max_norm=2.0)
        opt.step()
        running += loss.item()
        nb += 1
    cosine.step()
    net.eval()
    with torch.no_grad():
        out = net(Xva)
        vloss = lossf(out, yva).item()
        vacc = (out.argmax(1) == yva).float().mean().item()
    if ep % 5 == 0 or ep == EPOCHS - 1:
        print(f"ep {ep:02d} train {running / nb:.4f} val {vloss:.4f} acc {vacc:.3f} lr {cosine.get_last_lr()[0]:.2e}")
print(f"wine val accuracy = {vacc:.4f} after {EPOCHS} epochs ({time.time() - start:.1f}s)")
