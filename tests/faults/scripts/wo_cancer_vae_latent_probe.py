import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

SEED = 21
torch.manual_seed(SEED)
np.random.seed(SEED)
torch.set_num_threads(1)

cfg = dict(latent=4, hidden=64, lr=1e-3, weight_decay=5e-1, epochs=60, batch_size=32, beta=0.5)

data = load_breast_cancer()
Xtr, Xva, ytr, yva = train_test_split(data.data, data.target, test_size=0.25,
                                      random_state=SEED, stratify=data.target)
mean, std = Xtr.mean(0), Xtr.std(0) + 1e-8
Xtr = torch.tensor((Xtr - mean) / std, dtype=torch.float32)
Xva = torch.tensor((Xva - mean) / std, dtype=torch.float32)


class Encoder(nn.Module):
    def __init__(self, d, h, z):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU())
        self.head = nn.Linear(h, 2 * z)

    def forward(self, x):
        mu, logvar = self.head(self.body(x)).chunk(2, dim=1)
        return mu, logvar.clamp(-8, 8)


class Decoder(nn.Module):
    def __init__(self, z, h, d):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(z, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, d))

    def forward(self, z):
        return self.net(z)


enc = Encoder(30, cfg["hidden"], cfg["latent"])
dec = Decoder(cfg["latent"], cfg["hidden"], 30)
params = list(enc.parameters()) + list(dec.parameters())
opt = torch.optim.Adam(params, lr=cfg["lr"], weight_decay=cfg["weight_decay"])


def step_loss(x, sample=True):
    mu, logvar = enc(x)
    z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if sample else mu
    xhat = dec(z)
    rec = F.mse_loss(xhat, x, reduction="none").sum(1).mean()
    kl = (-0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(1)).mean()
    return rec, kl


n = len(Xtr)
for epoch in range(cfg["epochs"]):
    enc.train(); dec.train()
    perm = torch.randperm(n)
    r_tot = k_tot = 0.0
    for i in range(0, n, cfg["batch_size"]):
        xb = Xtr[perm[i:i + cfg["batch_size"]]]
        rec, kl = step_loss(xb)
        loss = rec + cfg["beta"] * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        r_tot += rec.item() * len(xb); k_tot += kl.item() * len(xb)
    if epoch % 10 == 9 or epoch == 0:
        enc.eval(); dec.eval()
        with torch.no_grad():
            vr, vk = step_loss(Xva, sample=False)
        print(f"epoch {epoch + 1:3d} | train rec {r_tot / n:6.2f} kl {k_tot / n:5.2f} | "
              f"val rec {vr.item():6.2f} (per-feature mse {vr.item() / 30:.3f})")

enc.eval()
with torch.no_grad():
    ztr, _ = enc(Xtr)
    zva, _ = enc(Xva)
probe = LogisticRegression(max_iter=1000).fit(ztr.numpy(), ytr)
print(f"latent probe accuracy (val): {probe.score(zva.numpy(), yva):.3f}")
