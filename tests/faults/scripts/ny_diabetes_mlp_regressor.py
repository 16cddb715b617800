"""Exercise 8 - Diabetes progression regression (MLP, Adam).

1. load + split, standardise features AND target with training stats
2. build the network
3. train with mini-batches, print a table of train/val MSE
4. report R^2 on the validation split
"""
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_diabetes
from sklearn.model_selection import train_test_split

torch.manual_seed(8)
np.random.seed(8)

# 1 ------------------------------------------------------------------
X, y = load_diabetes(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=8)
x_mean, x_std = X_tr.mean(0), X_tr.std(0)
y_mean, y_std = y_tr.mean(), y_tr.std()
X_tr = torch.tensor((X_tr - x_mean) / x_std, dtype=torch.float32)
X_va = torch.tensor((X_va - x_mean) / x_std, dtype=torch.float32)
y_tr = torch.tensor((y_tr - y_mean) / y_std, dtype=torch.float32).view(-1, 1)
y_va = torch.tensor((y_va - y_mean) / y_std, dtype=torch.float32).view(-1, 1)
assert X_tr.shape == (331, 10) and y_tr.shape == (331, 1)
assert X_va.shape == (111, 10) and y_va.shape == (111, 1)

# 2 ------------------------------------------------------------------
class Regressor(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(10, 16), nn.ReLU(),
            nn.Linear(16, 1), nn.ReLU(),
        )

    def forward(self, x):
        return self.net(x)

model = Regressor()
optim = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-3)
criterion = nn.MSELoss()

# 3 ------------------------------------------------------------------
def r2_score(pred, target):
    ss_res = ((pred - target) ** 2).sum()
    ss_tot = ((target - target.mean()) ** 2).sum()
    return (1 - ss_res / ss_tot).item()

print("epoch | train MSE | val MSE | val R2")
for epoch in range(1, 51):
    model.train()
    order = torch.randperm(len(X_tr))
    acc_loss = 0.0
    for start in range(0, len(order), 32):
        idx = order[start:start + 32]
        pred = model(X_tr[idx])
        assert pred.shape == y_tr[idx].shape
        loss = criterion(pred, y_tr[idx])
        optim.zero_grad()
        loss.backward()
        optim.step()
        acc_loss += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        pv = model(X_va)
    if epoch % 5 == 0:
        print(f"{epoch:5d} | {acc_loss/len(order):9.4f} | {criterion(pv, y_va).item():7.4f} | {r2_score(pv, y_va):6.3f}")

# 4 ------------------------------------------------------------------
with torch.no_grad():
    pv = model(X_va)
print(f"validation R^2 = {r2_score(pv, y_va):.3f}")
