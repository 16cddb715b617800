#!/usr/bin/env python
"""Ordinal rating model (cumulative-logit / proportional-odds head on an MLP).

Five ordered satisfaction levels generated from a latent score.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.metrics import cohen_kappa_score, mean_absolute_error
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

SEED = 5
K = 5
torch.manual_seed(SEED)
rng = np.random.default_rng(SEED)

n, d = 2500, 6
X = rng.normal(size=(n, d)) * np.array([1, 4, 0.5, 10, 2, 1]) + np.array([0, 20, -1, 50, 3, 0])
Z = (X - X.mean(0)) / X.std(0)
latent = 1.2 * Z[:, 0] - 0.8 * Z[:, 1] + np.tanh(2 * Z[:, 2]) + 0.5 * Z[:, 3] * Z[:, 4] + 0.3 * rng.logistic(size=n)
cuts = np.quantile(latent, [0.15, 0.4, 0.7, 0.9])
y = np.searchsorted(cuts, latent)

X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, stratify=y, random_state=SEED)
sc = StandardScaler().fit(X_tr)
Xtr, Xva = (torch.tensor(sc.transform(a), dtype=torch.float32) for a in (X_tr, X_va))
ytr, yva = torch.tensor(y_tr), torch.tensor(y_va)


class CumulativeLogit(nn.Module):
    def __init__(self, d, k, h=64):
        super().__init__()
        self.f = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, 1))
        self.theta0 = nn.Parameter(torch.tensor(-1.5))
        self.log_gaps = nn.Parameter(torch.zeros(k - 2))

    def thresholds(self):
        return torch.cat([self.theta0.view(1), self.theta0 + torch.cumsum(F.softplus(self.log_gaps) + 1e-3, 0)])

    def forward(self, x):
        s = self.f(x)                                   # (N, 1) latent score
        cdf = torch.sigmoid(self.thresholds().unsqueeze(0) - s)   # P(y <= j), (N, K-1)
        ones, zeros = torch.ones_like(s), torch.zeros_like(s)
        cdf = torch.cat([zeros, cdf, ones], dim=1)
        return (cdf[:, 1:] - cdf[:, :-1]).clamp_min(1e-7)        # class probabilities


def nll(probs, target):
    return -torch.log(probs.gather(1, target.unsqueeze(1))).mean()


model = CumulativeLogit(d, K)
opt = torch.optim.Adam(model.parameters(), lr=1e-2, weight_decay=1e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)

for epoch in range(1, 26):
    model.train()
    order = torch.randperm(len(Xtr))
    tl = 0.0
    for j in range(0, len(order), 50):
        b = order[j:j + 50]
        opt.zero_grad()
        loss = nll(model(Xtr[b]), ytr[b])
        loss.backward()
        opt.step()
        tl += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        pv = model(Xva)
        vl = nll(pv, yva).item()
        acc = (pv.argmax(1) == yva).float().mean().item()
    plateau.step(vl)
    if epoch % 5 == 0 or epoch == 1:
        print(f"epoch {epoch:2d}  train nll {tl / len(Xtr):.4f}  val nll {vl:.4f}  val acc {acc:.3f}  "
              f"lr {opt.param_groups[0]['lr']:.1e}")

model.eval()
with torch.no_grad():
    pred = model(Xva).argmax(1).numpy()
print(f"val exact accuracy {np.mean(pred == y_va):.3f} (majority {np.bincount(y_va).max() / len(y_va):.3f})")
print(f"val MAE in levels  {mean_absolute_error(y_va, pred):.3f}")
print(f"val quadratic kappa {cohen_kappa_score(y_va, pred, weights='quadratic'):.3f}")
print("thresholds", np.round(model.thresholds().detach().numpy(), 2))
