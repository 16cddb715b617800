import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

torch.manual_seed(1234)
np.random.seed(1234)
torch.set_num_threads(1)

X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.2, random_state=0, stratify=y)
Xtr, Xva = torch.from_numpy(Xtr), torch.from_numpy(Xva)
ytr, yva = torch.from_numpy(ytr), torch.from_numpy(yva)


class Classifier(nn.Module):
    """Judge trained on real digits; later scores the VAE's reconstructions."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Dropout(0.3), nn.Linear(128, 10))

    def forward(self, x):
        return self.net(x)


class VAE(nn.Module):
    def __init__(self, z_dim=10):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(64, 128), nn.ReLU())
        self.to_mu = nn.Linear(128, z_dim)
        self.to_logvar = nn.Linear(128, z_dim)
        self.dec = nn.Sequential(nn.Linear(z_dim, 128), nn.ReLU(), nn.Linear(128, 64))

    def encode(self, x):
        h = self.enc(x)
        return self.to_mu(h), self.to_logvar(h)

    def forward(self, x):
        mu, logvar = self.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu) if self.training else mu
        return self.dec(z), mu, logvar


def make_batches(n, bs):
    order = torch.randperm(n)
    return [order[i:i + bs] for i in range(0, n, bs)]


# --- judge ---
judge = Classifier()
j_opt = torch.optim.AdamW(judge.parameters(), lr=2e-3, weight_decay=1e-2)
for ep in range(20):
    judge.train()
    for b in make_batches(len(Xtr), 64):
        j_opt.zero_grad()
        F.cross_entropy(judge(Xtr[b]), ytr[b]).backward()
        j_opt.step()
judge.eval()
with torch.no_grad():
    judge_acc = (judge(Xva).argmax(1) == yva).float().mean().item()
print(f"judge val accuracy on real digits: {judge_acc:.3f}")

# --- VAE ---
vae = VAE()
EPOCHS, WARMUP = 50, 10
opt = torch.optim.Adam(vae.parameters(), lr=3e-3)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS, eta_min=1e-4)

for ep in range(EPOCHS):
    beta = min(1.0, (ep + 1) / WARMUP)
    vae.train()
    rec_tot = kl_tot = 0.0
    for b in make_batches(len(Xtr), 64):
        xb = Xtr[b]
        logits, mu, logvar = vae(xb)
        rec = F.binary_cross_entropy_with_logits(logits, xb, reduction="none").sum(1).mean()
        kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp())).sum(1).mean()
        loss = rec + beta * kl
        opt.zero_grad()
        loss.backward()
        opt.step()
        rec_tot += rec.item() * len(b); kl_tot += kl.item() * len(b)
    sched.step()
    vae.eval()
    with torch.no_grad():
        logits, mu, logvar = vae(Xva)
        v_rec = F.binary_cross_entropy_with_logits(logits, Xva, reduction="none").sum(1).mean().item()
        v_kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp())).sum(1).mean().item()
    if ep % 5 == 4 or ep == 0:
        print(f"ep {ep + 1:2d} lr {sched.get_last_lr()[0]:.5f} beta {beta:.2f} | train rec {rec_tot / len(Xtr):6.2f} "
              f"kl {kl_tot / len(Xtr):5.2f} | val rec {v_rec:6.2f} kl {v_kl:5.2f} elbo {-(v_rec + v_kl):7.2f}")

with torch.no_grad():
    recon = torch.sigmoid(vae(Xva)[0])
    pix_mse = F.mse_loss(recon, Xva).item()
    acc_rec = (judge(recon).argmax(1) == yva).float().mean().item()
print(f"val pixel mse {pix_mse:.4f}; judge accuracy on reconstructions {acc_rec:.3f} "
      f"(on originals {judge_acc:.3f})")
