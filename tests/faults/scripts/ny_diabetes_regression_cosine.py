# ================================================================
#  Problem Set 5 - regression on the sklearn diabetes data
#  Q1: closed-form least squares baseline
#  Q2: MLP with cosine annealing, weight decay and grad clipping
# ================================================================
import math
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

torch.manual_seed(3)
np.random.seed(3)

# ---- Q0. data: standardise X and y with training statistics ----
X, y = load_diabetes(return_X_y=True)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.2, random_state=3)
xm, xs = Xtr.mean(0), Xtr.std(0)
ym, ys = ytr.mean(), ytr.std()
Xtr_t = torch.tensor((Xtr - xm) / xs, dtype=torch.float32)
Xva_t = torch.tensor((Xva - xm) / xs, dtype=torch.float32)
ytr_t = torch.tensor((ytr - ym) / ys, dtype=torch.float32).unsqueeze(1)
yva_t = torch.tensor((yva - ym) / ys, dtype=torch.float32).unsqueeze(1)
assert Xtr_t.shape == (353, 10) and ytr_t.shape == (353, 1)
assert yva_t.shape == (89, 1)

def r2(pred, target):
    return 1 - ((pred - target) ** 2).sum().item() / ((target - target.mean()) ** 2).sum().item()

# ---- Q1. least squares with torch.linalg ----
A = torch.cat([Xtr_t, torch.ones(len(Xtr_t), 1)], 1)
w = torch.linalg.lstsq(A, ytr_t).solution
assert w.shape == (11, 1)
Ava = torch.cat([Xva_t, torch.ones(len(Xva_t), 1)], 1)
print(f"Q1 least squares val R2 = {r2(Ava @ w, yva_t):.3f}")

# ---- Q2. MLP ----
model = nn.Sequential(nn.Linear(10, 16), nn.Tanh(), nn.Dropout(0.1), nn.Linear(16, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-2)
EPOCHS = 40
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
mse = nn.MSELoss()
bs = 32

print("\n epoch   train_mse   val_mse   val_R2      lr")
for epoch in range(EPOCHS):
    model.train()
    perm = torch.randperm(len(Xtr_t))
    total = 0.0
    for k in range(0, len(perm), bs):
        idx = perm[k:k + bs]
        pred = model(Xtr_t[idx])
        assert pred.shape == ytr_t[idx].shape
        loss = mse(pred, ytr_t[idx])
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        total += loss.item() * len(idx)
    sched.step()
    model.eval()
    with torch.no_grad():
        pv = model(Xva_t)
        vmse = mse(pv, yva_t).item()
    if epoch % 4 == 3:
        print(f"{epoch+1:6d}   {total/len(perm):9.4f}  {vmse:8.4f}  {r2(pv, yva_t):7.3f}  {sched.get_last_lr()[0]:.2e}")

with torch.no_grad():
    pv = model(Xva_t)
rmse = math.sqrt(((pv * ys + ym - torch.tensor(yva, dtype=torch.float32).unsqueeze(1)) ** 2).mean().item())
print(f"\nQ2 MLP val R2 = {r2(pv, yva_t):.3f}, RMSE (original units) = {rmse:.1f}")
