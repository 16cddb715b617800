"""Digits recogniser: PCA projection computed by SVD, then a two-layer
network written with explicit weight matrices and einsum."""
import numpy as np
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 42
torch.manual_seed(SEED)
torch.set_num_threads(1)
np.random.seed(SEED)

digits = load_digits()
X_tr, X_te, y_tr, y_te = train_test_split(
    digits.data, digits.target, test_size=0.25, stratify=digits.target, random_state=SEED
)
X_tr = torch.tensor(X_tr, dtype=torch.float32)
X_te = torch.tensor(X_te, dtype=torch.float32)
y_tr = torch.tensor(y_tr, dtype=torch.long)
y_te = torch.tensor(y_te, dtype=torch.long)

# centre + scale with training statistics, then project onto top-k principal axes
mu = X_tr.mean(0)
sigma = X_tr.std(0).clamp_min(1e-3)
Z_tr = (X_tr - mu) / sigma
Z_te = (X_te - mu) / sigma
_, S, Vh = torch.linalg.svd(Z_tr, full_matrices=False)
K = 32
P = Vh[:K].T                                   # (64, K)
explained = (S[:K] ** 2).sum() / (S ** 2).sum()
print(f"PCA: keeping {K} components, explained variance {explained:.3f}")
scale = S[:K] / (len(Z_tr) - 1) ** 0.5          # whiten
F_tr = (Z_tr @ P) / scale
F_te = (Z_te @ P) / scale


def orthogonal(rows, cols, gain=1.0):
    a = torch.randn(max(rows, cols), min(rows, cols))
    q, r = torch.linalg.qr(a)
    q = q * torch.sign(torch.diagonal(r))
    if rows < cols:
        q = q.T
    return gain * q[:rows, :cols]


H = 128
W1 = orthogonal(K, H, gain=2 ** 0.5).requires_grad_()
b1 = torch.zeros(H, requires_grad=True)
W2 = orthogonal(H, 1).requires_grad_()
b2 = torch.zeros(1, requires_grad=True)
params = [W1, b1, W2, b2]


def forward(x):
    h = torch.relu(torch.einsum("nk,kh->nh", x, W1) + b1)
    return (torch.einsum("nh,ho->no", h, W2) + b2).squeeze(1)


def predict(x):
    return forward(x).round().clamp(0, 9).long()


opt = torch.optim.Adam(params, lr=2e-3)
EPOCHS, BS = 40, 64
n = len(F_tr)
for ep in range(1, EPOCHS + 1):
    perm = torch.randperm(n)
    tot = 0.0
    for i in range(0, n, BS):
        idx = perm[i:i + BS]
        opt.zero_grad()
        out = forward(F_tr[idx])
        loss = torch.nn.functional.mse_loss(out, y_tr[idx].float())
        loss.backward()
        opt.step()
        tot += loss.item() * len(idx)
    if ep % 5 == 0 or ep == 1:
        with torch.no_grad():
            tr_acc = (predict(F_tr) == y_tr).float().mean().item()
            te_acc = (predict(F_te) == y_te).float().mean().item()
        print(f"ep {ep:2d}  loss {tot / n:.4f}  train acc {tr_acc:.3f}  test acc {te_acc:.3f}")

with torch.no_grad():
    acc = (predict(F_te) == y_te).float().mean().item()
print(f"final test accuracy: {acc:.4f}")
