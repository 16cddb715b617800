"""Denoising autoencoder for noisy multi-tone signals (length-64 windows)."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(3)
rng = np.random.default_rng(3)

L = 64
t = np.linspace(0, 1, L, endpoint=False)


def make_signals(n):
    sig = np.zeros((n, L))
    for k in range(3):
        f = rng.uniform(1, 6, size=(n, 1))
        ph = rng.uniform(0, 2 * np.pi, size=(n, 1))
        a = rng.uniform(0.3, 1.0, size=(n, 1))
        sig += a * np.sin(2 * np.pi * f * t + ph)
    return sig.astype(np.float32)


clean_tr, clean_va = make_signals(3000), make_signals(500)
noisy_tr = clean_tr + 0.5 * rng.standard_normal(clean_tr.shape).astype(np.float32)
noisy_va = clean_va + 0.5 * rng.standard_normal(clean_va.shape).astype(np.float32)

scale = clean_tr.std()
clean_tr, clean_va = clean_tr / scale, clean_va / scale
noisy_tr, noisy_va = noisy_tr / scale, noisy_va / scale


class DAE(nn.Module):
    def __init__(self, n=L, code=12):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(n, 128), nn.SiLU(), nn.Linear(128, code))
        self.dec = nn.Sequential(nn.Linear(code, 128), nn.SiLU(), nn.Linear(128, n))

    def encode(self, x):
        h = self.enc(x).detach().cpu().numpy()
        # soft-bound the code so the decoder sees a fixed range
        h = np.tanh(h / 3.0) * 3.0
        return torch.from_numpy(h)

    def forward(self, x):
        return self.dec(self.encode(x))


model = DAE()
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)

Xn, Xc = torch.from_numpy(noisy_tr), torch.from_numpy(clean_tr)
Vn, Vc = torch.from_numpy(noisy_va), torch.from_numpy(clean_va)
print(f"input (noisy) val mse vs clean: {F.mse_loss(Vn, Vc).item():.4f}")

bs = 100
for epoch in range(40):
    model.train()
    perm = torch.randperm(len(Xn))
    total = 0.0
    for i in range(0, len(Xn), bs):
        idx = perm[i:i + bs]
        opt.zero_grad()
        loss = F.mse_loss(model(Xn[idx]), Xc[idx])
        loss.backward()
        opt.step()
        total += loss.item() * len(idx)
    model.eval()
    with torch.no_grad():
        val = F.mse_loss(model(Vn), Vc).item()
    if epoch % 5 == 4:
        print(f"epoch {epoch + 1:2d}  train mse {total / len(Xn):.4f}  val mse {val:.4f}")

snr_in = 10 * np.log10(1 / F.mse_loss(Vn, Vc).item())
snr_out = 10 * np.log10(1 / val)
print(f"denoising: val mse {val:.4f}   SNR {snr_in:.1f} dB -> {snr_out:.1f} dB")
