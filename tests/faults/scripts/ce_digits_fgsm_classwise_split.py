# Digits MLP trained with FGSM adversarial augmentation. Hand-made per-class 80/20
# split so every digit is equally represented in validation.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset
from sklearn.datasets import load_digits

torch.manual_seed(13)
torch.set_num_threads(1)
rs = np.random.RandomState(13)

X, y = load_digits(return_X_y=True)
tr_parts, va_parts = [], []
for c in range(10):
    idx = rs.permutation(np.flatnonzero(y == c))
    cut = int(0.8 * len(idx))
    tr_parts.append(idx[:cut])
    va_parts.append(idx[cut:])
tr_idx, va_idx = np.concatenate(tr_parts), np.concatenate(va_parts)

mu = X[tr_idx].mean(0)
sd = X[tr_idx].std(0) + 1e-2
Xt = torch.tensor((X[tr_idx] - mu) / sd, dtype=torch.float32)
Xv = torch.tensor((X[va_idx] - mu) / sd, dtype=torch.float32)
yt = torch.tensor(y[tr_idx])
yv = torch.tensor(y[va_idx])

train_loader = DataLoader(TensorDataset(Xt, yt), batch_size=32, shuffle=False)

model = nn.Sequential(nn.Linear(64, 96), nn.ReLU(), nn.Linear(96, 96), nn.ReLU(), nn.Linear(96, 10))
opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
EPS = 0.25


def fgsm(x, t):
    x = x.clone().requires_grad_(True)
    grad, = torch.autograd.grad(F.cross_entropy(model(x), t), x)
    return (x + EPS * grad.sign()).detach()


def val_scores():
    model.eval()
    with torch.no_grad():
        clean = (model(Xv).argmax(1) == yv).float().mean().item()
    xa = fgsm(Xv, yv)
    with torch.no_grad():
        adv = (model(xa).argmax(1) == yv).float().mean().item()
    return clean, adv


for epoch in range(12):
    model.train()
    s, n = 0.0, 0
    for xb, tb in train_loader:
        xa = fgsm(xb, tb)
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), tb) + F.cross_entropy(model(xa), tb)
        loss.backward()
        opt.step()
        s += loss.item() * len(tb)
        n += len(tb)
    clean, adv = val_scores()
    print(f"epoch {epoch:2d} loss {s / n:.4f} | val clean {clean:.3f} | val adv {adv:.3f}")

clean, adv = val_scores()
print(f"clean accuracy {clean:.3f}  vs  FGSM accuracy {adv:.3f}")
