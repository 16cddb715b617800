"""Surrogate model for a damped oscillator: x(t; zeta, omega) = exp(-zeta*omega*t) cos(omega_d t)."""
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(7)
rng = np.random.RandomState(7)


def simulate(n):
    t = rng.uniform(0.0, 5.0, n)
    zeta = rng.uniform(0.05, 0.6, n)
    omega = rng.uniform(1.0, 4.0, n)
    omega_d = omega * np.sqrt(1 - zeta**2)
    x = np.exp(-zeta * omega * t) * np.cos(omega_d * t)
    feats = np.stack([t, zeta, omega], 1)
    return feats, x


F_tr, x_tr = simulate(3000)
F_va, x_va = simulate(600)
lo, hi = F_tr.min(0), F_tr.max(0)
to_unit = lambda F: 2 * (F - lo) / (hi - lo) - 1      # map each input to [-1, 1] using train range

Xtr = torch.tensor(to_unit(F_tr), dtype=torch.float32)
Xva = torch.tensor(to_unit(F_va), dtype=torch.float32)
ytr = torch.tensor(x_tr, dtype=torch.float32)[:, None]
yva = torch.tensor(x_va, dtype=torch.float32)[:, None]

surrogate = nn.Sequential(
    nn.Linear(3, 128), nn.Tanh(),
    nn.Linear(128, 128), nn.Tanh(),
    nn.Linear(128, 128), nn.Tanh(),
    nn.Linear(128, 1),
)
opt = torch.optim.Adam(surrogate.parameters(), lr=1e-3)
crit = nn.MSELoss()

n_epochs, bsz = 40, 64
for epoch in range(n_epochs):
    surrogate.train()
    idx_all = torch.randperm(len(Xtr))
    ep_loss = 0.0
    for b in range(0, len(Xtr), bsz):
        idx = idx_all[b:b + bsz]
        pred = surrogate(Xtr[idx])
        loss = crit(pred, ytr[idx])
        loss.backward()
        opt.step()
        ep_loss += loss.item() * len(idx)
    surrogate.eval()
    with torch.no_grad():
        val = crit(surrogate(Xva), yva).item()
    if epoch % 5 == 0 or epoch == n_epochs - 1:
        print(f"epoch {epoch:3d} | train mse {ep_loss / len(Xtr):.5f} | val mse {val:.5f}")

with torch.no_grad():
    r2 = 1 - crit(surrogate(Xva), yva).item() / yva.var().item()
print(f"surrogate validation R^2 = {r2:.4f}")
