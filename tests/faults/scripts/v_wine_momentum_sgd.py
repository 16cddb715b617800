#!/usr/bin/env python
"""Wine cultivar classification -- two hidden layers built from raw nn.Parameters,
trained with a small momentum-SGD optimizer written by hand."""
import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_wine
from sklearn.model_selection import train_test_split

torch.manual_seed(11)
np.random.seed(11)
torch.set_num_threads(1)


class MomentumSGD(torch.optim.Optimizer):
    def __init__(self, params, lr, momentum=0.9, dampening=0.0):
        if lr <= 0:
            raise ValueError("lr must be positive")
        super().__init__(params, dict(lr=lr, momentum=momentum, dampening=dampening))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if "mom" not in st:
                    st["mom"] = torch.zeros_like(p)
                st["mom"].mul_(group["momentum"]).add_(p.grad, alpha=1 - group["dampening"])
                p.add_(st["mom"], alpha=-group["lr"])
        return loss


class WineNet(nn.Module):
    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.W1 = nn.Parameter(torch.randn(n_in, n_hidden) * (2.0 / n_in) ** 0.5)
        self.b1 = nn.Parameter(torch.zeros(n_hidden))
        self.W2 = nn.Parameter(torch.randn(n_hidden, n_hidden) * (2.0 / n_hidden) ** 0.5)
        self.b2 = nn.Parameter(torch.zeros(n_hidden))
        self.W3 = nn.Parameter(torch.randn(n_hidden, n_out) * (1.0 / n_hidden) ** 0.5)
        self.b3 = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        h = torch.relu(x @ self.W1 + self.b1)
        h = torch.relu(h @ self.W2 + self.b2)
        return h @ self.W3 + self.b3


data = load_wine()
Xtr, Xte, ytr, yte = train_test_split(data.data, data.target, test_size=0.3,
                                      stratify=data.target, random_state=11)
m, s = Xtr.mean(axis=0), Xtr.std(axis=0)
Xtr = torch.tensor((Xtr - m) / s, dtype=torch.float32)
Xte = torch.tensor((Xte - m) / s, dtype=torch.float32)
ytr = torch.tensor(ytr, dtype=torch.long)
yte = torch.tensor(yte, dtype=torch.long)

net = WineNet(13, 32, 3)
opt = MomentumSGD(net.parameters(), lr=0.01, momentum=0.9)
lossf = nn.CrossEntropyLoss()
bs = 16

for ep in range(40):
    net.train()
    perm = torch.randperm(len(Xtr))
    total = 0.0
    for j in range(0, len(Xtr), bs):
        sel = perm[j:j + bs]
        loss = lossf(net(Xtr[sel]), ytr[sel])
        loss.backward()
        opt.step()
        total += loss.item() * len(sel)
    net.eval()
    with torch.no_grad():
        logits = net(Xte)
        acc = (logits.argmax(dim=1) == yte).float().mean().item()
        vloss = lossf(logits, yte).item()
    if ep % 4 == 0 or ep == 39:
        print(f"epoch {ep:3d}  train_loss {total / len(Xtr):8.4f}  val_loss {vloss:8.4f}  val_acc {acc:.3f}")

print("test accuracy: %.3f" % acc)
