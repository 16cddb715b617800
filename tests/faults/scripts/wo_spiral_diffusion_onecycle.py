"""Denoising diffusion on a 2-D spiral. Noise-prediction objective, learned timestep embedding."""
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn


@dataclass
class Config:
    n_train: int = 3000
    n_val: int = 600
    steps_T: int = 100
    hidden: int = 128
    batch: int = 100
    epochs: int = 60
    max_lr: float = 3e-3
    clip: float = 1.0
    seed: int = 2024


cfg = Config()
torch.manual_seed(cfg.seed)
np.random.seed(cfg.seed)
torch.set_num_threads(1)


def spiral(n, rng):
    t = np.sqrt(rng.uniform(0, 1, n)) * 2 * np.pi
    pts = np.stack([t * np.cos(t), t * np.sin(t)], 1) / 2.0
    return (pts + 0.05 * rng.randn(n, 2)).astype(np.float32)


rng = np.random.RandomState(cfg.seed)
raw = spiral(cfg.n_train + cfg.n_val, rng)
raw_tr, raw_va = raw[:cfg.n_train], raw[cfg.n_train:]
m, s = raw_tr.mean(0), raw_tr.std(0)
x_train = torch.from_numpy((raw_tr - m) / s)
x_val = torch.from_numpy((raw_va - m) / s)

beta = torch.linspace(1e-4, 0.1, cfg.steps_T)
alpha = 1 - beta
alpha_bar = torch.cumprod(alpha, 0)


class Denoiser(nn.Module):
    def __init__(self, hidden, T):
        super().__init__()
        self.t_emb = nn.Embedding(T, hidden)
        self.inp = nn.Linear(2, hidden)
        self.mlp = nn.Sequential(nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(),
                                 nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, 2))

    def forward(self, x, t):
        return self.mlp(self.inp(x) + self.t_emb(t))


def noisy(x0, t, noise):
    ab = alpha_bar[t].unsqueeze(1)
    return ab.sqrt() * x0 + (1 - ab).sqrt() * noise


net = Denoiser(cfg.hidden, cfg.steps_T)
optim = torch.optim.AdamW(net.parameters(), lr=cfg.max_lr, weight_decay=1e-4)
steps_per_epoch = (len(x_train) + cfg.batch - 1) // cfg.batch
sched = torch.optim.lr_scheduler.OneCycleLR(optim, max_lr=cfg.max_lr, epochs=cfg.epochs,
                                            steps_per_epoch=steps_per_epoch)

gen_val = torch.Generator().manual_seed(99)
t_val = torch.randint(0, cfg.steps_T, (len(x_val),), generator=gen_val)
eps_val = torch.randn(x_val.shape, generator=gen_val)


@torch.no_grad()
def generate(n):
    x = torch.randn(n, 2)
    for t in range(cfg.steps_T - 1, -1, -1):
        tt = torch.full((n,), t, dtype=torch.long)
        eps_hat = net(x, tt)
        x = (x - beta[t] / (1 - alpha_bar[t]).sqrt() * eps_hat) / alpha[t].sqrt()
        if t:
            x += beta[t].sqrt() * torch.randn_like(x)
    return x


for epoch in range(cfg.epochs):
    net.train()
    order = torch.randperm(len(x_train))
    losses = []
    for i in range(steps_per_epoch):
        x0 = x_train[order[i * cfg.batch:(i + 1) * cfg.batch]]
        t = torch.randint(0, cfg.steps_T, (len(x0),))
        noise = torch.randn_like(x0)
        loss = nn.functional.mse_loss(net(noisy(x0, t, noise), t), noise)
        optim.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), cfg.clip)
        optim.step()
        sched.step()
        losses.append(loss.item())
    net.eval()
    with torch.no_grad():
        val_loss = nn.functional.mse_loss(net(noisy(x_val, t_val, eps_val), t_val), eps_val).item()
    if epoch % 5 == 0 or epoch == cfg.epochs - 1:
        print(f"epoch {epoch:2d}  lr {sched.get_last_lr()[0]:.2e}  train {np.mean(losses):.4f}  val {val_loss:.4f}")

net.eval()
samples = generate(1000)
d_gen = torch.cdist(samples, x_val).min(1).values.mean().item()
d_noise = torch.cdist(torch.randn(1000, 2), x_val).min(1).values.mean().item()
x_ref = torch.from_numpy((spiral(1000, np.random.RandomState(7)) - m) / s)
d_ref = torch.cdist(x_ref, x_val).min(1).values.mean().item()
print(f"mean nearest-val distance: samples {d_gen:.3f}  fresh real points {d_ref:.3f}  pure gaussian {d_noise:.3f}")
