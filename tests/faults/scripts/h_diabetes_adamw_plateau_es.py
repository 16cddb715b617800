import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

torch.manual_seed(4)
np.random.seed(4)

X, y = load_diabetes(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=4)
xm, xs = X_tr.mean(0), X_tr.std(0)
ym, ys = y_tr.mean(), y_tr.std()
X_tr = torch.tensor((X_tr - xm) / xs, dtype=torch.float32)
X_va = torch.tensor((X_va - xm) / xs, dtype=torch.float32)
t_tr = torch.tensor((y_tr - ym) / ys, dtype=torch.float32)
t_va = torch.tensor((y_va - ym) / ys, dtype=torch.float32)


class Regressor(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc1 = nn.Linear(d, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 1)

    def forward(self, x):
        x = F.dropout(F.relu(self.fc1(x)), 0.1, self.training)
        x = F.relu(self.fc2(x))
        return self.fc3(x).squeeze(-1)


model = Regressor(X_tr.shape[1])
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=0.01)
sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=5)

best, best_state, wait, patience = float("inf"), None, 0, 15
for epoch in range(150):
    model.train()
    perm = torch.randperm(len(X_tr))
    run = 0.0
    for i in range(0, len(X_tr), 32):
        b = perm[i:i + 32]
        loss = F.mse_loss(model(X_tr[b]), t_tr[b])
        opt.zero_grad()
        loss.backward()
        opt.step()
        run += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        vloss = F.mse_loss(model(X_va), t_va).item()
    sched.step(vloss)
    if epoch % 10 == 0:
        print(f"epoch {epoch:3d} train {run / len(X_tr):.4f} val {vloss:.4f} lr {opt.param_groups[0]['lr']:.2e}")
    if vloss < best - 1e-4:
        best, best_state, wait = vloss, copy.deepcopy(model.state_dict()), 0
    else:
        wait += 1
        if wait >= patience:
            print(f"early stop at epoch {epoch}, best val {best:.4f}")
            break

model.load_state_dict(best_state)
model.eval()
with torch.no_grad():
    pred = model(X_va).numpy() * ys + ym
r2 = 1 - ((pred - y_va) ** 2).sum() / ((y_va - y_va.mean()) ** 2).sum()
print(f"val MAE {np.abs(pred - y_va).mean():.2f}  val R2 {r2:.3f}")
