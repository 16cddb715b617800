#!/usr/bin/env python
# Classify the damping regime of a simulated oscillator from a short, noisy
# displacement record (light / moderate / heavy damping).
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split

rng = np.random.default_rng(42)
torch.manual_seed(42)
torch.set_num_threads(1)


def simulate(n, n_samples=24, dt=0.1, sub=10):
    omega = rng.uniform(1.5, 3.0, n)
    zeta = np.concatenate([rng.uniform(0.02, 0.3, int(n * 0.5)),
                           rng.uniform(0.3, 1.0, int(n * 0.3)),
                           rng.uniform(1.0, 2.5, n - int(n * 0.5) - int(n * 0.3))])
    x = rng.uniform(0.5, 1.5, n)
    v = rng.uniform(-1.0, 1.0, n)
    h = dt / sub
    rec = np.empty((n, n_samples))
    for j in range(n_samples):
        rec[:, j] = x
        for _ in range(sub):                  # semi-implicit Euler
            v = v + h * (-2 * zeta * omega * v - omega ** 2 * x)
            x = x + h * v
    rec += rng.normal(0, 0.03, rec.shape)
    label = np.digitize(zeta, [0.3, 1.0])
    return rec.astype(np.float32), label


X, y = simulate(2400)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-8
X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd
print("class counts (train):", np.bincount(y_tr))

Xt, yt = torch.from_numpy(X_tr), torch.from_numpy(y_tr).long()
Xv, yv = torch.from_numpy(X_va), torch.from_numpy(y_va).long()

counts = np.bincount(y_tr, minlength=3)
w = torch.tensor(len(y_tr) / (3 * counts), dtype=torch.float32)


class RegimeNet(nn.Module):
    def __init__(self, d_in, h=64, p=0.2):
        super().__init__()
        self.fc1 = nn.Linear(d_in, h)
        self.fc2 = nn.Linear(h, h)
        self.out = nn.Linear(h, 3)
        self.drop = nn.Dropout(p)

    def forward(self, x):
        x = self.drop(F.relu(self.fc1(x)))
        x = self.drop(F.relu(self.fc2(x)))
        return self.out(x)


model = RegimeNet(X_tr.shape[1])
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
bs = 64
best_val, best_state, bad, patience = float("inf"), None, 0, 6

for epoch in range(60):
    model.train()
    perm = torch.randperm(len(Xt))
    total = 0.0
    for i in range(0, len(perm), bs):
        idx = perm[i:i + bs]
        optimizer.zero_grad()
        loss = F.cross_entropy(model(Xt[idx]), yt[idx], weight=w)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        logits = model(Xv)
        vloss = F.cross_entropy(logits, yv, weight=w).item()
        vacc = (logits.argmax(1) == yv).float().mean().item()
    print(f"epoch {epoch:02d} train_loss {total / len(Xt):.4f} val_loss {vloss:.4f} val_acc {vacc:.3f}")
    if vloss < best_val - 1e-4:
        best_val, bad = vloss, 0
        best_state = {k: v.clone() for k, v in model.state_dict().items()}
    else:
        bad += 1
        if bad >= patience:
            print(f"early stopping at epoch {epoch}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    pred = model(Xv).argmax(1).numpy()
    tr_pred = model(Xt).argmax(1).numpy()
print(f"train acc {np.mean(tr_pred == y_tr):.3f}")
print(f"val acc {np.mean(pred == y_va):.3f}  balanced acc {balanced_accuracy_score(y_va, pred):.3f}")
