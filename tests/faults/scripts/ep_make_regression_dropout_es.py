# make_regression with a few useless columns; AdamW + cosine schedule, dropout, early stopping.
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_regression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(13)
np.random.seed(13)
torch.set_num_threads(1)

X, y = make_regression(n_samples=2000, n_features=15, n_informative=8, noise=10.0, random_state=13)
y = y + 0.01 * y ** 2 / 10
Xa, Xb, ya, yb = train_test_split(X, y, test_size=0.2, random_state=13)
xs = StandardScaler().fit(Xa)
ym, ysd = ya.mean(), ya.std()
Xa, Xb = torch.tensor(xs.transform(Xa), dtype=torch.float32), torch.tensor(xs.transform(Xb), dtype=torch.float32)
ya_t = torch.tensor((ya - ym) / ysd, dtype=torch.float32)
yb_t = torch.tensor((yb - ym) / ysd, dtype=torch.float32)

reg = nn.Sequential(nn.Linear(15, 128), nn.ReLU(), nn.Dropout(0.1),
                    nn.Linear(128, 64), nn.ReLU(), nn.Dropout(0.1), nn.Linear(64, 1))
MAX_EPOCHS = 50
opt = torch.optim.AdamW(reg.parameters(), lr=2e-3, weight_decay=1e-2)
cos = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=MAX_EPOCHS)
crit = nn.SmoothL1Loss(beta=0.5)

best_val, wait, best_w = 1e9, 0, None
for epoch in range(1, MAX_EPOCHS + 1):
    reg.train()
    order = torch.randperm(len(Xa))
    total = 0.0
    for i in range(0, len(order), 64):
        b = order[i:i + 64]
        opt.zero_grad()
        l = crit(reg(Xa[b]).squeeze(-1), ya_t[b])
        l.backward()
        opt.step()
        total += l.item() * len(b)
    cos.step()
    reg.eval()
    with torch.no_grad():
        v = nn.functional.mse_loss(reg(Xb).squeeze(-1), yb_t).item()
    print(f"epoch {epoch:02d} train {total / len(Xa):.4f} val_mse {v:.4f}")
    if v < best_val - 1e-4:
        best_val, wait = v, 0
        best_w = {k: t.clone() for k, t in reg.state_dict().items()}
    else:
        wait += 1
        if wait >= 8:
            print(f"no improvement for 8 epochs, stopping at {epoch}")
            break

reg.load_state_dict(best_w)
reg.eval()
with torch.no_grad():
    p = reg(Xb).squeeze(-1).numpy() * ysd + ym
print(f"val R2 {1 - ((p - yb) ** 2).sum() / ((yb - yb.mean()) ** 2).sum():.4f}")
