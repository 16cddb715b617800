"""Physics-informed network for the undamped harmonic oscillator.

    u''(t) + omega^2 u(t) = 0,   u(0) = 1,   u'(0) = 0
    analytic solution: u(t) = cos(omega t)
"""
import math
import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(0)
np.random.seed(0)
torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

OMEGA = 1.5
T_END = 2.0
N_COLLOC = 64
N_STEPS = 800
LR = 5e-3
W_IC = 10.0


class PINN(nn.Module):
    def __init__(self, width=24, depth=3):
        super().__init__()
        layers, d = [], 1
        for _ in range(depth):
            layers += [nn.Linear(d, width), nn.Tanh()]
            d = width
        layers.append(nn.Linear(d, 1))
        self.net = nn.Sequential(*layers)
        for m in self.net:
            if isinstance(m, nn.Linear):
                nn.init.xavier_normal_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, t):
        # map t to roughly [-1, 1]
        return self.net(2.0 * t / T_END - 1.0)


def derivatives(model, t):
    t = t.requires_grad_(True)
    u = model(t)
    du = torch.autograd.grad(u, t, torch.ones_like(u), create_graph=True)[0]
    d2u = torch.autograd.grad(du, t, torch.ones_like(du), create_graph=True)[0]
    return u, du, d2u


def analytic(t):
    return torch.cos(OMEGA * t)


model = PINN()
opt = torch.optim.Adam(model.parameters(), lr=LR)
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=N_STEPS, eta_min=1e-5)

t0 = torch.zeros(1, 1)
t_test = torch.linspace(0.0, T_END, 400).unsqueeze(1)

for step in range(1, N_STEPS + 1):
    model.train()
    t_c = torch.rand(N_COLLOC, 1) * T_END
    u, du, d2u = derivatives(model, t_c)
    res = d2u + OMEGA ** 2 * u
    loss_pde = (res ** 2).mean()

    u0, du0, _ = derivatives(model, t0.clone())
    loss_ic = (u0 - 1.0).pow(2).mean() + du0.pow(2).mean()

    loss = loss_pde + W_IC * loss_ic
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()

    if step % 100 == 0 or step == 1:
        model.eval()
        with torch.no_grad():
            u_pred = model(t_test)
            rel = torch.linalg.norm(u_pred - analytic(t_test)) / torch.linalg.norm(analytic(t_test))
        print(f"step {step:5d}  loss {loss.item():.3e}  (pde {loss_pde.item():.2e}, ic {loss_ic.item():.2e})"
              f"  lr {sched.get_last_lr()[0]:.2e}  rel L2 {rel.item():.3e}")

model.eval()
with torch.no_grad():
    u_pred = model(t_test)
    rel = torch.linalg.norm(u_pred - analytic(t_test)) / torch.linalg.norm(analytic(t_test))
print(f"final relative L2 error vs cos(omega t): {rel.item():.3e}")
