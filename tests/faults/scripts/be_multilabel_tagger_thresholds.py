"""Multi-label attribute tagger on synthetic sensor features.

Per-label decision thresholds are tuned on the validation split.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import f1_score, hamming_loss

torch.manual_seed(0)
np.random.seed(0)

N, D, L = 3000, 24, 6
rng = np.random.default_rng(0)
W_true = rng.normal(size=(D, L))
X = rng.normal(size=(N, D))
logits_true = X @ W_true / np.sqrt(D) * 3.0 + rng.normal(scale=0.5, size=(N, L))
Y = (logits_true > 0.6).astype(np.float32)
# sensors report on their own physical scale
X = X * rng.uniform(5, 40, size=D) + rng.uniform(50, 300, size=D)

perm = rng.permutation(N)
tr, va = perm[:2400], perm[2400:]
X_tr, X_va, Y_tr, Y_va = X[tr], X[va], Y[tr], Y[va]

mu = X_tr.mean(axis=0)
sd = X_tr.std(axis=0) + 1e-8
X_tr = (X_tr - mu) / sd
X_va = (X_va - X_va.min(axis=0)) / (X_va.max(axis=0) - X_va.min(axis=0))

Xtr_t = torch.tensor(X_tr, dtype=torch.float32)
Ytr_t = torch.tensor(Y_tr)
Xva_t = torch.tensor(X_va, dtype=torch.float32)

model = nn.Sequential(
    nn.Linear(D, 64), nn.ReLU(),
    nn.Dropout(0.1),
    nn.Linear(64, 64), nn.ReLU(),
    nn.Linear(64, L),
)
pos = Ytr_t.mean(0).clamp(0.05, 0.95)
crit = nn.BCEWithLogitsLoss(pos_weight=(1 - pos) / pos)
opt = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-5)

bs = 64
for epoch in range(15):
    model.train()
    idx = torch.randperm(len(Xtr_t))
    tot = 0.0
    for i in range(0, len(idx), bs):
        b = idx[i:i + bs]
        opt.zero_grad()
        loss = crit(model(Xtr_t[b]), Ytr_t[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    if epoch % 5 == 0 or epoch == 14:
        print(f"epoch {epoch:2d}  train loss {tot / len(idx):.4f}")

model.eval()
with torch.no_grad():
    p_va = torch.sigmoid(model(Xva_t)).numpy()

# pick one threshold per label on validation
grid = np.linspace(0.05, 0.95, 19)
thr = np.zeros(L)
for j in range(L):
    scores = [f1_score(Y_va[:, j], p_va[:, j] > t, zero_division=0) for t in grid]
    thr[j] = grid[int(np.argmax(scores))]
pred = (p_va > thr).astype(int)
print("thresholds:", np.round(thr, 2))
print(f"val micro-F1 {f1_score(Y_va, pred, average='micro'):.3f}  "
      f"macro-F1 {f1_score(Y_va, pred, average='macro', zero_division=0):.3f}  "
      f"hamming {hamming_loss(Y_va, pred):.3f}")
