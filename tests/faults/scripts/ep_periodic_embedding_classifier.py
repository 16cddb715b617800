"""Multiclass generated table: numeric features -> per-feature embeddings -> MLP.

Embedding parameters and the MLP trunk get separate optimizer groups.
"""
import math
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import RobustScaler

rs = 3
torch.manual_seed(rs)
np.random.seed(rs)
torch.set_num_threads(1)

X, y = make_classification(n_samples=3000, n_features=12, n_informative=8, n_redundant=2,
                           n_classes=3, class_sep=1.2, random_state=rs)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.2, random_state=rs, stratify=y)
sc = RobustScaler().fit(Xtr)
Xtr = torch.tensor(sc.transform(Xtr), dtype=torch.float32)
Xva = torch.tensor(sc.transform(Xva), dtype=torch.float32)
ytr, yva = torch.tensor(ytr), torch.tensor(yva)


class NumEmbedding(nn.Module):
    """Linear per-feature embedding: each scalar column becomes a d-dim token."""

    def __init__(self, n_feat, d):
        super().__init__()
        self.w = nn.Parameter(torch.empty(n_feat, d).uniform_(-1 / math.sqrt(d), 1 / math.sqrt(d)))
        self.b = nn.Parameter(torch.zeros(n_feat, d))

    def forward(self, x):
        return torch.relu(x[..., None] * self.w + self.b)


class Net(nn.Module):
    def __init__(self, n_feat, d=12, hidden=96, n_cls=3):
        super().__init__()
        self.embed = NumEmbedding(n_feat, d)
        self.trunk = nn.Sequential(
            nn.Linear(n_feat * d, hidden), nn.LayerNorm(hidden), nn.SiLU(),
            nn.Linear(hidden, hidden), nn.LayerNorm(hidden), nn.SiLU(),
        )
        self.cls = nn.Linear(hidden, n_cls)

    def forward(self, x):
        return self.cls(self.trunk(self.embed(x).flatten(1)))


model = Net(Xtr.shape[1])
base_lr = 1e-3
optim = torch.optim.Adam([
    {"params": model.embed.parameters(), "lr": base_lr},
    {"params": list(model.trunk.parameters()) + list(model.cls.parameters()), "lr": base_lr * 1e-2},
])
crit = nn.CrossEntropyLoss(label_smoothing=0.1)

n_epochs, bs = 25, 128
for epoch in range(n_epochs):
    model.train()
    order = torch.randperm(len(Xtr))
    tot, hit = 0.0, 0
    for s in range(0, len(Xtr), bs):
        b = order[s:s + bs]
        optim.zero_grad()
        out = model(Xtr[b])
        loss = crit(out, ytr[b])
        loss.backward()
        optim.step()
        tot += loss.item() * len(b)
        hit += (out.argmax(1) == ytr[b]).sum().item()
    model.eval()
    with torch.no_grad():
        vout = model(Xva)
        vacc = (vout.argmax(1) == yva).float().mean().item()
        vloss = crit(vout, yva).item()
    print(f"ep {epoch + 1:2d} | loss {tot / len(Xtr):.4f} acc {hit / len(Xtr):.3f} | "
          f"val loss {vloss:.4f} acc {vacc:.3f}")

print(f"validation accuracy {vacc:.4f}")
