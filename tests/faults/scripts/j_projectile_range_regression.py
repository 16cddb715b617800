"""Predict the horizontal range of a projectile launched from a height (no drag), in metres."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset

G = 9.81
SEED = 123
np.random.seed(SEED)
torch.manual_seed(SEED)


def simulate(n):
    v0 = np.random.uniform(5, 60, n)                    # m/s
    ang = np.random.uniform(np.radians(5), np.radians(80), n)
    h0 = np.random.uniform(0, 50, n)                    # m
    temp = np.random.uniform(250, 320, n)               # K, no effect without drag
    vy = v0 * np.sin(ang)
    t_flight = (vy + np.sqrt(vy**2 + 2 * G * h0)) / G
    rng_m = v0 * np.cos(ang) * t_flight
    rng_m *= 1 + 0.02 * np.random.randn(n)              # measurement noise
    return np.stack([v0, ang, h0, temp], 1), rng_m


X_all, r_all = simulate(3000)
order = np.random.permutation(len(X_all))
tr, va = order[:2400], order[2400:]

x_mu, x_sd = X_all[tr].mean(0), X_all[tr].std(0)
r_mu, r_sd = r_all[tr].mean(), r_all[tr].std()          # range spans ~0..400 m -> standardise target

def feats(a):
    return torch.tensor((a - x_mu) / x_sd, dtype=torch.float32)

Xtr, Xva = feats(X_all[tr]), feats(X_all[va])
ytr = torch.tensor((r_all[tr] - r_mu) / r_sd, dtype=torch.float32).unsqueeze(1)
r_va = r_all[va]


class RangeMLP(nn.Module):
    def __init__(self, width=128, p=0.05):
        super().__init__()
        self.f = nn.Sequential(
            nn.Linear(4, width), nn.SiLU(), nn.Dropout(p),
            nn.Linear(width, width), nn.SiLU(), nn.Dropout(p),
            nn.Linear(width, 1),
        )

    def forward(self, x):
        return self.f(x)


model = RangeMLP()
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-2)
EPOCHS, MICRO, ACCUM = 40, 32, 4                        # effective batch 128
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
loader = DataLoader(TensorDataset(Xtr, ytr), batch_size=MICRO, shuffle=True)
loss_fn = nn.SmoothL1Loss(beta=0.5)


def evaluate():
    model.eval()
    with torch.no_grad():
        pred_m = model(Xva).squeeze(1).numpy() * r_sd + r_mu
    mae = np.abs(pred_m - r_va).mean()
    r2 = 1 - ((pred_m - r_va) ** 2).sum() / ((r_va - r_va.mean()) ** 2).sum()
    return mae, r2


for epoch in range(EPOCHS):
    model.train()
    opt.zero_grad()
    seen, tot = 0, 0.0
    for step, (xb, yb) in enumerate(loader, start=1):
        loss = loss_fn(model(xb), yb)
        (loss / ACCUM).backward()
        tot += loss.item() * len(xb)
        seen += len(xb)
        if step % ACCUM == 0 or step == len(loader):
            nn.utils.clip_grad_norm_(model.parameters(), 2.0)
            opt.step()
            opt.zero_grad()
    sched.step()
    if epoch % 5 == 4:
        mae, r2 = evaluate()
        print(f"epoch {epoch + 1:2d}  train loss {tot / seen:.5f}  val MAE {mae:6.2f} m  val R^2 {r2:.4f}")

mae, r2 = evaluate()
print(f"final: validation MAE {mae:.2f} m (mean range {r_va.mean():.1f} m), R^2 {r2:.4f}")
