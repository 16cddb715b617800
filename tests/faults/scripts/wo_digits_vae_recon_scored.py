import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

torch.manual_seed(7)
np.random.seed(7)
torch.set_num_threads(1)

digits = load_digits()
X = (digits.data / 16.0).astype(np.float32)
y = digits.target
X_tr, X_va, y_tr, y_va = train_test_split(X, y, test_size=0.2, random_state=7, stratify=y)

# reference classifier on real pixels, used to score reconstructions
scorer = LogisticRegression(max_iter=2000).fit(X_tr, y_tr)
print(f"scorer accuracy on real val digits: {scorer.score(X_va, y_va):.3f}")


class VAE(nn.Module):
    def __init__(self, d_in=64, h=128, z=8):
        super().__init__()
        self.enc = nn.Sequential(nn.Linear(d_in, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU())
        self.mu = nn.Linear(h, z)
        self.logvar = nn.Linear(h, z)
        self.dec = nn.Sequential(nn.Linear(z, h), nn.ReLU(), nn.Linear(h, h), nn.ReLU(), nn.Linear(h, d_in))

    def forward(self, x):
        h = self.enc(x)
        mu, logvar = self.mu(h), self.logvar(h)
        z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
        return self.dec(z), mu, logvar


def elbo_terms(logits, x, mu, logvar):
    rec = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x)
    kl = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp()) / len(x)
    return rec, kl


vae = VAE()
for p in vae.dec.parameters():
    p.requires_grad = False
optimizer = torch.optim.Adam(vae.parameters(), lr=2e-3)

train_loader = torch.utils.data.DataLoader(
    torch.utils.data.TensorDataset(torch.from_numpy(X_tr)), batch_size=64, shuffle=True)
Xv = torch.from_numpy(X_va)

for epoch in range(1, 41):
    vae.train()
    rec_sum = kl_sum = 0.0
    for (xb,) in train_loader:
        logits, mu, logvar = vae(xb)
        rec, kl = elbo_terms(logits, xb, mu, logvar)
        loss = rec + kl
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        rec_sum += rec.item() * len(xb); kl_sum += kl.item() * len(xb)
    vae.eval()
    with torch.no_grad():
        h = vae.enc(Xv)
        recon = torch.sigmoid(vae.dec(vae.mu(h)))
        v_rec, v_kl = elbo_terms(vae.dec(vae.mu(h)), Xv, vae.mu(h), vae.logvar(h))
        mse = F.mse_loss(recon, Xv).item()
    if epoch % 5 == 0 or epoch == 1:
        print(f"epoch {epoch:2d}  train rec {rec_sum / len(X_tr):7.2f} kl {kl_sum / len(X_tr):5.2f} | "
              f"val rec {v_rec.item():7.2f} kl {v_kl.item():5.2f} pixel-mse {mse:.4f}")

acc = scorer.score(recon.numpy(), y_va)
print(f"final val pixel mse {mse:.4f}; scorer accuracy on reconstructions {acc:.3f}")
