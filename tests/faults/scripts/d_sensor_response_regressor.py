import numpy as np
import torch
import torch.nn as nn
from sklearn.metrics import r2_score, mean_squared_error

torch.set_num_threads(1)
torch.manual_seed(5)
rng = np.random.default_rng(5)

# synthetic sensor data: 10 channels, nonlinear response
N = 3000
X = rng.uniform(-2, 2, size=(N, 10)).astype(np.float32)
y = (np.sin(X[:, 0] * X[:, 1]) + 0.5 * X[:, 2] ** 2 - np.cos(2 * X[:, 3]) * X[:, 4]
     + 0.3 * X[:, 5] * X[:, 6] + 0.1 * rng.normal(size=N)).astype(np.float32)

idx = rng.permutation(N)
fold = np.array_split(idx, 5)
va_idx = fold[0]
tr_idx = np.concatenate(fold[1:])

x_mu, x_sd = X[tr_idx].mean(0), X[tr_idx].std(0)
y_mu, y_sd = y[tr_idx].mean(), y[tr_idx].std()
Xtr = torch.tensor((X[tr_idx] - x_mu) / x_sd)
Xva = torch.tensor((X[va_idx] - x_mu) / x_sd)
ytr = torch.tensor((y[tr_idx] - y_mu) / y_sd)
yva = y[va_idx]

model = nn.Sequential(nn.Linear(10, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 1))
opt = torch.optim.Adam(model.parameters(), lr=0.08)
EPOCHS = 60
BS = 64
mse = nn.MSELoss()

for ep in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(Xtr))
    tot = 0.0
    for i in range(0, len(perm), BS):
        b = perm[i:i + BS]
        opt.zero_grad()
        loss = mse(model(Xtr[b]).squeeze(1), ytr[b])
        loss.backward()
        opt.step()
        tot += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        pv = model(Xva).squeeze(1).numpy() * y_sd + y_mu
    print(f"epoch {ep + 1:2d} train_mse {tot / len(Xtr):.4f} val_r2 {r2_score(yva, pv):.4f}")

print(f"fold 0 holdout: R2 {r2_score(yva, pv):.4f}  RMSE {mean_squared_error(yva, pv) ** 0.5:.4f}")
