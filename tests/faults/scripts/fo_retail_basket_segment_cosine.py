# Retail basket segmentation: transaction aggregates + store category, 4 segments.
import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader
from sklearn.datasets import make_classification

SEED = 99
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

base, segment = make_classification(n_samples=4000, n_features=10, n_informative=7, n_redundant=2,
                                    n_classes=4, n_clusters_per_class=1, class_sep=1.3, random_state=SEED)
segment = segment.astype(np.int64)
spend = np.exp(1.2 * base[:, 0] + 4.0)           # money-like, heavy tail
visits = np.round(np.exp(0.5 * base[:, 1] + 1.5))
other = base[:, 2:]
n_stores = 40
store_pop = rng.dirichlet(np.ones(n_stores) * 0.5)
store = rng.choice(n_stores, size=len(segment), p=store_pop)
shopper = rng.integers(0, 900, size=len(segment))

num = np.column_stack([spend, visits, other])
num[rng.random(num.shape) < 0.05] = np.nan
num[rng.random(len(num)) < 0.01, 0] *= 50        # a few data-entry outliers

uniq = rng.permutation(np.unique(shopper))
val_shoppers = set(uniq[:180].tolist())
is_val = np.array([s in val_shoppers for s in shopper])
tr_rows, va_rows = np.where(~is_val)[0], np.where(is_val)[0]

print("audit> numeric block", num.shape, "store ids", n_stores)
print("audit> train/val rows", len(tr_rows), len(va_rows))
print("audit> missing %", np.round(np.isnan(num[tr_rows]).mean(0) * 100, 1))
print("audit> segment counts train", np.bincount(segment[tr_rows]), "val", np.bincount(segment[va_rows]))

num[:, :2] = np.log1p(num[:, :2])
was_missing = np.isnan(num)
fill_vals = np.nanmean(num[tr_rows], axis=0)
num = np.where(was_missing, fill_vals, num)
q_lo = np.quantile(num[tr_rows], 0.01, axis=0)
q_hi = np.quantile(num[tr_rows], 0.99, axis=0)
num = np.clip(num, q_lo, q_hi)
center, scale = num[tr_rows].mean(0), num[tr_rows].std(0)
num = (num - center) / scale
num = np.hstack([num, was_missing.astype(float)]).astype(np.float32)

store_counts = np.bincount(store[tr_rows], minlength=n_stores)
frequent = np.where(store_counts >= 30)[0]
store_code = {s: i for i, s in enumerate(frequent)}
OTHER = len(store_code)
store_idx = np.array([store_code.get(s, OTHER) for s in store], dtype=np.int64)
print(f"audit> {len(frequent)} stores kept, {n_stores - len(frequent)} bucketed into 'other'")


class SegmentNet(nn.Module):
    def __init__(self, n_num, n_store, emb=6, hidden=128, p=0.2):
        super().__init__()
        self.store = nn.Embedding(n_store, emb)
        self.net = nn.Sequential(
            nn.Linear(n_num + emb, hidden), nn.ReLU(), nn.Dropout(p),
            nn.Linear(hidden, hidden // 2), nn.ReLU(), nn.Dropout(p),
            nn.Linear(hidden // 2, 4))

    def forward(self, x, s):
        return self.net(torch.cat([x, self.store(s)], 1))


ds_tr = TensorDataset(torch.from_numpy(num[tr_rows]), torch.from_numpy(store_idx[tr_rows]),
                      torch.from_numpy(segment[tr_rows]))
ds_va = TensorDataset(torch.from_numpy(num[va_rows]), torch.from_numpy(store_idx[va_rows]),
                      torch.from_numpy(segment[va_rows]))
dl_tr = DataLoader(ds_tr, batch_size=64, shuffle=True)
dl_va = DataLoader(ds_va, batch_size=512)

model = SegmentNet(num.shape[1], OTHER + 1)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.02)
EPOCHS = 25
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS, eta_min=1e-5)
loss_fn = nn.CrossEntropyLoss()


def run_eval():
    model.eval()
    hits, tot, ls = 0, 0, 0.0
    with torch.no_grad():
        for x, s, t in dl_va:
            o = model(x, s)
            ls += loss_fn(o, t).item() * len(t)
            hits += (o.argmax(1) == t).sum().item()
            tot += len(t)
    return ls / tot, hits / tot


for ep in range(EPOCHS):
    model.train()
    acc_loss, m = 0.0, 0
    for x, s, t in dl_tr:
        opt.zero_grad()
        loss = loss_fn(model(x, s), t)
        loss.backward()
        opt.step()
        acc_loss += loss.item() * len(t)
        m += len(t)
    sched.step()
    vl, va = run_eval()
    print(f"ep {ep + 1:2d}/{EPOCHS} lr={sched.get_last_lr()[0]:.2e} train_loss={acc_loss / m:.4f} val_loss={vl:.4f} val_acc={va:.3f}")

print(f"done. validation accuracy = {va:.3f}")
