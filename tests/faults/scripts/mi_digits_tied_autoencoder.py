"""Tied-weight linear autoencoder on digits, checked against truncated SVD (PCA).

A linear autoencoder with tied weights W (d x k) minimises ||X - X W W^T||^2;
its optimum spans the top-k principal subspace, so the PCA reconstruction
error is the floor to compare against.  A logistic-regression probe on the
learned codes measures how much class information the code keeps.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
np.random.seed(5)
torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.25, random_state=5, stratify=y)
keep = X_train.std(0) > 0.5          # drop the (near-)constant border pixels
X_train, X_val = X_train[:, keep], X_val[:, keep]
mean = X_train.mean(0)
std = X_train.std(0)
X_train = torch.tensor((X_train - mean) / std, dtype=torch.float32)
X_val = torch.tensor((X_val - mean) / std, dtype=torch.float32)
y_train = torch.tensor(y_train)
y_val = torch.tensor(y_val)
d, k = X_train.shape[1], 16

# ---- PCA floor via SVD of the training matrix ----
_, S, Vh = torch.linalg.svd(X_train, full_matrices=False)
Vk = Vh[:k].T
pca_val = F.mse_loss(X_val @ Vk @ Vk.T, X_val).item()
print(f"PCA (k={k}) val reconstruction MSE: {pca_val:.4f}")


class TiedAutoencoder(nn.Module):
    def __init__(self, d, k):
        super().__init__()
        q, r = torch.linalg.qr(torch.randn(d, k))
        self.W = nn.Parameter(q * torch.sign(torch.diagonal(r)))
        self.b_dec = nn.Parameter(torch.zeros(d))

    def encode(self, x):
        return x @ self.W

    def forward(self, x):
        return self.encode(x) @ self.W.T + self.b_dec


ae = TiedAutoencoder(d, k)
EPOCHS = 60
opt = torch.optim.Adam(ae.parameters(), lr=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X_train), batch_size=64, shuffle=True)

for epoch in range(EPOCHS):
    ae.train()
    total = 0.0
    for (xb,) in loader:
        opt.zero_grad()
        loss = F.mse_loss(ae(xb), xb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    sched.step()
    ae.eval()
    with torch.no_grad():
        val = F.mse_loss(ae(X_val), X_val).item()
    if epoch % 10 == 0 or epoch == EPOCHS - 1:
        print(f"epoch {epoch:2d}  lr {sched.get_last_lr()[0]:.5f}  train mse {total / len(X_train):.4f}  "
              f"val mse {val:.4f}  (PCA floor {pca_val:.4f})")

# subspace agreement with PCA: singular values of Vk^T Q are cosines of principal angles
with torch.no_grad():
    Q, _ = torch.linalg.qr(ae.W)
    cosines = torch.linalg.svdvals(Vk.T @ Q)
print(f"mean cosine of principal angles to PCA subspace: {cosines.mean():.3f}")

# ---- logistic probe on the frozen codes ----
with torch.no_grad():
    Z_train, Z_val = ae.encode(X_train), ae.encode(X_val)
zm, zs = Z_train.mean(0), Z_train.std(0)
Z_train, Z_val = (Z_train - zm) / zs, (Z_val - zm) / zs
probe = nn.Linear(k, 10)
popt = torch.optim.Adam(probe.parameters(), lr=5e-2)
for step in range(300):
    popt.zero_grad()
    F.cross_entropy(probe(Z_train), y_train).backward()
    popt.step()
with torch.no_grad():
    acc = (probe(Z_val).argmax(1) == y_val).float().mean().item()
print(f"probe accuracy on 16-d codes: {acc:.3f}")
