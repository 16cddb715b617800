"""Tumour registry: merge lab panels from two sources, clean, train an MLP classifier."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_breast_cancer


def seed_all(s):
    np.random.seed(s)
    torch.manual_seed(s)
    return np.random.default_rng(s)


rng = seed_all(0)
bc = load_breast_cancer()
n = bc.data.shape[0]

# two lab panels exported separately plus a patient id column
panel_a = bc.data[:, :15].copy()
panel_b = bc.data[:, 15:].copy()
patient = rng.integers(0, 200, n)
labels = bc.target.astype(np.int64)

# registry rows arrive in random order; reorder the merged table by an intake permutation
intake = rng.permutation(n)
table = np.hstack([panel_a, panel_b])[intake]
patient = patient[intake]
table = table * rng.normal(1.0, 0.03, table.shape)
table[rng.random(table.shape) < 0.07] = np.nan


class Preprocessor:
    def fit(self, X):
        self.skewed = np.where(np.nanmax(X, 0) > 50)[0]
        Xl = X.copy()
        Xl[:, self.skewed] = np.log1p(Xl[:, self.skewed])
        self.median = np.nanmedian(Xl, 0)
        filled = np.where(np.isnan(Xl), self.median, Xl)
        self.lo, self.hi = np.quantile(filled, 0.01, 0), np.quantile(filled, 0.99, 0)
        filled = np.clip(filled, self.lo, self.hi)
        self.mu, self.sd = filled.mean(0), filled.std(0) + 1e-8
        return self

    def transform(self, X):
        ind = np.isnan(X).astype(np.float32)
        Xl = X.copy()
        Xl[:, self.skewed] = np.log1p(Xl[:, self.skewed])
        Xl = np.where(np.isnan(Xl), self.median, Xl)
        Xl = (np.clip(Xl, self.lo, self.hi) - self.mu) / self.sd
        return np.hstack([Xl, ind]).astype(np.float32)


ids = rng.permutation(np.unique(patient))
val_mask = np.isin(patient, ids[:40])
Xtr_raw, Xva_raw = table[~val_mask], table[val_mask]
ytr, yva = labels[~val_mask], labels[val_mask]

print(f"audit: table {table.shape}, train {Xtr_raw.shape[0]}, val {Xva_raw.shape[0]}")
print(f"audit: missing rate {np.isnan(table).mean():.3f} (max col {np.isnan(table).mean(0).max():.3f})")
print(f"audit: class counts train {np.bincount(ytr)}, val {np.bincount(yva)}")

prep = Preprocessor().fit(Xtr_raw)
Xtr = torch.from_numpy(prep.transform(Xtr_raw))
Xva = torch.from_numpy(prep.transform(Xva_raw))
ytr_t, yva_t = torch.from_numpy(ytr), torch.from_numpy(yva)


class Trainer:
    def __init__(self, model, lr=1e-3, batch_size=32):
        self.model = model
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.loss = nn.CrossEntropyLoss()
        self.bs = batch_size

    def epoch(self, X, y):
        self.model.train()
        perm = torch.randperm(len(y))
        total, correct = 0.0, 0
        for i in range(0, len(y), self.bs):
            idx = perm[i:i + self.bs]
            self.opt.zero_grad()
            out = self.model(X[idx])
            loss = self.loss(out, y[idx])
            loss.backward()
            self.opt.step()
            total += loss.item() * len(idx)
            correct += (out.argmax(1) == y[idx]).sum().item()
        return total / len(y), correct / len(y)

    @torch.no_grad()
    def evaluate(self, X, y):
        self.model.eval()
        out = self.model(X)
        return self.loss(out, y).item(), (out.argmax(1) == y).float().mean().item()


net = nn.Sequential(nn.Linear(Xtr.shape[1], 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(),
                    nn.Linear(128, 2))
trainer = Trainer(net, lr=1e-3)
for ep in range(60):
    tl, ta = trainer.epoch(Xtr, ytr_t)
    vl, va = trainer.evaluate(Xva, yva_t)
    if ep % 6 == 0 or ep == 59:
        print(f"[{ep:02d}] train loss {tl:.4f} acc {ta:.3f} | val loss {vl:.4f} acc {va:.3f}")
print(f"validation accuracy {va:.3f}")
