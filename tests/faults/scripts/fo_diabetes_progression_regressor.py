import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes

np.random.seed(8)
torch.manual_seed(8)
rng = np.random.RandomState(8)

raw = load_diabetes(scaled=False)
X, y = raw.data.astype(np.float64), raw.target.astype(np.float64)
n = len(y)
site = rng.randint(0, 90, n)
X[rng.rand(*X.shape) < 0.05] = np.nan
sex = X[:, 1].copy()
Xn = np.delete(X, 1, axis=1)

perm_sites = rng.permutation(np.unique(site))
val_sites = perm_sites[:20]
va = np.isin(site, val_sites)
tr = ~va

print("[data] X", Xn.shape, "train", int(tr.sum()), "val", int(va.sum()))
print("[data] missing per col", np.round(np.isnan(Xn).mean(0), 3))
print("[data] target mean/std train %.1f / %.1f" % (y[tr].mean(), y[tr].std()))

# skewed serum columns -> log1p; clip; impute; standardise (train stats only)
skew = [4, 5, 6]                      # s2, s3, s4 after dropping sex
Xn[:, skew] = np.log1p(np.clip(Xn[:, skew], 0, None))
ind = np.isnan(Xn).astype(np.float32)
med = np.nanmedian(Xn[tr], 0)
Xn = np.where(np.isnan(Xn), med, Xn)
lo, hi = np.percentile(Xn[tr], [1, 99], axis=0)
Xn = np.clip(Xn, lo, hi)
Xn = (Xn - Xn[tr].mean(0)) / Xn[tr].std(0)
sex_code = np.where(np.isnan(sex), 0, sex).astype(np.int64)   # 0 = unknown, 1, 2
feats = np.hstack([Xn, ind[:, ind[tr].sum(0) > 0]]).astype(np.float32)

y_mu, y_sd = y[tr].mean(), y[tr].std()
yz = ((y - y_mu) / y_sd).astype(np.float32)


class ProgressionNet(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.sex = nn.Embedding(3, 2)
        self.f = nn.Sequential(nn.Linear(d + 2, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 16),
                               nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x, s):
        return self.f(torch.cat([x, self.sex(s)], 1)).squeeze(-1)


xt, st, yt = torch.tensor(feats[tr]), torch.tensor(sex_code[tr]), torch.tensor(yz[tr])
xv, sv, yv = torch.tensor(feats[va]), torch.tensor(sex_code[va]), torch.tensor(yz[va])

model = ProgressionNet(feats.shape[1])
opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-3)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=4, min_lr=2e-4)
mse = nn.MSELoss()

for epoch in range(60):
    model.train()
    order = torch.randperm(len(yt))
    run = 0.0
    for k in range(0, len(order), 32):
        b = order[k:k + 32]
        opt.zero_grad()
        loss = mse(model(xt[b], st[b]), yt[b])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        run += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        pv = model(xv, sv)
        vloss = mse(pv, yv).item()
    plateau.step(vloss)
    if epoch % 6 == 0 or epoch == 59:
        print(f"epoch {epoch:2d} train_mse {run / len(yt):.4f} val_mse {vloss:.4f} lr {opt.param_groups[0]['lr']:.1e}")

pred = pv.numpy() * y_sd + y_mu
true = yv.numpy() * y_sd + y_mu
r2 = 1 - ((pred - true) ** 2).sum() / ((true - true.mean()) ** 2).sum()
print(f"val MAE {np.abs(pred - true).mean():.1f}  val R2 {r2:.3f}")
