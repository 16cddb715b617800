# Estimate the natural frequency (Hz) of a damped mass-spring system from a
# short displacement record (mm). Sliding windows are cut from long records.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1)
np.random.seed(1)

FS = 100.0          # Hz
REC_LEN = 400       # samples per record
WIN, HOP = 64, 32


def simulate(n_records):
    t = torch.arange(REC_LEN) / FS
    f_n = torch.empty(n_records).uniform_(1.0, 8.0)          # natural frequency, Hz
    zeta = torch.empty(n_records).uniform_(0.01, 0.08)        # damping ratio
    amp = torch.empty(n_records).uniform_(2.0, 10.0)          # mm
    w = 2 * np.pi * f_n[:, None]
    x = amp[:, None] * torch.exp(-zeta[:, None] * w * t) * torch.cos(w * t)
    x = x + 0.05 * torch.randn_like(x)
    win = x.unfold(1, WIN, HOP)                               # (records, n_win, WIN)
    n_win = win.shape[1]
    # per-window amplitude normalisation so that only the shape carries the frequency
    win = win / win.abs().amax(dim=-1, keepdim=True)
    return win.reshape(-1, WIN), f_n.repeat_interleave(n_win)


X, y = simulate(240)
perm = torch.randperm(len(y))
X, y = X[perm], y[perm]
n_tr = int(0.8 * len(y))
X_tr, y_tr, X_va, y_va = X[:n_tr], y[:n_tr], X[n_tr:], y[n_tr:]

x_mu, x_sd = X_tr.mean(0), X_tr.std(0)
y_mu, y_sd = y_tr.mean(), y_tr.std()
X_tr, X_va = (X_tr - x_mu) / x_sd, (X_va - x_mu) / x_sd
t_tr = (y_tr - y_mu) / y_sd

model = nn.Sequential(
    nn.Linear(WIN, 128), nn.ReLU(),
    nn.Linear(128, 128), nn.ReLU(),
    nn.Linear(128, 64), nn.ReLU(),
    nn.Linear(64, 1),
)


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
        nn.init.constant_(m.bias, -2.0)


model.apply(init_weights)
nn.init.zeros_(model[-1].bias)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
BS = 128

for epoch in range(25):
    model.train()
    idx = torch.randperm(n_tr)
    running = 0.0
    for k in range(0, n_tr, BS):
        b = idx[k:k + BS]
        opt.zero_grad()
        pred = model(X_tr[b]).squeeze(1)
        loss = F.smooth_l1_loss(pred, t_tr[b])
        loss.backward()
        opt.step()
        running += loss.item() * len(b)
    model.eval()
    with torch.no_grad():
        f_hat = model(X_va).squeeze(1) * y_sd + y_mu
        mae = (f_hat - y_va).abs().mean().item()
    if epoch % 5 == 4 or epoch == 0:
        print(f"epoch {epoch + 1:2d} | huber {running / n_tr:.4f} | val MAE {mae:.3f} Hz")

print(f"validation MAE: {mae:.3f} Hz (predicting the mean gives {(y_va - y_mu).abs().mean():.3f} Hz)")
