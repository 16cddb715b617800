import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import make_regression

torch.manual_seed(7)

X, y = make_regression(n_samples=1200, n_features=12, n_informative=8, noise=8.0, random_state=7)
idx = np.random.RandomState(7).permutation(len(X))
tr, va = idx[:960], idx[960:]
x_mu, x_sd = X[tr].mean(0), X[tr].std(0)
y_mu, y_sd = y[tr].mean(), y[tr].std()
Xtr = torch.tensor((X[tr] - x_mu) / x_sd, dtype=torch.float32)
Xva = torch.tensor((X[va] - x_mu) / x_sd, dtype=torch.float32)
ytr = torch.tensor((y[tr] - y_mu) / y_sd, dtype=torch.float32)
yva = torch.tensor((y[va] - y_mu) / y_sd, dtype=torch.float32)


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(12, 64)
        self.l2 = nn.Linear(64, 64)
        self.out = nn.Linear(64, 1)

    def forward(self, x):
        x = F.relu(self.l1(x))
        x = F.relu(self.l2(x))
        return self.out(x)


model = MLP()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
B = 64

for ep in range(30):
    model.train()
    order = torch.randperm(len(Xtr))
    tot = 0.0
    for i in range(0, len(Xtr), B):
        j = order[i:i + B]
        pred = model(Xtr[j])
        loss = F.mse_loss(pred, ytr[j])
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item() * len(j)
    model.eval()
    with torch.no_grad():
        pv = model(Xva).squeeze(1)
        val_mse = ((pv - yva) ** 2).mean().item()
    print(f"ep {ep:02d} train_loss={tot / len(Xtr):.4f} val_mse={val_mse:.4f}")

model.eval()
with torch.no_grad():
    pv = model(Xva).squeeze(1)
r2 = 1 - ((pv - yva) ** 2).sum() / ((yva - yva.mean()) ** 2).sum()
rmse = ((pv - yva) ** 2).mean().sqrt() * y_sd
print(f"validation R2 {r2.item():.3f}  RMSE (original units) {rmse.item():.2f}")
