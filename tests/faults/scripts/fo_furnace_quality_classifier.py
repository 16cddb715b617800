"""Pass/fail prediction for furnace batches from the process-historian export."""
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

rng = np.random.default_rng(5)
torch.manual_seed(5)

N = 5000
# historian export: one array per tag
temp = np.sort(rng.uniform(600, 1000, N))
pressure = rng.normal(0, 1, N) + 0.002 * (temp - 800)
humidity = rng.uniform(20, 80, N)
vibration = rng.lognormal(0.0, 0.8, N)
alloy = rng.choice(["A1", "A2", "B1", "B7", "C3", "X9"], N, p=[0.4, 0.3, 0.15, 0.1, 0.04, 0.01])

t = (temp - 800) / 100
margin = pressure - 1.2 * np.sin(2.2 * t) + 0.02 * (humidity - 50) - 0.3 * np.log(vibration) \
    + 0.4 * (alloy == "B7") + rng.normal(0, 0.3, N)
passed = (margin > 0).astype(np.int64)

X = np.column_stack([temp, pressure, humidity, vibration])
X[rng.random(X.shape) < np.array([0.01, 0.06, 0.09, 0.04])] = np.nan

cut = int(0.8 * N)
tr_idx, va_idx = np.arange(cut), np.arange(cut, N)

print("== audit ==")
print("table", X.shape, "| train", len(tr_idx), "| val", len(va_idx))
print("missing rate:", dict(zip(["temp", "pressure", "humidity", "vibration"], np.isnan(X).mean(0).round(3))))
print("pass counts  train:", np.bincount(passed[tr_idx]), "val:", np.bincount(passed[va_idx]))

X[:, 3] = np.log1p(X[:, 3])
ind = np.isnan(X).astype(np.float32)
fill = np.nanmean(X[tr_idx], 0)
X = np.where(np.isnan(X), fill, X)
lo, hi = np.nanquantile(X[tr_idx], [0.005, 0.995], axis=0)
X = np.clip(X, lo, hi)
mu, sigma = X[tr_idx].mean(0), X[tr_idx].std(0)
X = (X - mu) / sigma

freq = {a: int((alloy[tr_idx] == a).sum()) for a in np.unique(alloy)}
alloys = [a for a in sorted(freq) if freq[a] >= 80] + ["other"]
a_idx = np.array([alloys.index(a) if a in alloys else len(alloys) - 1 for a in alloy])
onehot = np.eye(len(alloys), dtype=np.float32)[a_idx]

F = np.hstack([X, ind, onehot]).astype(np.float32)
train = TensorDataset(torch.from_numpy(F[tr_idx]), torch.from_numpy(passed[tr_idx]))
xv, yv = torch.from_numpy(F[va_idx]), torch.from_numpy(passed[va_idx])

model = nn.Sequential(nn.Linear(F.shape[1], 96), nn.ReLU(), nn.Linear(96, 96), nn.ReLU(),
                      nn.Linear(96, 2))
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=30)
ce = nn.CrossEntropyLoss()

for epoch in range(30):
    model.train()
    s, c = 0.0, 0
    for xb, yb in DataLoader(train, batch_size=100, shuffle=True):
        opt.zero_grad()
        loss = ce(model(xb), yb)
        loss.backward()
        opt.step()
        s += loss.item() * len(yb); c += len(yb)
    sched.step()
    model.eval()
    with torch.no_grad():
        out = model(xv)
        vacc = (out.argmax(1) == yv).float().mean().item()
        vloss = ce(out, yv).item()
    if epoch % 3 == 2:
        print(f"epoch {epoch + 1:2d} train_loss {s / c:.4f} val_loss {vloss:.4f} val_acc {vacc:.3f}")

print(f"holdout accuracy: {vacc:.3f}")
