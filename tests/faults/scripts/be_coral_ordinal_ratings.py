# Ordinal rating predictor (5 grades) with a CORAL-style shared-weight head.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)
np.random.seed(1)
torch.set_num_threads(1)

K = 5
X, score = make_regression(n_samples=2000, n_features=16, n_informative=10,
                           noise=8.0, random_state=1)
cuts = np.quantile(score, [0.2, 0.4, 0.6, 0.8])
y = np.digitize(score, cuts)

X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=1, stratify=y)
sc = StandardScaler().fit(X_tr)
X_tr, X_va = sc.transform(X_tr), sc.transform(X_va)
X_tr = torch.tensor(X_tr, dtype=torch.float32)
X_va = torch.tensor(X_va, dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)


class CoralNet(nn.Module):
    def __init__(self, d, k):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d, 48), nn.ReLU(), nn.Linear(48, 48), nn.ReLU())
        self.w = nn.Linear(48, 1, bias=False)
        self.b = nn.Parameter(torch.linspace(1.0, -1.0, k - 1))

    def forward(self, x):
        return self.w(self.body(x)) + self.b  # (N, K-1) cumulative logits


def coral_targets(y, k):
    return (y.unsqueeze(1) > torch.arange(k - 1).unsqueeze(0)).float()


model = CoralNet(X_tr.shape[1], K)
opt = torch.optim.SGD(model.parameters(), lr=20.0, momentum=0.9)

for epoch in range(20):
    model.train()
    perm = torch.randperm(len(X_tr))
    running, nb = 0.0, 0
    for i in range(0, len(perm), 32):
        idx = perm[i:i + 32]
        opt.zero_grad()
        logits = model(X_tr[idx])
        loss = F.binary_cross_entropy_with_logits(logits, coral_targets(y_tr[idx], K))
        loss.backward()
        opt.step()
        running += loss.item()
        nb += 1
    model.eval()
    with torch.no_grad():
        pred = (torch.sigmoid(model(X_va)) > 0.5).sum(1)
        mae = (pred - y_va).abs().float().mean().item()
    print(f"epoch {epoch + 1:02d} loss={running / nb:.4f} val_MAE={mae:.3f}")

acc = (pred == y_va).float().mean().item()
print(f"final val MAE {mae:.3f}, exact-grade acc {acc:.3f}")
