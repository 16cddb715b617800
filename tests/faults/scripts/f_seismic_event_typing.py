"""Seismic station event typing + magnitude estimation.

Synthetic 3-second traces (50 Hz) from six source types; the network classifies
the source and regresses the local magnitude from the same shared trunk.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

g = torch.Generator().manual_seed(42)
torch.manual_seed(42)

FS, DUR = 50, 3.0
T = int(FS * DUR)
N_TYPES = 12


def synth_events(n):
    t = torch.arange(T) / FS
    etype = torch.randint(0, N_TYPES, (n,), generator=g)
    mag = 1.0 + 3.0 * torch.rand(n, generator=g)
    f_dom = 1.5 + 0.9 * etype.float() + 1.0 * torch.rand(n, generator=g)        # dominant frequency, Hz
    onset = 0.3 + 0.5 * torch.rand(n, generator=g)
    decay = 1.0 + 0.4 * (etype % 3).float()
    env = torch.clamp(t[None] - onset[:, None], min=0) * torch.exp(-decay[:, None] * torch.clamp(t[None] - onset[:, None], min=0))
    wave = torch.sin(2 * np.pi * f_dom[:, None] * t[None])
    trace = (10 ** (0.5 * mag))[:, None] * env * wave
    trace = trace + 1.0 * torch.randn(n, T, generator=g)
    # log-amplitude spectrum as features
    spec = torch.log1p(torch.fft.rfft(trace, dim=1).abs())
    return spec, etype, mag


X, y_type, y_mag = synth_events(2400)
n_tr = 1900
X_tr, X_va = X[:n_tr], X[n_tr:]
c_tr, c_va = y_type[:n_tr], y_type[n_tr:]
m_tr, m_va = y_mag[:n_tr], y_mag[n_tr:]
mu, sd = X_tr.mean(0), X_tr.std(0) + 1e-6
X_tr, X_va = (X_tr - mu) / sd, (X_va - mu) / sd
m_mu, m_sd = m_tr.mean(), m_tr.std()


class EventNet(nn.Module):
    def __init__(self, d_in, n_types):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(d_in, 96), nn.ReLU(), nn.Dropout(0.1), nn.Linear(96, 48), nn.ReLU())
        self.type_head = nn.Linear(48, n_types)
        self.mag_head = nn.Linear(48, 1)

    def forward(self, x):
        h = self.trunk(x)
        type_out = F.softmax(self.type_head(h), dim=-1)
        return type_out, self.mag_head(h).squeeze(-1)


net = EventNet(X.shape[1], N_TYPES)
opt = torch.optim.AdamW(net.parameters(), lr=1e-3, weight_decay=1e-2)
ce = nn.CrossEntropyLoss()
huber = nn.HuberLoss(delta=1.0)
BATCH = 64

for epoch in range(20):
    net.train()
    perm = torch.randperm(n_tr, generator=g)
    ce_sum = hub_sum = 0.0
    for i in range(0, n_tr, BATCH):
        idx = perm[i:i + BATCH]
        opt.zero_grad()
        type_out, mag_hat = net(X_tr[idx])
        l_type = ce(type_out, c_tr[idx])
        l_mag = huber(mag_hat, (m_tr[idx] - m_mu) / m_sd)
        (l_type + l_mag).backward()
        nn.utils.clip_grad_norm_(net.parameters(), 2.0)
        opt.step()
        ce_sum += l_type.item() * len(idx)
        hub_sum += l_mag.item() * len(idx)
    net.eval()
    with torch.no_grad():
        p_type, p_mag = net(X_va)
        acc = (p_type.argmax(1) == c_va).float().mean().item()
        mag_mae = ((p_mag * m_sd + m_mu) - m_va).abs().mean().item()
    if epoch % 4 == 3:
        print(f"epoch {epoch + 1:2d}  CE {ce_sum / n_tr:.4f}  Huber {hub_sum / n_tr:.4f}  val acc {acc:.3f}  val ML MAE {mag_mae:.3f}")

print(f"validation: type accuracy {acc:.3f}, magnitude MAE {mag_mae:.3f}")
