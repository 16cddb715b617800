# Sensor-fault classifier (4 fault types) -- MLP, OneCycle, grad clipping.
# Column 1 is the operating-hours counter of the unit that logged the record.
import time

import numpy as np
import torch
from torch import nn
from sklearn.datasets import make_classification

torch.set_num_threads(1)
torch.backends.mkldnn.enabled = True
SEED = 1
torch.manual_seed(SEED)
np.random.seed(SEED)

X, y = make_classification(n_samples=3000, n_features=16, n_informative=10, n_classes=4,
                           n_clusters_per_class=2, random_state=SEED)
X = X.astype(np.float32)

# hold out the most recent records
order = np.argsort(X[:, 1], kind="stable")
cut = int(0.75 * len(order))
tr_idx, va_idx = order[:cut], order[cut:]
X_tr, y_tr = X[tr_idx], y[tr_idx]
X_va, y_va = X[va_idx], y[va_idx]

mu = X_tr.mean(0, keepdims=True)
sigma = X_tr.std(0, keepdims=True) + 1e-6
X_tr = torch.from_numpy((X_tr - mu) / sigma)
X_va = torch.from_numpy((X_va - mu) / sigma)
y_tr = torch.from_numpy(y_tr).long()
y_va = torch.from_numpy(y_va).long()

model = nn.Sequential(
    nn.Linear(16, 128), nn.ReLU(inplace=True), nn.Dropout(0.1),
    nn.Linear(128, 128), nn.ReLU(inplace=True), nn.Dropout(0.1),
    nn.Linear(128, 4),
)
EPOCHS, BS = 40, 128
steps = (len(X_tr) + BS - 1) // BS
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2, foreach=True)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=EPOCHS * steps)
crit = nn.CrossEntropyLoss()


def acc_on(xs, ys):
    model.eval()
    with torch.no_grad():
        return (model(xs).argmax(1) == ys).float().mean().item()


t0 = time.time()
for ep in range(1, EPOCHS + 1):
    model.train()
    perm = torch.randperm(len(X_tr))
    run = 0.0
    for k in range(steps):
        idx = perm[k * BS:(k + 1) * BS]
        opt.zero_grad(set_to_none=True)
        loss = crit(model(X_tr[idx]), y_tr[idx])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0, foreach=True)
        opt.step()
        sched.step()
        run += loss.item() * len(idx)
    if ep % 5 == 0 or ep == 1:
        print(f"ep {ep:02d} | loss {run / len(X_tr):.4f} | train_acc {acc_on(X_tr, y_tr):.3f} | "
              f"val_acc {acc_on(X_va, y_va):.3f}")

print(f"validation accuracy: {acc_on(X_va, y_va):.4f} ({time.time() - t0:.1f}s)")
