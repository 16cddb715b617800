import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import TensorDataset, DataLoader

torch.manual_seed(1)
torch.set_num_threads(1)
rng = np.random.default_rng(1)

# generated multi-label problem: 6 event flags driven by nonlinear combinations of 12 sensors
N, D, K = 4000, 12, 6
X = rng.normal(size=(N, D)).astype(np.float32) * rng.uniform(0.5, 3.0, size=D).astype(np.float32) + 2.0
A = rng.normal(size=(D, K))
B = rng.normal(size=(D, K))
Xc = (X - 2.0) / X.std(0)
Y = ((np.tanh(Xc @ A) + 0.5 * (Xc @ B) ** 2 / D + 0.3 * rng.normal(size=(N, K))) > 0.4).astype(np.float32)
print("positive rate per label:", Y.mean(0).round(2))

perm = rng.permutation(N)
tr_idx, va_idx = perm[:3200], perm[3200:]
mu, sd = X[tr_idx].mean(0), X[tr_idx].std(0)
X_tr, X_va = (X[tr_idx] - mu) / sd, (X[va_idx] - mu) / sd
Y_tr, Y_va = Y[tr_idx], Y[va_idx]

loader = DataLoader(TensorDataset(torch.from_numpy(X_tr), torch.from_numpy(Y_tr)), batch_size=64, shuffle=True)
Xv, Yv = torch.from_numpy(X_va), torch.from_numpy(Y_va)

net = nn.Sequential(nn.Linear(D, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, K))
opt = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-5)
bce = nn.BCEWithLogitsLoss()

for epoch in range(25):
    net.train()
    tot = 0.0
    for xb, yb in loader:
        opt.zero_grad()
        loss = bce(net(xb), yb)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), max_norm=1.0)
        opt.step()
        tot += loss.item() * len(xb)
    net.eval()
    with torch.no_grad():
        logits = net(Xv)
        vloss = bce(logits, Yv).item()
        pred = (logits > 0).float()
        tp = (pred * Yv).sum(0)
        f1 = (2 * tp / (pred.sum(0) + Yv.sum(0)).clamp(min=1)).mean().item()
        hamming_acc = (pred == Yv).float().mean().item()
    if epoch % 4 == 0 or epoch == 24:
        print(f"epoch {epoch:2d} train bce {tot / len(X_tr):.4f} val bce {vloss:.4f} macro-F1 {f1:.3f} label acc {hamming_acc:.3f}")

print(f"final macro-F1 {f1:.3f}  label accuracy {hamming_acc:.3f}")
