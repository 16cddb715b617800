# Assignment 5: Breast-cancer classifier, manual training loop with SGD
# (1) data  (2) logistic regression by hand  (3) MLP  (4) train  (5) curves
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

torch.manual_seed(2)
np.random.seed(2)

# (1) data -------------------------------------------------------------
X, y = load_breast_cancer(return_X_y=True)
Xa, Xb, ya, yb = train_test_split(X, y, test_size=0.3, stratify=y, random_state=2)
mu, sd = Xa.mean(0), Xa.std(0)
Xa = torch.tensor((Xa - mu) / sd, dtype=torch.float32)
Xb = torch.tensor((Xb - mu) / sd, dtype=torch.float32)
ya = torch.tensor(ya, dtype=torch.float32)
yb = torch.tensor(yb, dtype=torch.float32)
assert Xa.shape == (398, 30) and Xb.shape == (171, 30)

# (2) logistic regression with explicit tensors (warm-up) -----------------
w = torch.zeros(30, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
for it in range(100):
    z = Xa @ w + b
    assert z.shape == (398,)
    l = F.binary_cross_entropy_with_logits(z, ya)
    l.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad; b -= 0.1 * b.grad
        w.grad = None; b.grad = None
with torch.no_grad():
    acc_lr = (((Xb @ w + b) > 0).float() == yb).float().mean().item()
print(f"(2) hand-made logistic regression: val acc {acc_lr:.3f}")

# (3) MLP ------------------------------------------------------------------
net = nn.Sequential(nn.Linear(30, 32), nn.Tanh(), nn.Linear(32, 16), nn.Tanh(), nn.Linear(16, 1))
opt = torch.optim.SGD(net.parameters(), lr=1.0, momentum=0.9)

# (4) train ------------------------------------------------------------------
table = []
for ep in range(1, 41):
    net.train()
    perm = torch.randperm(398)
    s = 0.0
    for i in range(0, 398, 16):
        idx = perm[i:i + 16]
        opt.zero_grad()
        out = net(Xa[idx]).squeeze(1)
        assert out.shape == ya[idx].shape
        loss = F.binary_cross_entropy_with_logits(out, ya[idx])
        loss.backward()
        opt.step()
        s += loss.item() * len(idx)
    net.eval()
    with torch.no_grad():
        vo = net(Xb).squeeze(1)
        vl = F.binary_cross_entropy_with_logits(vo, yb).item()
        va = ((vo > 0).float() == yb).float().mean().item()
    table.append((ep, s / 398, vl, va))

# (5) curves -----------------------------------------------------------------
print("\n epoch | train loss | val loss | val acc")
for ep, tl, vl, va in table:
    print(f" {ep:5d} | {tl:10.4f} | {vl:8.4f} | {va:7.3f}")
print(f"final val acc {table[-1][3]:.3f}, best {max(t[3] for t in table):.3f}")
