#!/usr/bin/env python
"""Cox partial-likelihood network, Weibull survival times with administrative censoring."""
import numpy as np
import torch
from torch import nn

torch.manual_seed(0)
rs = np.random.RandomState(0)


def simulate(n, p=10):
    x = rs.randn(n, p)
    eta = 0.9 * x[:, 0] + 0.6 * np.tanh(2 * x[:, 1]) - 0.5 * x[:, 2] * x[:, 3] + 0.4 * x[:, 4] ** 2
    shape, scale = 1.5, 1.0
    u = rs.uniform(size=n)
    t_event = scale * (-np.log(u) / np.exp(eta)) ** (1.0 / shape)
    t_cens = np.minimum(rs.uniform(0.2, 3.0, size=n), 2.5)
    t = np.minimum(t_event, t_cens)
    d = (t_event <= t_cens).astype(np.float32)
    return x.astype(np.float32), t.astype(np.float32), d


x_train, t_train, d_train = simulate(1200)
x_val, t_val, d_val = simulate(400)
center, spread = x_train.mean(axis=0), x_train.std(axis=0)
x_train = (x_train - center) / spread
x_val = (x_val - center) / spread
print(f"train events {d_train.mean():.2f}  val events {d_val.mean():.2f}")


class RiskNet(nn.Module):
    def __init__(self, p, hidden=64):
        super().__init__()
        self.fc1 = nn.Linear(p, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.out = nn.Linear(hidden, 1)
        for layer in (self.fc1, self.fc2):
            nn.init.normal_(layer.weight, mean=0.0, std=3.0)
            nn.init.zeros_(layer.bias)

    def forward(self, x):
        h = torch.tanh(self.fc1(x))
        h = torch.tanh(self.fc2(h))
        return self.out(h).squeeze(-1)


def neg_partial_loglik(log_risk, t, d):
    idx = torch.argsort(t, descending=True)
    log_risk, d = log_risk[idx], d[idx]
    denom = torch.logcumsumexp(log_risk, dim=0)
    return -torch.sum((log_risk - denom) * d) / torch.sum(d)


def harrell_c(log_risk, t, d):
    r = log_risk.detach().numpy()
    ok = (t[:, None] < t[None, :]) & (d[:, None] > 0)
    num = ((r[:, None] > r[None, :]) & ok).sum() + 0.5 * ((r[:, None] == r[None, :]) & ok).sum()
    return num / ok.sum()


net = RiskNet(x_train.shape[1])
optim = torch.optim.Adam(net.parameters(), lr=1e-3, weight_decay=1e-5)
Xt, Tt, Dt = map(torch.from_numpy, (x_train, t_train, d_train))
Xv, Tv, Dv = map(torch.from_numpy, (x_val, t_val, d_val))

batch = 200
for epoch in range(60):
    net.train()
    perm = torch.randperm(len(Xt))
    losses = []
    for start in range(0, len(perm), batch):
        sel = perm[start:start + batch]
        optim.zero_grad()
        loss = neg_partial_loglik(net(Xt[sel]), Tt[sel], Dt[sel])
        loss.backward()
        optim.step()
        losses.append(loss.item())
    if (epoch + 1) % 10 == 0:
        net.eval()
        with torch.no_grad():
            v = net(Xv)
        print(f"[{epoch + 1:02d}] loss={np.mean(losses):.4f} "
              f"val_loss={neg_partial_loglik(v, Tv, Dv).item():.4f} val_C={harrell_c(v, t_val, d_val):.3f}")

net.eval()
with torch.no_grad():
    print(f"train C-index: {harrell_c(net(Xt), t_train, d_train):.3f}")
    print(f"val   C-index: {harrell_c(net(Xv), t_val, d_val):.3f}")
