"""Digits recognition with a tanh MLP, hand-made layers with running
activation statistics, and a momentum SGD written from scratch."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(5)
np.random.seed(5)
torch.set_num_threads(1)

TANH_GAIN = 5.0 / 3.0


class TanhLayer(nn.Module):
    def __init__(self, fan_in, fan_out, momentum=0.1):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(fan_in, fan_out) * TANH_GAIN)
        self.bias = nn.Parameter(torch.zeros(fan_out))
        self.momentum = momentum
        self.register_buffer("act_mean", torch.zeros(fan_out))

    def forward(self, x):
        h = torch.tanh(x @ self.weight + self.bias)
        if self.training:
            with torch.no_grad():
                self.act_mean.lerp_(h.mean(0), self.momentum)
        return h


class Classifier(nn.Module):
    def __init__(self, d_in, hidden, n_cls):
        super().__init__()
        self.l1 = TanhLayer(d_in, hidden)
        self.l2 = TanhLayer(hidden, hidden)
        self.out = nn.Linear(hidden, n_cls)

    def forward(self, x):
        return self.out(self.l2(self.l1(x)))


class SGDMomentum(torch.optim.Optimizer):
    def __init__(self, params, lr=0.01, momentum=0.9):
        super().__init__(params, {"lr": lr, "momentum": momentum})

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                buf = self.state[p].setdefault("momentum_buffer", torch.zeros_like(p))
                buf.mul_(group["momentum"]).add_(p.grad)
                p.add_(buf, alpha=-group["lr"])


X, y = load_digits(return_X_y=True)
Xa, Xb, ya, yb = train_test_split(X, y, test_size=0.25, random_state=5, stratify=y)
mu = Xa.mean(0)
sd = Xa.std(0)
sd[sd == 0] = 1.0
Xa = torch.tensor((Xa - mu) / sd, dtype=torch.float32)
Xb = torch.tensor((Xb - mu) / sd, dtype=torch.float32)
ya, yb = torch.tensor(ya), torch.tensor(yb)

model = Classifier(64, 32, 10)
opt = SGDMomentum(model.parameters(), lr=0.01, momentum=0.9)
BATCH, EPOCHS = 32, 25

for epoch in range(EPOCHS):
    model.train()
    idx_all = torch.randperm(len(Xa))
    tl, correct = 0.0, 0
    for i in range(0, len(idx_all), BATCH):
        idx = idx_all[i:i + BATCH]
        logits = model(Xa[idx])
        loss = F.cross_entropy(logits, ya[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        tl += loss.item() * len(idx)
        correct += (logits.argmax(1) == ya[idx]).sum().item()
    model.eval()
    with torch.no_grad():
        vout = model(Xb)
        vloss = F.cross_entropy(vout, yb).item()
        vacc = (vout.argmax(1) == yb).float().mean().item()
    print(f"epoch {epoch + 1:2d}: loss={tl / len(Xa):.4f} train_acc={correct / len(Xa):.3f} "
          f"val_loss={vloss:.4f} val_acc={vacc:.3f}")

print(f"val accuracy {vacc:.3f}")
