"""Tiny DDPM on 2-D two-moons points: MLP predicts the added noise."""
import math
import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import make_moons

torch.manual_seed(0)
np.random.seed(0)
torch.set_num_threads(1)

X, _ = make_moons(n_samples=3000, noise=0.06, random_state=0)
X = X.astype(np.float32)
perm = np.random.permutation(len(X))
tr, va = perm[:2500], perm[2500:]
mu, sd = X[tr].mean(0), X[tr].std(0)
Xtr = torch.tensor((X[tr] - mu) / sd)
Xva = torch.tensor((X[va] - mu) / sd)

T = 100
betas = torch.linspace(1e-4, 0.05, T)
alphas = 1.0 - betas
abar = torch.cumprod(alphas, 0)


def time_embed(t, dim=16):
    half = dim // 2
    freqs = torch.exp(-math.log(1000.0) * torch.arange(half) / half)
    ang = t.float()[:, None] * freqs[None]
    return torch.cat([ang.sin(), ang.cos()], dim=1)


class NoiseNet(nn.Module):
    def __init__(self, hidden=128):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(2 + 16, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, hidden), nn.ReLU(),
            nn.Linear(hidden, 2),
        )
        self.reset_parameters()

    def reset_parameters(self):
        layers = [m for m in self.net if isinstance(m, nn.Linear)]
        for m in layers[:-1]:
            nn.init.kaiming_uniform_(m.weight, nonlinearity="relu")
            nn.init.constant_(m.bias, -3.0)
        nn.init.xavier_uniform_(layers[-1].weight)
        nn.init.zeros_(layers[-1].bias)

    def forward(self, x, t):
        return self.net(torch.cat([x, time_embed(t)], dim=1))


def q_sample(x0, t, eps):
    a = abar[t].sqrt()[:, None]
    s = (1 - abar[t]).sqrt()[:, None]
    return a * x0 + s * eps


@torch.no_grad()
def sample(model, n):
    x = torch.randn(n, 2)
    for t in reversed(range(T)):
        tt = torch.full((n,), t, dtype=torch.long)
        eps = model(x, tt)
        x = (x - betas[t] / (1 - abar[t]).sqrt() * eps) / alphas[t].sqrt()
        if t > 0:
            x = x + betas[t].sqrt() * torch.randn_like(x)
    return x


model = NoiseNet()
opt = torch.optim.Adam(model.parameters(), lr=2e-3)
batch = 128
epochs = 60

for epoch in range(epochs):
    model.train()
    idx = torch.randperm(len(Xtr))
    tot, nb = 0.0, 0
    for i in range(0, len(Xtr), batch):
        x0 = Xtr[idx[i:i + batch]]
        t = torch.randint(0, T, (len(x0),))
        eps = torch.randn_like(x0)
        pred = model(q_sample(x0, t, eps), t)
        loss = ((pred - eps) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        tot += loss.item(); nb += 1
    if epoch % 5 == 0 or epoch == epochs - 1:
        model.eval()
        with torch.no_grad():
            g = torch.Generator().manual_seed(1)
            t = torch.randint(0, T, (len(Xva),), generator=g)
            eps = torch.randn(Xva.shape, generator=g)
            vloss = ((model(q_sample(Xva, t, eps), t) - eps) ** 2).mean().item()
        print(f"epoch {epoch:3d}  train mse {tot / nb:.4f}  val mse {vloss:.4f}")

model.eval()
s = sample(model, 500)
d = torch.cdist(s, Xva).min(dim=1).values.mean().item()
print(f"mean distance of samples to nearest real val point: {d:.4f}")
