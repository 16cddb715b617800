# Diabetes progression regression: MLP with row-level mixup (inputs and targets mixed),
# Adam, standardised features and standardised target.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
np.random.seed(5)
torch.set_num_threads(1)

X, y = load_diabetes(return_X_y=True)
X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=5)
x_mu, x_sd = X_tr.mean(0), X_tr.std(0)
y_mu, y_sd = y_tr.mean(), y_tr.std()
X_tr = torch.tensor((X_tr - x_mu) / x_sd, dtype=torch.float32)
X_te = torch.tensor((X_te - x_mu) / x_sd, dtype=torch.float32)
t_tr = torch.tensor((y_tr - y_mu) / y_sd, dtype=torch.float32)
t_te = torch.tensor((y_te - y_mu) / y_sd, dtype=torch.float32)

model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 1))
opt = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-4)
mix = torch.distributions.Beta(0.3, 0.3)
BATCH = 32


def r2(pred, target):
    return 1.0 - ((pred - target) ** 2).sum().item() / ((target - target.mean()) ** 2).sum().item()


for epoch in range(1, 61):
    model.train()
    perm = torch.randperm(len(X_tr))
    total = 0.0
    for i in range(0, len(perm), BATCH):
        b = perm[i:i + BATCH]
        lam = mix.sample()
        p = torch.randperm(len(b))
        xb = lam * X_tr[b] + (1 - lam) * X_tr[b][p]
        tb = lam * t_tr[b] + (1 - lam) * t_tr[b][p]
        pred = model(xb)
        loss = F.mse_loss(pred, tb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(b)
    if epoch % 10 == 0:
        model.eval()
        with torch.no_grad():
            p_te = model(X_te).squeeze(1)
        rmse = ((p_te - t_te) ** 2).mean().sqrt().item() * y_sd
        print(f"epoch {epoch:3d}  train mse {total / len(X_tr):.4f}  test rmse {rmse:7.2f}  "
              f"test R2 {r2(p_te, t_te):.3f}")

model.eval()
with torch.no_grad():
    p_tr = model(X_tr).squeeze(1)
    p_te = model(X_te).squeeze(1)
print(f"final: train R2 {r2(p_tr, t_tr):.3f}  test R2 {r2(p_te, t_te):.3f}")
