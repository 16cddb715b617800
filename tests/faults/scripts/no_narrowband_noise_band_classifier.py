# Which of 12 adjacent frequency bands does a narrow-band noise burst occupy?
# Welch-style averaged periodogram (framing + FFT), log power, MLP classifier.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 5
torch.manual_seed(SEED)
rs = np.random.RandomState(SEED)

FS, NS = 4000, 2048
BAND_EDGES = np.linspace(400, 1000, 13)
FRAME, HOP = 256, 128


def narrowband(n):
    lab = rs.randint(0, 12, n)
    out = np.empty((n, NS), np.float32)
    freqs = np.fft.rfftfreq(NS, 1 / FS)
    for i, c in enumerate(lab):
        lo, hi = BAND_EDGES[c], BAND_EDGES[c + 1]
        spec = (rs.randn(len(freqs)) + 1j * rs.randn(len(freqs)))
        spec *= ((freqs >= lo) & (freqs < hi))
        sig = np.fft.irfft(spec, NS)
        sig /= sig.std() + 1e-9
        out[i] = rs.uniform(0.15, 0.6) * sig + rs.randn(NS)
    return out, lab


def welch_logpow(x):
    x = torch.from_numpy(x)
    fr = x.unfold(1, FRAME, HOP) * torch.hann_window(FRAME)
    p = torch.fft.rfft(fr, dim=-1).abs().pow(2).mean(dim=1)
    return torch.log10(p + 1e-8)


xtr, ytr = narrowband(2000)
xva, yva = narrowband(500)
Ftr, Fva = welch_logpow(xtr), welch_logpow(xva)
mu, sd = Ftr.mean(0), Ftr.std(0)
Ftr, Fva = (Ftr - mu) / sd, (Fva - mu) / sd
ytr, yva = torch.from_numpy(ytr).long(), torch.from_numpy(yva).long()
print("features:", Ftr.shape[1], "bins")

clf = nn.Sequential(
    nn.Linear(Ftr.shape[1], 128), nn.ReLU(),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 12),
)
opt = torch.optim.Adam(clf.parameters(), lr=0.1)

BS = 256
hist = []
for ep in range(20):
    clf.train()
    idx = torch.randperm(len(ytr))
    tot = 0.0
    for b in range(0, len(idx), BS):
        j = idx[b:b + BS]
        opt.zero_grad()
        loss = F.cross_entropy(clf(Ftr[j]), ytr[j])
        loss.backward()
        opt.step()
        tot += loss.item() * len(j)
    clf.eval()
    with torch.no_grad():
        lv = clf(Fva)
        vloss = F.cross_entropy(lv, yva).item()
        vacc = (lv.argmax(1) == yva).float().mean().item()
    hist.append(vacc)
    print(f"ep {ep + 1:2d}  train loss {tot / len(ytr):.4f}  val loss {vloss:.4f}  val acc {vacc:.3f}")

print(f"final: val acc {vacc:.3f} (best {max(hist):.3f})")
