# Homework 3 -- two-layer network on the 8x8 digits, written with raw tensors
# (no nn.Module: weights, forward pass and optimiser wiring are done by hand)
import math
import numpy as np
import torch
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(4)
np.random.seed(4)

# --- 1. load and standardise -------------------------------------------
X, y = load_digits(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=4, stratify=y)
mu = X_tr.mean(0)
sd = X_tr.std(0) + 1e-6
X_tr = torch.tensor((X_tr - mu) / sd, dtype=torch.float32)
X_va = torch.tensor((X_va - mu) / sd, dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)
N, D = X_tr.shape
H, C = 8, 10
assert (N, D) == (1257, 64)

# --- 2. parameters (He init for the ReLU layer) --------------------------
W1 = torch.randn(D, H) * math.sqrt(2.0 / D)
b1 = torch.zeros(H)
W2 = torch.randn(H, C) * math.sqrt(1.0 / H)
b2 = torch.zeros(C)
params = [W1, b1, W2, b2]
for p in params[2:]:
    p.requires_grad_(True)

def forward(x):
    h = F.relu(x @ W1 + b1)
    assert h.shape == (x.shape[0], H)
    out = h @ W2 + b2
    assert out.shape == (x.shape[0], C)
    return out

# --- 3. gradcheck the forward on a few rows (double precision copy) -------
W2d = W2.detach().double().requires_grad_()
xs = X_tr[:4].double()
f = lambda w: (F.relu(xs @ W1.double() + b1.double()) @ w).sum()
print("gradcheck output layer:", torch.autograd.gradcheck(f, (W2d,)))

# --- 4. training -----------------------------------------------------------
opt = torch.optim.SGD(params, lr=0.1, momentum=0.9)
print("\n epoch | train loss | train acc | val acc")
for epoch in range(1, 31):
    perm = torch.randperm(N)
    running = 0.0
    for i in range(0, N, 32):
        idx = perm[i:i + 32]
        opt.zero_grad()
        loss = F.cross_entropy(forward(X_tr[idx]), y_tr[idx])
        loss.backward()
        opt.step()
        running += loss.item() * len(idx)
    with torch.no_grad():
        tr_acc = (forward(X_tr).argmax(1) == y_tr).float().mean().item()
        va_acc = (forward(X_va).argmax(1) == y_va).float().mean().item()
    if epoch % 3 == 0:
        print(f" {epoch:5d} | {running/N:10.4f} | {tr_acc:9.3f} | {va_acc:7.3f}")
print(f"\nfinal validation accuracy {va_acc:.3f}")
