"""Sweep-direction recogniser (up-chirp / down-chirp / two-tone warble).

Pipeline
  * clips synthesised on the fly with random start frequency, sweep rate and SNR
  * torch.stft -> log-magnitude (per-utterance mean/var normalisation)
  * 1-D CNN over time with frequency bins as channels, dropout
  * AdamW, cosine annealing stepped once per epoch, gradient clipping,
    early stopping on validation loss with best-weights restore
"""
import copy

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(42)
np.random.seed(42)

SR, LENGTH = 8000, 1536
NFFT, HOP = 128, 48


def synth_batch(n, g):
    t = torch.arange(LENGTH) / SR
    y = torch.randint(0, 3, (n,), generator=g)
    f_lo = 300 + 700 * torch.rand(n, 1, generator=g)
    bw = 600 + 1200 * torch.rand(n, 1, generator=g)
    T = LENGTH / SR
    up = 2 * np.pi * (f_lo * t + 0.5 * bw / T * t ** 2)
    down = 2 * np.pi * ((f_lo + bw) * t - 0.5 * bw / T * t ** 2)
    warble_f = torch.where((torch.floor(t * 20) % 2 == 0), f_lo, f_lo + bw)
    warble = 2 * np.pi * torch.cumsum(warble_f, dim=1) / SR
    phase = torch.stack([up, down, warble], 1)[torch.arange(n), y]
    snr_amp = 0.6 + 0.9 * torch.rand(n, 1, generator=g)
    x = snr_amp * torch.sin(phase) + torch.randn(n, LENGTH, generator=g)
    return x, y


def utterance_logspec(x):
    S = torch.stft(x, NFFT, HOP, window=torch.hann_window(NFFT), return_complex=True)
    L = torch.log(S.abs() + 1e-4)
    mu = L.mean(dim=(1, 2), keepdim=True)
    sd = L.std(dim=(1, 2), keepdim=True)
    return (L - mu) / sd


g = torch.Generator().manual_seed(42)
xtr, ytr = synth_batch(3000, g)
xva, yva = synth_batch(600, g)
Str, Sva = utterance_logspec(xtr), utterance_logspec(xva)
print("spectrogram", tuple(Str.shape[1:]))

train_loader = DataLoader(TensorDataset(Str, ytr), batch_size=64, shuffle=True)
val_loader = DataLoader(TensorDataset(Sva, yva), batch_size=300)


class SweepCNN(nn.Module):
    def __init__(self, n_bins, n_classes=3):
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv1d(n_bins, 48, 3, padding=1), nn.BatchNorm1d(48), nn.ReLU(),
            nn.Conv1d(48, 48, 3, padding=1), nn.BatchNorm1d(48), nn.ReLU(),
            nn.MaxPool1d(2),
            nn.Conv1d(48, 64, 3, padding=1), nn.BatchNorm1d(64), nn.ReLU(),
        )
        self.drop = nn.Dropout(0.3)
        self.out = nn.Linear(64 * 2, n_classes)

    def forward(self, x):
        h = self.conv(x)
        h = torch.cat([h.mean(-1), h.amax(-1)], dim=1)
        return self.out(self.drop(h))


net = SweepCNN(Str.shape[1])
EPOCHS = 20
opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-2)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS)

best_loss, best_state, bad_epochs, patience = float("inf"), None, 0, 4
for epoch in range(EPOCHS):
    net.train()
    tr_loss, tr_correct, tr_n = 0.0, 0, 0
    for xb, yb in train_loader:
        opt.zero_grad()
        logits = net(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), max_norm=2.0)
        opt.step()
        tr_loss += loss.item() * len(yb)
        tr_correct += (logits.argmax(1) == yb).sum().item()
        tr_n += len(yb)
    sched.step()

    net.eval()
    v_loss, v_correct, v_n = 0.0, 0, 0
    with torch.no_grad():
        for xb, yb in val_loader:
            logits = net(xb)
            v_loss += F.cross_entropy(logits, yb, reduction="sum").item()
            v_correct += (logits.argmax(1) == yb).sum().item()
            v_n += len(yb)
    v_loss /= v_n
    print(f"epoch {epoch + 1:2d} lr {sched.get_last_lr()[0]:.2e} | train loss {tr_loss / tr_n:.4f} "
          f"acc {tr_correct / tr_n:.3f} | val loss {v_loss:.4f} acc {v_correct / v_n:.3f}")

    if v_loss < best_loss - 1e-4:
        best_loss, best_state, bad_epochs = v_loss, copy.deepcopy(net.state_dict()), 0
    else:
        bad_epochs += 1
        if bad_epochs >= patience:
            print(f"early stopping after epoch {epoch + 1}")
            break

net.load_state_dict(best_state)
net.eval()
with torch.no_grad():
    acc = (net(Sva).argmax(1) == yva).float().mean().item()
print(f"restored best model: val loss {best_loss:.4f}, val acc {acc:.3f}")
