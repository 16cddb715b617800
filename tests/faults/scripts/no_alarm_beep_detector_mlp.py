# Alarm-beep event detector.
# Background: coloured noise + hum. Some clips contain a short beep somewhere
# in the clip. Binary detection from per-bin peak/mean log-magnitude summaries (MLP).
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
rng = np.random.default_rng(3)

FS = 8000
N = 2048
EVENT_RATE = 0.04


def background(n):
    white = rng.normal(0, 1, (n, N))
    # one-pole low-pass -> brownish background
    col = np.empty_like(white)
    col[:, 0] = white[:, 0]
    for k in range(1, N):
        col[:, k] = 0.9 * col[:, k - 1] + white[:, k]
    col /= col.std(axis=1, keepdims=True)
    t = np.arange(N) / FS
    hum = 0.3 * np.sin(2 * np.pi * 50 * t + rng.uniform(0, 6.28, (n, 1)))
    return col + hum + 0.5 * rng.normal(0, 1, (n, N))


def add_beeps(x, has_event):
    t = np.arange(N) / FS
    for i in np.where(has_event)[0]:
        dur = rng.integers(160, 400)
        start = rng.integers(0, N - dur)
        f = rng.uniform(1800, 2600)
        burst = np.zeros(N)
        seg = np.arange(dur)
        burst[start:start + dur] = np.sin(2 * np.pi * f * t[seg]) * np.hanning(dur)
        x[i] += rng.uniform(0.7, 1.1) * burst
    return x


def make_split(n):
    y = (rng.random(n) < EVENT_RATE).astype(np.float32)
    x = add_beeps(background(n), y.astype(bool)).astype(np.float32)
    xs = torch.from_numpy(x)
    S = torch.stft(xs, 256, 128, window=torch.hann_window(256), return_complex=True)
    logmag = torch.log(S.abs() + 1e-4)[:, 1:]  # N,128,17 (drop DC)
    logmag = F.avg_pool1d(logmag.transpose(1, 2), 4).transpose(1, 2)  # N,32 bands,17
    # clip-level summary per frequency bin: peak and average over frames
    feat = torch.cat([logmag.max(dim=2).values, logmag.mean(dim=2)], dim=1)
    return feat, torch.from_numpy(y)


Xtr, ytr = make_split(4000)
Xva, yva = make_split(1500)
m = Xtr.mean(dim=0)
s = Xtr.std(dim=0)
Xtr, Xva = (Xtr - m) / s, (Xva - m) / s
print(f"train clips {len(ytr)} (events {int(ytr.sum())}), val clips {len(yva)} (events {int(yva.sum())})")


class BeepNet(nn.Module):
    def __init__(self, n_in):
        super().__init__()
        self.hidden = nn.Linear(n_in, 64)
        self.drop = nn.Dropout(0.2)
        self.head = nn.Linear(64, 1)

    def forward(self, x):
        x = self.drop(F.relu(self.hidden(x)))
        return self.head(x).squeeze(1)


net = BeepNet(Xtr.shape[1])
optim = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-2)
loss_fn = nn.BCEWithLogitsLoss()


def train_epoch(bs=64):
    net.train()
    order = torch.randperm(len(ytr))
    total = 0.0
    for i in range(0, len(order), bs):
        idx = order[i:i + bs]
        optim.zero_grad()
        loss = loss_fn(net(Xtr[idx]), ytr[idx])
        loss.backward()
        optim.step()
        total += loss.item() * len(idx)
    return total / len(ytr)


@torch.no_grad()
def validate():
    net.eval()
    logits = net(Xva)
    pred = (logits > 0).float()
    return loss_fn(logits, yva).item(), (pred == yva).float().mean().item()


for ep in range(12):
    tl = train_epoch()
    vl, va = validate()
    print(f"ep {ep:2d} train_bce {tl:.4f} val_bce {vl:.4f} val_acc {va:.4f}")

print(f"detector accuracy on validation: {va:.4f}")
