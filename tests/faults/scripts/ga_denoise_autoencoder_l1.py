# Denoising as regression: recover clean stripe/disc patterns from noisy 24x24 inputs.
import math
import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.manual_seed(3)
gen = np.random.default_rng(3)
RES = 24


def clean_patterns(n):
    yy, xx = np.mgrid[:RES, :RES] / RES
    out = np.zeros((n, 1, RES, RES), np.float32)
    for i in range(n):
        theta = gen.uniform(0, math.pi)
        freq = gen.uniform(2, 5)
        stripes = 0.5 + 0.5 * np.sin(2 * math.pi * freq * (xx * np.cos(theta) + yy * np.sin(theta)))
        cy, cx, r = gen.uniform(0.25, 0.75), gen.uniform(0.25, 0.75), gen.uniform(0.1, 0.25)
        disc = ((yy - cy) ** 2 + (xx - cx) ** 2 < r * r).astype(np.float32)
        out[i, 0] = np.clip(0.6 * stripes + disc, 0, 1.3)
    return out


clean_tr, clean_va = clean_patterns(600), clean_patterns(150)
noisy_tr = clean_tr + gen.normal(0, 0.4, clean_tr.shape).astype(np.float32)
noisy_va = clean_va + gen.normal(0, 0.4, clean_va.shape).astype(np.float32)
mu, sigma = noisy_tr.mean(), noisy_tr.std()
X_tr = torch.from_numpy((noisy_tr - mu) / sigma)
X_va = torch.from_numpy((noisy_va - mu) / sigma)
Y_tr, Y_va = torch.from_numpy(clean_tr), torch.from_numpy(clean_va)


class Denoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
        )
        self.decoder = nn.Sequential(
            nn.ConvTranspose2d(32, 16, 4, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding=1), nn.ReLU(),
            nn.Conv2d(16, 1, 3, padding=1),
        )

    def forward(self, x):
        z = self.encoder(x)
        return self.decoder(z.detach())


def psnr(pred, target, peak=1.3):
    mse = torch.mean((pred - target) ** 2).item()
    return 10 * math.log10(peak ** 2 / mse)


model = Denoiser()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
loss_fn = nn.L1Loss()
batch = 30

print(f"input PSNR (noisy vs clean, val): {psnr(torch.from_numpy(noisy_va), Y_va):.2f} dB")
for epoch in range(15):
    model.train()
    order = torch.randperm(len(X_tr))
    acc = 0.0
    for start in range(0, len(X_tr), batch):
        sel = order[start:start + batch]
        opt.zero_grad()
        loss = loss_fn(model(X_tr[sel]), Y_tr[sel])
        loss.backward()
        opt.step()
        acc += loss.item() * len(sel)
    model.eval()
    with torch.no_grad():
        pv = model(X_va)
        vl = loss_fn(pv, Y_va).item()
    print(f"epoch {epoch:2d}  train L1 {acc / len(X_tr):.4f}  val L1 {vl:.4f}  val PSNR {psnr(pv, Y_va):.2f} dB")
