"""Hourly sensor forecasting: 3 correlated channels -> next 6 hours of channel 0.
GRU encoder + linear head, gradient accumulation over micro-batches."""
import math
import numpy as np
import torch
import torch.nn as nn

g = torch.Generator().manual_seed(11)
torch.manual_seed(11)
np.random.seed(11)
torch.set_num_threads(1)

HOURS = 1000
t = np.arange(HOURS, dtype=np.float64)
rng = np.random.default_rng(11)
outdoor = 12 + 6 * np.sin(2 * np.pi * (t - 6) / 24) + 0.002 * t + rng.normal(0, 0.4, HOURS)
humidity = 60 - 2.5 * (outdoor - 12) + rng.normal(0, 1.5, HOURS)
indoor = np.zeros(HOURS)
indoor[0] = 20
for i in range(1, HOURS):
    indoor[i] = indoor[i - 1] + 0.15 * (outdoor[i - 1] - indoor[i - 1]) + 0.3 + rng.normal(0, 0.15)
data = np.stack([indoor, outdoor, humidity], axis=1).astype(np.float32)   # (T, 3)

LOOK, HOR = 24, 6
n_train = int(0.8 * HOURS)
mean = data[:n_train].mean(0)
std = data[:n_train].std(0)
norm = (data - mean) / std


def to_windows(arr, first, last):
    xs = [arr[i:i + LOOK] for i in range(first, last - LOOK - HOR + 1)]
    ys = [arr[i + LOOK:i + LOOK + HOR, 0] for i in range(first, last - LOOK - HOR + 1)]
    return torch.tensor(np.array(xs)), torch.tensor(np.array(ys))


xtr, ytr = to_windows(norm, 0, n_train)
xva, yva = to_windows(norm, n_train - LOOK, HOURS)


class Forecaster(nn.Module):
    def __init__(self, n_in=3, hidden=32, horizon=HOR):
        super().__init__()
        self.gru = nn.GRU(n_in, hidden, batch_first=True)
        self.head = nn.Sequential(nn.Linear(hidden, 32), nn.ReLU(), nn.Linear(32, horizon))

    def forward(self, x):
        out, _ = self.gru(x)
        return self.head(out[:, -1])


model = Forecaster()
optim = torch.optim.Adam(model.parameters(), lr=4e-3)
step_lr = torch.optim.lr_scheduler.StepLR(optim, step_size=8, gamma=0.5)
mse = nn.MSELoss()
MICRO, ACCUM, EPOCHS = 16, 4, 20

for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(xtr), generator=g)
    chunks = list(perm.split(MICRO))
    optim.zero_grad()
    total = 0.0
    for k, idx in enumerate(chunks):
        loss = mse(model(xtr[idx]), ytr[idx])
        (loss / ACCUM).backward()
        total += loss.item()
        if (k + 1) % ACCUM == 0 or (k + 1) == len(chunks):
            nn.utils.clip_grad_norm_(model.parameters(), 2.0)
            optim.step()
            optim.zero_grad()
    step_lr.step()

    model.eval()
    with torch.no_grad():
        vp = model(xva)
    val_rmse = math.sqrt(mse(vp, yva).item()) * std[0]
    print(f"epoch {epoch + 1}/{EPOCHS}: train RMSE {math.sqrt(total / len(chunks)) * std[0]:.3f} degC, "
          f"val RMSE {val_rmse:.3f} degC, lr {step_lr.get_last_lr()[0]:.4f}")

model.eval()
with torch.no_grad():
    vp = model(xva) * std[0] + mean[0]
truth = yva * std[0] + mean[0]
last = (xva[:, -1, 0] * std[0] + mean[0]).unsqueeze(1).expand_as(truth)
print(f"final: val MAE {(vp - truth).abs().mean():.3f}  RMSE {((vp - truth) ** 2).mean().sqrt():.3f} degC")
print(f"naive last-value: MAE {(last - truth).abs().mean():.3f}  RMSE {((last - truth) ** 2).mean().sqrt():.3f} degC")
