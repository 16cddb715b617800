"""Generated table with high-cardinality categoricals. Out-of-fold target encoding on the training
split (validation encoded with the full-train mapping), class-weighted loss, gradient accumulation."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.model_selection import KFold, train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import balanced_accuracy_score

torch.manual_seed(8)
np.random.seed(8)
torch.set_num_threads(1)
rng = np.random.default_rng(8)

N = 3000
city = rng.integers(0, 40, N)
shop = rng.integers(0, 25, N)
num = rng.normal(size=(N, 4))
city_eff = rng.normal(size=40) * 1.5
shop_eff = rng.normal(size=25)
logit = city_eff[city] + shop_eff[shop] + 1.2 * num[:, 0] - num[:, 1] * num[:, 2] - 1.5
y = (logit + rng.logistic(size=N) * 0.5 > 0).astype(np.int64)

idx_tr, idx_va = train_test_split(np.arange(N), test_size=0.25, random_state=8, stratify=y)


def te_map(codes, target, n_levels, prior, k=10.0):
    cnt = np.bincount(codes, minlength=n_levels)
    s = np.bincount(codes, weights=target, minlength=n_levels)
    return (s + k * prior) / (cnt + k)


def encode(col, n_levels):
    prior = y[idx_tr].mean()
    tr_enc = np.zeros(len(idx_tr))
    for a, b in KFold(5, shuffle=True, random_state=8).split(idx_tr):
        m = te_map(col[idx_tr][a], y[idx_tr][a], n_levels, prior)
        tr_enc[b] = m[col[idx_tr][b]]
    full = te_map(col[idx_tr], y[idx_tr], n_levels, prior)
    return tr_enc, full[col[idx_va]]


c_tr, c_va = encode(city, 40)
s_tr, s_va = encode(shop, 25)
F_tr = np.column_stack([num[idx_tr], c_tr, s_tr])
F_va = np.column_stack([num[idx_va], c_va, s_va])
sc = StandardScaler().fit(F_tr)
Xtr = torch.tensor(sc.transform(F_tr), dtype=torch.float32)
Xva = torch.tensor(sc.transform(F_va), dtype=torch.float32)
ytr, yva = torch.tensor(y[idx_tr]), torch.tensor(y[idx_va])

counts = np.bincount(y[idx_tr])
w = torch.tensor(len(idx_tr) / (2 * counts), dtype=torch.float32)
print("class counts", counts.tolist(), "weights", [round(v, 2) for v in w.tolist()])

model = nn.Sequential(nn.Linear(6, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.1),
                      nn.Linear(64, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Linear(64, 2))
loss_fn = nn.CrossEntropyLoss(weight=w)
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
ACC_STEPS, MICRO = 4, 32

for epoch in range(25):
    model.train()
    perm = torch.randperm(len(Xtr))
    n_micro = len(perm) // MICRO
    opt.zero_grad()
    run = 0.0
    for m in range(n_micro):
        b = perm[m * MICRO:(m + 1) * MICRO]
        loss = loss_fn(model(Xtr[b]), ytr[b]) / ACC_STEPS
        loss.backward()
        run += loss.item() * ACC_STEPS
        if (m + 1) % ACC_STEPS == 0 or m + 1 == n_micro:
            opt.step()
            opt.zero_grad()
    model.eval()
    with torch.no_grad():
        pv = model(Xva).argmax(1)
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1} loss {run / n_micro:.4f} val_acc {(pv == yva).float().mean():.3f} "
              f"val_bal_acc {balanced_accuracy_score(yva, pv):.3f}")

print(f"final balanced accuracy {balanced_accuracy_score(yva, pv):.3f}")
