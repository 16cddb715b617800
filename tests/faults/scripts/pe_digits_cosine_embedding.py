"""Cosine-classifier on a long-tailed version of sklearn digits.

Embeddings are L2-normalised and scored against learned class prototypes;
class-weighted cross-entropy compensates for the tail classes.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize
from sklearn.metrics import f1_score, balanced_accuracy_score, confusion_matrix

torch.manual_seed(3)
rs = np.random.RandomState(3)

digits = load_digits()
X, y = digits.data.astype(np.float32), digits.target
# long tail: class k keeps roughly 0.7**k of its rows (at least 25)
idx = []
for k in range(10):
    rows = np.where(y == k)[0]
    n_keep = max(25, int(len(rows) * 0.7 ** k))
    idx.extend(rs.choice(rows, n_keep, replace=False))
idx = np.array(idx)
X, y = X[idx], y[idx]
print("class counts:", np.bincount(y))

X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, stratify=y, random_state=3)
m, s = X_tr.mean(axis=0), X_tr.std(axis=0) + 1.0
X_tr, X_va = (X_tr - m) / s, (X_va - m) / s


class CosineNet(nn.Module):
    def __init__(self, d_in, d_emb, n_cls, scale=10.0):
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(d_in, 64), nn.ReLU(), nn.Linear(64, d_emb))
        self.prototypes = nn.Parameter(torch.randn(n_cls, d_emb) * 0.1)
        self.scale = scale

    def embed(self, x):
        z = self.encoder(x)
        return torch.from_numpy(normalize(z.detach().numpy()))

    def forward(self, x):
        z = self.embed(x)
        w = F.normalize(self.prototypes, dim=1)
        return self.scale * z @ w.t()


model = CosineNet(64, 6, 10)
counts = np.bincount(y_tr, minlength=10)
cls_w = torch.tensor(len(y_tr) / (10 * counts), dtype=torch.float32)
criterion = nn.CrossEntropyLoss(weight=cls_w)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)

Xt, yt = torch.from_numpy(X_tr), torch.from_numpy(y_tr).long()
Xv, yv = torch.from_numpy(X_va), torch.from_numpy(y_va).long()
n = len(Xt)

for ep in range(50):
    model.train()
    perm = torch.randperm(n)
    tot = 0.0
    for i in range(0, n, 64):
        b = perm[i:i + 64]
        opt.zero_grad()
        loss = criterion(model(Xt[b]), yt[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    if ep % 10 == 9:
        model.eval()
        with torch.no_grad():
            pv = model(Xv).argmax(1).numpy()
        print(f"ep {ep + 1:3d} | train loss {tot / n:.4f} | val macro-F1 {f1_score(y_va, pv, average='macro'):.3f}")

model.eval()
with torch.no_grad():
    pv = model(Xv).argmax(1).numpy()
print("val balanced acc: %.3f  macro-F1: %.3f" % (balanced_accuracy_score(y_va, pv), f1_score(y_va, pv, average="macro")))
print(confusion_matrix(y_va, pv))
