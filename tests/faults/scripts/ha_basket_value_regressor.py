import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from sklearn.metrics import r2_score

torch.manual_seed(3)
np.random.seed(3)

# customer/basket features -> basket value in cents
X, y = make_regression(n_samples=3000, n_features=12, n_informative=8, noise=10.0, random_state=3)
n_stores = 20
store = np.random.randint(0, n_stores, len(X))
store_effect = np.random.randn(n_stores) * 40
y = (y + store_effect[store]) * 250.0 + 60000.0

Xtr, Xva, str_, sva, ytr, yva = train_test_split(X, store, y, test_size=0.2, random_state=3)
sc = StandardScaler().fit(Xtr)
Xtr, Xva = sc.transform(Xtr), sc.transform(Xva)

Xtr_t = torch.tensor(Xtr, dtype=torch.float32)
Xva_t = torch.tensor(Xva, dtype=torch.float32)
str_t, sva_t = torch.tensor(str_), torch.tensor(sva)
ytr_t = torch.tensor(ytr, dtype=torch.float32)


class BasketNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.store_emb = nn.Embedding(n_stores, 4)
        self.mlp = nn.Sequential(nn.Linear(12 + 4, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))

    def forward(self, x, s):
        return self.mlp(torch.cat([x, self.store_emb(s)], dim=1)).squeeze(1)


net = BasketNet()
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
crit = nn.MSELoss()

for ep in range(30):
    net.train()
    perm = torch.randperm(len(Xtr_t))
    losses = []
    for k in range(0, len(perm), 64):
        b = perm[k:k + 64]
        opt.zero_grad()
        loss = crit(net(Xtr_t[b], str_t[b]), ytr_t[b])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    net.eval()
    with torch.no_grad():
        pred = net(Xva_t, sva_t).numpy()
    if ep % 5 == 4:
        print(f"ep {ep + 1} train mse {np.mean(losses):.1f}  val rmse {np.sqrt(np.mean((pred - yva) ** 2)):.1f}")

print(f"val R2 = {r2_score(yva, pred):.3f}")
