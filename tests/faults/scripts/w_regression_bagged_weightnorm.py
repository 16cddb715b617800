import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.parametrizations import weight_norm
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.metrics import r2_score

torch.set_num_threads(1)
torch.manual_seed(2024)
rs = np.random.RandomState(2024)

X, y = make_regression(n_samples=1200, n_features=12, n_informative=8, noise=8.0,
                       random_state=2024)
y = y + 0.02 * y ** 2 / np.std(y)          # mild curvature
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=2024)

x_mu, x_sd = X_tr.mean(0), X_tr.std(0)
y_mu, y_sd = y_tr.mean(), y_tr.std()
norm_x = lambda a: torch.tensor((a - x_mu) / x_sd, dtype=torch.float32)
Xt, Xv = norm_x(X_tr), norm_x(X_va)
yt = torch.tensor((y_tr - y_mu) / y_sd, dtype=torch.float32).unsqueeze(1)
yv = torch.tensor((y_va - y_mu) / y_sd, dtype=torch.float32).unsqueeze(1)


def build():
    return nn.Sequential(
        weight_norm(nn.Linear(12, 64)), nn.SiLU(),
        weight_norm(nn.Linear(64, 64)), nn.SiLU(),
        nn.Linear(64, 1),
    )


N_BAGS, EPOCHS, MICRO, ACCUM = 3, 40, 16, 4
mse = nn.MSELoss()
preds = []
for bag in range(N_BAGS):
    boot = torch.tensor(rs.randint(0, len(Xt), size=len(Xt)))
    Xb, yb = Xt[boot], yt[boot]
    net = build()
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=3)
    for ep in range(EPOCHS):
        net.train()
        perm = torch.randperm(len(Xb))
        opt.zero_grad()
        ep_loss, n_micro = 0.0, 0
        for k, s in enumerate(range(0, len(perm), MICRO)):
            idx = perm[s:s + MICRO]
            loss = mse(net(Xb[idx]), yb[idx])
            (loss / ACCUM).backward()
            ep_loss += loss.item()
            n_micro += 1
            if (k + 1) % ACCUM == 0:
                opt.step()
                opt.zero_grad()
        if n_micro % ACCUM:
            opt.step()
            opt.zero_grad()
        net.eval()
        with torch.no_grad():
            v = mse(net(Xv), yv).item()
        plateau.step(v)
        if ep % 10 == 9:
            print(f"bag {bag} epoch {ep + 1} train_mse {ep_loss / n_micro:.4f} "
                  f"val_mse {v:.4f} lr {opt.param_groups[0]['lr']:.2e}")
    with torch.no_grad():
        p = net(Xv).squeeze(1).numpy() * y_sd + y_mu
    print(f"bag {bag} val R2 {r2_score(y_va, p):.4f}")
    preds.append(p)

print(f"bagged ensemble val R2 {r2_score(y_va, np.mean(preds, 0)):.4f}")
