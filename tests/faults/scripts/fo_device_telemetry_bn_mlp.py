# Device telemetry anomaly classes: two latent sensor channels (moons) + noisy side channels.
import math
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import make_moons

np.random.seed(42)
torch.manual_seed(42)
r = np.random.default_rng(42)

core, label = make_moons(n_samples=3000, noise=0.22, random_state=42)
label = label.astype(np.int64)
N = len(label)
device_id = r.integers(0, 500, N)
firmware = r.choice(["v1", "v2", "v3", "beta", "rc9"], N, p=[0.45, 0.35, 0.17, 0.02, 0.01])
side = np.column_stack([r.exponential(30.0, N), r.normal(0, 1, N), r.lognormal(1, 1.2, N)])
tele = np.hstack([core, side])
tele[r.random(tele.shape) < np.array([0.03, 0.03, 0.1, 0.05, 0.08])] = np.nan

devs = r.permutation(np.unique(device_id))
val_dev = devs[:100]
is_val = np.isin(device_id, val_dev)
i_tr, i_va = np.flatnonzero(~is_val), np.flatnonzero(is_val)

print("audit :: telemetry", tele.shape, "train", i_tr.size, "val", i_va.size)
print("audit :: missing", np.isnan(tele).mean(0).round(3))
print("audit :: labels train", np.bincount(label[i_tr]), "val", np.bincount(label[i_va]))
print("audit :: firmware train counts", {f: int((firmware[i_tr] == f).sum()) for f in np.unique(firmware)})

tele[:, [2, 4]] = np.log1p(tele[:, [2, 4]])
holes = np.isnan(tele)
tele = np.where(holes, np.nanmedian(tele[i_tr], 0), tele)
lo, hi = np.quantile(tele[i_tr], 0.005, 0), np.quantile(tele[i_tr], 0.995, 0)
tele = np.clip(tele, lo, hi)
tele = (tele - tele[i_tr].mean(0)) / tele[i_tr].std(0)
fw_keep = [f for f in np.unique(firmware) if (firmware[i_tr] == f).sum() >= 50]
fw = np.array([fw_keep.index(f) if f in fw_keep else len(fw_keep) for f in firmware])
fw_onehot = np.eye(len(fw_keep) + 1)[fw]
Z = np.hstack([tele, holes, fw_onehot]).astype(np.float32)

tr_loader = DataLoader(TensorDataset(torch.tensor(Z[i_tr]), torch.tensor(label[i_tr])),
                       batch_size=64, shuffle=True, drop_last=True)
Xv, yv = torch.tensor(Z[i_va]), torch.tensor(label[i_va])

model = nn.Sequential(
    nn.Linear(Z.shape[1], 64), nn.BatchNorm1d(64), nn.ReLU(),
    nn.Linear(64, 64), nn.BatchNorm1d(64), nn.ReLU(),
    nn.Linear(64, 2),
)
EPOCHS = 30
total_steps = EPOCHS * len(tr_loader)
warmup = 50
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=1e-4)
lr_lambda = lambda s: (s + 1) / warmup if s < warmup else 0.5 * (1 + math.cos(math.pi * (s - warmup) / (total_steps - warmup)))
sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
crit = nn.CrossEntropyLoss(label_smoothing=0.05)

for epoch in range(EPOCHS):
    model.train()
    losses = []
    for xb, yb in tr_loader:
        opt.zero_grad()
        loss = crit(model(xb), yb)
        loss.backward()
        opt.step()
        sched.step()
        losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        out = model(Xv)
        acc = (out.argmax(1) == yv).float().mean().item()
    if epoch % 3 == 0 or epoch == EPOCHS - 1:
        print(f"epoch {epoch + 1:2d} loss {np.mean(losses):.4f} lr {sched.get_last_lr()[0]:.4f} val_acc {acc:.3f}")

print(f"final val acc {acc:.3f}")
