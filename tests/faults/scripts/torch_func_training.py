"""Iris classifier trained functionally with torch.func (functional_call + grad)."""

import torch
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn
from torch.func import functional_call, grad

torch.manual_seed(58)
X, y = load_iris(return_X_y=True)
X_train, X_val, y_train, y_val = train_test_split(X, y, test_size=0.3, random_state=58, stratify=y)
scaler = StandardScaler().fit(X_train)
X_train = torch.tensor(scaler.transform(X_train), dtype=torch.float32)
X_val = torch.tensor(scaler.transform(X_val), dtype=torch.float32)
y_train, y_val = torch.tensor(y_train), torch.tensor(y_val)

model = nn.Sequential(nn.Linear(4, 32), nn.Tanh(), nn.Linear(32, 3))
params = {name: p.detach().clone() for name, p in model.named_parameters()}


def loss_fn(params, xb, yb):
    return nn.functional.cross_entropy(functional_call(model, params, (xb,)), yb)


grad_fn = grad(loss_fn)
lr = 0.1
for epoch in range(40):
    perm = torch.randperm(len(X_train))
    for i in range(0, len(perm), 16):
        idx = perm[i:i + 16]
        grads = grad_fn(params, X_train[idx], y_train[idx])
        params = {name: p - lr * grads[name] for name, p in params.items()}
    if epoch % 10 == 9:
        with torch.no_grad():
            logits = functional_call(model, params, (X_val,))
        print(f"epoch {epoch + 1}: train loss {loss_fn(params, X_train, y_train).item():.4f} "
              f"val acc {(logits.argmax(1) == y_val).float().mean().item():.3f}")
