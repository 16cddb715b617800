"""Functional training loop with torch.func on the wine dataset.

Parameters live in a dict, gradients from torch.func.grad, hand-written SGD with momentum.
"""
import torch
import torch.nn as nn
from torch.func import functional_call, grad
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

torch.manual_seed(1)
torch.set_num_threads(1)

X, y = load_wine(return_X_y=True)
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.3, random_state=1, stratify=y)
scaler = StandardScaler().fit(X_tr)
X_tr = torch.tensor(scaler.transform(X_tr), dtype=torch.float32)
X_va = torch.tensor(scaler.transform(X_va), dtype=torch.float32)
y_tr = torch.tensor(y_tr)
y_va = torch.tensor(y_va)

net = nn.Sequential(nn.Linear(13, 32), nn.GELU(), nn.LayerNorm(32), nn.Linear(32, 3))
params = {k: v.detach().clone() for k, v in net.named_parameters()}
velocity = {k: torch.zeros_like(v) for k, v in params.items()}


def loss_fn(p, xb, yb):
    logits = functional_call(net, p, (xb,))
    return nn.functional.cross_entropy(logits, yb)


grad_fn = grad(loss_fn)
lr, mom, wd, bs = 0.01, 0.9, 1e-3, 16

for epoch in range(20):
    perm = torch.randperm(len(X_tr))
    for i in range(0, len(perm), bs):
        idx = perm[i:i + bs]
        g = grad_fn(params, X_tr[idx], y_tr[idx])
        for k in params:
            velocity[k] = mom * velocity[k] + g[k] + wd * params[k]
            params[k] = params[k] - lr * velocity[k]
    if epoch % 2 == 1:
        with torch.no_grad():
            tr_loss = loss_fn(params, X_tr, y_tr).item()
            va_logits = functional_call(net, params, (X_va,))
            va_loss = nn.functional.cross_entropy(va_logits, y_va).item()
            va_acc = (va_logits.argmax(1) == y_va).float().mean().item()
        print(f"epoch {epoch + 1:3d}  train_loss {tr_loss:.4f}  val_loss {va_loss:.4f}  val_acc {va_acc:.3f}")

print(f"val accuracy: {va_acc:.3f}")
