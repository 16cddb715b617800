"""Multi-step forecasting of several related seasonal series with a small TCN.

Dilated causal 1-D convolutions, AdamW + OneCycle (stepped per batch),
temporal split with per-series scaling fitted on the training window.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)

N_SERIES, T = 6, 720
LOOKBACK, HORIZON = 48, 12
TRAIN_FRAC = 0.75


def make_series(rng):
    t = np.arange(T)
    out = []
    for k in range(N_SERIES):
        period = 24
        amp = 1.0 + 0.3 * k
        trend = 0.0006 * (k + 1) * t
        weekly = 0.5 * np.sin(2 * np.pi * t / 168 + k)
        daily = amp * np.sin(2 * np.pi * t / period + 0.4 * k)
        noise = 0.15 * rng.standard_normal(T)
        out.append(5.0 + trend + daily + weekly + noise)
    return np.stack(out)  # (S, T)


def windows(series, start, stop, stride=3):
    xs, ys = [], []
    for s in range(series.shape[0]):
        for i in range(start, stop - LOOKBACK - HORIZON + 1, stride):
            xs.append(series[s, i:i + LOOKBACK])
            ys.append(series[s, i + LOOKBACK:i + LOOKBACK + HORIZON])
    return np.array(xs, dtype=np.float32), np.array(ys, dtype=np.float32)


rng = np.random.default_rng(0)
raw = make_series(rng)
cut = int(T * TRAIN_FRAC)
mu = raw[:, :cut].mean(axis=1, keepdims=True)
sd = raw[:, :cut].std(axis=1, keepdims=True)
scaled = (raw - mu) / sd

Xtr, Ytr = windows(scaled, 0, cut)
# validation windows start so that their targets lie after the cut
Xva, Yva = windows(scaled, cut - LOOKBACK, T)
print(f"train windows {len(Xtr)}  val windows {len(Xva)}")


class CausalConv(nn.Module):
    def __init__(self, cin, cout, k, d):
        super().__init__()
        self.pad = (k - 1) * d
        self.conv = nn.Conv1d(cin, cout, k, dilation=d)

    def forward(self, x):
        return self.conv(F.pad(x, (self.pad, 0)))


class Block(nn.Module):
    def __init__(self, ch, d):
        super().__init__()
        self.c1 = CausalConv(ch, ch, 3, d)
        self.c2 = CausalConv(ch, ch, 3, d)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        h = self.drop(F.relu(self.c1(x)))
        h = self.c2(h)
        return F.relu(x + h)


class TCN(nn.Module):
    def __init__(self, ch=24, horizon=HORIZON):
        super().__init__()
        self.inp = nn.Conv1d(1, ch, 1)
        self.blocks = nn.Sequential(*[Block(ch, d) for d in (1, 2, 4, 8)])
        self.head = nn.Linear(ch, horizon)

    def forward(self, x):
        h = self.blocks(self.inp(x.unsqueeze(1)))
        return self.head(h[:, :, -1])


model = TCN()
EPOCHS, BS = 12, 64
train_dl = DataLoader(TensorDataset(torch.from_numpy(Xtr), torch.from_numpy(Ytr)),
                      batch_size=BS, shuffle=True)
val_dl = DataLoader(TensorDataset(torch.from_numpy(Xva), torch.from_numpy(Yva)),
                    batch_size=256)
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-3, epochs=EPOCHS,
                                            steps_per_epoch=len(train_dl))


def evaluate():
    model.eval()
    preds, tgts = [], []
    with torch.no_grad():
        for xb, yb in val_dl:
            preds.append(model(xb))
            tgts.append(yb)
    return torch.cat(preds), torch.cat(tgts)


for epoch in range(EPOCHS):
    model.train()
    tot, n = 0.0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = F.mse_loss(model(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        tot += loss.item() * len(xb)
        n += len(xb)
    p, y = evaluate()
    val_mae = (p - y).abs().mean().item()
    print(f"epoch {epoch + 1:2d}  train mse {tot / n:.4f}  val mae {val_mae:.4f}  "
          f"lr {sched.get_last_lr()[0]:.2e}")

p, y = evaluate()
naive = torch.from_numpy(Xva[:, -1:]).expand_as(y)
mae = (p - y).abs().mean().item()
rmse = ((p - y) ** 2).mean().sqrt().item()
naive_mae = (naive - y).abs().mean().item()
print(f"final val MAE {mae:.4f}  RMSE {rmse:.4f}  (naive last-value MAE {naive_mae:.4f})")
