"""Small VAE on the 8x8 digits; report validation ELBO and a linear probe on the latent means."""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

torch.manual_seed(0)
np.random.seed(0)

digits = load_digits()
X = (digits.data / 16.0).astype(np.float32)          # pixel intensities in [0, 1]
y = digits.target
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)
Xtr, Xva = torch.from_numpy(X_tr), torch.from_numpy(X_va)


class VAE(nn.Module):
    def __init__(self, d=64, h=128, z=8):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(d, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU())
        self.mu = nn.Linear(h, z)
        self.logvar = nn.Linear(h, z)
        self.dec = nn.Sequential(nn.Linear(z, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, d))

    def forward(self, x):
        e = self.enc(x)
        mu, logvar = self.mu(e), self.logvar(e)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        return torch.sigmoid(self.dec(z)), mu, logvar


SIGMA = 0.1  # fixed decoder std for the Gaussian likelihood


def neg_elbo(recon, x, mu, logvar, beta=1.0):
    rec = 0.5 * ((recon - x) / SIGMA).pow(2).sum(dim=1)
    kl = -0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(dim=1)
    return (rec + beta * kl).mean(), rec.mean(), kl.mean()


vae = VAE()
opt = torch.optim.Adam(vae.parameters(), lr=2e-3)
EPOCHS = 40
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=EPOCHS, eta_min=1e-4)
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(Xtr), batch_size=64, shuffle=True)

for epoch in range(EPOCHS):
    beta = min(1.0, (epoch + 1) / 10)                 # KL warm-up
    vae.train()
    tot = 0.0
    for (xb,) in loader:
        opt.zero_grad()
        recon, mu, logvar = vae(xb)
        loss, _, _ = neg_elbo(recon, xb, mu, logvar, beta)
        loss.backward()
        opt.step()
        tot += loss.item() * len(xb)
    sched.step()
    if epoch % 5 == 4:
        vae.eval()
        with torch.no_grad():
            recon, mu, logvar = vae(Xva)
            v, rec, kl = neg_elbo(recon, Xva, mu, logvar)
        print(f"epoch {epoch + 1:2d}  beta {beta:.2f}  train -elbo {tot / len(Xtr):7.2f}  "
              f"val -elbo {v.item():7.2f} (rec {rec.item():6.2f}, kl {kl.item():5.2f})")

vae.eval()
with torch.no_grad():
    z_tr = vae(Xtr)[1].numpy()
    z_va = vae(Xva)[1].numpy()
probe = LogisticRegression(max_iter=2000).fit(z_tr, y_tr)
print(f"linear probe on 8-d latent means: val accuracy {probe.score(z_va, y_va):.3f}")
