# Sensor fault classifier: readings from three sensor banks are merged into one table,
# gaps are imputed, skewed channels are log-transformed, and a small MLP is trained.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_classification

np.random.seed(11)
torch.manual_seed(11)

X, y = make_classification(n_samples=6000, n_features=18, n_informative=12, n_redundant=3,
                           n_classes=5, n_clusters_per_class=2, class_sep=1.0, flip_y=0.02,
                           random_state=11)
bank_a, bank_b, bank_c = X[:, :6], X[:, 6:12], X[:, 12:]
bank_c = np.exp(bank_c * 0.6)                # these channels are reported as positive magnitudes
unit_id = np.random.randint(0, 400, size=len(y))
table = np.concatenate([bank_a, bank_b, bank_c], axis=1)
dropout_mask = np.random.rand(*table.shape) < np.linspace(0.0, 0.15, table.shape[1])
table[dropout_mask] = np.nan

# split by unit so a unit never appears in both sets
units = np.random.permutation(np.unique(unit_id))
val_units = units[:80]
val_rows = np.isin(unit_id, val_units)
Xtr_raw, Xva_raw = table[~val_rows], table[val_rows]
ytr, yva = y[~val_rows], y[val_rows]

print("=== data audit ===")
print("train", Xtr_raw.shape, "val", Xva_raw.shape)
print("missing % (train):", np.round(100 * np.isnan(Xtr_raw).mean(0), 1))
print("class counts train:", np.bincount(ytr), " val:", np.bincount(yva))


def prep(a, stats=None):
    a = a.copy()
    a[:, 12:] = np.log1p(a[:, 12:])
    ind = np.isnan(a).astype(np.float32)
    if stats is None:
        fill = np.nanmean(a, axis=0)
        filled = np.where(np.isnan(a), fill, a)
        q_lo, q_hi = np.percentile(filled, [0.5, 99.5], axis=0)
        filled = np.clip(filled, q_lo, q_hi)
        stats = dict(fill=fill, q_lo=q_lo, q_hi=q_hi, mean=filled.mean(0), std=filled.std(0) + 1e-6)
    filled = np.where(np.isnan(a), stats["fill"], a)
    filled = np.clip(filled, stats["q_lo"], stats["q_hi"])
    filled = (filled - stats["mean"]) / stats["std"]
    return np.hstack([filled, ind]).astype(np.float32), stats


Xtr, stats = prep(Xtr_raw)
Xva, _ = prep(Xva_raw, stats)
Xtr_t, ytr_t = torch.tensor(Xtr), torch.tensor(ytr)
Xva_t, yva_t = torch.tensor(Xva), torch.tensor(yva)

net = nn.Sequential(
    nn.Linear(Xtr.shape[1], 128), nn.ReLU(),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 5),
)
opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, nesterov=True)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.1)

EPOCHS, BS = 40, 128
n = len(Xtr_t)
for ep in range(EPOCHS):
    net.train()
    perm = torch.randperm(n)
    running = 0.0
    for i in range(0, n, BS):
        idx = perm[i:i + BS]
        opt.zero_grad()
        loss = F.cross_entropy(net(Xtr_t[idx]), ytr_t[idx])
        loss.backward()
        opt.step()
        sched.step()
        running += loss.item() * len(idx)
    net.eval()
    with torch.no_grad():
        out = net(Xva_t)
        vloss = F.cross_entropy(out, yva_t).item()
        vacc = (out.argmax(1) == yva_t).float().mean().item()
    if ep % 5 == 0 or ep == EPOCHS - 1:
        print(f"ep {ep:2d} | train {running / n:.4f} | val {vloss:.4f} | acc {vacc:.3f}")

print(f"validation accuracy: {vacc:.3f}")
