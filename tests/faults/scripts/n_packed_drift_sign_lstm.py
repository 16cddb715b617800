# Variable-length 2-channel signals: does the first channel drift upward overall?
# LSTM over packed sequences, ReduceLROnPlateau on validation loss.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence

torch.manual_seed(42)
np.random.seed(42)
torch.set_num_threads(1)

MAXLEN = 35


def make_signals(n, rng):
    lengths = rng.integers(8, MAXLEN + 1, size=n)
    x = np.zeros((n, MAXLEN, 2), dtype=np.float32)
    y = np.zeros(n, dtype=np.float32)
    for i, L in enumerate(lengths):
        slope = rng.normal(0, 0.15)
        t = np.arange(L)
        x[i, :L, 0] = 50.0 + slope * t + rng.normal(0, 0.5, L)
        x[i, :L, 1] = 3.0 * rng.normal(0, 1, L)
        y[i] = float(slope > 0)
    return x, lengths, y


rng = np.random.default_rng(42)
xtr, ltr, ytr = make_signals(1200, rng)
xva, lva, yva = make_signals(500, rng)

valid = np.arange(MAXLEN)[None, :] < ltr[:, None]
mean = xtr[valid].mean(0)
std = xtr[valid].std(0)


def standardise(x, lengths):
    m = (np.arange(MAXLEN)[None, :] < lengths[:, None])[..., None]
    return np.where(m, (x - mean) / std, 0.0).astype(np.float32)


xtr, xva = standardise(xtr, ltr), standardise(xva, lva)
xtr, xva = torch.from_numpy(xtr), torch.from_numpy(xva)
ltr, lva = torch.from_numpy(ltr), torch.from_numpy(lva)
ytr, yva = torch.from_numpy(ytr), torch.from_numpy(yva)


class DriftLSTM(nn.Module):
    def __init__(self, hidden=48):
        super().__init__()
        self.lstm = nn.LSTM(2, hidden, batch_first=True)
        self.drop = nn.Dropout(0.2)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        _, (h, _) = self.lstm(packed)
        return self.out(self.drop(h[-1])).squeeze(-1)


model = DriftLSTM()
opt = torch.optim.Adam(model.parameters(), lr=3e-3)
plateau = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="min", factor=0.5, patience=2)

for epoch in range(1, 13):
    model.train()
    idx = torch.randperm(len(xtr))
    batch_losses = []
    for k in range(0, len(idx), 64):
        b = idx[k:k + 64]
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(xtr[b], ltr[b]), ytr[b])
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
        opt.step()
        batch_losses.append(loss.item())
    model.eval()
    with torch.no_grad():
        logits = model(xva, lva)
        vloss = F.binary_cross_entropy_with_logits(logits, yva).item()
        vacc = ((logits > 0).float() == yva).float().mean().item()
    plateau.step(vloss)
    print(f"epoch {epoch:2d} train {np.mean(batch_losses):.4f} val {vloss:.4f} "
          f"acc {vacc:.3f} lr {opt.param_groups[0]['lr']:.2e}")

print(f"validation accuracy: {vacc:.3f}")
