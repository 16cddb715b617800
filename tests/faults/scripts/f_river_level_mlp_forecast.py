"""Multi-step forecast of a river gauge level (cm) with a small MLP.

The synthetic gauge follows a daily cycle plus an AR(1) disturbance. We
predict the next 8 hourly readings from the previous 48.
"""
import numpy as np
import torch
from torch import nn
from numpy.lib.stride_tricks import as_strided

SEED = 3
torch.manual_seed(SEED)
np.random.seed(SEED)

LOOKBACK, HORIZON = 48, 8


def gauge_series(n_hours):
    ar = np.zeros(n_hours)
    eps = np.random.normal(0, 2.0, n_hours)
    for t in range(1, n_hours):
        ar[t] = 0.9 * ar[t - 1] + eps[t]
    hours = np.arange(n_hours)
    return 120.0 + 15.0 * np.sin(2 * np.pi * hours / 24) + 5.0 * np.sin(2 * np.pi * hours / 168) + ar


def windows(series):
    n = len(series) - LOOKBACK - HORIZON + 1
    s = series.strides[0]
    block = as_strided(series, shape=(n, LOOKBACK + HORIZON), strides=(s, s)).copy()
    return block[:, :LOOKBACK], block[:, LOOKBACK:]


series = gauge_series(2400)
split = 1900
level_mu, level_sd = series[:split].mean(), series[:split].std()
z = ((series - level_mu) / level_sd).astype(np.float32)

Xtr, Ytr = windows(z[:split])
Xva, Yva = windows(z[split:])
Xtr, Ytr, Xva, Yva = map(torch.from_numpy, (Xtr, Ytr, Xva, Yva))
print(f"train windows {len(Xtr)}, val windows {len(Xva)}")


class Forecaster(nn.Module):
    def __init__(self, hidden=64):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(LOOKBACK, hidden), nn.GELU(), nn.Linear(hidden, hidden), nn.GELU())
        self.out = nn.Linear(hidden, HORIZON)

    def forward(self, x):
        return self.out(self.body(x))


net = Forecaster()
optimizer = torch.optim.SGD(net.parameters(), lr=0.02, momentum=0.9)
loss_fn = nn.HuberLoss(reduction="sum", delta=1.0)
batch = 64

for epoch in range(1, 13):
    net.train()
    order = torch.randperm(len(Xtr))
    ep_loss = 0.0
    for i in range(0, len(order), batch):
        ix = order[i:i + batch]
        optimizer.zero_grad()
        loss = loss_fn(net(Xtr[ix]), Ytr[ix])
        loss.backward()
        optimizer.step()
        ep_loss += loss.item()
    net.eval()
    with torch.no_grad():
        pred = net(Xva)
        mae_cm = ((pred - Yva).abs().mean() * level_sd).item()
    print(f"epoch {epoch:2d}  train loss {ep_loss / len(Xtr):.4f}  val MAE {mae_cm:.2f} cm")

naive = ((Xva[:, -1:] - Yva).abs().mean() * level_sd).item()
print(f"final val MAE {mae_cm:.2f} cm  (persistence baseline {naive:.2f} cm)")
