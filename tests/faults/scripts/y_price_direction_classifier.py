"""Next-day direction classifier for a spot-price series (down / flat / up)
from the last 30 days of returns plus weekday encoding."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(31)
np.random.seed(31)
torch.set_num_threads(1)
rng = np.random.default_rng(31)

DAYS = 4200
d = np.arange(DAYS)
weekly = 0.8 * np.sin(2 * np.pi * d / 7) + 0.4 * np.cos(4 * np.pi * d / 7)
ret = np.zeros(DAYS)
for i in range(2, DAYS):
    ret[i] = 0.45 * ret[i - 1] - 0.2 * ret[i - 2] + weekly[i] + rng.normal(0, 0.6)
price = 50 + np.cumsum(ret) * 0.1

W = 30
split_day = 3400
r_mu, r_sd = ret[:split_day].mean(), ret[:split_day].std()
rz = (ret - r_mu) / r_sd


def label(x):
    return 0 if x < -0.4 else (2 if x > 0.4 else 1)


def make(lo, hi):
    X, y = [], []
    for i in range(lo, hi - W):
        t = i + W
        X.append(np.concatenate([rz[i:t], [np.sin(2 * np.pi * t / 7), np.cos(2 * np.pi * t / 7)]]))
        y.append(label(rz[t]))
    return torch.tensor(np.array(X), dtype=torch.float32), torch.tensor(y)


Xtr, ytr = make(0, split_day)
Xva, yva = make(split_day - W, DAYS)
print("train", Xtr.shape, "val", Xva.shape, "class counts", torch.bincount(ytr).tolist())

clf = nn.Sequential(nn.Linear(W + 2, 64), nn.GELU(), nn.Linear(64, 64), nn.GELU(), nn.Linear(64, 3))
opt = torch.optim.Adam(clf.parameters(), lr=0.05)

for ep in range(1, 19):
    clf.train()
    perm = torch.randperm(len(Xtr))
    losses = []
    for j in range(0, len(perm), 32):
        b = perm[j:j + 32]
        opt.zero_grad()
        loss = F.cross_entropy(clf(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    clf.eval()
    with torch.no_grad():
        logits = clf(Xva)
        vl = F.cross_entropy(logits, yva).item()
        acc = (logits.argmax(1) == yva).float().mean().item()
    print(f"epoch {ep:2d}  train CE {np.mean(losses):.4f}  val CE {vl:.4f}  val acc {100 * acc:.1f}%")

naive = torch.tensor([label(v) for v in Xva[:, W - 1].numpy()])
print(f"final val acc {100 * acc:.1f}%   naive 'same as today' acc {100 * (naive == yva).float().mean():.1f}%")
