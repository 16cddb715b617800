"""House-price style regression: numeric features + neighbourhood embedding, fold 0 of 5."""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import KFold
from sklearn.metrics import r2_score, mean_absolute_error

torch.set_num_threads(1)
SEED = 3
rng = np.random.default_rng(SEED)
torch.manual_seed(SEED)

N, N_HOOD = 2500, 15
X_num, base = make_regression(n_samples=N, n_features=12, n_informative=8, noise=8.0, random_state=SEED)
hood = rng.integers(0, N_HOOD, size=N)
hood_premium = rng.normal(0, 40000, size=N_HOOD)
price = 240000 + 900 * base + hood_premium[hood] + 30 * base ** 2

tr, va = next(KFold(5, shuffle=True, random_state=SEED).split(X_num))
m, s = X_num[tr].mean(0), X_num[tr].std(0)
X_num = ((X_num - m) / s).astype(np.float32)

Xn_tr, Xn_va = torch.tensor(X_num[tr]), torch.tensor(X_num[va])
H_tr, H_va = torch.tensor(hood[tr]), torch.tensor(hood[va])
y_tr = torch.tensor(price[tr], dtype=torch.float32)
y_va = price[va]


class PriceNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.hood_emb = nn.Embedding(N_HOOD, 4)
        self.mlp = nn.Sequential(nn.Linear(12 + 4, 128), nn.ReLU(),
                                 nn.Linear(128, 64), nn.ReLU(),
                                 nn.Linear(64, 1))

    def forward(self, xn, h):
        return self.mlp(torch.cat([xn, self.hood_emb(h)], 1)).squeeze(1)


net = PriceNet()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
crit = nn.MSELoss()
EPOCHS, BS = 40, 64

for ep in range(EPOCHS):
    net.train()
    perm = torch.randperm(len(y_tr))
    run = 0.0
    for i in range(0, len(perm), BS):
        b = perm[i:i + BS]
        opt.zero_grad()
        loss = crit(net(Xn_tr[b], H_tr[b]), y_tr[b])
        loss.backward()
        opt.step()
        run += loss.item() * len(b)
    if ep % 5 == 4 or ep == 0:
        net.eval()
        with torch.no_grad():
            pv = net(Xn_va, H_va).numpy()
        print(f"epoch {ep + 1:2d}  train_mse {run / len(y_tr):.4e}  val_mae {mean_absolute_error(y_va, pv):,.0f}  val_r2 {r2_score(y_va, pv):.4f}")

net.eval()
with torch.no_grad():
    pv = net(Xn_va, H_va).numpy()
print(f"fold 0  R2 {r2_score(y_va, pv):.4f}  MAE {mean_absolute_error(y_va, pv):,.0f}")
