"""Solar PV output: forecast the next 24 hours from the previous 4 days (hourly).
Only the plant's first ~3 weeks of history are available for training."""
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

np.random.seed(99)
torch.manual_seed(99)
torch.set_num_threads(1)

rng = np.random.default_rng(99)
hours = np.arange(24 * 40)
sun = np.clip(np.sin(2 * np.pi * ((hours % 24) - 6) / 24), 0, None)
cloud = np.zeros(len(hours))
for i in range(1, len(hours)):
    cloud[i] = 0.95 * cloud[i - 1] + rng.normal(0, 0.08)
cloud = np.clip(0.5 + cloud, 0.05, 1.0)
pv = 5.0 * sun * cloud + rng.normal(0, 0.25, len(hours))

LB, HZ = 96, 24
TRAIN_END = 24 * 26
m, s = pv[:TRAIN_END].mean(), pv[:TRAIN_END].std()
pvz = (pv - m) / s


def windows(lo, hi):
    X = np.array([pvz[i:i + LB] for i in range(lo, hi - LB - HZ + 1)])
    Y = np.array([pvz[i + LB:i + LB + HZ] for i in range(lo, hi - LB - HZ + 1)])
    return torch.tensor(X, dtype=torch.float32), torch.tensor(Y, dtype=torch.float32)


Xtr, Ytr = windows(0, TRAIN_END)
Xva, Yva = windows(TRAIN_END - LB, len(pv))
print("train", Xtr.shape, "val", Xva.shape)

model = nn.Sequential(nn.Linear(LB, 384), nn.ReLU(),
                      nn.Linear(384, 384), nn.ReLU(),
                      nn.Linear(384, 384), nn.ReLU(),
                      nn.Linear(384, HZ))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
dl = DataLoader(TensorDataset(Xtr, Ytr), batch_size=32, shuffle=True)
mse = nn.MSELoss()

for epoch in range(1, 61):
    model.train()
    agg = 0.0
    for xb, yb in dl:
        opt.zero_grad()
        loss = mse(model(xb), yb)
        loss.backward()
        opt.step()
        agg += loss.item() * len(xb)
    model.eval()
    with torch.no_grad():
        vloss = mse(model(Xva), Yva).item()
    if epoch % 5 == 0 or epoch <= 3:
        print(f"epoch {epoch:3d}  train mse {agg / len(Xtr):.4f}  val mse {vloss:.4f}")

model.eval()
with torch.no_grad():
    p_tr = model(Xtr) * s + m
    p_va = model(Xva) * s + m
y_tr, y_va = Ytr * s + m, Yva * s + m
yesterday = Xva[:, -24:] * s + m            # same hour yesterday
last = (Xva[:, -1:] * s + m).expand_as(y_va)
print(f"train MAE {(p_tr - y_tr).abs().mean():.3f} kW   val MAE {(p_va - y_va).abs().mean():.3f} kW   "
      f"val RMSE {((p_va - y_va) ** 2).mean().sqrt():.3f} kW")
print(f"naive last-value MAE {(last - y_va).abs().mean():.3f} kW   "
      f"same-hour-yesterday MAE {(yesterday - y_va).abs().mean():.3f} kW")
