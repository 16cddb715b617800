#!/usr/bin/env python
# Sale-price regressor on a simulated housing table (prices in dollars), then
# one-shot global magnitude pruning to 80% sparsity and a short fine-tune.
import numpy as np
import torch
from torch import nn
from torch.nn.utils import prune
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.metrics import r2_score

SEED = 7
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

X, y = make_regression(n_samples=1200, n_features=12, n_informative=8,
                       noise=8.0, random_state=SEED)
X[:, :4] = X[:, :4] * np.array([900.0, 35.0, 2.0, 12.0]) + np.array([1800.0, 40.0, 3.0, 20.0])
y = 250_000 + 600.0 * y   # sale price in dollars
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=SEED)

x_mean, x_std = X_tr.mean(axis=0), X_tr.std(axis=0)
X_tr = (X_tr - x_mean) / x_std
X_te = (X_te - x_mean) / x_std

Xtr = torch.from_numpy(X_tr).float()
ytr = torch.from_numpy(y_tr).float().unsqueeze(1)
Xte = torch.from_numpy(X_te).float()


class Regressor(nn.Module):
    def __init__(self, d_in, hidden=64):
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(d_in, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
        )
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        return self.out(self.body(x))


def fit(model, epochs, lr, tag):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = nn.MSELoss()
    n = len(Xtr)
    for epoch in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(n)
        total = 0.0
        for i in range(0, n, 32):
            b = perm[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(model(Xtr[b]), ytr[b])
            loss.backward()
            opt.step()
            total += loss.item() * len(b)
        if epoch % 10 == 0 or epoch == 1:
            print(f"[{tag}] epoch {epoch:3d}  train mse {total / n:10.2f}")


def predict(model):
    model.eval()
    with torch.no_grad():
        return model(Xte).squeeze(1).numpy()


def weight_sparsity(model):
    ws = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    return sum(int((w == 0).sum()) for w in ws) / sum(w.numel() for w in ws)


model = Regressor(X.shape[1])
fit(model, epochs=60, lr=1e-3, tag="dense")
print(f"dense   R2 {r2_score(y_te, predict(model)):.3f}  "
      f"params {sum(p.numel() for p in model.parameters())}")

to_prune = [(m, "weight") for m in model.modules() if isinstance(m, nn.Linear)]
prune.global_unstructured(to_prune, pruning_method=prune.L1Unstructured, amount=0.8)
fit(model, epochs=20, lr=5e-4, tag="finetune")
for m, name in to_prune:
    prune.remove(m, name)

print(f"pruned  R2 {r2_score(y_te, predict(model)):.3f}  sparsity {weight_sparsity(model):.1%}")
