# Claim-frequency model: Poisson log-link network with an exposure offset.
# Early stopping on validation deviance, cosine schedule stepped once per epoch.
import copy

import numpy as np
import torch
from torch import nn
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

rng = np.random.default_rng(11)
torch.manual_seed(11)

N = 3000
age = rng.uniform(18, 80, N)
power = rng.gamma(6.0, 15.0, N)
density = rng.lognormal(6.0, 0.6, N)
bonus = rng.integers(50, 150, N).astype(float)
exposure = rng.uniform(0.2, 1.0, N)
log_mu = (0.2 + 0.35 * ((age - 45) / 15) ** 2 + 0.008 * (power - 90)
          + 0.45 * (np.log(density) - 6.0) + 0.02 * (bonus - 100) + np.log(exposure))
claims = rng.poisson(np.exp(log_mu)).astype(float)
X = np.column_stack([age, power, np.log(density), bonus])

idx_tr, idx_va = train_test_split(np.arange(N), test_size=0.25, random_state=11)
scaler = StandardScaler().fit(X[idx_tr])


def tensors(idx):
    return (torch.tensor(scaler.transform(X[idx]), dtype=torch.float32),
            torch.tensor(np.log(exposure[idx]), dtype=torch.float32),
            torch.tensor(claims[idx], dtype=torch.float32))


Xtr, otr, ytr = tensors(idx_tr)
Xva, ova, yva = tensors(idx_va)


class FrequencyNet(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.f = nn.Sequential(nn.Linear(d, 32), nn.SiLU(), nn.Linear(32, 16), nn.SiLU(), nn.Linear(16, 1))

    def forward(self, x, offset):
        return self.f(x).squeeze(-1) + offset      # log expected count


def deviance(y, mu):
    mu = mu.clamp_min(1e-8)
    t = torch.where(y > 0, y * torch.log(y / mu), torch.zeros_like(y))
    return 2 * (t - (y - mu)).sum().item()


net = FrequencyNet(X.shape[1])
crit = nn.PoissonNLLLoss(log_input=True)
opt = torch.optim.AdamW(net.parameters(), lr=5e-3, weight_decay=1e-4)
EPOCHS = 40
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
null_dev = deviance(yva, torch.exp(ova) * ytr.sum() / torch.exp(otr).sum())

best, best_state, patience, bad = float("inf"), None, 8, 0
for epoch in range(EPOCHS):
    net.train()
    perm = torch.randperm(len(Xtr))
    run = 0.0
    for i in range(0, len(perm), 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        loss = crit(net(Xtr[b], otr[b]), ytr[b])
        loss.backward()
        opt.step()
        run += loss.item() * len(b)
    sched.step()
    net.eval()
    with torch.no_grad():
        val_nll = crit(net(Xva, ova), yva).item()
        val_dev = deviance(yva, torch.exp(net(Xva, ova)))
    print(f"epoch {epoch + 1:2d} train nll {run / len(Xtr):.4f} val nll {val_nll:.4f} "
          f"val D^2 {1 - val_dev / null_dev:.3f}")
    if val_nll < best - 1e-4:
        best, best_state, bad = val_nll, copy.deepcopy(net.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print("early stopping")
            break

net.load_state_dict(best_state)
net.eval()
with torch.no_grad():
    mu_va = torch.exp(net(Xva, ova))
print(f"best val nll {best:.4f}")
print(f"val deviance explained {1 - deviance(yva, mu_va) / null_dev:.3f}")
print(f"predicted claims {mu_va.sum().item():.1f} vs observed {yva.sum().item():.0f}")
