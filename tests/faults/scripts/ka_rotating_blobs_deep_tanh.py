"""Online classification of a slowly rotating 4-blob stream with a deep tanh MLP.

Each stream step produces a fresh mini-batch whose class centres have rotated a
little further; every 30 steps we score a held-out window drawn at the current
angle.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(11)
torch.set_num_threads(1)
np.random.seed(11)

N_FEAT, N_CLASS, DEPTH, WIDTH = 16, 4, 24, 64
rs = np.random.RandomState(11)
base_centres = rs.randn(N_CLASS, N_FEAT).astype(np.float32) * 1.2
plane = np.linalg.qr(rs.randn(N_FEAT, 2))[0].astype(np.float32)


def centres_at(t):
    """Rotate the centres in a fixed 2-D plane by angle 0.004 * t."""
    a = 0.004 * t
    R2 = np.array([[math.cos(a) - 1, -math.sin(a)], [math.sin(a), math.cos(a) - 1]], dtype=np.float32)
    return base_centres + base_centres @ plane @ R2 @ plane.T


def draw(t, n, rng):
    c = centres_at(t)
    y = rng.randint(N_CLASS, size=n)
    x = c[y] + rng.randn(n, N_FEAT).astype(np.float32)
    return torch.from_numpy(x), torch.from_numpy(y).long()


def data_stream(n_steps, batch, rng):
    for t in range(n_steps):
        yield t, draw(t, batch, rng)


class DeepTanh(nn.Module):
    def __init__(self):
        super().__init__()
        dims = [N_FEAT] + [WIDTH] * (DEPTH - 1)
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.head = nn.Linear(WIDTH, N_CLASS)
        for lin in self.hidden:
            nn.init.xavier_normal_(lin.weight, gain=3.0)
            nn.init.zeros_(lin.bias)

    def forward(self, x):
        for lin in self.hidden:
            x = torch.tanh(lin(x))
        return self.head(x)


model = DeepTanh()
optim = torch.optim.Adam(model.parameters(), lr=1e-3)
train_rng = np.random.RandomState(100)
val_rng = np.random.RandomState(200)

log_loss, log_gn = [], []
for t, (xb, yb) in data_stream(n_steps=300, batch=64, rng=train_rng):
    model.train()
    optim.zero_grad()
    loss = F.cross_entropy(model(xb), yb)
    loss.backward()
    gn = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=float("inf"))
    optim.step()
    log_loss.append(loss.item())
    log_gn.append(gn.item())
    if (t + 1) % 30 == 0:
        model.eval()
        with torch.no_grad():
            xv, yv = draw(t, 512, val_rng)
            acc = (model(xv).argmax(1) == yv).float().mean().item()
        print(f"t={t + 1:4d}  loss {np.mean(log_loss):.4f}  grad-norm {np.mean(log_gn):9.3f}  window acc {acc:.3f}")
        log_loss, log_gn = [], []

model.eval()
with torch.no_grad():
    xv, yv = draw(300, 2000, val_rng)
    final = (model(xv).argmax(1) == yv).float().mean().item()
print(f"final held-out window accuracy: {final:.3f}")
