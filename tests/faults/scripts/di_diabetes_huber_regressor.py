"""Disease-progression regression on sklearn's diabetes data.

Inputs and target standardised with training statistics; Huber loss; AdamW with
cosine decay per epoch; predictions mapped back to the original scale for R^2 / MAE."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_diabetes
from sklearn.metrics import mean_absolute_error, r2_score
from sklearn.model_selection import KFold

torch.manual_seed(17)
np.random.seed(17)

X, y = load_diabetes(return_X_y=True)
train_idx, val_idx = next(KFold(n_splits=5, shuffle=True, random_state=17).split(X))
x_mu, x_sd = X[train_idx].mean(0), X[train_idx].std(0)
y_mu, y_sd = y[train_idx].mean(), y[train_idx].std()

Xt = torch.tensor((X[train_idx] - x_mu) / x_sd, dtype=torch.float32)
Xv = torch.tensor((X[val_idx] - x_mu) / x_sd, dtype=torch.float32)
yt = torch.tensor((y[train_idx] - y_mu) / y_sd, dtype=torch.float32).unsqueeze(1)
y_val = y[val_idx]

reg = nn.Sequential(nn.Linear(10, 16), nn.SiLU(), nn.Dropout(0.2), nn.Linear(16, 1))
crit = nn.HuberLoss(delta=1.0)
EPOCHS = 60
opt = torch.optim.AdamW(reg.parameters(), lr=2e-3, weight_decay=5e-2)
cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS, eta_min=1e-5)


def predict(xs):
    reg.eval()
    with torch.no_grad():
        return reg(xs).squeeze(1).numpy() * y_sd + y_mu


for ep in range(EPOCHS):
    reg.train()
    order = torch.randperm(len(Xt))
    ep_loss = 0.0
    for s in range(0, len(order), 32):
        sl = order[s:s + 32]
        opt.zero_grad()
        loss = crit(reg(Xt[sl]), yt[sl])
        loss.backward()
        opt.step()
        ep_loss += loss.item() * len(sl)
    cos.step()
    if (ep + 1) % 10 == 0:
        pv = predict(Xv)
        print(f"ep {ep + 1:3d} huber {ep_loss / len(Xt):.4f}  val MAE {mean_absolute_error(y_val, pv):.2f}  "
              f"val R2 {r2_score(y_val, pv):.3f}")

print(f"train R2 {r2_score(y[train_idx], predict(Xt)):.3f}")
print(f"val   R2 {r2_score(y_val, predict(Xv)):.3f}   val MAE {mean_absolute_error(y_val, predict(Xv)):.2f}")
