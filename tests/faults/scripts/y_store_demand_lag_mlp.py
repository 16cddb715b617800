# Daily demand for a handful of stores: lag + calendar features -> next 7 days.
import numpy as np
import torch
from torch import nn
from sklearn.preprocessing import StandardScaler

rs = np.random.RandomState(42)
torch.manual_seed(42)
torch.set_num_threads(1)

n_stores, n_days = 5, 600
LAGS = [1, 2, 3, 7, 14, 21, 28]
H = 7
day = np.arange(n_days)
dow = day % 7
base = rs.uniform(80, 150, size=n_stores)
dow_effect = np.array([0.9, 0.85, 0.95, 1.0, 1.15, 1.35, 1.2])
demand = np.zeros((n_stores, n_days))
for s in range(n_stores):
    yearly = 1 + 0.15 * np.sin(2 * np.pi * day / 365 + s)
    growth = 1 + 0.0004 * day
    demand[s] = base[s] * dow_effect[dow] * yearly * growth * rs.lognormal(0, 0.06, n_days)


def build(s, t_lo, t_hi):
    """features for forecast origins t in [t_lo, t_hi): use data up to t-1, predict t..t+H-1"""
    rows, targets = [], []
    for t in range(max(t_lo, max(LAGS)), t_hi - H + 1):
        lags = [demand[s, t - l] for l in LAGS]
        roll7 = demand[s, t - 7:t].mean()
        cal = [np.sin(2 * np.pi * dow[t] / 7), np.cos(2 * np.pi * dow[t] / 7),
               np.sin(2 * np.pi * day[t] / 365), np.cos(2 * np.pi * day[t] / 365)]
        store = np.eye(n_stores)[s]
        rows.append(np.concatenate([lags, [roll7], cal, store]))
        targets.append(demand[s, t:t + H])
    return np.array(rows), np.array(targets)


SPLIT_DAY = 480
tr = [build(s, 0, SPLIT_DAY) for s in range(n_stores)]
va = [build(s, SPLIT_DAY, n_days) for s in range(n_stores)]
Xtr = np.vstack([a for a, _ in tr]); Ytr = np.vstack([b for _, b in tr])
Xva = np.vstack([a for a, _ in va]); Yva = np.vstack([b for _, b in va])

x_scaler = StandardScaler().fit(Xtr)
y_mu, y_sd = Ytr.mean(), Ytr.std()
Xtr_t = torch.tensor(x_scaler.transform(Xtr), dtype=torch.float32)
Xva_t = torch.tensor(x_scaler.transform(Xva), dtype=torch.float32)
Ytr_t = torch.tensor((Ytr - y_mu) / y_sd, dtype=torch.float32)
Yva_t = torch.tensor((Yva - y_mu) / y_sd, dtype=torch.float32)
print(f"X train {Xtr_t.shape}, X val {Xva_t.shape}")

model = nn.Sequential(
    nn.Linear(Xtr_t.shape[1], 96), nn.GELU(), nn.Dropout(0.1),
    nn.Linear(96, 96), nn.GELU(), nn.Dropout(0.1),
    nn.Linear(96, H),
)
epochs = 30
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-3)
cosine = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs, eta_min=1e-5)
crit = nn.L1Loss()


def smape(pred, true):
    return 100 * np.mean(2 * np.abs(pred - true) / (np.abs(pred) + np.abs(true)))


for ep in range(epochs):
    model.train()
    order = torch.randperm(len(Xtr_t))
    losses = []
    for b in order.split(64):
        opt.zero_grad()
        l = crit(model(Xtr_t[b]), Ytr_t[b])
        l.backward()
        opt.step()
        losses.append(l.item())
    cosine.step()
    model.eval()
    with torch.no_grad():
        pv = model(Xva_t).numpy() * y_sd + y_mu
    print(f"ep {ep:2d} train_l1 {np.mean(losses):.4f} val sMAPE {smape(pv, Yva):.2f}%")

model.eval()
with torch.no_grad():
    pv = model(Xva_t).numpy() * y_sd + y_mu
    pt = model(Xtr_t).numpy() * y_sd + y_mu
naive = np.repeat(Xva[:, [0]], H, axis=1)          # lag-1 value carried forward
seasonal_naive = np.stack([Xva[:, LAGS.index(7)]] * H, axis=1)
print(f"train sMAPE {smape(pt, Ytr):.2f}%  val sMAPE {smape(pv, Yva):.2f}%  "
      f"val MAE {np.abs(pv - Yva).mean():.2f}")
print(f"naive last-value sMAPE {smape(naive, Yva):.2f}%")
