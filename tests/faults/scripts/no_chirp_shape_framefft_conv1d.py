#!/usr/bin/env python
# chirp shape recognition: up-sweep / down-sweep / steady tone / vibrato
# framed FFT -> log magnitude -> per-utterance norm -> Conv1d over frames
import numpy as np
import torch
from torch import nn

SEED = 1234
torch.manual_seed(SEED)
np.random.seed(SEED)

fs = 4000
L = 1024
frame, hop = 64, 32
n_epochs = 2
bs = 32


def synth(kind, rs):
    t = np.arange(L) / fs
    f0 = rs.uniform(300, 700)
    span = rs.uniform(500, 900)
    if kind == 0:
        inst = f0 + span * t / t[-1]
    elif kind == 1:
        inst = f0 + span - span * t / t[-1]
    elif kind == 2:
        inst = np.full_like(t, f0 + span / 2)
    else:
        inst = f0 + span / 2 + 120 * np.sin(2 * np.pi * rs.uniform(3, 6) * t)
    ph = 2 * np.pi * np.cumsum(inst) / fs
    return np.sin(ph) + rs.normal(0, 0.7, L)


def frames_logmag(sig):
    idx = np.arange(frame)[None, :] + hop * np.arange((L - frame) // hop + 1)[:, None]
    fr = sig[idx] * np.hanning(frame)
    mag = np.abs(np.fft.rfft(fr, axis=1))
    lm = np.log(mag + 1e-3).T  # (bins, frames)
    return (lm - lm.mean()) / (lm.std() + 1e-6)


rs = np.random.RandomState(SEED)
labels = rs.randint(0, 4, 2000)
feats = np.stack([frames_logmag(synth(k, rs)) for k in labels]).astype(np.float32)
X = torch.tensor(feats)
Y = torch.tensor(labels)
Xtr, Ytr = X[:1600], Y[:1600]
Xva, Yva = X[1600:], Y[1600:]
print("train", tuple(Xtr.shape), "val", tuple(Xva.shape))

net = nn.Sequential(
    nn.Conv1d(X.shape[1], 32, 5, padding=2), nn.ReLU(),
    nn.Conv1d(32, 32, 5, padding=2), nn.ReLU(),
    nn.AdaptiveAvgPool1d(4), nn.Flatten(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 4),
)
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
lossf = nn.CrossEntropyLoss()

for ep in range(n_epochs):
    net.train()
    perm = torch.randperm(len(Xtr))
    running = []
    for k in range(0, len(Xtr), bs):
        b = perm[k:k + bs]
        opt.zero_grad()
        l = lossf(net(Xtr[b]), Ytr[b])
        l.backward()
        opt.step()
        running.append(l.item())
    net.eval()
    with torch.no_grad():
        out = net(Xva)
        vl = lossf(out, Yva).item()
        acc = (out.argmax(-1) == Yva).float().mean().item()
    print(f"[{ep + 1}/{n_epochs}] loss first-batch {running[0]:.3f} last-batch {running[-1]:.3f} "
          f"mean {np.mean(running):.3f} | val loss {vl:.3f} acc {acc:.3f}")

print("done. validation accuracy = %.3f" % acc)
