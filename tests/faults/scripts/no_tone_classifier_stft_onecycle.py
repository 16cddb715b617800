"""Classify which of 6 pure tones is present in a noisy clip.

Log-magnitude STFT features -> small 2-D CNN, OneCycle schedule.
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(2)

SR = 8000
N_SAMPLES = 1024
FREQS = [440.0, 620.0, 880.0, 1150.0, 1480.0, 1900.0]
N_FFT, HOP = 128, 64


def make_clips(n, rng):
    t = np.arange(N_SAMPLES) / SR
    labels = rng.integers(0, len(FREQS), size=n)
    clips = np.empty((n, N_SAMPLES), dtype=np.float32)
    for i, c in enumerate(labels):
        f = FREQS[c] * (1.0 + rng.uniform(-0.02, 0.02))
        amp = rng.uniform(0.2, 1.0)
        phase = rng.uniform(0, 2 * math.pi)
        noise = rng.normal(0, 0.8, N_SAMPLES)
        clips[i] = amp * np.sin(2 * math.pi * f * t + phase) + noise
    return torch.from_numpy(clips), torch.from_numpy(labels).long()


def log_spec(x):
    win = torch.hann_window(N_FFT)
    S = torch.stft(x, N_FFT, HOP, window=win, return_complex=True).abs()
    return torch.log1p(S).unsqueeze(1)  # (N, 1, F, T)


rng = np.random.default_rng(0)
x_tr, y_tr = make_clips(1500, rng)
x_va, y_va = make_clips(500, rng)
f_tr, f_va = log_spec(x_tr), log_spec(x_va)

mu, sd = f_tr.mean(), f_tr.std()
f_tr = (f_tr - mu) / sd
f_va = (f_va - mu) / sd
print("feature shape", tuple(f_tr.shape[1:]))


class ToneNet(nn.Module):
    def __init__(self, n_classes):
        super().__init__()
        self.c1 = nn.Conv2d(1, 16, 3, padding=1)
        self.b1 = nn.BatchNorm2d(16)
        self.c2 = nn.Conv2d(16, 32, 3, padding=1)
        self.b2 = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32 * 32, n_classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.b1(self.c1(x))), 2)
        x = F.relu(self.b2(self.c2(x)))
        x = x.mean(dim=3).flatten(1)  # average over time, keep frequency
        return self.fc(x)


model = ToneNet(len(FREQS))
EPOCHS = 8
train_dl = DataLoader(TensorDataset(f_tr, y_tr), batch_size=64, shuffle=True)
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-2, epochs=EPOCHS,
                                            steps_per_epoch=len(train_dl))

for epoch in range(EPOCHS):
    model.train()
    tot, n = 0.0, 0
    for xb, yb in train_dl:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        sched.step()
        tot += loss.item() * len(yb)
        n += len(yb)
    model.eval()
    with torch.no_grad():
        logits = model(f_va)
        va_loss = F.cross_entropy(logits, y_va).item()
        va_acc = (logits.argmax(1) == y_va).float().mean().item()
    print(f"epoch {epoch + 1:2d}  train_loss {tot / n:.4f}  val_loss {va_loss:.4f}  val_acc {va_acc:.3f}")

print(f"final val accuracy: {va_acc:.3f}")
