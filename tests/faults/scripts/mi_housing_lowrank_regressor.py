"""Low-rank factorised MLP for a synthetic house-price table.

Compares a trained network with a closed-form least-squares baseline.
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
torch.set_num_threads(1)
np.random.seed(0)


class LowRankLinear(nn.Module):
    def __init__(self, d_in, d_out, rank):
        super().__init__()
        self.U = nn.Parameter(torch.randn(d_out, rank) / rank ** 0.5)
        self.V = nn.Parameter(torch.randn(rank, d_in) / d_in ** 0.5)
        self.b = nn.Parameter(torch.zeros(d_out))

    def forward(self, x):
        return torch.einsum("or,ri,bi->bo", self.U, self.V, x) + self.b


class Net(nn.Module):
    def __init__(self, d_in, hidden=64, rank=8):
        super().__init__()
        self.l1 = LowRankLinear(d_in, hidden, rank)
        self.l2 = LowRankLinear(hidden, hidden, rank)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        h = torch.relu(self.l1(x))
        h = torch.relu(self.l2(h))
        return self.head(h).squeeze(-1)


X, z = make_regression(n_samples=1000, n_features=12, n_informative=8, noise=15.0, random_state=3)
# sale price in dollars: base price plus a mildly non-linear premium
price = 250_000 + 900.0 * z + 2.0 * z ** 2
X_tr, X_va, y_tr, y_va = train_test_split(X, price, test_size=0.2, random_state=0)
mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-8
X_tr = (X_tr - mu) / sd
X_va = (X_va - mu) / sd

Xt = torch.tensor(X_tr, dtype=torch.float32)
Xv = torch.tensor(X_va, dtype=torch.float32)
yt = torch.tensor(y_tr, dtype=torch.float32)
yv = torch.tensor(y_va, dtype=torch.float32)


def r2(pred, target):
    ss_res = ((pred - target) ** 2).sum()
    ss_tot = ((target - target.mean()) ** 2).sum()
    return 1.0 - (ss_res / ss_tot).item()


# closed-form baseline
A = torch.cat([Xt, torch.ones(len(Xt), 1)], 1)
Av = torch.cat([Xv, torch.ones(len(Xv), 1)], 1)
w = torch.linalg.lstsq(A.double(), yt.double().unsqueeze(1)).solution.float()
print(f"lstsq baseline  val R2 = {r2((Av @ w).squeeze(1), yv):.3f}")

model = Net(Xt.shape[1])
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.MSELoss()
batch = 32
epochs = 50

for epoch in range(epochs):
    model.train()
    perm = torch.randperm(len(Xt))
    total = 0.0
    for i in range(0, len(Xt), batch):
        idx = perm[i:i + batch]
        opt.zero_grad()
        loss = loss_fn(model(Xt[idx]), yt[idx])
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    if epoch % 10 == 0 or epoch == epochs - 1:
        model.eval()
        with torch.no_grad():
            vpred = model(Xv)
            vloss = loss_fn(vpred, yv).item()
        print(f"epoch {epoch:3d}  train mse {total / len(Xt):.4e}  val mse {vloss:.4e}  val R2 {r2(vpred, yv):.3f}")

model.eval()
with torch.no_grad():
    print(f"low-rank net    val R2 = {r2(model(Xv), yv):.3f}")
