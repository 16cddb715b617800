"""Estimate the thermal diffusivity of a rod from a temperature snapshot.

Each sample: a rod heated by a Gaussian pulse, evolved with explicit FTCS for
a fixed time, then 32 thermocouples read the temperature (with noise).
Target: log10(alpha). Simple MLP regressor."""
import numpy as np
import torch
from torch import nn

rng = np.random.default_rng(2024)
torch.manual_seed(2024)

NX, T_FINAL = 64, 0.02
xs = np.linspace(0.0, 1.0, NX)
sensor_idx = np.linspace(2, NX - 3, 32).astype(int)


def simulate_rod(alpha):
    dx = xs[1] - xs[0]
    dt = 0.45 * dx ** 2 / alpha
    n_t = int(np.ceil(T_FINAL / dt))
    dt = T_FINAL / n_t
    c = rng.uniform(0.3, 0.7)
    u = np.exp(-((xs - c) / 0.05) ** 2)
    for _ in range(n_t):
        u[1:-1] = u[1:-1] + alpha * dt / dx ** 2 * (u[2:] - 2 * u[1:-1] + u[:-2])
        u[0] = u[-1] = 0.0
    return u[sensor_idx]


log_alpha = rng.uniform(-1.0, 0.0, 1200)
snap = np.stack([simulate_rod(10 ** la) for la in log_alpha])
snap += rng.normal(0.0, 0.01, snap.shape)

split = rng.permutation(len(snap))
tr, va = split[:960], split[960:]
mu, sigma = snap[tr].mean(0), snap[tr].std(0)
t_mu, t_sd = log_alpha[tr].mean(), log_alpha[tr].std()

X_train = torch.from_numpy((snap[tr] - mu) / sigma).float()
y_train = torch.from_numpy((log_alpha[tr] - t_mu) / t_sd).float().unsqueeze(1)
X_val = torch.from_numpy((snap[va] - mu) / sigma)
y_val = torch.from_numpy((log_alpha[va] - t_mu) / t_sd).float().unsqueeze(1)

model = nn.Sequential(nn.Linear(32, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
optim = torch.optim.Adam(model.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.StepLR(optim, step_size=15, gamma=0.5)
mse = nn.MSELoss()

for epoch in range(40):
    model.train()
    perm = torch.randperm(len(X_train))
    tot = 0.0
    for i in range(0, len(perm), 32):
        j = perm[i:i + 32]
        optim.zero_grad()
        loss = mse(model(X_train[j]), y_train[j])
        loss.backward()
        optim.step()
        tot += loss.item() * len(j)
    sched.step()
    model.eval()
    with torch.no_grad():
        pred = model(X_val)
        val_mse = mse(pred, y_val).item()
    print(f"epoch {epoch + 1:02d} train {tot / len(X_train):.4f} val {val_mse:.4f}")

with torch.no_grad():
    pred = model(X_val).squeeze(1).numpy() * t_sd + t_mu
true = log_alpha[va]
r2 = 1 - np.sum((pred - true) ** 2) / np.sum((true - true.mean()) ** 2)
print(f"validation R^2 on log10(alpha): {r2:.4f}")
