#!/usr/bin/env python3
"""Rare whistle detection in field-recorder noise.

~8% of clips contain a short whistle. Band-energy frames (framing + FFT),
Conv1d over time, class-weighted BCE, ReduceLROnPlateau on validation loss,
balanced accuracy / F1 reported next to plain accuracy.
"""
import numpy as np
import torch
from torch import nn
from sklearn.metrics import balanced_accuracy_score, f1_score

np.random.seed(2024)
torch.manual_seed(2024)
R = np.random.default_rng(2024)

FS, NSAMP = 8000, 2048
FRAME, HOP, NBANDS = 128, 64, 16
POS_RATE = 0.08


def make_clips(n):
    y = (R.random(n) < POS_RATE).astype(np.float32)
    x = R.normal(0, 1, (n, NSAMP))
    x += 0.5 * np.sin(2 * np.pi * R.uniform(40, 70, (n, 1)) * np.arange(NSAMP) / FS)  # mains hum
    for i in np.flatnonzero(y):
        d = R.integers(300, 700)
        s = R.integers(0, NSAMP - d)
        f = R.uniform(1200, 2500)
        tt = np.arange(d) / FS
        x[i, s:s + d] += R.uniform(1.2, 2.0) * np.sin(2 * np.pi * (f + 300 * tt / tt[-1]) * tt) * np.hanning(d)
    return x.astype(np.float32), y


def band_frames(x):
    n_fr = 1 + (NSAMP - FRAME) // HOP
    idx = np.arange(FRAME)[None] + HOP * np.arange(n_fr)[:, None]
    spec = np.abs(np.fft.rfft(x[:, idx] * np.hanning(FRAME), axis=-1)) ** 2   # (n, frames, 65)
    bands = np.array_split(np.arange(1, spec.shape[-1]), NBANDS)
    e = np.stack([spec[..., b].mean(-1) for b in bands], axis=1)              # (n, 16, frames)
    return np.log(e + 1e-6).astype(np.float32)


xtr, ytr = make_clips(3000)
xva, yva = make_clips(1000)
Ftr, Fva = band_frames(xtr), band_frames(xva)
mean = Ftr.mean(axis=(0, 2), keepdims=True)
std = Ftr.std(axis=(0, 2), keepdims=True)
Ftr, Fva = (Ftr - mean) / std, (Fva - mean) / std
Ftr, Fva = torch.from_numpy(Ftr), torch.from_numpy(Fva)
ytr_t, yva_t = torch.from_numpy(ytr), torch.from_numpy(yva)
print(f"train positives {int(ytr.sum())}/{len(ytr)}, val positives {int(yva.sum())}/{len(yva)}")

model = nn.Sequential(
    nn.Conv1d(NBANDS, 32, 5, padding=2), nn.BatchNorm1d(32), nn.ReLU(),
    nn.Conv1d(32, 32, 5, padding=2), nn.BatchNorm1d(32), nn.ReLU(),
    nn.AdaptiveMaxPool1d(1), nn.Flatten(),
    nn.Dropout(0.2), nn.Linear(32, 1),
)

pos_weight = torch.tensor((1 - ytr.mean()) / ytr.mean())
criterion = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
optimizer = torch.optim.Adam(model.parameters(), lr=2e-3, weight_decay=1e-4)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=2)

for epoch in range(12):
    model.train()
    order = torch.randperm(len(ytr_t))
    losses = []
    for k in range(0, len(order), 100):
        b = order[k:k + 100]
        optimizer.zero_grad()
        loss = criterion(model(Ftr[b]).squeeze(1), ytr_t[b])
        loss.backward()
        optimizer.step()
        losses.append(loss.item())

    model.eval()
    with torch.no_grad():
        logit_va = model(Fva).squeeze(1)
        val_loss = criterion(logit_va, yva_t).item()
    plateau.step(val_loss)
    pred = (logit_va > 0).numpy().astype(np.float32)
    print(f"epoch {epoch + 1:2d}  train {np.mean(losses):.4f}  val {val_loss:.4f}  "
          f"acc {np.mean(pred == yva):.3f}  bal_acc {balanced_accuracy_score(yva, pred):.3f}  "
          f"f1 {f1_score(yva, pred):.3f}  lr {optimizer.param_groups[0]['lr']:.1e}")

print(f"final: accuracy {np.mean(pred == yva):.3f}, balanced accuracy {balanced_accuracy_score(yva, pred):.3f}")
