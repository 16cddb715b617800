"""Tone-burst analyser: one shared MLP trunk on the windowed log spectrum, two heads.

Head 1 classifies the burst shape (sine, square, sawtooth, triangle);
head 2 regresses its carrier frequency in Hz. Signals sampled at 256 Hz.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import Dataset, DataLoader

torch.manual_seed(21)
np.random.seed(21)

FS, L = 256, 128
SHAPES = ["sine", "square", "sawtooth", "triangle"]


def make_bursts(n, rng):
    t = np.arange(L) / FS
    shape = rng.integers(0, 4, n)
    f0 = rng.uniform(6.0, 30.0, n)
    ph = rng.uniform(0, 1, n)
    c = f0[:, None] * t[None] + ph[:, None]
    frac = c - np.floor(c)
    waves = np.stack([np.sin(2 * np.pi * c), np.sign(np.sin(2 * np.pi * c)), 2 * frac - 1, 4 * np.abs(frac - 0.5) - 1], 1)
    x = waves[np.arange(n), shape] * rng.uniform(0.5, 2.0, (n, 1))
    x += rng.normal(0, 0.1, x.shape)
    spec = np.log1p(np.abs(np.fft.rfft(x * np.hanning(L), axis=1)))   # harmonic content
    return spec.astype(np.float32), shape, f0.astype(np.float32)


class BurstSet(Dataset):
    def __init__(self, x, shape, f0, x_stats, f_stats):
        self.x = torch.from_numpy((x - x_stats[0]) / x_stats[1]).float()
        self.shape = torch.from_numpy(shape).long()
        self.f0 = torch.from_numpy((f0 - f_stats[0]) / f_stats[1])

    def __len__(self):
        return len(self.shape)

    def __getitem__(self, i):
        return {"x": self.x[i], "shape": self.shape[i], "f0": self.f0[i]}


rng = np.random.default_rng(21)
x, shape, f0 = make_bursts(2000, rng)
order = rng.permutation(len(shape))
tr, va = order[:1600], order[1600:]
x_stats = (x[tr].mean(0), x[tr].std(0) + 1e-6)
f_stats = (f0[tr].mean(), f0[tr].std())
train_set = BurstSet(x[tr], shape[tr], f0[tr], x_stats, f_stats)
val_set = BurstSet(x[va], shape[va], f0[va], x_stats, f_stats)
train_loader = DataLoader(train_set, batch_size=64, shuffle=True)
val_loader = DataLoader(val_set, batch_size=200)


class BurstNet(nn.Module):
    def __init__(self, n_in=L // 2 + 1):
        super().__init__()
        self.trunk = nn.Sequential(
            nn.Linear(n_in, 128), nn.LayerNorm(128), nn.ReLU(), nn.Dropout(0.2),
            nn.Linear(128, 64), nn.ReLU(),
        )
        self.cls = nn.Linear(64, len(SHAPES))
        self.reg = nn.Linear(64, 1)

    def forward(self, x):
        h = self.trunk(x)
        return self.cls(h), self.reg(h).squeeze(1)


model = BurstNet()
EPOCHS = 14
opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, epochs=EPOCHS, steps_per_epoch=len(train_loader))

for epoch in range(EPOCHS):
    model.train()
    run = 0.0
    for b in train_loader:
        opt.zero_grad()
        logits, f_hat = model(b["x"])
        loss = F.cross_entropy(logits, b["shape"]) + F.huber_loss(f_hat, b["f0"], delta=1.0)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()
        sched.step()
        run += loss.item() * len(b["shape"])
    model.eval()
    correct, abs_err = 0, 0.0
    with torch.no_grad():
        for b in val_loader:
            logits, f_hat = model(b["x"])
            correct += (logits.argmax(1) == b["shape"]).sum().item()
            abs_err += ((f_hat - b["f0"]).abs() * f_stats[1]).sum().item()
    print(f"epoch {epoch + 1:2d}  loss {run / len(train_set):.4f}  val shape acc {correct / len(val_set):.3f}  "
          f"val f0 MAE {abs_err / len(val_set):.2f} Hz")

print(f"final: shape accuracy {correct / len(val_set):.3f}, carrier MAE {abs_err / len(val_set):.2f} Hz")
