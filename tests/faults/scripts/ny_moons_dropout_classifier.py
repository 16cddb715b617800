# Assignment 6 -- two-moons classifier with dropout and batch-norm
# 1. data  2. model  3. helpers  4. training  5. results table
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

torch.manual_seed(6)
np.random.seed(6)

# 1. data -------------------------------------------------------------
X, y = make_moons(n_samples=1200, noise=0.2, random_state=6)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, random_state=6)
mu, sd = X_tr.mean(0), X_tr.std(0)
X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)
assert X_tr.shape == (900, 2) and X_va.shape == (300, 2)

train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_tr, y_tr), batch_size=32, shuffle=True)
val_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_va, y_va), batch_size=10)

# 2. model -------------------------------------------------------------
model = nn.Sequential(
    nn.Linear(2, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(64, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.5),
    nn.Linear(64, 2),
)
loss_fn = nn.CrossEntropyLoss()
opt = torch.optim.Adam(model.parameters(), lr=5e-3)

# 3. helpers ------------------------------------------------------------
def train_one_epoch():
    model.train()
    total, n = 0.0, 0
    for xb, yb in train_loader:
        opt.zero_grad()
        out = model(xb)
        assert out.shape == (xb.shape[0], 2)
        loss = loss_fn(out, yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
        n += len(xb)
    return total / n

@torch.no_grad()
def evaluate(loader):
    total, correct, n = 0.0, 0, 0
    for xb, yb in loader:
        out = model(xb)
        total += loss_fn(out, yb).item() * len(xb)
        correct += (out.argmax(1) == yb).sum().item()
        n += len(xb)
    return total / n, correct / n

# 4. training -------------------------------------------------------------
rows = []
for epoch in range(1, 31):
    tl = train_one_epoch()
    vl, va = evaluate(val_loader)
    rows.append((epoch, tl, vl, va))

# 5. results ---------------------------------------------------------------
print("epoch | train loss | val loss | val acc")
for e, tl, vl, va in rows[1::2]:
    print(f"{e:5d} | {tl:10.4f} | {vl:8.4f} | {va:7.3f}")
print(f"final val accuracy {rows[-1][3]:.3f}")
