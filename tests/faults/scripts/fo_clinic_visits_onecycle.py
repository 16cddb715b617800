"""Clinic visits: breast-cancer panel with gaps, class-weighted MLP, OneCycle, early stopping."""
import copy
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_breast_cancer

rng = np.random.default_rng(4)
torch.manual_seed(4)

data = load_breast_cancer()
X = data.data.copy()
y = data.target.astype(np.int64)
n = len(y)
clinic_patient = rng.integers(0, 250, n)
X[rng.random(X.shape) < 0.06] = np.nan
X[:, :4] *= rng.lognormal(0, 0.05, (n, 4))

pids = rng.permutation(np.unique(clinic_patient))
va = np.isin(clinic_patient, pids[:75])
tr = ~va
assert not set(clinic_patient[tr]) & set(clinic_patient[va])

print("audit | rows", n, "train", tr.sum(), "val", va.sum())
print("audit | missing fraction %.3f" % np.isnan(X).mean())
print("audit | class counts train", np.bincount(y[tr]), "val", np.bincount(y[va]))

skew_cols = np.where(np.nanmedian(X[tr], 0) > 20)[0]
X[:, skew_cols] = np.log1p(X[:, skew_cols])
miss = np.isnan(X)
med = np.nanmedian(X[tr], 0)
X = np.where(miss, med, X)
lo, hi = np.quantile(X[tr], [0.01, 0.99], axis=0)
X = np.clip(X, lo, hi)
X = (X - X[tr].mean(0)) / (X[tr].std(0) + 1e-8)
X = np.hstack([X, miss[:, miss[tr].any(0)]]).astype(np.float32)

Xtr, ytr = torch.tensor(X[tr]), torch.tensor(y[tr])
Xva, yva = torch.tensor(X[va]), torch.tensor(y[va])

counts = np.bincount(y[tr])
weights = torch.tensor(len(y[tr]) / (2 * counts), dtype=torch.float32)
criterion = nn.CrossEntropyLoss(weight=weights)

model = nn.Sequential(nn.Linear(X.shape[1], 32), nn.ReLU(), nn.Dropout(0.3),
                      nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 2))
EPOCHS, BS = 30, 32
steps_per_epoch = (len(ytr) + BS - 1) // BS
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=5e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, epochs=EPOCHS, steps_per_epoch=steps_per_epoch)

best, best_state, patience, bad = float("inf"), None, 8, 0
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(ytr))
    tot = 0.0
    for i in range(0, len(ytr), BS):
        idx = perm[i:i + BS]
        opt.zero_grad()
        loss = criterion(model(Xtr[idx]), ytr[idx])
        loss.backward()
        opt.step()
        sched.step()
        tot += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        out = model(Xva)
        vloss = criterion(out, yva).item()
        vacc = (out.argmax(1) == yva).float().mean().item()
    print(f"epoch {epoch + 1:02d} loss {tot / len(ytr):.4f} val_loss {vloss:.4f} val_acc {vacc:.3f} lr {sched.get_last_lr()[0]:.2e}")
    if vloss < best - 1e-4:
        best, best_state, bad = vloss, copy.deepcopy(model.state_dict()), 0
    else:
        bad += 1
        if bad >= patience:
            print("early stopping")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    pred = model(Xva).argmax(1)
acc = (pred == yva).float().mean().item()
recall = [((pred == c) & (yva == c)).sum().item() / (yva == c).sum().item() for c in (0, 1)]
print(f"best val_loss {best:.4f} | val acc {acc:.3f} | balanced acc {np.mean(recall):.3f}")
