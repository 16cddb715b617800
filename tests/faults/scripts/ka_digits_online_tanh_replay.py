"""Online learning on a digits stream with a small reservoir replay buffer.

The stream replays the training rows in a fresh random order several times (in
mini-batches); once the reservoir holds 32 rows, each batch is topped up with 16
replayed samples. A held-out window is evaluated every 50 steps.
"""
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 7
random.seed(SEED)
np.random.seed(SEED)
torch.manual_seed(SEED)

X, y = load_digits(return_X_y=True)
X = X.astype(np.float32)
X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=0.25, random_state=SEED, stratify=y)
mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-6
X_tr = (X_tr - mu) / sd
X_val = (X_val - mu) / sd


def stream(X, y, batch, passes, rng):
    """Yield mini-batches; each pass over the data is a fresh random order."""
    for _ in range(passes):
        order = rng.permutation(len(X))
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            yield torch.from_numpy(X[idx]), torch.from_numpy(y[idx]).long()


class Reservoir:
    def __init__(self, capacity):
        self.capacity = capacity
        self.xs, self.ys = [], []
        self.seen = 0

    def add(self, xb, yb):
        for x_, y_ in zip(xb, yb):
            self.seen += 1
            if len(self.xs) < self.capacity:
                self.xs.append(x_)
                self.ys.append(y_)
            else:
                j = random.randrange(self.seen)
                if j < self.capacity:
                    self.xs[j], self.ys[j] = x_, y_

    def sample(self, k):
        idx = random.sample(range(len(self.xs)), min(k, len(self.xs)))
        return torch.stack([self.xs[i] for i in idx]), torch.stack([self.ys[i] for i in idx])


class TanhNet(nn.Module):
    def __init__(self, d_in=64, hidden=128, n_cls=10):
        super().__init__()
        self.fc1 = nn.Linear(d_in, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, n_cls)
        for m in (self.fc1, self.fc2):
            nn.init.normal_(m.weight, mean=0.0, std=2.0)
            nn.init.zeros_(m.bias)

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        h = torch.tanh(self.fc2(h))
        return self.out(h)


@torch.no_grad()
def evaluate(model, X, y):
    model.eval()
    logits = model(torch.from_numpy(X))
    t = torch.from_numpy(y).long()
    return F.cross_entropy(logits, t).item(), (logits.argmax(1) == t).float().mean().item()


model = TanhNet()
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
buffer = Reservoir(capacity=200)
rng = np.random.default_rng(SEED)

running, n_run = 0.0, 0
for step, (xb, yb) in enumerate(stream(X_tr, y_tr, batch=32, passes=8, rng=rng)):
    model.train()
    if len(buffer.xs) >= 32:
        rx, ry = buffer.sample(16)
        xin, yin = torch.cat([xb, rx]), torch.cat([yb, ry])
    else:
        xin, yin = xb, yb
    opt.zero_grad()
    loss = F.cross_entropy(model(xin), yin)
    loss.backward()
    opt.step()
    buffer.add(xb, yb)
    running += loss.item()
    n_run += 1
    if (step + 1) % 50 == 0:
        vl, va = evaluate(model, X_val, y_val)
        print(f"step {step + 1:4d}  train loss {running / n_run:.4f}  val loss {vl:.4f}  val acc {va:.3f}")
        running, n_run = 0.0, 0

vl, va = evaluate(model, X_val, y_val)
print(f"final  val loss {vl:.4f}  val acc {va:.3f}  steps {step + 1}")
