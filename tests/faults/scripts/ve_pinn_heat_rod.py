#!/usr/bin/env python3
"""PINN for the 1-D heat equation on a rod with cold ends.

    u_t = a * u_xx,  x in [0, 1], t in [0, 1]
    u(x, 0) = sin(pi x),  u(0, t) = u(1, t) = 0
    exact:  u = exp(-a pi^2 t) sin(pi x)
"""
import math
import time
import numpy as np
import torch
from torch import nn

torch.manual_seed(123)
np.random.seed(123)
torch.set_num_threads(1)

A = 0.2
cfg = dict(width=32, depth=3, lr=1e-3, n_iters=120, n_pde=256, n_bc=64, n_ic=64, log_every=10)


def exact(x, t):
    return torch.exp(-A * math.pi ** 2 * t) * torch.sin(math.pi * x)


class MLP(nn.Module):
    def __init__(self, width, depth):
        super().__init__()
        dims = [2] + [width] * depth + [1]
        self.lins = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))

    def forward(self, x, t):
        h = torch.cat([2 * x - 1, 2 * t - 1], dim=1)
        for lin in self.lins[:-1]:
            h = torch.tanh(lin(h))
        return self.lins[-1](h)


def pde_residual(net, x, t):
    x.requires_grad_(True); t.requires_grad_(True)
    u = net(x, t)
    u_t, u_x = torch.autograd.grad(u, (t, x), torch.ones_like(u), create_graph=True)
    u_xx = torch.autograd.grad(u_x, x, torch.ones_like(u_x), create_graph=True)[0]
    return u_t - A * u_xx


net = MLP(cfg["width"], cfg["depth"])
opt = torch.optim.Adam(net.parameters(), lr=cfg["lr"])

# fixed evaluation grid
xg, tg = torch.meshgrid(torch.linspace(0, 1, 41), torch.linspace(0, 1, 41), indexing="ij")
xg, tg = xg.reshape(-1, 1), tg.reshape(-1, 1)
u_ref = exact(xg, tg)

t_start = time.time()
for it in range(1, cfg["n_iters"] + 1):
    net.train()
    xc, tc = torch.rand(cfg["n_pde"], 1), torch.rand(cfg["n_pde"], 1)
    l_pde = pde_residual(net, xc, tc).pow(2).mean()

    tb = torch.rand(cfg["n_bc"], 1)
    xb = torch.randint(0, 2, (cfg["n_bc"], 1)).float()
    l_bc = net(xb, tb).pow(2).mean()

    xi = torch.rand(cfg["n_ic"], 1)
    l_ic = (net(xi, torch.zeros_like(xi)) - torch.sin(math.pi * xi)).pow(2).mean()

    loss = l_pde + l_bc + l_ic
    opt.zero_grad()
    loss.backward()
    opt.step()

    if it % cfg["log_every"] == 0 or it == 1:
        print(f"it {it:5d} | loss {loss.item():.4e} | pde {l_pde.item():.2e} bc {l_bc.item():.2e} ic {l_ic.item():.2e}")

net.eval()
with torch.no_grad():
    u_pred = net(xg, tg)
rel_l2 = (torch.norm(u_pred - u_ref) / torch.norm(u_ref)).item()
print(f"done in {time.time() - t_start:.1f}s, relative L2 error on 41x41 grid: {rel_l2:.4f}")
